"""What plays next: the table's rows in the order the user sees them, skipping clips not on disk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QObject, Signal

from ..playback.player import Player
from .clip_filter_proxy import ClipFilterProxy
from .clip_table_model import ClipTableModel
from .clip_table_view import ClipTableView
from .play_order import PlayOrder, RepeatMode


class PlayQueue(QObject):
    """Play, Play/Pause, Next and Previous over the table's current sorted, filtered order.

    There is no queue of its own: the view is the queue, so sorting or searching
    changes what comes next, the way a music library's list does.
    """

    message = Signal(str)  # a sentence for the status bar

    def __init__(
        self,
        player: Player,
        model: ClipTableModel,
        proxy: ClipFilterProxy,
        table: ClipTableView,
        library_root: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.player = player
        self.model = model
        self.proxy = proxy
        self.table = table
        self.library_root = library_root
        self.order = PlayOrder()  # shuffle and repeat (play_order.py)
        self._current_at_start: str | None = None  # the table's current clip when the playing song started
        player.finished.connect(self.play_after_end)
        player.current_changed.connect(self._song_started)
        player.current_changed.connect(self._mark_playing)
        player.playing_changed.connect(self._mark_playing)

    def play_after_end(self, clip_id: str) -> None:
        """A song ended: the same again (Repeat One), the next, wrapping around only with Repeat All.

        The table's current row follows to the next song, unless the user moved it since the song started.
        """
        follow = self._table_clip() in (self._current_at_start, clip_id)
        if self.order.repeat is RepeatMode.ONE and clip_id:
            self.play_clip(clip_id)
        else:
            self.play_next(1, wrap=self.order.repeat is RepeatMode.ALL)
        playing = self.player.current_clip_id
        if follow and playing and playing != clip_id:
            self._make_current(playing)

    def _mark_playing(self, *_args) -> None:
        self.model.set_playing(self.player.current_clip_id, self.player.is_playing)

    def _table_clip(self) -> str | None:
        index = self.table.currentIndex()
        return self.proxy.clip_id(index.row()) if index.isValid() else None

    def _song_started(self, _clip_id: str) -> None:
        self._current_at_start = self._table_clip()

    def _make_current(self, clip_id: str) -> None:
        row = self.proxy.proxy_row_of(clip_id)
        if row is None:
            return
        index = self.proxy.index(row, max(0, self.table.currentIndex().column()))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)
        self._current_at_start = clip_id

    def stop(self) -> None:
        self.player.stop()

    def play_clip(self, clip_id: str) -> None:
        record = self.model.record_for(clip_id)
        row = self.model.row_of(clip_id)
        if record is None or row is None:
            return
        if not record.audio_path or not self.model.files_on_disk(row)[0]:
            self.message.emit(f"“{record.title or 'Untitled'}” is not downloaded yet.")
            return
        self.player.play(clip_id, self.library_root / record.audio_path, record.title)

    def play_pause(self) -> None:
        """Pause or resume what plays; with nothing loaded, play the current row (or the first)."""
        if self.player.current_clip_id:
            self.player.toggle()
            return
        index = self.table.currentIndex()
        if index.isValid():
            self.play_clip(self.proxy.clip_id(index.row()))
        elif self.proxy.rowCount():
            self.play_next(1)

    def play_next(self, step: int, *, wrap: bool = True) -> None:
        """Next (*step* 1) or previous (-1) playable clip; without *wrap*, stop at the end."""
        count = self.proxy.rowCount()
        if not count:
            return
        if self.order.shuffle:
            self._play_shuffled(step, wrap)
            return
        current = self.proxy.proxy_row_of(self.player.current_clip_id) if self.player.current_clip_id else None
        row = current if current is not None else (-1 if step > 0 else count)
        for _ in range(count):
            row += step
            if not 0 <= row < count:
                if not wrap:
                    self.player.stop()
                    return
                row %= count
            source = self.proxy.source_row(row)
            if self.model.files_on_disk(source)[0]:
                self.play_clip(self.model.record(source).clip_id)
                return

    def _play_shuffled(self, step: int, wrap: bool) -> None:
        playable = [
            self.model.record(source).clip_id
            for source in map(self.proxy.source_row, range(self.proxy.rowCount()))
            if self.model.files_on_disk(source)[0]
        ]
        clip_id = self.order.shuffled(playable, self.player.current_clip_id, step, wrap=wrap)
        if clip_id:
            self.play_clip(clip_id)
        else:
            self.player.stop()
