"""Playlists as files, from the window: Export Playlist…, Export with Songs…, Import Playlist…, and a drag out.

The file work runs on the playlists' worker; what it did comes back as one sentence (``done``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ..errors import sentence_of
from ..library.m3u import entries_of, export_with_songs, match_entries, read_m3u, safe_file_name, write_m3u8
from ..library.playlists import Playlists
from ..library.store import Library
from ..model import ClipRecord
from .source_sidebar import Source
from .workers import WorkerPool

_LISTS = "Playlists (*.m3u8 *.m3u)"


class PlaylistFiles(QObject):
    """Writes and reads M3U8 lists for the window's playlists (see :mod:`..library.m3u`)."""

    done = Signal(str, bool)  # a sentence, and whether everything went well

    def __init__(self, owner, store: Playlists, artist: Callable[[], str], worker: WorkerPool) -> None:
        super().__init__(owner)
        self.owner, self.store, self.artist, self.worker = owner, store, artist, worker
        self.library: Library = store.library
        self._drag_folder: Path | None = None

    @property
    def _window(self) -> QWidget:
        return self.owner.window

    def _start_folder(self) -> str:
        music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
        return music if music and Path(music).is_dir() else str(Path.home())

    def _songs(self, source: Source) -> list[ClipRecord]:
        playlist = self.store.get(source.playlist.playlist_id) if source.playlist is not None else None
        return self.store.songs(playlist) if playlist is not None else []

    def export(self, source: Source) -> None:
        if source.playlist is None:
            self.done.emit("Choose a playlist in the sidebar to export it.", False)
            return
        suggested = str(Path(self._start_folder()) / f"{safe_file_name(source.label)}.m3u8")
        target, _ = QFileDialog.getSaveFileName(self._window, "Export Playlist", suggested, _LISTS)
        if target:
            self.worker.submit(self._write, source, Path(target), on_result=self._said, on_error=self._failed)

    def _write(self, source: Source, target: Path) -> tuple[str, bool]:
        entries, missing = entries_of(self.library, self._songs(source), self.artist())
        write_m3u8(target, entries)
        left_out = f"; {missing} song(s) without a file were left out" if missing else ""
        return f"Exported “{source.label}” ({len(entries)} song(s)) to {target}{left_out}.", True

    def export_with_songs(self, source: Source) -> None:
        if source.playlist is None:
            self.done.emit("Choose a playlist in the sidebar to export it.", False)
            return
        folder = QFileDialog.getExistingDirectory(self._window, "Export Playlist with Songs", self._start_folder())
        if folder:
            self.worker.submit(self._copy, source, Path(folder), on_result=self._said, on_error=self._failed)

    def _copy(self, source: Source, folder: Path) -> tuple[str, bool]:
        result = export_with_songs(self.library, self._songs(source), folder, source.label, artist=self.artist())
        missing = f" {result.missing} song(s) have no file to copy." if result.missing else ""
        return f"{result.files.summary()} {result.playlist_file.name} lists them.{missing}", not result.files.failed

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self._window, "Import Playlist", self._start_folder(), _LISTS)
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        self.worker.submit(self._import, Path(path), on_result=self._said, on_error=self._failed)

    def _import(self, path: Path) -> tuple[str, bool]:
        entries = read_m3u(path)
        match = match_entries(self.library, path, entries)
        if not match.clip_ids:
            return f"None of the {len(entries)} entries of {path.name} is a song of this library.", False
        playlist = self.store.create_free(path.stem)
        self.store.add(playlist, match.clip_ids)
        return f"Imported “{playlist.name}”: {match.summary(len(entries))}", True

    def list_for_drag(self, source: Source) -> Path | None:
        """A playlist's M3U8 with absolute paths (where it is dropped is not known), for a drag onto a folder."""
        records = self.owner.songs_of(source)
        entries, _ = entries_of(self.library, records, self.artist())
        if not entries:
            return None
        if self._drag_folder is None:
            self._drag_folder = Path(tempfile.mkdtemp(prefix="suno-desktop-playlists-"))
        path = self._drag_folder / f"{safe_file_name(source.label)}.m3u8"
        write_m3u8(path, entries, absolute=True)
        return path

    def _said(self, result: tuple[str, bool]) -> None:
        self.done.emit(*result)

    def _failed(self, exc: BaseException) -> None:
        self.done.emit(sentence_of(exc), False)
