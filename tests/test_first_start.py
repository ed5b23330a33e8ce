"""A first start on a fresh home (no ~/Music), a library that vanished, and the command line's manners.

The command line runs as a real process with HOME pointing at an empty folder, as on
a new account or a server running ``sync`` from cron; the window runs in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLoggingCategory, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from test_app import opened  # noqa: F401 - a fixture
from window_helpers import WAIT

from suno_desktop import APP_NAME, app
from suno_desktop.cli import main as cli_main
from suno_desktop.library.store import DB_DIR_NAME
from suno_desktop.settings import Settings, SettingsStore, default_library_dir

TOKEN = "test-token"
GUARD = "does not exist (is the drive connected?)"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty home folder: no Music, no user-dirs.dirs; the settings in tmp_path / "config" (conftest)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return folder


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    """``suno-desktop ARGS`` as its own process, with *home* as HOME and no XDG variable of this machine."""
    return subprocess.run(
        [sys.executable, "-m", "suno_desktop", *args], env=cli_env(home), capture_output=True, text=True, timeout=120
    )


def cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "SUNO_"))}
    env.update(HOME=str(home), SUNO_DESKTOP_CONFIG_DIR=str(home.parent / "config"), SUNO_DESKTOP_KEYRING="0")
    return env


def relay_options(relay) -> list[str]:
    return ["--base-url", relay.api_url, "--token", TOKEN, "--poll-interval", "0.01"]


def set_music_dir(home: Path, name: str) -> Path:
    """Name the music folder as a desktop's xdg-user-dirs does (``~/.config/user-dirs.dirs``)."""
    (home / ".config").mkdir(exist_ok=True)
    (home / ".config" / "user-dirs.dirs").write_text(f'XDG_MUSIC_DIR="$HOME/{name}"\n')
    return home / name


# ---------------------------------------------------------------------- command line


def test_sync_on_a_fresh_home_makes_the_default_library_with_its_parents(home, relay):
    task = relay.add_music_task(clips=1, title="First Light")
    done = run_cli(home, "sync", task, *relay_options(relay))
    assert done.returncode == 0, done.stderr
    library = home / "Music" / "Suno Desktop"
    assert (library / DB_DIR_NAME).is_dir()
    listing = run_cli(home, "list")
    assert listing.returncode == 0 and "First Light" in listing.stdout


def test_create_on_a_fresh_home_makes_the_library_in_the_xdg_music_folder(home, relay):
    music = set_music_dir(home, "Songs")
    done = run_cli(home, "create", "--description", "a song about rain", "--no-wait", *relay_options(relay))
    assert done.returncode == 0, done.stderr
    assert (music / "Suno Desktop" / DB_DIR_NAME).is_dir()
    assert not (home / "Music").exists()
    assert default_library_dir() == music / "Suno Desktop"  # the window asks the same function


def test_list_on_a_fresh_home_says_empty_and_makes_nothing(home):
    for options in ([], ["--json"]):
        done = run_cli(home, "-v", "list", *options)  # a global option before the command is taken too
        assert done.returncode == 0, done.stderr
    assert "is empty" in run_cli(home, "list").stderr
    assert done.stdout.strip() == "[]"
    assert list(home.iterdir()) == []


def test_a_library_that_existed_and_vanished_is_refused_with_the_guard(home, relay):
    assert run_cli(home, "sync", relay.add_music_task(clips=1), *relay_options(relay)).returncode == 0
    shutil.rmtree(home / "Music")  # the drive it was on is not connected
    for args in (["list"], ["sync", relay.add_music_task(clips=1), *relay_options(relay)]):
        done = run_cli(home, *args)
        assert done.returncode == 2 and GUARD in done.stderr and "Traceback" not in done.stderr
    assert not (home / "Music").exists()  # nothing made anew in its place


@pytest.mark.parametrize("options", [[], ["--json"], ["--tasks"]])
def test_a_closed_pipe_ends_list_quietly(home, relay, options):
    library = home / "Library"
    tasks = [relay.add_music_task(clips=2) for _ in range(3)]
    assert cli_main(["sync", *tasks, "--library", str(library), *relay_options(relay)]) == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "suno_desktop", "list", "--library", str(library), *options],
        env=cli_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()  # the reader is gone before anything is written, as `| head -0` would
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err
    assert process.returncode == 141


# ---------------------------------------------------------------------- window


class BoxAnswers:
    """Answers the library prompt (a QMessageBox) with the buttons given, in turn; remembers what it said."""

    def __init__(self, *buttons: str) -> None:
        self.buttons, self.seen = list(buttons), []
        self.timer = QTimer(interval=50)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "libraryUnavailableBox" or not box.isVisible():
            return
        self.seen.append(f"{box.text()}\n{box.informativeText()}")
        wanted = self.buttons.pop(0) if self.buttons else "Quit"
        next(button for button in box.buttons() if button.text() == wanted).click()

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
def answers():
    made: list[BoxAnswers] = []

    def answer(*buttons: str) -> BoxAnswers:
        made.append(BoxAnswers(*buttons))
        return made[-1]

    yield answer
    for answering in made:
        answering.stop()


def close_windows(opened_windows) -> None:
    while opened_windows:
        opened_windows.pop().close()


