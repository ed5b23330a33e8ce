"""The queue of clip jobs of a sync session, drained by a few threads of a pool.

The pool is whatever the front end runs work on (:class:`TaskPool`): plain
threads for the command line, ``QThreadPool`` threads for the window. Queuing a
thousand jobs costs one ``deque.extend``; the last thread out commits what the
jobs staged (:meth:`.sync.SyncEngine.commit_writes`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from .sync_types import ClipJob, ClipOutcome

log = logging.getLogger(__name__)

#: clip jobs run at this niceness, so a window's GUI thread gets the CPU first
WORKER_NICENESS = 19


class TaskPool(Protocol):
    """Where a session runs its work: ``start`` a callable on some thread, ``wait`` for all of it."""

    def start(self, work: Callable[[], None]) -> None: ...

    def wait(self, seconds: float | None) -> bool: ...


class ThreadTaskPool:
    """A :class:`TaskPool` of plain threads (the command line's); threads are made as work needs them."""

    def __init__(self, name: str, width: int = 64) -> None:
        self._executor = ThreadPoolExecutor(max_workers=width, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._running = 0
        self._idle = threading.Condition(self._lock)

    def start(self, work: Callable[[], None]) -> None:
        with self._lock:
            self._running += 1
        self._executor.submit(self._run, work)

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:  # a pool thread must never die silently
            log.exception("background work crashed")
        finally:
            with self._lock:
                self._running -= 1
                self._idle.notify_all()

    def wait(self, seconds: float | None) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, seconds)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class ClipQueue:
    """Clip jobs waiting for a thread; at most ``width`` of them run at once.

    *run* does one job and *commit* what the jobs staged; both return the outcomes
    that became final, handed to *finished* on the thread that has them.
    """

    def __init__(
        self,
        pool: TaskPool,
        run: Callable[[ClipJob], list[ClipOutcome]],
        commit: Callable[[], list[ClipOutcome]],
        finished: Callable[[list[ClipOutcome]], None],
    ) -> None:
        self._pool = pool
        self._run = run
        self._commit = commit
        self._finished = finished
        self._lock = threading.Lock()
        self._jobs: deque[ClipJob] = deque()
        self._draining = 0
        self._uncommitted = False  # jobs ran since the last commit
        self.width = 1
        self.crash: BaseException | None = None  # what killed a thread (KeyboardInterrupt, SystemExit)

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._draining or self._jobs)

    def put(self, jobs: list[ClipJob]) -> None:
        with self._lock:
            self._jobs.extend(jobs)
        self._start_drainers()

    def widen(self, width: int) -> None:
        """Run at most *width* jobs at once from now on (more threads start at once; fewer as jobs end)."""
        with self._lock:
            changed, self.width = width != self.width, width
        if changed:
            self._start_drainers()

    def _start_drainers(self) -> None:
        with self._lock:
            starting = max(0, min(self.width, len(self._jobs)) - self._draining)
            self._draining += starting
        for _ in range(starting):
            self._pool.start(self._drain)

    def take_waiting(self) -> list[ClipJob]:
        """The jobs not started yet, taken out of the queue (the session is cancelled)."""
        with self._lock:
            jobs = list(self._jobs)
            self._jobs.clear()
        return jobs

    def _drain(self) -> None:  # on a pool thread
        """Run jobs until none are left (or the queue narrowed); the last thread out commits what they staged."""
        yield_cpu_to_the_gui()
        left = False
        try:
            while True:
                with self._lock:
                    surplus = self._draining > self.width and bool(self._jobs)
                    job = self._jobs.popleft() if self._jobs and not surplus else None
                    commit = job is None and not surplus and self._uncommitted and self._draining == 1
                    if job is None and not commit:
                        self._draining -= 1  # decided under the lock: two threads never both leave as surplus
                        left, idle = True, self._draining == 0
                        break
                    self._uncommitted = not commit
                self._finished(self._run_safely(job) if job is not None else self._commit_safely())
        except BaseException as exc:  # not an error of one clip: the whole session's, told to whoever waits
            self.crash = exc
            raise
        finally:
            if not left:
                with self._lock:
                    self._draining -= 1
                    idle = self._draining == 0
            if idle or self.crash is not None:
                self._finished([])  # tells the session the queue ran dry

    def _run_safely(self, job: ClipJob) -> list[ClipOutcome]:
        try:
            return self._run(job)
        except Exception as exc:  # a bug: this clip fails, the others go on (the same in every front end)
            log.exception("clip job %s crashed", job.clip_id)
            return [ClipOutcome(job.clip_id, job.title, ok=False, error=f"Something went wrong: {exc}")]

    def _commit_safely(self) -> list[ClipOutcome]:
        try:
            return self._commit()
        except Exception:  # the clips' jobs then never report: say so in the log at least
            log.exception("committing the downloaded files failed")
            return []


def yield_cpu_to_the_gui() -> None:
    """Lower this download thread's CPU priority (Linux: threads have a niceness of their own).

    On two cores the downloads, the relay and a window's GUI thread all want the
    CPU; the window's repaints must not queue behind downloads (gui_bench: the
    longest gap during a 1,000-clip sync went from 124-130 ms to 66-106 ms). Where
    a thread cannot be reniced, nothing changes.
    """
    try:
        tid = threading.get_native_id()
        if os.getpriority(os.PRIO_PROCESS, tid) < WORKER_NICENESS:
            os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)
    except (AttributeError, OSError):
        pass
