"""What the clip table's proxy reads to carry a selection across a search or a sort: rows by position.

A row's position in the model's lists changes only when rows are removed (see
:mod:`.row_lists`), so a selection noted by positions outlives a search that hides some.
"""

from __future__ import annotations

from collections.abc import Sequence

from .table_rows import TableRow


class RowsByPosition:
    """The position half of :class:`~.clip_table_model.ClipTableModel`'s access, which holds the lists it reads."""

    _rows: list[TableRow]
    _shown: list[int]
    _position_of: dict[str, int]
    _version = 0
    _moves = 0

    def clip_ids_of_rows(self, first: int, last: int) -> list[str]:
        rows = self._rows
        return [rows[pos].row_id for pos in self._shown[first : last + 1]]

    def positions_of_rows(self, first: int, last: int) -> list[int]:
        """Where rows *first* to *last* are in the library's list (what a search leaves in place)."""
        return self._shown[first : last + 1]

    def rows_at_positions(self, positions: set[int]) -> Sequence[int]:
        """The rows, in order, of those of *positions* that are shown: all of them, as a range, when all are."""
        if positions.issuperset(self._shown):
            return range(len(self._shown))
        return [row for row, pos in enumerate(self._shown) if pos in positions]

    @property
    def shows_every_row(self) -> bool:
        return len(self._shown) == len(self._rows)

    @property
    def positions_token(self) -> tuple[int, int]:
        """Equal as long as every row keeps its position (a search moves none)."""
        return self._version, self._moves

    def ids_at(self, positions: set[int]) -> set[str]:
        rows = self._rows
        return {rows[pos].row_id for pos in positions}

    def positions_of_ids(self, row_ids: set[str]) -> set[int]:
        position_of = self._position_of
        return {position_of[row_id] for row_id in row_ids if row_id in position_of}

    def rows_of_clips(self, clip_ids: set[str]) -> list[int]:
        """The rows, in order, of those of *clip_ids* that are shown."""
        rows = self._rows
        return [row for row, pos in enumerate(self._shown) if rows[pos].row_id in clip_ids]
