"""The window's queue of clip jobs on ``QThreadPool`` threads, and what the engine reports from them.

Workers never call into the GUI per clip: what they report (jobs started, bytes,
results) is collected under a lock and taken by the GUI thread on a timer
(:class:`.sync_controller.SyncController`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QThreadPool

from ..library.sync import ClipJob, ClipOutcome, SyncObserver

log = logging.getLogger(__name__)

#: clip jobs run at this niceness, so the GUI thread gets the CPU first
WORKER_NICENESS = 19


class LiveProgress(SyncObserver):
    """What the engine reports from worker threads, kept until the GUI takes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: list[str] = []
        self._bytes: dict[str, tuple[int, int | None]] = {}

    def clip_started(self, job: ClipJob) -> None:
        with self._lock:
            self._started.append(job.clip_id)

    def clip_progress(self, clip_id: str, done: int, total: int | None) -> None:
        with self._lock:
            self._bytes[clip_id] = (done, total)

    def take(self) -> tuple[list[str], dict[str, tuple[int, int | None]]]:
        with self._lock:
            started, self._started = self._started, []
            progress, self._bytes = self._bytes, {}
        return started, progress


class ClipJobQueue:
    """One queue of clip jobs, drained by at most ``width`` threads of a ``QThreadPool``.

    Queuing a thousand jobs costs the GUI thread one ``deque.extend``; results
    wait in a second deque until :meth:`take_results`.
    """

    def __init__(
        self,
        pool: QThreadPool,
        run: Callable[[ClipJob], list[tuple]],
        commit: Callable[[], list[tuple]] | None = None,
    ) -> None:
        self._pool = pool
        self._run = run
        self._commit = commit
        self._lock = threading.Lock()
        self._jobs: deque[ClipJob] = deque()
        self._results: deque[tuple] = deque()
        self._draining = 0
        self._uncommitted = False  # jobs ran since the last commit
        self.width = 1

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._draining or self._jobs or self._results)

    def put(self, jobs: list[ClipJob]) -> None:
        with self._lock:
            self._jobs.extend(jobs)
            starting = max(0, min(self.width, len(self._jobs)) - self._draining)
            self._draining += starting
        for _ in range(starting):
            self._pool.start(self._drain)

    def take_results(self) -> list[tuple]:
        with self._lock:
            results = list(self._results)
            self._results.clear()
        return results

    def clear(self) -> None:
        """Forget jobs not started yet (the app is closing)."""
        with self._lock:
            self._jobs.clear()

    def _drain(self) -> None:  # on a pool thread
        """Run jobs until none are left; the last thread out commits what they staged."""
        _yield_cpu_to_the_gui()
        while True:
            with self._lock:
                job = self._jobs.popleft() if self._jobs else None
                commit = job is None and self._uncommitted and self._draining == 1
                if job is None and not commit:
                    self._draining -= 1
                    return
                self._uncommitted = self._commit is not None and not commit
            results = self._run_safely(job) if job is not None else self._commit_safely()
            with self._lock:
                self._results.extend(results)

    def _run_safely(self, job: ClipJob) -> list[tuple]:
        try:
            return self._run(job)
        except Exception as exc:
            log.exception("clip job %s crashed", job.clip_id)
            return [(ClipOutcome(job.clip_id, job.title, ok=False, error=f"Something went wrong: {exc}"), None, None)]

    def _commit_safely(self) -> list[tuple]:
        try:
            return self._commit()
        except Exception:  # the clips' jobs then never report: say so in the log at least
            log.exception("committing the downloaded files failed")
            return []


def _yield_cpu_to_the_gui() -> None:
    """Lower this download thread's CPU priority (Linux: threads have a niceness of their own).

    On two cores the downloads, the relay and the GUI thread all want the CPU; the
    window's repaints must not queue behind downloads (gui_bench: the longest gap
    during a 1,000-clip sync went from 124-130 ms to 66-106 ms). Where a thread
    cannot be reniced, nothing changes.
    """
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)
    except (AttributeError, OSError):
        pass
