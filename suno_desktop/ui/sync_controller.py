"""The window's adapter for the core sync engine: its units on ``QThreadPool`` workers.

What to ask the relay, how long to wait and which clips to look at is the
engine's policy (:mod:`..library.polling`, the same the command line runs); this
module only runs it the Qt way. Poll and plan units run one at a time on a
single-thread pool (they share the relay and the database); clip jobs go into
one queue that as many pool threads as the "parallel downloads" setting drain.
Workers never call into the GUI per clip: what they report (jobs started, bytes,
results) is collected under a lock and taken by the GUI thread on a timer, so a
sync of a thousand clips costs the event loop a few small updates a second.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from enum import Enum

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from ..errors import ErrorKind, ReportedOnce, SunoError, kind_of, sentence_of
from ..library.lock import LibraryBusy
from ..library.polling import JobBatch, PollRound, PollSchedule
from ..library.store import Library
from ..library.sync import ClipJob, ClipOutcome, SyncEngine, SyncOptions
from ..relay.client import RelayClient
from ..relay.errors import ConfigurationError
from ..settings import Settings
from .clip_job_queue import ClipJobQueue, LiveProgress
from .clip_rows import task_rows
from .sync_run import SyncRun, counted
from .workers import WorkerPool

log = logging.getLogger(__name__)

LOCK_RETRY_MS = 5000
#: how often the GUI takes what the workers reported while a sync runs
FLUSH_MS = 100
#: rows handed to the table per tick: a fetch of a thousand clips is spread over ticks
ROWS_PER_FLUSH = 300


#: what the window adds to an error's sentence: what to do about it here
_HINTS = {
    ErrorKind.AUTH: " Open Settings (Ctrl+,) to fix it.",
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


class SyncController(QObject):
    clips_changed = Signal(list, list)  # fresh ClipRecords and their files on disk, read on a worker
    tasks_changed = Signal(list)  # rows (ClipRecords) of tasks that have no clips (yet), built on the worker
    clips_started = Signal(list)  # clip ids whose jobs began (downloading)
    about_to_write = Signal(str)  # a clip's files are about to be rewritten: let go of them
    jobs_finished = Signal(list)  # ClipRecords whose jobs are over: what was let go of may be taken back
    all_clips_checked = Signal(list)  # every ClipRecord after a file check
    clip_progress = Signal(dict)  # clip id -> (bytes done, total or None), coalesced
    busy_changed = Signal(bool)
    progress = Signal(int, int)  # clip jobs done, total in the current batch
    status = Signal(str)  # a sentence for the status bar
    error = Signal(str, str)  # kind, sentence: each kind once until it clears

    def __init__(self, library: Library, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self._live = LiveProgress()
        self.fetch_pool = WorkerPool(1, self)
        self._job_threads = QThreadPool(self)
        self.jobs = ClipJobQueue(self._job_threads, self._run_job, self._commit_writes)
        self.cancel = threading.Event()
        self.client: RelayClient | None = None
        self._configuration_error = ""  # why the settings give no relay client (see configure)
        self.engine: SyncEngine | None = None
        self._retired: list[SyncEngine] = []
        self._retired_lock = threading.Lock()  # configure() adds on the GUI thread, a worker takes
        self.paused = False  # the library folder is away: nothing new is started
        self._closed = False
        self._scheduled: set[str] = set()
        self.batch = JobBatch()
        self._disk_full = ""  # the sentence of a clip that failed on a full disk, in this batch
        self.run = SyncRun()  # what the current run did: its closing sentence
        self._waiting_for_lock = False  # another process syncs: the run goes on when it is done
        self._reported = ReportedOnce()
        self._poll_timer = QTimer(self)
        self._poll_timer.setSingleShot(True)
        self._poll_timer.timeout.connect(self.poll_pending)
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._schedule = PollSchedule(settings.poll_interval)
        self._busy = False
        self._updates: deque[tuple[RowUpdate, list, list]] = deque()  # (what, rows, on_disk), in order
        self.fetch_pool.idle.connect(self._update_busy)
        self.configure(settings)

    # ------------------------------------------------------------------ setup

    def configure(self, settings: Settings) -> None:
        """Apply new settings: a new relay client, engine options and pool width."""
        self.settings = settings
        if self.client is not None:
            self.client.close()
        self.client = None
        self._configuration_error = ""
        try:
            self.client = relay_client_for(settings, pool_size=max(4, settings.download_jobs))
        except ConfigurationError as exc:
            self._configuration_error = str(exc)  # said again by each sync: at start-up nobody listens yet
            self._report(ErrorKind.CONFIGURATION, str(exc))
        if self.engine is not None:
            self.engine.close()
            with self._retired_lock:
                self._retired.append(self.engine)  # files its jobs staged still need their commit
        options = SyncOptions.from_settings(settings)
        self.engine = SyncEngine(
            self.library,
            self.client,
            options,
            observer=self._live,
            cancel=self.cancel,
        )
        self._job_threads.setMaxThreadCount(options.jobs)
        self.jobs.width = options.jobs
        self._schedule = PollSchedule(settings.poll_interval)
        self._reported.cleared()

    @property
    def has_relay(self) -> bool:
        return self.client is not None

    @property
    def busy(self) -> bool:
        return self.fetch_pool.busy or self.jobs.busy or bool(self._updates) or self._waiting_for_lock

    def shutdown(self, wait_ms: int = 5000) -> None:
        self._closed = True
        self.cancel.set()
        self.jobs.clear()
        self._poll_timer.stop()
        self._flush_timer.stop()
        self.fetch_pool.close()
        self.fetch_pool.wait(wait_ms)
        self._job_threads.waitForDone(wait_ms)
        self.library.lock.release()
        if self.engine is not None:
            self.engine.close()
        if self.client is not None:
            self.client.close()

    # ------------------------------------------------------------------ entry points

    def add_tasks(self, task_ids: list[str]) -> None:
        """Store the ids, show a row for each at once, then fetch them."""
        if not task_ids or self._refuse_while_paused():
            return
        library = self.library
        self.run.start(asked=True)

        def add() -> list:
            library.add_task_ids(task_ids)
            return task_rows(library, task_ids)

        self.fetch_pool.submit(
            add, on_result=lambda tasks: self._enqueue(RowUpdate.TASKS, tasks), on_error=self._failed
        )
        self.status.emit(f"Adding {counted(len(task_ids), 'task')}…")
        self._fetch(task_ids)

    def sync_now(self) -> None:
        """F5: poll what is pending and bring every clip's files up to date."""
        if self._refuse_while_paused():
            return
        self._reported.cleared(ErrorKind.RELAY, ErrorKind.CONFIGURATION)  # asked again: told again
        self.run.start(asked=True)
        self._set_busy(True)
        self.status.emit("Syncing…")
        self.fetch_pool.submit(self.library.pending_task_ids, on_result=self._fetch_then_plan, on_error=self._failed)

    def refresh_all(self) -> None:
        """Fetch every task again, finished ones too: picks up changes made on the relay."""
        if self._refuse_while_paused():
            return
        self._reported.cleared(ErrorKind.RELAY, ErrorKind.CONFIGURATION)  # asked again: told again
        self.run.start(asked=True)
        self._set_busy(True)
        self.status.emit("Refreshing every task from the relay…")
        self.fetch_pool.submit(self.library.task_ids, on_result=self._fetch_then_plan, on_error=self._failed)

    def refresh_tasks(self, task_ids: list[str]) -> None:
        """Fetch these tasks again even if final (Retry, Refresh Selected)."""
        if task_ids and not self._refuse_while_paused():
            self.run.start(asked=True)
            self.status.emit(f"Refreshing {counted(len(task_ids), 'task')} from the relay…")
            self._fetch(task_ids)

    def poll_pending(self) -> None:
        if not self.paused:
            self.fetch_pool.submit(self.library.pending_task_ids, on_result=self._poll_result, on_error=self._failed)

    def check_files(self) -> None:
        """After the file watcher fired: mark vanished files missing, find moved ones."""
        if self.engine is None or self.paused:
            return
        engine = self.engine

        def check() -> list:
            engine.plan()
            return self.library.clips()

        self.fetch_pool.submit(check, on_result=self.all_clips_checked.emit, on_error=self._failed)

    def pause(self) -> None:
        """The library folder went away: start nothing until :meth:`resume`."""
        self.paused = True
        self._poll_timer.stop()

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self._reported.cleared(ErrorKind.LIBRARY)
            self.sync_now()

    # ------------------------------------------------------------------ steps

    def _refuse_while_paused(self) -> bool:
        if self.paused:
            self.status.emit("The library folder is not available; syncing resumes when it is back.")
        return self.paused

    def _fetch_then_plan(self, task_ids: list[str]) -> None:
        if self.client is None and (task_ids or self._configuration_error):
            self._report(ErrorKind.CONFIGURATION, self._no_relay_sentence())
            self.run.failed()
        if task_ids and self.client is not None:
            self._fetch(task_ids, plan_all=True)
        else:
            self._plan(None)

    def _no_relay_sentence(self) -> str:
        return (
            self._configuration_error
            or "No relay is set up: open Settings (Ctrl+,) and enter the relay's base URL and API token."
        )

    def _poll_result(self, pending: list[str]) -> None:
        if pending:
            self._fetch(pending)

    def _fetch(self, task_ids: list[str], *, plan_all: bool = False) -> None:
        if self.engine is None or self.client is None:
            self._report(ErrorKind.CONFIGURATION, self._no_relay_sentence())
            self.run.failed()
            if plan_all:
                self._plan(None)
            return
        self._set_busy(True)
        engine, library = self.engine, self.library

        def poll() -> tuple[PollRound, list, list, list]:
            answer = engine.poll(task_ids)
            records = library.clips(task_ids=list(answer.result.tasks))
            on_disk = [library.files_present(record) for record in records]
            return answer, records, on_disk, task_rows(library, task_ids)

        self.fetch_pool.submit(
            poll,
            on_result=lambda answer: self._polled(*answer, plan_all),
            on_error=lambda exc: self._fetch_failed(exc, plan_all),
        )

    def _polled(self, answer: PollRound, records: list, on_disk: list, task_rows: list, plan_all: bool) -> None:
        self._reported.cleared(ErrorKind.RELAY, ErrorKind.CONFIGURATION)  # the relay answered
        changed = answer.changed_clips
        self._enqueue(RowUpdate.CLIPS, records, on_disk)
        self._enqueue(RowUpdate.TASKS, task_rows)
        self.run.polled(answer, records)
        self._plan(None if plan_all else list(changed))
        if changed or not answer.still_pending:
            self._schedule.start_over()
        if answer.still_pending:
            self._schedule_poll()

    def _schedule_poll(self) -> None:
        if self.paused or self._closed:
            return
        self._poll_timer.start(int(self._schedule.next_wait() * 1000))

    def _fetch_failed(self, exc: BaseException, plan_all: bool) -> None:
        self._failed(exc)
        if plan_all:
            self._plan(None)
        if kind_of(exc).retry_later:
            self._schedule_poll()  # a relay that is down is tried again, with backoff

    def _plan(self, clip_ids: list[str] | None) -> None:
        if self.engine is None or self.paused or (clip_ids is not None and not clip_ids):
            self._update_busy()
            return
        self.fetch_pool.submit(self.engine.plan, clip_ids, on_result=self._run, on_error=self._failed)

    def _run(self, jobs: list[ClipJob]) -> None:
        jobs = [job for job in jobs if job.clip_id not in self._scheduled]
        if not jobs or self.paused:
            self._update_busy()
            return
        if not self._take_library_lock():
            # a `sync` from cron (or another window) is writing these files: wait our turn
            self.status.emit("Another Suno Desktop process is syncing this library; waiting for it to finish…")
            self._waiting_for_lock = True
            QTimer.singleShot(LOCK_RETRY_MS, lambda: self._retry_after_lock([job.clip_id for job in jobs]))
            return
        self.run.scheduled(jobs)
        self.batch.added(len(jobs))
        self.progress.emit(self.batch.done, self.batch.total)
        self._set_busy(True)
        for job in jobs:
            if job.retag or job.rename:
                self.about_to_write.emit(job.clip_id)  # delivered at once: same thread
            self._scheduled.add(job.clip_id)
        self.jobs.put(jobs)
        self._flush_timer.start()

    def _retry_after_lock(self, clip_ids: list[str]) -> None:
        self._waiting_for_lock = False
        self._plan(clip_ids)

    def _run_job(self, job: ClipJob) -> list[tuple]:  # on a pool thread
        return [self._result_of(outcome) for outcome in self.engine.run_job(job)]

    def _commit_writes(self) -> list[tuple]:  # on a pool thread, when the jobs ran out
        with self._retired_lock:
            engines, self._retired = [*self._retired, self.engine], []
        return [self._result_of(outcome) for engine in engines for outcome in engine.commit_writes()]

    def _result_of(self, outcome: ClipOutcome) -> tuple:
        """The outcome with the clip's fresh row; without it when the row cannot be read (the outcome still counts)."""
        try:
            record = self.library.clip(outcome.clip_id)
            return outcome, record, self.library.files_present(record) if record is not None else None
        except Exception:
            log.exception("reading clip %s after its job failed", outcome.clip_id)
            return outcome, None, None

    def _enqueue(self, kind: RowUpdate, rows: list, on_disk: list | None = None) -> None:
        """Rows for the table, handed over a few dozen a tick, in the order they were read."""
        if rows:
            self._updates.append((kind, list(rows), list(on_disk) if on_disk is not None else []))
            self._flush_timer.start()

    def _flush(self) -> None:
        """Take what the workers reported since the last tick, and give the table a slice of it."""
        if self._closed:
            return
        started, progress = self._live.take()
        if started:
            self.clips_started.emit(started)
        if progress:
            self.clip_progress.emit(progress)
        results = self.jobs.take_results()
        if results:
            self._jobs_done(results)
        self._hand_over(ROWS_PER_FLUSH)
        if not self.jobs.busy and not self._updates:  # every job has reported: the batch is over
            self._flush_timer.stop()
            if self.batch.over:
                self._finish_batch()
            self._update_busy()

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

    def _jobs_done(self, results: list[tuple]) -> None:
        records, on_disk = [], []
        for outcome, record, files in results:
            self._scheduled.discard(outcome.clip_id)
            self.batch.finished(outcome.clip_id, outcome.ok, outcome.error, outcome.cancelled)
            self.run.finished(outcome)
            if outcome.error_kind == ErrorKind.DISK_FULL:
                self._disk_full = outcome.error
            if record is not None:
                records.append(record)
                on_disk.append(files)
        if records:
            self.jobs_finished.emit(records)
        self._enqueue(RowUpdate.CLIPS, records, on_disk)
        self.progress.emit(self.batch.done, self.batch.total)

    def _take_library_lock(self) -> bool:
        try:
            self.library.lock.acquire(wait=0)
        except LibraryBusy:
            return False
        return True

    def _finish_batch(self) -> None:
        """Every job of the batch reported: let go of the library; the run's closing sentence comes when it is idle."""
        self.library.lock.release()  # held only while our downloads write files
        if self._disk_full:
            self._report(ErrorKind.DISK_FULL, self._disk_full + " Free some space, then press F5 to sync again.")
        self._disk_full = ""

    # ------------------------------------------------------------------ errors and state

    def _failed(self, exc: BaseException) -> None:
        kind = kind_of(exc)
        hint = _HINTS.get(kind, "")
        if kind == ErrorKind.INTERNAL:
            log.error("background work failed", exc_info=exc)
            self._report(kind, f"Something went wrong: {exc}")
        elif not isinstance(exc, SunoError):  # the OS's own words, e.g. a permission: keep where it came from
            log.warning("background work failed: %s", exc, exc_info=exc)
            self._report(kind, f"{sentence_of(exc)}{hint}")
        else:
            self._report(kind, f"{exc}{hint}")
        self.run.failed()
        self._update_busy()

    def _report(self, kind: ErrorKind, sentence: str) -> None:
        log.warning("%s", sentence)
        if self._reported.first_time(kind):
            self.error.emit(str(kind), sentence)
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

    def _update_busy(self) -> None:
        QTimer.singleShot(0, lambda: self._set_busy(self.busy) if not self._closed else None)
