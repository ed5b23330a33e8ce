"""The window and the command line run one sync session: the same rules, tested through both front ends.

Each rule once behaved differently in the two (the window's controller and the
CLI's runner were two schedulers): a clip job that raises, the library's lock
around the plan, and a relay that fails the first poll round.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_helpers import sync_args
from fault_servers import RelayFault
from window_helpers import WAIT, add_through_dialog, all_ready, synced_window

from suno_desktop.cli import main
from suno_desktop.library.store import Library
from suno_desktop.library.sync import SyncEngine
from suno_desktop.model import ClipState

CRASHING_TITLE = "Crashing Song"


def cli_sync(relay, library, *extra):
    return main(sync_args(relay, library, *extra))


@pytest.fixture
def crashing_job(monkeypatch):
    """The job of the clips titled CRASHING_TITLE raises, as a bug would."""
    run_job = SyncEngine.run_job

    def crash(self, job):
        if job.title == CRASHING_TITLE:
            raise RuntimeError("boom")
        return run_job(self, job)

    monkeypatch.setattr(SyncEngine, "run_job", crash)


@pytest.fixture
def lock_holder(tmp_path):
    """Start another process that holds a library's lock until the test ends (or lets go)."""
    holders = []

    def hold(library_root):
        lock_path = library_root / ".suno" / "sync.lock"
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import time; from pathlib import Path; from suno_desktop.library.lock import LibraryLock;"
                f"l = LibraryLock(Path({str(lock_path)!r})); l.acquire(); print('held', flush=True);"
                "time.sleep(60)",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(holder)
        assert holder.stdout.readline().strip() == "held"
        return holder

    yield hold
    for holder in holders:
        holder.kill()
        holder.wait()


# ---------------------------------------------------------------------- a clip job that raises


def test_a_crashing_job_fails_its_clip_alone_on_the_command_line(relay, tmp_path, capsys, crashing_job):
    good = relay.add_music_task(title="Fine Song", clips=1)
    bad = relay.add_music_task(title=CRASHING_TITLE, clips=1)
    assert cli_sync(relay, tmp_path / "L", good, bad) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"failed clip {CRASHING_TITLE}" in err and "Something went wrong: boom" in err
    with Library(tmp_path / "L") as library:
        states = {record.title: record.state for record in library.clips()}
    assert states == {"Fine Song": ClipState.READY, CRASHING_TITLE: ClipState.FAILED}


def test_a_crashing_job_fails_its_clip_alone_in_the_window(qtbot, make_window, relay, crashing_job):
    good = relay.add_music_task(title="Fine Song", clips=1)
    bad = relay.add_music_task(title=CRASHING_TITLE, clips=1)
    window = make_window()
    add_through_dialog(qtbot, window, f"{good}\n{bad}")

    def states():
        return {window.model.row(r).title: window.model.row(r).state for r in range(window.model.rowCount())}

    qtbot.waitUntil(lambda: states() == {"Fine Song": ClipState.READY, CRASHING_TITLE: ClipState.FAILED}, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)
    assert "1 clip failed (Something went wrong: boom)" in window.statusBar().currentMessage()


# ---------------------------------------------------------------------- the lock around the plan


def test_the_command_line_plans_nothing_while_another_process_holds_the_lock(
    relay, tmp_path, capsys, lock_holder, monkeypatch
):
    import suno_desktop.cli_sync as cli_sync_module

    monkeypatch.setattr(cli_sync_module, "LOCK_WAIT_SECONDS", 0.3)
    task = relay.add_music_task(clips=1)
    root = tmp_path / "L"
    assert cli_sync(relay, root, task) == 0
    with Library(root) as library:
        record = library.clips()[0]
    (root / record.audio_path).unlink()
    lock_holder(root)
    assert cli_sync(relay, root) == 1
    assert "Another Suno Desktop process is syncing this library" in capsys.readouterr().err
    with Library(root) as library:
        assert library.clip(record.clip_id).state == ClipState.READY  # not planned: nothing marked missing


def test_the_window_plans_nothing_while_another_process_holds_the_lock(
    qtbot, make_window, relay, lock_holder, monkeypatch
):
    import suno_desktop.library.sync_session as session_module

    monkeypatch.setattr(session_module, "LOCK_RETRY_SECONDS", 0.2)
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    record = window.model.record(0)
    holder = lock_holder(window.library.root)
    messages = []
    window.controller.status.connect(messages.append)
    (window.library.root / record.audio_path).unlink()
    window.sync_now()
    qtbot.waitUntil(lambda: any("Another Suno Desktop process" in m for m in messages), timeout=WAIT)
    assert window.library.clip(record.clip_id).state == ClipState.READY  # not planned: nothing marked missing
    assert window.controller.busy  # waiting for its turn
    holder.kill()
    holder.wait()
    qtbot.waitUntil(lambda: (window.library.root / record.audio_path).is_file(), timeout=WAIT)
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)


# ---------------------------------------------------------------------- a relay failing the first round


def failing_first_round(relay) -> None:
    """The relay answers the next fetch with an error envelope (HTTP 200, nothing a retry of the request fixes)."""
    relay.inject_fault(RelayFault.CODE_ERROR, times=1)


def test_a_failed_first_round_costs_one_round_on_the_command_line(relay, tmp_path, capsys):
    task = relay.add_music_task(clips=1)
    failing_first_round(relay)
    assert cli_sync(relay, tmp_path / "L", task) == 0
    err = capsys.readouterr().err
    assert "problem:" in err  # said as it happened
    assert "Synced 1 task(s)" in err


def test_a_failed_first_round_costs_one_round_in_the_window(qtbot, make_window, relay):
    task = relay.add_music_task(clips=1)
    failing_first_round(relay)
    window = make_window()
    add_through_dialog(qtbot, window, task)
    qtbot.waitUntil(lambda: all_ready(window, 1), timeout=WAIT)
    asked = [r for r in relay.api_requests if task in r.path or task in str(r.json_body)]
    assert len(asked) >= 2  # the failed round and the one after it
