"""What the user writes over the relay's words: a clip's title, style, lyrics and description.

The relay's values stay in their columns (a refresh keeps updating them); the
user's are kept beside them in ``edits`` (JSON) and read in their place
(:data:`.store.EDITABLE_COLUMNS`), so a refresh never overwrites what the user
wrote, and reverting a field shows the relay's latest value again. The tags and
the file name follow at the next re-tag (the values are in the tag key).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from enum import StrEnum

from ..relay.model import LYRICS_LIMIT, TAGS_LIMIT, TITLE_LIMIT
from .store import EDITABLE_COLUMNS, Library

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class EditField(StrEnum):
    """A field the user may write over; the value is its column."""

    TITLE = "title"
    STYLE = "tags"
    LYRICS = "lyrics"
    DESCRIPTION = "description"

    @property
    def label(self) -> str:
        return "style" if self is EditField.STYLE else self.value


_LIMITS = {
    EditField.TITLE: TITLE_LIMIT,
    EditField.STYLE: TAGS_LIMIT,
    EditField.LYRICS: LYRICS_LIMIT,
    EditField.DESCRIPTION: LYRICS_LIMIT,
}


class UnknownClip(LookupError):
    """No clip of the library has that id."""


def cleaned(field: EditField, text: str) -> str:
    """What the user typed, as the field keeps it: one line for title and style, no control characters, bounded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if field in (EditField.TITLE, EditField.STYLE):
        text = " ".join(_CONTROL.sub("", text).split())
    else:
        text = _CONTROL.sub("", text.replace("\t", "    ")).strip("\n")
    return text[: _LIMITS[field]]


def relay_values(library: Library, clip_id: str) -> dict[EditField, str]:
    """The relay's own words for *clip_id*'s editable fields (what Revert goes back to)."""
    row = _row(library, clip_id)
    return {field: row[field.value] or "" for field in EditField}


def edit_clip(library: Library, clip_id: str, changes: Mapping[EditField, str]) -> tuple[EditField, ...]:
    """Write the user's *changes*; a value equal to the relay's is no edit. Returns the fields now edited."""
    with library.transaction() as conn:
        row = conn.execute(f"SELECT edits, {', '.join(EDITABLE_COLUMNS)} FROM clips WHERE clip_id=?", (clip_id,))
        row = row.fetchone()
        if row is None:
            raise UnknownClip(clip_id)
        edits = _edits(row["edits"])
        for field, text in changes.items():
            value = cleaned(field, text)
            if value == (row[field.value] or ""):
                edits.pop(field.value, None)
            else:
                edits[field.value] = value
        _store(conn, clip_id, edits)
    return tuple(EditField(name) for name in sorted(edits))


def revert_clip(library: Library, clip_id: str, fields: Iterable[EditField] | None = None) -> None:
    """Go back to the relay's words for *fields* (every field when None)."""
    with library.transaction() as conn:
        row = conn.execute("SELECT edits FROM clips WHERE clip_id=?", (clip_id,)).fetchone()
        if row is None:
            raise UnknownClip(clip_id)
        edits = _edits(row["edits"])
        for field in EditField if fields is None else fields:
            edits.pop(field.value, None)
        _store(conn, clip_id, edits)


def _row(library: Library, clip_id: str):
    with library.transaction() as conn:
        row = conn.execute(f"SELECT {', '.join(EDITABLE_COLUMNS)} FROM clips WHERE clip_id=?", (clip_id,)).fetchone()
    if row is None:
        raise UnknownClip(clip_id)
    return row


def _edits(text: str | None) -> dict[str, str]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        value = {}
    if not isinstance(value, dict):
        return {}
    return {key: val for key, val in value.items() if key in EDITABLE_COLUMNS and isinstance(val, str)}


def _store(conn, clip_id: str, edits: dict[str, str]) -> None:
    conn.execute(
        "UPDATE clips SET edits=?, updated_at=? WHERE clip_id=?",
        (json.dumps(edits, ensure_ascii=False, sort_keys=True) if edits else None, time.time(), clip_id),
    )
