"""The relay's tasks and clips, normalised into one shape.

The relay's two documented examples use two clip shapes: a *flat* one
(``tags``, ``prompt``, ``duration``, ``mv``, ``create_time`` as unix seconds in a
string) and a *nested* one (``metadata.tags``, ``metadata.prompt``,
``metadata.duration``, ``model_name``, ``created_at`` ISO time). A third,
*camelCase* one is what new-api stores when its Suno channel talks to the
official Suno API (``audioUrl``, ``streamAudioUrl``, ``imageUrl``, ``modelName``,
``createTime`` in unix milliseconds) and has no per-clip status: the task's
status decides. Real relays also send ``null`` for almost anything. Everything
downstream (library, tagging, UI) only ever sees :class:`Clip` and :class:`Task`,
so the shape question is settled here once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..model import (
    ACTION_LYRICS,
    ACTION_MUSIC,
    CLIP_COMPLETE,
    CLIP_ERROR,
    FINAL_TASK_STATUSES,
    PENDING_TASK_STATUSES,
    TASK_FAILED,
    Clip,
    ClipKind,
    Task,
    TaskStatus,
)
from .errors import MalformedResponse

#: any of these keys marks a clip as the camelCase shape (new-api's suno_official.go)
CAMEL_KEYS = frozenset({"audioUrl", "streamAudioUrl", "imageUrl", "modelName", "createTime"})
NO_AUDIO_URL = "The relay reported the song finished but sent no audio URL."


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
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    return None


def _from_epoch(seconds: float) -> datetime | None:
    if seconds <= 0 or math.isnan(seconds) or math.isinf(seconds):
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_millis(value: Any) -> datetime | None:
    """camelCase ``createTime`` is unix milliseconds, whatever its size (not guessed from it)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        millis = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return parse_time(value)  # an ISO string, or nothing usable
    return _from_epoch(millis / 1000.0)


def _int_or_none(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number or None


def _epoch_seconds(value: Any) -> int | None:
    """A task time in unix seconds; new-api's official-Suno channel stores milliseconds."""
    number = _int_or_none(value)
    if number is not None and number > 1e11:
        number //= 1000
    return number


def _pick(*values: Any) -> Any:
    """The first value that is neither null nor empty text."""
    for value in values:
        if value is not None and value != "":
            return value
    return None


def parse_clip(raw: Mapping[str, Any], task_id: str, *, task_status: str = "", fail_reason: str = "") -> Clip:
    """Normalise one clip of any of the three shapes.

    *task_status* and *fail_reason* are the task's: the camelCase shape has no
    status of its own, so its clip's status is derived from them.
    """
    if not isinstance(raw, Mapping):
        raise MalformedResponse(f"The relay sent a clip for task {task_id} that is not an object.", task_id=task_id)
    clip_id = _text(_pick(raw.get("id"), raw.get("clip_id")))
    if not clip_id:
        raise MalformedResponse(f"The relay sent a clip without an id for task {task_id}.", task_id=task_id)
    if not CAMEL_KEYS.isdisjoint(raw):
        return _parse_camel_clip(raw, task_id, clip_id, task_status.upper(), fail_reason)
    metadata = raw.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}
    status = _text(raw.get("status")).lower()
    error_message = _text(_pick(metadata.get("error_message"), raw.get("error_message")))
    if status == CLIP_ERROR and not error_message:
        error_message = _text(_pick(raw.get("msg"), metadata.get("error_type")))
        error_message = error_message or "Suno reported an error"
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind=ClipKind.MUSIC,
        title=_text(raw.get("title")),
        tags=_text(_pick(metadata.get("tags"), raw.get("tags"))),
        lyrics=_text(_pick(metadata.get("prompt"), raw.get("prompt"))),
        description=_text(_pick(metadata.get("gpt_description_prompt"), raw.get("gpt_description_prompt"))),
        model=_text(_pick(raw.get("model_name"), raw.get("mv"), raw.get("major_model_version"))),
        duration=parse_duration(_pick(metadata.get("duration"), raw.get("duration"))),
        relay_status=status,
        relay_error=error_message,
        audio_url=_text(raw.get("audio_url")),
        image_url=_text(_pick(raw.get("image_large_url"), raw.get("image_url"))),
        video_url=_text(raw.get("video_url")),
        created_at=parse_time(_pick(raw.get("created_at"), raw.get("create_time"))),
        raw=dict(raw),
    )


