"""The query language: the parser on every construct and on broken queries, and the evaluation
checked against a reference filter written here from the tree, over random libraries."""

from __future__ import annotations

import math
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_strategies import (
    NOW,
    FakeClip,
    added_times,
    dates,
    field_terms,
    flags,
    libraries,
    numbers,
    render,
    terms,
    trees,
)
from record_helpers import clip_record

from suno_desktop.errors import SunoError
from suno_desktop.library.query import fold
from suno_desktop.library.query_columns import value_columns
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
    QueryError,
    Term,
    TextField,
    parse,
)
from suno_desktop.library.query_select import Selector, compile_query, distinct_words, search_text
from suno_desktop.model import ClipRecord, ClipRelation, ClipState


def record(**fields) -> ClipRecord:
    """A real library record with plain defaults."""
    return clip_record(**{"task_id": "7a5c0000-2222", **fields})


def matches(query: str, clip, **options) -> bool:
    return compile_query(query, NOW, **options)(clip)


# -- the parser ------------------------------------------------------------------


def test_the_issues_example_parses_as_meant():
    assert parse("neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30") == And(
        (
            Term("neon"),
            Not(Flag(FlagName.EXTENSION)),
            Or((Compare(NumberField.RATING, Op.GE, 4), Compare(NumberField.PLAYS, Op.GT, 3))),
            Compare(NumberField.DURATION, Op.GT, 150),
        )
    )


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("", And(())),
        ("   ", And(())),
        ("neon", Term("neon")),
        ("neon highway", And((Term("neon"), Term("highway")))),
        ('"neon highway" x', And((Term("neon highway"), Term("x")))),
        ("title:neon", FieldTerm(TextField.TITLE, "neon")),
        ('Title:"neon highway"', FieldTerm(TextField.TITLE, "neon highway")),
        ("tags:rock", FieldTerm(TextField.STYLE, "rock")),
        ("style:rock", FieldTerm(TextField.STYLE, "rock")),
        (
            "lyrics:love model:v5 description:calm",
            And(
                (
                    FieldTerm(TextField.LYRICS, "love"),
                    FieldTerm(TextField.MODEL, "v5"),
                    FieldTerm(TextField.DESCRIPTION, "calm"),
                )
            ),
        ),
        ("id:c0ff playlist:Road", And((FieldTerm(TextField.ID, "c0ff"), FieldTerm(TextField.PLAYLIST, "Road")))),
        ("rating:4", Compare(NumberField.RATING, Op.EQ, 4)),
        ("rating:=4", Compare(NumberField.RATING, Op.EQ, 4)),
        ("rating:<3", Compare(NumberField.RATING, Op.LT, 3)),
        ("plays:<=2", Compare(NumberField.PLAYS, Op.LE, 2)),
        ("duration:90", Compare(NumberField.DURATION, Op.EQ, 90)),
        ("duration:>=1:02:03", Compare(NumberField.DURATION, Op.GE, 3723)),
        ("created:2024-05-01", Compare(DateField.CREATED, Op.EQ, date(2024, 5, 1))),
        ("added:>7d", Compare(DateField.ADDED, Op.GT, Age(7, AgeUnit.DAYS))),
        ("added:<2W", Compare(DateField.ADDED, Op.LT, Age(2, AgeUnit.WEEKS))),
        ("created:>=3m", Compare(DateField.CREATED, Op.GE, Age(3, AgeUnit.MONTHS))),
        ("is:rated -is:unplayed", And((Flag(FlagName.RATED), Not(Flag(FlagName.UNPLAYED))))),
        ("-(a OR b)", Not(Or((Term("a"), Term("b"))))),
        ('-"a b"', Not(Term("a b"))),
        ("--a", Not(Not(Term("a")))),
        ("a b OR c", And((Term("a"), Or((Term("b"), Term("c")))))),  # OR binds tighter than AND
        ("(a b) OR c", Or((And((Term("a"), Term("b"))), Term("c")))),
        ("a OR b OR c", Or((Term("a"), Term("b"), Term("c")))),
        ("a or b", And((Term("a"), Term("or"), Term("b")))),  # only OR in capitals joins
        ("lo-fi 2:30 - x", And((Term("lo-fi"), Term("2:30"), Term("-"), Term("x")))),
        ('"re:birth"', Term("re:birth")),
    ],
)
def test_every_construct_parses(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("rating:>=", "rating:>= at 1 needs a value."),
        ("neon title:", "title: at 6 needs a value."),
        ('title:""', "title: at 1 needs a value."),
        ("neon (rating:4 OR plays:1", "The ( at 6 is never closed."),
        ("a) b", "The ) at 2 has no ( to close."),
        ('say "hello', 'The " at 5 is never closed.'),
        ("()", "The ( at 1 holds nothing."),
        ("OR a", "The OR at 1 needs a term before it."),
        ("a OR", "The OR at 3 needs a term after it."),
        ("(a OR) b", "The OR at 4 needs a term after it."),
        ("a -)", "The - at 3 needs a term or a ( right after it."),
        ("rating:many", "rating:many at 1 needs a whole number."),
        ("plays:>1.5", "plays:>1.5 at 1 needs a whole number."),
        ("duration:<long", "duration:<long at 1 needs seconds or m:ss (like 150 or 2:30)."),
        ("created:2024-13-01", "created:2024-13-01 at 1 needs a date (YYYY-MM-DD) or an age (like 7d, 2w, 3m)."),
        ("added:>7y", "added:>7y at 1 needs a date (YYYY-MM-DD) or an age (like 7d, 2w, 3m)."),
        ("is:great", "Unknown flag 'is:great' at 1 (flags: rated, edited, extension, failed, missing, unplayed)."),
    ],
)
def test_a_broken_query_says_what_and_where(text, sentence):
    with pytest.raises(QueryError) as raised:
        parse(text)
    assert str(raised.value) == sentence
    assert isinstance(raised.value, SunoError)


