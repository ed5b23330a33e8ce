"""The app's entry point: ``main(argv) -> int`` opens the window on a library.

It reuses a ``QApplication`` that already exists (tests, embedding) and then
leaves the event loop to its owner; otherwise it creates one and runs it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import APP_NAME, __version__
from .cli import CLI_COMMANDS
from .cli import main as cli_main
from .library.rebuild import DatabaseCheck, LibraryNeedsRebuild, prepare_rebuild
from .library.rebuild import open_library as open_checked_library
from .library.store import Library, LibraryUnavailable
from .settings import Settings, SettingsStore, remembered_libraries

log = logging.getLogger(__name__)

#: how long a thread may hold the GIL while another waits (Python's default: 5 ms)
GIL_SWITCH_SECONDS = 0.001

#: the windows opened by main(), kept alive while the caller's event loop runs
open_windows: list = []

#: Qt Multimedia's FFmpeg backend writes each file's stream dump ("Input #0, mov,mp4…"), its decoder
#: search ("No HW decoder found") and missing optional libraries through these categories on every
#: start; they reach the terminal only with --verbose (a QT_LOGGING_RULES the user sets still wins)
QUIET_MULTIMEDIA_RULES = "\n".join(f"qt.multimedia.*.{level}=false" for level in ("debug", "info", "warning"))

#: options both the window and the command line take before a command (``suno-desktop -v sync …``)
GLOBAL_OPTIONS = frozenset({"-v", "--verbose"})

#: said when the library prompt is left without a folder (on stderr; the prompt says it before)
NO_LIBRARY_SENTENCE = (
    "No library folder was chosen, so Suno Desktop closes. Start it again to choose one, "
    "or start it with --library DIR."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="suno-desktop", description=f"{APP_NAME}: open the library window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--library", type=Path, metavar="DIR", help="open this library folder")
    parser.add_argument("--demo", action="store_true", help="open a fresh library on the built-in demo relay")
    parser.add_argument("--self-test", action="store_true", help="check the installation without a window and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details on stderr")
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """``suno-desktop``: a command (``sync``, ``list``, ...) runs without Qt, anything else opens the window."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if names_a_command(argv):
        return cli_main(argv)
    return main(argv)


def names_a_command(argv: Sequence[str]) -> bool:
    """Whether *argv* asks for a command: its first word past the global options (``-v sync …``) is one."""
    for word in argv:
        if word not in GLOBAL_OPTIONS:
            return word in CLI_COMMANDS
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,  # a quiet terminal, as the command line
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.self_test:
        from .self_test import run_self_test

        return run_self_test()

    from PySide6.QtCore import QLoggingCategory
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

    from .ui.icons import app_icon

    # Every call from Qt into Python (a cell's data, a delegate) waits for the GIL while
    # download threads run; a shorter switch interval shortens each wait, so a repaint
    # during a sync is not a convoy of 5 ms waits (gui_bench: longest gap 60-100 -> ~40 ms)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    existing = QApplication.instance()
    app = existing or QApplication([sys.argv[0] if sys.argv else "suno-desktop"])
    # before the player loads Qt Multimedia's FFmpeg backend; --verbose lets Qt's defaults speak
    QLoggingCategory.setFilterRules("" if args.verbose else QUIET_MULTIMEDIA_RULES)

    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("suno-desktop")
    app.setWindowIcon(app_icon())

    store: SettingsStore | None = SettingsStore()
    settings = store.load()
    settings.base_url = os.environ.get("SUNO_API_BASE_URL") or settings.base_url
    settings.token = os.environ.get("SUNO_API_TOKEN") or settings.token
    demo = args.demo
    if not demo and not settings.token:
        from .ui.welcome_dialog import WelcomeChoice, WelcomeDialog

        welcome = WelcomeDialog()
        welcome.setWindowIcon(app_icon())
        welcome.exec()
        if welcome.choice is WelcomeChoice.DEMO:
            demo = True
        elif welcome.choice is WelcomeChoice.CONFIGURED:
            settings.base_url, settings.token = welcome.base_url(), welcome.token()
            store.save(settings)

    demo_note = ""
    if demo:
        settings, demo_note, library_dir, task_ids = _start_demo(settings, args.library)
        store = None  # the demo never overwrites the user's settings
    else:
        library_dir = args.library or Path(os.environ.get("SUNO_LIBRARY") or settings.library_dir)
        task_ids = []

    check = DatabaseCheck(library_dir)  # on a thread, while the window's modules load
    from .ui.main_window import MainWindow

    library = _open_library(library_dir, settings, store, QMessageBox, QFileDialog, check)
    if library is None:
        print(f"suno-desktop: {NO_LIBRARY_SENTENCE}", file=sys.stderr)
        return 2

    window = MainWindow(library, settings, store, demo_note=demo_note)
    open_windows.append(window)
    window.destroyed.connect(lambda *_: library.close())
    window.show()
    window.load_library(
        then=(lambda: window.controller.add_tasks(task_ids)) if task_ids else window.controller.sync_now
    )
    if existing is not None:
        return 0
    code = app.exec()
    library.close()
    return code


