"""New files reach their real names only once durable, in batches, and the database only after that."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from fault_servers import FaultyMediaServer
from sync_helpers import FAST, quick

from suno_desktop.library.store import Library
from suno_desktop.library.sync import SyncEngine
from suno_desktop.library.sync_types import SyncOptions
from suno_desktop.media import durable_writes
from suno_desktop.media.download import download_file, make_media_session
from suno_desktop.media.durable_writes import StagedFile, commit_staged, part_path
from suno_desktop.model import ClipState
from suno_desktop.resources import resource_path

SONG = resource_path("demo") / "song-1.mp3"


@pytest.fixture
def traced(monkeypatch):
    """Every fsync (of what), rename and folder fsync durable_writes does, in order."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace, real_open = os.fsync, os.replace, os.open
    opened: dict[int, str] = {}

    def fsync(fd):
        events.append(("fsync", opened.get(fd, "file")))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("rename", Path(dst).name))
        return real_replace(src, dst)

    def open_(path, flags, *args):
        fd = real_open(path, flags, *args)
        opened[fd] = "folder"
        return fd

    monkeypatch.setattr(durable_writes.os, "fsync", fsync)
    monkeypatch.setattr(durable_writes.os, "replace", replace)
    monkeypatch.setattr(durable_writes.os, "open", open_)
    return events


def staged_files(folder: Path, names: list[str]) -> list[StagedFile]:
    files = []
    for name in names:
        target = folder / name
        part = part_path(target)
        part.write_bytes(SONG.read_bytes())
        files.append(StagedFile(part, target, SONG.stat().st_size))
    return files


def test_a_staged_download_keeps_its_temporary_name_and_is_not_fsynced(tmp_path, monkeypatch):
    fsyncs = []
    monkeypatch.setattr(os, "fsync", fsyncs.append)
    with FaultyMediaServer() as media, make_media_session() as session:
        url = media.add("/media/song.mp3", SONG, "audio/mpeg")
        result = download_file(session, url, tmp_path / "song.mp3", quick(staged=True))
    assert result.path == tmp_path / "song.mp3" and not result.path.exists()
    assert result.staged.part.read_bytes() == SONG.read_bytes() and result.staged.target == result.path
    assert fsyncs == []  # the write-back was only started


def test_every_file_is_fsynced_before_any_is_renamed_then_each_folder_once(tmp_path, traced):
    (tmp_path / "a").mkdir()
    files = staged_files(tmp_path, ["one.mp3", "two.mp3"]) + staged_files(tmp_path / "a", ["three.mp3"])
    assert commit_staged(files) == []
    kinds = [kind for kind, _ in traced]
    assert kinds == ["fsync", "fsync", "fsync", "rename", "rename", "rename", "fsync", "fsync"]
    assert [what for _, what in traced[:3]] == ["file"] * 3 and [what for _, what in traced[-2:]] == ["folder"] * 2
    for staged in files:
        assert staged.final == staged.target and staged.final.read_bytes() == SONG.read_bytes()
        assert not staged.part.exists()


def test_a_file_that_appeared_meanwhile_is_never_overwritten(tmp_path):
    (staged,) = staged_files(tmp_path, ["song.mp3"])
    staged.target.write_bytes(b"the user's own file")
    assert commit_staged([staged]) == []
    assert staged.target.read_bytes() == b"the user's own file"
    assert staged.final == tmp_path / "song (2).mp3" and staged.final.read_bytes() == SONG.read_bytes()


def test_a_file_that_cannot_be_made_durable_never_gets_its_name(tmp_path, monkeypatch):
    good, bad = staged_files(tmp_path, ["good.mp3", "bad.mp3"])
    real_fsync_path = durable_writes._fsync_path

    def fsync_path(path):
        if path == bad.part:
            raise OSError(errno.EIO, "Input/output error")
        real_fsync_path(path)

    monkeypatch.setattr(durable_writes, "_fsync_path", fsync_path)
    assert commit_staged([good, bad]) == [bad]
    assert good.final.exists() and bad.final is None and bad.error.errno == errno.EIO
    assert not bad.target.exists() and not bad.part.exists()