def test_an_unknown_field_lists_the_fields():
    with pytest.raises(QueryError) as raised:
        compile_query("neon colour:red")
    message = str(raised.value)
    assert message.startswith("Unknown field 'colour:' at 6 (fields: title, style, lyrics, model, description, id,")
    assert "rating" in message and "tags" in message and "quotes" in message


# -- evaluation ------------------------------------------------------------------


def test_plain_words_are_substrings_of_title_style_or_lyrics_as_before():
    clip = record(title="Neon Highway", tags="Synthwave, 80s", lyrics="Driving all night", description="calm")
    assert matches("eon", clip) and matches("NEON", clip) and matches("synth", clip) and matches("all nig", clip)
    assert matches('"all night"', clip) and not matches('"night all"', clip)
    assert matches("neon driving 80s", clip)  # every word, each anywhere
    assert not matches("neon jazz", clip)
    assert not matches("calm", clip)  # the description is not searched by plain words
    assert matches("description:calm", clip)
    assert not matches('"highway synthwave"', clip)  # a phrase does not run from one field into the next


def test_case_and_accents_are_ignored_both_ways():
    clip = record(title="Café Noël", tags="Ænima ÉLAN", lyrics="straße")
    for query in ("cafe", "CAFÉ", "noel", "NOËL", "élan", "elan", "æn", "strasse", "title:CAFE", "style:elan"):
        assert matches(query, clip), query
    assert fold("Crème BRÛLÉE ﬁne") == "creme brulee fine"


def test_text_fields_look_only_in_their_field():
    clip = record(title="Neon", tags="rock", lyrics="love", model="chirp-v4", description="a calm song")
    assert matches("title:neon style:rock tags:ROCK lyrics:lov model:v4 description:calm", clip)
    assert not matches("title:rock", clip) and not matches("lyrics:neon", clip) and not matches("model:v5", clip)


def test_id_is_a_prefix_of_the_clip_or_task_id():
    clip = record(clip_id="c0ffee00-1111", task_id="7a5c0000-2222")
    assert matches("id:c0ffee", clip) and matches("id:7A5C", clip) and matches("id:c0ffee00-1111", clip)
    assert not matches("id:ffee", clip) and not matches("id:2222", clip)


