"""The window's scheduler for the core sync engine.

Fetch and plan units run one at a time on a single-thread pool (they share the
relay and the database); clip jobs run on a pool as wide as the "parallel
downloads" setting. Every result comes back by a queued signal, so the GUI
thread only ever updates models. Pending tasks are polled with backoff while the
app is open. Each kind of error is reported once until things work again: a bad
token must not become a dialog per clip.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from ..library.lock import LibraryBusy
from ..library.store import Library, LibraryUnavailable
from ..library.sync import ClipJob, ClipOutcome, FetchResult, SyncEngine, SyncObserver, SyncOptions
from ..relay.client import RelayClient
from ..relay.errors import AuthError, ConfigurationError, RelayError
from ..settings import Settings
from .workers import WorkerPool

log = logging.getLogger(__name__)

MAX_POLL_SECONDS = 60.0
LOCK_RETRY_MS = 5000


class _EngineSignals(QObject):
    """Lives on the GUI thread; the engine's observer emits these from worker threads."""

    clip_started = Signal(str)
    clip_progress = Signal(str, object, object)


class _SignalObserver(SyncObserver):
    def __init__(self, signals: _EngineSignals) -> None:
        self.signals = signals

    def clip_started(self, job: ClipJob) -> None:
        self.signals.clip_started.emit(job.clip_id)

    def clip_progress(self, clip_id: str, done: int, total: int | None) -> None:
        self.signals.clip_progress.emit(clip_id, done, total)


