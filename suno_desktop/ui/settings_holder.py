"""The settings in force, in one place: the window's parts read them here and hear when they change."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..settings import Settings, SettingsStore


class SettingsHolder(QObject):
    """The current :class:`Settings`, and the store they are saved to (``None`` in demo mode: nothing is saved).

    Parts keep this object instead of a copy of the settings, so a change made in
    one place (the Settings dialog, a model name typed in New Song) is the one all
    of them read, without any of them holding the window.
    """

    changed = Signal(object)  # the new Settings

    def __init__(self, settings: Settings, store: SettingsStore | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current = settings
        self.store = store

    @property
    def current(self) -> Settings:
        return self._current

    def replace(self, settings: Settings) -> None:
        """These settings are in force from now on (saving them is the caller's choice)."""
        self._current = settings
        self.changed.emit(settings)
