"""The clip table model's sorting, handed to it by the proxy, and Group Takes (see :mod:`.take_groups`).

A sort orders positions by a list of keys made once (:func:`.clip_rows.sort_keys`),
so that Python's sort compares in C: a key function called per row cost half of a
sort at 100,000 clips. Only the lists of positions take the new order (see
:mod:`.row_lists`). Rows a sync adds or changes are moved into place one by one.
"""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter

from PySide6.QtCore import Qt

from .clip_rows import COL_NUMBER, sort_key, sort_keys
from .row_lists import in_order, index_of, move_into_order
from .take_groups import group_breaks, group_lists, grouped_order, move_groups_into_order

DESC = Qt.SortOrder.DescendingOrder
_OUTSIDE = 1 << 40  # the # of a row outside the source shown (hidden anyway)


class TableSorting:
    """The sorting half of :class:`~.clip_table_model.ClipTableModel`, which holds the lists it orders.

    ``_sort`` is the column and order in force (None: the order rows arrived in), and
    ``_sorted_at`` the column, order and version of the rows when they were last put in it.
    """

    _group_takes = False  # a task's takes kept together (View → Group Takes)
    #: (version, each position's group, its take) as of the last grouped sort
    _groups: tuple[int, list[int], list[int]] | None = None
    _numbers: dict[str, int] = {}  # see TableSearch.set_source

    def would_reorder(self, column: int, order: Qt.SortOrder) -> bool:
        """False when the rows are already in this order: QTableView.sortByColumn asks twice."""
        return column >= 0 and (column, order, self._version) != self._sorted_at

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # "unsorted": keep the order rows arrived in
            self._sort = None
            return
        if not self.would_reorder(column, order):
            return
        self._sort = (column, order)
        self._change_layout(lambda: self._put_in_order(self._sort_order(column, order)))
        self._sorted_at = (column, order, self._version)

    def _put_in_order(self, order: list[int]) -> None:
        """Show the rows in *order* (every position): the rows shown stay those shown."""
        self._moves += 1
        self._order = order
        self._set_shown(in_order(order, self._shown, len(self._rows)))

    @property
    def group_takes(self) -> bool:
        return self._group_takes

    def set_group_takes(self, grouped: bool) -> None:
        """Keep each task's takes together (or not) from now on; a sorted table is sorted again at once.

        An unsorted table keeps the order the library gave, which already holds a task's takes together.
        """
        if grouped == self._group_takes:
            return
        self._group_takes = grouped
        if self._sort is not None:
            column, order = self._sort
            reorder = lambda: self._put_in_order(self._sort_order(column, order))  # noqa: E731
            self.layout_guard(lambda: self._change_layout(reorder))
            self._sorted_at = (column, order, self._version)

    def _sort_order(self, column: int, order: Qt.SortOrder) -> list[int]:
        """The positions of the rows in sort order: stable, equal rows keeping the order they are shown in."""
        if column == COL_NUMBER:  # the playlist's order
            keys = list(map(self._numbers.get, map(attrgetter("row_id"), self._rows), repeat(_OUTSIDE)))
        else:
            keys = sort_keys(column, self._rows, self._on_disk)
        # the rows as shown now: equal ones keep the order the last sort left them in (Title, then Created)
        ranked = sorted(self._order, key=keys.__getitem__, reverse=order == DESC)
        if not self._group_takes:
            return ranked
        cached = self._groups
        if cached is None or cached[0] != self._version or len(cached[1]) != len(self._rows):
            cached = self._groups = (self._version, *group_lists(self._rows))  # the rows never move: kept per version
        return grouped_order(ranked, cached[1], cached[2])

    def _key_at(self, pos: int):
        return None if self._sort is None else self._key_function(self._sort[0])(pos)

    def _key_function(self, column: int):
        if column == COL_NUMBER:
            rows, numbers = self._rows, self._numbers
            return lambda i: numbers.get(rows[i].row_id, _OUTSIDE)
        return sort_key(column, self._rows, self._on_disk)

    def _keep_sorted(self, clip_ids: list[str]) -> None:
        """Move new and changed clips to their places in the sort (the others are still in order)."""
        if self._sort is None or not clip_ids:
            return
        column, order = self._sort
        positions = {self._position_of[c] for c in clip_ids if c in self._position_of}

        def move() -> None:
            self._moves += 1
            where = index_of(self._order, len(self._rows))
            displaced = sorted(map(where.__getitem__, positions))
            key = self._key_function(column)
            if self._group_takes:
                size_of = lambda group: max(1, self._tally.takes(group))  # noqa: E731
                move_groups_into_order(self._order, self._rows, displaced, key, size_of, descending=order == DESC)
            else:
                move_into_order(self._order, displaced, key, descending=order == DESC)
            self._set_shown(in_order(self._order, self._shown, len(self._rows)))

        if positions:
            self.layout_guard(lambda: self._change_layout(move))
        self._sorted_at = (column, order, self._version)

    def group_breaks(self, first: int, last: int) -> list[int]:
        """The rows from *first* to *last* that begin another task than the row above (Group Takes' separators)."""
        last = min(last, len(self._shown) - 1)
        return group_breaks(self._rows, self._shown, first, last) if 0 <= first <= last else []
