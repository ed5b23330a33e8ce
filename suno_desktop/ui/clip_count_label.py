"""The status bar's count of clips: how many the search shows, of how many, tasks without songs, unconfirmed ones."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from .clip_filter_proxy import ClipFilterProxy
from .clip_table_model import ClipTableModel


class ClipCountLabel(QLabel):
    """Keeps itself up to date from the proxy's signals.

    A fetch inserts rows in many small runs: the count is redrawn once, after them.
    """

    def __init__(self, model: ClipTableModel, proxy: ClipFilterProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countLabel")
        self.model = model
        self.proxy = proxy
        self._after_rows = QTimer(self)
        self._after_rows.setSingleShot(True)
        self._after_rows.timeout.connect(self.recount)
        proxy.rowsInserted.connect(self._after_rows.start)
        proxy.rowsRemoved.connect(self._after_rows.start)
        proxy.modelReset.connect(self.recount)
        proxy.layoutChanged.connect(self.recount)  # sorted, searched, task rows replaced, removed

    def recount(self) -> None:
        tasks, unconfirmed = self.model.task_row_count(), self.model.submission_row_count()
        clips = self.model.clip_count()
        # clips in both: task and submission rows are counted apart, searching or not
        parts = [f"{self.model.shown_clip_count()} of {clips} clips" if self.model.filtered else f"{clips} clips"]
        if tasks:
            parts.append(f"{tasks} task(s) without songs")
        if unconfirmed:
            parts.append(f"{unconfirmed} unconfirmed")
        self.setText(" · ".join(parts))
