import re
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from suno_desktop.library.filenames import (
    COUNTER_BYTES,
    DEFAULT_TEMPLATE,
    MAX_STEM_BYTES,
    MAX_SUFFIX_BYTES,
    NAME_MAX_BYTES,
    PART_AFFIX_BYTES,
    STEM_BYTES_LIMIT,
    TEMPLATE_FIELDS,
    TemplateError,
    check_new_template,
    render_stem,
    sanitize_component,
    template_uses,
    validate_template,
)
from suno_desktop.model import Clip


def clip(title="City Lights", clip_id="a06015d0-9e04-4f30-85db-401494940394", **kw):
    return Clip(clip_id=clip_id, task_id="ba46ad15-07ce-41a6-b68d-196321dc00d5", title=title, **kw)


def test_default_template_has_title_and_short_id():
    assert render_stem(DEFAULT_TEMPLATE, clip()) == "City Lights [a06015d0]"


def test_two_clips_of_a_task_never_collide():
    a = render_stem(DEFAULT_TEMPLATE, clip(clip_id="a06015d0-9e04-4f30-85db-401494940394"))
    b = render_stem(DEFAULT_TEMPLATE, clip(clip_id="a6bd6a70-4cde-4f06-a80b-7f199f7dd92e"))
    assert a != b


@pytest.mark.parametrize(
    "title",
    [
        "../../etc/passwd",
        "a/b\\c",
        "..",
        ".",
        "...",
        "   ",
        "",
        "\x00\x01\x1f",
        "con",
        "NUL.txt",
        "COM1",
        "lpt9",
        "trailing. . .",
        'what? <yes>: "no" | *',
    ],
)
def test_hostile_titles_give_one_safe_component(title):
    stem = render_stem(DEFAULT_TEMPLATE, clip(title=title))
    assert stem and "/" not in stem and "\\" not in stem
    assert not stem.startswith(".") and not stem.endswith((".", " "))
    assert not any(ch in stem for ch in '<>:"|?*') and not any(ord(ch) < 32 for ch in stem)
    assert stem.split(".")[0].split(" ")[0].upper() not in {"CON", "NUL", "COM1", "LPT9"}


def test_unicode_is_kept_and_length_bounded():
    assert render_stem(DEFAULT_TEMPLATE, clip(title="夜のドライブ 🚗 Café")).startswith("夜のドライブ 🚗 Café")
    long = render_stem(DEFAULT_TEMPLATE, clip(title="é" * 500))
    assert len(long.encode("utf-8")) <= MAX_STEM_BYTES
    long.encode("utf-8").decode("utf-8")  # never cut inside a character


def test_reserved_names_are_prefixed():
    assert sanitize_component("CON") == "_CON"
    assert sanitize_component("aux.mp3") == "_aux.mp3"
    assert sanitize_component("Contact") == "Contact"


def test_empty_everything_falls_back():
    assert render_stem(DEFAULT_TEMPLATE, clip(title="///")) == "Untitled [a06015d0]"


def test_template_fields_and_errors():
    c = clip(tags="punk", model="chirp-v4", created_at=datetime(2024, 12, 9, tzinfo=UTC))
    assert render_stem("{date} - {title} ({model}) {short_id}", c) == "2024-12-09 - City Lights (chirp-v4) a06015d0"
    with pytest.raises(TemplateError, match="unknown field"):
        validate_template("{singer} {short_id}")
    with pytest.raises(TemplateError, match="short_id"):
        validate_template("{title}")
    with pytest.raises(TemplateError):
        validate_template("{title")
    with pytest.raises(TemplateError):
        validate_template("  ")


def test_artist_field_is_the_artist_given_and_safe():
    assert "artist" in TEMPLATE_FIELDS
    template = "{artist} - {title} [{short_id}]"
    assert render_stem(template, clip(), artist="My Band") == "My Band - City Lights [a06015d0]"
    assert render_stem(template, clip(), artist="AC/DC") == "AC DC - City Lights [a06015d0]"
    assert render_stem(template, clip()) == "- City Lights [a06015d0]"  # no artist: nothing, not "None"
    assert template_uses(template, "artist")
    assert not template_uses(DEFAULT_TEMPLATE, "artist")
    assert not template_uses("{artist", "artist")  # malformed: no field at all


