"""The user's own words over the relay's: `edit`, kept across a refresh of a retitled task, written into the files."""

import json

import pytest
from cli_helpers import sync_args
from mutagen.id3 import ID3

from suno_desktop.cli import main
from suno_desktop.library.clip_edits import EditField, cleaned, edit_clip, relay_values, revert_clip
from suno_desktop.library.store import Library


def listed(library, capsys):
    capsys.readouterr()
    assert main(["list", "--library", str(library), "--json"]) == 0
    return {row["clip_id"]: row for row in json.loads(capsys.readouterr().out)}


def test_an_edit_survives_a_refresh_of_a_retitled_task_and_reverts_to_the_relays_latest(relay, tmp_path, capsys):
    library = tmp_path / "L"
    task = relay.add_music_task(title="Neon Highway", tags="synthwave", clips=1)
    assert main(sync_args(relay, library, task)) == 0
    with Library(library) as lib:
        (clip,) = lib.clips()
    lyrics = tmp_path / "words.txt"
    lyrics.write_text("[Verse]\nMy own words\n", encoding="utf-8")
    edit = ["edit", "--library", str(library), clip.clip_id[:8], "--title", "Night Drive", "--style", " dark  synth "]
    assert main([*edit, "--lyrics-file", str(lyrics)]) == 0
    assert "your fields: lyrics, style, title." in capsys.readouterr().err
    with Library(library) as lib:
        record = lib.clip(clip.clip_id)
        song = library / record.audio_path
        assert (record.title, record.tags, record.lyrics) == ("Night Drive", "dark synth", "[Verse]\nMy own words")
        assert record.edited == ("lyrics", "tags", "title")
        assert song.name.startswith("Night Drive")  # renamed by the template
    tags = ID3(song)
    assert tags["TIT2"].text == ["Night Drive"] and tags["TCON"].text == ["dark synth"]
    assert tags.getall("USLT")[0].text == "[Verse]\nMy own words"

    assert main(["rate", "--library", str(library), "--stars", "4", clip.clip_id]) == 0
    relay.update_clip(task, title="Neon Highway (Remastered)")  # the relay retitles its clip
    assert main(sync_args(relay, library, "--refresh")) == 0
    row = listed(library, capsys)[clip.clip_id]
    assert (row["title"], row["edited"], row["rating"]) == ("Night Drive", ["lyrics", "tags", "title"], 4)
    tags = ID3(library / row["audio_path"])  # the rating stays in the file too
    assert tags["TIT2"].text == ["Night Drive"] and tags.getall("POPM")[0].rating == 196

    assert main(["edit", "--library", str(library), clip.clip_id, "--revert", "title"]) == 0
    row = listed(library, capsys)[clip.clip_id]
    assert (row["title"], row["edited"]) == ("Neon Highway (Remastered)", ["lyrics", "tags"])
    assert main(["edit", "--library", str(library), clip.clip_id, "--revert", "all"]) == 0
    with Library(library) as lib:
        record = lib.clip(clip.clip_id)
        assert (record.tags, record.edited) == ("synthwave", ())
        assert ID3(library / record.audio_path)["TCON"].text == ["synthwave"]


def test_nothing_to_change_or_an_unknown_clip_is_a_sentence_and_exit_2(relay, tmp_path, capsys):
    library = tmp_path / "L"
    task = relay.add_music_task(clips=1)
    assert main(sync_args(relay, library, task)) == 0
    with Library(library) as lib:
        (clip,) = lib.clips()
    capsys.readouterr()
    assert main(["edit", "--library", str(library), clip.clip_id]) == 2
    assert "Nothing to change" in capsys.readouterr().err
    assert main(["edit", "--library", str(library), "ffffffffffff", "--title", "X"]) == 2
    assert "No clip in this library" in capsys.readouterr().err


def test_an_edit_equal_to_the_relays_value_is_no_edit_and_hostile_text_is_cleaned(library):
    from suno_desktop.relay.model import parse_task

    library.save_task(
        parse_task(
            {
                "task_id": "t1",
                "action": "MUSIC",
                "status": "SUCCESS",
                "data": [{"id": "c1", "status": "complete", "title": "Same", "audio_url": "https://x/a.mp3"}],
            }
        )
    )
    assert edit_clip(library, "c1", {EditField.TITLE: "Same"}) == ()
    assert edit_clip(library, "c1", {EditField.TITLE: "A\x1b[31m\nB", EditField.DESCRIPTION: "x\x00y"}) == (
        EditField.DESCRIPTION,
        EditField.TITLE,
    )
    record = library.clip("c1")
    assert (record.title, record.description) == ("A[31m B", "xy")  # no escape, no line break, no NUL
    assert relay_values(library, "c1")[EditField.TITLE] == "Same"
    revert_clip(library, "c1")
    assert library.clip("c1").title == "Same" and library.clip("c1").edited == ()
    assert len(cleaned(EditField.TITLE, "x" * 5000)) == 1000


@pytest.mark.parametrize("text", ["\r\nline one\r\nline two\r\n", "tab\there"])
def test_lyrics_keep_their_lines(text):
    assert "\r" not in cleaned(EditField.LYRICS, text)
    assert "\n" in cleaned(EditField.LYRICS, text) or "\t" not in cleaned(EditField.LYRICS, text)
