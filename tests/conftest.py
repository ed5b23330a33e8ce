"""Fixtures shared by every test: a local relay (with its media server) and a client for it."""

from __future__ import annotations

import os

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

    with RelayClient(relay.api_url, TEST_TOKEN, timeout=(2, 2), retries=2, backoff=0.01) as relay_client:
        yield relay_client


def pytest_sessionfinish(session, exitstatus):
    """Qt's offscreen platform crashes at exit if the clipboard still holds data we put there."""
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.clipboard().clear()