def test_playlist_matches_the_songs_of_the_playlists_whose_name_holds_the_words():
    clip = record(clip_id="c1", title="x")
    other = record(clip_id="c2", title="x")
    playlists = {"road trip": frozenset({"c1"}), "ideas": frozenset()}
    assert matches("playlist:road", clip, playlists=playlists) and matches("playlist:TRIP", clip, playlists=playlists)
    assert not matches("playlist:road", other, playlists=playlists) and matches(
        "-playlist:road", other, playlists=playlists
    )
    assert not matches("playlist:ideas", clip, playlists=playlists)
    assert not matches("playlist:x", clip) and matches("-playlist:x", clip)  # no playlists known: none holds it


def test_number_comparisons():
    clip = record(rating=4, plays=3, duration=150.4)
    true = ["rating:4", "rating:=4", "rating:>=4", "rating:>3", "rating:<5", "rating:<=4", "plays:3", "plays:>2"]
    false = ["rating:5", "rating:>4", "rating:<4", "plays:>3", "plays:<3"]
    true += ["duration:150", "duration:2:30", "duration:>=2:30", "duration:<2:31", "duration:>149.5", "duration:<=150"]
    false += ["duration:>2:30", "duration:2:31", "duration:<150"]
    assert [q for q in true if not matches(q, clip)] == []
    assert [q for q in false if matches(q, clip)] == []


def test_a_clip_without_a_value_fails_a_comparison_and_passes_its_negation():
    clip = record(duration=None, created_at=None)
    assert not matches("duration:>0", clip) and not matches("duration:<=0", clip) and matches("-duration:>0", clip)
    assert not matches("created:>1d", clip) and not matches("created:<1d", clip) and matches("-created:>1d", clip)


def test_absolute_dates_are_whole_days_in_utc():
    clip = record(created_at="2024-05-01T23:30:00+00:00")
    assert matches("created:2024-05-01", clip) and matches("created:>=2024-05-01", clip)
    assert matches("created:<=2024-05-01", clip) and matches("created:<2024-05-02", clip)
    assert not matches("created:>2024-05-01", clip) and not matches("created:<2024-05-01", clip)
    in_tokyo = record(created_at="2024-05-02T05:00:00+09:00")  # 2024-05-01 20:00 UTC
    assert matches("created:2024-05-01", in_tokyo)
    midnight = record(created_at="2024-05-02T00:00:00+00:00")  # the next day's first moment
    assert matches("created:2024-05-02", midnight) and not matches("created:<=2024-05-01", midnight)
    assert matches("created:>2024-05-01", midnight)
    naive = record(created_at="2024-05-01T10:00:00")  # read as UTC
    assert matches("created:2024-05-01", naive)
    assert not matches("created:2024-05-01", record(created_at="not a date"))


def test_relative_dates_count_back_from_now():
    three_days = record(created_at=(NOW - timedelta(days=3)).isoformat())
    ten_days = record(created_at=(NOW - timedelta(days=10)).isoformat())
    assert matches("created:7d", three_days) and matches("created:>7d", three_days)  # in the last 7 days
    assert not matches("created:7d", ten_days) and matches("created:<7d", ten_days)
    assert matches("created:>2w", ten_days) and not matches("created:>1w", ten_days)
    assert matches("created:<=1w", ten_days) and not matches("created:>=1w", ten_days)
    two_months = record(created_at=datetime(2026, 1, 10, tzinfo=UTC).isoformat())
    assert matches("created:>3m", two_months) and not matches("created:>2m", two_months)


def test_months_count_by_the_calendar():
    end_of_march = datetime(2026, 3, 31, 12, tzinfo=UTC)
    feb_28 = record(created_at="2026-02-28T12:00:00+00:00")
    assert compile_query("created:>=1m", end_of_march)(feb_28)  # 31 March - 1 month = 28 February
    assert not compile_query("created:>1m", end_of_march)(feb_28)
    assert compile_query("created:>=12m", end_of_march)(record(created_at="2025-03-31T12:00:00+00:00"))


