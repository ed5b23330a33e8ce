"""Where a clip came from: its parent clip and how it was made from it.

The rules are rs-suno's (crates/suno-core/src/lineage.rs), first match wins,
over the nested shape's ``metadata`` (and the same keys at the clip's top level,
where some relays flatten them); the flat shape of the GET example carries
``continue_clip_id`` and ``continue_at`` itself. Ids lose a leading ``m_``; the
all-zero UUID, a clip's own id and anything that is no plausible id mean "no
parent". Nothing here trusts the relay: a value of the wrong type is no value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import ClipRelation

#: the longest text taken for an id (clip ids are UUIDs)
ID_LIMIT = 200
NO_PARENT = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Lineage:
    parent_clip_id: str | None = None
    relation: ClipRelation = ClipRelation.NONE
    continue_at: float | None = None  # an extension: seconds into the parent where it goes on


def lineage_of(raw: Mapping[str, Any], clip_id: str) -> Lineage:
    """The lineage of one clip of the flat or nested shape (the camelCase shape carries none)."""
    metadata = raw.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}

    def field(name: str) -> Any:
        value = metadata.get(name)
        return raw.get(name) if value is None else value

    task, kind = _word(field("task")), _word(field("type"))
    history = field("history")
    first = history[0] if isinstance(history, list) and history and isinstance(history[0], Mapping) else {}
    found = _rules(field, task, kind, first)
    if found is None and (flat := _id(raw.get("continue_clip_id"))):
        found = Lineage(flat, ClipRelation.EXTENSION, _seconds(raw.get("continue_at")))
    if found is None or found.parent_clip_id in (None, clip_id):
        return Lineage()
    return found


def _rules(field, task: str, kind: str, first: Mapping[str, Any]) -> Lineage | None:
    def first_id(*candidates: Any) -> str | None:
        return next((found for value in candidates if (found := _id(value))), None)

    if task in ("infill", "fixed_infill"):
        parent = first_id(
            field("override_history_clip_id"),
            field("override_future_clip_id"),
            first.get("id"),
            field("edited_clip_id"),
        )
        return Lineage(parent, ClipRelation.SECTION_REPLACE) if parent else None
    if task == "extend":
        parent = _id(first.get("id"))
        return Lineage(parent, ClipRelation.EXTENSION, _seconds(first.get("continue_at"))) if parent else None
    if kind == "concat":
        stitched = field("concat_history")
        head = stitched[0] if isinstance(stitched, list) and stitched else None
        parent = _id(head.get("id") if isinstance(head, Mapping) else head)
        return Lineage(parent, ClipRelation.CONCAT) if parent else None
    simple = (
        (kind == "edit_speed", ClipRelation.SPEED_EDIT, ("speed_clip_id",)),
        (task == "cover", ClipRelation.COVER, ("cover_clip_id",)),
        ("upsample" in (task, kind), ClipRelation.REMASTER, ("upsample_clip_id", "remaster_clip_id")),
        (kind == "edit_v3_export", ClipRelation.EDIT, ("edited_clip_id",)),
        (True, ClipRelation.DERIVED, ("edited_clip_id",)),
    )
    for applies, relation, names in simple:
        if applies and (parent := first_id(*(field(name) for name in names))):
            return Lineage(parent, relation)
    return None


def _word(value: Any) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def _id(value: Any) -> str | None:
    """A plausible clip id, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("m_"):
        text = text[2:]
    if not text or len(text) > ID_LIMIT or text == NO_PARENT or not text.isprintable() or " " in text:
        return None
    return text


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds <= 86_400 else None
