"""The table's search as the model applies it: which rows a query lets through, and when typing on narrows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress
from operator import attrgetter

from ..library.query_columns import ValueColumns
from ..library.query_select import Selector
from .table_rows import TableRow


class RowFilter:
    """A query (or none) put to the table's rows: a clip row answers with its record, a placeholder with itself.

    *source*: the row ids of the sidebar's source shown (a playlist), None for the whole library;
    the query searches within it.
    """

    def __init__(self, selector: Selector | None = None, source: frozenset[str] | None = None) -> None:
        self.selector = selector
        self.source = source

    @property
    def key(self):
        """Equal for searches that show the same rows."""
        return (None if self.selector is None else self.selector.key, self.source)

    def with_selector(self, selector: Selector | None) -> RowFilter:
        return RowFilter(selector, self.source)

    def matching(
        self,
        positions: Iterable[int],
        rows: Sequence[TableRow],
        texts: Sequence[str],
        words: Sequence[str] | None = None,
        columns: ValueColumns | None = None,
    ) -> list[int]:
        """Those of *positions* whose rows match, in order.

        *texts* are the rows' search texts, and *words* (when given) their distinct words,
        *columns* their values comparisons read (``query_select.value_columns``).
        """
        if self.source is not None:
            positions = list(positions)
            ids = map(attrgetter("row_id"), map(rows.__getitem__, positions))
            positions = list(compress(positions, map(self.source.__contains__, ids)))  # in C
        if self.selector is None:
            return list(positions)
        # (query_subject, written out: a term read from each clip calls this once per row)
        return self.selector.select(positions, texts, lambda pos: rows[pos].record or rows[pos], words, columns)

    def narrows(self, previous: RowFilter) -> bool:
        """Whether this search can only show rows *previous* showed: each of its words is in one of ours."""
        if previous.source != self.source:
            return False
        if previous.selector is None:
            return True
        old_words = previous.selector.words()
        new_words = None if self.selector is None else self.selector.words()
        return bool(old_words and new_words) and all(any(w in n for n in new_words) for w in old_words)
