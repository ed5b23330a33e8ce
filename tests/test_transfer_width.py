"""Automatic parallel downloads: narrow while the CPU is the limit, wide while the network is, narrow after errors."""

import threading
import time

from sync_helpers import FAST, make_engine

from suno_desktop.library.clip_queue import ClipQueue, ThreadTaskPool
from suno_desktop.library.sync_session import SyncSession
from suno_desktop.library.sync_types import ClipJob, ClipOutcome, SyncOptions
from suno_desktop.library.transfer_width import SLOW_STREAM, WIDE, WINDOW, Transfer, TransferWidth, waits_on_network
from suno_desktop.settings import AUTOMATIC_JOBS, MAX_JOBS, Settings, automatic_jobs

LOOPBACK = Transfer(size=1_000_000, first_byte=0.002, seconds=0.012)  # ~100 MB/s, at once
FAR_AWAY = Transfer(size=1_000_000, first_byte=0.1, seconds=0.6)  # 100 ms away, 2 MB/s
THROTTLED = Transfer(size=1_000_000, first_byte=0.005, seconds=0.505)  # near, but 2 MB/s a connection


def widths(*transfers: Transfer, narrow: int = 3) -> list[int]:
    width = TransferWidth(narrow)
    seen = []
    for transfer in transfers:
        width.record(transfer)
        seen.append(width.width)
    return seen


def test_loopback_stays_narrow():
    assert widths(*[LOOPBACK] * 30) == [3] * 30


def test_a_distant_server_widens_after_a_few_files():
    assert widths(*[FAR_AWAY] * 5) == [3, 3, WIDE, WIDE, WIDE]


def test_a_slow_stream_widens_even_with_a_quick_first_byte():
    assert THROTTLED.size / (THROTTLED.seconds - THROTTLED.first_byte) < SLOW_STREAM
    assert widths(*[THROTTLED] * 4)[-1] == WIDE


def test_small_files_on_loopback_say_nothing_about_the_stream():
    cover = Transfer(size=40_000, first_byte=0.003, seconds=0.02)  # 2 MB/s, but it is all first byte
    assert widths(*[cover] * 10) == [3] * 10


def test_the_network_settling_down_narrows_again():
    seen = widths(*[FAR_AWAY] * 5, *[LOOPBACK] * 24)
    assert seen[4] == WIDE and seen[-1] == 3


def test_an_error_of_the_network_narrows_for_good():
    width = TransferWidth(3)
    for _ in range(5):
        width.record(FAR_AWAY)
    assert width.width == WIDE
    width.back_off()
    width.record(FAR_AWAY)
    assert width.width == 3


def test_automatic_settings_make_an_adaptive_sync_up_to_the_most_jobs():
    automatic = SyncOptions.from_settings(Settings(jobs=AUTOMATIC_JOBS))
    assert (automatic.adaptive, automatic.jobs) == (True, MAX_JOBS)
    chosen = SyncOptions.from_settings(Settings(jobs=7))
    assert (chosen.adaptive, chosen.jobs) == (False, 7)


def test_the_queue_starts_threads_when_widened_and_lets_them_go_when_narrowed():
    pool = ThreadTaskPool("width-test", width=32)
    lock, running, peak = threading.Lock(), [0], [0]
    gate = threading.Semaphore(0)

    def run(job):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        gate.acquire(timeout=10)
        with lock:
            running[0] -= 1
        return [ClipOutcome(job.clip_id, "", ok=True)]

    done = threading.Event()
    finished = []

    def report(outcomes):
        finished.extend(outcomes)
        if len(finished) == 40:
            done.set()

    queue = ClipQueue(pool, run, list, report)
    queue.widen(2)
    queue.put([ClipJob(f"c{n}", "", "") for n in range(40)])
    queue.widen(8)  # more threads start at once
    deadline = time.monotonic() + 10  # a loaded machine starts threads slowly: a wide margin, no fixed wait
    while running[0] < 8 and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert running[0] == 8
    queue.widen(1)  # and leave as their jobs end
    for _ in range(40):
        gate.release()
    assert done.wait(10)
    deadline = time.monotonic() + 10  # the last thread reports its jobs, then leaves
    while queue.busy and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert peak[0] == 8 and not queue.busy
    pool.close()


def test_an_automatic_sync_on_loopback_measures_every_download_and_stays_narrow(relay, client, library):
    ids = [relay.add_music_task(clips=2) for _ in range(3)]
    engine = make_engine(library, client, **{**FAST, "jobs": MAX_JOBS, "adaptive": True})
    session = SyncSession(engine)
    measured = []
    record = TransferWidth.record

    def spy(self, transfer):
        measured.append(transfer)
        record(self, transfer)

    TransferWidth.record = spy
    try:
        report = session.run(ids, timeout=30)
    finally:
        TransferWidth.record = record
        engine.close()
    assert report.ok, report
    assert len(measured) == report.files_downloaded == 18  # MP3, cover, MP4 of 6 clips
    assert all(0 <= t.first_byte <= t.seconds for t in measured)
    # loopback answers in a few ms, but on a loaded machine (the test processes on 2 cores) its
    # first bytes can take 40 ms and more: the session follows what it measured
    assert session.width.width == (WIDE if waits_on_network(measured[-WINDOW:]) else automatic_jobs())