def test_added_is_the_tasks_added_time_when_given_else_the_created_time():
    clip = record(task_id="t1", created_at="2020-01-01T00:00:00+00:00")
    added = {"t1": (NOW - timedelta(days=1)).timestamp()}
    assert matches("added:>7d", clip, added=added) and not matches("created:>7d", clip, added=added)
    assert matches("added:2020-01-01", clip) and matches("added:2020-01-01", clip, added={"other": 0.0})


def test_flags():
    plain = record(rating=0, plays=0, state=ClipState.READY)
    assert matches("is:unplayed", plain) and not matches("is:rated", plain) and not matches("is:failed", plain)
    assert not matches("is:edited", plain) and not matches("is:extension", plain) and not matches("is:missing", plain)
    assert matches("is:rated -is:unplayed", record(rating=1, plays=2))
    assert matches("is:failed", record(state=ClipState.FAILED)) and matches(
        "is:missing", record(state=ClipState.MISSING)
    )


def test_lineage_and_edits_are_read_through_their_accessors():
    assert matches("is:extension", FakeClip(parent_clip_id="p1", relation="extension"))
    assert matches("is:extension", FakeClip(parent_clip_id="p1"))
    assert not matches("is:extension", FakeClip(parent_clip_id="p1", relation="cover"))
    assert matches("is:edited", FakeClip(edited=("title",))) and not matches("is:edited", FakeClip())


def test_lineage_and_edits_of_the_librarys_records():
    extension = record(parent_clip_id="p1", relation=ClipRelation.EXTENSION)
    cover = record(parent_clip_id="p1", relation=ClipRelation.COVER)
    assert matches("is:extension", extension) and not matches("is:extension", cover)
    assert matches("is:edited", record(edits='{"title": "Mine"}')) and not matches("is:edited", record())


def test_and_or_not_combine():
    neon = record(title="Neon", rating=5)
    assert matches("neon OR jazz", neon) and matches("jazz OR neon", neon) and not matches("jazz OR blues", neon)
    assert matches("-jazz", neon) and not matches("-neon", neon) and matches("--neon", neon)
    assert matches("-(jazz OR blues) neon", neon) and not matches("-(jazz OR neon)", neon)
    assert matches("jazz OR neon rating:5", neon) and not matches("(jazz OR neon) rating:4", neon)
    assert matches("", neon)


def test_the_issues_example_picks_the_keeper():
    base = {"title": "Neon Highway", "duration": 180.0}
    keeper = record(**base, rating=4)
    played = record(**base, plays=4)
    extension = FakeClip(**base, rating=5, parent_clip_id="x")
    short = record(title="Neon Highway", duration=120.0, rating=5)
    unloved = record(**base, rating=3, plays=3)
    query = compile_query("neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30", NOW)
    assert [query(c) for c in (keeper, played, extension, short, unloved)] == [True, True, False, False, False]


# -- the property: the compiled query against a reference filter over random libraries ----


def plain(value: str) -> str:
    """The reference's folding: lower case by casefold, accents dropped, one character at a time."""
    return "".join(c for c in unicodedata.normalize("NFKD", value.casefold()) if not unicodedata.combining(c))


