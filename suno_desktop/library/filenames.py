"""File names from a template, safe on Windows, macOS and Linux.

A clip's title comes from a stranger's prompt; it may hold ``/``, ``..``, control
characters or a name Windows reserves. Everything here produces one path
*component* (never a path), keeps Unicode, and is never empty.

The two clips of a task share their title, so the template's unique field
(``{short_id}`` or ``{clip_id}``) must survive when a long name is shortened:
the other fields give way, longest first, and only between grapheme clusters.
"""

from __future__ import annotations

import functools
import re
import string
import sys
import unicodedata
from collections import Counter

from ..model import DEFAULT_TEMPLATE as DEFAULT_TEMPLATE
from ..model import Clip

TEMPLATE_FIELDS = ("title", "artist", "short_id", "clip_id", "task_id", "tags", "model", "date", "year")
#: never shortened: the two clips of a task differ in nothing else.
UNIQUE_FIELDS = ("short_id", "clip_id")

# Windows refuses these as base names, with or without an extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{prefix}{n}" for prefix in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}
# Lone surrogates (from JSON "\ud800") cannot be encoded for any file system.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\ud800-\udfff]')
_SPACES = re.compile(r"\s+")

# The byte budget. ext4 and APFS limit a component to 255 bytes (NAME_MAX), and the
# stem is not the whole name: media/download.py adds a suffix, free_path() a collision
# counter (f"{stem} ({n}){suffix}") and part_path() the temporary f".{name}.part".
NAME_MAX_BYTES = 255
PART_AFFIX_BYTES = len(".") + len(".part")  # 6
MAX_SUFFIX_BYTES = len(".jpeg")  # 5, also ".webp"
COUNTER_BYTES = len(" (9999)")  # 7
#: 255 - 6 - 5 - 7 = 237: the most a stem could ever take.
STEM_BYTES_LIMIT = NAME_MAX_BYTES - PART_AFFIX_BYTES - MAX_SUFFIX_BYTES - COUNTER_BYTES
#: bytes, not characters. 180 (< 237) is what earlier versions cut at, so names that fit
#: keep their bytes; 180 + 5 + 7 + 6 = 198 also stays below the 250 at which
#: part_path() falls back to a hashed name.
MAX_STEM_BYTES = 180
_UNLIMITED = sys.maxsize

_ZWJ = "\u200d"


class TemplateError(ValueError):
    """The file-name template names a field that does not exist or is malformed."""


def _fields(clip: Clip, artist: str) -> dict[str, str]:
    created = clip.created_at
    return {
        "title": clip.title,
        "artist": artist,
        "short_id": clip.short_id,
        "clip_id": clip.clip_id,
        "task_id": clip.task_id,
        "tags": clip.tags,
        "model": clip.model,
        "date": created.strftime("%Y-%m-%d") if created else "",
        "year": created.strftime("%Y") if created else "",
    }


@functools.lru_cache(maxsize=32)
def validate_template(template: str) -> None:
    """Raise :class:`TemplateError` with a sentence the settings dialog can show."""
    if not template.strip():
        raise TemplateError("The file-name template is empty.")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise TemplateError(f"The file-name template is malformed: {exc}.") from None
    unknown = [name for name in names if name not in TEMPLATE_FIELDS]
    if unknown:
        raise TemplateError(
            f"The file-name template uses unknown field {{{unknown[0]}}}; "
            f"available: {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}."
        )
    if "short_id" not in names and "clip_id" not in names:
        raise TemplateError(
            "The file-name template must contain {short_id} or {clip_id}: the two songs of a task share a title."
        )


def check_new_template(template: str) -> None:
    """What the settings dialog accepts: a valid template that names one file, not folders.

    A template saved before this check keeps working: its ``/`` becomes a space, as
    it always did, so the files it named are not renamed behind the user's back.
    """
    validate_template(template)
    for separator in ("/", "\\"):
        if separator in template:
            raise TemplateError(
                f"A file name cannot contain “{separator}”: every song stays in the library folder itself, "
                "so use another separator such as “-”."
            )


def template_uses(template: str, name: str) -> bool:
    """Whether *template* has the field *name* (False for a malformed template)."""
    try:
        return name in dict(_field_counts(template))
    except ValueError:
        return False


@functools.lru_cache(maxsize=32)
def _field_counts(template: str) -> tuple[tuple[str, int], ...]:
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    return tuple(Counter(names).items())


