"""The clip table's proxy: the view's sorting and search, handed to the model, and big selections."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt

from ..library.query import QueryError
from ..library.query_select import Selector
from .clip_rows import CLIP_ID_ROLE, row_runs
from .clip_table_model import ClipTableModel

BIG_SELECTION_ROWS = 1000  # carried across sorts and searches by ClipFilterProxy itself


class _EveryRow:
    """Every row of the library selected (Ctrl+A with nothing hidden): noted without a set of every position."""


EVERY_ROW = _EveryRow()


class ClipFilterProxy(QSortFilterProxyModel):
    """The view's sorting and search; both are handed to the source model.

    A ``filterAcceptsRow`` or ``lessThan`` written in Python is called from C++ once
    per row or comparison, which costs tens of milliseconds at 50,000 rows before
    any matching is done. The model sorts its list with one key function and
    filters with one pass over its search texts; the proxy passes rows through.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self.selection_model: QItemSelectionModel | None = None  # see attach_selection
        #: the selected rows by position, those a search hides among them, and the positions_token they hold for
        self._noted: tuple[tuple, set[int] | _EveryRow] | None = None
        self._carrying = False  # the selection is being put back here: the user did not change it
        self._hidden_current: str | None = None  # the current row's id while a search hides it
        self._filter_text = ""  # the last query that could be read: what the table shows
        #: when each task was added (task id -> epoch seconds), which ``added:`` compares; read on a worker
        self.added_times: dict[str, float] = {}
        self.playlist_members: dict[str, frozenset[str]] = {}  # for playlist: (see set_playlist_members)

    def setSourceModel(self, model: ClipTableModel) -> None:
        super().setSourceModel(model)
        model.layout_guard = self._keeping_selection  # rows a sync moves into the sort order, Group Takes
        model.search_guard = self._search_keeping_selection  # a search typed before the words were read

    def attach_selection(self, selection_model: QItemSelectionModel) -> None:
        """The view's selection, carried by the proxy when it is big (see _keeping_selection)."""
        self.selection_model = selection_model
        selection_model.destroyed.connect(self._selection_destroyed)
        selection_model.selectionChanged.connect(self._selection_changed)
        selection_model.currentChanged.connect(self._current_changed)

    def _selection_changed(self) -> None:
        if not self._carrying:
            self._noted = None  # the user chose anew: what a search hid is chosen no more

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._carrying:
            self._hidden_current = None  # the user moved on

    @contextmanager
    def _carried(self) -> Iterator[None]:
        """The selection is taken down and put back here: the user did not change it."""
        self._carrying = True
        try:
            yield
        finally:
            self._carrying = False

    def _selection_destroyed(self) -> None:
        self.selection_model = None

    def set_filter_text(self, text: str) -> str | None:
        """Search for *text* (plain words or a query); returns the sentence of a query that cannot be read.

        A broken query (``rating:>=``, an unclosed parenthesis) leaves the table showing the
        last good query's rows, so that typing on through a half-written query never empties it.
        """
        text = text.strip()
        if text == self._filter_text:
            return None
        try:
            selector = Selector.of(text, added=self.added_times, playlists=self.playlist_members) if text else None
        except QueryError as exc:
            return str(exc)
        self._filter_text = text
        model: ClipTableModel = self.sourceModel()
        self._search_keeping_selection(lambda: model.set_filter(selector))
        return None

    def set_playlist_members(self, members: dict[str, frozenset[str]]) -> None:
        """What each playlist holds now; a search with ``playlist:`` is put again."""
        if members == self.playlist_members:
            return
        self.playlist_members = members
        text = self._filter_text
        if "playlist" in text.casefold():
            self._filter_text = ""
            self.set_filter_text(text)

    @property
    def filter_text(self) -> str:
        """The query the table shows the rows of (the last that could be read)."""
        return self._filter_text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model: ClipTableModel = self.sourceModel()
        if model.would_reorder(column, order):
            self._keeping_selection(lambda: model.sort(column, order))
        else:
            model.sort(column, order)

    def _selected(self) -> set | None:
        """The clip ids of a big selection; None for a small one, which Qt carries well itself.

        The ranges (each holding two persistent indexes) are dropped on return, so that the
        layout change does not have to move them.
        """
        ranges = self.selection_model.selection()
        if sum(r.height() for r in ranges) < BIG_SELECTION_ROWS:
            return None
        model: ClipTableModel = self.sourceModel()
        chosen: set = set()
        for selected in ranges:
            chosen.update(model.clip_ids_of_rows(selected.top(), selected.bottom()))
        return chosen

    def _noted_selection(self) -> set[int] | _EveryRow:
        """The positions of the selected rows, those the search hides among them, if no row moved since."""
        noted = self._noted
        model: ClipTableModel = self.sourceModel()
        return noted[1] if noted is not None and noted[0] == model.positions_token else set()

    def _every_row_selected(self, ranges) -> bool:
        """Whether the selection is every row of the library, noted so or shown (one range over all, none hidden)."""
        if self._noted_selection() is EVERY_ROW:
            return True
        model: ClipTableModel = self.sourceModel()
        rows = self.rowCount()
        return model.shows_every_row and len(ranges) == 1 and (ranges[0].top(), ranges[0].bottom()) == (0, rows - 1)

    def _keeping_selection(self, change: Callable[[], None]) -> None:
        """Run *change* (a layout change that moves rows: a sort), carrying a big selection across it.

        Across a layout change Qt's selection model keeps a persistent index for every
        selected cell and asks ``flags()`` of each: about a second after Ctrl+A at 50,000
        clips. A big selection is taken down, and put back as row ranges by clip id
        afterwards. The selected rows a search hides move along.
        """
        model: ClipTableModel = self.sourceModel()
        noted = self._noted_selection()
        noted = noted if noted is EVERY_ROW else model.ids_at(noted)
        selection = self.selection_model
        chosen = self._selected() if selection is not None else None
        with self._carried():
            if chosen is None:
                change()
            else:
                selection.clearSelection()
                change()
                self._select_rows(model.rows_of_clips(chosen))
        if noted is EVERY_ROW:
            self._noted = (model.positions_token, EVERY_ROW)  # a sort moves none out of "every row"
        else:
            self._noted = (model.positions_token, model.positions_of_ids(noted)) if noted else None

    def _search_keeping_selection(self, change: Callable[[], None]) -> None:
        """Run *change* (a search), keeping the selection and the current row (see _search_carrying_selection).

        A current row the search hides is current again when a later search shows it, unless the
        user chose another meanwhile: the detail pane, which shows the current row, follows it.
        """
        selection = self.selection_model
        current = selection.currentIndex() if selection is not None else QModelIndex()
        if current.isValid():
            self._hidden_current = self.clip_id(current.row())
        self._search_carrying_selection(change)
        if selection is None or self._hidden_current is None:
            return
        if selection.currentIndex().isValid():  # still shown
            self._hidden_current = None
            return
        row = self.sourceModel().row_of_few(self._hidden_current)  # (no index of every row made for one)
        if row is not None:
            with self._carried():
                selection.setCurrentIndex(self.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            self._hidden_current = None

    def _search_carrying_selection(self, change: Callable[[], None]) -> None:
        """Run *change* (a search: which rows are shown changes, none moves), keeping the selection.

        A search forgets no selected row: those it hides are noted and selected again when a
        later search shows them (until the user selects anew, or rows move). Typing after
        Ctrl+A keeps every row selected, one range Qt paints fast; rows a search brings back
        unselected would leave thousands of ranges, which Qt reads for every cell it paints.
        """
        selection = self.selection_model
        model: ClipTableModel = self.sourceModel()
        ranges = selection.selection() if selection is not None else []
        if selection is not None and self._every_row_selected(ranges):
            with self._carried():
                selection.clearSelection()
                change()
                self._select_rows(range(self.rowCount()))
            self._noted = None if model.shows_every_row else (model.positions_token, EVERY_ROW)
            return
        chosen = self._noted_selection()  # (taken over: noted again below)
        if selection is None or not (ranges or chosen):
            change()
            return
        for selected in ranges:
            chosen.update(model.positions_of_rows(selected.top(), selected.bottom()))
        with self._carried():
            selection.clearSelection()
            change()
            rows = model.rows_at_positions(chosen)
            self._select_rows(rows)
        self._noted = (model.positions_token, chosen) if len(rows) < len(chosen) else None  # some are hidden

    def _select_rows(self, rows) -> None:
        """Select *rows* (view rows, in order) as whole-row ranges, committed as Qt's own carrying would leave them."""
        selection = self.selection_model
        again = QItemSelection()
        for top, bottom in row_runs(rows):
            again.select(self.index(top, 0), self.index(bottom, 0))
        flags = QItemSelectionModel.SelectionFlag
        selection.select(again, flags.Select | flags.Rows)  # Qt widens each range to its rows, in C++
        # committed: a Shift+click then extends it, not replaces it
        selection.select(QItemSelection(), flags.Select)

    def multiData(self, index: QModelIndex, roles) -> None:
        # Qt's proxy would ask the model role by role (seven calls into Python per
        # cell); rows pass through unchanged (sorting and searching are the model's)
        self.sourceModel().fill_roles(index.row(), index.column(), roles)

    def clip_id(self, proxy_row: int) -> str:
        return self.data(self.index(proxy_row, 0), CLIP_ID_ROLE)

    def source_row(self, proxy_row: int) -> int:
        return self.mapToSource(self.index(proxy_row, 0)).row()

    def proxy_row_of(self, clip_id: str) -> int | None:
        source = self.sourceModel().row_of(clip_id)
        if source is None:
            return None
        index = self.mapFromSource(self.sourceModel().index(source, 0))
        return index.row() if index.isValid() else None
