"""The command line on damaged and lost databases, and with a relay that sends escape sequences."""

from __future__ import annotations

import json

import pytest
from cli_helpers import relay_args, sync_args
from test_rebuild import damage, media_names

from suno_desktop.cli import main
from suno_desktop.library.rebuild import database_path


def synced(relay, tmp_path, capsys, tasks=2):
    ids = [relay.add_music_task(title=f"Song {n}", clips=2) for n in range(tasks)]
    library = tmp_path / "Library"
    assert main(sync_args(relay, library, *ids)) == 0
    capsys.readouterr()
    return library, ids


def drop_wal(db):
    for extra in ("-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["truncated", "garbage-middle", "garbage-header"])
def test_a_damaged_database_is_refused_by_every_command_with_a_sentence(relay, tmp_path, capsys, how):
    library, _ = synced(relay, tmp_path, capsys)
    db = database_path(library)
    drop_wal(db)
    damage(db, how)
    before = db.read_bytes()
    for argv in (["list", "--library", str(library)], ["list", "--tasks", "--library", str(library)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and str(db) in err and "suno-desktop rebuild" in err
    assert main(sync_args(relay, library)) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert db.read_bytes() == before, "a damaged database is never replaced"


@pytest.mark.parametrize("how", ["deleted", "empty"])
def test_a_lost_database_is_not_an_empty_library(relay, tmp_path, capsys, how):
    library, _ = synced(relay, tmp_path, capsys)
    db = database_path(library)
    drop_wal(db)
    db.unlink()
    if how == "empty":
        db.write_bytes(b"")
    assert main(["list", "--library", str(library)]) == 2
    err = capsys.readouterr().err
    assert "holds 8 song file(s)" in err and "suno-desktop rebuild" in err
    assert main(sync_args(relay, library)) == 2


def test_rebuild_restores_the_library_from_its_files(relay, tmp_path, capsys):
    library, ids = synced(relay, tmp_path, capsys)
    files = media_names(library)
    db = database_path(library)
    drop_wal(db)
    damage(db, "garbage-header")
    relay.media.reset_counters()
    assert main(["rebuild", *relay_args(relay, library)]) == 0
    err = capsys.readouterr().err
    assert "The damaged database was kept as" in err
    assert "Found 4 song(s) of 2 task(s)" in err and "4 song(s) adopted" in err
    assert media_names(library) == files and relay.media.requests == []
    kept = [p for p in db.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert main(["list", "--json", "--library", str(library)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 4 and all(r["status"] == "ready" and r["audio_path"] for r in rows)
    assert {r["task_id"] for r in rows} == set(ids)


def test_relay_text_reaches_the_terminal_clean_and_on_its_own_line(relay, tmp_path, capsys):
    hostile = "Bad\x1b]0;owned\x07 Title\x1b[2J\nSynced 99 task(s): all fine"
    task = relay.add_music_task(title=hostile, clips=1)
    library = tmp_path / "Library"
    assert main(sync_args(relay, library, task)) == 0
    err = capsys.readouterr().err
    assert main(["list", "--library", str(library)]) == 0
    out = capsys.readouterr().out
    for text in (err, out):
        assert "\x1b" not in text and "\x07" not in text
        assert not any(line.startswith("Synced 99") for line in text.splitlines())


def test_an_unexpected_error_is_one_sentence_not_a_traceback(relay, tmp_path, capsys, monkeypatch):
    library, _ = synced(relay, tmp_path, capsys)
    from suno_desktop import cli

    def broken(_args):
        raise ValueError("a bug somewhere")

    monkeypatch.setattr(cli, "run_list", broken)
    assert main(["list", "--library", str(library)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "suno-desktop: Something went wrong: a bug somewhere (run with -v for details)."


def test_a_plain_http_relay_beyond_loopback_is_warned_about_once(tmp_path, capsys):
    from suno_desktop.relay.relay_url import unencrypted_warning

    assert unencrypted_warning("http://127.0.0.1:9/api") is None and unencrypted_warning("http://[::1]:9") is None
    assert unencrypted_warning("http://localhost:9") is None and unencrypted_warning("https://relay.example") is None
    assert "unencrypted to relay.example" in unencrypted_warning("http://relay.example/api")
    # the command line says it when it makes its client, before anything is sent (nothing is sent here)
    from suno_desktop.cli_sync import make_client
    from suno_desktop.library.sync_types import SyncOptions
    from suno_desktop.settings import Settings

    make_client(Settings(base_url="http://relay.example/api", token="t"), SyncOptions()).close()
    make_client(Settings(base_url="http://127.0.0.1:9/api", token="t"), SyncOptions()).close()
    assert capsys.readouterr().err.count("travels unencrypted to relay.example") == 1
