"""The clip table model's side of a drag or a copy: the MP3 files of the rows that have them on disk."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt

from ..library.store import Library
from .clip_files_mime import CLIP_IDS_MIME, audio_files_of, files_mime


class FileDragSource:
    """Qt's drag methods for :class:`.clip_table_model.ClipTableModel`, mixed in ahead of QAbstractTableModel.

    Reads the model's ``library``, ``record(row)`` and ``files_on_disk(row)``; only clips
    have files: the rows that stand for a task or a submission give none.
    """

    library: Library | None

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list", CLIP_IDS_MIME]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        """The tagged MP3 files that are on disk: file URLs, and their plain paths as text; and the clips' ids.

        The ids let the sidebar's playlists take the clips (files or not).
        """
        rows = sorted({i.row() for i in indexes})
        mime = files_mime(self.audio_files(rows))
        ids = [record.clip_id for record in map(self.record, rows) if record is not None]
        if ids:
            mime.setData(CLIP_IDS_MIME, "\n".join(ids).encode())
        return mime

    def audio_files(self, rows: Iterable[int]) -> list[Path]:
        if self.library is None:
            return []
        clips = ((self.record(r), self.files_on_disk(r)) for r in sorted(set(rows)))
        return audio_files_of(self.library.root, [(record, files) for record, files in clips if record is not None])
