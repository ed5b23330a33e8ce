"""Where each row of the clip table is, by row id: kept through sorts without building a new dict each time."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable


class RowPositions:
    """Row id -> position in the model's lists; a sort permutes the positions lazily.

    A dict of 100,000 ids built anew cost ~20 ms of every sort. A sort instead notes where
    each position went (a list, made in C) and lookups go through it; a change of single
    rows (a sync) settles the dict first, once.
    """

    __slots__ = ("_moved", "_of")

    def __init__(self, positions: dict[str, int] | None = None) -> None:
        self._of: dict[str, int] = positions if positions is not None else {}
        self._moved: list[int] | None = None  # the new position of each position in _of, since the last settle

    def get(self, row_id: str, default: int | None = None) -> int | None:
        pos = self._of.get(row_id)
        if pos is None:
            return default
        return pos if self._moved is None else self._moved[pos]

    def __getitem__(self, row_id: str) -> int:
        pos = self._of[row_id]
        return pos if self._moved is None else self._moved[pos]

    def positions_of(self, row_ids: Iterable[str]) -> list[int]:
        """The positions of *row_ids*, all of which must be here, made in C."""
        positions = map(self._of.__getitem__, row_ids)
        return list(positions if self._moved is None else map(self._moved.__getitem__, positions))

    def __contains__(self, row_id: object) -> bool:
        return row_id in self._of

    def __len__(self) -> int:
        return len(self._of)

    def permute(self, order: list[int]) -> None:
        """The rows were put in *order* (old positions, a permutation of all of them)."""
        new_of_old = [0] * len(order)
        deque(map(new_of_old.__setitem__, order, range(len(order))), maxlen=0)  # in C
        self._moved = new_of_old if self._moved is None else list(map(new_of_old.__getitem__, self._moved))

    def update(self, pairs: Iterable[tuple[str, int]]) -> None:
        self._settled().update(pairs)

    def __setitem__(self, row_id: str, pos: int) -> None:
        self._settled()[row_id] = pos

    def __delitem__(self, row_id: str) -> None:
        del self._settled()[row_id]

    def _settled(self) -> dict[str, int]:
        if self._moved is not None:
            moved = self._moved
            self._of = dict(zip(self._of.keys(), map(moved.__getitem__, self._of.values())))
            self._moved = None
        return self._of
