"""The app's data model: what every part of the house talks about.

The relay client turns answers into :class:`Clip` and :class:`Task`; the library
keeps them as :class:`ClipRecord` and :class:`TaskRecord` with their local state;
tagging, file names, the window and the command line read these. Nothing here
does I/O, so everything can import it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, NamedTuple

#: how a clip's files are named unless the user chose otherwise (see library.filenames)
DEFAULT_TEMPLATE = "{title} [{short_id}]"

#: what a failed task is reported as when the relay gives no reason
TASK_FAILED = "Suno reported a failure."
#: what a task whose status the relay reports as UNKNOWN is reported as
TASK_STATUS_UNKNOWN = "The relay reports the task's status as UNKNOWN."


class TaskStatus(StrEnum):
    """A task's status as the relay words it (upper case), and NOT_FETCHED for one never asked about yet."""

    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    UNKNOWN = "UNKNOWN"
    NOT_FETCHED = "NOT_FETCHED"  # ours: added, not fetched yet (the store's default)

    @classmethod
    def of(cls, word: str) -> TaskStatus:
        """The status a stored word names; UNKNOWN for a word the app does not know."""
        try:
            return cls(word)
        except ValueError:
            return cls.UNKNOWN


PENDING_TASK_STATUSES = frozenset(
    {TaskStatus.NOT_START, TaskStatus.SUBMITTED, TaskStatus.QUEUED, TaskStatus.IN_PROGRESS}
)
FINAL_TASK_STATUSES = frozenset({TaskStatus.SUCCESS, TaskStatus.FAILURE, TaskStatus.UNKNOWN})


class ClipStatus(StrEnum):
    """A clip's status as the relay words it (lower case), as the database keeps it.

    OTHER stands for a word the app does not know: such a clip is neither pending nor
    done, and fails once its task is final (the relay's word is kept in its sentence
    and in the clip's raw JSON).
    """

    NONE = ""  # none sent: the camelCase shape under a task whose status is UNKNOWN
    SUBMITTED = "submitted"
    QUEUED = "queued"
    STREAMING = "streaming"  # the relay has a stream of it, not the file (never downloaded)
    COMPLETE = "complete"
    ERROR = "error"
    OTHER = "other"

    @classmethod
    def of(cls, word: str) -> ClipStatus:
        """The status a relay's (or the database's) word names; OTHER for any word the app does not know."""
        try:
            return cls(word)
        except ValueError:
            return cls.OTHER


#: the most stars a clip can have
MAX_STARS = 5


class ClipRelation(StrEnum):
    """How a clip was made from its parent (rs-suno's lineage kinds); stored as its text."""

    NONE = ""
    EXTENSION = "extension"
    CONCAT = "concat"
    EDIT = "edit"
    SECTION_REPLACE = "section_replace"
    SPEED_EDIT = "speed_edit"
    COVER = "cover"
    REMASTER = "remaster"
    DERIVED = "derived"

    @classmethod
    def of(cls, value: object) -> ClipRelation:
        """The relation a stored word names; an unknown one is DERIVED (one dict lookup: read for every clip)."""
        try:
            return cls._value2member_map_.get(value, cls.DERIVED)  # type: ignore[return-value]
        except TypeError:  # not hashable
            return cls.DERIVED


PENDING_CLIP_STATUSES = frozenset({ClipStatus.SUBMITTED, ClipStatus.QUEUED, ClipStatus.STREAMING})


class TaskAction(StrEnum):
    """What a task makes: songs, or lyrics only; NONE while the relay has not said (never fetched)."""

    NONE = ""
    MUSIC = "MUSIC"
    LYRICS = "LYRICS"

    @classmethod
    def of(cls, word: str) -> TaskAction:
        """The action a stored word names: a relay's actions other than LYRICS are made like songs."""
        return cls.NONE if not word else cls.LYRICS if word == cls.LYRICS else cls.MUSIC


class ClipKind(StrEnum):
    """What a clip of the library is: a song, or the text of a LYRICS task."""

    MUSIC = "music"
    LYRICS = "lyrics"  # a LYRICS task's text: nothing to download


def is_final_task_status(status: TaskStatus) -> bool:
    return status in FINAL_TASK_STATUSES


