"""The library database's rows as records: enums for their words, shared strings for repeated values."""

from __future__ import annotations

from collections.abc import Iterable
from sys import intern

from ..model import (
    MAX_STARS,
    ClipKind,
    ClipRecord,
    ClipRelation,
    ClipState,
    ClipStatus,
    TaskAction,
    TaskRecord,
    TaskStatus,
)


def task_record(row: Iterable) -> TaskRecord:
    record = TaskRecord(*row)
    record.removed = bool(record.removed)
    record.action = TaskAction.of(record.action)
    record.status = TaskStatus.of(record.status)
    return record


_CLIP_STATES = {state.value: state for state in ClipState}
_CLIP_KINDS = {kind.value: kind for kind in ClipKind}
_CLIP_STATUSES = {status.value: status for status in ClipStatus}


def sharing_lyrics(records: list[ClipRecord]) -> list[ClipRecord]:
    """*records*, the takes of a task that sing the same lyrics holding one string of them.

    A task's clips are made from one prompt: at 100,000 clips a second copy of every
    song's lyrics would be ~40 MB. Takes come next to each other in the library's order.
    """
    previous = None
    for record in records:
        if previous is not None and previous.task_id == record.task_id and previous.lyrics == record.lyrics:
            record.lyrics = previous.lyrics
        previous = record
    return records


def clip_record(row: Iterable) -> ClipRecord:
    record = ClipRecord(*row)
    # one string for the values many clips share: the two takes' task id, the model, a favourite style
    record.task_id, record.model, record.tags = intern(record.task_id), intern(record.model), intern(record.tags)
    record.removed = bool(record.removed)
    record.state = _CLIP_STATES.get(record.state, record.state)
    record.kind = _CLIP_KINDS.get(record.kind, ClipKind.MUSIC)  # the column only ever holds music or lyrics
    record.relay_status = _CLIP_STATUSES.get(record.relay_status, ClipStatus.OTHER)
    record.rating = min(MAX_STARS, max(0, record.rating or 0))
    record.relation = ClipRelation.of(record.relation)
    return record
