"""The window's status bar: passing messages on the left; the last error, sync progress and clip count on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from .progress_meter import ProgressMeter

MESSAGE_MS = 15_000
ERROR_MS = 30_000  # an error stays readable longer, and in its label until cleared


class WindowStatusBar(QStatusBar):
    """Says sentences for a while; keeps the last error in red until a new sync or the folder clears it."""

    def __init__(self, count_label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet("color: #d32f2f;")
        self.error_label.setMaximumWidth(520)
        self.progress = ProgressMeter("%v / %m clips")
        self.progress.setObjectName("syncProgress")
        self.progress.hide()
        self.count_label = count_label
        self.addPermanentWidget(self.error_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(count_label)

    def say(self, text: str) -> None:
        self.showMessage(text, MESSAGE_MS)

    def say_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setToolTip(text)
        self.showMessage(text, ERROR_MS)

    def clear_error(self) -> None:
        self.error_label.clear()

    def show_progress(self, done: int, total: int) -> None:
        """Clip jobs done of the batch; the meter hides itself once they all are."""
        self.progress.set_progress(done, total)
        self.progress.setVisible(done < total)