def months_before(now: datetime, months: int) -> datetime:
    total = now.year * 12 + (now.month - 1) - months
    return now.replace(year=total // 12, month=total % 12 + 1)  # NOW is the 15th: every month has it


#: the playlists of the reference: which clip ids each holds is decided by the library's order (see agree)
PLAYLIST_NAMES = ("aé road", "s")


def reference(node, clip: FakeClip, added: dict[str, float], playlists=None) -> bool:
    """What the README says a query means, written straight from the tree."""
    if isinstance(node, Term):
        return any(plain(node.text) in plain(f) for f in (clip.title, clip.tags, clip.lyrics))
    if isinstance(node, FieldTerm):
        if node.field is TextField.PLAYLIST:
            return any(
                plain(node.value) in plain(name) and clip.clip_id in ids for name, ids in (playlists or {}).items()
            )
        if node.field is TextField.ID:
            return any(i.lower().startswith(node.value.lower()) for i in (clip.clip_id, clip.task_id))
        source = {"title": clip.title, "style": clip.tags, "lyrics": clip.lyrics}.get(node.field.value)
        source = source if source is not None else getattr(clip, node.field.value)
        return plain(node.value) in plain(source)
    if isinstance(node, Flag):
        return {
            FlagName.RATED: clip.rating > 0,
            FlagName.EDITED: bool(clip.edited),
            FlagName.EXTENSION: clip.parent_clip_id is not None and clip.relation in ("", "extension"),
            FlagName.FAILED: clip.state == ClipState.FAILED,
            FlagName.MISSING: clip.state == ClipState.MISSING,
            FlagName.UNPLAYED: clip.plays == 0,
        }[node.name]
    if isinstance(node, Not):
        return not reference(node.term, clip, added, playlists)
    if isinstance(node, And):
        return all(reference(t, clip, added, playlists) for t in node.terms)
    if isinstance(node, Or):
        return any(reference(t, clip, added, playlists) for t in node.terms)
    return compare_reference(node, clip, added)


def compare_reference(node: Compare, clip: FakeClip, added: dict[str, float]) -> bool:
    ops = {
        Op.EQ: lambda a, b: a == b,
        Op.GT: lambda a, b: a > b,
        Op.GE: lambda a, b: a >= b,
        Op.LT: lambda a, b: a < b,
        Op.LE: lambda a, b: a <= b,
    }
    if node.field is NumberField.DURATION:
        return clip.duration is not None and ops[node.op](round(clip.duration), node.value)
    if isinstance(node.field, NumberField):
        return ops[node.op](getattr(clip, node.field.value), node.value)
    if node.field is DateField.ADDED and clip.task_id in added:
        when = datetime.fromtimestamp(added[clip.task_id], UTC)
    elif clip.created_at in (None, "not a date"):
        return False
    else:
        when = datetime.fromisoformat(clip.created_at).astimezone(UTC)
    if isinstance(node.value, Age):
        amount, unit = node.value.amount, node.value.unit
        since = (
            months_before(NOW, amount)
            if unit is AgeUnit.MONTHS
            else NOW - timedelta(days=amount * (7 if unit is AgeUnit.WEEKS else 1))
        )
        return ops[Op.GE if node.op is Op.EQ else node.op](when, since)
    day = when.date()  # a date names a whole day: compare the clip's day
    return ops[node.op](day, node.value)


def agree(tree, library, added, data) -> None:
    text = render(tree, data)
    assert parse(text) == tree, text
    # two playlists: every other clip, and the first one
    held = (frozenset(c.clip_id for c in library[::2]), frozenset(c.clip_id for c in library[:1]))
    playlists = {plain(name): ids for name, ids in zip(PLAYLIST_NAMES, held)}
    test = compile_query(text, NOW, added=added, playlists=playlists)
    expected = [reference(tree, clip, added, playlists) for clip in library]
    assert [test(clip) for clip in library] == expected, text
    # the whole library at once, as the window's table and list --query ask: the same clips, in order,
    # from every position and from a subset of them (what typing on narrows to)
    texts = [search_text(clip) for clip in library]
    selector = Selector.of(text, NOW, added=added, playlists=playlists)
    assert selector.select(range(len(library)), texts, library.__getitem__) == [
        n for n, hit in enumerate(expected) if hit
    ], text
    odd = range(1, len(library), 2)
    assert selector.select(odd, texts, library.__getitem__) == [n for n in odd if expected[n]], text
    # the window's search of every row reads each text's distinct words for the words without spaces,
    # and the rows' value columns (value_columns) for comparisons and flags
    words = list(map(distinct_words, texts))
    assert selector.select(range(len(library)), texts, library.__getitem__, words) == [
        n for n, hit in enumerate(expected) if hit
    ], text
    columns = value_columns(library)
    assert selector.select(odd, texts, library.__getitem__, words, columns) == [n for n in odd if expected[n]], text
    assert selector.select(range(len(library)), texts, library.__getitem__, words, columns) == [
        n for n, hit in enumerate(expected) if hit
    ], text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, library=libraries, added=added_times, data=st.data())
def test_compiled_queries_agree_with_the_reference_filter(tree, library, added, data):
    agree(tree, library, added, data)


