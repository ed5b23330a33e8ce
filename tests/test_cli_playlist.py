"""``suno-desktop playlist``: manual and smart playlists in the library's database, M3U8 out and in."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import sync_args

from suno_desktop.cli import main
from suno_desktop.library.store import Library


@pytest.fixture
def library(relay, tmp_path):
    """Three tasks of two takes each, synced: (folder, clip ids in library order, titles by id)."""
    folder = tmp_path / "Library"
    tasks = [relay.add_music_task(title=title, clips=2) for title in ("Neon Highway", "Paper Moon", "Low Tide")]
    assert main(sync_args(relay, folder, *tasks)) == 0
    with Library(folder) as lib:
        records = lib.clips()
    return folder, [r.clip_id for r in records], {r.clip_id: r.title for r in records}


def run(folder, capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["playlist", "--library", str(folder), *args])
    out, err = capsys.readouterr()
    return code, out, err


def shown(folder, capsys, name) -> list[str]:
    code, out, _ = run(folder, capsys, "show", name, "--json")
    assert code == 0
    return [row["clip_id"] for row in json.loads(out)]


def test_a_manual_playlist_keeps_its_songs_in_order_once_each(library, capsys):
    folder, ids, _ = library
    assert run(folder, capsys, "new", "Car Ride")[0] == 0
    code, _, err = run(folder, capsys, "add", "car ride", ids[3][:8], ids[0], ids[3])
    assert code == 0 and "Added 2 song(s)" in err
    code, _, err = run(folder, capsys, "add", "Car Ride", ids[0], ids[5])
    assert "Added 1 song(s) to 'Car Ride' (1 already in it)." in err
    assert shown(folder, capsys, "Car Ride") == [ids[3], ids[0], ids[5]]
    code, out, _ = run(folder, capsys, "show", "Car Ride", "--json")
    row = json.loads(out)[0]
    assert {"clip_id", "title", "rating", "plays", "take", "audio_path"} <= row.keys()  # list --json's objects
    assert Path(row["audio_path"]).is_file()

    assert run(folder, capsys, "remove", "Car Ride", ids[0])[0] == 0
    assert shown(folder, capsys, "Car Ride") == [ids[3], ids[5]]
    with Library(folder) as lib:
        assert lib.clip(ids[0]) is not None  # the song stays in the library

    code, out, _ = run(folder, capsys, "list", "--json")
    assert json.loads(out) == [
        {"name": "Car Ride", "kind": "manual", "songs": 2, "query": None, "order": None, "limit": None}
    ]
    assert run(folder, capsys, "rename", "Car Ride", "  Night   Drive ")[0] == 0
    assert shown(folder, capsys, "night drive") == [ids[3], ids[5]]
    assert run(folder, capsys, "delete", "Night Drive")[0] == 0
    assert json.loads(run(folder, capsys, "list", "--json")[1]) == []


def test_a_song_removed_from_the_library_leaves_its_playlists(library, capsys):
    folder, ids, _ = library
    run(folder, capsys, "new", "Set")
    run(folder, capsys, "add", "Set", *ids)
    with Library(folder) as lib:
        lib.remove_clips([ids[1]])
        lib.remove_tasks([lib.clip(ids[4]).task_id])
    assert shown(folder, capsys, "Set") == [ids[0], ids[2], ids[3]]


def test_a_smart_playlist_follows_the_library_with_its_order_and_limit(library, capsys):
    folder, ids, titles = library
    with Library(folder) as lib:
        lib.set_rating([ids[1]], 5)
        lib.set_rating([ids[4]], 4)
        lib.set_rating([ids[2]], 2)
    code, _, err = run(folder, capsys, "smart", "Top", "rating:>=2", "--order", "rating", "--limit", "2")
    assert code == 0 and "2 song(s) match now" in err  # its limit
    assert shown(folder, capsys, "Top") == [ids[1], ids[4]]
    with Library(folder) as lib:
        lib.set_rating([ids[0]], 5)  # it follows the library
    assert shown(folder, capsys, "Top") == [ids[0], ids[1]]
    listed = json.loads(run(folder, capsys, "list", "--json")[1])
    top = {"name": "Top", "kind": "smart", "songs": 2, "query": "rating:>=2", "order": "rating", "limit": 2}
    assert listed == [top]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["show", "Nope"], "There is no playlist named 'Nope'."),
        (["new", "   "], "A playlist needs a name."),
        (["smart", "Broken", "rating:>="], "The query does not parse"),
        (["add", "Mine", "ffffffff"], "No clip in this library"),
        (["new", "mine"], "A playlist named 'mine' exists already."),
        (["rename", "Mine", "TOP"], "A playlist named 'TOP' exists already."),
        (["add", "Top", "ffffffff"], "is a smart playlist"),
        (["new", "a\x1b[31mred"], "control characters"),
    ],
)
def test_what_cannot_be_done_is_one_sentence_and_exit_2(library, capsys, args, sentence):
    folder, _, _ = library
    run(folder, capsys, "new", "Mine")
    run(folder, capsys, "smart", "Top", "rating:>=4")
    code, out, err = run(folder, capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("suno-desktop: ") and sentence in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_an_exported_list_is_relative_utf8_without_a_bom_and_reads_back(library, capsys, tmp_path):
    folder, ids, titles = library
    run(folder, capsys, "new", "Trip")
    run(folder, capsys, "add", "Trip", ids[2], ids[0])
    target = tmp_path / "lists" / "#trip.m3u8"
    target.parent.mkdir()
    assert run(folder, capsys, "export", "Trip", str(target))[0] == 0
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "#EXTM3U" and len(lines) == 5
    assert lines[1].startswith("#EXTINF:") and lines[1].endswith(f",Suno - {titles[ids[2]]}")
    assert int(lines[1][len("#EXTINF:") :].split(",")[0]) > 0
    assert lines[2].startswith("../Library/") and "\\" not in lines[2]
    assert (target.parent / lines[2]).resolve().is_file()

    absolute = tmp_path / "abs.m3u8"
    assert run(folder, capsys, "export", "Trip", str(absolute), "--absolute")[0] == 0
    entry = absolute.read_text(encoding="utf-8").splitlines()[2]
    assert Path(entry).is_absolute() and Path(entry).is_file()

    code, _, err = run(folder, capsys, "import", str(target))
    assert code == 0 and "All 2 entries are songs of this library." in err
    assert shown(folder, capsys, "#trip") == [ids[2], ids[0]]
    code, _, err = run(folder, capsys, "import", str(absolute), "--name", "Again")
    assert shown(folder, capsys, "Again") == [ids[2], ids[0]]
    assert run(folder, capsys, "import", str(target))[0] == 0  # the file's name is taken: "#trip (2)"
    assert shown(folder, capsys, "#trip (2)") == [ids[2], ids[0]]


@pytest.mark.skipif(shutil.which("mpv") is None, reason="Debian's mpv is not installed (.ci/setup installs it)")
def test_a_player_we_do_not_write_plays_every_entry_of_an_exported_list(library, capsys, tmp_path):
    folder, ids, titles = library
    run(folder, capsys, "new", "For mpv")
    run(folder, capsys, "add", "For mpv", *ids[:3])
    target = tmp_path / "out" / "for mpv.m3u8"
    target.parent.mkdir()
    assert run(folder, capsys, "export", "For mpv", str(target))[0] == 0
    played = subprocess.run(  # (no terminal to read keys from: it never waits for input)
        ["mpv", "--ao=null", "--vo=null", "--length=0.2", "--no-config", "--input-terminal=no", str(target)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    playing = [line for line in (played.stdout + played.stderr).splitlines() if line.startswith("Playing: ")]
    assert len(playing) == 3, played.stdout + played.stderr
    with Library(folder) as lib:
        for line, clip_id in zip(playing, ids[:3]):
            assert Path(line[len("Playing: ") :]).resolve() == lib.absolute(lib.clip(clip_id).audio_path).resolve()


def test_an_import_matches_windows_paths_case_and_tags_and_reports_the_rest(library, capsys, tmp_path):
    folder, ids, _ = library
    with Library(folder) as lib:
        relative = [lib.clip(c).audio_path for c in ids[:4]]
    elsewhere = tmp_path / "phone"
    elsewhere.mkdir()
    copy = elsewhere / "renamed on the phone.mp3"
    shutil.copyfile(folder / relative[3], copy)  # a copy still carries its clip id in its tags
    listing = tmp_path / "from windows.m3u"
    listing.write_bytes(
        (
            "\ufeff#EXTM3U\r\n"
            f"#EXTINF:90,Suno - one\r\nC:\\Users\\me\\Music\\Library\\{relative[0].replace('/', chr(92))}\r\n"
            f"{relative[1].upper()}\r\n"
            f"file://{(folder / relative[2]).as_posix().replace(' ', '%20')}\r\n"
            f"phone/{copy.name}\r\n"
            "D:\\Music\\not ours.mp3\r\nhttps://example.com/stream.mp3\r\n"
        ).encode()
    )
    code, _, err = run(folder, capsys, "import", str(listing), "--name", "Windows")
    assert code == 0
    assert "2 of 6 entries are not in this library." in err
    assert shown(folder, capsys, "Windows") == ids[:4]


def test_an_import_that_names_no_song_makes_no_playlist(library, capsys, tmp_path):
    folder, _, _ = library
    listing = tmp_path / "strangers.m3u8"
    listing.write_text("#EXTM3U\n/music/a.mp3\n", encoding="utf-8")
    code, _, err = run(folder, capsys, "import", str(listing))
    assert code == 2 and "None of the 1 entries" in err
    assert json.loads(run(folder, capsys, "list", "--json")[1]) == []
    code, _, err = run(folder, capsys, "import", str(tmp_path / "missing.m3u8"))
    assert code == 2 and "Cannot read" in err


def test_export_with_songs_copies_tagged_mp3s_and_a_relative_list_never_overwriting(library, capsys, tmp_path):
    folder, ids, titles = library
    run(folder, capsys, "new", "Stick")
    run(folder, capsys, "add", "Stick", ids[0], ids[1])
    stick = tmp_path / "USB"
    assert run(folder, capsys, "export", "Stick", str(stick), "--with-songs")[0] == 0
    songs = sorted(stick.glob("*.mp3"))
    assert len(songs) == 2
    listed = (stick / "Stick.m3u8").read_text(encoding="utf-8").splitlines()
    assert [line for line in listed if not line.startswith("#")] == [p.name for p in songs] or sorted(
        line for line in listed if not line.startswith("#")
    ) == [p.name for p in songs]
    songs[0].write_bytes(b"someone else's file")  # a different file with the same name is never overwritten
    assert run(folder, capsys, "export", "Stick", str(stick), "--with-songs")[0] == 0
    assert songs[0].read_bytes() == b"someone else's file"
    assert len(list(stick.glob("*.mp3"))) == 3
    # the copies are outside the library: the list in the folder reads back by the clip ids in their tags
    code, _, err = run(folder, capsys, "import", str(stick / "Stick.m3u8"), "--name", "From USB")
    assert code == 0 and set(shown(folder, capsys, "From USB")) == {ids[0], ids[1]}


def test_a_hostile_title_cannot_add_an_entry_to_an_exported_list(relay, library, capsys, tmp_path):
    folder, _, _ = library
    task = relay.add_music_task(title="Evil\n/etc/passwd\r\n#EXTINF:1,x\u2028more", clips=1)
    assert main(sync_args(relay, folder, task)) == 0
    with Library(folder) as lib:
        evil = next(r.clip_id for r in lib.clips() if r.task_id == task)
    run(folder, capsys, "new", "Safe")
    run(folder, capsys, "add", "Safe", evil)
    target = tmp_path / "safe.m3u8"
    assert run(folder, capsys, "export", "Safe", str(target))[0] == 0
    lines = target.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and lines[3] == "" and lines[1].startswith("#EXTINF:") and "/etc/passwd" in lines[1]
    assert not lines[2].startswith("#") and (tmp_path / lines[2]).resolve().is_file()


def test_playlists_move_with_the_library_folder_and_survive_a_rebuild(relay, library, capsys, tmp_path):
    folder, ids, _ = library
    run(folder, capsys, "new", "Kept")
    run(folder, capsys, "add", "Kept", ids[1], ids[0])
    moved = tmp_path / "Elsewhere" / "Library"
    moved.parent.mkdir()
    folder.rename(moved)
    code, out, _ = run(moved, capsys, "show", "Kept", "--json")
    rows = json.loads(out)
    assert [r["clip_id"] for r in rows] == [ids[1], ids[0]]
    assert all(r["audio_path"].startswith(str(moved)) for r in rows)
    capsys.readouterr()
    assert main(["rebuild", "--library", str(moved), "--base-url", relay.api_url, "--token", "test-token"]) == 0
    assert shown(moved, capsys, "Kept") == [ids[1], ids[0]]


def test_a_query_finds_the_songs_of_a_playlist_by_its_name(library, capsys):
    folder, ids, _ = library
    run(folder, capsys, "new", "Road Trip")
    run(folder, capsys, "add", "Road Trip", ids[1], ids[4])
    run(folder, capsys, "smart", "Rated", "is:rated")
    run(folder, capsys, "smart", "Trip Picks", "playlist:road")  # a smart playlist may read a manual one
    with Library(folder) as lib:
        lib.set_rating([ids[2]], 3)

    def listed(query: str) -> list[str]:
        capsys.readouterr()
        assert main(["list", "--library", str(folder), "--json", f"--query={query}"]) == 0
        return sorted(row["clip_id"] for row in json.loads(capsys.readouterr().out))

    assert listed("playlist:road") == sorted([ids[1], ids[4]])
    assert listed("playlist:TRIP") == sorted([ids[1], ids[4]])  # "Road Trip" and "Trip Picks" hold the same
    assert listed("playlist:rated") == [ids[2]]
    assert len(listed("-playlist:road")) == 4
    assert listed("playlist:nothing") == []
    assert sorted(shown(folder, capsys, "Trip Picks")) == sorted([ids[1], ids[4]])
