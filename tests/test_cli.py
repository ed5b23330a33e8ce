"""The command line, run in-process (exit codes, stderr) and once as a real process."""

import json
import subprocess
import sys

import pytest
from cli_helpers import sync_args

from suno_desktop import __version__
from suno_desktop.cli import main
from suno_desktop.library.store import Library


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SUNO_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "config").mkdir()  # the saved settings: as many tries as the app makes, none of its waiting
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"retry_backoff": 0, "retry_cap": 0}))
    for name in ("SUNO_API_BASE_URL", "SUNO_API_TOKEN", "SUNO_LIBRARY"):
        monkeypatch.delenv(name, raising=False)


def test_version():
    out = subprocess.run([sys.executable, "-m", "suno_desktop", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"suno-desktop {__version__}"


def test_sync_then_list_json(relay, tmp_path, capsys):
    task = relay.add_music_task(clips=2, title="City Lights")
    lyrics = relay.add_lyrics_task(title="Just words")
    library = tmp_path / "Library"
    assert main(sync_args(relay, library, task, lyrics)) == 0
    err = capsys.readouterr().err
    assert "Synced 2 task(s)" in err and "test-token" not in err
    assert main(["list", "--library", str(library), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    assert set(rows[0]) == {
        "clip_id",
        "task_id",
        "title",
        "tags",
        "model",
        "duration",
        "status",
        "error",
        "audio_path",
        "cover_path",
        "video_path",
        "rating",
        "plays",
        "last_played",
        "take",
        "parent_clip_id",
        "relation",
        "edited",
    }
    music = [r for r in rows if r["task_id"] == task]
    assert all(r["status"] == "ready" and r["audio_path"].startswith(str(library)) for r in music)
    words = next(r for r in rows if r["task_id"] == lyrics)
    assert (words["status"], words["audio_path"], words["video_path"]) == ("lyrics", None, None)


def test_ids_file_in_any_layout_and_env_settings(relay, tmp_path, monkeypatch, capsys):
    a, b = relay.add_music_task(clips=1), relay.add_music_task(clips=1)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"first: {a.upper()},\nhttps://example.com/task/{b}?x=1\n{a}\n")
    monkeypatch.setenv("SUNO_API_BASE_URL", relay.api_url)
    monkeypatch.setenv("SUNO_API_TOKEN", "test-token")
    monkeypatch.setenv("SUNO_LIBRARY", str(tmp_path / "Lib"))
    assert main(["sync", "--ids-file", str(ids_file), "--no-video", "--jobs", "2"]) == 0
    with Library(tmp_path / "Lib") as lib:
        assert {c.task_id for c in lib.clips()} == {a, b}
        assert all(c.video_path is None for c in lib.clips())


def test_failures_exit_1_and_are_named(relay, tmp_path, capsys):
    failed = relay.add_music_task(final_status="FAILURE", fail_reason="Lyrics flagged by moderation")
    good = relay.add_music_task(clips=1)
    assert main(sync_args(relay, tmp_path / "L", failed, good)) == 1
    err = capsys.readouterr().err
    assert f"failed task {failed}: Lyrics flagged by moderation" in err


def test_no_token_is_a_usage_error_saying_where_to_set_it(relay, tmp_path, capsys):
    code = main(["sync", "--library", str(tmp_path / "L"), "--base-url", relay.api_url, "x-task"])
    assert code == 2
    assert "SUNO_API_TOKEN" in capsys.readouterr().err


def test_bad_token_exits_2_without_printing_it(relay, tmp_path, capsys):
    task = relay.add_music_task()
    code = main(
        ["sync", "--library", str(tmp_path / "L"), "--base-url", relay.api_url, "--token", "wrong-secret", task]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "token" in err.lower() and "wrong-secret" not in err


def test_relay_down_exits_1(tmp_path, capsys):
    code = main(
        [
            "sync",
            "--library",
            str(tmp_path / "L"),
            "--base-url",
            "http://127.0.0.1:9",
            "--token",
            "t",
            "--timeout",
            "1",
            "abc",
        ]
    )
    assert code == 1
    assert "127.0.0.1" in capsys.readouterr().err


def test_pending_past_timeout_exits_1(relay, tmp_path, capsys):
    task = relay.add_music_task(polls_until_success=10_000)
    assert main(sync_args(relay, tmp_path / "L", "--timeout", "0.3", task)) == 1
    assert f"still pending task {task}" in capsys.readouterr().err


def test_resync_without_pending_needs_no_relay(relay, tmp_path, capsys):
    task = relay.add_music_task(clips=1)
    library = tmp_path / "L"
    assert main(sync_args(relay, library, task)) == 0
    relay.stop()
    assert main(["sync", "--library", str(library)]) == 0


def test_list_of_a_library_never_made_is_empty_and_makes_nothing(tmp_path, capsys):
    assert main(["list", "--library", str(tmp_path / "new" / "Library")]) == 0
    assert "is empty" in capsys.readouterr().err
    assert main(["list", "--library", str(tmp_path / "new" / "Library"), "--tasks", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert not (tmp_path / "new").exists()


def test_a_synced_library_that_vanished_is_a_clear_error(relay, tmp_path, capsys):
    import shutil

    library = tmp_path / "drive" / "Library"
    assert main(sync_args(relay, library, relay.add_music_task(clips=1))) == 0
    shutil.rmtree(tmp_path / "drive")  # unplugged
    assert main(["list", "--library", str(library)]) == 2
    assert "does not exist (is the drive connected?)" in capsys.readouterr().err
    assert main(sync_args(relay, library, relay.add_music_task(clips=1))) == 2
    assert "drive connected" in capsys.readouterr().err
    assert not (tmp_path / "drive").exists()  # not made anew on the computer's own disk


def test_second_process_on_a_busy_library_waits_then_refuses(relay, tmp_path, monkeypatch, capsys):
    import suno_desktop.cli_sync as cli_sync

    monkeypatch.setattr(cli_sync, "LOCK_WAIT_SECONDS", 0.3)
    library = tmp_path / "L"
    with Library(library, create=True) as lib:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time; from suno_desktop.library.lock import LibraryLock; from pathlib import Path;"
                f"l = LibraryLock(Path({str(lib.lock.path)!r})); l.acquire(); "
                "print('held', flush=True); time.sleep(30)",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "held"
            code = main(sync_args(relay, library, relay.add_music_task(clips=1)))
        finally:
            holder.kill()
            holder.wait()
    assert code == 1
    assert "Another Suno Desktop process is syncing this library" in capsys.readouterr().err


def test_every_command_of_the_parser_is_run_as_a_command_not_the_window():
    """``suno-desktop playlist …`` opened the window's parser once: the entry point's list had missed it."""
    import argparse

    from suno_desktop.app import names_a_command
    from suno_desktop.cli import CLI_COMMANDS, build_parser

    (commands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) <= CLI_COMMANDS
    for name in commands.choices:
        assert names_a_command([name]) and names_a_command(["-v", name])
