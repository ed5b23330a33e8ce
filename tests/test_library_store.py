import json
import multiprocessing
import os
import sqlite3

import pytest

from suno_desktop.library.lock import LibraryBusy, LibraryLock
from suno_desktop.library.store import DB_DIR_NAME, DB_FILE_NAME, MIGRATIONS, Library, LibraryUnavailable
from suno_desktop.model import ClipState
from suno_desktop.relay.model import parse_task

TASK = {
    "task_id": "ba46ad15-07ce-41a6-b68d-196321dc00d5",
    "action": "MUSIC",
    "status": "SUCCESS",
    "fail_reason": "",
    "data": [
        {
            "id": "a06015d0-9e04-4f30-85db-401494940394",
            "mv": "chirp-v4",
            "title": "City Lights",
            "tags": "emotional punk",
            "prompt": "[Verse]\nWalking down the streets",
            "status": "complete",
            "duration": 219,
            "audio_url": "https://cdn1.suno.ai/a.mp3",
            "image_url": "https://cdn2.suno.ai/image_a.jpeg",
            "image_large_url": "https://cdn2.suno.ai/image_large_a.jpeg",
            "video_url": "https://cdn1.suno.ai/a.mp4",
            "create_time": "1733717599",
            "unknown_future_field": {"kept": True},
        }
    ],
}


def test_new_library_is_a_folder_with_a_versioned_wal_database(tmp_path):
    root = tmp_path / "Music"
    with Library(root, create=True) as lib:
        assert lib.schema_version == len(MIGRATIONS)
    db = root / DB_DIR_NAME / DB_FILE_NAME
    assert db.is_file()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_missing_library_is_not_created_unless_asked(tmp_path):
    with pytest.raises(LibraryUnavailable, match="does not exist"):
        Library(tmp_path / "nowhere")
    with pytest.raises(LibraryUnavailable, match="drive connected"):
        Library(tmp_path / "unplugged" / "Music", create=True, existed=True)
    assert not (tmp_path / "unplugged").exists()
    Library(tmp_path / "fresh" / "Music", create=True).close()  # a first start makes the parents too
    assert (tmp_path / "fresh" / "Music" / DB_DIR_NAME).is_dir()


def test_newer_schema_is_refused(tmp_path):
    root = tmp_path / "lib"
    Library(root, create=True).close()
    conn = sqlite3.connect(root / DB_DIR_NAME / DB_FILE_NAME)
    conn.execute("PRAGMA user_version=99")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryUnavailable, match="newer Suno Desktop"):
        Library(root)


def test_saving_a_task_keeps_normalised_fields_and_raw_json(library):
    library.add_task_ids([TASK["task_id"]])
    changes = library.save_task(parse_task(TASK))
    assert [c.is_new for c in changes] == [True]
    clip = library.clips()[0]
    assert (clip.title, clip.tags, clip.model, clip.duration) == ("City Lights", "emotional punk", "chirp-v4", 219.0)
    assert clip.state == ClipState.DOWNLOADING
    assert clip.created_at.startswith("2024-12-09")
    (row,) = library.query("SELECT raw_json FROM clips WHERE clip_id=?", (clip.clip_id,))
    assert json.loads(row["raw_json"])["unknown_future_field"] == {"kept": True}  # kept as the relay sent it
    assert library.task(TASK["task_id"]).is_final


def test_a_changed_title_is_reported(library):
    library.save_task(parse_task(TASK))
    same = library.save_task(parse_task(TASK))
    assert [c.tags_changed for c in same] == [False]
    changed = json.loads(json.dumps(TASK))
    changed["data"][0]["title"] = "City Lights (Remix)"
    assert [c.tags_changed for c in library.save_task(parse_task(changed))] == [True]