@pytest.mark.parametrize("kind", ["words", "fields", "numbers", "dates", "flags"])
def test_each_kind_of_term_agrees_with_the_reference_filter(kind):
    """One kind of term at a time: its edges (a day's end, a rounded second) are not hidden by the rest of a tree."""
    family = {"words": terms, "fields": field_terms, "numbers": numbers, "dates": dates, "flags": flags}[kind]

    @settings(max_examples=400, deadline=None)
    @given(tree=family | st.builds(Not, family), library=libraries, added=added_times, data=st.data())
    def check(tree, library, added, data):
        agree(tree, library, added, data)

    check()


@pytest.mark.parametrize(
    ("title", "tags", "lyrics", "found"),
    [
        ("Rain", "pop", "sun", {"title"}),
        ("Sun", "rain pop", "sun", {"style"}),
        ("Sun", "pop", "la rain la", {"lyrics"}),
        ("Rain", "rain", "rain", {"title", "style", "lyrics"}),
        ("Rain", "pop", "rain", {"title", "lyrics"}),  # found first in the title, last in the lyrics
        ("Sun", "rain", "rain", {"style", "lyrics"}),
        ("Train", "brain", "drain", {"title", "style", "lyrics"}),  # a substring, as plain words
        ("Sun", "pop", "sun", set()),
    ],
)
def test_a_field_term_finds_its_word_in_its_own_line_only(title, tags, lyrics, found):
    """title:, style: and lyrics: read one line of a clip's search text each (many clips at once: see select)."""
    assert_found_in_lines(FakeClip(title=title, tags=tags, lyrics=lyrics), "rain", found)


@pytest.mark.parametrize(
    ("title", "tags", "lyrics", "found"),
    [
        ("Neon Road", "pop", "la", {"title"}),
        ("Sun", "neon road", "la", {"style"}),
        ("Sun", "pop", "la\nneon road\nla", {"lyrics"}),
        ("Neon", "road", "la", set()),  # a phrase does not run from one line into the next
        ("Neon Road", "neon road", "neon road", {"title", "style", "lyrics"}),
    ],
)
def test_a_field_phrase_is_looked_for_in_its_own_line(title, tags, lyrics, found):
    """A phrase holds a space: it is looked for in the texts (not their distinct words), between the same new lines."""
    assert_found_in_lines(FakeClip(title=title, tags=tags, lyrics=lyrics), '"neon road"', found)


def assert_found_in_lines(clip: FakeClip, value: str, found: set[str]) -> None:
    """``field:value`` finds *clip* for the fields in *found* only: each clip alone, and many at once, from every
    row (a range) or some (a list), with and without the texts' distinct words."""
    clips = [clip, FakeClip(title="x", tags="y", lyrics="z")]
    texts = [search_text(c) for c in clips]
    words = list(map(distinct_words, texts))
    for field in ("title", "style", "lyrics"):
        selector = Selector.of(f"{field}:{value}")
        for candidates in (range(2), [0, 1]):
            for known_words in (None, words):
                picked = selector.select(candidates, texts, clips.__getitem__, known_words)
                assert (picked == [0]) is (field in found), (field, candidates, known_words is not None)
        assert matches(f"{field}:{value}", clip) is (field in found), field


def test_distinct_words_keep_a_line_per_part():
    """The title's, the style's and the lyrics' words, each once per line, whatever new lines the lyrics hold."""
    text = search_text(FakeClip(title="Rain Rain", tags="pop rain", lyrics="rain\nla rain\n\nla"))
    title, style, lyrics = distinct_words(text).split("\n")
    assert (sorted(title.split()), sorted(style.split()), sorted(lyrics.split())) == (
        ["rain"],
        ["pop", "rain"],
        ["la", "rain"],
    )
    assert distinct_words("") == "  \n  \n  "
    assert distinct_words("a\nb\nc c") == " a \n b \n c "  # each word between spaces (see the phrases below)


