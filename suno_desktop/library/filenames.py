"""File names from a template, safe on Windows, macOS and Linux.

A clip's title comes from a stranger's prompt; it may hold ``/``, ``..``, control
characters or a name Windows reserves. Everything here produces one path
*component* (never a path), keeps Unicode, and is never empty.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata

from ..relay.model import Clip

DEFAULT_TEMPLATE = "{title} [{short_id}]"
TEMPLATE_FIELDS = ("title", "short_id", "clip_id", "task_id", "tags", "model", "date", "year")

# Windows refuses these as base names, with or without an extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{prefix}{n}" for prefix in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")
}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
#: bytes, not characters: ext4 and APFS limit a component to 255 bytes; keep room for
#: a suffix, a collision counter and the ".part" temporary name.
MAX_STEM_BYTES = 180


class TemplateError(ValueError):
    """The file-name template names a field that does not exist or is malformed."""


def _fields(clip: Clip) -> dict[str, str]:
    created = clip.created_at
    return {
        "title": clip.title,
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
            "The file-name template must contain {short_id} or {clip_id}: "
            "the two songs of a task share a title."
        )


def render_stem(template: str, clip: Clip) -> str:
    """The file name without suffix for *clip*; fields are sanitised before they are joined."""
    validate_template(template)
    fields = {key: sanitize_component(value, fallback="") for key, value in _fields(clip).items()}
    fields["title"] = fields["title"] or "Untitled"
    return sanitize_component(template.format(**fields), fallback=f"clip-{clip.short_id}")


def sanitize_component(name: str, *, fallback: str = "Untitled", max_bytes: int = MAX_STEM_BYTES) -> str:
    """One safe path component: no separators, traversal, control or reserved names."""
    text = unicodedata.normalize("NFC", name or "")
    text = _FORBIDDEN.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = text.strip(". ")  # no leading dots (hidden / "..") and no trailing dots or spaces
    text = _truncate_utf8(text, max_bytes).rstrip(". ")
    if text.split(".")[0].upper().rstrip() in _RESERVED:
        text = f"_{text}"
    if not text:
        return fallback if fallback == "" else sanitize_component(fallback, fallback="Untitled")
    return text


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")
