"""What a sync session tells the window, kept from its threads until the GUI thread takes it.

The session (:mod:`..library.sync_session`) calls a :class:`WindowEvents` from
its control and job threads. Nothing here touches a widget: the rows the table
needs are read from the library right there, on the session's thread, and the
events wait in order under a lock until the window's timer takes them
(:meth:`WindowEvents.take`). Bytes of progress are coalesced per clip, so a sync
of a thousand clips costs the event loop a few small updates a second.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from enum import Enum, auto

from ..library.polling import PollRound
from ..library.store import Library
from ..library.sync_types import ClipJob, ClipOutcome, SyncObserver
from ..model import ClipRecord
from .clip_rows import task_rows

log = logging.getLogger(__name__)

#: how long a rewrite waits for the player to let go of the clip's files
RELEASE_WAIT_SECONDS = 2.0


class EventKind(Enum):
    """What one event handed to the GUI thread is."""

    CLIP_ROWS = auto()  # (records, on_disk): clips to show as they are now
    TASK_ROWS = auto()  # rows of tasks without clips
    POLLED = auto()  # (answer, records): what a poll round said, for the run's tally
    SCHEDULED = auto()  # the clip jobs queued
    RELEASE = auto()  # (clip ids, threading.Event): let go of these clips' files, then set the event
    FINISHED = auto()  # (outcomes, records, on_disk): clip jobs over
    CHECKED = auto()  # every clip's id, last change and files on disk, after a check of the files
    LOCK_WAIT = auto()  # the sentence: another process holds the library
    FAILED = auto()  # the exception that ended a step of the run
    IDLE = auto()  # nothing left to do for now


@dataclass
class Taken:
    """What the GUI takes on one tick."""

    events: list[tuple[EventKind, object]] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    progress: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    batch: tuple[int, int] | None = None  # clip jobs done, total


class WindowEvents(SyncObserver):
    """The window's :class:`SyncObserver`: thread-safe, read by the GUI with :meth:`take`."""

    def __init__(self, library: Library, cancel: threading.Event, wake=None) -> None:
        self.library = library
        self.cancel = cancel
        self.wake = wake or (lambda: None)  # asks the GUI thread to take the events now
        self._lock = threading.Lock()
        self._taken = Taken()

    def take(self) -> Taken:
        with self._lock:
            taken, self._taken = self._taken, Taken()
        return taken

    def _add(self, kind: EventKind, payload: object = None, *, wake: bool = False) -> None:
        with self._lock:
            self._taken.events.append((kind, payload))
        if wake:
            self.wake()

    # ------------------------------------------------------------------ from the session's threads

    def tasks_added(self, task_ids: list[str]) -> None:
        self._add(EventKind.TASK_ROWS, task_rows(self.library, task_ids), wake=True)

    def polled(self, answer: PollRound) -> None:
        library = self.library
        records = library.clips(task_ids=list(answer.result.tasks))
        on_disk = [library.files_present(record) for record in records]
        self._add(EventKind.POLLED, (answer, records), wake=True)
        self._add(EventKind.CLIP_ROWS, (records, on_disk))
        self._add(EventKind.TASK_ROWS, task_rows(library, answer.asked))

    def jobs_scheduled(self, jobs: list[ClipJob]) -> None:
        self._add(EventKind.SCHEDULED, jobs, wake=True)

    def before_write(self, clip_ids: list[str]) -> None:
        released = threading.Event()
        self._add(EventKind.RELEASE, (clip_ids, released), wake=True)
        if not released.wait(RELEASE_WAIT_SECONDS) and not self.cancel.is_set():
            log.warning("the player did not let go of %d clip(s) in time; rewriting anyway", len(clip_ids))

    def clip_started(self, job: ClipJob) -> None:
        with self._lock:
            self._taken.started.append(job.clip_id)

    def clip_progress(self, clip_id: str, done: int, total: int | None) -> None:
        with self._lock:
            self._taken.progress[clip_id] = (done, total)

    def clip_finished(self, outcome: ClipOutcome) -> None:
        record, on_disk = self._fresh_row(outcome)
        self._add(EventKind.FINISHED, (outcome, record, on_disk))

    def overall_progress(self, done: int, total: int) -> None:
        with self._lock:
            self._taken.batch = (done, total)

    def files_checked(self) -> None:
        self._add(EventKind.CHECKED, self.library.file_states(), wake=True)

    def waiting_for_lock(self, sentence: str) -> None:
        self._add(EventKind.LOCK_WAIT, sentence, wake=True)

    def failed(self, error: BaseException) -> None:
        self._add(EventKind.FAILED, error, wake=True)

    def idle(self) -> None:
        self._add(EventKind.IDLE, wake=True)

    def _fresh_row(self, outcome: ClipOutcome) -> tuple[ClipRecord | None, object]:
        """The clip's row after its job; none when it cannot be read (the outcome still counts)."""
        try:
            record = self.library.clip(outcome.clip_id)
            return record, self.library.files_present(record) if record is not None else None
        except Exception:
            log.exception("reading clip %s after its job", outcome.clip_id)
            return None, None
