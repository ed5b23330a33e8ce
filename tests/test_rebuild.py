"""Damaged and lost databases: refused with a sentence, never replaced; the files carry the library back."""

from __future__ import annotations

import os

import pytest
from sync_helpers import FAST

from suno_desktop.errors import ErrorKind, kind_of
from suno_desktop.library import write_batch
from suno_desktop.library.rebuild import (
    DatabaseCheck,
    LibraryNeedsRebuild,
    adopted_count,
    database_path,
    open_library,
    prepare_rebuild,
)
from suno_desktop.library.store import Library
from suno_desktop.library.sync import SyncEngine
from suno_desktop.library.sync_types import SyncOptions
from suno_desktop.model import ClipState


def media_names(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".suno" not in p.parts)


def synced_library(relay, client, root, tasks=2):
    ids = [relay.add_music_task(title=f"Song {n}", clips=2) for n in range(tasks)]
    with Library(root, create=True) as library:
        report = SyncEngine(library, client, SyncOptions(**FAST)).sync(ids)
        assert report.ok, report
    return ids


def damage(db_path, how):
    data = db_path.read_bytes()
    if how == "truncated":
        db_path.write_bytes(data[: len(data) // 3])
    elif how == "garbage-middle":
        middle = len(data) // 2
        db_path.write_bytes(data[:middle] + os.urandom(8192) + data[middle + 8192 :])
    elif how == "garbage-header":
        db_path.write_bytes(b"this is not a database at all" + data[29:])


@pytest.mark.parametrize("how", ["truncated", "garbage-middle", "garbage-header"])
def test_a_damaged_database_is_refused_with_a_sentence_and_left_as_it_is(relay, client, tmp_path, how):
    root = tmp_path / "Library"
    synced_library(relay, client, root)
    db = database_path(root)
    for extra in ("-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)
    damage(db, how)
    before = db.read_bytes()
    with pytest.raises(LibraryNeedsRebuild) as caught:
        open_library(root)
    assert kind_of(caught.value) is ErrorKind.DAMAGED_LIBRARY
    assert str(db) in str(caught.value) and "rebuild" in str(caught.value)
    assert db.read_bytes() == before
    # the same check started early on a thread (as the window's start does), and one of another folder
    with pytest.raises(LibraryNeedsRebuild):
        open_library(root, check=DatabaseCheck(root))
    elsewhere = DatabaseCheck(tmp_path / "Other")
    with pytest.raises(LibraryNeedsRebuild):
        open_library(root, check=elsewhere)  # not this library's: read again
    assert elsewhere.problem() is None and db.read_bytes() == before


@pytest.mark.parametrize("how", ["deleted", "empty"])
def test_a_lost_database_beside_tagged_songs_is_never_an_empty_library(relay, client, tmp_path, how):
    root = tmp_path / "Library"
    synced_library(relay, client, root)
    db = database_path(root)
    for extra in ("", "-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)
    if how == "empty":
        db.write_bytes(b"")
    with pytest.raises(LibraryNeedsRebuild, match=r"holds 8 song file\(s\)"):
        open_library(root, create=True)


def test_a_new_library_in_a_folder_of_other_music_opens(tmp_path):
    root = tmp_path / "Music"
    root.mkdir()
    (root / "not ours.mp3").write_bytes(b"ID3" + bytes(200))
    with open_library(root, create=True) as library:
        assert library.clips() == []


def test_rebuild_adopts_every_file_where_it_is_and_keeps_the_damaged_database(relay, client, tmp_path):
    root = tmp_path / "Library"
    ids = synced_library(relay, client, root)
    files_before = media_names(root)
    db = database_path(root)
    damage(db, "garbage-header")
    relay.media.reset_counters()

    library, plan = prepare_rebuild(root)
    with library:
        assert plan.set_aside is not None and plan.set_aside.exists()
        assert plan.set_aside.read_bytes().startswith(b"this is not a database")
        assert sorted(plan.task_ids) == sorted(ids)
        report = SyncEngine(library, client, SyncOptions(**FAST)).sync(plan.task_ids)
        assert report.ok, report
        assert adopted_count(library, plan) == 4  # songs, each with its MP3 and MP4
        records = library.clips()
        assert len(records) == 4 and all(r.state == ClipState.READY for r in records)
        assert all(r.cover_path for r in records), "covers beside their songs are adopted too"
    assert media_names(root) == files_before, "nothing renamed, duplicated or left over"
    assert relay.media.requests == [], "nothing downloaded again"


def test_a_crash_between_the_renames_and_the_record_leaves_no_copies(relay, client, tmp_path, monkeypatch):
    root = tmp_path / "Library"
    ids = [relay.add_music_task(title=f"Song {n}", clips=2) for n in range(2)]

    def crash(self, clips):
        raise KeyboardInterrupt  # stands for a kill: the files are renamed, nothing is recorded

    with Library(root, create=True) as library:
        monkeypatch.setattr(write_batch.WriteBatch, "_record", crash)
        with pytest.raises(KeyboardInterrupt):
            SyncEngine(library, client, SyncOptions(**{**FAST, "jobs": 1})).sync(ids)
    monkeypatch.undo()
    renamed = media_names(root)
    assert any(name.endswith(".jpg") for name in renamed), "the crash came after the renames"

    with Library(root) as library:
        report = SyncEngine(library, client, SyncOptions(**FAST)).sync()
        assert report.ok, report
        records = library.clips()
        assert all(r.state == ClipState.READY and r.cover_path for r in records)
    names = media_names(root)
    assert not [n for n in names if "(2)" in n], names
    assert len([n for n in names if n.endswith(".jpg")]) == 4


@pytest.mark.parametrize("message", ["attempt to write a readonly database", "database or disk is full"])
def test_a_library_that_cannot_be_written_is_unavailable_not_damaged(tmp_path, monkeypatch, message):
    import sqlite3

    from suno_desktop.library import rebuild
    from suno_desktop.library.store import LibraryUnavailable

    root = tmp_path / "Library"
    Library(root, create=True).close()

    def refuse(*_args, **_kwargs):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(rebuild, "Library", refuse)
    with pytest.raises(LibraryUnavailable, match="read-only, or the disk full"):
        open_library(root)