def _camel_status(raw: Mapping[str, Any], task_status: str, fail_reason: str) -> tuple[str, str]:
    """(status, error message) of a camelCase clip, which only its task's status tells.

    Only a SUCCESS task's ``audioUrl`` is the song; ``streamAudioUrl`` is a live
    stream and never makes a clip complete. A FAILURE task's clips are errors
    carrying the task's reason, so each row says why.
    """
    if task_status == TaskStatus.SUCCESS:
        return (CLIP_COMPLETE, "") if _text(raw.get("audioUrl")) else (CLIP_ERROR, NO_AUDIO_URL)
    if task_status == TaskStatus.FAILURE:
        return CLIP_ERROR, _text(fail_reason) or TASK_FAILED
    if task_status in PENDING_TASK_STATUSES:
        return ("streaming" if _text(raw.get("streamAudioUrl")) else "queued"), ""
    return "", ""  # UNKNOWN or not given: nothing to download, nothing to blame


def _parse_camel_clip(raw: Mapping[str, Any], task_id: str, clip_id: str, task_status: str, fail_reason: str) -> Clip:
    """new-api's copy of an official Suno API clip: camelCase keys, ``createTime`` in ms.

    Go sends 0 for a duration it does not know, so 0 means "unknown" here.
    """
    status, error_message = _camel_status(raw, task_status, fail_reason)
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind=ClipKind.MUSIC,
        title=_text(raw.get("title")),
        tags=_text(raw.get("tags")),
        lyrics=_text(raw.get("prompt")),
        model=_text(raw.get("modelName")),
        duration=parse_duration(raw.get("duration")) or None,
        relay_status=status,
        relay_error=error_message,
        audio_url=_text(raw.get("audioUrl")),  # never streamAudioUrl: that is a live stream
        image_url=_text(raw.get("imageUrl")),
        created_at=_from_millis(raw.get("createTime")),
        raw=dict(raw),
    )


def _parse_lyrics(raw: Mapping[str, Any], task_id: str, position: int = 0) -> Clip:
    """A LYRICS task's data is one object ``{id, status, title, text}``: a lyrics-only entry.

    Without an id, the entry is named after its task and its place in the answer, so
    that several of them (a relay wrapping them in a list) are kept apart.
    """
    clip_id = _text(raw.get("id")) or (f"{task_id}-lyrics" if position == 0 else f"{task_id}-lyrics-{position + 1}")
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind=ClipKind.LYRICS,
        title=_text(raw.get("title")),
        lyrics=_text(raw.get("text")),
        relay_status=_text(raw.get("status")).lower(),
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
    status = _text(raw.get("status")).upper() or TaskStatus.UNKNOWN
    if status not in PENDING_TASK_STATUSES and status not in FINAL_TASK_STATUSES:
        status = TaskStatus.UNKNOWN
    fail_reason = _text(raw.get("fail_reason"))
    data = raw.get("data")
    clips: list[Clip] = []
    if action == ACTION_LYRICS:
        if isinstance(data, Mapping) and data:
            clips.append(_parse_lyrics(data, task_id))
        elif isinstance(data, list):  # be lenient: some relays wrap it in a list
            entries = [item for item in data if isinstance(item, Mapping)]
            clips.extend(_parse_lyrics(item, task_id, position) for position, item in enumerate(entries))
    else:
        if data is None or data == "" or data == {}:
            data = []
        if not isinstance(data, list):
            raise MalformedResponse(f"The relay sent clips for task {task_id} in an unexpected shape.", task_id=task_id)
        clips.extend(parse_clip(item, task_id, task_status=status, fail_reason=fail_reason) for item in data)
    return Task(
        task_id=task_id,
        action=action,
        status=status,
        fail_reason=fail_reason,
        progress=_text(raw.get("progress")),
        submit_time=_epoch_seconds(raw.get("submit_time")),
        finish_time=_epoch_seconds(raw.get("finish_time")),
        clips=tuple(clips),
        raw=dict(raw),
    )
