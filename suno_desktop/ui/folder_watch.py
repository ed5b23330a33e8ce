"""Notices files changed in the library's folders by someone else, and says so once they settle."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import SIGNAL, SLOT, QFileSystemWatcher, QObject, QTimer, Signal

from ..model import ClipRecord

SETTLE_MS = 400  # a copy or a move touches a folder many times
WHILE_SYNCING_MS = 1500  # our own downloads change the folders: look once they are done


class FolderWatch(QObject):
    """Watches the library folder and every folder a clip's files are in.

    ``changed`` is emitted once the folders have been quiet for a moment, and not
    while a sync is writing files itself (see :meth:`set_syncing`).
    """

    changed = Signal()

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.syncing = False
        self._watcher = QFileSystemWatcher(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        # C++ to C++: a sync changes the folders thousands of times, and a Python slot
        # would take the GIL on the GUI thread for each of them
        for changed in (SIGNAL("directoryChanged(QString)"), SIGNAL("fileChanged(QString)")):
            QObject.connect(self._watcher, changed, self._settle, SLOT("start()"))

    def watch(self, records: list[ClipRecord]) -> None:
        """Watch the root and the folders of *records*' files (new ones only; none is dropped)."""
        self.watch_folders(record_folders(records))

    def watch_folders(self, subfolders: set[str]) -> None:
        """Watch the root and these folders of the library (relative; found on a worker by :func:`record_folders`)."""
        root = str(self.root)
        folders = {root} | {os.path.join(root, folder) for folder in subfolders}
        missing = [f for f in folders - set(self._watcher.directories()) if os.path.isdir(f)]
        if missing:
            self._watcher.addPaths(missing)

    def folders(self) -> list[str]:
        return self._watcher.directories()

    def set_syncing(self, syncing: bool) -> None:
        """The controller's busy state, from its ``busy_changed`` signal."""
        self.syncing = syncing

    def _settled(self) -> None:
        if self.syncing:
            self._settle.start(WHILE_SYNCING_MS)  # start(ms) keeps ms as the interval: set back below
            return
        self._settle.setInterval(SETTLE_MS)
        self.changed.emit()


def record_folders(records: list[ClipRecord]) -> set[str]:
    """The library's subfolders that hold *records*' files (~50 ms at 100,000 clips: for a worker)."""
    return {
        os.path.dirname(relative)
        for record in records
        for relative in (record.audio_path, record.cover_path, record.video_path)
        if relative and "/" in relative
    }