@dataclass(frozen=True)
class Clip:
    """One generated song (or, for a LYRICS task, one lyrics-only entry)."""

    clip_id: str
    task_id: str
    kind: ClipKind = ClipKind.MUSIC  # MUSIC or LYRICS
    title: str = ""
    tags: str = ""
    lyrics: str = ""
    description: str = ""  # gpt_description_prompt: what the user asked for
    model: str = ""
    duration: float | None = None  # seconds
    relay_status: ClipStatus = ClipStatus.NONE
    relay_error: str = ""  # what the relay says went wrong with the clip
    audio_url: str = ""
    image_url: str = ""  # best cover: image_large_url, else image_url
    video_url: str = ""
    created_at: datetime | None = None  # timezone-aware UTC
    rating: int = 0  # the user's 0-5 stars (0: none), written into the files' tags
    parent_clip_id: str | None = None  # the clip it was made from (an extension's, a cover's …)
    relation: ClipRelation = ClipRelation.NONE  # how
    continue_at: float | None = None  # an extension: seconds into the parent where it goes on
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_complete(self) -> bool:
        return self.relay_status == ClipStatus.COMPLETE

    @property
    def is_error(self) -> bool:
        return self.relay_status == ClipStatus.ERROR

    @property
    def short_id(self) -> str:
        return self.clip_id.replace("-", "")[:8]


