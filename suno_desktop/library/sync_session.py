"""One sync session: the only scheduler of syncing, for the window and the command line alike.

A session owns the order of the work and its policy: poll rounds and the waits
between them, the plans, the clip jobs (:class:`.clip_queue.ClipQueue`), the
commits of what they staged, the library's lock, cancellation and what a failure
costs. It runs its control loop and the jobs on the :class:`.clip_queue.TaskPool`
it is given (plain threads, or a window's ``QThreadPool``) and tells a
:class:`.sync_types.SyncObserver` what happens, from those threads. A front end
only asks (:meth:`SyncSession.ask`), cancels and presents the events: the command
line prints lines, the window coalesces them on a timer.

The rules, the same wherever the session runs:

* a request's first plan looks at every clip in its scope (missing files,
  re-tags); a poll round plans only the clips the relay just reported;
* a poll round that fails (after the retry policy's attempts) because the relay
  is down costs that round: its tasks are asked again after the poll schedule's
  wait, until they are final or the run's deadline; a rejected token or a broken
  setup ends the run at once;
* the library's lock is held from the first plan until the session is idle:
  nothing on disk or in the database is planned or written without it;
* a clip job that raises fails that clip alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum, auto

from ..errors import ErrorKind, kind_of
from ..model import ClipState, ClipStatus, TaskRowState, TaskStatus
from ..settings import automatic_jobs
from .clip_queue import ClipQueue, TaskPool, ThreadTaskPool
from .leftovers import remove_stale_parts
from .lock import LibraryBusy
from .polling import JobBatch, PollSchedule
from .store import Library
from .sync_types import ClipEngine, ClipJob, ClipOutcome, SyncReport
from .transfer_width import TransferWidth

log = logging.getLogger(__name__)

#: how often a session waiting for another process's lock tries again
LOCK_RETRY_SECONDS = 5.0


class RequestKind(Enum):
    """What a front end asks of the session."""

    ADD = auto()  # new task ids: store them, fetch them, plan their clips
    FETCH = auto()  # fetch these tasks even if final (Retry, Refresh Selected), plan their clips
    SYNC = auto()  # poll what is pending, plan every clip (F5, ``sync``)
    REFRESH_ALL = auto()  # fetch every task, plan every clip (``sync --refresh``)
    CHECK_FILES = auto()  # plan every clip: mark vanished files missing, find moved ones
    RETAG = auto()  # plan these clips (by clip id) and queue their jobs: the user changed what their tags say


@dataclass(frozen=True)
class SyncRequest:
    kind: RequestKind
    task_ids: tuple[str, ...] = ()


@dataclass
class _Plan:
    """Clips waiting to be planned: every clip, or these ids; and whose jobs are queued.

    A check of the files (the folder watcher) plans every clip, so that vanished
    files are marked missing at once, but queues nothing: a file the user deleted
    is not fetched again until they sync.
    """

    everything: bool = False  # plan every clip
    queue_all: bool = False  # and queue the jobs of every clip (else only of clip_ids)
    clip_ids: set[str] = field(default_factory=set)
    files_checked: bool = False  # the front end wants to hear when it is done (CHECK_FILES)

    def merge(self, other: _Plan) -> None:
        self.everything = self.everything or other.everything
        self.queue_all = self.queue_all or other.queue_all
        self.clip_ids |= other.clip_ids
        self.files_checked = self.files_checked or other.files_checked

    @property
    def empty(self) -> bool:
        return not (self.everything or self.clip_ids or self.files_checked)

    def wants(self, job: ClipJob) -> bool:
        return self.queue_all or job.clip_id in self.clip_ids


class SyncSession:
    """The scheduler; thread-safe. Start it, ask it, and :meth:`close` it when done."""

    def __init__(
        self,
        engine: ClipEngine,
        *,
        control: TaskPool | None = None,
        jobs: TaskPool | None = None,
        lock_wait: float | None = None,
    ) -> None:
        self.engine = engine
        self.library: Library = engine.library
        self.observer = engine.observer
        self.cancel = engine.cancel
        self.lock_wait = lock_wait  # None: wait for another process's lock as long as the session lives
        self._own_pools: list[ThreadTaskPool] = []
        if control is None:
            control = ThreadTaskPool("sync-control", width=1)
            self._own_pools.append(control)
        if jobs is None:
            jobs = ThreadTaskPool("sync")
            self._own_pools.append(jobs)
        self._control, self._job_pool = control, jobs
        self.queue = ClipQueue(self._job_pool, self._run_job, self._commit, self._jobs_finished)
        self.width: TransferWidth | None = None
        self._size_for(engine)
        self.batch = JobBatch()
        self._cond = threading.Condition()
        self._requests: list[SyncRequest] = []
        self._plan = _Plan()
        self._pending: dict[str, None] = {}  # tasks to poll again, in order
        self._schedule = PollSchedule(engine.options.poll_interval, engine.options.max_poll_interval)
        self._next_poll = float("inf")
        self._lock_retry_at = 0.0
        self._lock_asked_since: float | None = None
        self._scheduled: set[str] = set()
        self._again: set[str] = set()  # asked for by id while their jobs were queued or running: planned once more
        self._retired: list[ClipEngine] = []
        self._working = False  # the control loop is in the middle of a step
        self._idle_told = True  # the front end was told the session is idle since the last work
        self.stop_polling_at = float("inf")  # the command's --timeout: no poll round starts after it
        self._started = False
        self.closed = False
        self.paused = False
        self.report = SyncReport()
        self._outcomes: list[ClipOutcome] = []
        self._sweep_due = True  # leftover .part files are looked for at the next idle (see _go_idle)
        self._fatal: BaseException | None = None  # what ended the run: waiting longer cannot help
        self._poll_error: BaseException | None = None  # why the last poll round failed, if it did

    # ------------------------------------------------------------------ front ends

    def start(self) -> None:
        with self._cond:
            if not self._started:
                self._started = True
                self._control.start(self._control_loop)

    def ask(self, kind: RequestKind, task_ids: Iterable[str] = ()) -> None:
        """Queue a request; the control loop takes it in order."""
        with self._cond:
            self._requests.append(SyncRequest(kind, tuple(dict.fromkeys(task_ids))))
            self._cond.notify_all()
        self.start()

    def use_engine(self, engine: ClipEngine) -> None:
        """New settings: later work uses *engine*; what the old one staged is still committed."""
        with self._cond:
            self._retired.append(self.engine)
            self.engine = engine
            self._size_for(engine)
            self._schedule = PollSchedule(engine.options.poll_interval, engine.options.max_poll_interval)

    def _size_for(self, engine: ClipEngine) -> None:
        """The width of the job queue: the user's number, or measured from the network (Automatic)."""
        options = engine.options
        self.width = TransferWidth(min(automatic_jobs(), options.jobs), options.jobs) if options.adaptive else None
        if self.width is not None:
            engine.measure_transfers(self.width)
        self.queue.widen(self.width.width if self.width is not None else options.jobs)

    def pause(self) -> None:
        """The library folder went away: start nothing new until :meth:`resume`."""
        with self._cond:
            self.paused = True

    def resume(self) -> None:
        with self._cond:
            self.paused = False
            self._cond.notify_all()

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._is_busy()

    def _is_busy(self) -> bool:
        return self._working or bool(self._requests) or not self._plan.empty or self.queue.busy

    def wait_idle(self, seconds: float | None = None) -> bool:
        """Block until nothing is queued, planned or running (polls still to come do not count)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        with self._cond:
            while self._is_busy() and self.queue.crash is None:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining if remaining is not None else 0.5)
        return True

    def close(self, wait: float | None = 5.0) -> None:
        """End the control loop and let the threads end (up to *wait* seconds); jobs not started never start.

        Running jobs end on their own, or at once when :attr:`cancel` is set first.
        """
        with self._cond:
            self.closed = True
            self._cond.notify_all()
        self._fail_waiting_jobs()
        self._control.wait(wait)
        self._job_pool.wait(wait)
        for pool in self._own_pools:
            pool.close()
        self.library.lock.release()

    # ------------------------------------------------------------------ the command line's run

    def run(
        self, task_ids: Iterable[str] | None = None, *, refresh: bool = False, timeout: float = 600.0
    ) -> SyncReport:
        """Sync *task_ids* (or the library) until every task in scope is final or *timeout* passes.

        Given ids are fetched even if final (to pick up a changed title); a re-sync
        polls only tasks that are not final, a *refresh* every task.
        """
        started = time.monotonic()
        self.library.check_available()
        client = self.engine.client
        requests_before = client.requests_sent if client else 0
        scope = None if task_ids is None else list(dict.fromkeys(task_ids))
        if scope is not None:
            self.ask(RequestKind.ADD, scope)
        else:
            self.ask(RequestKind.REFRESH_ALL if refresh else RequestKind.SYNC)
        self.stop_polling_at = started + timeout
        while not self.cancel.is_set():
            self.wait_idle()  # the jobs started go on past the deadline (a caller may cancel them)
            pending = self.pending_tasks(scope)
            if self._fatal is not None or self.queue.crash is not None or not pending:
                break
            if time.monotonic() >= self.stop_polling_at:
                self.report.still_pending = pending
                break
            with self._cond:
                self._cond.wait(min(0.2, max(0.0, self.stop_polling_at - time.monotonic())))
        cancelled = self.cancel.is_set()
        self.close(wait=None)
        if self.queue.crash is not None:
            raise self.queue.crash
        report = self.report
        report.cancelled = cancelled
        report.error = self._fatal or (self._poll_error if report.still_pending else None)
        self._collect(report, scope)
        report.api_requests = (client.requests_sent - requests_before) if client else 0
        report.elapsed = time.monotonic() - started
        return report

    @property
    def outcomes(self) -> list[ClipOutcome]:
        """The outcomes of every clip job so far."""
        with self._cond:
            return list(self._outcomes)

    @property
    def failure(self) -> BaseException | None:
        """What ended the run, if anything did (a rejected token, another process's lock, a bug)."""
        return self._fatal

    def pending_tasks(self, scope: list[str] | None = None) -> list[str]:
        with self._cond:
            pending = list(self._pending)
        if scope is None:
            return pending
        wanted = set(scope)
        return [task_id for task_id in pending if task_id in wanted]

    # ------------------------------------------------------------------ the control loop

    def _control_loop(self) -> None:  # on the control pool's thread, for the session's life
        while True:
            with self._cond:
                step = self._next_step()
                while step is None and not self.closed:
                    self._cond.wait(self._seconds_to_wake())
                    step = self._next_step()
                if self.closed:
                    self._cond.notify_all()
                    return
                self._working = True
                if step != self._go_idle:
                    self._idle_told = False
            try:
                step()
            except Exception as exc:  # a bug or the library failing: said once, the session goes on
                log.exception("sync step failed")
                self._tell_failure(exc)
            finally:
                with self._cond:
                    self._working = False
                    self._cond.notify_all()

    def _next_step(self):
        """What the loop does next (under the condition's lock): a request, a plan, a poll, or letting go."""
        now = time.monotonic()
        if self.paused:
            return None
        if self._requests:
            request = self._requests.pop(0)
            return lambda: self._take(request)
        if not self._plan.empty and now >= self._lock_retry_at:
            return self._plan_and_queue
        if self._pending and now >= self._next_poll and now < self.stop_polling_at:
            self._next_poll = float("inf")
            return lambda: self._poll(list(self._pending), everything=False)
        if not self._idle_told and self._plan.empty and not self.queue.busy:
            self._idle_told = True
            return self._go_idle
        return None

    def _seconds_to_wake(self) -> float:
        now = time.monotonic()
        wake = min(self._next_poll, self._lock_retry_at if not self._plan.empty else float("inf"))
        return max(0.01, min(wake - now, 1.0))

    def _take(self, request: SyncRequest) -> None:
        kind, ids = request.kind, list(request.task_ids)
        library = self.library
        if self.engine.client is None and self.engine.configuration_error:
            self._tell_failure(self.engine.no_relay())  # said on every request: at start nobody listened
            ids = []
        elif kind is RequestKind.ADD:
            library.add_task_ids(ids)
            self.observer.tasks_added(ids)
        elif kind is RequestKind.SYNC:
            ids = library.pending_task_ids()
        elif kind is RequestKind.REFRESH_ALL:
            ids = library.task_ids()
        elif kind is RequestKind.CHECK_FILES:
            self._add_plan(_Plan(everything=True, files_checked=True))
            return
        elif kind is RequestKind.RETAG:
            self._add_plan(_Plan(clip_ids=set(ids)))
            return
        everything = kind in (RequestKind.SYNC, RequestKind.REFRESH_ALL)
        if not ids:
            self._add_plan(_Plan(everything, everything))
            return
        self._poll(ids, everything=everything)

    def _add_plan(self, plan: _Plan) -> None:
        with self._cond:
            self._plan.merge(plan)
            self._cond.notify_all()

    # ------------------------------------------------------------------ polling

    def _poll(self, task_ids: list[str], *, everything: bool) -> None:
        """One poll round; then its clips are planned (every clip when *everything*)."""
        engine = self.engine
        if engine.client is None:
            self._tell_failure(engine.no_relay())
            self._add_plan(_Plan(everything, everything))
            return
        try:
            answer = engine.poll(task_ids)
        except Exception as exc:
            self._poll_failed(task_ids, exc)
            self._add_plan(_Plan(everything, everything))
            return
        self._poll_error = None
        self.observer.polled(answer)
        self.report.failed_tasks.update(
            (task_id, why) for task_id, why in answer.failed_tasks.items() if task_id not in answer.result.tasks
        )
        changed = answer.changed_clips
        with self._cond:
            for task_id in answer.asked:
                self._pending.pop(task_id, None)
            self._pending.update(dict.fromkeys(answer.still_pending))
            if changed or not self._pending:
                self._schedule.start_over()
            self._plan.merge(_Plan(everything, everything, set(changed)))
            self._next_poll = time.monotonic() + self._schedule.next_wait() if self._pending else float("inf")
            waiting, wait = len(self._pending), self._next_poll - time.monotonic()
        if waiting:
            self.observer.waiting(waiting, wait)

    def _poll_failed(self, task_ids: list[str], exc: Exception) -> None:
        """The relay could not be asked (after the retry policy's attempts): the run ends with the error.

        A relay that is down is asked again later, with the poll schedule's backoff; a
        rejected token or a broken setup is not, until the user asks again.
        """
        kind = kind_of(exc)
        if kind is ErrorKind.INTERNAL:
            log.error("poll round failed", exc_info=exc)
        else:
            log.warning("poll round failed: %s", exc)
        with self._cond:
            if kind.retry_later:
                self._pending.update(dict.fromkeys(task_ids))
                self._next_poll = time.monotonic() + self._schedule.next_wait()
            else:
                for task_id in task_ids:
                    self._pending.pop(task_id, None)
        self._poll_error = exc
        self._tell_failure(exc, fatal=not kind.retry_later)

    def _tell_failure(self, exc: BaseException, *, fatal: bool = True) -> None:
        if fatal and self._fatal is None:
            self._fatal = exc
        self.observer.failed(exc)

    # ------------------------------------------------------------------ planning and jobs

    def _plan_and_queue(self) -> None:
        """Plan what is waiting (under the library's lock), then queue the clips' jobs."""
        with self._cond:
            plan, self._plan = self._plan, _Plan()
        if not self._hold_lock(plan):
            return
        engine = self.engine
        with self._cond:
            busy = frozenset(self._scheduled)
        jobs = engine.plan(None if plan.everything else plan.clip_ids, busy=busy)
        if plan.files_checked:
            self.observer.files_checked()
        with self._cond:
            # a clip asked for (a re-tag after an edit) whose job already runs may have been read before
            # the change: it is planned again when that job ends
            self._again.update(j.clip_id for j in jobs if j.clip_id in self._scheduled and j.clip_id in plan.clip_ids)
            jobs = [job for job in jobs if plan.wants(job) and job.clip_id not in self._scheduled]
            self._scheduled.update(job.clip_id for job in jobs)
        if not jobs:
            return
        writes = [job.clip_id for job in jobs if job.retag or job.rename]
        if writes:
            self.observer.before_write(writes)  # a player lets go of what is rewritten
        self.batch.added(len(jobs))
        self.observer.jobs_scheduled(jobs)
        self.observer.overall_progress(self.batch.done, self.batch.total)
        self.queue.put(jobs)

    def _hold_lock(self, plan: _Plan) -> bool:
        """Take the library's lock for the plan; when another process has it, try again later."""
        lock = self.library.lock
        try:
            lock.acquire(wait=0)
        except LibraryBusy as exc:
            now = time.monotonic()
            first = self._lock_asked_since is None
            self._lock_asked_since = now if first else self._lock_asked_since
            with self._cond:
                self._plan.merge(plan)
                self._lock_retry_at = now + min(LOCK_RETRY_SECONDS, self.lock_wait or LOCK_RETRY_SECONDS)
            if self.lock_wait is not None and now - self._lock_asked_since >= self.lock_wait:
                with self._cond:
                    self._plan = _Plan()
                self._tell_failure(exc)
            elif first:
                self.observer.waiting_for_lock(str(exc))
            return False
        self._lock_asked_since = None
        return True

    def _go_idle(self) -> None:
        """Nothing left to do now: what was left half-downloaded and nobody resumes goes, then the lock.

        The folder is swept once at the session's first idle (a killed process's parts)
        and after jobs ran, not after every poll round: a listing of a big folder is not free.
        """
        if self.library.lock.held:
            try:
                if self._sweep_due:
                    self._sweep_due = False
                    self.report.leftovers_removed += remove_stale_parts(self.library)
            finally:
                self.library.lock.release()
        self.observer.idle()

    def _run_job(self, job: ClipJob) -> list[ClipOutcome]:  # on a job thread
        if self.cancel.is_set():
            outcome = ClipOutcome(job.clip_id, job.title, ok=False, error="cancelled", cancelled=True)
        else:
            try:
                return self.engine.run_job(job)
            except Exception as exc:  # a bug: this clip fails (its row says so), the others go on
                log.exception("clip job %s crashed", job.clip_id)
                outcome = ClipOutcome(job.clip_id, job.title, ok=False, error=f"Something went wrong: {exc}")
                outcome.error_kind = ErrorKind.INTERNAL
                self._record_crash(outcome)
        self.observer.clip_finished(outcome)
        return [outcome]

    def _record_crash(self, outcome: ClipOutcome) -> None:
        try:
            self.library.update_clip(outcome.clip_id, state=ClipState.FAILED, error=outcome.error)
        except Exception:  # the database itself failing: the outcome still counts
            log.exception("could not record the failure of clip %s", outcome.clip_id)

    def _commit(self) -> list[ClipOutcome]:  # on a job thread, when the jobs ran out
        with self._cond:
            engines, self._retired = [*self._retired, self.engine], []
        return [outcome for engine in engines for outcome in engine.commit_writes()]

    def _jobs_finished(self, outcomes: list[ClipOutcome]) -> None:  # on a job thread
        width = self.width
        if width is not None:
            if any(outcome.error_kind is ErrorKind.DOWNLOAD for outcome in outcomes):
                width.back_off()
            self.queue.widen(width.width)
        for outcome in outcomes:
            done, total = self.batch.finished(outcome.clip_id, outcome.ok, outcome.error, outcome.cancelled)
            self.observer.overall_progress(done, total)
        with self._cond:
            self._outcomes += outcomes
            self._sweep_due = self._sweep_due or bool(outcomes)
            for outcome in outcomes:
                self._scheduled.discard(outcome.clip_id)
            again = {o.clip_id for o in outcomes if o.clip_id in self._again}
            if again:
                self._again -= again
                self._plan.merge(_Plan(clip_ids=again))
            self._cond.notify_all()

    def _fail_waiting_jobs(self) -> None:
        """Jobs that never started, once cancelled, still report (as cancelled)."""
        jobs = self.queue.take_waiting()
        outcomes = [ClipOutcome(job.clip_id, job.title, ok=False, error="cancelled", cancelled=True) for job in jobs]
        for outcome in outcomes:
            self.observer.clip_finished(outcome)
        if outcomes:
            self._jobs_finished(outcomes)

    # ------------------------------------------------------------------ the report

    def _collect(self, report: SyncReport, scope: list[str] | None) -> None:
        """The command's report: outcomes counted, tasks and clips that failed read from the library."""
        with self._cond:
            outcomes = list(self._outcomes)
        for outcome in outcomes:
            if outcome.cancelled:
                report.cancelled = True
            elif outcome.ok:
                report.clips_done += 1
            else:
                report.failed_clips[outcome.clip_id] = (outcome.title, outcome.error)
            report.files_downloaded += outcome.files_downloaded
            report.files_written += outcome.files_written
            report.bytes_downloaded += outcome.bytes_downloaded
        wanted = None if scope is None else set(scope)
        for task in self.library.tasks():
            if wanted is not None and task.task_id not in wanted:
                continue
            if task.status == TaskStatus.SUCCESS:
                report.tasks_synced += 1
            elif task.row_state in (TaskRowState.FAILED, TaskRowState.NOT_FOUND):
                report.failed_tasks[task.task_id] = task.reason  # the words the window's row uses
        records = self.library.clips(task_ids=scope) if scope is not None else self.library.clips()
        for record in records:
            failed = record.state == ClipState.FAILED and record.clip_id not in report.failed_clips
            if failed and (scope is not None or record.relay_status == ClipStatus.ERROR):
                report.failed_clips[record.clip_id] = (record.title, record.problem or "failed")
