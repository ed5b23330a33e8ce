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

DEFAULT_SIZE = (1440, 820)  # the sidebar, the default columns and the detail pane side by side
DEFAULT_SPLIT = [190, 900, 380]  # the sources, the table, and a detail pane that fits a cover


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
            self.window.resize(*self._first_size())
        if not state.contains("window/panes"):  # (the splitter before the sidebar had two panes)
            self.splitter.setSizes(DEFAULT_SPLIT)
        geometry = state.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        splitter = state.value("window/panes")
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

    def _first_size(self) -> tuple[int, int]:
        """The first start's size, within the screen's free area (a 1366×768 laptop, a 1200-wide screen)."""
        screen = self.window.screen()
        if screen is None:
            return DEFAULT_SIZE
        free = screen.availableGeometry()
        return min(DEFAULT_SIZE[0], free.width() - 40), min(DEFAULT_SIZE[1], free.height() - 60)

    def _apply_saved_sort(self) -> None:
        """The rows take the restored sort: restoring the header only draws its arrow."""
        section, order = self.header.sortIndicatorSection(), self.header.sortIndicatorOrder()
        if 0 <= section < self.header.count() and self.header.model() is not None:
            self.header.model().sort(section, order)

    def save(self) -> None:
        state = window_state()
        state.setValue("window/geometry", self.window.saveGeometry())
        state.setValue("window/panes", self.splitter.saveState())  # with the sidebar collapsed or not
        state.setValue("window/columns", self.header.saveState())
        state.setValue("player/volume", self.player.volume)
        state.sync()