@dataclass(frozen=True)
class Task:
    task_id: str
    action: TaskAction = TaskAction.MUSIC
    status: TaskStatus = TaskStatus.UNKNOWN
    fail_reason: str = ""
    progress: str = ""
    submit_time: int | None = None
    finish_time: int | None = None
    clips: tuple[Clip, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_final(self) -> bool:
        return is_final_task_status(self.status)


class ClipState(StrEnum):
    """What the library knows about a clip's files (shown in the status column)."""

    PENDING = "pending"  # the relay is still generating it
    DOWNLOADING = "downloading"
    READY = "ready"  # MP3 (and whatever else is enabled) on disk and tagged
    MISSING = "missing"  # was ready, a file vanished from disk; will be fetched again
    FAILED = "failed"  # Suno reported an error, or the download kept failing
    LYRICS = "lyrics"  # a lyrics-only entry: nothing to download


class FilesOnDisk(NamedTuple):
    """Which of a clip's files are on disk right now."""

    audio: bool = False
    cover: bool = False
    video: bool = False

    @staticmethod
    def of(audio: bool, cover: bool, video: bool) -> FilesOnDisk:
        """One of the eight shared values (a library of 100,000 clips keeps one each, not a tuple per clip)."""
        return _FILES_ON_DISK[bool(audio), bool(cover), bool(video)]


_FILES_ON_DISK = {(a, c, v): FilesOnDisk(a, c, v) for a in (False, True) for c in (False, True) for v in (False, True)}


#: the reason stored for a task id the relay does not know
NOT_FOUND_REASON = "The relay does not know this task id (check it for typos)."


class TaskRowState(Enum):
    """How a task without clips shows in the table and in ``list --tasks``."""

    WAITING = "waiting"  # not fetched yet, or queued on the relay
    GENERATING = "generating"
    FAILED = "failed"  # the relay says FAILURE (content filter, no credits, ...)
    UNREADABLE = "unreadable"  # the relay's answer could not be read; asked again later
    NOT_FOUND = "not_found"
    EMPTY = "empty"  # finished, but the relay sent no songs


@dataclass(slots=True)
class TaskRecord:
    task_id: str
    action: TaskAction
    status: TaskStatus
    fail_reason: str
    progress: str
    added_at: float
    fetched_at: float | None
    error: str
    removed: bool
    updated_at: float | None

    @property
    def is_final(self) -> bool:
        return is_final_task_status(self.status)

    @property
    def row_state(self) -> TaskRowState:
        if self.status == TaskStatus.UNKNOWN and self.error == NOT_FOUND_REASON:
            return TaskRowState.NOT_FOUND
        if self.error:
            return TaskRowState.UNREADABLE
        if self.status in (TaskStatus.FAILURE, TaskStatus.UNKNOWN):
            return TaskRowState.FAILED
        if self.status == TaskStatus.IN_PROGRESS:
            return TaskRowState.GENERATING
        if self.status in PENDING_TASK_STATUSES or self.status == TaskStatus.NOT_FETCHED:
            return TaskRowState.WAITING
        return TaskRowState.EMPTY

    @property
    def reason(self) -> str:
        """What went wrong with the task, or ""."""
        state = self.row_state
        if state in (TaskRowState.NOT_FOUND, TaskRowState.UNREADABLE):
            return self.error
        if state == TaskRowState.FAILED:
            return self.fail_reason or (TASK_STATUS_UNKNOWN if self.status == TaskStatus.UNKNOWN else TASK_FAILED)
        return ""

    def describe(self) -> str:
        """The sentence the Status column shows for a task that has no clips (yet)."""
        state = self.row_state
        if state == TaskRowState.WAITING:
            return "Waiting…"
        if state == TaskRowState.GENERATING:
            return f"Generating {self.progress}" if self.progress and self.progress != "0%" else "Generating…"
        if state == TaskRowState.FAILED:
            return f"Failed: {self.reason}"
        if state == TaskRowState.UNREADABLE:
            return f"Could not be read: {self.error}"
        if state == TaskRowState.NOT_FOUND:
            return "Not found on the relay"
        return "Finished without songs" if self.action is not TaskAction.LYRICS else "Finished without lyrics"


@dataclass(slots=True)
class ClipRecord:
    """A clip as the library holds it: a :class:`Clip`'s fields under the same names, plus local state.

    The relay's words are ``relay_status`` and ``relay_error`` in both, so that they are
    never mistaken for the library's own ``state`` and ``error``; ``created_at`` is kept
    as ISO text. :meth:`to_clip` gives the :class:`Clip` that tagging and file names read.
    """

    clip_id: str
    task_id: str
    position: int
    kind: ClipKind
    title: str
    tags: str
    lyrics: str
    description: str
    model: str
    duration: float | None
    created_at: str | None
    relay_status: ClipStatus
    error: str  # what went wrong here: a download, a tag, a file (see relay_error for the relay's)
    audio_url: str
    image_url: str
    video_url: str
    state: ClipState
    audio_path: str | None
    cover_path: str | None
    video_path: str | None
    file_stem: str | None
    tag_key: str | None
    removed: bool
    updated_at: float
    relay_error: str = ""  # what the relay says went wrong with the clip (or its task's reason)
    rating: int = 0  # 0-5 stars, the user's (0: none)
    plays: int = 0  # plays counted by the player (half the song or 4 minutes)
    last_played: float | None = None  # when the last of them was counted (epoch seconds)
    parent_clip_id: str | None = None  # the relay's: the clip it was made from
    relation: ClipRelation = ClipRelation.NONE
    continue_at: float | None = None
    file_ratings: str | None = None  # JSON: the ratings the song file held when last read (where from -> stars)
    tags_seen: float | None = None  # the song file's mtime then
    edits: str | None = None  # JSON: what the user wrote over title, tags, lyrics, description (already applied)

    @property
    def edited(self) -> tuple[str, ...]:
        """The fields whose values are the user's, not the relay's: ``title``, ``tags``, ``lyrics``, ``description``."""
        if not self.edits:
            return ()
        try:
            values = json.loads(self.edits)
        except ValueError:
            return ()
        return tuple(sorted(values)) if isinstance(values, dict) else ()

    @property
    def take(self) -> int:
        """Which take of its task the clip is: 1, 2, … (the relay's order)."""
        return self.position + 1

    @property
    def is_finished_song(self) -> bool:
        """A song the relay finished and the library keeps: the only clips that have files to sync, rename or extend."""
        return self.kind == ClipKind.MUSIC and not self.removed and self.relay_status == ClipStatus.COMPLETE

    @property
    def problem(self) -> str:
        """The sentence to show for a failed clip: ours first (it is what a sync can fix), else the relay's."""
        return self.error or self.relay_error

    def to_clip(self) -> Clip:
        return Clip(
            clip_id=self.clip_id,
            task_id=self.task_id,
            kind=self.kind,
            title=self.title,
            tags=self.tags,
            lyrics=self.lyrics,
            description=self.description,
            model=self.model,
            duration=self.duration,
            relay_status=self.relay_status,
            relay_error=self.relay_error,
            audio_url=self.audio_url,
            image_url=self.image_url,
            video_url=self.video_url,
            created_at=_stored_time(self.created_at),
            rating=self.rating,
            parent_clip_id=self.parent_clip_id,
            relation=self.relation,
            continue_at=self.continue_at,
        )


def _stored_time(value: str | None) -> datetime | None:
    """The library stores times as ISO text; anything else reads as unknown."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
