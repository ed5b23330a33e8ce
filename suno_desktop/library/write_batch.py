"""New files reach their names and the database in batches: one wait for the disk per batch.

Every clip job stages its downloads (complete, tagged, write-back started: see
:mod:`..media.durable_writes`) and hands them to the :class:`WriteBatch`. When the
batch is big enough, or when the last worker finds the queue empty, one thread
commits it: all files fsync'ed, then renamed, then their folders fsync'ed, and only
then one database transaction records every clip of the batch. So the database
never says "ready" for a file that is not durable, and the downloads go on while
the disk catches up, instead of each one waiting for its own fsync.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import kind_of, sentence_of
from ..media.durable_writes import StagedFile, commit_staged, discard_staged
from ..model import ClipRecord
from .clip_files import ClipFiles, FileKind
from .store import Library
from .sync_types import ClipOutcome

log = logging.getLogger(__name__)

#: a batch is committed once it holds this many files or bytes (or when the work runs out)
BATCH_FILES = 48
BATCH_BYTES = 128 * 1024 * 1024


@dataclass
class StagedClip:
    """One clip's job, done except for its new files' commit and its row in the database."""

    outcome: ClipOutcome
    files: ClipFiles  # where the clip's files are; staged ones at the names they are meant to get
    record: ClipRecord  # the clip as it was when its job started
    stem: str  # the file name its files get, without suffix
    staged: dict[FileKind, StagedFile] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(staged.size for staged in self.staged.values())


#: the columns to store for a committed clip (its paths are final by then)
RowValues = Callable[[StagedClip], dict[str, object]]


class WriteBatch:
    """Staged clips waiting for one commit; shared by the engine's worker threads."""

    def __init__(self, library: Library, row_values: RowValues, *, files: int = BATCH_FILES, size: int = BATCH_BYTES):
        self.library = library
        self.row_values = row_values
        self.max_files = files
        self.max_size = size
        self._lock = threading.Lock()  # guards _waiting
        self._commit_lock = threading.Lock()  # one commit at a time, in the order taken
        self._waiting: list[StagedClip] = []

    def add(self, clip: StagedClip) -> list[ClipOutcome]:
        """Stage *clip*; commits the batch when it is full and returns the outcomes that became final."""
        with self._lock:
            self._waiting.append(clip)
            files = sum(len(waiting.staged) for waiting in self._waiting)
            size = sum(waiting.size for waiting in self._waiting)
            full = files >= self.max_files or size >= self.max_size
        return self.commit() if full else []

    def commit(self) -> list[ClipOutcome]:
        """Make every staged file durable, give it its name, then record the clips in one transaction."""
        with self._commit_lock:
            with self._lock:
                clips, self._waiting = self._waiting, []
            if not clips:
                return []
            try:
                commit_staged([staged for clip in clips for staged in clip.staged.values()])
                for clip in clips:
                    self._settle(clip)
            except Exception as exc:  # never lose the outcomes: whoever waits for them would wait forever
                log.exception("committing %d staged clips failed", len(clips))
                self._fail_all(clips, exc)
                return [clip.outcome for clip in clips]
            self._record(clips)
            return [clip.outcome for clip in clips]

    def _fail_all(self, clips: list[StagedClip], exc: Exception) -> None:
        """A commit that broke off: what was not renamed yet goes, the clips fail and come back next sync."""
        for clip in clips:
            discard_staged(staged for staged in clip.staged.values() if staged.final is None)
            clip.outcome.ok = False
            clip.outcome.error = f"The new files could not be saved: {sentence_of(exc)}"
            clip.outcome.error_kind = kind_of(exc)

    def discard(self) -> list[ClipOutcome]:
        """Drop what is staged (the library folder is gone); the clips keep their old rows."""
        with self._commit_lock, self._lock:
            clips, self._waiting = self._waiting, []
        for clip in clips:
            discard_staged(clip.staged.values())
        return [clip.outcome for clip in clips]

    def _settle(self, clip: StagedClip) -> None:
        for kind, staged in clip.staged.items():
            if staged.error is None:
                clip.files[kind] = staged.final
                continue
            clip.files[kind] = None
            outcome = clip.outcome
            if outcome.ok or not outcome.error:
                where = staged.target.parent
                outcome.ok = False
                outcome.error = f"{staged.target.name} could not be saved in {where}: {sentence_of(staged.error)}"
                outcome.error_kind = kind_of(staged.error)
                log.warning("clip %s: %s", outcome.clip_id, outcome.error)

    def _record(self, clips: list[StagedClip]) -> None:
        try:
            self.library.update_clips((clip.outcome.clip_id, self.row_values(clip)) for clip in clips)
        except Exception as exc:  # the files are in place and durable; the next sync finds them by their tags
            log.exception("could not record %d clips in the library", len(clips))
            for clip in clips:
                clip.outcome.ok = False
                clip.outcome.error = f"The library could not record the new files: {sentence_of(exc)}"
                clip.outcome.error_kind = kind_of(exc)
