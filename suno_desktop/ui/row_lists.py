"""The clip table's display order: lists of positions in the model's rows, which never move for a sort.

The model keeps its rows (and their files, texts and words) in the order the library gave
them, new ones appended; a sort or a search only makes lists of positions in that list.
Putting three lists of 100,000 rows in a new order cost a third of a sort, and a pass over
texts scattered about the memory (a sorted table's) doubled a keystroke's search.
Plain lists and positions, no Qt: the model wraps each change in the signals Qt needs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterable, Sequence
from itertools import compress, repeat
from typing import Any


def in_order(order: list[int], positions: Collection[int], size: int) -> list[int]:
    """*positions* (of *size* rows) as they come in *order* (every position once), made in C.

    *positions* holding every row is *order* itself (copied).
    """
    if len(positions) == size:
        return list(order)
    mask = bytearray(size)
    deque(map(mask.__setitem__, positions, repeat(1)), maxlen=0)
    return list(compress(order, map(mask.__getitem__, order)))


def ascending(positions: Collection[int], size: int) -> Sequence[int]:
    """*positions* (of *size* rows) from the first row of the list to the last: the order their texts are in memory."""
    return range(size) if len(positions) == size else sorted(positions)


def index_of(order: Iterable[int], size: int) -> list[int]:
    """Where each of *size* positions is in *order* (its index there), -1 for those it leaves out; made in C."""
    where = [-1] * size
    deque(map(where.__setitem__, order, range(size)), maxlen=0)
    return where


def move_into_order(
    order: list[int], displaced: list[int], key: Callable[[int], Any], *, descending: bool = False
) -> None:
    """Move the entries at *displaced* (ascending indexes of *order*) to where *key* sorts them, in place.

    The other entries must already be in order; *key* reads a position's sort key. Each
    displaced entry is taken out, then put back after its equals (where a stable sort with
    it at the end puts it), found by a binary search: a few key calls and a memmove each.
    """
    wanted = [(order[i], key(order[i])) for i in displaced]
    for i in reversed(displaced):
        del order[i]
    for pos, goal in wanted:
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            there = key(order[middle])
            if (there < goal) if descending else (goal < there):
                high = middle
            else:
                low = middle + 1
        order.insert(low, pos)


def without(positions: list[int], new_of_old: list[int]) -> list[int]:
    """*positions* renumbered by *new_of_old* (-1: the row is gone), in their order."""
    return [pos for pos in map(new_of_old.__getitem__, positions) if pos >= 0]
