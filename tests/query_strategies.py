"""Random libraries and query trees for the query language's property tests (the selector, the SQL prefilter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from suno_desktop.library.query_parse import (
    Age,
    AgeUnit,
    And,
    Compare,
    DateField,
    FieldTerm,
    Flag,
    FlagName,
    Not,
    NumberField,
    Op,
    Or,
    Term,
    TextField,
)
from suno_desktop.model import ClipState

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeClip:
    """What a query reads of a clip, including the fields the library gains later (lineage, edits)."""

    title: str = ""
    tags: str = ""
    lyrics: str = ""
    description: str = ""
    model: str = ""
    clip_id: str = "c1"
    task_id: str = "t1"
    duration: float | None = None
    created_at: str | None = None
    rating: int = 0
    plays: int = 0
    state: ClipState = ClipState.READY
    parent_clip_id: str | None = None
    relation: str = ""
    edited: tuple[str, ...] = ()


LETTERS = "aeéNÉs"  # few letters, so that words are often found (and found across a field's end, wrongly)
text = st.text(alphabet=LETTERS + " ß", max_size=6)
# a hostile title's new line splits no field's words; a tab or a no-break space splits a text's distinct words
field_text = st.text(alphabet=LETTERS + " ß\n\t\u00a0", max_size=6)
short_id = st.text(alphabet="ab", min_size=2, max_size=4)
# times in the last few days (so that a day or an age often falls on them), some months back
moments = (
    st.sampled_from([72, 72, 72, 120 * 24])
    .flatmap(lambda most: st.integers(0, most))
    .map(lambda h: NOW - timedelta(hours=h))
)
created = st.builds(
    lambda moment, offset: moment.astimezone(
        UTC if not offset else __import__("datetime").timezone(offset)
    ).isoformat(),
    moments,
    st.sampled_from([None, timedelta(hours=9), timedelta(hours=-5)]),
) | st.sampled_from([None, "not a date"])
clips = st.builds(
    FakeClip,
    title=field_text,
    tags=field_text,
    lyrics=field_text,
    description=text,
    model=st.sampled_from(["", "chirp-v4", "chirp-v5"]),
    clip_id=short_id,
    task_id=short_id,
    duration=st.none() | st.integers(0, 8).map(lambda n: 148 + n * 0.25) | st.floats(0, 400, allow_nan=False),
    created_at=created,
    rating=st.integers(0, 5),
    plays=st.integers(0, 5),
    state=st.sampled_from(list(ClipState)),
    parent_clip_id=st.none() | short_id,
    relation=st.sampled_from(["", "extension", "cover"]),
    edited=st.sampled_from([(), ("title",)]),
)
libraries = st.lists(clips, max_size=12)
added_times = st.dictionaries(short_id, moments.map(lambda m: m.timestamp()), max_size=4)

word = st.text(alphabet=LETTERS + "ß", min_size=1, max_size=2).filter(lambda w: w != "-")
phrase = st.text(alphabet=LETTERS + " ", min_size=1, max_size=4).filter(lambda s: s.strip())
terms = st.builds(Term, word | phrase)
field_terms = st.builds(FieldTerm, st.sampled_from(list(TextField)), word | phrase) | st.builds(
    FieldTerm, st.just(TextField.ID), st.text(alphabet="abAB", min_size=1, max_size=3)
)
numbers = st.one_of(
    st.builds(Compare, st.just(NumberField.RATING), st.sampled_from(list(Op)), st.integers(0, 5).map(float)),
    st.builds(Compare, st.just(NumberField.PLAYS), st.sampled_from(list(Op)), st.integers(0, 5).map(float)),
    st.builds(Compare, st.just(NumberField.DURATION), st.sampled_from(list(Op)), st.integers(148, 150).map(float)),
    st.builds(Compare, st.just(NumberField.DURATION), st.sampled_from(list(Op)), st.integers(0, 400).map(float)),
)
days = (
    st.sampled_from([3, 3, 3, 130])
    .flatmap(lambda most: st.integers(0, most))
    .map(lambda n: (NOW - timedelta(days=n)).date())
)
ages = st.builds(Age, st.integers(0, 3), st.sampled_from(list(AgeUnit))) | st.builds(
    Age, st.integers(0, 120), st.just(AgeUnit.DAYS)
)
dates = st.builds(Compare, st.sampled_from(list(DateField)), st.sampled_from(list(Op)), days | ages)
flags = st.builds(Flag, st.sampled_from(list(FlagName)))
leaves = terms | field_terms | numbers | dates | flags
trees = st.recursive(
    leaves,
    lambda inner: (
        st.builds(Not, inner)
        | st.builds(And, st.lists(inner, min_size=2, max_size=3).map(tuple))
        | st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple))
    ),
    max_leaves=8,
)


def render(node, data) -> str:
    """The query text of a tree, in one of the ways a person may write it (aliases, ``:`` or ``:=``, m:ss)."""
    if isinstance(node, Term):
        return f'"{node.text}"' if " " in node.text or data.draw(st.booleans()) else node.text
    if isinstance(node, FieldTerm):
        name = "tags" if node.field is TextField.STYLE and data.draw(st.booleans()) else node.field.value
        value = f'"{node.value}"' if " " in node.value else node.value
        return f"{name.upper() if data.draw(st.booleans()) else name}:{value}"
    if isinstance(node, Compare):
        op = node.op.value
        if node.op is Op.EQ:
            op = data.draw(st.sampled_from(["", "="]))
        value = node.value
        if isinstance(value, Age):
            shown = f"{value.amount}{value.unit.value}"
        elif isinstance(value, date):
            shown = value.isoformat()
        elif node.field is NumberField.DURATION and data.draw(st.booleans()):
            shown = f"{int(value) // 60}:{int(value) % 60:02d}"
        else:
            shown = str(int(value))
        return f"{node.field.value}:{op}{shown}"
    if isinstance(node, Flag):
        return f"is:{node.name.value}"
    if isinstance(node, Not):
        inner = node.term
        return "-" + (f"({render(inner, data)})" if isinstance(inner, And | Or) else render(inner, data))
    parts = [f"({render(t, data)})" if isinstance(t, And | Or) else render(t, data) for t in node.terms]
    return " OR ".join(parts) if isinstance(node, Or) else " ".join(parts)
