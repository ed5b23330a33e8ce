"""The command line's way of running the sync engine: plain threads, one call, one report.

The policy (which tasks to ask about, how long to wait, which clips to look at)
is :mod:`.polling`'s and the work is :class:`.sync.SyncEngine`'s; this module
only decides that a terminal waits for the end, and with how many threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..errors import kind_of
from ..model import CLIP_ERROR, ClipState, TaskRowState, TaskStatus
from ..relay.errors import RelayError
from .polling import FetchResult, JobBatch, PollRound, PollSchedule, SyncCancelled

if TYPE_CHECKING:
    from .clip_work import ClipJob, ClipOutcome
    from .sync import SyncEngine, SyncReport

log = logging.getLogger(__name__)


class SyncRunner:
    """One ``sync``: polls until every task in scope is final (or the timeout), downloading meanwhile."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine
        self.library = engine.library
        self.options = engine.options
        self.batch = JobBatch()
        self._scheduled: set[str] = set()
        self._futures: list[Future] = []
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._outstanding = 0  # jobs submitted and not finished
        self._outcomes: list[ClipOutcome] = []

    def run(self, task_ids: Iterable[str] | None, refresh: bool, report: SyncReport) -> None:
        """Given ids are fetched even if final (to pick up a changed title); a re-sync
        polls only tasks that are not final, a *refresh* every task."""
        lib = self.library
        lib.check_available()
        if task_ids is not None:
            targets = list(dict.fromkeys(task_ids))
            lib.add_task_ids(targets)
        else:
            targets = lib.task_ids() if refresh else lib.pending_task_ids()
        scope = None if task_ids is None else set(targets)
        with ThreadPoolExecutor(max_workers=self.options.jobs, thread_name_prefix="sync") as pool:
            self._pool = pool
            try:
                self._poll_until_final(targets, scope, report)
            except SyncCancelled:
                report.cancelled = True
                pool.shutdown(wait=True, cancel_futures=True)
        self._count_finished(self.engine.commit_writes())  # what cancelled jobs left staged
        self._collect_outcomes(report)
        self._collect_task_failures(report, scope)

    def _poll_until_final(self, pending: list[str], scope: set[str] | None, report: SyncReport) -> None:
        deadline = time.monotonic() + self.options.timeout
        schedule = PollSchedule(self.options.poll_interval, self.options.max_poll_interval)
        first_round = True
        while True:
            self._check_cancel()
            changed: set[str] = set()
            if pending:
                poll = self._poll(pending, first_round, report)
                if poll is None:
                    return
                changed = poll.changed_clips
                report.failed_tasks.update(
                    (task_id, why) for task_id, why in poll.failed_tasks.items() if task_id not in poll.result.tasks
                )
                pending = poll.still_pending
                if changed:
                    schedule.start_over()
            # the first round looks at every clip in scope (missing files, re-tags),
            # later rounds only at the clips the relay just reported
            self._schedule_jobs(scope, None if first_round else changed)
            first_round = False
            if not pending:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                report.still_pending = pending
                return
            wait = min(schedule.next_wait(), remaining)
            self.engine.observer.waiting(len(pending), wait)
            if self.engine.cancel.wait(wait):
                raise SyncCancelled()

    def _poll(self, pending: list[str], first_round: bool, report: SyncReport) -> PollRound | None:
        """One round; None when the sync must end (the relay cannot be asked at all)."""
        try:
            return self.engine.poll(pending)
        except RelayError as exc:
            # A rejected token or a dead relay on the first round ends the sync (a
            # terminal should not wait out the timeout for nothing); later, a passing
            # failure only costs one poll round.
            if first_round or not kind_of(exc).retry_later:
                report.error = exc
                return None
            log.warning("poll round failed: %s", exc)
            return PollRound(pending, FetchResult(), failed=True)

    def _schedule_jobs(self, scope: set[str] | None, clip_filter: set[str] | None) -> None:
        if clip_filter is not None and not clip_filter:
            return
        clip_ids = None
        if scope is not None:
            clip_ids = {c.clip_id for c in self.library.clips(task_ids=scope)}
        if clip_filter is not None:
            clip_ids = clip_filter if clip_ids is None else clip_ids & clip_filter
        jobs = [job for job in self.engine.plan(clip_ids) if job.clip_id not in self._scheduled]
        if not jobs:
            return
        self.batch.added(len(jobs))
        with self._lock:
            self._outstanding += len(jobs)
        for job in jobs:
            self._scheduled.add(job.clip_id)
            self._futures.append(self._pool.submit(self._run_job, job))

    def _run_job(self, job: ClipJob) -> None:  # on a pool thread
        outcomes: list[ClipOutcome] = []
        try:
            outcomes = self.engine.run_job(job)
        finally:  # a job that crashed (its future raises) still lets the others commit
            with self._lock:
                self._outstanding -= 1
                last = self._outstanding == 0
            if last:  # the work ran out: what is staged gets its names now, not at the end of the sync
                outcomes = outcomes + self.engine.commit_writes()
            self._count_finished(outcomes)

    def _count_finished(self, outcomes: list[ClipOutcome]) -> None:
        for outcome in outcomes:
            done, total = self.batch.finished(outcome.clip_id, outcome.ok, outcome.error, outcome.cancelled)
            self.engine.observer.overall_progress(done, total)
        with self._lock:
            self._outcomes += outcomes

    def _check_cancel(self) -> None:
        if self.engine.cancel.is_set():
            raise SyncCancelled()

    def _collect_outcomes(self, report: SyncReport) -> None:
        for future in self._futures:
            if not future.cancelled():
                future.result()  # a crash in a job is the sync's
        for outcome in self._outcomes:
            if outcome.cancelled:
                report.cancelled = True
            elif outcome.ok:
                report.clips_done += 1
            else:
                report.failed_clips[outcome.clip_id] = (outcome.title, outcome.error)
            report.files_downloaded += outcome.files_downloaded
            report.files_written += outcome.files_written
            report.bytes_downloaded += outcome.bytes_downloaded

    def _collect_task_failures(self, report: SyncReport, scope: set[str] | None) -> None:
        for task in self.library.tasks():
            if scope is not None and task.task_id not in scope:
                continue
            if task.status == TaskStatus.SUCCESS:
                report.tasks_synced += 1
            elif task.row_state in (TaskRowState.FAILED, TaskRowState.NOT_FOUND):
                report.failed_tasks[task.task_id] = task.reason  # the words the window's row uses
        for record in self.library.clips(task_ids=scope) if scope is not None else self.library.clips():
            failed = record.state == ClipState.FAILED and record.clip_id not in report.failed_clips
            if failed and (scope is not None or record.relay_status == CLIP_ERROR):
                report.failed_clips[record.clip_id] = (record.title, record.problem or "failed")
