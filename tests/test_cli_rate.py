"""``suno-desktop rate``: stars by id or prefix, kept in the library, re-tagged into the files, shown by list."""

import json

import pytest
from cli_helpers import sync_args

from suno_desktop.cli import main
from suno_desktop.library.store import Library


def synced(relay, tmp_path, clips=2):
    library = tmp_path / "L"
    task = relay.add_music_task(title="Neon Highway", clips=clips)
    assert main(sync_args(relay, library, task)) == 0
    with Library(library) as lib:
        return library, [record.clip_id for record in lib.clips()]


def listed(library, capsys):
    capsys.readouterr()
    assert main(["list", "--library", str(library), "--json"]) == 0
    return {row["clip_id"]: row for row in json.loads(capsys.readouterr().out)}


def test_rate_by_prefix_is_stored_retagged_and_listed(relay, tmp_path, capsys):
    library, (first, second) = synced(relay, tmp_path)
    with Library(library) as lib:
        key_before = lib.clip(first).tag_key
    assert main(["rate", "--library", str(library), "--stars", "4", first[:8]]) == 0
    assert "Rated 1 clip(s): ★★★★☆." in capsys.readouterr().err
    rows = listed(library, capsys)
    assert (rows[first]["rating"], rows[second]["rating"]) == (4, 0)
    assert rows[first]["plays"] == 0 and rows[first]["last_played"] is None
    with Library(library) as lib:
        assert lib.clip(first).tag_key != key_before  # its files were tagged again
        assert lib.clip(second).tag_key is not None

    assert main(["rate", "--library", str(library), "--stars", "0", first]) == 0  # 0 clears
    assert listed(library, capsys)[first]["rating"] == 0
    with Library(library) as lib:
        assert lib.clip(first).tag_key == key_before  # an unrated clip's key is what it was


@pytest.mark.parametrize(
    ("name", "words"),
    [("abc", "too short"), ("ffffffff", "No clip in this library"), ("", "too short")],
)
def test_a_name_that_names_no_clip_is_a_sentence_and_exit_2(relay, tmp_path, capsys, name, words):
    library, _ = synced(relay, tmp_path, clips=1)
    capsys.readouterr()
    assert main(["rate", "--library", str(library), "--stars", "3", name]) == 2
    assert words in capsys.readouterr().err


def test_stars_out_of_range_are_refused(relay, tmp_path, capsys):
    library, (clip_id,) = synced(relay, tmp_path, clips=1)
    with pytest.raises(SystemExit) as exited:
        main(["rate", "--library", str(library), "--stars", "6", clip_id])
    assert exited.value.code == 2
    assert "from 0 to 5" in capsys.readouterr().err


def test_an_ambiguous_prefix_is_refused_and_a_full_id_always_wins():
    from types import SimpleNamespace

    from suno_desktop.cli_rate import resolve_clip_ids
    from suno_desktop.cli_sync import UsageError

    ids = ["abcdefgh-0001", "abcdefgh-0002", "abcdefgh-00"]
    library = SimpleNamespace(clips=lambda: [SimpleNamespace(clip_id=clip_id) for clip_id in ids])
    with pytest.raises(UsageError, match="names 3 clips"):
        resolve_clip_ids(library, ["abcdefgh"])
    assert resolve_clip_ids(library, ["ABCDEFGH-0001", "abcdefgh-00", "abcdefgh-0001"]) == [ids[0], ids[2]]


def test_a_rating_another_player_writes_comes_back_and_a_cleared_one_stays_cleared(relay, tmp_path, capsys):
    import os

    from mutagen.id3 import ID3, POPM

    from suno_desktop.media.rating_tags import FMPS_RATING_DESC, WMP_EMAIL

    library, (clip_id, other) = synced(relay, tmp_path)
    with Library(library) as lib:
        song = library / lib.clip(clip_id).audio_path
    tags = ID3(song)
    tags.add(POPM(email="no@email", rating=196, count=3))  # MediaMonkey: 4 stars
    tags.save(song, v2_version=3)
    later = song.stat().st_mtime + 5
    os.utime(song, (later, later))

    def sync_again():
        assert main(sync_args(relay, library)) == 0

    sync_again()
    rows = listed(library, capsys)
    assert (rows[clip_id]["rating"], rows[other]["rating"]) == (4, 0)
    tags = ID3(song)
    assert {(p.email, p.rating) for p in tags.getall("POPM")} == {("no@email", 196), (WMP_EMAIL, 196)}
    assert tags[f"TXXX:{FMPS_RATING_DESC}"].text == ["0.8"]

    assert main(["rate", "--library", str(library), "--stars", "0", clip_id]) == 0
    sync_again()
    assert listed(library, capsys)[clip_id]["rating"] == 0  # the other player's old POPM does not undo it
    tags = ID3(song)
    assert [p.email for p in tags.getall("POPM")] == ["no@email"] and not tags.getall(f"TXXX:{FMPS_RATING_DESC}")


def test_rate_and_edit_where_no_library_was_made_make_none(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_MUSIC_DIR", raising=False)
    monkeypatch.delenv("SUNO_LIBRARY", raising=False)
    library = home / "Music" / "Suno Desktop"
    assert main(["rate", "--library", str(library), "--stars", "3", "abcdefgh"]) == 2
    assert main(["edit", "--library", str(library), "abcdefgh", "--title", "X"]) == 2
    assert "There is no library at" in capsys.readouterr().err
    assert not (home / "Music").exists()
