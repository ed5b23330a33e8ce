"""A query put to many clips at once: each term narrows a list of positions.

The window's table (100,000 clips) and ``list --query`` ask the same question of every
clip. A test per clip, called from a loop, costs a Python call per term per clip; here
AND narrows the candidates term by term, a word is one pass made in C over texts folded
once per clip (title, style and lyrics, joined by newlines, which no term holds), a title,
style or lyrics term is looked for in its line of them, and a comparison or a flag reads
a column of the clips' values (:mod:`.query_columns`) when the caller keeps one. What the
other terms mean is :mod:`.query`'s: this module only decides which clips to ask.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import compress, repeat
from operator import attrgetter, contains, gt
from typing import NamedTuple

from ..model import ClipRecord
from .query import Predicate, date_span, fold, leaf_test
from .query_columns import FLAG_BITS, NUMBER_BOUNDS, ColumnOf, ValueColumns, column_test, passing, values_at
from .query_parse import And, Compare, DateField, FieldTerm, Flag, Node, Not, Or, Term, TextField, parse

#: a clip's (or a table row's) fields, read by the terms that are not plain words
SubjectAt = Callable[[int], object]


class SearchTexts(NamedTuple):
    """The candidates' folded texts by position, and (when known: shorter) what a word without spaces looks in.

    ``columns``: each position's values that comparisons and flags read in C, when the caller
    keeps them (the table does: see :func:`.query_columns.value_columns`).
    """

    full: Sequence[str]
    words: Sequence[str] | None = None  # each text's distinct_words
    columns: ValueColumns | None = None


#: candidates, their texts, their subjects by position -> the candidates that match, in order
_Step = Callable[[Sequence[int], SearchTexts, SubjectAt], list[int]]


def search_text(subject) -> str:
    """What plain words look in: the folded title, style and lyrics of a clip or a table row, once per clip."""
    return search_text_of(subject.title, subject.tags, subject.lyrics)


def search_text_of(title: str, tags: str, lyrics: str) -> str:
    """The folded title, style and lyrics, one line each for the first two (see :func:`text_part`).

    A new line in a title or a style (a hostile relay's) becomes a character no query holds.
    """
    return fold(f"{title.replace(_NEW_LINE, _UNIT)}\n{tags.replace(_NEW_LINE, _UNIT)}\n{lyrics}")


_NEW_LINE, _UNIT = "\n", "\x1f"


def text_part(text: str, field: TextField) -> str:
    """The folded title, style or lyrics in a search text: the window keeps a clip's lyrics only there."""
    return text.split("\n", 2)[_PARTS.index(field)]


_PARTS = (TextField.TITLE, TextField.STYLE, TextField.LYRICS)


def distinct_words(text: str) -> str:
    """The words of a search text, each once per part (in no order): the title's, the style's, the lyrics', a line each.

    A word of a query holds no space, so it is in a text exactly when it is in one of the
    text's words: a song's lines repeat (choruses, "the", a task's two takes share one text),
    and at 100,000 clips a keystroke reads this instead of the whole text, ~2-4x less. Its
    lines are the text's parts in their order, so ``title:`` and the like read it too; each
    word has a space before and after it, so that a phrase's words can be told apart (see
    :func:`_word_checks`).
    """
    parts = text.split("\n", 2)
    parts += [""] * (3 - len(parts))
    return "\n".join(f" {' '.join(set(part.split()))} " for part in parts)


class Selector:
    """A parsed query, ready to pick the matching clips out of a list."""

    def __init__(
        self,
        node: Node,
        now: datetime | None = None,
        *,
        added: Mapping[str, float] | None = None,
        playlists: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        when = now or datetime.now(UTC)
        self.node = node
        self._playlists = playlists or {}  # folded playlist name -> its songs' clip ids (playlist:)
        # equal for queries that mean the same ("A" and "a"), over the same playlists' contents
        self.key = (_folded(node), id(self._playlists) if self.names_playlists else None)
        self._now = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        self._added = added or {}
        self._run = self._step(node)

    @classmethod
    def of(
        cls,
        text: str,
        now: datetime | None = None,
        *,
        added: Mapping[str, float] | None = None,
        playlists: Mapping[str, frozenset[str]] | None = None,
    ) -> Selector:
        """The selector of a query's text; raises QueryError for a broken query."""
        return cls(parse(text), now, added=added, playlists=playlists)

    def select(
        self,
        candidates: Iterable[int],
        texts: Sequence[str],
        subject_at: SubjectAt,
        words: Sequence[str] | None = None,
        columns: ValueColumns | None = None,
    ) -> list[int]:
        """Those of *candidates* (positions, in order) that match; *texts* are the positions' search texts.

        *words*, when given, are the texts' :func:`distinct_words`, which plain words read instead;
        *columns* the positions' :func:`.query_columns.value_columns`, which comparisons and flags
        read instead of each clip.
        """
        found = SearchTexts(texts, words, columns)
        return self._run(candidates if isinstance(candidates, range) else list(candidates), found, subject_at)

    def matches(self, subject) -> bool:
        """Whether one clip matches (its search text is made for the question)."""
        return bool(self._run([0], SearchTexts([search_text(subject)]), lambda _: subject))

    # -- building ---------------------------------------------------------------

    def _step(self, node: Node) -> _Step:
        if isinstance(node, Term):
            return _containing(fold(node.text))
        if isinstance(node, Not):
            return _without(self._step(node.term))
        if isinstance(node, And):
            return _all_of([self._step(t) for t in node.terms])
        if isinstance(node, Or):
            return _any_of([self._step(t) for t in node.terms])
        if isinstance(node, FieldTerm) and node.field in _PARTS:
            return _in_part(node.field, fold(node.value))
        test = leaf_test(node, self._now, self._added, self._playlists)
        column_of = self._column_of(node)
        if column_of is None:
            return _testing(test)
        if isinstance(node, Flag):
            bounds = [FLAG_BITS[node.name].__and__]
        elif isinstance(node.field, DateField):
            bounds = date_span(node, self._now).bounds()
        else:
            bounds = [NUMBER_BOUNDS[node.op](float(node.value))]
        in_column = column_test(column_of, bounds, test)
        return lambda candidates, texts, subject_at: in_column(candidates, texts.columns, subject_at)

    def _column_of(self, node: Node) -> ColumnOf | None:
        """Where a comparison or a flag reads the candidates' values (:mod:`.query_columns`); None: other terms."""
        if isinstance(node, Flag):
            return attrgetter("flags")
        if not isinstance(node, Compare):
            return None
        if node.field is DateField.ADDED:
            added = self._added
            return lambda columns: columns.added(added)
        return attrgetter(node.field.value)  # created, duration, rating, plays

    @property
    def reads_columns(self) -> bool:
        """Whether the query compares values or tests flags (what :class:`.query_columns.ValueColumns` holds)."""
        return any(isinstance(term, Compare | Flag) for term in _leaves(self.node))

    @property
    def now(self) -> datetime:
        """The moment ages like ``7d`` count back from."""
        return self._now

    @property
    def knows_added(self) -> bool:
        """Whether it was given when the tasks were added (else ``added:`` compares when clips were created)."""
        return bool(self._added)

    @property
    def compares_added(self) -> bool:
        """Whether the query compares when clips were added (which only the tasks know)."""
        return any(isinstance(term, Compare) and term.field is DateField.ADDED for term in _leaves(self.node))

    @property
    def names_playlists(self) -> bool:
        """Whether the query has a ``playlist:`` term (which only the playlists know)."""
        return any(isinstance(term, FieldTerm) and term.field is TextField.PLAYLIST for term in _leaves(self.node))

    def knowing(self, *, added: Mapping[str, float] | None = None, playlists=None) -> Selector:
        """The same query, with when the tasks were added and what the playlists hold."""
        return Selector(self.node, self._now, added=added or self._added, playlists=playlists or self._playlists)

    def words(self) -> tuple[str, ...] | None:
        """The folded words of a query made only of plain words (all must match), else None.

        A longer query whose every word holds one of these matches only clips these match:
        typing on narrows the search to what was shown.
        """
        terms = self.node.terms if isinstance(self.node, And) else (self.node,)
        if all(isinstance(t, Term) for t in terms):
            return tuple(fold(t.text) for t in terms)
        return None


def _leaves(node: Node) -> Iterator[Node]:
    """The query's terms (words, fields, comparisons, flags), whatever combines them."""
    if isinstance(node, Not):
        yield from _leaves(node.term)
    elif isinstance(node, And | Or):
        for term in node.terms:
            yield from _leaves(term)
    else:
        yield node


def _folded(node: Node) -> Node:
    """*node* with its words folded: two queries with the same key select the same clips."""
    if isinstance(node, Term):
        return Term(fold(node.text))
    if isinstance(node, FieldTerm):
        return replace(node, value=fold(node.value))
    if isinstance(node, Not):
        return Not(_folded(node.term))
    if isinstance(node, And | Or):
        return type(node)(tuple(_folded(t) for t in node.terms))
    return node


def _containing(needle: str) -> _Step:
    """A plain word: one pass over the candidates' texts, made in C (no Python call per text).

    A word without spaces is looked for in the texts' distinct words (~200 characters each),
    anything else in the texts (~750). ``in`` stops at the first match, so a common letter
    is cheap; a word of two or more letters is mostly read through: in the words ``rfind``
    (an int) is then faster than ``in`` and than a search (a match object), in the texts the
    regular expression engine's literal search, ~1.5x (measured: 100,000 clips).
    """
    in_words = needle.split() == [needle]  # no space in it: its texts' distinct words are enough
    search = re.compile(re.escape(needle)).search

    checks = _word_checks(needle)

    def step(candidates: Sequence[int], texts: SearchTexts, subject_at: SubjectAt) -> list[int]:
        source = texts.words if in_words and texts.words is not None else texts.full
        if checks and texts.words is not None:  # a phrase: its words first, when that leaves out many texts
            candidates = _narrowed(candidates, texts.words, checks)
        if len(needle) < 2:
            return passing(contains, candidates, source, repeat(needle))
        if source is texts.words:
            return _holding(candidates, source, needle)
        return passing(search, candidates, source)

    return step


def _holding(candidates: Sequence[int], words: Sequence[str], needle: str) -> list[int]:
    """Those of *candidates* whose distinct words hold *needle*: ``rfind`` gives an int, ~1.3x faster than ``in``."""
    return list(compress(candidates, map(_FOUND, map(str.rfind, values_at(candidates, words), repeat(needle)))))


_FOUND = (-1).__lt__  # of a place found (not -1)


def _word_checks(needle: str) -> list[str]:
    """What the distinct words of a text that holds the phrase *needle* hold (none for a word, or a new line).

    Between two of the phrase's spaces is a whole word of the text (`` night ``), before its
    first space the end of one (``night ``), after its last the start of one (`` night``):
    each word between spaces in :func:`distinct_words`. A piece holding other white space
    (a tab) is no word of the text, and tells nothing.
    """
    pieces = needle.split(" ")
    if len(pieces) < 2 or "\n" in needle:
        return []
    last = len(pieces) - 1
    return [
        f"{' ' if n else ''}{piece}{' ' if n < last else ''}"
        for n, piece in enumerate(pieces)
        if piece and piece.split() == [piece]
    ]


def _narrowed(candidates: Sequence[int], words: Sequence[str], checks: list[str]) -> Sequence[int]:
    """The candidates whose distinct words pass the most telling of a phrase's *checks*, or all of them.

    A text is ~3x longer than its words: reading the words of every text first pays when
    the check leaves out half of them or more. How many it leaves out is read from ~500 of
    them (a phrase of common words, "the night", is looked for in every text at once).
    """
    sample = candidates[:: max(1, len(candidates) // 500)]
    passed, check = min((sum(map(contains, map(words.__getitem__, sample), repeat(check))), check) for check in checks)
    if passed * 2 > len(sample):
        return candidates
    return _holding(candidates, words, check)


def _testing(test: Predicate) -> _Step:
    """A term read from each clip's fields."""
    return lambda candidates, texts, subject_at: [p for p in candidates if test(subject_at(p))]


def _in_part(field: TextField, needle: str) -> _Step:
    """A title, style or lyrics term: the texts that hold it in their part's line, in one pass made in C.

    A word without spaces is looked for in the texts' distinct words (a line per part, as
    in the texts: see :func:`distinct_words`), anything else in the texts; either way between
    where the part's line starts and ends. A Python call per text took ~45 ms at 100,000
    clips, ten passes ~38 ms, this ~15. A needle may hold a new line only in the lyrics.
    """
    if not needle:  # every text holds it
        return lambda candidates, texts, subject_at: list(candidates)
    if "\n" in needle and field is not TextField.LYRICS:  # a title or a style is one line
        return lambda candidates, texts, subject_at: []
    search = re.compile(re.escape(needle)).search
    in_words = needle.split() == [needle]  # a word in a line is one of that line's words
    checks = _word_checks(needle)

    def step(candidates: Sequence[int], texts: SearchTexts, subject_at: SubjectAt) -> list[int]:
        words = in_words and texts.words is not None
        source = texts.words if words else texts.full
        if not words:  # first the texts that hold it anywhere (one read of each), then its line in those only
            if checks and texts.words is not None:
                candidates = _narrowed(candidates, texts.words, checks)
            candidates = passing(search, candidates, source)

        def each() -> Iterable[str]:
            return values_at(candidates, source)

        befores, ends = _line_bounds(field, each, words)
        if words:  # short texts: the last place it is found before the line's end is in the line
            holds = map(gt, map(str.rfind, each(), repeat(needle), repeat(0), ends), befores)
        else:  # long ones: the pattern's literal search is ~1.5x faster than find (measured)
            holds = map(search, each(), map((1).__add__, befores), ends)
        return list(compress(candidates, holds))

    return step


def _line_bounds(field: TextField, each: Callable[[], Iterable[str]], words: bool) -> tuple[Iterable, Iterable]:
    """Where the new lines before and after *field*'s line are in each text (of *each*): maps made in C, read once.

    The title is the first line (-1: nothing before it), the style the second, the lyrics the
    rest (no end; in the texts they hold new lines, in the distinct words their line is the last).
    """
    new_line = repeat("\n")
    if field is TextField.TITLE:
        return repeat(-1), map(str.find, each(), new_line)
    title_ends = map(str.find, each(), new_line)
    if words:  # two new lines: the first ends the title, the last the style
        style_ends = map(str.rfind, each(), new_line)
    else:
        title_ends = list(title_ends)  # (read twice)
        style_ends = map(str.find, each(), new_line, map((1).__add__, title_ends))
    if field is TextField.STYLE:
        return title_ends, style_ends
    return style_ends, repeat(sys.maxsize)


def _without(inner: _Step) -> _Step:
    def step(candidates: Sequence[int], texts: SearchTexts, subject_at: SubjectAt) -> list[int]:
        hit = set(inner(candidates, texts, subject_at))
        return [p for p in candidates if p not in hit]

    return step


def _all_of(parts: list[_Step]) -> _Step:
    def step(candidates: Sequence[int], texts: SearchTexts, subject_at: SubjectAt) -> list[int]:
        for part in parts:
            if not candidates:
                break
            candidates = part(candidates, texts, subject_at)
        return list(candidates)

    return step


def _any_of(parts: list[_Step]) -> _Step:
    def step(candidates: Sequence[int], texts: SearchTexts, subject_at: SubjectAt) -> list[int]:
        hit: set[int] = set()
        rest = candidates
        for part in parts:
            if not rest:
                break
            found = part(rest, texts, subject_at)
            if found:
                hit.update(found)
                rest = [p for p in rest if p not in hit]
        return [p for p in candidates if p in hit]

    return step


def compile_query(
    text: str,
    now: datetime | None = None,
    *,
    added: Mapping[str, float] | None = None,
    playlists: Mapping[str, frozenset[str]] | None = None,
) -> Predicate:
    """The test one clip must pass to match *text*; raises QueryError for a broken query.

    *now* (default: the current time) anchors ages like ``7d``; *added* maps task ids to
    when they were added (epoch seconds), which ``added:`` compares (else ``created_at``).
    """
    return Selector.of(text, now, added=added, playlists=playlists).matches


def matching(records: Sequence[ClipRecord], selector: Selector) -> list[ClipRecord]:
    """The records that match, in their order (the texts are folded once for the whole list)."""
    texts = [search_text(r) for r in records]
    return [records[p] for p in selector.select(range(len(records)), texts, records.__getitem__)]
