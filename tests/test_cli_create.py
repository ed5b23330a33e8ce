"""``create`` and ``lyrics`` on the command line: the id on stdout, the sync after, exit codes."""

from __future__ import annotations

import json

import pytest
from cli_helpers import relay_args
from fault_servers import SubmitFault
from mutagen.id3 import ID3

from suno_desktop.cli import main
from suno_desktop.library.store import Library
from suno_desktop.library.submission_journal import SubmissionJournal
from suno_desktop.relay.task_ids import is_task_id
from suno_desktop.song_request import SubmissionState

LYRICS = "[Verse]\nStreetlights hum a tune\n[Chorus]\nHome before the moon"


def test_create_prints_the_id_first_then_syncs_the_song_with_its_tags(relay, tmp_path, capsys):
    library = tmp_path / "Library"
    code = main(["create", "--title", "Home", "--style", "folk", "--lyrics", LYRICS, *relay_args(relay, library)])
    out, err = capsys.readouterr()
    assert code == 0, err
    task_id = out.splitlines()[0]
    assert is_task_id(task_id) and task_id in relay.task_ids()
    assert "Synced 1 task(s): 2 clip(s) updated" in err
    (sent,) = relay.submits
    assert sent["body"] == {
        "prompt": LYRICS,
        "title": "Home",
        "tags": "folk",
        "mv": "chirp-v4",
        "make_instrumental": False,
    }
    with Library(library) as lib:
        clips = lib.clips(task_ids=[task_id])
        assert len(clips) == 2
        for clip in clips:
            tags = ID3(lib.root / clip.audio_path)
            assert tags["TIT2"].text == ["Home"] and tags.getall("USLT")[0].text == LYRICS


def test_a_description_alone_is_inspiration_mode_and_no_wait_only_stores_the_task(relay, tmp_path, capsys):
    library = tmp_path / "Library"
    code = main(
        ["create", "--description", "a song about a cat", "--instrumental", "--no-wait", *relay_args(relay, library)]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    task_id = out.strip()
    assert relay.submits[0]["body"] == {
        "gpt_description_prompt": "a song about a cat",
        "make_instrumental": True,
        "mv": "chirp-v4",
    }
    with Library(library) as lib:
        assert task_id in lib.pending_task_ids() and lib.clips() == []
    assert main(["sync", *relay_args(relay, library)]) == 0  # a later sync picks it up
    with Library(library) as lib:
        assert len(lib.clips(task_ids=[task_id])) == 2


def test_lyrics_prints_the_id_then_the_title_and_text(relay, tmp_path, capsys):
    code = main(["lyrics", "rain on a tin roof", *relay_args(relay, tmp_path / "Library")])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert is_task_id(lines[0]) and relay.submits[0]["body"] == {"prompt": "rain on a tin roof"}
    assert lines[1].strip() and len(lines) > 3  # the title, a blank line, the text


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [
        (["--title", "Words?"], "Nothing to create"),
        (["--description", "x", "--lyrics", LYRICS], "cannot be combined"),
        (["--from", "10", "--instrumental"], "--from needs --extend"),
        (["--extend", "00000000-0000-0000-0000-000000000000", "--instrumental"], "no song"),
    ],
)
def test_input_that_cannot_make_a_song_exits_2_and_sends_nothing(relay, tmp_path, capsys, extra, sentence):
    assert main(["create", *extra, *relay_args(relay, tmp_path / "Library")]) == 2
    err = capsys.readouterr().err
    assert sentence in err and "Nothing was sent" in err
    assert relay.submits == []


def test_lyrics_and_a_lyrics_file_together_is_a_usage_error(relay, tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text(LYRICS, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["create", "--lyrics", "x", "--lyrics-file", str(words), *relay_args(relay, tmp_path / "Library")])
    assert caught.value.code == 2 and "not allowed with" in capsys.readouterr().err
    assert relay.submits == []


def test_an_empty_lyrics_prompt_exits_2(relay, tmp_path, capsys):
    assert main(["lyrics", "  ", *relay_args(relay, tmp_path / "Library")]) == 2
    assert "prompt is empty" in capsys.readouterr().err and relay.submits == []


def test_extend_looks_up_the_clip_and_checks_the_start(relay, tmp_path, capsys):
    library = tmp_path / "Library"
    task = relay.add_music_task(title="Base", duration=90.0)
    assert main(["sync", *relay_args(relay, library), task]) == 0
    with Library(library) as lib:
        clip = lib.clips(task_ids=[task])[0]
    capsys.readouterr()
    too_late = ["create", "--extend", clip.clip_id, "--from", "95", "--instrumental"]
    assert main(too_late + relay_args(relay, library)) == 2
    assert "only 90 s long" in capsys.readouterr().err and relay.submits == []
    words = tmp_path / "words.txt"
    words.write_text(LYRICS, encoding="utf-8")
    extend = ["create", "--extend", clip.clip_id, "--from", "42.5", "--lyrics-file", str(words), "--no-wait"]
    assert main(extend + relay_args(relay, library)) == 0
    body = relay.submits[0]["body"]
    assert (body["task_id"], body["continue_clip_id"], body["continue_at"], body["prompt"]) == (
        task,
        clip.clip_id,
        42.5,
        LYRICS,
    )


def test_an_unconfirmed_submit_exits_1_with_the_sentence_and_stays_in_the_library(relay, tmp_path, capsys):
    library = tmp_path / "Library"
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    assert main(["create", "--instrumental", "--title", "Lost", *relay_args(relay, library)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "did not confirm this song (HTTP 502)" in err and "task log" in err
    assert len(relay.submits) == 1
    with Library(library) as lib:
        (entry,) = SubmissionJournal(lib).open()
        assert entry.state is SubmissionState.UNCONFIRMED and entry.request.title == "Lost"


def test_a_refused_token_exits_2(relay, tmp_path, capsys):
    args = relay_args(relay, tmp_path / "Library")
    args[args.index("test-token")] = "wrong"
    assert main(["create", "--instrumental", *args]) == 2
    assert "token" in capsys.readouterr().err.lower()


def test_list_tasks_shows_a_created_task(relay, tmp_path, capsys):
    library = tmp_path / "Library"
    assert main(["create", "--instrumental", "--no-wait", *relay_args(relay, library)]) == 0
    task_id = capsys.readouterr().out.strip()
    assert main(["list", "--library", str(library), "--tasks", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["task_id"] == task_id


def test_create_uses_the_default_model_from_settings(relay, tmp_path):
    from suno_desktop.settings import Settings, SettingsStore

    SettingsStore(use_keyring=False).save(Settings(default_model="chirp-v3-5"))
    args = relay_args(relay, tmp_path / "Library", "--no-wait")
    assert main(["create", "--instrumental", *args]) == 0
    assert main(["create", "--instrumental", "--model", "chirp-v4", *args]) == 0
    assert [entry["body"]["mv"] for entry in relay.submits] == ["chirp-v3-5", "chirp-v4"]
