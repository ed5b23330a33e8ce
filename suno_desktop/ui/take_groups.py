"""Group Takes: the clips of one task kept together in the sorted table, by take, placed by their best member.

Plain lists of positions, no Qt, like :mod:`.row_lists`: the model wraps each change
in the signals Qt needs. A task's rows are a *group*; a row that stands for no clip is
a group of its own (submissions share no task). A grouped table is sorted by each
group's best key (the first of its members a plain sort would put first), so the
groups stay contiguous and a group's key is read from its neighbours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import count
from operator import attrgetter, itemgetter
from typing import Any

from .row_tally import RowTally
from .table_rows import TableRow

_TASK_ID = attrgetter("task_id")


def group_of(row: TableRow) -> str:
    """The group a row belongs to: its task's, or its own for a submission (which has no task)."""
    return row.task_id or row.row_id


def take_of(row: TableRow) -> int:
    """The row's place in its group: a clip's position in its task (the relay's order)."""
    record = row.record
    return 0 if record is None else record.position


class TakeTally(RowTally):
    """A :class:`RowTally` that also counts the rows of each task, for the takes' marks and Group Takes."""

    __slots__ = ("per_task",)

    def __init__(self, rows: Iterable[TableRow] = ()) -> None:
        rows = list(rows)
        self.per_task: Counter[str] | None = None  # not counted row by row while the base tallies
        super().__init__(rows)
        self.per_task = Counter(map(_TASK_ID, rows))  # in C: ~10 ms at 100,000 rows

    def count(self, rows: Iterable[TableRow], step: int) -> None:
        rows = list(rows)  # may be a generator, read twice
        super().count(rows, step)
        if self.per_task is not None:
            for item in rows:
                self.per_task[item.task_id] += step

    def takes(self, task_id: str) -> int:
        """How many rows the task has in the table (its takes)."""
        return self.per_task.get(task_id, 0) if self.per_task is not None else 0


def group_lists(rows: list[TableRow]) -> tuple[list[int], list[int]]:
    """Each row's group as an integer (where its first row is) and its take: what Group Takes orders by.

    Integers, not the task ids: they are compact in memory, so carrying them along
    a sort costs a few milliseconds where reading each row again costs tens.
    """
    first: dict[str, int] = {}
    groups = list(map(first.setdefault, [row.task_id or row.row_id for row in rows], count()))
    return groups, [0 if row.record is None else row.record.position for row in rows]


def grouped_order(ranked: list[int], groups: list[int], takes: list[int]) -> list[int]:
    """*ranked* (positions in sort order) with each group's rows together where its first one is, by take.

    *groups* and *takes* are each position's (see :func:`group_lists`). One pass over
    a dict of the groups and two stable sorts of small integers, all in C.
    """
    first_seen: dict[int, int] = {}
    leads = list(map(first_seen.setdefault, map(groups.__getitem__, ranked), count()))  # each group's first place
    in_take_order = sorted(range(len(ranked)), key=list(map(takes.__getitem__, ranked)).__getitem__)
    in_take_order.sort(key=leads.__getitem__)  # stable: by group, within one by take
    return list(map(ranked.__getitem__, in_take_order))


def _run_around(rows: list[TableRow], pos: int, group: str) -> range:
    """The positions next to *pos* (itself included) whose rows are of *group*."""
    first, last = pos, pos
    while first > 0 and group_of(rows[first - 1]) == group:
        first -= 1
    while last + 1 < len(rows) and group_of(rows[last + 1]) == group:
        last += 1
    return range(first, last + 1)


def _group_positions(rows: list[TableRow], displaced: list[int], size_of: Callable[[str], int]) -> dict[str, set[int]]:
    """Every position of the groups of the *displaced* rows: their neighbours, else (seldom) a pass over the rows."""
    found: dict[str, set[int]] = {}
    for pos in displaced:
        group = group_of(rows[pos])
        members = found.setdefault(group, set())
        if pos not in members:
            members.update(_run_around(rows, pos, group))
    scattered = {group for group, members in found.items() if len(members) < size_of(group)}
    if scattered:  # a take that came after its siblings was appended at the end
        for pos, row in enumerate(rows):
            group = group_of(row)
            if group in scattered:
                found[group].add(pos)
    return found


def move_groups_into_order(
    order: list[int],
    rows: Sequence[TableRow],
    displaced: list[int],
    key: Callable[[int], Any],
    size_of: Callable[[str], int],
    *,
    descending: bool = False,
) -> None:
    """:func:`.row_lists.move_into_order` for a grouped table: the displaced entries' whole groups move.

    *rows* are the model's, by position. Each group is taken out of *order* with all its
    rows, then put back, by take, after the groups whose key is not after its best key,
    found by a binary search over the others (still grouped and in order); *size_of* says
    how many rows a group has.
    """
    view = list(map(rows.__getitem__, order))  # the rows in order, moved along with it
    best = max if descending else min
    groups = list(_group_positions(view, displaced, size_of).values())
    moving = []
    for members in groups:
        indexes = sorted(members, key=lambda i: take_of(view[i]))
        moving.append((min(members), best(key(order[i]) for i in members), [order[i] for i in indexes]))
    moving.sort(key=itemgetter(0))
    taken_at = sorted(i for members in groups for i in members)
    for i in reversed(taken_at):
        del order[i], view[i]
    for _, goal, positions in moving:
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            there = best(key(order[i]) for i in _run_around(view, middle, group_of(view[middle])))
            if (there < goal) if descending else (goal < there):
                high = middle
            else:
                low = middle + 1
        order[low:low] = positions
        view[low:low] = map(rows.__getitem__, positions)


def group_breaks(rows: list[TableRow], shown: list[int], first: int, last: int) -> list[int]:
    """The shown rows from *first* to *last* that begin another group than the row above them."""
    breaks = []
    above = group_of(rows[shown[first - 1]]) if first > 0 else None
    for row in range(first, last + 1):
        group = group_of(rows[shown[row]])
        if row > 0 and group != above:
            breaks.append(row)
        above = group
    return breaks