class SyncController(QObject):
    clips_changed = Signal(list)  # fresh ClipRecords, read on the worker that changed them
    clip_started = Signal(str)  # a clip job began (downloading)
    about_to_write = Signal(str)  # a clip's files are about to be rewritten: let go of them
    all_clips_checked = Signal(list)  # every ClipRecord after a file check
    clip_progress = Signal(str, object, object)  # clip id, bytes done, total or None
    busy_changed = Signal(bool)
    progress = Signal(int, int)  # clip jobs done, total in the current batch
    status = Signal(str)  # a sentence for the status bar
    error = Signal(str, str)  # kind, sentence: each kind once until it clears
    pending_changed = Signal(int)  # tasks still generating

    def __init__(self, library: Library, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self._signals = _EngineSignals(self)
        self._signals.clip_progress.connect(self.clip_progress)
        self._signals.clip_started.connect(self.clip_started)
        self.fetch_pool = WorkerPool(1, self)
        self.job_pool = WorkerPool(settings.jobs, self)
        self.cancel = threading.Event()
        self.client: RelayClient | None = None
        self.engine: SyncEngine | None = None
        self._scheduled: set[str] = set()
        self._done = 0
        self._total = 0
        self._reported: set[str] = set()
        self._failed_clips: dict[str, str] = {}
        self._poll_timer = QTimer(self)
        self._poll_timer.setSingleShot(True)
        self._poll_timer.timeout.connect(self.poll_pending)
        self._poll_interval = max(1.0, settings.poll_interval)
        self._busy = False
        self.job_pool.idle.connect(self._update_busy)
        self.fetch_pool.idle.connect(self._update_busy)
        self.configure(settings)

    # ------------------------------------------------------------------ setup

    def configure(self, settings: Settings) -> None:
        """Apply new settings: a new relay client, engine options and pool width."""
        self.settings = settings
        if self.client is not None:
            self.client.close()
        self.client = None
        if settings.base_url and settings.token:
            try:
                self.client = RelayClient(settings.base_url, settings.token, pool_size=max(4, settings.jobs))
            except ConfigurationError as exc:
                self._report("configuration", str(exc))
        if self.engine is not None:
            self.engine.close()
        self.engine = SyncEngine(
            self.library, self.client, SyncOptions.from_settings(settings),
            observer=_SignalObserver(self._signals), cancel=self.cancel,
        )
        self.job_pool.pool.setMaxThreadCount(settings.jobs)
        self._poll_interval = max(1.0, settings.poll_interval)
        self._reported.clear()

    @property
    def has_relay(self) -> bool:
        return self.client is not None

    @property
    def busy(self) -> bool:
        return self.fetch_pool.busy or self.job_pool.busy

    def shutdown(self, wait_ms: int = 5000) -> None:
        self.cancel.set()
        self._poll_timer.stop()
        self.fetch_pool.close()
        self.job_pool.close()
        self.fetch_pool.wait(wait_ms)
        self.job_pool.wait(wait_ms)
        self.library.lock.release()
        if self.engine is not None:
            self.engine.close()
        if self.client is not None:
            self.client.close()

    # ------------------------------------------------------------------ entry points

    def add_tasks(self, task_ids: list[str]) -> None:
        if not task_ids:
            return
        self.fetch_pool.submit(self.library.add_task_ids, task_ids, on_error=self._failed)
        self.status.emit(f"Adding {len(task_ids)} task(s)…")
        self._fetch(task_ids)

    def sync_now(self) -> None:
        """F5: poll what is pending and bring every clip's files up to date."""
        self._reported.discard("relay")
        self._set_busy(True)
        self.fetch_pool.submit(self.library.pending_task_ids, on_result=self._fetch_then_plan, on_error=self._failed)

    def refresh_tasks(self, task_ids: list[str]) -> None:
        """Fetch these tasks again even if final: picks up titles changed on the relay."""
        self._fetch(task_ids)

    def poll_pending(self) -> None:
        self.fetch_pool.submit(self.library.pending_task_ids, on_result=self._poll_result, on_error=self._failed)

    def check_files(self) -> None:
        """After the file watcher fired: mark vanished files missing, find moved ones."""
        if self.engine is None:
            return
        engine = self.engine

        def check() -> list:
            engine.plan()
            return self.library.clips()

        self.fetch_pool.submit(check, on_result=self.all_clips_checked.emit, on_error=self._failed)

    def run_jobs(self, clip_ids: list[str] | None = None) -> None:
        self._plan(clip_ids)

    # ------------------------------------------------------------------ steps

    def _fetch_then_plan(self, pending: list[str]) -> None:
        if pending and self.client is not None:
            self._fetch(pending, plan_all=True)
        else:
            self._plan(None)

    def _poll_result(self, pending: list[str]) -> None:
        self.pending_changed.emit(len(pending))
        if pending:
            self._fetch(pending)

    def _fetch(self, task_ids: list[str], *, plan_all: bool = False) -> None:
        if self.engine is None or self.client is None:
            self._report(
                "configuration",
                "No relay is set up: open Settings (Ctrl+,) and enter the relay's base URL and API token.",
            )
            if plan_all:
                self._plan(None)
            return
        self._set_busy(True)
        engine, library = self.engine, self.library

        def fetch() -> tuple[FetchResult, list]:
            result = engine.fetch(task_ids)
            return result, library.clips(task_ids=list(result.tasks))

        self.fetch_pool.submit(
            fetch,
            on_result=lambda answer: self._fetched(*answer, plan_all),
            on_error=lambda exc: self._fetch_failed(exc, plan_all),
        )

    def _fetched(self, result: FetchResult, records: list, plan_all: bool) -> None:
        self._reported.discard("relay")
        changed = [clip.clip_id for task in result.tasks.values() for clip in task.clips]
        if records:
            self.clips_changed.emit(records)
        for task_id in result.not_found:
            self.status.emit(f"The relay does not know task {task_id}: check it for typos.")
        failed = [t for t in result.tasks.values() if t.status == "FAILURE"]
        for task in failed:
            self.status.emit(f"Task {task.task_id[:8]} failed: {task.fail_reason or 'no reason given'}")
        pending = [t for t in result.tasks.values() if not t.is_final]
        self.pending_changed.emit(len(pending))
        self._plan(None if plan_all else changed)
        if pending:
            if changed:
                self._poll_interval = max(1.0, self.settings.poll_interval)
            self._schedule_poll()
        else:
            self._poll_interval = max(1.0, self.settings.poll_interval)

    def _schedule_poll(self) -> None:
        self._poll_timer.start(int(self._poll_interval * 1000))
        self._poll_interval = min(self._poll_interval * 1.5, max(MAX_POLL_SECONDS, self.settings.poll_interval))

    def _fetch_failed(self, exc: BaseException, plan_all: bool) -> None:
        self._failed(exc)
        if plan_all:
            self._plan(None)
        if not isinstance(exc, (AuthError, ConfigurationError, LibraryUnavailable)):
            self._schedule_poll()  # a relay that is down is tried again, with backoff

    def _plan(self, clip_ids: list[str] | None) -> None:
        if self.engine is None or (clip_ids is not None and not clip_ids):
            self._update_busy()
            return
        self.fetch_pool.submit(self.engine.plan, clip_ids, on_result=self._run, on_error=self._failed)

    def _run(self, jobs: list[ClipJob]) -> None:
        jobs = [job for job in jobs if job.clip_id not in self._scheduled]
        if not jobs:
            self._update_busy()
            return
        if not self._take_library_lock():
            # a `sync` from cron (or another window) is writing these files: wait our turn
            self.status.emit("Another Suno Desktop process is syncing this library; waiting for it to finish…")
            QTimer.singleShot(LOCK_RETRY_MS, lambda: self._plan([job.clip_id for job in jobs]))
            return
        if not self.job_pool.busy:
            self._done = self._total = 0
            self._failed_clips.clear()
        self._total += len(jobs)
        self.progress.emit(self._done, self._total)
        self._set_busy(True)
        engine, library = self.engine, self.library

        def run(job: ClipJob) -> tuple[ClipOutcome, object]:
            outcome = engine.run_job(job)
            return outcome, library.clip(job.clip_id)

        for job in jobs:
            if job.retag or job.rename:
                self.about_to_write.emit(job.clip_id)  # delivered at once: same thread
            self._scheduled.add(job.clip_id)
            self.job_pool.submit(run, job, on_result=lambda answer: self._job_done(*answer),
                                 on_error=lambda exc, clip_id=job.clip_id: self._job_crashed(clip_id, exc))

    def _job_done(self, outcome: ClipOutcome, record=None) -> None:
        self._scheduled.discard(outcome.clip_id)
        self._done += 1
        if not outcome.ok and not outcome.cancelled:
            self._failed_clips[outcome.clip_id] = outcome.error
        if record is not None:
            self.clips_changed.emit([record])
        self.progress.emit(self._done, self._total)
        if self._done == self._total:
            self._finish_batch()

    def _job_crashed(self, clip_id: str, exc: BaseException) -> None:
        log.exception("clip job crashed", exc_info=exc)
        self._job_done(ClipOutcome(clip_id, "", ok=False, error=str(exc)))

    def _take_library_lock(self) -> bool:
        try:
            self.library.lock.acquire(wait=0)
        except LibraryBusy:
            return False
        return True

    def _finish_batch(self) -> None:
        self.library.lock.release()  # held only while our downloads write files
        failed = self._failed_clips
        if failed:
            reasons = sorted(set(failed.values()))
            self.status.emit(
                f"{self._total - len(failed)} of {self._total} clip(s) updated; {len(failed)} failed "
                f"({reasons[0]}{' …' if len(reasons) > 1 else ''}). See the Status column."
            )
            if any("disk is full" in reason.lower() for reason in reasons):
                self._report("disk", reasons[0] + " Free some space, then press F5 to sync again.")
        else:
            self.status.emit(f"Done: {self._total} clip(s) downloaded and tagged.")

    # ------------------------------------------------------------------ errors and state

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AuthError):
            self._report("auth", f"{exc} Open Settings (Ctrl+,) to fix it.")
        elif isinstance(exc, ConfigurationError):
            self._report("configuration", str(exc))
        elif isinstance(exc, LibraryUnavailable):
            self._report("library", str(exc))
        elif isinstance(exc, RelayError):
            self._report("relay", f"{exc} Polling again later; press F5 to retry now.")
        else:
            log.error("background work failed", exc_info=exc)
            self._report("internal", f"Something went wrong: {exc}")
        self._update_busy()

    def _report(self, kind: str, sentence: str) -> None:
        log.warning("%s", sentence)
        if kind in self._reported:
            self.status.emit(sentence)
            return
        self._reported.add(kind)
        self.error.emit(kind, sentence)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def _update_busy(self) -> None:
        QTimer.singleShot(0, lambda: self._set_busy(self.busy))
