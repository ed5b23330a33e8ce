"""What the user is told of an error, by its kind: the status bar's error line, and a dialog for what they must fix."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from .. import APP_NAME
from ..errors import ErrorKind
from .library_presence import LibraryPresence
from .window_status_bar import WindowStatusBar

#: errors the user must act on: said in a dialog too, not only in the status bar
DIALOG_ERRORS = {ErrorKind.AUTH, ErrorKind.CONFIGURATION, ErrorKind.LIBRARY, ErrorKind.DISK_FULL}
#: errors fixed in Settings: their dialog offers to open them
SETTINGS_ERRORS = {ErrorKind.AUTH, ErrorKind.CONFIGURATION}


class ErrorReports(QObject):
    """Tells the user of one error (an :class:`ErrorKind` and its sentence), the way its kind asks for.

    A library folder that went away is the banner's: the presence check says so,
    and says when it is back. Any other error stays in the status bar's error line;
    one the user must act on opens a dialog over *owner* as well (one at a time).
    """

    settings_requested = Signal()  # the dialog's Open Settings

    def __init__(self, owner: QWidget, status: WindowStatusBar, presence: LibraryPresence) -> None:
        super().__init__(owner)
        self.owner, self.status, self.presence = owner, status, presence
        self.dialog: QMessageBox | None = None

    def report(self, kind: ErrorKind, sentence: str) -> None:
        """Say *sentence* where its *kind* belongs."""
        if kind == ErrorKind.LIBRARY:
            self.presence.check_now()
            self.status.say(sentence)
            return
        self.status.say_error(sentence)
        if kind in DIALOG_ERRORS and self.owner.isVisible():
            self._open_dialog(kind, sentence)

    def _open_dialog(self, kind: ErrorKind, sentence: str) -> None:
        if self.dialog is not None:
            self.dialog.close()
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, sentence, QMessageBox.StandardButton.Ok, self.owner)
        box.setObjectName("errorDialog")
        if kind in SETTINGS_ERRORS:
            settings = box.addButton("Open Settings", QMessageBox.ButtonRole.ActionRole)
            box.buttonClicked.connect(lambda button: button is settings and self.settings_requested.emit())
        self.dialog = box
        box.open()