def test_new_templates_may_not_make_folders_but_saved_ones_still_work():
    for template in ("{year}/{title} {short_id}", "{year}\\{title} {short_id}"):
        with pytest.raises(TemplateError, match="cannot contain"):
            check_new_template(template)
        # One saved before the check names the files as it always did: the separator is a space.
        assert render_stem(template, clip(created_at=datetime(2024, 1, 2, tzinfo=UTC))) == "2024 City Lights a06015d0"
    check_new_template("{year} - {title} {short_id}")
    with pytest.raises(TemplateError, match="unknown field"):
        check_new_template("{singer} {short_id}")


# --------------------------------------------------------------------------- long names


OTHER_CLIP_ID = "a6bd6a70-4cde-4f06-a80b-7f199f7dd92e"
FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\ud800-\udfff]')
RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}


def full_name_bytes(stem, suffix=".jpeg", counter=" (99)"):
    """The longest name a download of *stem* can take on disk: the ``.part`` file of a duplicate."""
    return len(f".{stem}{counter}{suffix}.part".encode())


def test_budget_arithmetic():
    assert (PART_AFFIX_BYTES, MAX_SUFFIX_BYTES, COUNTER_BYTES) == (6, 5, 7)
    assert STEM_BYTES_LIMIT == 255 - 6 - 5 - 7 == 237
    assert MAX_STEM_BYTES <= STEM_BYTES_LIMIT
    assert MAX_STEM_BYTES + MAX_SUFFIX_BYTES + COUNTER_BYTES + PART_AFFIX_BYTES <= 250  # part_path's hash limit
    assert NAME_MAX_BYTES == 255


@pytest.mark.parametrize("title", ["A" * 240, "夜空に光る星のように" * 7, "城市之光" * 18 + "们们"])
def test_long_titles_keep_the_short_id(title):
    a = render_stem(DEFAULT_TEMPLATE, clip(title=title))
    b = render_stem(DEFAULT_TEMPLATE, clip(title=title, clip_id=OTHER_CLIP_ID))
    assert a != b
    assert a.endswith(" [a06015d0]") and b.endswith(" [a6bd6a70]")
    for stem in (a, b):
        assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES
        assert full_name_bytes(stem) <= 255
        assert title.startswith(stem[: -len(" [a06015d0]")])
    assert len(a.encode("utf-8")) > MAX_STEM_BYTES - 3  # only as much is cut as needed


def test_names_that_fit_are_unchanged():
    title = "x" * (MAX_STEM_BYTES - len(" [a06015d0]"))
    assert render_stem(DEFAULT_TEMPLATE, clip(title=title)) == f"{title} [a06015d0]"
    long = "é" * 300
    assert render_stem("{short_id} {title}", clip(title=long)) == "a06015d0 " + "é" * 85


