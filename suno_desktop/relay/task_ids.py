"""Finding task ids in whatever a person pastes.

People paste ids one per line, comma- or space-separated, inside URLs, or whole
JSON responses copied from the relay. A relay response also holds clip ids, which
look exactly like task ids, so JSON is read by key (``task_id``) rather than by
shape; everything else is matched by the UUID pattern, or a relay's own
``task_`` followed by 32 letters or digits (newer relays hide the upstream id).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Hex on either side would mean the match is part of some longer token.
# A relay's own id ("task_" and 32 letters or digits) stands alone too; its case is kept.
_ID_IN_TEXT = re.compile(
    rf"(?<![0-9a-fA-F]){_UUID}(?![0-9a-fA-F])|(?<![0-9A-Za-z_])task_[0-9A-Za-z]{{32}}(?![0-9A-Za-z])"
)
_TASK_ID = re.compile(_UUID)
# Newer relays hide the upstream id behind their own: "task_" and 32 letters or digits.
_RELAY_TASK_ID = re.compile(r"task_[0-9A-Za-z]{32}")
# The flat clip shape names its task as "<task id>_1", "<task id>_2", ...
_CLIP_SUFFIX = re.compile(r"_\d+$")
# A UUID that is the (start of a) string value of some JSON key, e.g. `"id": "…`:
# used on text that only looks like JSON (a truncated copy) to skip clip ids.
_JSON_KEY_BEFORE = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*"[^"\n]*$')
_KEY_LOOKBACK = 200

TASK_ID_KEY = "task_id"


def normalise_task_id(task_id: str) -> str:
    """A task id as the library keeps it: a UUID in lower case, a relay's ``task_…`` id as it is."""
    task_id = task_id.strip()
    return task_id if task_id.startswith("task_") else task_id.lower()


def is_task_id(text: str) -> bool:
    """Whether *text* (surrounding whitespace aside) is one task id: a UUID, or a relay's ``task_…``."""
    if not isinstance(text, str):
        return False
    text = text.strip()
    return _TASK_ID.fullmatch(text) is not None or _RELAY_TASK_ID.fullmatch(text) is not None


def extract_task_ids(text: str) -> list[str]:
    """Distinct task ids in *text*, in order of first appearance: UUIDs lower-cased, ``task_…`` ids as they are."""
    if not text or not isinstance(text, str):
        return []
    document = _parse_json(text)
    if document is not None:
        from_keys = list(dict.fromkeys(_task_id_values(document)))
        if from_keys:
            return from_keys
    return list(dict.fromkeys(_ids_in_text(text)))


def _parse_json(text: str) -> Any:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def _task_id_values(node: Any) -> Iterator[str]:
    """Values of every ``task_id`` key in a JSON document; clip ids are never read."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == TASK_ID_KEY and isinstance(value, str):
                candidate = value.strip()
                if _RELAY_TASK_ID.fullmatch(candidate):
                    yield candidate
                    continue
                candidate = _CLIP_SUFFIX.sub("", candidate)
                if _TASK_ID.fullmatch(candidate):
                    yield normalise_task_id(candidate)
            else:
                yield from _task_id_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _task_id_values(item)


def _ids_in_text(text: str) -> Iterator[str]:
    """UUIDs anywhere in free text, except values of JSON keys other than ``task_id``.

    The exception keeps clip ids out when someone pastes a relay response that got
    cut off (so it no longer parses as JSON).
    """
    for match in _ID_IN_TEXT.finditer(text):
        before = text[max(0, match.start() - _KEY_LOOKBACK) : match.start()]
        key = _JSON_KEY_BEFORE.search(before)
        if key is not None and key.group(1) not in (TASK_ID_KEY, "ids", "data"):
            continue
        found = match.group(0)
        yield normalise_task_id(found)
