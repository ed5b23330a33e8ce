"""Rating the selected clips: Ctrl+0…Ctrl+5, the Rate ▸ menu, the stars of the table and the detail pane.

The rating is stored on a worker (never a database write on the GUI thread), then the
rows show it and the sync re-tags the clips' files (``retag``), so other players read it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QWidget

from ..errors import sentence_of
from ..library.store import Library
from ..model import MAX_STARS
from .clip_table import ClipTable
from .rating_cells import star_text
from .window_actions import make_action
from .workers import WorkerPool


def rating_label(stars: int) -> str:
    return "No Rating" if stars == 0 else f"{star_text(stars)}  {stars} Star{'s' if stars > 1 else ''}"


class RatingActions(QObject):
    """One action per rating (0 clears) for the selection, and rating given clips from the stars."""

    message = Signal(str)  # a sentence for the status bar
    error = Signal(str)  # a sentence the user must not miss
    rated = Signal(list)  # clip ids whose rows now show their new rating

    def __init__(
        self,
        owner: QWidget,
        library: Library,
        table: ClipTable,
        workers: WorkerPool,
        retag: Callable[[list[str]], None],
    ) -> None:
        super().__init__(owner)
        self.library, self.table, self.workers, self.retag = library, table, workers, retag
        action = functools.partial(make_action, owner)
        self.actions = [
            action(
                rating_label(stars),
                None,
                f"Ctrl+{stars}",
                functools.partial(self.rate_selected, stars),
                tip="Clear the rating of the selected songs" if stars == 0 else f"Rate the selected songs {stars}",
                name=f"rate{stars}Action",
            )
            for stars in range(MAX_STARS + 1)
        ]
        table.view.rate_requested.connect(self.rate)

    def update_for_selection(self) -> None:
        """Rating asks for a selection (Ctrl+0…5 with nothing selected would do nothing, silently)."""
        selected = self.table.view.selectionModel().hasSelection()  # not selectedRows(): 50,000 after Ctrl+A
        for action in self.actions:
            action.setEnabled(selected)

    def menu(self, parent: QWidget | None = None) -> QMenu:
        """Rate ▸ No Rating, 1-5 stars."""
        menu = QMenu("Rate", parent)
        menu.setObjectName("rateMenu")
        menu.addAction(self.actions[0])
        menu.addSeparator()
        menu.addActions(self.actions[1:])
        return menu

    def rate_selected(self, stars: int) -> None:
        clip_ids = [record.clip_id for record in self.table.view.selected_records()]
        if clip_ids:
            self.rate(clip_ids, stars)

    def rate(self, clip_ids: list[str], stars: int) -> None:
        """Store *stars* for the clips on a worker; then their rows show it and their files are re-tagged."""
        clip_ids = [c for c in clip_ids if self.table.model.record_for(c) is not None]
        if not clip_ids:
            return
        self.workers.submit(
            self.library.set_rating,
            clip_ids,
            stars,
            on_result=lambda _: self._stored(clip_ids, stars),
            on_error=lambda exc: self.error.emit(f"The rating could not be saved: {sentence_of(exc)}"),
        )

    def _stored(self, clip_ids: list[str], stars: int) -> None:
        model = self.table.model
        records = [model.record_for(c) for c in clip_ids]
        model.upsert([replace(r, rating=stars) for r in records if r is not None])
        self.rated.emit(clip_ids)
        self.retag(clip_ids)
        what = "Cleared the rating of" if stars == 0 else f"Rated {star_text(stars)}:"
        self.message.emit(f"{what} {len(clip_ids)} song(s).")
