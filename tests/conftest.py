"""Fixtures shared by the tests: a local relay and a client for it, a library, a media server, a window."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace

import pytest

# Qt must not look for a display; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEST_TOKEN = "test-token"


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path, monkeypatch):
    """No test reads or writes the real user's settings, window state, keyring or trash."""
    monkeypatch.setenv("SUNO_DESKTOP_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SUNO_DESKTOP_KEYRING", "0")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("SUNO_DESKTOP_MIN_POLL_SECONDS", "0")  # the local relay answers at once: poll quickly
    for name in ("SUNO_API_BASE_URL", "SUNO_API_TOKEN", "SUNO_LIBRARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def relay():
    """A running :class:`FaultyRelay` (the demo relay plus faults; token ``test-token``) with its own media server."""
    from fault_servers import FaultyRelay

    local_relay = FaultyRelay(token=TEST_TOKEN).start()
    try:
        yield local_relay
    finally:
        local_relay.stop()


@pytest.fixture
def client(relay):
    """A :class:`RelayClient` for :func:`relay` with short timeouts and quick retries."""
    from suno_desktop.relay.client import RelayClient
    from suno_desktop.retry_policy import FAST_RETRY

    with RelayClient(relay.api_url, TEST_TOKEN, timeout=(2, 2), retry=replace(FAST_RETRY, attempts=3)) as relay_client:
        yield relay_client


@pytest.fixture
def library(tmp_path):
    """An empty library in ``tmp_path / "Library"``, closed after the test."""
    from suno_desktop.library.store import Library

    with Library(tmp_path / "Library", create=True) as opened_library:
        yield opened_library


@pytest.fixture
def media_server():
    """The media server with the tests' request log and faults."""
    from fault_servers import FaultyMediaServer

    with FaultyMediaServer() as server:
        yield server


@pytest.fixture
def session():
    """The HTTP session the media downloads use."""
    from suno_desktop.media.download import make_media_session

    with make_media_session() as media_session:
        yield media_session


@pytest.fixture
def song_url(media_server):
    """The demo song, served by :func:`media_server`."""
    from suno_desktop.resources import resource_path

    return media_server.add("/media/song.mp3", resource_path("demo") / "song-1.mp3", "audio/mpeg")


@pytest.fixture
def make_window(qtbot, tmp_path, relay):
    """Make a shown :class:`MainWindow` on a new library, settings pointed at :func:`relay`; closed after the test."""
    from window_helpers import WAIT

    from suno_desktop.library.store import Library
    from suno_desktop.settings import Settings, SettingsStore
    from suno_desktop.ui.main_window import MainWindow

    windows = []

    def make(*, token=TEST_TOKEN, base_url=None, library_dir=None, jobs=4, retry_cap=0.0):
        store = SettingsStore(tmp_path / "config", use_keyring=False)
        settings = Settings(
            base_url=base_url or relay.api_url,
            token=token,
            jobs=jobs,
            poll_interval=0.05,
            library=str(library_dir or tmp_path / "Library"),
            retry_backoff=0.0,  # as many tries as the app makes, none of its waiting
            retry_cap=retry_cap,  # a Retry-After too: a test that means to honour one says how long
        )
        store.save(settings)
        window_library = Library(settings.library_dir, create=True)
        window = MainWindow(window_library, settings, store)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.load_library()
        qtbot.waitUntil(
            lambda: window.model.searchable and (window.proxy.rowCount() > 0 or window.empty_state.isVisible()),
            timeout=WAIT,
        )  # read
        windows.append((window, window_library))
        return window

    yield make
    for window, window_library in windows:
        window.close()
        window_library.close()


def pytest_sessionfinish(session, exitstatus):
    """Qt's offscreen platform crashes at exit if the clipboard still holds data we put there."""
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.clipboard().clear()


@pytest.fixture
def mp3(tmp_path):
    """A copy of a demo song (a real MP3) in ``tmp_path``."""
    from suno_desktop.resources import resource_path

    path = tmp_path / "song.mp3"
    shutil.copyfile(resource_path("demo", "song-1.mp3"), path)
    return path


@pytest.fixture
def mp4(tmp_path):
    """A copy of the demo video (a real MP4) in ``tmp_path``."""
    from suno_desktop.resources import resource_path

    path = tmp_path / "video.mp4"
    shutil.copyfile(resource_path("demo", "video-1.mp4"), path)
    return path