def test_the_database_says_ready_only_after_the_files_are_durable_and_in_batches(
    relay, client, tmp_path, traced, monkeypatch
):
    tasks = [relay.add_music_task(title=f"Song {n}") for n in range(6)]
    with Library(tmp_path / "Library", create=True) as library:
        batches = []
        real_update = library.update_clips

        def update_clips(rows):
            rows = list(rows)
            ready = [clip_id for clip_id, values in rows if values.get("state") == ClipState.READY]
            if ready:
                renamed = {name for kind, name in traced if kind == "rename"}
                for _, values in rows:
                    for column in ("audio_path", "cover_path", "video_path"):
                        assert Path(values[column]).name in renamed, "recorded before its file was in place"
                assert traced[-1] == ("fsync", "folder"), "recorded before the renames were durable"
                batches.append(ready)
            real_update(rows)

        monkeypatch.setattr(library, "update_clips", update_clips)
        report = SyncEngine(library, client, SyncOptions(**FAST, jobs=3)).sync(tasks)
        assert report.ok and report.clips_done == 12
        assert sorted(c for batch in batches for c in batch) == sorted(r.clip_id for r in library.clips())
        assert len(batches) < 12  # several clips per transaction
        assert not list(library.root.rglob("*.part"))
        assert all(r.state == ClipState.READY for r in library.clips())


def test_a_clip_whose_file_cannot_be_made_durable_fails_and_comes_back_next_time(relay, client, tmp_path, monkeypatch):
    task = relay.add_music_task(title="Fragile")
    real_fsync_path = durable_writes._fsync_path
    failing = [True]

    def fsync_path(path):
        if failing[0] and path.name.endswith(".mp3.part") and "Fragile" in path.name:
            failing[0] = False
            raise OSError(errno.EIO, "Input/output error")
        real_fsync_path(path)

    monkeypatch.setattr(durable_writes, "_fsync_path", fsync_path)
    with Library(tmp_path / "Library", create=True) as library:
        report = SyncEngine(library, client, SyncOptions(**FAST)).sync([task])
        assert not report.ok and len(report.failed_clips) == 1
        (title, reason) = next(iter(report.failed_clips.values()))
        assert "could not be saved" in reason and "Input/output error" in reason
        failed = next(r for r in library.clips() if r.state == ClipState.FAILED)
        assert failed.audio_path is None and failed.cover_path  # the rest of the clip is kept
        assert len(list(library.root.glob("*.mp3"))) == 1 and not list(library.root.rglob("*.part"))
        again = SyncEngine(library, client, SyncOptions(**FAST)).sync()
        assert again.ok and again.files_downloaded == 1
        assert all(r.state == ClipState.READY for r in library.clips())


def test_a_commit_that_breaks_off_fails_its_clips_and_leaves_no_temporary_files(relay, client, tmp_path, monkeypatch):
    tasks = [relay.add_music_task(title=f"Batch {n}") for n in range(2)]
    real_free_path = durable_writes.free_path
    broken = [True]

    def free_path(target):
        if broken[0]:
            broken[0] = False
            raise PermissionError(errno.EACCES, "Permission denied", str(target.parent))
        return real_free_path(target)

    monkeypatch.setattr(durable_writes, "free_path", free_path)
    with Library(tmp_path / "Library", create=True) as library:
        report = SyncEngine(library, client, SyncOptions(**FAST, jobs=1)).sync(tasks)
        assert not report.ok and report.failed_clips  # every clip of the broken batch says why
        assert all("could not be saved" in reason for _title, reason in report.failed_clips.values())
        assert report.clips_done + len(report.failed_clips) == 4  # none lost
        assert not list(library.root.rglob("*.part"))
        again = SyncEngine(library, client, SyncOptions(**FAST)).sync()
        assert again.ok
        assert sorted(r.state for r in library.clips()) == [ClipState.READY] * 4