def render_stem(template: str, clip: Clip, *, artist: str = "") -> str:
    """The file name without suffix for *clip*; fields are sanitised before they are joined.

    *artist* is the one from Settings, the same that is written into the tags.
    A name that fits comes out exactly as it always did (files on disk keep their names).
    """
    validate_template(template)
    values = _fields(clip, artist)
    fields = {key: sanitize_component(value, fallback="", max_bytes=_UNLIMITED) for key, value in values.items()}
    fields["title"] = fields["title"] or "Untitled"
    counts = dict(_field_counts(template))
    unique = [fields[key] for key in UNIQUE_FIELDS if key in counts]
    stem = _join(template, fields, clip)
    if _byte_len(stem) <= MAX_STEM_BYTES and _keeps(stem, unique):
        return stem
    if _keeps(stem, unique):
        shortened = _shorten(template, fields, counts, clip, _byte_len(stem) - MAX_STEM_BYTES)
        if shortened is not None:
            return shortened
    # An absurd template (its literal text alone is too long) or a format spec such as
    # "{short_id:.2}" that cuts the id: a plain name that still tells the clips apart.
    return sanitize_component(f"clip-{clip.clip_id}", fallback=f"clip-{clip.short_id}")


def _join(template: str, fields: dict[str, str], clip: Clip) -> str:
    joined = template.format(**fields)
    return sanitize_component(joined, fallback=f"clip-{clip.short_id}", max_bytes=_UNLIMITED)


def _keeps(stem: str, unique: list[str]) -> bool:
    return all(value in stem for value in unique)


def _shorten(template: str, fields: dict[str, str], counts: dict[str, int], clip: Clip, excess: int) -> str | None:
    """Take *excess* bytes from the longest non-unique fields, then check what came out.

    Joining and sanitising again can differ by a byte or two (a reserved-name ``_``,
    spaces that collapse, NFC across a field's edge), so the loop measures and retries.
    """
    shrink = {key: n for key, n in counts.items() if key not in UNIQUE_FIELDS and fields[key]}
    sizes = {key: _byte_len(fields[key]) for key in shrink}
    unique = [fields[key] for key in UNIQUE_FIELDS if key in counts]
    avail = sum(n * sizes[key] for key, n in shrink.items()) - excess
    while avail >= 0:
        cap = _water_level(sizes, shrink, avail)
        trial = dict(fields)
        for key in shrink:
            trial[key] = _cut_graphemes(fields[key], cap)
        stem = _join(template, trial, clip)
        over = _byte_len(stem) - MAX_STEM_BYTES
        if over <= 0:
            return stem if _keeps(stem, unique) else None
        avail -= over
    return None


def _water_level(sizes: dict[str, int], counts: dict[str, int], avail: int) -> int:
    """The largest cap for which capping every field at it leaves *avail* bytes or fewer."""
    low, high = 0, max(sizes.values(), default=0)
    while low < high:
        mid = (low + high + 1) // 2
        if sum(n * min(sizes[key], mid) for key, n in counts.items()) <= avail:
            low = mid
        else:
            high = mid - 1
    return low


def sanitize_component(name: str, *, fallback: str = "Untitled", max_bytes: int = MAX_STEM_BYTES) -> str:
    """One safe path component: no separators, traversal, control or reserved names."""
    text = unicodedata.normalize("NFC", name or "")
    text = _FORBIDDEN.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _strip_ends(text)  # no leading dots (hidden / ".."), marks, trailing dots or spaces
    text = _clip(text, max_bytes)
    if text.split(".")[0].upper().rstrip() in _RESERVED:
        text = f"_{_clip(text, max_bytes - 1)}"
    if not text:
        return fallback if fallback == "" else sanitize_component(fallback, fallback="Untitled")
    return text


def _strip_ends(text: str) -> str:
    start = 0
    while start < len(text) and (text[start] in ". " or _extends(text[start])):
        start += 1  # a mark with nothing before it would join the previous field
    return text[start:].rstrip(". ")


def _clip(text: str, max_bytes: int) -> str:
    if _byte_len(text) <= max_bytes:
        return text
    return _cut_graphemes(text, max_bytes).rstrip(". ")


def _byte_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _extends(ch: str) -> bool:
    """Whether *ch* belongs to the character before it (marks, ZWJ, selectors, skin tones, tags)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch == _ZWJ
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters of subdivision flags
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _cut_graphemes(text: str, max_bytes: int) -> str:
    """The longest prefix of at most *max_bytes* UTF-8 bytes that ends between grapheme clusters.

    A simplification of UAX #29 with ``unicodedata`` only: no break before a mark or
    other extender, after a ZWJ, or inside a pair of regional indicators (a flag).
    """
    best = used = regional_run = 0
    for i, ch in enumerate(text):
        starts_a_character = i and not _extends(ch) and text[i - 1] != _ZWJ
        if starts_a_character and not (_is_regional_indicator(ch) and regional_run % 2):
            best = i
        regional_run = regional_run + 1 if _is_regional_indicator(ch) else 0
        used += len(ch.encode("utf-8"))
        if used > max_bytes:
            return text[:best]
    return text
