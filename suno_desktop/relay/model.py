"""The relay's tasks and clips, normalised into one shape.

The relay's two documented examples use two clip shapes: a *flat* one
(``tags``, ``prompt``, ``duration``, ``mv``, ``create_time`` as unix seconds in a
string) and a *nested* one (``metadata.tags``, ``metadata.prompt``,
``metadata.duration``, ``model_name``, ``created_at`` ISO time). Real relays also
send ``null`` for almost anything. Everything downstream (library, tagging, UI)
only ever sees :class:`Clip` and :class:`Task`, so the shape question is settled
here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

from .errors import MalformedResponse

PENDING_TASK_STATUSES = frozenset({"NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS"})
FINAL_TASK_STATUSES = frozenset({"SUCCESS", "FAILURE", "UNKNOWN"})

PENDING_CLIP_STATUSES = frozenset({"submitted", "queued", "streaming"})
CLIP_COMPLETE = "complete"
CLIP_ERROR = "error"

ACTION_MUSIC = "MUSIC"
ACTION_LYRICS = "LYRICS"


def is_final_task_status(status: str) -> bool:
    return status in FINAL_TASK_STATUSES


@dataclass(frozen=True)
class Clip:
    """One generated song (or, for a LYRICS task, one lyrics-only entry)."""

    clip_id: str
    task_id: str
    kind: str = "music"  # "music" or "lyrics"
    title: str = ""
    tags: str = ""
    lyrics: str = ""
    description: str = ""  # gpt_description_prompt: what the user asked for
    model: str = ""
    duration: float | None = None  # seconds
    status: str = ""  # submitted / queued / streaming / complete / error (lower case)
    error_message: str = ""
    audio_url: str = ""
    image_url: str = ""  # best cover: image_large_url, else image_url
    video_url: str = ""
    created_at: datetime | None = None  # timezone-aware UTC
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_complete(self) -> bool:
        return self.status == CLIP_COMPLETE

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_CLIP_STATUSES

    @property
    def is_error(self) -> bool:
        return self.status == CLIP_ERROR

    @property
    def short_id(self) -> str:
        return self.clip_id.replace("-", "")[:8]


@dataclass(frozen=True)
class Task:
    task_id: str
    action: str = ACTION_MUSIC
    status: str = "UNKNOWN"
    fail_reason: str = ""
    progress: str = ""
    submit_time: int | None = None
    finish_time: int | None = None
    clips: tuple[Clip, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_final(self) -> bool:
        return is_final_task_status(self.status)

    @property
    def is_pending(self) -> bool:
        return not self.is_final


# --------------------------------------------------------------------------- parsing


def _text(value: Any) -> str:
    """Relays send null, numbers and strings alike; the model wants trimmed text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def parse_duration(value: Any) -> float | None:
    """Duration arrives as int, float, numeric string or null."""
    if value is None or isinstance(value, bool):
        return None
    try:
        seconds = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        return None
    return seconds


def parse_time(value: Any) -> datetime | None:
    """Unix seconds (int, float or string) or an ISO 8601 string, to aware UTC."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return _from_epoch(float(value))
    if isinstance(value, str):
        text = value.strip()
        try:
            return _from_epoch(float(text))
        except ValueError:
            pass
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    return None


def _from_epoch(seconds: float) -> datetime | None:
    if seconds <= 0 or math.isnan(seconds) or math.isinf(seconds):
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _int_or_none(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number or None


def parse_clip(raw: Mapping[str, Any], task_id: str) -> Clip:
    """Normalise one clip of either documented shape."""
    if not isinstance(raw, Mapping):
        raise MalformedResponse(
            f"The relay sent a clip for task {task_id} that is not an object.", task_id=task_id
        )
    metadata = raw.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}

    def pick(*values: Any) -> Any:
        for value in values:
            if value is not None and value != "":
                return value
        return None

    clip_id = _text(pick(raw.get("id"), raw.get("clip_id")))
    if not clip_id:
        raise MalformedResponse(
            f"The relay sent a clip without an id for task {task_id}.", task_id=task_id
        )
    status = _text(raw.get("status")).lower()
    error_message = _text(pick(metadata.get("error_message"), raw.get("error_message")))
    if status == CLIP_ERROR and not error_message:
        error_message = _text(pick(raw.get("msg"), metadata.get("error_type"))) or "Suno reported an error"
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind="music",
        title=_text(raw.get("title")),
        tags=_text(pick(metadata.get("tags"), raw.get("tags"))),
        lyrics=_text(pick(metadata.get("prompt"), raw.get("prompt"))),
        description=_text(
            pick(metadata.get("gpt_description_prompt"), raw.get("gpt_description_prompt"))
        ),
        model=_text(pick(raw.get("model_name"), raw.get("mv"), raw.get("major_model_version"))),
        duration=parse_duration(pick(metadata.get("duration"), raw.get("duration"))),
        status=status,
        error_message=error_message,
        audio_url=_text(raw.get("audio_url")),
        image_url=_text(pick(raw.get("image_large_url"), raw.get("image_url"))),
        video_url=_text(raw.get("video_url")),
        created_at=parse_time(pick(raw.get("created_at"), raw.get("create_time"))),
        raw=dict(raw),
    )


def _parse_lyrics(raw: Mapping[str, Any], task_id: str) -> Clip:
    """A LYRICS task's data is one object ``{id, status, title, text}``: a lyrics-only entry."""
    clip_id = _text(raw.get("id")) or f"{task_id}-lyrics"
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind="lyrics",
        title=_text(raw.get("title")),
        lyrics=_text(raw.get("text")),
        status=_text(raw.get("status")).lower(),
        raw=dict(raw),
    )


def parse_task(raw: Any) -> Task:
    """Normalise one task object (the ``data`` of GET, one element of POST's ``data``)."""
    if not isinstance(raw, Mapping):
        raise MalformedResponse("The relay sent a task that is not a JSON object.")
    task_id = _text(raw.get("task_id"))
    if not task_id:
        raise MalformedResponse("The relay sent a task without a task_id.")
    action = _text(raw.get("action")).upper() or ACTION_MUSIC
    status = _text(raw.get("status")).upper() or "UNKNOWN"
    if status not in PENDING_TASK_STATUSES and status not in FINAL_TASK_STATUSES:
        status = "UNKNOWN"
    data = raw.get("data")
    clips: list[Clip] = []
    if action == ACTION_LYRICS:
        if isinstance(data, Mapping) and data:
            clips.append(_parse_lyrics(data, task_id))
        elif isinstance(data, list):  # be lenient: some relays wrap it in a list
            clips.extend(_parse_lyrics(item, task_id) for item in data if isinstance(item, Mapping))
    else:
        if data is None or data == "" or data == {}:
            data = []
        if not isinstance(data, list):
            raise MalformedResponse(
                f"The relay sent clips for task {task_id} in an unexpected shape.", task_id=task_id
            )
        clips.extend(parse_clip(item, task_id) for item in data)
    return Task(
        task_id=task_id,
        action=action,
        status=status,
        fail_reason=_text(raw.get("fail_reason")),
        progress=_text(raw.get("progress")),
        submit_time=_int_or_none(raw.get("submit_time")),
        finish_time=_int_or_none(raw.get("finish_time")),
        clips=tuple(clips),
        raw=dict(raw),
    )
