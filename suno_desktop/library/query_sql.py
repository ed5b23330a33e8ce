"""A query's terms as SQL that rules clips out before they are read: ``list --query`` at 100,000 clips.

Reading every clip costs ~0.7 s at 100,000 clips; most queries pick a few. The SQL here
never decides what a query means (that is :mod:`.query` and :mod:`.query_select`, run
on the clips read): it only leaves out clips that cannot match. Each term gives a
condition every matching clip meets (a looser one where SQL cannot say exactly, none
where it cannot say at all), and says whether it is exact, because only an exact
condition may be negated.

A word is looked for with ``LIKE``, which ignores the case of ASCII letters only: a
field holding any other character (an accent folds to its letter, "ß" to "ss") always
passes, and a word that is not ASCII after folding is not looked for here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from ..model import ClipRecord
from .query import TimeSpan, date_span, fold
from .query_parse import (
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
    Term,
    TextField,
)
from .query_select import Selector, matching
from .store import Library, clip_column_sql

#: the SQL of a stored column as a clip shows it (the user's edit over the relay's value)
ColumnSql = Callable[[str], str]

_RATING = "MIN(5, MAX(0, IFNULL(rating, 0)))"  # as the store reads it
_OPS = {Op.EQ: "=", Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<="}
_TEXT_COLUMNS = {
    TextField.TITLE: "title",
    TextField.STYLE: "tags",
    TextField.LYRICS: "lyrics",
    TextField.MODEL: "model",
    TextField.DESCRIPTION: "description",
}


@dataclass(frozen=True)
class Condition:
    """SQL every matching clip meets (``sql`` None: no condition); ``exact``: met by the matching clips alone."""

    sql: str | None
    params: tuple = ()
    exact: bool = False


_NONE = Condition(None)


def prefilter(node: Node, column: ColumnSql, now: datetime | None = None) -> Condition:
    """The condition of a parsed query; *column* gives the SQL of a clip's column by name.

    *now*: the selector's, when it compares ``added:`` with the tasks' own times (``added_at``,
    which every clip's task has); without it, dates are read in Python.
    """
    if isinstance(node, Term):
        return _words(fold(node.text), [column(name) for name in ("title", "tags", "lyrics")])
    if isinstance(node, FieldTerm):
        return _field(node, column)
    if isinstance(node, Compare):
        if node.field is DateField.ADDED and now is not None:
            return _added(date_span(node, now))
        return _compare(node)
    if isinstance(node, Flag):
        return _flag(node.name)
    if isinstance(node, Not):
        inner = prefilter(node.term, column, now)
        return Condition(f"NOT ({inner.sql})", inner.params, True) if inner.exact and inner.sql else _NONE
    parts = [prefilter(term, column, now) for term in node.terms]
    exact = all(part.exact for part in parts)
    if isinstance(node, And):
        kept = [part for part in parts if part.sql]
        return _joined(" AND ", kept, exact) if kept else _NONE
    if any(part.sql is None for part in parts):
        return _NONE
    return _joined(" OR ", parts, exact)


def _joined(word: str, parts: list[Condition], exact: bool) -> Condition:
    return Condition(word.join(f"({part.sql})" for part in parts), sum((part.params for part in parts), ()), exact)


def _words(needle: str, columns: list[str]) -> Condition:
    """Clips that hold *needle* in one of *columns* (ASCII case ignored), or any character beyond ASCII there."""
    if not needle or not needle.isascii() or "\n" in needle:
        return _NONE
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    tests = [f"{c} LIKE ? ESCAPE '\\'" for c in columns]
    # a field with a character beyond ASCII may fold into the word: its bytes outnumber its characters
    tests += [f"length({c}) <> length(CAST({c} AS BLOB))" for c in columns]
    return Condition(" OR ".join(tests), (pattern,) * len(columns))


def _field(node: FieldTerm, column: ColumnSql) -> Condition:
    if node.field is TextField.PLAYLIST:
        return _NONE  # the playlists' members are known in Python (Selector's playlists)
    if node.field is TextField.ID:
        return _NONE  # a prefix of an id: cheap in Python, and rare
    return _words(fold(node.value), [column(_TEXT_COLUMNS[node.field])])


def _compare(node: Compare) -> Condition:
    if node.field is NumberField.RATING:
        return Condition(f"{_RATING} {_OPS[node.op]} ?", (float(node.value),), True)
    if node.field is NumberField.PLAYS:
        return Condition(f"IFNULL(plays, 0) {_OPS[node.op]} ?", (float(node.value),), True)
    if node.field is NumberField.DURATION:
        # the query compares whole seconds as the table shows them: a second either way here
        value = float(node.value)
        low, high = {
            Op.EQ: (value - 1, value + 1),
            Op.GT: (value - 1, None),
            Op.GE: (value - 1, None),
            Op.LT: (None, value + 1),
            Op.LE: (None, value + 1),
        }[node.op]
        if low is None:
            return Condition("duration <= ?", (high,))
        if high is None:
            return Condition("duration >= ?", (low,))
        return Condition("duration BETWEEN ? AND ?", (low, high))
    return _NONE  # dates: ISO text in any offset, read in Python


def _added(span: TimeSpan) -> Condition:
    """Clips whose task was added within *span*: exact, as the tasks table holds the times ``added:`` compares."""
    bounds, params = [], []
    if span.low is not None:
        bounds.append("added_at > ?" if span.low_open else "added_at >= ?")
        params.append(span.low)
    if span.high is not None:
        bounds.append("added_at <= ?" if span.high_closed else "added_at < ?")
        params.append(span.high)
    where = " AND ".join(bounds) or "1"
    return Condition(f"task_id IN (SELECT task_id FROM tasks WHERE {where})", tuple(params), True)


def _flag(name: FlagName) -> Condition:
    if name is FlagName.RATED:
        return Condition(f"{_RATING} > 0", (), True)
    if name is FlagName.FAILED:
        return Condition("IFNULL(state = 'failed', 0)", (), True)
    if name is FlagName.MISSING:
        return Condition("IFNULL(state = 'missing', 0)", (), True)
    if name is FlagName.UNPLAYED:
        return Condition("IFNULL(plays, 0) = 0")
    if name is FlagName.EDITED:
        return Condition("edits IS NOT NULL")
    return Condition("parent_clip_id IS NOT NULL")  # an extension has a parent (which relation: read in Python)


def clips_matching(library: Library, selector: Selector | None) -> list[ClipRecord]:
    """Every clip, or those *selector* picks: the database leaves out first what cannot match."""
    if selector is None:
        return library.clips()
    condition = _condition(selector)
    records = library.clips_where(condition.sql, condition.params) if condition.sql else library.clips()
    return matching(records, selector)


def clip_ids_matching(library: Library, selector: Selector) -> list[str]:
    """The ids of the clips *selector* picks, in the library's order, never holding every clip at once.

    What the sidebar counts and lists: an exact condition is answered by the database alone;
    otherwise the clips it lets through are read a few thousand at a time.
    """
    condition = _condition(selector)
    if condition.exact:
        return [clip_id for (clip_id,) in library.clips_meeting("clip_id", condition.sql, condition.params)]
    return [record.clip_id for batch in matching_batches(library, selector) for record in batch]


def matching_batches(library: Library, selector: Selector) -> Iterator[list[ClipRecord]]:
    """The clips *selector* picks, a few thousand at a time in the library's order: never every clip at once."""
    condition = _condition(selector)
    for batch in library.clip_batches(where=(condition.sql, condition.params) if condition.sql else None):
        yield batch if condition.exact else matching(batch, selector)


def count_matching(library: Library, selector: Selector) -> int:
    """How many clips *selector* picks (the sidebar's counts): an exact condition is counted by the database."""
    condition = _condition(selector)
    if condition.exact:
        return library.clips_meeting("COUNT(*)", condition.sql, condition.params)[0][0]
    return sum(map(len, matching_batches(library, selector)))  # (no list of their ids made to be counted)


def _condition(selector: Selector) -> Condition:
    return prefilter(selector.node, clip_column_sql, selector.now if selector.knows_added else None)
