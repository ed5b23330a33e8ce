"""The window's one queue of clip jobs: every job reports, a crash is counted, workers yield the CPU."""

import os
import sys
import threading

import pytest
from PySide6.QtCore import QThreadPool

from suno_desktop.library.sync import ClipJob
from suno_desktop.ui.clip_job_queue import WORKER_NICENESS, ClipJobQueue


def test_every_job_reports_once_and_a_crash_is_counted(qtbot):
    pool = QThreadPool()
    pool.setMaxThreadCount(3)
    seen = []

    def run(job):
        if job.clip_id == "c13":
            raise RuntimeError("boom")
        seen.append((job.clip_id, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        return [(job.clip_id, None, None)]

    queue = ClipJobQueue(pool, run)
    queue.width = 3
    queue.put([ClipJob(f"c{n}", f"Song {n}", f"Song {n}") for n in range(40)])
    results = []
    qtbot.waitUntil(lambda: results.extend(queue.take_results()) or len(results) == 40, timeout=10_000)
    qtbot.waitUntil(lambda: not queue.busy, timeout=10_000)
    ids = sorted(r[0] if isinstance(r[0], str) else r[0].clip_id for r in results)
    assert ids == sorted(f"c{n}" for n in range(40))
    crashed = next(r[0] for r in results if not isinstance(r[0], str))
    assert not crashed.ok and "boom" in crashed.error
    if sys.platform.startswith("linux"):
        assert {priority for _, priority in seen} == {WORKER_NICENESS}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < WORKER_NICENESS  # not the GUI


@pytest.mark.parametrize("width", [1, 4])
def test_no_more_threads_than_the_width(qtbot, width):
    pool = QThreadPool()
    pool.setMaxThreadCount(8)
    lock, running, peak = threading.Lock(), [0], [0]
    release = threading.Event()

    def run(job):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1
        return [(job.clip_id, None, None)]

    queue = ClipJobQueue(pool, run)
    queue.width = width
    queue.put([ClipJob(f"c{n}", "", "") for n in range(10)])
    qtbot.waitUntil(lambda: running[0] == width, timeout=5_000)
    release.set()
    results = []
    qtbot.waitUntil(lambda: results.extend(queue.take_results()) or len(results) == 10, timeout=10_000)
    assert peak[0] == width


def test_the_last_thread_out_commits_what_the_jobs_staged(qtbot):
    pool = QThreadPool()
    pool.setMaxThreadCount(4)
    lock, staged, commits = threading.Lock(), [], []

    def run(job):
        with lock:
            staged.append(job.clip_id)
        return []  # its outcome comes with the commit

    def commit():
        with lock:
            done, staged[:] = list(staged), []
            commits.append(len(done))
        return [(clip_id, None, None) for clip_id in done]

    queue = ClipJobQueue(pool, run, commit)
    queue.width = 4
    queue.put([ClipJob(f"c{n}", "", "") for n in range(30)])
    results = []
    qtbot.waitUntil(lambda: results.extend(queue.take_results()) or len(results) == 30, timeout=10_000)
    qtbot.waitUntil(lambda: not queue.busy, timeout=10_000)
    assert sorted(r[0] for r in results) == sorted(f"c{n}" for n in range(30))
    assert commits and sum(commits) == 30 and commits[-1] > 0
    queue.put([ClipJob("late", "", "")])  # work that comes later is committed too
    qtbot.waitUntil(lambda: results.extend(queue.take_results()) or len(results) == 31, timeout=10_000)
    assert results[-1][0] == "late"