def test_the_window_makes_the_default_library_on_a_fresh_home(qtbot, home, relay, opened, answers):  # noqa: F811
    music = set_music_dir(home, "Musik")
    SettingsStore().save(Settings(base_url=relay.api_url, token=TOKEN))
    prompt = answers()
    assert app.main([]) == 0
    window = opened[-1]
    qtbot.waitUntil(
        lambda: window.model.searchable and (window.proxy.rowCount() > 0 or window.empty_state.isVisible()),
        timeout=WAIT,
    )  # read
    assert window.library.root == music / "Suno Desktop" and (music / "Suno Desktop" / DB_DIR_NAME).is_dir()
    assert prompt.seen == []
    assert SettingsStore().load().opened_before(music / "Suno Desktop")
    # its folder is called "Suno Desktop": the title names the app once, and ends with it (Qt adds none)
    assert window.windowTitle() == APP_NAME


def test_a_vanished_library_asks_for_another_folder_and_keeps_the_choice(
    qtbot,
    tmp_path,
    home,
    relay,
    opened,  # noqa: F811
    answers,
    monkeypatch,
):
    gone, other = tmp_path / "drive" / "Songs", tmp_path / "Other Library"
    other.mkdir()
    SettingsStore().save(Settings(base_url=relay.api_url, token=TOKEN, library=str(gone), libraries=[str(gone)]))
    picks = iter(["", str(other)])  # the first folder picker is cancelled: the question comes back
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: next(picks))
    prompt = answers("Choose Another Folder…", "Choose Another Folder…")
    assert app.main([]) == 0
    assert len(prompt.seen) == 2 and GUARD in prompt.seen[0] and "Quit closes" in prompt.seen[0]
    window = opened[-1]
    assert window.library.root == other and not gone.exists()
    title = window.windowTitle()
    assert title == f"Other Library — {APP_NAME}" and title.count(APP_NAME) == 1
    assert SettingsStore().load().library == str(other)
    prompt.stop()

    close_windows(opened)
    again = answers()
    assert app.main([]) == 0  # the next start opens the chosen folder without asking
    assert opened[-1].library.root == other and again.seen == []


def test_picking_the_emptied_library_folder_again_starts_a_new_library_there(
    qtbot,
    tmp_path,
    home,
    relay,
    opened,  # noqa: F811
    answers,
    monkeypatch,
):
    emptied = tmp_path / "Songs"
    emptied.mkdir()  # its .suno folder was deleted: the guard asks first
    SettingsStore().save(Settings(base_url=relay.api_url, token=TOKEN, library=str(emptied), libraries=[str(emptied)]))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(emptied))
    prompt = answers("Choose Another Folder…")
    assert app.main([]) == 0
    assert len(prompt.seen) == 1 and "folder is missing" in prompt.seen[0]
    assert opened[-1].library.root == emptied and (emptied / DB_DIR_NAME).is_dir()


def test_quitting_the_library_prompt_says_what_happens_next(qtbot, tmp_path, home, opened, answers, capsys):  # noqa: F811
    gone = tmp_path / "drive" / "Songs"
    SettingsStore().save(Settings(base_url="http://127.0.0.1:9", token=TOKEN, library=str(gone), libraries=[str(gone)]))
    prompt = answers("Quit")
    assert app.main([]) == 2
    assert len(prompt.seen) == 1 and opened == []
    err = capsys.readouterr().err
    assert "Suno Desktop closes" in err and "Start it again to choose one" in err and "--library" in err
    assert SettingsStore().load().library == str(gone)  # nothing chosen, nothing changed


def test_the_players_ffmpeg_chatter_stays_out_unless_verbose(qtbot, home, relay, opened):  # noqa: F811
    SettingsStore().save(Settings(base_url=relay.api_url, token=TOKEN))
    assert app.main(["--library", str(home / "Library")]) == 0
    category = QLoggingCategory("qt.multimedia.ffmpeg")
    assert not category.isInfoEnabled() and not category.isWarningEnabled()
    close_windows(opened)
    assert app.main(["-v", "--library", str(home / "Library")]) == 0
    assert category.isInfoEnabled()


PLAY_ONE_CLIP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from suno_desktop import app

qapp = QApplication(["suno-desktop"])
app.main(sys.argv[1:])
window = app.open_windows[-1]

def play():
    if window.model.rowCount() == 0:
        QTimer.singleShot(50, play)
        return
    record = window.model.record(0)
    window.player.play(record.clip_id, window.library.absolute(record.audio_path), record.title)
    wait_for_the_file()

def wait_for_the_file():
    if window.player.duration > 0:  # FFmpeg has opened the file
        print("played", file=sys.stderr, flush=True)
        qapp.quit()
    else:
        QTimer.singleShot(50, wait_for_the_file)

QTimer.singleShot(0, play)
QTimer.singleShot(30_000, qapp.quit)
qapp.exec()
"""


def test_the_stream_dump_of_a_played_file_reaches_the_terminal_only_with_verbose(home, relay):
    library = home / "Library"
    assert cli_main(["sync", relay.add_music_task(clips=1), "--library", str(library), *relay_options(relay)]) == 0
    env = cli_env(home) | {"SUNO_API_BASE_URL": relay.api_url, "SUNO_API_TOKEN": TOKEN}
    env.pop("QT_LOGGING_RULES", None)
    errs = {}
    for verbose in ([], ["-v"]):
        done = subprocess.run(
            [sys.executable, "-c", PLAY_ONE_CLIP, *verbose, "--library", str(library)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "\nplayed\n" in done.stderr, done.stderr[-2000:]
        errs[bool(verbose)] = done.stderr
    assert "Input #0" in errs[True]  # what there is to keep out, seen with --verbose
    assert "Input #0" not in errs[False] and "qt.multimedia" not in errs[False]
    ffmpeg_lines = [line for line in errs[False].splitlines() if line.startswith("[") and " @ 0x" in line]
    assert ffmpeg_lines == []  # FFmpeg's own av_log warnings ("[mov,mp4,… @ 0x…] …") too