def test_library_moves_with_its_folder(tmp_path):
    root = tmp_path / "a"
    with Library(root, create=True) as lib:
        lib.save_task(parse_task(TASK))
        (root / "song.mp3").write_bytes(b"x")
        lib.update_clip(TASK["data"][0]["id"], audio_path="song.mp3", state=ClipState.READY)
    os.rename(root, tmp_path / "b")
    with Library(tmp_path / "b") as lib:
        record = lib.clips()[0]
        assert record.audio_path == "song.mp3"
        assert lib.absolute(record.audio_path) == tmp_path / "b" / "song.mp3"


def test_removed_clips_are_hidden_and_stay_removed(library):
    library.save_task(parse_task(TASK))
    library.remove_clips([TASK["data"][0]["id"]])
    assert library.clips() == []
    library.save_task(parse_task(TASK))
    assert library.clips() == []
    assert library.clips(include_removed=True)[0].removed


def test_pending_task_ids(library):
    library.add_task_ids(["t1", "t2", "t3", "t4", "t5"])
    library.save_task(parse_task(TASK | {"task_id": "t1"}))
    library.save_task(parse_task(TASK | {"task_id": "t3", "status": "IN_PROGRESS"}))
    with library.transaction() as conn:  # a word this version does not know counts as final (UNKNOWN)
        conn.execute("UPDATE tasks SET status='SOMETHING_NEW' WHERE task_id='t4'")
    library.remove_tasks(["t5"])
    assert library.pending_task_ids() == ["t2", "t3"]
    assert library.task_ids() == ["t1", "t2", "t3", "t4"]


def test_check_available_refuses_vanished_folder(tmp_path):
    root = tmp_path / "lib"
    lib = Library(root, create=True)
    os.rename(root, tmp_path / "elsewhere")
    with pytest.raises(LibraryUnavailable, match="not available"):
        lib.check_available()
    lib.close()


def test_update_clip_rejects_relay_columns(library):
    with pytest.raises(ValueError):
        library.update_clip("x", title="nope")


def _hold_lock(path, ready, release):
    lock = LibraryLock(path)
    lock.acquire()
    ready.set()
    release.wait(10)
    lock.release()


def test_lock_excludes_a_second_process(tmp_path):
    path = tmp_path / "sync.lock"
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    proc = multiprocessing.Process(target=_hold_lock, args=(path, ready, release))
    proc.start()
    try:
        assert ready.wait(10)
        with pytest.raises(LibraryBusy, match="Another Suno Desktop process"):
            LibraryLock(path).acquire(wait=0.3)
    finally:
        release.set()
        proc.join(10)
    lock = LibraryLock(path)
    lock.acquire(wait=2)
    assert lock.held
    lock.release()


def library_of_schema(root, version: int, clip_columns: dict[str, object]) -> None:
    """A library database as version *version* of the schema left it, with one task and one clip."""
    db_dir = root / DB_DIR_NAME
    db_dir.mkdir(parents=True)
    conn = sqlite3.connect(db_dir / DB_FILE_NAME)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version={number}")
    conn.execute("INSERT INTO tasks(task_id, added_at) VALUES ('t1', 1.0)")
    values = {"clip_id": "c1", "task_id": "t1", "relay_status": "complete", "state": "ready", "updated_at": 1.0}
    values.update(clip_columns)
    marks = ", ".join("?" * len(values))
    conn.execute(f"INSERT INTO clips({', '.join(values)}) VALUES ({marks})", list(values.values()))
    conn.commit()
    conn.close()


