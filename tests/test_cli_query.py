"""``suno-desktop list --query``: only the clips (or the tasks) that match; a broken query is exit 2 and a sentence."""

import json
import os

import pytest
from cli_helpers import sync_args

from suno_desktop.cli import main
from suno_desktop.library.store import Library


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("SUNO_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))
    for name in ("SUNO_API_BASE_URL", "SUNO_API_TOKEN", "SUNO_LIBRARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def library(relay, tmp_path):
    """Two tasks: "Neon Highway" (synthwave, 2 clips, 200 s) and "Café Blues" (jazz, 1 clip, 100 s)."""
    folder = tmp_path / "L"
    neon = relay.add_music_task(title="Neon Highway", tags="synthwave", clips=2, duration=200)
    blues = relay.add_music_task(title="Café Blues", tags="smooth jazz", clips=1, duration=100)
    assert main(sync_args(relay, folder, neon, blues)) == 0
    with Library(folder) as lib:
        clips = {record.clip_id: record for record in lib.clips()}
        rated = next(c for c in clips.values() if c.title == "Neon Highway")
        lib.set_rating([rated.clip_id], 5)
    return folder, {"neon": neon, "blues": blues, "rated": rated.clip_id}


def listed(folder, capsys, *extra):
    capsys.readouterr()
    assert main(["list", "--library", str(folder), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_query_filters_clips(library, capsys):
    folder, ids = library
    assert len(listed(folder, capsys)) == 3
    assert {row["title"] for row in listed(folder, capsys, "--query", "cafe")} == {"Café Blues"}
    assert [row["clip_id"] for row in listed(folder, capsys, "--query", "neon is:rated")] == [ids["rated"]]
    assert len(listed(folder, capsys, "--query", "duration:>2:30 -is:rated")) == 1
    assert len(listed(folder, capsys, "--query", "style:jazz OR rating:5")) == 2
    assert listed(folder, capsys, "--query", "playlist:mine") == []  # no playlist of that name


def test_the_issues_example_works_from_the_command_line(library, capsys):
    folder, ids = library
    rows = listed(folder, capsys, "--query", "neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30")
    assert [row["clip_id"] for row in rows] == [ids["rated"]]


def test_query_with_tasks_keeps_the_tasks_with_a_matching_clip(library, capsys):
    folder, ids = library
    rows = listed(folder, capsys, "--tasks", "--query", "is:rated")
    assert [row["task_id"] for row in rows] == [ids["neon"]]
    assert len(rows[0]["clip_ids"]) == 2  # the task with all its clips
    assert {row["task_id"] for row in listed(folder, capsys, "--tasks", "--query", "id:" + ids["blues"][:6])} == {
        ids["blues"]
    }


def test_query_in_text_output_counts_what_matched(library, capsys):
    folder, _ = library
    capsys.readouterr()
    assert main(["list", "--library", str(folder), "--query", "highway"]) == 0
    out, err = capsys.readouterr()
    assert out.count("Neon Highway") == 2 and "Café" not in out
    assert "2 clip(s)" in err


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("rating:>=", "rating:>= at 1 needs a value"),
        ("neon (rating:4", "The ( at 6 is never closed"),
        ("colour:red", "Unknown field 'colour:'"),
        ("is:great", "Unknown flag 'is:great'"),
        ("created:>yesterday", "needs a date (YYYY-MM-DD) or an age"),
    ],
)
def test_a_broken_query_is_one_sentence_and_exit_2(library, capsys, query, words):
    folder, _ = library
    capsys.readouterr()
    assert main(["list", "--library", str(folder), "--json", "--query", query]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert words in err and err.count("\n") == 1 and err.startswith("suno-desktop: --query: ")


def test_a_broken_query_is_refused_even_where_there_is_no_library(tmp_path, capsys):
    assert main(["list", "--library", str(tmp_path / "none"), "--query", "(neon"]) == 2
    assert "never closed" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_list_never_asks_the_keyring(library, capsys, monkeypatch):
    """list asks no relay: it needs no token, and loading the keyring's backends cost ~0.1 s."""
    from suno_desktop.settings import SettingsStore

    def refuse(self):
        raise AssertionError("list asked the keyring")

    monkeypatch.setattr(SettingsStore, "_keyring_get", refuse)
    folder, _ = library
    assert {clip["title"] for clip in listed(folder, capsys, "--query", "title:neon")} == {"Neon Highway"}


def test_list_loads_neither_the_http_stack_nor_the_sync_engine(library, tmp_path):
    """list asks no relay: the ~0.1 s of importing them is not its to pay (list --query at 100,000 clips)."""
    import subprocess
    import sys

    folder, _ = library
    probe = (
        "import sys; from suno_desktop.cli import main; "
        f"code = main(['list', '--library', {str(folder)!r}, '--query', 'neon']); "
        "print(code, sorted(m for m in ('requests', 'suno_desktop.library.sync', 'keyring') if m in sys.modules))"
    )
    env = {**os.environ, "SUNO_DESKTOP_CONFIG_DIR": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True).stdout
    assert out.splitlines()[-1] == "0 []"
