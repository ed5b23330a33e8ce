"""How the command line prints clips: ``list --json``'s objects, shared by ``playlist show``."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

from .model import ClipRecord


def clip_json(root: str, record: ClipRecord) -> dict:
    """One clip as ``list --json`` prints it (paths only for files that are there)."""
    return {
        "clip_id": record.clip_id,
        "task_id": record.task_id,
        "title": record.title,
        "tags": record.tags,
        "model": record.model,
        "duration": record.duration,
        "status": record.state,
        "error": record.problem or None,
        "audio_path": existing_file(root, record.audio_path),
        "cover_path": existing_file(root, record.cover_path),
        "video_path": existing_file(root, record.video_path),
        "take": record.take,
        "parent_clip_id": record.parent_clip_id,
        "relation": record.relation.value or None,
        "edited": list(record.edited),
        "rating": record.rating,
        "plays": record.plays,
        "last_played": iso_time(record.last_played),
    }


def iso_time(seconds: float | None) -> str | None:
    """An epoch time as ISO 8601 in UTC (what ``created`` looks like), or None."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def print_json(rows: list[dict]) -> None:
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def existing_file(root: str, relative: str | None) -> str | None:
    """The file's absolute path when it is there (os.path: a Path per file cost ~10 µs at 100,000 clips)."""
    if not relative:
        return None
    path = os.path.join(root, relative)
    return path if os.path.exists(path) else None
