"""Recording the plays the player counts: stored on a worker, then the row shows the new count and time."""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QObject

from ..library.store import Library
from ..playback.player import Player
from .clip_table_model import ClipTableModel
from .workers import WorkerPool


class PlayCounts(QObject):
    """Each play the player counts goes into the library (Library.record_play) and the table's row."""

    def __init__(
        self, player: Player, library: Library, model: ClipTableModel, workers: WorkerPool, parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self.library, self.model, self.workers = library, model, workers
        player.play_counted.connect(self.record)

    def record(self, clip_id: str) -> None:
        when = time.time()
        self.workers.submit(self.library.record_play, clip_id, when, on_result=lambda _: self._recorded(clip_id, when))

    def _recorded(self, clip_id: str, when: float) -> None:
        record = self.model.record_for(clip_id)
        if record is not None:
            self.model.upsert([replace(record, plays=record.plays + 1, last_played=when)])