def _start_demo(settings: Settings, library_dir: Path | None):
    from .demo.catalog import DEMO_GENERATION_SECONDS, start_demo_relay

    relay, task_ids = start_demo_relay()
    if library_dir is None:
        library_dir = Path(tempfile.mkdtemp(prefix="suno-demo-")) / "Demo Library"
    demo_settings = replace(
        settings, base_url=relay.api_url, token=relay.token, poll_interval=1.0, library=str(library_dir)
    )
    note = (
        f"Demo: {len(task_ids)} sample tasks from the built-in relay at {relay.api_url} "
        "are being added to a fresh library. Add more with Ctrl+N, or create a song with Ctrl+Shift+N "
        f"(the demo relay takes about {DEMO_GENERATION_SECONDS:g} s to make one)."
    )
    log.info("demo relay on %s, library %s", relay.api_url, library_dir)
    _demo_relays.append(relay)
    return demo_settings, note, library_dir, task_ids


_demo_relays: list = []


def _open_library(
    library_dir: Path,
    settings: Settings,
    store: SettingsStore | None,
    QMessageBox,  # noqa: N803 - Qt classes, imported late
    QFileDialog,  # noqa: N803
    check: DatabaseCheck | None = None,
) -> Library | None:
    """Open the library, made with its parents on a first start; one opened before and now gone is refused.

    When it cannot be opened, say why and offer another folder; a chosen folder is saved
    (unless *store* is None: the demo) and opened on every later start. None: the user quit.
    """
    chosen = False
    while True:
        try:
            # a folder the user just picked opens even if a library there went missing: they chose it
            existed = settings.opened_before(library_dir) and not chosen
            started, check = check, None  # read before the first try only: a later one reads the folder anew
            library = open_checked_library(library_dir, create=True, existed=existed, check=started)
        except (LibraryUnavailable, LibraryNeedsRebuild) as exc:
            log.error("%s", exc)
            damaged = isinstance(exc, LibraryNeedsRebuild)
            answer = _choose_another_folder(str(exc), library_dir, QMessageBox, QFileDialog, offer_rebuild=damaged)
            if answer is None:
                return None
            if answer is REBUILD:
                library, plan = prepare_rebuild(library_dir)
                log.warning("rebuilding %s from %d song file(s)", library.root, plan.song_count)
            else:
                library_dir, chosen = answer, True
                continue
        if store is not None:
            _remember(library.root, settings, store, chosen=chosen)
        return library


#: the answer "rebuild this library from its files" to the library prompt
REBUILD = Path("<rebuild>")


def _remember(folder: Path, settings: Settings, store: SettingsStore, *, chosen: bool) -> None:
    """Note the opened library in the settings; a folder the user chose becomes the library of every start."""
    settings.libraries = remembered_libraries([*settings.libraries, str(folder)])
    if chosen:
        settings.library = str(folder)
    try:
        if chosen:
            store.choose_library(folder)
        else:
            store.remember_library(folder)
    except OSError as exc:
        log.warning("could not save the library folder %s in the settings: %s", folder, exc)


def _choose_another_folder(
    problem: str,
    tried: Path,
    QMessageBox,  # noqa: N803 - Qt classes, imported late
    QFileDialog,  # noqa: N803
    *,
    offer_rebuild: bool = False,
) -> Path | None:
    """Ask for another library folder until one is picked (a cancelled picker asks again); None: Quit.

    With *offer_rebuild* (a damaged or lost database) the first choice is to rebuild it: :data:`REBUILD`.
    """
    while True:
        question = (
            "Rebuild it from its songs, or choose another library folder?"
            if offer_rebuild
            else ("Choose another library folder?")
        )
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, f"{problem}\n\n{question}")
        box.setObjectName("libraryUnavailableBox")
        box.setInformativeText(
            (
                "Rebuild keeps the damaged database aside and finds every song by its tags; nothing is deleted. "
                if offer_rebuild
                else ""
            )
            + "The folder you choose is used from now on (Settings can change it). "
            "Quit closes Suno Desktop; its next start asks again."
        )
        rebuild = box.addButton("Rebuild from Files", QMessageBox.ButtonRole.AcceptRole) if offer_rebuild else None
        choose = box.addButton("Choose Another Folder…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(rebuild or choose)
        box.exec()
        if rebuild is not None and box.clickedButton() is rebuild:
            return REBUILD
        if box.clickedButton() is not choose:
            return None
        start = tried.parent if tried.parent.is_dir() else Path.home()
        folder = QFileDialog.getExistingDirectory(None, "Choose the library folder", str(start))
        if folder:
            return Path(folder)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
