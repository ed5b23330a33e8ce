"""A library record for tests that need one without a library."""

from __future__ import annotations

from suno_desktop.model import ClipKind, ClipRecord, ClipState, ClipStatus


def clip_record(clip_id: str = "c0ffee00-1111", **fields) -> ClipRecord:
    """A ready music clip with no files; *fields* override."""
    values = {
        "clip_id": clip_id,
        "task_id": "t",
        "position": 0,
        "kind": ClipKind.MUSIC,
        "title": "",
        "tags": "",
        "lyrics": "",
        "description": "",
        "model": "",
        "duration": None,
        "created_at": None,
        "relay_status": ClipStatus.COMPLETE,
        "error": "",
        "audio_url": "",
        "image_url": "",
        "video_url": "",
        "state": ClipState.READY,
        "audio_path": None,
        "cover_path": None,
        "video_path": None,
        "file_stem": None,
        "tag_key": None,
        "removed": False,
        "updated_at": 0.0,
    }
    return ClipRecord(**{**values, **fields})
