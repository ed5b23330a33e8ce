"""``suno_desktop.app.main``: reuses the running QApplication and opens the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from suno_desktop import app
from suno_desktop.model import ClipState
from suno_desktop.settings import Settings, SettingsStore


@pytest.fixture
def opened(qtbot):
    yield app.open_windows
    while app.open_windows:
        window = app.open_windows.pop()
        window.close()
        window.deleteLater()
    for relay in app._demo_relays:
        relay.stop()
    app._demo_relays.clear()


def test_main_opens_the_window_on_a_library(qtbot, tmp_path, relay, opened):
    SettingsStore().save(Settings(base_url=relay.api_url, token="test-token"))
    task = relay.add_music_task(clips=2)
    library = tmp_path / "My Library"
    assert app.main(["--library", str(library)]) == 0
    window = opened[-1]
    assert window.isVisible() and window.library.root == library
    window.controller.add_tasks([task])
    qtbot.waitUntil(
        lambda: window.model.rowCount() == 2 and all(window.model.row(r).state == ClipState.READY for r in range(2)),
        timeout=20_000,
    )
    assert QApplication.instance().applicationName() == "Suno Desktop"


def test_demo_runs_the_whole_flow_with_no_account(qtbot, opened):
    assert app.main(["--demo"]) == 0
    window = opened[-1]
    assert window.windowTitle() == "Demo Library (demo) — Suno Desktop"  # the app named once (Qt adds none)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 10, timeout=30_000)
    qtbot.waitUntil(
        lambda: sum(window.model.row(r).state == ClipState.READY for r in range(window.model.rowCount())) >= 10,
        timeout=30_000,
    )
    assert SettingsStore().load().token == ""  # the demo saved nothing


def test_first_start_without_a_token_offers_the_demo(qtbot, opened):
    def choose_demo():
        dialog = QApplication.activeModalWidget()
        dialog.findChild(QPushButton, "demoButton").click()

    QTimer.singleShot(300, choose_demo)
    assert app.main([]) == 0
    assert "demo" in opened[-1].windowTitle().lower()
