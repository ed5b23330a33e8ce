"""The window's front end of the sync session: it asks, cancels, and shows what the session tells.

What to ask the relay, when, which clips to look at, how many jobs run, the
library's lock and what a failure costs are the session's
(:class:`..library.sync_session.SyncSession`, the same the command line runs);
this module only gives it ``QThreadPool`` threads and presents its events. The
session's threads never call into the GUI: what they report is collected by a
:class:`.sync_events.WindowEvents` and taken by the GUI thread on a timer.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from ..errors import ErrorKind, ReportedOnce, SunoError, kind_of, sentence_of
from ..library.store import Library
from ..library.sync import SyncEngine
from ..library.sync_session import RequestKind, SyncSession
from ..library.sync_types import SyncOptions
from ..relay.client import RelayClient
from ..relay.errors import ConfigurationError
from ..settings import Settings
from .sync_events import EventKind, Taken, WindowEvents
from .sync_run import SyncRun, counted
from .workers import retire_pool

log = logging.getLogger(__name__)

#: how often the GUI takes what the workers reported while a sync runs
FLUSH_MS = 100
#: rows handed to the table per tick: a fetch of a thousand clips is spread over ticks
ROWS_PER_FLUSH = 300


#: what the window adds to an error's sentence: what to do about it here
_HINTS = {
    ErrorKind.AUTH: " Open Settings (Ctrl+,) to fix it.",
    ErrorKind.CONFIGURATION: " Open Settings (Ctrl+,) to fix it.",
    ErrorKind.RELAY: " Polling again later; press F5 to retry now.",
    ErrorKind.TASK_NOT_FOUND: " Polling again later; press F5 to retry now.",
}


class RowUpdate(Enum):
    """What a batch of rows for the table is, and so which signal hands it over."""

    CLIPS = "clips"  # ClipRecords with their files on disk: clips_changed
    TASKS = "tasks"  # rows of tasks without clips: tasks_changed


def relay_client_for(settings: Settings, *, pool_size: int) -> RelayClient | None:
    """The relay client *settings* describe (None when no relay is set up): one config for syncing and creating."""
    if not (settings.base_url and settings.token):
        return None
    return RelayClient(settings.base_url, settings.token, pool_size=pool_size, retry=settings.retry_policy())


class QtTaskPool:
    """A :class:`..library.clip_queue.TaskPool` on a ``QThreadPool``: the session's work on Qt's threads."""

    def __init__(self, width: int, parent: QObject) -> None:
        self.pool = QThreadPool(parent)
        self.pool.setMaxThreadCount(width)

    def start(self, work: Callable[[], None]) -> None:
        self.pool.start(work)

    def wait(self, seconds: float | None) -> bool:
        if seconds is None:
            return self.pool.waitForDone(-1)
        return retire_pool(self.pool, int(seconds * 1000))


class SyncController(QObject):
    clips_changed = Signal(list, list)  # fresh ClipRecords and their files on disk, read on a worker
    tasks_changed = Signal(list)  # rows of tasks that have no clips (yet), built on the worker
    clips_started = Signal(list)  # clip ids whose jobs began (downloading)
    about_to_write = Signal(str)  # a clip's files are about to be rewritten: let go of them
    jobs_finished = Signal(list)  # ClipRecords whose jobs are over: what was let go of may be taken back
    all_clips_checked = Signal(list)  # (clip id, updated_at, FilesOnDisk) of every clip after a file check
    clip_progress = Signal(dict)  # clip id -> (bytes done, total or None), coalesced
    busy_changed = Signal(bool)
    progress = Signal(int, int)  # clip jobs done, total in the current batch
    status = Signal(str)  # a sentence for the status bar
    error = Signal(object, str)  # ErrorKind, sentence: each kind once until it clears
    _wake = Signal()  # from a session thread: take the events now

    def __init__(self, library: Library, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.cancel = threading.Event()
        self.events = WindowEvents(library, self.cancel, wake=self._wake.emit)
        self._wake.connect(self._flush)
        self.client: RelayClient | None = None
        self.engine: SyncEngine | None = None
        self._jobs_pool = QtTaskPool(1, self)
        self.session: SyncSession | None = None
        self._closed = False
        self._disk_full = ""  # the sentence of a clip that failed on a full disk, in this batch
        self.run = SyncRun()  # what the current run did: its closing sentence
        self._reported = ReportedOnce()
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._busy = False
        self._asked = False  # a request went to the session and its idle has not come back yet
        self._updates: deque[tuple[RowUpdate, list, list]] = deque()  # (what, rows, on_disk), in order
        self.configure(settings)

    # ------------------------------------------------------------------ setup

    def configure(self, settings: Settings) -> None:
        """Apply new settings: a new relay client and engine for the session's later work."""
        self.settings = settings
        old_client = self.client
        configuration_error = ""
        try:
            self.client = relay_client_for(settings, pool_size=settings.download_jobs + 1)
        except ConfigurationError as exc:
            self.client = None
            configuration_error = str(exc)  # said again by each request: at start-up nobody listens yet
            self._report(ErrorKind.CONFIGURATION, configuration_error)
        options = SyncOptions.from_settings(settings)
        engine = SyncEngine(
            self.library,
            self.client,
            options,
            observer=self.events,
            cancel=self.cancel,
            configuration_error=configuration_error,
        )
        self._jobs_pool.pool.setMaxThreadCount(options.jobs)
        if self.session is None:
            self.session = SyncSession(engine, control=QtTaskPool(1, self), jobs=self._jobs_pool)
        else:
            self.session.use_engine(engine)  # the old engine's staged files are still committed by the session
        if self.engine is not None:
            self.engine.close()
        if old_client is not None:
            old_client.close()  # requests in flight on it fail and are asked again
        self.engine = engine
        self._reported.cleared()

    @property
    def has_relay(self) -> bool:
        return self.client is not None

    @property
    def paused(self) -> bool:
        return self.session.paused

    @property
    def busy(self) -> bool:
        """At work, from the first ask until the run's sentence is said (it never flips back early)."""
        return self._busy or self._asked or bool(self._updates)

    def shutdown(self, wait_ms: int = 5000) -> None:
        self._closed = True
        self.cancel.set()
        self._flush_timer.stop()
        self.session.close(wait_ms / 1000)
        if self.engine is not None:
            self.engine.close()
        if self.client is not None:
            self.client.close()

    # ------------------------------------------------------------------ entry points

    def add_tasks(self, task_ids: list[str]) -> None:
        """Store the ids, show a row for each at once, then fetch them."""
        if task_ids and not self._refuse_while_paused():
            self.status.emit(f"Adding {counted(len(task_ids), 'task')}…")
            self._ask(RequestKind.ADD, task_ids)

    def sync_now(self) -> None:
        """F5: poll what is pending and bring every clip's files up to date."""
        if not self._refuse_while_paused():
            self._reported.cleared(ErrorKind.RELAY, ErrorKind.CONFIGURATION)  # asked again: told again
            self.status.emit("Syncing…")
            self._ask(RequestKind.SYNC)

    def refresh_all(self) -> None:
        """Fetch every task again, finished ones too: picks up changes made on the relay."""
        if not self._refuse_while_paused():
            self._reported.cleared(ErrorKind.RELAY, ErrorKind.CONFIGURATION)
            self.status.emit("Refreshing every task from the relay…")
            self._ask(RequestKind.REFRESH_ALL)

    def refresh_tasks(self, task_ids: list[str]) -> None:
        """Fetch these tasks again even if final (Retry, Refresh Selected)."""
        if task_ids and not self._refuse_while_paused():
            self.status.emit(f"Refreshing {counted(len(task_ids), 'task')} from the relay…")
            self._ask(RequestKind.FETCH, task_ids)

    def check_files(self) -> None:
        """After the file watcher fired: mark vanished files missing, find moved ones."""
        if not self.session.paused:
            self._ask(RequestKind.CHECK_FILES, asked=False)

    def retag(self, clip_ids: list[str]) -> None:
        """The user changed what these clips' tags say (a rating): plan them and re-tag their files, quietly."""
        if clip_ids and not self.session.paused:
            self._ask(RequestKind.RETAG, list(clip_ids), asked=False)

    def pause(self) -> None:
        """The library folder went away: start nothing until :meth:`resume`."""
        self.session.pause()

    def resume(self) -> None:
        if self.session.paused:
            self.session.resume()
            self._reported.cleared(ErrorKind.LIBRARY)
            self.sync_now()

    # ------------------------------------------------------------------ asking

    def _ask(self, kind: RequestKind, task_ids: list[str] | None = None, *, asked: bool = True) -> None:
        self.run.start(asked=asked)
        self._asked = True
        self._set_busy(True)
        self._flush_timer.start()
        self.session.ask(kind, task_ids or ())

    def _refuse_while_paused(self) -> bool:
        if self.session.paused:
            self.status.emit("The library folder is not available; syncing resumes when it is back.")
        return self.session.paused

    # ------------------------------------------------------------------ what the session told

    def _flush(self) -> None:
        """Take what the session reported since the last tick, and give the table a slice of it."""
        if self._closed:
            return
        session_idle = not self.session.busy  # looked at first: whatever it sent before is in what is taken now
        taken = self.events.take()
        if taken.started:
            self.clips_started.emit(taken.started)
        if taken.progress:
            self.clip_progress.emit(taken.progress)
        if taken.events or taken.batch:
            self._flush_timer.start()  # the session is at work (a background poll round, too)
            self._set_busy(True)
        self._take_events(taken)
        if taken.batch is not None:
            self.progress.emit(*taken.batch)
        self._hand_over(ROWS_PER_FLUSH)
        if session_idle and not self._asked and not self._updates:
            self._flush_timer.stop()
            self._set_busy(False)

    def _take_events(self, taken: Taken) -> None:
        finished: list[tuple] = []
        for kind, payload in taken.events:
            if kind is EventKind.FINISHED:
                finished.append(payload)
                continue
            if finished:
                self._jobs_done(finished)
                finished = []
            self._take_event(kind, payload)
        if finished:
            self._jobs_done(finished)

    def _take_event(self, kind: EventKind, payload) -> None:
        if kind is EventKind.CLIP_ROWS:
            self._enqueue(RowUpdate.CLIPS, *payload)
        elif kind is EventKind.TASK_ROWS:
            self._enqueue(RowUpdate.TASKS, payload)
        elif kind is EventKind.POLLED:
            self._reported.cleared(ErrorKind.RELAY, ErrorKind.CONFIGURATION)  # the relay answered
            self.run.polled(*payload)
        elif kind is EventKind.SCHEDULED:
            self.run.scheduled(payload)
        elif kind is EventKind.RELEASE:
            clip_ids, released = payload
            for clip_id in clip_ids:
                self.about_to_write.emit(clip_id)  # delivered at once: same thread
            released.set()
        elif kind is EventKind.CHECKED:
            self.all_clips_checked.emit(payload)
        elif kind is EventKind.LOCK_WAIT:
            self.status.emit("Another Suno Desktop process is syncing this library; waiting for it to finish…")
        elif kind is EventKind.FAILED:
            self._failed(payload)
        elif kind is EventKind.IDLE:
            self._idle()

    def _jobs_done(self, results: list[tuple]) -> None:
        records, on_disk = [], []
        for outcome, record, files in results:
            self.run.finished(outcome)
            if outcome.error_kind == ErrorKind.DISK_FULL:
                self._disk_full = outcome.error
            if record is not None:
                records.append(record)
                on_disk.append(files)
        if records:
            self.jobs_finished.emit(records)
        self._enqueue(RowUpdate.CLIPS, records, on_disk)

    def _idle(self) -> None:
        """The session has done what was asked: the batch's problems are said, then the run's sentence."""
        self._asked = False  # a request asked after the session went idle makes it tell idle again
        if self._disk_full:
            self._report(ErrorKind.DISK_FULL, self._disk_full + " Free some space, then press F5 to sync again.")
        self._disk_full = ""

    def _enqueue(self, kind: RowUpdate, rows: list, on_disk: list | None = None) -> None:
        """Rows for the table, handed over a few hundred a tick, in the order they were read."""
        if rows:
            self._updates.append((kind, list(rows), list(on_disk) if on_disk is not None else []))

    def _hand_over(self, budget: int) -> None:
        while self._updates and budget > 0:
            kind, rows, on_disk = self._updates[0]
            taken, rest = rows[:budget], rows[budget:]
            if rest:
                self._updates[0] = (kind, rest, on_disk[budget:])
            else:
                self._updates.popleft()
            budget -= len(taken)
            if kind is RowUpdate.CLIPS:
                self.clips_changed.emit(taken, on_disk[: len(taken)])
            else:
                self.tasks_changed.emit(taken)

    # ------------------------------------------------------------------ errors and state

    def _failed(self, exc: BaseException) -> None:
        kind = kind_of(exc)
        hint = _HINTS.get(kind, "")
        if kind == ErrorKind.INTERNAL:
            self._report(kind, f"Something went wrong: {exc}")
        elif not isinstance(exc, SunoError):  # the OS's own words, e.g. a permission: keep where it came from
            self._report(kind, f"{sentence_of(exc)}{hint}")
        else:
            self._report(kind, f"{exc}{hint}")
        self.run.failed()

    def _report(self, kind: ErrorKind, sentence: str) -> None:
        log.warning("%s", sentence)
        if self._reported.first_time(kind):
            self.error.emit(kind, sentence)
        else:
            self.status.emit(sentence)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
        if not busy:
            self._close_run()

    def _close_run(self) -> None:
        """Idle again: say what the run did, once."""
        sentence = self.run.close()
        if sentence:
            self.status.emit(sentence)
