"""What the sync's parts share: the jobs and their outcomes, the options, the report, the observer.

A leaf: the engine (:mod:`.sync`), the clip work (:mod:`.clip_work`), the write
batch and the session (:mod:`.sync_session`) all import it and none of them
another for its types.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from ..errors import ErrorKind, SunoError
from ..media.tagging import TagOptions
from ..retry_policy import DEFAULT_RETRY, RetryPolicy
from ..settings import AUTOMATIC_JOBS, Settings
from .filenames import DEFAULT_TEMPLATE
from .polling import MAX_POLL_SECONDS, FetchResult, PollRound
from .store import Library
from .transfer_width import WIDE, TransferWidth

if TYPE_CHECKING:  # a type only: the HTTP stack loads with the engine, not with these types
    from ..relay.client import RelayClient


@dataclass(frozen=True)
class ClipJob:
    """What one clip needs; an empty job is never created."""

    clip_id: str
    title: str
    stem: str
    audio: bool = False
    cover: bool = False
    video: bool = False
    retag: bool = False
    rename: bool = False

    @property
    def downloads(self) -> int:
        return int(self.audio) + int(self.cover) + int(self.video)


@dataclass
class ClipOutcome:
    clip_id: str
    title: str
    ok: bool
    error: str = ""
    error_kind: ErrorKind | None = None
    cancelled: bool = False
    files_downloaded: int = 0
    bytes_downloaded: int = 0
    files_written: int = 0  # downloads + tag rewrites + renames


@dataclass(frozen=True)
class SyncOptions:
    """How a sync works. ``jobs`` is the most clip jobs in flight: downloads wait on the network and need
    no core, so with ``adaptive`` (the Automatic setting) the session sizes it by the network
    (:mod:`.transfer_width`); the CPU work in them (tags, checks) takes one of ``cpu_jobs``."""

    download_video: bool = True
    jobs: int = 4
    adaptive: bool = False
    cpu_jobs: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    filename_template: str = DEFAULT_TEMPLATE
    tag_options: TagOptions = field(default_factory=TagOptions)
    poll_interval: float = 5.0
    max_poll_interval: float = MAX_POLL_SECONDS
    timeout: float = 600.0
    retry: RetryPolicy = DEFAULT_RETRY  # how the media downloads try again (the relay client has its own)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SyncOptions:
        automatic = settings.jobs == AUTOMATIC_JOBS
        options = cls(
            download_video=settings.download_video,
            jobs=WIDE if automatic else settings.download_jobs,
            adaptive=automatic,
            filename_template=settings.filename_template,
            tag_options=TagOptions(
                id3_version=settings.id3_version,
                artist=settings.artist,
                album=settings.album,
                lyrics_language=settings.lyrics_language,
            ),
            poll_interval=settings.poll_interval,
            retry=settings.retry_policy(),
        )
        return replace(options, **overrides)


@dataclass
class SyncReport:
    tasks_synced: int = 0
    still_pending: list[str] = field(default_factory=list)
    failed_tasks: dict[str, str] = field(default_factory=dict)
    failed_clips: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (title, reason)
    clips_done: int = 0
    files_downloaded: int = 0
    files_written: int = 0
    bytes_downloaded: int = 0
    api_requests: int = 0
    cancelled: bool = False
    leftovers_removed: int = 0  # hidden .part files no download would go on with
    elapsed: float = 0.0
    error: BaseException | None = None  # the run could not go on: the relay could not be asked, the lock was taken

    @property
    def ok(self) -> bool:
        return not (self.still_pending or self.failed_tasks or self.failed_clips or self.cancelled or self.error)


class SyncObserver:
    """What a sync session tells its front end, from its threads: the window coalesces it, a terminal prints it."""

    def tasks_added(self, task_ids: list[str]) -> None: ...

    def polled(self, answer: PollRound) -> None: ...

    def jobs_scheduled(self, jobs: list[ClipJob]) -> None: ...

    def before_write(self, clip_ids: list[str]) -> None:
        """These clips' files are about to be rewritten or renamed: a player lets go of them (may block briefly)."""

    def files_checked(self) -> None: ...

    def waiting_for_lock(self, sentence: str) -> None: ...

    def failed(self, error: BaseException) -> None:
        """The run met an error of its own (not one clip's): the relay, the setup, the lock, a bug."""

    def idle(self) -> None:
        """Everything asked is done (tasks still being made are polled later)."""

    def tasks_fetched(self, result: FetchResult) -> None: ...

    def clip_started(self, job: ClipJob) -> None: ...

    def clip_progress(self, clip_id: str, done: int, total: int | None) -> None: ...

    def clip_finished(self, outcome: ClipOutcome) -> None: ...

    def overall_progress(self, done: int, total: int) -> None: ...

    def waiting(self, pending: int, seconds: float) -> None: ...


class ClipEngine(Protocol):
    """The units of work a :class:`.sync_session.SyncSession` schedules (:class:`.sync.SyncEngine`)."""

    library: Library
    client: RelayClient | None
    options: SyncOptions
    observer: SyncObserver
    cancel: threading.Event

    def poll(self, task_ids: list[str]) -> PollRound: ...

    def plan(self, clip_ids: set[str] | None = None, *, busy: frozenset[str] = frozenset()) -> list[ClipJob]: ...

    def run_job(self, job: ClipJob) -> list[ClipOutcome]: ...

    def commit_writes(self) -> list[ClipOutcome]: ...

    def measure_transfers(self, width: TransferWidth) -> None:
        """Tell *width* about every file the jobs download."""

    def no_relay(self) -> SunoError:
        """Why there is no relay to ask: the settings' own sentence."""
        ...
