"""What the window looks like between runs: geometry, splitter, columns, colour scheme, volume.

Kept in ``window.ini`` beside the settings file, apart from the settings the user edits.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from ..playback.player import Player
from ..settings import config_dir
from .table_columns import apply_column_modes
from .theme import ColorScheme

DEFAULT_SIZE = (1280, 800)
DEFAULT_SPLIT = [900, 380]  # the table beside a detail pane that fits a cover


def window_state() -> QSettings:
    """Window geometry and column layout, beside the app's settings file."""
    return QSettings(str(config_dir() / "window.ini"), QSettings.Format.IniFormat)


class WindowLayout:
    """Restores and saves the layout of one window; the colour scheme is the window's to apply."""

    def __init__(self, window: QMainWindow, splitter: QSplitter, header: QHeaderView, player: Player) -> None:
        self.window = window
        self.splitter = splitter
        self.header = header
        self.player = player

    def restore(self) -> ColorScheme:
        """Put back what was saved; the colour scheme to apply (the system's the first time)."""
        state = window_state()
        if not state.contains("window/geometry"):
            self.window.resize(*DEFAULT_SIZE)
            self.splitter.setSizes(DEFAULT_SPLIT)
        geometry = state.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        splitter = state.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = state.value("window/columns")
        if isinstance(header, QByteArray):
            self.header.restoreState(header)
            self.header.setSortIndicatorShown(True)
            apply_column_modes(self.header)  # a header saved by an older version had other modes
            self._apply_saved_sort()
        volume = state.value("player/volume")
        if volume is not None:
            self.player.set_volume(int(volume))
        return ColorScheme.saved(state.value("view/colorScheme"))

    def _apply_saved_sort(self) -> None:
        """The rows take the restored sort: restoring the header only draws its arrow."""
        section, order = self.header.sortIndicatorSection(), self.header.sortIndicatorOrder()
        if 0 <= section < self.header.count() and self.header.model() is not None:
            self.header.model().sort(section, order)

    def save(self) -> None:
        state = window_state()
        state.setValue("window/geometry", self.window.saveGeometry())
        state.setValue("window/splitter", self.splitter.saveState())
        state.setValue("window/columns", self.header.saveState())
        state.setValue("player/volume", self.player.volume)
        state.sync()