@pytest.mark.parametrize("phrase", ["neon road", "eon ro", "neon road 7", "road 7", "the neon", "n r", "neon  road"])
def test_a_phrase_looked_for_first_in_the_words_finds_what_the_texts_hold(phrase):
    """A phrase's words are looked for in the distinct words first when that leaves out many texts: none it holds."""
    clips = [
        FakeClip(title=f"Neon Road {n}" if n % 7 == 0 else f"Song {n}", tags="pop", lyrics=f"the neon road {n}\nla")
        for n in range(1200)
    ]
    texts = [search_text(clip) for clip in clips]
    words = list(map(distinct_words, texts))
    for query in (f'"{phrase}"', f'title:"{phrase}"', f'lyrics:"{phrase}"', f'-"{phrase}"'):
        expected = [n for n, clip in enumerate(clips) if matches(query, clip)]
        assert Selector.of(query).select(range(len(clips)), texts, clips.__getitem__, words) == expected, query


@pytest.mark.parametrize(("query", "found"), [("created:>7d", False), ("created:>=7d", True), ("created:7d", True),
                                              ("created:<7d", False), ("created:<=7d", True)])  # fmt: skip
def test_a_clip_created_exactly_an_age_ago_is_on_the_edges_an_age_names(query, found):
    """The window compares its rows' creation times in C (value_columns): at the moment itself too."""
    clip = FakeClip(created_at=(NOW - timedelta(days=7)).isoformat())
    other = FakeClip(created_at=None)
    library = [clip, other]
    texts = [search_text(c) for c in library]
    picked = Selector.of(query, NOW).select(range(2), texts, library.__getitem__, None, value_columns(library))
    assert picked == ([0] if found else [])
    assert matches(query, clip) is found


@pytest.mark.parametrize("query", ["duration:2:30", "duration:>2:30", "duration:>=2:30", "duration:<2:30",
                                   "duration:<=2:30", "-duration:2:30"])  # fmt: skip
def test_durations_compared_in_c_agree_with_each_clip_at_their_rounding_edges(query):
    """The window compares whole seconds as the table shows them (value_columns); a clip without one fails."""
    library = [FakeClip(duration=seconds) for seconds in (149.4, 149.5, 150.0, 150.5, 150.6, None)]
    texts = [search_text(c) for c in library]
    picked = Selector.of(query, NOW).select(range(6), texts, library.__getitem__, None, value_columns(library))
    assert picked == [n for n, clip in enumerate(library) if matches(query, clip)]
    assert picked == Selector.of(query, NOW).select(range(6), texts, library.__getitem__)


def test_the_added_column_follows_the_tasks_times_and_the_rows():
    """added: reads when each row's task was added (else when it was created); kept until either changes."""
    clips = [FakeClip(task_id="a", created_at="2026-01-01T00:00:00+00:00"), FakeClip(task_id="b")]
    columns = value_columns(clips)
    created = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert columns.added({}) is columns.created
    times = {"a": 100.0}
    first = list(columns.added(times))
    assert first[0] == 100.0 and math.isnan(first[1])
    assert columns.added(times) is columns.added(times)  # kept
    times["b"] = 200.0  # a sync added a task
    assert list(columns.added(times)) == [100.0, 200.0]
    columns.put(0, FakeClip(task_id="c", created_at="2026-01-01T00:00:00+00:00"))  # the row changed
    assert list(columns.added(times)) == [created, 200.0]
    columns.extend_with([FakeClip(task_id="a")])
    assert list(columns.added(times)) == [created, 200.0, 100.0]
    assert list(columns.kept([2, 1]).added(times)) == [100.0, 200.0]
    other = list(columns.added({"c": 1.0, "b": 2.0}))  # other times, as many of them
    assert other[:2] == [1.0, 2.0] and math.isnan(other[2])


def test_play_counts_past_a_floats_precision_compare_exactly():
    """The plays column holds doubles: a float holds whole numbers exactly up to 2**24 only."""
    clips = [FakeClip(plays=2**24 + 1), FakeClip(plays=3)]
    texts = [search_text(c) for c in clips]
    for query, found in (("plays:16777217", [0]), ("plays:>16777216", [0]), ("plays:<4", [1])):
        assert Selector.of(query).select(range(2), texts, clips.__getitem__, None, value_columns(clips)) == found
