"""The query language of the search box and ``list --query``: a query's text to a test of one clip.

Words (and "quoted phrases") must all be found in the title, the style or the lyrics,
ignoring case and accents, as plain words always were (a substring, not a whole
word). ``field:value`` looks in one field; ``rating``, ``duration``, ``plays``,
``created`` and ``added`` compare with ``:`` ``:=`` ``:>`` ``:>=`` ``:<`` ``:<=``;
``is:`` tests a flag; ``-`` negates, ``OR`` joins, parentheses group, AND by default.

Dates: ``YYYY-MM-DD`` is that whole day (UTC); an age (``7d``, ``2w``, ``3m``) is the
moment that long before now, and ``:`` with an age means "since then", so
``added:7d`` and ``added:>7d`` both mean "in the last seven days". ``added`` is when
the clip's task was added to the library when the caller passes those times,
else when the clip was created. ``playlist:`` reads the playlists' songs it is given.
A clip missing a value (no duration, no date) fails a comparison on it, and so passes
its negation.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

from ..model import ClipRecord, ClipState
from .query_parse import (
    Age,
    AgeUnit,
    And,
    Compare,
    DateField,
    FieldTerm,
    Flag,
    FlagName,
    Node,
    Not,
    NumberField,
    Op,
    Or,
    QueryError,
    Term,
    TextField,
    parse,
)

__all__ = [
    "And",
    "Compare",
    "FieldTerm",
    "Flag",
    "Node",
    "Not",
    "Or",
    "Predicate",
    "QueryError",
    "Term",
    "fold",
    "leaf_test",
    "parse",
]

Predicate = Callable[[ClipRecord], bool]


def fold(text: str) -> str:
    """*text* for matching: case-folded, accents dropped (é → e, Æ stays æ), compatibility forms unified."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_combining_marks())


