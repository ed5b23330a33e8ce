"""The sync session's one queue of clip jobs, on plain threads and on a QThreadPool alike."""

import os
import sys
import threading

import pytest
from PySide6.QtCore import QObject

from suno_desktop.library.clip_queue import WORKER_NICENESS, ClipQueue, ThreadTaskPool
from suno_desktop.library.sync_types import ClipJob, ClipOutcome
from suno_desktop.ui.sync_controller import QtTaskPool

WAIT = 10.0


class Results:
    """What the queue hands back, from its threads."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.outcomes: list[ClipOutcome] = []
        self.dry = 0  # times the queue said it ran dry

    def __call__(self, outcomes: list[ClipOutcome]) -> None:
        with self.cond:
            self.outcomes += outcomes
            self.dry += not outcomes
            self.cond.notify_all()

    def wait_for(self, count: int) -> list[str]:
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.outcomes) >= count, WAIT)
            return [outcome.clip_id for outcome in self.outcomes]


def outcome(job: ClipJob) -> list[ClipOutcome]:
    return [ClipOutcome(job.clip_id, job.title, ok=True)]


@pytest.fixture(params=["threads", "qt"])
def pool(request, qapp):
    if request.param == "threads":
        pool = ThreadTaskPool("test", width=8)
        yield pool
        pool.wait(WAIT)
        pool.close()
    else:
        owner = QObject()
        pool = QtTaskPool(8, owner)
        yield pool
        pool.wait(WAIT)


def test_every_job_reports_once_and_a_crash_fails_its_clip_alone(pool):
    seen = []

    def run(job):
        if job.clip_id == "c13":
            raise RuntimeError("boom")
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return outcome(job)

    results = Results()
    queue = ClipQueue(pool, run, list, results)
    queue.width = 3
    queue.put([ClipJob(f"c{n}", f"Song {n}", f"Song {n}") for n in range(40)])
    assert sorted(results.wait_for(40)) == sorted(f"c{n}" for n in range(40))
    crashed = next(o for o in results.outcomes if o.clip_id == "c13")
    assert not crashed.ok and "boom" in crashed.error
    assert sum(o.ok for o in results.outcomes) == 39
    if sys.platform.startswith("linux"):
        assert set(seen) == {WORKER_NICENESS}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < WORKER_NICENESS  # not the caller


@pytest.mark.parametrize("width", [1, 4])
def test_no_more_threads_than_the_width(pool, width):
    lock, running, peak = threading.Lock(), [0], [0]
    release = threading.Event()
    reached = threading.Event()

    def run(job):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            if running[0] == width:
                reached.set()
        release.wait(WAIT)
        with lock:
            running[0] -= 1
        return outcome(job)

    results = Results()
    queue = ClipQueue(pool, run, list, results)
    queue.width = width
    queue.put([ClipJob(f"c{n}", "", "") for n in range(10)])
    assert reached.wait(WAIT)
    release.set()
    results.wait_for(10)
    assert peak[0] == width


def test_the_last_thread_out_commits_what_the_jobs_staged(pool):
    lock, staged, commits = threading.Lock(), [], []

    def run(job):
        with lock:
            staged.append(job)
        return []  # its outcome comes with the commit

    def commit():
        with lock:
            done, staged[:] = list(staged), []
            commits.append(len(done))
        return [o for job in done for o in outcome(job)]

    results = Results()
    queue = ClipQueue(pool, run, commit, results)
    queue.width = 4
    queue.put([ClipJob(f"c{n}", "", "") for n in range(30)])
    assert sorted(results.wait_for(30)) == sorted(f"c{n}" for n in range(30))
    assert commits and sum(commits) == 30 and commits[-1] > 0
    queue.put([ClipJob("late", "", "")])  # work that comes later is committed too
    assert results.wait_for(31)[-1] == "late"
    with results.cond:
        assert results.cond.wait_for(lambda: results.dry >= 2, WAIT)  # it said so each time it ran dry
    assert not queue.busy


def test_jobs_not_started_can_be_taken_back(pool):
    started, release = threading.Event(), threading.Event()

    def run(job):
        started.set()
        release.wait(WAIT)
        return outcome(job)

    results = Results()
    queue = ClipQueue(pool, run, list, results)
    queue.width = 1
    queue.put([ClipJob(f"c{n}", "", "") for n in range(5)])
    assert started.wait(WAIT)
    waiting = queue.take_waiting()
    release.set()
    assert results.wait_for(1) == ["c0"]
    assert [job.clip_id for job in waiting] == ["c1", "c2", "c3", "c4"]
