"""Every task the user added is listed, and a refresh brings back what changed on the relay."""

import json
import os
import sqlite3
import uuid

import pytest
from cli_helpers import sync_args
from mutagen.id3 import ID3

from suno_desktop.cli import main
from suno_desktop.library.migrations import MIGRATIONS
from suno_desktop.library.store import Library
from suno_desktop.model import TaskRowState


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SUNO_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))


def list_tasks(library, capsys):
    capsys.readouterr()
    assert main(["list", "--library", str(library), "--tasks", "--json"]) == 0
    return {row["task_id"]: row for row in json.loads(capsys.readouterr().out)}


def test_list_tasks_shows_every_task_with_its_reason(relay, tmp_path, capsys):
    good = relay.add_music_task(clips=2)
    failed = relay.add_music_task(final_status="FAILURE", fail_reason="Content filter: lyrics refused.")
    broken = relay.add_music_task(clips=1)
    relay.update_clip(broken, 0, id=None)  # a clip without an id: unreadable
    pending = relay.add_music_task(polls_until_success=99)
    unknown = str(uuid.uuid4())
    library = tmp_path / "Library"
    code = main(sync_args(relay, library, good, failed, broken, pending, unknown, "--timeout", "0.3"))
    assert code == 1
    err = capsys.readouterr().err
    assert f"task {broken}: could not be read" in err and f"task {unknown}: not found on the relay" in err
    rows = list_tasks(library, capsys)
    assert list(rows) == [good, failed, broken, pending, unknown]  # in the order they were added
    assert set(rows[good]) == {
        "task_id",
        "action",
        "status",
        "fail_reason",
        "progress",
        "clip_ids",
        "added_at",
        "updated_at",
    }
    assert rows[good]["status"] == "SUCCESS" and len(rows[good]["clip_ids"]) == 2
    assert rows[good]["fail_reason"] == "" and rows[good]["action"] == "MUSIC"
    assert rows[failed]["status"] == "FAILURE"
    assert rows[failed]["fail_reason"] == "Content filter: lyrics refused." and rows[failed]["clip_ids"] == []
    assert "without an id" in rows[broken]["fail_reason"] and rows[broken]["clip_ids"] == []
    assert rows[pending]["status"] in ("SUBMITTED", "IN_PROGRESS") and rows[pending]["fail_reason"] == ""
    assert rows[pending]["progress"].endswith("%")
    assert rows[unknown]["status"] == "UNKNOWN" and "does not know" in rows[unknown]["fail_reason"]
    assert rows[good]["added_at"] <= rows[good]["updated_at"]
    # the plain listing says the same, one line a task
    assert main(["list", "--library", str(library), "--tasks"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 5
    assert any(unknown in line and "Not found on the relay" in line for line in out)
    assert any(failed in line and "Failed: Content filter" in line for line in out)
    # and list --json without --tasks stays one object per clip (the pending task's two are streaming)
    assert main(["list", "--library", str(library), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2 + len(rows[pending]["clip_ids"])


def test_task_row_states(tmp_path):
    with Library(tmp_path / "Library", create=True) as library:
        library.add_task_ids(["t1"])
        task = library.task("t1")
        assert task.row_state == TaskRowState.WAITING and task.describe() == "Waiting…"
        assert [t.task_id for t in library.tasks_without_clips()] == ["t1"]
        library.remove_tasks(["t1"])
        assert library.tasks_without_clips() == [] and library.pending_task_ids() == []
        assert library.add_task_ids(["t1"]) == ["t1"]  # added again: the user's once more
        assert library.pending_task_ids() == ["t1"]


#: what schema 5 and later added: dropped to make an older library out of a new one
LATER_CLIP_COLUMNS = (
    "rating",
    "plays",
    "last_played",
    "parent_clip_id",
    "relation",
    "continue_at",
    "file_ratings",
    "tags_seen",
    "edits",
)


def back_to_schema_4(conn):
    conn.execute("DROP TABLE playlist_entries")
    conn.execute("DROP TABLE playlists")
    conn.execute("DROP INDEX clips_by_parent")
    for column in LATER_CLIP_COLUMNS:
        conn.execute(f"ALTER TABLE clips DROP COLUMN {column}")


def test_a_schema_1_library_is_upgraded(tmp_path):
    root = tmp_path / "Library"
    with Library(root, create=True) as library:
        library.add_task_ids(["old"])
    with sqlite3.connect(root / ".suno" / "library.sqlite3") as conn:  # as version 0.1.0 left it
        back_to_schema_4(conn)
        conn.execute("ALTER TABLE tasks DROP COLUMN removed")
        conn.execute("ALTER TABLE tasks DROP COLUMN updated_at")
        conn.execute("DROP TABLE submissions")
        conn.execute("ALTER TABLE clips DROP COLUMN relay_error")
        conn.execute("PRAGMA user_version=1")
    with Library(root) as library:
        assert library.schema_version == len(MIGRATIONS)
        task = library.task("old")
        assert task.removed is False and task.updated_at == task.added_at


def test_refresh_retags_and_renames_without_downloading(relay, tmp_path, capsys):
    changed = relay.add_music_task(clips=2, title="Old Title", tags="punk")
    same = relay.add_music_task(clips=2, title="Stays")
    library = tmp_path / "Library"
    assert main(sync_args(relay, library, changed, same)) == 0
    with Library(library) as lib:
        before = {r.clip_id: r for r in lib.clips()}
    untouched = {
        p: os.stat(library / p).st_mtime_ns
        for r in before.values()
        if r.task_id == same
        for p in (r.audio_path, r.cover_path, r.video_path)
    }
    relay.update_clip(changed, 0, title="New Title", tags="dream pop", lyrics="[Verse]\nNew words")
    relay.media.reset_counters()
    # a plain re-sync polls only what is pending: the change is not seen
    assert main(sync_args(relay, library)) == 0
    assert "Old Title" in ID3(library / before[relay.clip_ids(changed)[0]].audio_path)["TIT2"].text[0]
    relay.reset_counters()
    assert main(sync_args(relay, library, "--refresh")) == 0
    assert len(relay.api_requests) == 1  # 2 tasks, one batch
    assert relay.media.requests == []  # nothing downloaded
    with Library(library) as lib:
        after = {r.clip_id: r for r in lib.clips()}
    clip = after[relay.clip_ids(changed)[0]]
    assert clip.title == "New Title" and clip.audio_path.startswith("New Title [")
    assert not (library / before[clip.clip_id].audio_path).exists()
    tags = ID3(library / clip.audio_path)
    assert tags["TIT2"].text == ["New Title"] and tags["TCON"].text == ["dream pop"]
    assert tags.getall("USLT")[0].text == "[Verse]\nNew words"
    sibling = after[relay.clip_ids(changed)[1]]  # the other clip of that task did not change
    assert sibling.audio_path == before[sibling.clip_id].audio_path
    assert {p: os.stat(library / p).st_mtime_ns for p in untouched} == untouched  # nothing else written


def test_refresh_batches_at_most_fifty_tasks_a_request(relay, tmp_path, capsys):
    ids = [relay.add_music_task(clips=1, video=False, cover=None) for _ in range(120)]
    library = tmp_path / "Library"
    assert main(sync_args(relay, library, *ids)) == 0
    relay.reset_counters()
    assert main(sync_args(relay, library, "--refresh")) == 0
    assert len(relay.api_requests) == 3 and all(r.method == "POST" for r in relay.api_requests)


def test_refresh_takes_no_task_ids(relay, tmp_path, capsys):
    assert main(sync_args(relay, tmp_path / "Library", "--refresh", str(uuid.uuid4()))) == 2
    assert "--refresh" in capsys.readouterr().err


def test_a_schema_3_library_keeps_the_relays_clip_errors_apart(relay, tmp_path):
    broken = relay.add_music_task(clips=1, clip_status="error", clip_error="Audio generation failed")
    root = tmp_path / "Library"
    assert main(sync_args(relay, root, broken)) == 1
    db = root / ".suno" / "library.sqlite3"
    with sqlite3.connect(db) as conn:  # as 0.x left it: one error column for everything
        back_to_schema_4(conn)
        conn.execute("UPDATE clips SET error = relay_error")
        conn.execute("ALTER TABLE clips DROP COLUMN relay_error")
        conn.execute("PRAGMA user_version=3")
    with Library(root) as library:
        (clip,) = library.clips()
        assert (clip.relay_error, clip.error) == ("Audio generation failed", "")
