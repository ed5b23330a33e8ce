"""`sync --timeout` bounds the whole command, whatever the relay or the CDN do; what it cut resumes next time."""

from __future__ import annotations

import time

import pytest
from cli_helpers import sync_args
from fault_servers import MediaFault, RelayFault

from suno_desktop.cli import main
from suno_desktop.library.lock import LibraryLock
from suno_desktop.library.store import DB_DIR_NAME, LOCK_FILE_NAME, Library
from suno_desktop.model import ClipState

#: what the command may take beyond its --timeout: the grace for downloads, a cut, the summary; wide on purpose
MARGIN = 12.0


def timed(argv) -> tuple[int, float]:
    started = time.monotonic()
    code = main(argv)
    return code, time.monotonic() - started


def lock_is_free(library) -> bool:
    lock = LibraryLock(library / DB_DIR_NAME / LOCK_FILE_NAME)
    lock.acquire(wait=0)
    lock.release()
    return True


def test_a_dripping_cdn_cannot_keep_sync_past_its_timeout(relay, tmp_path, capsys):
    task = relay.add_music_task(title="Slow Song", clips=1)
    clip_id = relay.clip_ids(task)[0]
    relay.media.inject_fault(f"/cdn1/{clip_id}.mp3", MediaFault.DRIP, times=50)
    library = tmp_path / "Library"
    code, took = timed(sync_args(relay, library, task, "--timeout", "2"))
    assert code == 1 and took < 2 + MARGIN, took
    assert lock_is_free(library)
    with Library(library) as lib:
        assert all(r.state != ClipState.DOWNLOADING for r in lib.clips())
    parts = [p.name for p in library.iterdir() if p.name.startswith(".") and p.suffix == ".part"]
    assert parts, "the cut download is kept to resume"
    capsys.readouterr()

    relay.media.reset_counters()
    relay.media.clear_faults()
    assert main(sync_args(relay, library)) == 0
    ranged = [r for r in relay.media.requests if r.path.endswith(".mp3") and "range" in r.headers]
    assert ranged, "the next sync resumed the song with Range"
    with Library(library) as lib:
        assert [r.state for r in lib.clips()] == [ClipState.READY]


@pytest.mark.parametrize("fault", [RelayFault.DRIP, RelayFault.SILENT])  # one byte every half second, or nothing at all
def test_a_relay_that_never_finishes_its_answer_cannot_keep_sync_past_its_timeout(relay, tmp_path, capsys, fault):
    task = relay.add_music_task(title="Song", clips=1)
    relay.inject_fault(fault, times=50)
    library = tmp_path / "Library"
    code, took = timed(sync_args(relay, library, task, "--timeout", "2"))
    assert code in (1, 2) and took < 2 + MARGIN, took
    assert lock_is_free(library)
    assert "Traceback" not in capsys.readouterr().err


def test_leftover_parts_go_once_their_clip_is_done(relay, tmp_path, capsys):
    """A kill leaves .part files; a cut one that still fits is resumed, and what nothing will read goes."""
    task = relay.add_music_task(title="Song", clips=2)
    library = tmp_path / "Library"
    assert main(sync_args(relay, library, task)) == 0
    capsys.readouterr()
    # what a kill at the wrong moment leaves: parts without trailers, for files that are now in place
    songs = sorted(p for p in library.iterdir() if p.suffix == ".mp3")
    for song in songs:
        (library / f".{song.name}.part").write_bytes(song.read_bytes()[:1000])
    (library / ".Old Name [12345678].mp4.part").write_bytes(b"\0" * 5000)  # a clip renamed since
    assert main(sync_args(relay, library)) == 0
    assert "removed 3 leftover partial download(s)" in capsys.readouterr().err
    assert not list(library.glob(".*.part"))


def test_poll_interval_zero_is_clamped_to_what_the_settings_allow(relay, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SUNO_DESKTOP_MIN_POLL_SECONDS")
    task = relay.add_music_task(title="Slow", clips=1, polls_until_success=1000)
    code, took = timed(sync_args(relay, tmp_path / "Library", task, "--poll-interval", "0", "--timeout", "2.5"))
    assert code == 1
    polls = relay.poll_counts.get(task, 0)
    assert 1 <= polls <= 2 + int(took), f"{polls} polls in {took:.1f} s"  # at most about one a second
