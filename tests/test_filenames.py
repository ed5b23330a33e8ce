from datetime import datetime, timezone

import pytest

from suno_desktop.library.filenames import (
    DEFAULT_TEMPLATE,
    MAX_STEM_BYTES,
    TemplateError,
    render_stem,
    sanitize_component,
    validate_template,
)
from suno_desktop.relay.model import Clip


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
    ["../../etc/passwd", "a/b\\c", "..", ".", "...", "   ", "", "\x00\x01\x1f", "con", "NUL.txt",
     "COM1", "lpt9", "trailing. . .", "what? <yes>: \"no\" | *"],
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
    c = clip(tags="punk", model="chirp-v4", created_at=datetime(2024, 12, 9, tzinfo=timezone.utc))
    assert render_stem("{date} - {title} ({model}) {short_id}", c) == "2024-12-09 - City Lights (chirp-v4) a06015d0"
    with pytest.raises(TemplateError, match="unknown field"):
        validate_template("{artist} {short_id}")
    with pytest.raises(TemplateError, match="short_id"):
        validate_template("{title}")
    with pytest.raises(TemplateError):
        validate_template("{title")
    with pytest.raises(TemplateError):
        validate_template("  ")
