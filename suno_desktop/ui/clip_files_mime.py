"""What a copy or a drag of clips hands over: the MP3 files, as file URLs and as plain paths."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QMimeData, QUrl

from ..model import ClipRecord
from .clip_rows import Files

#: the clip ids a drag from the clip table carries (one a line), beside its files: the sidebar's playlists take them
CLIP_IDS_MIME = "application/x-suno-desktop-clip-ids"


def files_mime(paths: Iterable[Path]) -> QMimeData:
    """``text/uri-list`` for file managers and DAWs, plain paths (one a line) as the text.

    Without a text of its own, Qt would offer the percent-encoded ``file://`` URLs as
    the text, which is not what pasting into a terminal or a chat should give.
    """
    paths = list(paths)
    mime = QMimeData()
    if paths:  # (an empty URL list would still offer files, and text, to whoever it is dropped on)
        mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
        mime.setText("\n".join(str(path) for path in paths))
    return mime


def audio_files_of(root: Path, rows: Iterable[tuple[ClipRecord, Files]]) -> list[Path]:
    """The MP3 files of *rows* that are on disk (one stat each: only for what the user copies or drags)."""
    files = []
    for record, on_disk in rows:
        if record.audio_path and on_disk[0]:
            path = root / record.audio_path
            if path.is_file():
                files.append(path)
    return files