def test_a_library_of_schema_4_gains_ratings_and_plays_and_keeps_its_clips(tmp_path):
    root = tmp_path / "Old"
    library_of_schema(root, 4, {"title": "Old Song"})
    with Library(root) as lib:
        assert lib.schema_version == len(MIGRATIONS) >= 5
        (record,) = lib.clips()
        assert (record.title, record.rating, record.plays, record.last_played) == ("Old Song", 0, 0, None)
        lib.set_rating(["c1"], 4)
        lib.record_play("c1", when=1234.5)
        lib.record_play("c1", when=2000.0)
        record = lib.clip("c1")
        assert (record.rating, record.plays, record.last_played) == (4, 2, 2000.0)
        assert record.to_clip().rating == 4
        with pytest.raises(ValueError):
            lib.set_rating(["c1"], 6)

    with Library(root) as lib:  # what the relay says (a retitled clip) never touches what the user judged
        clip_id = TASK["data"][0]["id"]
        lib.save_task(parse_task(TASK))
        lib.set_rating([clip_id], 5)
        lib.record_play(clip_id)
        retitled = json.loads(json.dumps(TASK))
        retitled["data"][0]["title"] = "A New Title"
        lib.save_task(parse_task(retitled))
        record = lib.clip(clip_id)
        assert (record.title, record.rating, record.plays) == ("A New Title", 5, 1)


def test_clips_come_in_batches_each_once_in_order_of_task_and_take(library):
    """A sync's plan reads 100,000 clips a batch at a time: none lost or repeated at a batch's edge."""
    for n in range(7):
        task = json.loads(json.dumps(TASK))
        task["task_id"] = f"task-{n % 3}-{n}"
        task["data"] = [dict(TASK["data"][0], id=f"clip-{n}-{take}", title=f"Song {n}.{take}") for take in range(2)]
        library.save_task(parse_task(task))
    library.remove_clips(["clip-3-1"])
    everything = [r.clip_id for r in library.clips()]
    assert len(everything) == 13 and "clip-3-1" not in everything
    for size in (1, 2, 3, 5, 13, 14, 100):
        batches = list(library.clip_batches(size))
        assert all(0 < len(batch) <= size for batch in batches)
        assert [r.clip_id for batch in batches for r in batch] == everything
    assert [(r.task_id, r.position) for r in library.clips()] == sorted(
        (r.task_id, r.position) for r in library.clips()
    )


def test_the_takes_of_a_task_with_the_same_lyrics_share_one_string(library):
    """A task's clips sing one prompt: 100,000 clips need not hold every song's lyrics twice."""
    task = json.loads(json.dumps(TASK))
    second = dict(TASK["data"][0], id="b06015d0-9e04-4f30-85db-401494940394", title="City Lights (take 2)")
    third = dict(TASK["data"][0], id="c06015d0-9e04-4f30-85db-401494940394", prompt="[Verse]\nOther words")
    task["data"] = [TASK["data"][0], second, third]
    library.save_task(parse_task(task))
    first, take_two, other = library.clips()
    assert first.lyrics == take_two.lyrics and first.lyrics is take_two.lyrics
    assert other.lyrics == "[Verse]\nOther words"


def test_a_library_of_schema_8_gains_playlists_and_keeps_its_clips(tmp_path):
    root = tmp_path / "Before playlists"
    library_of_schema(root, 8, {"title": "Old Song", "rating": 3, "edits": '{"title": "Mine"}'})
    from suno_desktop.library.playlists import Playlists

    with Library(root) as lib:
        assert lib.schema_version == len(MIGRATIONS) >= 9
        (record,) = lib.clips()
        assert (record.title, record.rating) == ("Mine", 3)
        playlists = Playlists(lib)
        assert playlists.all() == []
        made = playlists.create("First")
        assert playlists.add(made, ["c1", "c1", "nope"]) == ["c1"]
        assert playlists.clip_ids(made) == ["c1"]


def test_added_times_are_read_whole_or_since_a_moment(library):
    """The window reads every task's once, then after each sync only those added since (a time never changes)."""
    library.add_task_ids(["t1", "t2"])
    first = library.task_added_times()
    assert set(first) == {"t1", "t2"}
    library.add_task_ids(["t3"])
    later = library.task_added_times(since=max(first.values()))
    assert set(later) == {"t3"}  # the batch before (one time for its ids) is not read again
    assert library.task_added_times(since=max(library.task_added_times().values())) == {}
