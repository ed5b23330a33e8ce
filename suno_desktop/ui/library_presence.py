"""Noticing that the library folder went away (an unplugged drive) and came back.

The check runs on a worker: a stat of a dead network share can hang, and the GUI
thread must not. While the folder is away the window pauses syncing and says so;
nothing is marked missing, because nothing is known to be gone.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from ..library.store import Library, LibraryUnavailable
from .workers import WorkerPool

log = logging.getLogger(__name__)

CHECK_MS = 1500


class LibraryPresence(QObject):
    lost = Signal(str)  # a sentence naming the folder
    back = Signal()

    def __init__(self, library: Library, pool: WorkerPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.pool = pool
        self.available = True
        self._checking = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check_now)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check_now(self) -> None:
        if self._checking:
            return
        self._checking = True
        self.pool.submit(self._check, on_result=self._checked, on_error=self._check_failed)

    def _check_failed(self, exc: BaseException) -> None:
        """The check itself broke (not a missing folder): say so in the log, keep what was known."""
        log.error("checking the library folder %s failed", self.library.root, exc_info=exc)
        self._checking = False

    def _check(self) -> str | None:  # on a worker
        try:
            self.library.check_available()
        except LibraryUnavailable as exc:
            return str(exc)
        return None

    def _checked(self, problem: str | None) -> None:
        self._checking = False
        if problem is not None and self.available:
            self.available = False
            self.lost.emit(
                f"The library folder {self.library.root} is not available (was its drive unplugged or "
                "the folder moved?). Syncing is paused and nothing is marked missing; it carries on by "
                "itself when the folder is back."
            )
        elif problem is None and not self.available:
            self.available = True
            self.back.emit()