@pytest.mark.parametrize(
    "unit",
    [
        "q\u0323\u0301",
        "👨\u200d👩\u200d👧\u200d👦",
        "🇯🇵",
        "🏳\ufe0f\u200d🌈",
        "👍🏽",
        "1\ufe0f\u20e3",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    ],
)
def test_titles_are_cut_between_grapheme_clusters(unit):
    for pad in range(4):  # every offset of the cut within the cluster
        title = "a" * pad + unit * 100
        stem = render_stem(DEFAULT_TEMPLATE, clip(title=title))
        kept = stem[: -len(" [a06015d0]")]
        assert stem.endswith(" [a06015d0]") and len(stem.encode("utf-8")) <= MAX_STEM_BYTES
        assert kept == "a" * pad + unit * ((len(kept) - pad) // len(unit))


def test_the_longest_field_gives_way_first():
    c = clip(title="T" * 300, tags="pop, dreamy", model="chirp-v4")
    stem = render_stem("{model} - {tags} - {title} {short_id}", c)
    assert stem.startswith("chirp-v4 - pop, dreamy - TTT") and stem.endswith("T a06015d0")
    assert len(stem.encode("utf-8")) == MAX_STEM_BYTES
    both = render_stem("{tags} {title} {short_id}", clip(title="T" * 300, tags="g" * 300))
    assert both == "g" * 85 + " " + "T" * 85 + " a06015d0"


def test_absurd_templates_still_name_the_clip():
    assert render_stem("x" * 300 + " {short_id}", clip()) == "clip-a06015d0-9e04-4f30-85db-401494940394"
    assert render_stem("{clip_id}" * 6, clip()) == "clip-a06015d0-9e04-4f30-85db-401494940394"
    assert "a06015d0" in render_stem("{title} {short_id:.2}", clip())


def test_reserved_prefix_and_edges_stay_within_the_limit():
    name = sanitize_component("CON." + "a" * 300, max_bytes=50)
    assert name.startswith("_CON.") and len(name.encode("utf-8")) <= 50
    assert render_stem("{title}.{short_id}", clip(title="nul")) == "_nul.a06015d0"
    assert render_stem(DEFAULT_TEMPLATE, clip(title="\u0301\u0323. Song")) == "Song [a06015d0]"
    assert render_stem(DEFAULT_TEMPLATE, clip(title="bad \ud800 half")) == "bad half [a06015d0]"


# --------------------------------------------------------------------------- property test

HOSTILE = [
    "A" * 240,
    "x" * 90,
    "夜のドライブ" * 6,
    "城市之光" * 20,
    "노래 " * 10,
    "\u1100\u1161\u11a8",
    "👨\u200d👩\u200d👧\u200d👦",
    "🏳\ufe0f\u200d🌈",
    "🇯🇵🇫🇷",
    "🇺",
    "👍🏽",
    "1\ufe0f\u20e3",
    "\u200d",
    "\ufe0f",
    "e\u0301",
    "\u0301",
    "\u0323\u0302",
    "q\u0307\u0323",
    "\u093f",
    "\u20e3",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202e",
    "\u202d",
    "\u200e",
    "\u200f",
    "\u2066",
    "\u2069",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\t",
    "\n",
    "\r\n",
    "\ud800",
    "\udfff",
    "CON",
    "con",
    "NUL.txt",
    "COM1",
    "lpt¹",
    "AUX.",
    "CONIN$",
    "/",
    "\\",
    "..",
    ".",
    "...",
    " ",
    "  ",
    ":",
    "*",
    "?",
    '"',
    "<>",
    "|",
]
piece = st.sampled_from(HOSTILE) | st.text(max_size=8)
repeated = st.tuples(piece, st.integers(1, 60)).map(lambda t: t[0] * t[1])
hostile_text = st.lists(piece | repeated, max_size=12).map("".join)
long_text = st.lists(repeated, min_size=1, max_size=4).map("".join)
literal = st.lists(
    st.sampled_from([" ", " - ", " [", "]", "(", ")", ".", "..", "/", "CON", "\u0301", "🇯", "_", "x" * 60, "y" * 200])
    | st.text(st.characters(blacklist_characters="{}", blacklist_categories=("Cs",)), max_size=5),
    max_size=3,
).map("".join)
field = st.sampled_from(TEMPLATE_FIELDS).map(lambda name: "{" + name + "}")


@st.composite
def templates(draw):
    parts = draw(st.lists(field | literal, max_size=6))
    unique = draw(st.sampled_from(["{short_id}", "{clip_id}"]))
    parts.insert(draw(st.integers(0, len(parts))), unique)
    return "".join(parts)


@st.composite
def clip_pairs(draw):
    ids = draw(st.lists(st.uuids(), min_size=2, max_size=2, unique=True))
    assume(ids[0].hex[:8] != ids[1].hex[:8])  # 8 hex digits are all {short_id} promises
    kw = {
        "task_id": str(draw(st.uuids())),
        "title": draw(hostile_text | long_text),
        "tags": draw(hostile_text),
        "model": draw(st.sampled_from(["", "chirp-v4", "CON", "../x", "m" * 200])),
        "created_at": draw(st.none() | st.datetimes(timezones=st.just(UTC))),
    }
    return tuple(Clip(clip_id=str(i), **kw) for i in ids)


def assert_safe(stem):
    assert stem and unicodedata.normalize("NFC", stem) == stem
    assert stem.encode("utf-8").decode("utf-8") == stem
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES and full_name_bytes(stem) <= 255
    assert not FORBIDDEN.search(stem)
    assert not unicodedata.category(stem[0]).startswith("M") and stem[0] != "\u200d"
    assert not stem.startswith(".") and not stem.endswith((".", " "))
    assert stem.split(".")[0].upper().rstrip() not in RESERVED


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates(), clip_pairs())
def test_hostile_names_never_collide_and_always_fit(template, pair):
    stems = [render_stem(template, c) for c in pair]
    assert stems[0] != stems[1]
    for stem, c in zip(stems, pair):
        assert_safe(stem)
        assert (c.short_id if "{short_id}" in template else c.clip_id) in stem
