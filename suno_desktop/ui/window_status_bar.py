"""The status bar: passing messages and the last error on the left; sync progress and clip count on the right."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QMessageBox, QStatusBar, QWidget

from .progress_meter import ProgressMeter

MESSAGE_MS = 15_000
#: the error's red on a light bar and on a dark one: over 4.5:1 against either (WCAG's figure for text)
ERROR_ON_LIGHT, ERROR_ON_DARK = QColor("#c62828"), QColor("#ff7961")


class ErrorLine(QLabel):
    """The last error, once: as much as fits on the line, all of it in the tooltip and on a click.

    ``text()`` is the whole sentence; only the painting shortens it, so a narrow
    window shows "The relay at … could not be reached…" instead of pushing the
    clip count off the bar.
    """

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorLabel")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(f"{text}\n\nClick to see it in a window you can copy from." if text else "")

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        painter.setPen(ERROR_ON_DARK if dark else ERROR_ON_LIGHT)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), shown)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.text():
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class WindowStatusBar(QStatusBar):
    """Says sentences for a while; keeps the last error, once and in red, until a new sync or the folder clears it.

    The error is the bar's normal widget: a passing message covers it for a
    while, then it shows again; it is never said twice side by side.
    """

    def __init__(self, count_label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.error_label = ErrorLine()
        self.error_label.clicked.connect(self.show_error_details)
        self.error_details: QMessageBox | None = None
        self.progress = ProgressMeter("%v / %m clips")
        self.progress.setObjectName("syncProgress")
        self.progress.hide()
        self.count_label = count_label
        self.addWidget(self.error_label, 1)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(count_label)

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

    def say_error(self, text: str) -> None:
        """The error replaces the message shown, so it is seen at once, and stays."""
        self.clearMessage()
        self.error_label.setText(text)

    def clear_error(self) -> None:
        self.error_label.setText("")

    def show_error_details(self) -> QMessageBox:
        """The whole sentence, selectable, in a small window."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Last error", self.error_label.text(), parent=self.window())
        box.setObjectName("errorDetails")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.error_details = box
        box.open()
        return box

    def show_progress(self, done: int, total: int) -> None:
        """Clip jobs done of the batch; the meter hides itself once they all are."""
        self.progress.set_progress(done, total)
        self.progress.setVisible(done < total)
