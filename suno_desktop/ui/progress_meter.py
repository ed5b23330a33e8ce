"""A progress bar for the status bar that never repaints synchronously.

``QProgressBar.setValue`` calls ``repaint()``: 20–50 ms on the GUI thread here,
per call. This widget only stores the numbers and asks for a repaint, which Qt
merges with the rest of the frame.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOptionProgressBar, QStylePainter, QWidget


class ProgressMeter(QWidget):
    def __init__(self, text_format: str = "%v / %m", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._format = text_format
        self._value = 0
        self._maximum = 1
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_progress(self, value: int, maximum: int) -> None:
        value, maximum = max(0, value), max(1, maximum)
        if (value, maximum) != (self._value, self._maximum):
            self._value, self._maximum = value, maximum
            self.update()

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return self._maximum

    def text(self) -> str:
        return self._format.replace("%v", str(self._value)).replace("%m", str(self._maximum))

    def sizeHint(self) -> QSize:
        return QSize(180, max(18, self.fontMetrics().height() + 6))

    def paintEvent(self, _event) -> None:
        option = QStyleOptionProgressBar()
        option.initFrom(self)
        option.minimum, option.maximum, option.progress = 0, self._maximum, min(self._value, self._maximum)
        option.text = self.text()
        option.textVisible = True
        option.state |= QStyle.StateFlag.State_Horizontal
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_ProgressBar, option)