@lru_cache(maxsize=1)
def _combining_marks() -> dict[int, None]:
    """The combining marks NFKD splits accents into (the Basic Multilingual Plane's), to drop with one translate."""
    return {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    """A few fields folded lately: the words of one query look in the same clip's fields in turn."""
    return fold(text)


# -- fields a table's placeholder row (a task without clips, a request) does not have ----


def edited_fields(record: ClipRecord) -> tuple[str, ...]:
    """The names of the fields the user edited; none for a row that stands for no clip."""
    return tuple(getattr(record, "edited", None) or ())


def parent_clip_id(record: ClipRecord) -> str | None:
    """The clip this one was made from; None for a row that stands for no clip."""
    return getattr(record, "parent_clip_id", None) or None


def is_extension(record: ClipRecord) -> bool:
    """A clip with a parent that it extends (a cover or a remaster has a parent too, and is no extension)."""
    relation = str(getattr(record, "relation", "") or "")
    return parent_clip_id(record) is not None and relation in ("", "extension")


# -- the terms ---------------------------------------------------------------------


def leaf_test(
    node: Node, now: datetime, added: Mapping[str, float], playlists: Mapping[str, frozenset[str]] | None = None
) -> Predicate:
    """The test of one term that is not a combination nor a plain word (a field, a comparison, a flag).

    A plain word, and a title, style or lyrics term, is looked for in each clip's search text
    by :mod:`.query_select`, which also
    says how terms combine and how many clips are asked at once. *now* (aware) anchors ages
    like ``7d``; *added* maps task ids to when they were added (epoch seconds), which
    ``added:`` compares (else ``created_at``); *playlists* maps each playlist's folded name
    to its songs' clip ids, which ``playlist:`` reads (none given: it matches nothing).
    """
    if isinstance(node, FieldTerm):
        return _field(node, playlists or {})
    if isinstance(node, Compare):
        return _compare(node, now, added)
    if isinstance(node, Flag):
        return FLAG_TESTS[node.name]
    raise TypeError(f"not a term: {node!r}")


#: the fields read from a clip (title, style and lyrics are read in its search text by query_select)
_TEXT_OF: dict[TextField, Callable[[ClipRecord], str]] = {
    TextField.MODEL: lambda r: r.model,
    TextField.DESCRIPTION: lambda r: r.description,
}


def _field(node: FieldTerm, playlists: Mapping[str, frozenset[str]]) -> Predicate:
    needle = fold(node.value)
    if node.field is TextField.PLAYLIST:  # in a playlist whose name holds the words
        members = frozenset().union(*(ids for name, ids in playlists.items() if needle in name))
        return lambda r: r.clip_id in members
    if node.field is TextField.ID:
        return lambda r: fold(r.clip_id).startswith(needle) or fold(r.task_id).startswith(needle)
    text_of = _TEXT_OF[node.field]
    return lambda r: needle in _folded(text_of(r))


FLAG_TESTS: dict[FlagName, Predicate] = {
    FlagName.RATED: lambda r: r.rating > 0,
    FlagName.EDITED: lambda r: bool(edited_fields(r)),
    FlagName.EXTENSION: is_extension,
    FlagName.FAILED: lambda r: r.state is ClipState.FAILED,
    FlagName.MISSING: lambda r: r.state is ClipState.MISSING,
    FlagName.UNPLAYED: lambda r: r.plays == 0,
}

_TESTS: dict[Op, Callable[[float, float], bool]] = {
    Op.EQ: lambda a, b: a == b,
    Op.GT: lambda a, b: a > b,
    Op.GE: lambda a, b: a >= b,
    Op.LT: lambda a, b: a < b,
    Op.LE: lambda a, b: a <= b,
}


def _compare(node: Compare, now: datetime, added: Mapping[str, float]) -> Predicate:
    if isinstance(node.field, NumberField):
        value_of = NUMBER_VALUES[node.field]
        test, wanted = _TESTS[node.op], float(node.value)

        def number(r: ClipRecord) -> bool:
            have = value_of(r)
            return have is not None and test(have, wanted)

        return number
    span = date_span(node, now)
    if node.field is DateField.CREATED:  # one call a clip: read for every row of the table

        def created_within(r: ClipRecord) -> bool:
            when = r.created_at and _iso_seconds(r.created_at)
            return when is not None and when in span

        return created_within
    time_of = _added_time(added)

    def added_within(r: ClipRecord) -> bool:
        when = time_of(r)
        return when is not None and when in span

    return added_within


@dataclass(frozen=True)
class TimeSpan:
    """The moments (epoch seconds) a date comparison lets through: from ``low`` until ``high``.

    ``low`` is included unless ``low_open``; ``high`` is left out unless ``high_closed``; None: no bound.
    A clip read asks ``in``, a column of times its :meth:`bounds`, and the SQL that leaves clips
    out (:mod:`.query_sql`) reads the same four fields.
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_closed: bool = False

    def __contains__(self, moment: float) -> bool:
        low, high = self.low, self.high
        if low is not None and (moment <= low if self.low_open else moment < low):
            return False
        return high is None or (moment <= high if self.high_closed else moment < high)

    def bounds(self) -> list[Callable[[float], bool]]:
        """The span as tests of one moment, each made in C (a float's own comparison): ``in``, bound by bound."""
        tests = []
        if self.low is not None:
            tests.append(self.low.__lt__ if self.low_open else self.low.__le__)
        if self.high is not None:
            tests.append(self.high.__ge__ if self.high_closed else self.high.__gt__)
        return tests


def date_span(node: Compare, now: datetime) -> TimeSpan:
    """What a date comparison lets through: a day ``[start, end)`` compared, or the one moment of an age."""
    if isinstance(node.value, Age):
        start = end = age_start(node.value, now).timestamp()
        op = Op.GE if node.op is Op.EQ else node.op  # "since then"
    else:
        op = node.op
        start = datetime.combine(node.value, time(), UTC).timestamp()
        end = start + 86400.0
    a_day = end > start
    if op is Op.EQ:
        return TimeSpan(start, end)
    if op is Op.GT:
        return TimeSpan(end, low_open=not a_day)
    if op is Op.GE:
        return TimeSpan(start)
    if op is Op.LT:
        return TimeSpan(high=start)
    return TimeSpan(high=end, high_closed=not a_day)


def whole_seconds(r: ClipRecord) -> float | None:
    """The duration as the table shows it (rounded to the second), so ``duration:2:30`` matches what reads 2:30."""
    return None if r.duration is None else float(round(r.duration))


NUMBER_VALUES: dict[NumberField, Callable[[ClipRecord], float | None]] = {
    NumberField.RATING: lambda r: float(r.rating),
    NumberField.PLAYS: lambda r: float(r.plays),
    NumberField.DURATION: whole_seconds,
}


def _iso_seconds(value: str) -> float | None:
    """*value* (ISO text) in epoch seconds (naive: UTC); no cache: 100,000 clips' times would thrash one."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def created_time(record: ClipRecord) -> float | None:
    """When the clip was created (epoch seconds); None when unknown or unreadable (naive times are UTC)."""
    return _iso_seconds(record.created_at) if record.created_at else None


def _added_time(added: Mapping[str, float]) -> Callable[[ClipRecord], float | None]:
    def added_time(record: ClipRecord) -> float | None:
        when = added.get(record.task_id)
        return when if when is not None else created_time(record)

    return added_time


def age_start(age: Age, now: datetime) -> datetime:
    """The moment *age* before *now*: days and weeks exactly, months by the calendar (31 Mar - 1m = 28/29 Feb)."""
    if age.unit is AgeUnit.DAYS:
        return now - timedelta(days=age.amount)
    if age.unit is AgeUnit.WEEKS:
        return now - timedelta(weeks=age.amount)
    months = now.year * 12 + now.month - 1 - age.amount
    year, month = divmod(months, 12)
    year = max(year, 1)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)
