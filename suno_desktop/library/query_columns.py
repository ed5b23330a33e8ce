"""Each clip's values that a query compares, kept as columns: a comparison is a pass made in C.

The window's table asks a query of 100,000 rows at each key. A test per clip costs a Python
call per clip (~30 ms before any test); a column of numbers (an ``array``) is compared with
a bound made in C (a float's own ``<``, an int's ``&``) in ~3 ms. The columns are made with the
rows' search texts on a worker, and kept with the rows (:class:`ValueColumns`' methods).
What each value means is :mod:`.query`'s; :mod:`.query_select` decides when to read them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress

from .query import FLAG_TESTS, NUMBER_VALUES, Predicate, created_time
from .query_parse import FlagName, NumberField, Op

_UNKNOWN = float("nan")  # fails every comparison, as a missing value does (and so passes its negation)
#: a flag's bit in the flags column
FLAG_BITS: dict[FlagName, int] = {name: 1 << n for n, name in enumerate(FlagName)}


@dataclass(eq=False)
class ValueColumns:
    """Each position's values a comparison or a flag reads (~3.5 MB at 100,000 clips).

    ``created`` (epoch seconds) and ``duration`` (whole seconds, as shown) are doubles, NaN
    when unknown, and so are ``plays``; ``rating`` floats; ``flags`` a byte of :data:`FLAG_BITS`;
    ``task_ids`` the rows' task ids, which ``added:`` looks up in when the tasks were added.
    """

    created: array
    duration: array
    rating: array
    plays: array
    flags: array
    task_ids: list[str]
    #: the last column of added times made, and what from (the rows change it: see added)
    _added: tuple = field(default=((None, 0), None), init=False, repr=False)

    def __iter__(self) -> Iterator:
        """The columns, in their order."""
        return iter((self.created, self.duration, self.rating, self.plays, self.flags, self.task_ids))

    def extend_with(self, subjects: Iterable) -> None:
        """Rows appended: their values appended to each column."""
        for column, more in zip(self, value_columns(subjects)):
            column.extend(more)
        self._added = ((None, 0), None)

    def put(self, pos: int, subject) -> None:
        """The row at *pos* replaced: its values in each column."""
        for column, value in zip(self, value_columns([subject])):
            column[pos] = value[0]
        self._added = ((None, 0), None)

    def kept(self, positions: Sequence[int]) -> ValueColumns:
        """The columns of the rows at *positions* only, in that order (rows removed)."""
        return ValueColumns(*(_like(column, map(column.__getitem__, positions)) for column in self))

    def copy(self) -> ValueColumns:
        """Columns of one's own, to append to."""
        return ValueColumns(*(_like(column, column) for column in self))

    def added(self, times: Mapping[str, float]) -> Sequence[float]:
        """When each row's task was added (*times*), else when it was created (as ``added:`` reads a clip).

        Kept (~10 ms to make at 100,000 clips) until the rows change or *times* is another
        mapping or has grown: a task's time never changes once added, and the window's times
        only grow (``Library.task_added_times`` since the last it read).
        """
        if not times:
            return self.created
        (source, size), made = self._added
        if source is not times or size != len(times):  # (holding *times*: its id cannot be another's)
            made = array("d", map(times.get, self.task_ids, self.created))
            self._added = ((times, len(times)), made)
        return made


def _like(column: array | list, values: Iterable) -> array | list:
    return array(column.typecode, values) if isinstance(column, array) else list(values)


def value_columns(subjects: Iterable) -> ValueColumns:
    """The :class:`ValueColumns` of clips (or the table's placeholders: anything a query reads)."""
    subjects = list(subjects)  # (read once per column; the values go straight into the arrays)
    created = array("d", (_UNKNOWN if when is None else when for when in map(created_time, subjects)))
    duration_of = NUMBER_VALUES[NumberField.DURATION]
    duration = array("d", (_UNKNOWN if seconds is None else seconds for seconds in map(duration_of, subjects)))
    rating = array("f", map(NUMBER_VALUES[NumberField.RATING], subjects))  # (0 to 5: exact in a float)
    plays = array("d", map(NUMBER_VALUES[NumberField.PLAYS], subjects))  # (a float is exact to 2**24 only)
    flags = array("B", map(_flag_byte, subjects))
    return ValueColumns(created, duration, rating, plays, flags, [subject.task_id for subject in subjects])


def _flag_byte(subject) -> int:
    return sum(bit for name, bit in FLAG_BITS.items() if FLAG_TESTS[name](subject))


#: a number comparison as a bound on a column: ``wanted < have`` for >, and so on (each made in C)
NUMBER_BOUNDS: dict[Op, Callable[[float], Callable[[float], bool]]] = {
    Op.EQ: lambda wanted: wanted.__eq__,
    Op.GT: lambda wanted: wanted.__lt__,
    Op.GE: lambda wanted: wanted.__le__,
    Op.LT: lambda wanted: wanted.__gt__,
    Op.LE: lambda wanted: wanted.__ge__,
}


def passing(test: Callable, candidates: Sequence[int], values: Sequence, *more: Iterable) -> list[int]:
    """Those of *candidates* whose values (texts, a column's numbers) pass ``test(value, *more)``, in order."""
    return list(compress(candidates, map(test, values_at(candidates, values), *more)))


def values_at(candidates: Sequence[int], values: Sequence) -> Iterable:
    """The values at *candidates*, in order: every value is the sequence itself (no lookups)."""
    if isinstance(candidates, range) and candidates == range(len(values)):
        return values
    return map(values.__getitem__, candidates)


#: the columns of a position's values -> one column of them
ColumnOf = Callable[[ValueColumns], Sequence]


def column_test(column_of: ColumnOf, bounds: list[Callable], fallback: Predicate):
    """A comparison or a flag: a pass in C per bound over the candidates' column, or *fallback* per clip."""

    def step(candidates: Sequence[int], columns: ValueColumns | None, subject_at: Callable[[int], object]) -> list[int]:
        if columns is None:
            return [p for p in candidates if fallback(subject_at(p))]
        column = column_of(columns)
        kept: Sequence[int] = candidates
        for bound in bounds:
            kept = passing(bound, kept, column)
        return list(kept)

    return step
