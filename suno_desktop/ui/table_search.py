"""The clip table model's search, handed to it by the proxy (see :mod:`.row_filter` and ``library.query_select``).

The query is put to all the rows at once, in the order their texts are in memory (the
library's, whatever the sort): a ``filterAcceptsRow`` called from C++ per row would add
~25 ms of call overhead alone at 50,000 rows. When a library opens, the rows come before
their search texts (see :mod:`.library_loading`): a search typed meanwhile shows every
row, and is applied when the texts arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from ..library.query_columns import ValueColumns, value_columns
from ..library.query_parse import TextField
from ..library.query_select import Selector, search_text_of, text_part
from .clip_rows import COL_NUMBER
from .row_filter import RowFilter
from .row_lists import ascending, in_order
from .table_rows import ClipRow, TableRow, query_subject


def lean_row(row: TableRow) -> TableRow:
    """*row* as the table keeps it: a clip's lyrics live in its search text only (~75 MB at 100,000 clips).

    The detail pane and the actions that need a clip's lyrics read them from the library.
    """
    record = row.record
    if record is None or record.lyrics is None:
        return row
    return ClipRow(replace(record, lyrics=None))


def row_text(row: TableRow, old_text: str = "") -> str:
    """*row*'s search text; a lean row (its lyrics not read) keeps the lyrics of *old_text*, its text before."""
    lyrics = row.lyrics
    if lyrics is None:
        lyrics = text_part(old_text, TextField.LYRICS) if old_text else ""
    return search_text_of(row.title, row.tags, lyrics)


class TableSearch:
    """The searching half of :class:`~.clip_table_model.ClipTableModel`, which holds the lists it reads.

    ``_texts`` and ``_words`` run parallel to ``_rows``; ``_words_pending`` is true from a
    load until its texts arrive (``set_texts``).
    """

    _search = RowFilter()  # no query: every row is shown
    _numbers: dict[str, int] = {}  # each row's place in the source shown (set_source)
    _words_pending = False
    _own_texts: set[str] = set()  # rows given texts of their own while the library's were read (see set_texts)
    #: the rows' values comparisons read in C (query_select.value_columns), kept with the rows
    _columns: ValueColumns | None = None
    #: runs a change of the rows shown; the proxy sets it to carry the selection (as for a search it is asked)
    search_guard: Callable[[Callable[[], None]], None] = staticmethod(lambda change: change())

    def _start_search(self, *, words_later: bool) -> None:
        """A library's rows are in (their texts too, unless *words_later*): nothing is known of changes since."""
        self._words_pending, self._own_texts = words_later, set()
        self._columns = None

    def set_filter(self, selector: Selector | None) -> None:
        """Show the rows that match *selector* (None: every row).

        Typing on, when it only adds to the words, searches only the rows shown before
        (and those changed while hidden).
        """
        search = self._search.with_selector(selector)
        if search.key == self._search.key:
            return
        if search.narrows(self._search):  # what the shorter query hid stays hidden, unless it changed
            changed = {self._position_of[c] for c in self._hidden_changed if c in self._position_of}
            candidates = ascending(changed.union(self._shown) if changed else self._shown, len(self._rows))
        else:
            candidates = range(len(self._rows))
        self._hidden_changed.clear()
        self._search = search
        shown = self._in_order(self._matching(candidates))
        self._change_layout(lambda: self._set_shown(shown))

    def set_source(self, row_ids: Sequence[str] | None) -> None:
        """Show only these rows (the sidebar's playlist or smart list, in its order: the # column), or all (None).

        The search applies within them.
        """
        self._numbers = {} if row_ids is None else {row_id: n for n, row_id in enumerate(row_ids, start=1)}
        source = None if row_ids is None else frozenset(self._numbers)
        self._version += 1
        if source != self._search.source:
            self._search = RowFilter(self._search.selector, source)
            self._hidden_changed.clear()
            shown = self._in_order(self._matching(range(len(self._rows))))
            self.search_guard(lambda: self._change_layout(lambda: self._set_shown(shown)))
        if self._sort is not None and self._sort[0] == COL_NUMBER:
            self.search_guard(lambda: self.sort(*self._sort))  # the playlist's new order
        elif self._shown:
            self.dataChanged.emit(self.index(0, COL_NUMBER), self.index(len(self._shown) - 1, COL_NUMBER))

    @property
    def shows_source(self) -> bool:
        """Whether the rows shown are a sidebar source's (a playlist, a smart list), not the whole library."""
        return self._search.source is not None

    def number_of(self, row_id: str) -> int | None:
        """The row's place in the source shown (1, 2, …), None for the whole library."""
        return self._numbers.get(row_id)

    @property
    def filtered(self) -> bool:
        """Whether a search hides rows that do not match it."""
        return self._search.selector is not None

    @property
    def searchable(self) -> bool:
        """Whether every row's search text is in (false while a library's are read after its rows)."""
        return not self._words_pending

    def set_texts(
        self, rows: list[TableRow], texts: list[str], words: list[str], columns: ValueColumns | None = None
    ) -> None:
        """The search texts of *rows* and their distinct words, read after them; a search typed meanwhile applies now.

        Rows a sync or an edit changed meanwhile came with texts of their own, and keep them.
        A search reads the *words* (see ``query_select.distinct_words``), and ``created:`` and
        ``duration:`` the rows' value *columns* (``query_select.value_columns``), both made on the worker.
        """
        if rows == self._rows and not self._own_texts:  # (rows compare by identity, in C)
            self._texts, self._words = list(texts), list(words)  # (ours: new rows are appended to them)
            self._columns = None if columns is None else columns.copy()
        else:
            found = {row.row_id: n for n, row in enumerate(rows)}
            for row_id in self._own_texts:
                found.pop(row_id, None)
            picks = [found.get(row.row_id, -1) for row in self._rows]
            self._texts = [texts[n] if n >= 0 else old for n, old in zip(picks, self._texts)]
            self._words = [words[n] if n >= 0 else old for n, old in zip(picks, self._words)]
        self._words_pending, self._own_texts = False, set()
        if self._search.selector is not None:
            shown = self._in_order(self._matching(range(len(self._rows))))
            self.search_guard(lambda: self._change_layout(lambda: self._set_shown(shown)))

    def _own_text(self, row_id: str) -> None:
        """A row's text was made from its new words: the texts read since the load are older."""
        if self._words_pending:
            self._own_texts.add(row_id)

    def _matching(self, positions: Sequence[int]) -> list[int]:
        """Those of *positions* (ascending, none twice) that the search lets through, ascending."""
        if self._words_pending:  # every row (of the source), until the texts are in
            return RowFilter(None, self._search.source).matching(positions, self._rows, self._texts)
        selector = self._search.selector
        columns = self._value_columns() if selector is not None and selector.reads_columns else None
        return self._search.matching(positions, self._rows, self._texts, self._words, columns)

    def _value_columns(self) -> ValueColumns:
        """The rows' columns, made again when unknown (rows removed since)."""
        if self._columns is None or len(self._columns.created) != len(self._rows):
            self._columns = value_columns(map(query_subject, self._rows))
        return self._columns

    def _in_order(self, positions: list[int]) -> list[int]:
        """*positions* in the order the rows are shown (see :mod:`.row_lists`)."""
        return in_order(self._order, positions, len(self._rows))
