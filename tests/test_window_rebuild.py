"""The window on a damaged or lost database: it offers a rebuild, and File → Rebuild Library from Files… restores."""

from __future__ import annotations

from cli_helpers import sync_args
from test_app import opened  # noqa: F401 - a fixture
from test_first_start import TOKEN, answers, home  # noqa: F401 - fixtures
from test_rebuild import damage, media_names
from window_helpers import WAIT, all_ready

from suno_desktop import app
from suno_desktop.cli import main as cli_main
from suno_desktop.library.rebuild import database_path
from suno_desktop.settings import Settings, SettingsStore


def synced_folder(relay, tmp_path, capsys):
    ids = [relay.add_music_task(title=f"Song {n}", clips=2) for n in range(2)]
    library = tmp_path / "Library"
    assert cli_main(sync_args(relay, library, *ids)) == 0
    capsys.readouterr()
    db = database_path(library)
    for extra in ("-wal", "-shm"):
        db.with_name(db.name + extra).unlink(missing_ok=True)
    return library, db


def test_a_damaged_database_at_start_is_offered_a_rebuild(qtbot, tmp_path, home, relay, opened, answers, capsys):  # noqa: F811
    library, db = synced_folder(relay, tmp_path, capsys)
    files = media_names(library)
    damage(db, "garbage-middle")
    SettingsStore().save(Settings(base_url=relay.api_url, token=TOKEN, library=str(library)))
    relay.media.reset_counters()
    prompt = answers("Rebuild from Files")
    assert app.main([]) == 0
    assert len(prompt.seen) == 1 and str(db) in prompt.seen[0] and "nothing is deleted" in prompt.seen[0]
    window = opened[-1]
    qtbot.waitUntil(lambda: all_ready(window, 4), timeout=WAIT)
    assert media_names(library) == files and relay.media.requests == []
    assert [p for p in db.parent.iterdir() if ".damaged-" in p.name], "the damaged database is kept aside"


def test_a_lost_database_at_start_is_never_an_empty_window(qtbot, tmp_path, home, relay, opened, answers, capsys):  # noqa: F811
    library, db = synced_folder(relay, tmp_path, capsys)
    db.unlink()
    SettingsStore().save(Settings(base_url=relay.api_url, token=TOKEN, library=str(library)))
    prompt = answers("Quit")
    assert app.main([]) == 2
    assert len(prompt.seen) == 1 and "holds 8 song file(s)" in prompt.seen[0] and opened == []


def test_rebuild_from_the_file_menu_restores_forgotten_songs(qtbot, tmp_path, home, relay, opened, capsys):  # noqa: F811
    library, db = synced_folder(relay, tmp_path, capsys)
    db.unlink()
    db.write_bytes(b"")  # emptied: start from nothing, as if the songs had been copied in from elsewhere
    from suno_desktop.library.store import Library
    from suno_desktop.ui.main_window import MainWindow

    with Library(library) as lib:
        settings = Settings(base_url=relay.api_url, token=TOKEN, library=str(library), poll_interval=0.05)
        window = MainWindow(lib, settings, None)
        qtbot.addWidget(window)
        window.show()
        window.load_library()
        qtbot.waitUntil(
            lambda: window.model.searchable and (window.proxy.rowCount() > 0 or window.empty_state.isVisible()),
            timeout=WAIT,
        )  # read
        assert window.model.records() == []
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
        action = next(a for a in menu.actions() if a.text() == "Rebuild Library from Files…")
        action.trigger()
        qtbot.waitUntil(lambda: all_ready(window, 4), timeout=WAIT)
        assert all(r.cover_path for r in window.model.records())
        window.close()
