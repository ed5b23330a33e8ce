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

import logging
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..model import (
    FINAL_TASK_STATUSES,
    PENDING_TASK_STATUSES,
    TASK_FAILED,
    Clip,
    ClipKind,
    ClipStatus,
    Task,
    TaskAction,
    TaskStatus,
)
from .errors import MalformedResponse
from .lineage import lineage_of
from .relay_text import RelayTextCleaner, cut, plain_text, terminal_line

log = logging.getLogger(__name__)

#: any of these keys marks a clip as the camelCase shape (new-api's suno_official.go)
CAMEL_KEYS = frozenset({"audioUrl", "streamAudioUrl", "imageUrl", "modelName", "createTime"})
NO_AUDIO_URL = "The relay reported the song finished but sent no audio URL."


# --------------------------------------------------------------------------- limits

#: a field's length beyond which the rest is cut (the raw JSON keeps all of it)
TITLE_LIMIT = 1_000
TAGS_LIMIT = 1_000
LYRICS_LIMIT = 100_000  # lyrics, and the prompt a song was described by
REASON_LIMIT = 2_000  # a fail_reason or a clip's error message
NAME_LIMIT = 200  # a model's name, an action, a status, a progress
#: an id longer than this is not an id: the clip (or task) cannot be read
ID_LIMIT = 200
#: a media URL longer than this is not used (a cut URL would point elsewhere)
URL_LIMIT = 16_384
#: the latest moment a time may name (9999-12-31): later ones are no time at all
MAX_EPOCH_SECONDS = 253_402_300_799
#: no song lasts longer than a day: a longer duration is no duration
MAX_DURATION_SECONDS = 86_400.0
#: a task nested deeper than this is not a task (and could not be stored)
MAX_DEPTH = 64
#: the longest text read as a number ("1e30" is short; a 400-digit one is not a time)
NUMBER_TEXT_LIMIT = 64

#: the clip statuses the app knows; any other, under a finished task, fails the clip
KNOWN_CLIP_STATUSES = frozenset(ClipStatus) - {ClipStatus.NONE, ClipStatus.OTHER}
_PLAIN = RelayTextCleaner()


# --------------------------------------------------------------------------- parsing


def _number(value: Any) -> float | None:
    """A finite number from an int, float or numeric string; anything else (NaN, 1e999, lists) is None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > NUMBER_TEXT_LIMIT:
            return None
    elif not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except (ValueError, OverflowError):  # not a number, or an integer beyond any float
        return None
    return number if math.isfinite(number) else None


def parse_duration(value: Any) -> float | None:
    """Duration arrives as int, float, numeric string or null; negative or over a day is unknown."""
    seconds = _number(value)
    if seconds is None or seconds < 0 or seconds > MAX_DURATION_SECONDS:
        return None
    return seconds


def parse_time(value: Any) -> datetime | None:
    """Unix seconds (int, float or string) or an ISO 8601 string, to aware UTC."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = _number(value)
        return None if seconds is None else _from_epoch(seconds)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > NUMBER_TEXT_LIMIT:
            return None
        seconds = _number(text)
        if seconds is not None:
            return _from_epoch(seconds)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        try:
            return parsed.astimezone(UTC)
        except OverflowError:  # year 1 or 9999 with an offset that moves it out of range
            return None
    return None


def _from_epoch(seconds: float) -> datetime | None:
    if seconds <= 0 or math.isnan(seconds) or math.isinf(seconds):
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    if seconds > MAX_EPOCH_SECONDS:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_millis(value: Any) -> datetime | None:
    """camelCase ``createTime`` is unix milliseconds, whatever its size (not guessed from it)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    millis = _number(value)
    if millis is None:
        return parse_time(value) if isinstance(value, str) else None  # an ISO string, or nothing usable
    return _from_epoch(millis / 1000.0)


def _epoch_seconds(value: Any) -> int | None:
    """A task time in unix seconds (new-api's official-Suno channel stores milliseconds).

    Always one that fits the library's 64-bit INTEGER column: beyond year 9999 is no time.
    """
    number = _number(value)
    if number is None or number < 1:
        return None
    if number > 1e11:
        number /= 1000
    return int(number) if number <= MAX_EPOCH_SECONDS else None


def _url(value: Any) -> str:
    """A media URL, or "" when it is too long or holds characters no URL has."""
    text = plain_text(value)
    if len(text) > URL_LIMIT or text != terminal_line(text):
        return ""
    return text


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether *value* nests lists and objects more than *limit* deep (walked without recursion)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (Mapping, list)))
    return False


def _pick(*values: Any) -> Any:
    """The first value that is neither null nor empty text."""
    for value in values:
        if value is not None and value != "":
            return value
    return None


def _clip_id(value: Any, task_id: str) -> str:
    """A clip's id as text; one that is far too long is no id (it names files and rows)."""
    text = plain_text(value)
    if len(text) > ID_LIMIT:
        raise MalformedResponse(
            f"The relay sent a clip with an id of {len(text):,} characters for task {task_id}.", task_id=task_id
        )
    return terminal_line(text)


def parse_clip(
    raw: Mapping[str, Any],
    task_id: str,
    *,
    task_status: TaskStatus | str = "",
    fail_reason: str = "",
    cleaner: RelayTextCleaner = _PLAIN,
) -> Clip:
    """Normalise one clip of any of the three shapes.

    *task_status* and *fail_reason* are the task's: the camelCase shape has no
    status of its own, so its clip's status is derived from them, and a clip whose
    status the app does not know fails once its task is final. *cleaner* masks the
    token and bounds every text.
    """
    if not isinstance(raw, Mapping):
        raise MalformedResponse(f"The relay sent a clip for task {task_id} that is not an object.", task_id=task_id)
    clip_id = _clip_id(_pick(raw.get("id"), raw.get("clip_id")), task_id)
    if not clip_id:
        raise MalformedResponse(f"The relay sent a clip without an id for task {task_id}.", task_id=task_id)
    if not CAMEL_KEYS.isdisjoint(raw):
        reason = cleaner.line(fail_reason, REASON_LIMIT)
        return _parse_camel_clip(raw, task_id, clip_id, task_status.upper(), reason, cleaner)
    metadata = raw.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}
    line = cleaner.line
    word = line(raw.get("status"), NAME_LIMIT).lower()  # the relay's own word, for a sentence that quotes it
    status = ClipStatus.of(word)
    error_message = line(_pick(metadata.get("error_message"), raw.get("error_message")), REASON_LIMIT)
    if status == ClipStatus.ERROR and not error_message:
        error_message = line(_pick(raw.get("msg"), metadata.get("error_type")), REASON_LIMIT)
        error_message = error_message or "Suno reported an error"
    audio_url = _url(raw.get("audio_url"))
    if status == ClipStatus.COMPLETE and not audio_url:  # nothing to download: not a song, whatever it says
        status, error_message = ClipStatus.ERROR, NO_AUDIO_URL
    never_done = _never_done(word, task_status)
    if never_done:
        status, error_message = ClipStatus.ERROR, never_done
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind=ClipKind.MUSIC,
        title=line(raw.get("title"), TITLE_LIMIT),
        tags=line(_pick(metadata.get("tags"), raw.get("tags")), TAGS_LIMIT),
        lyrics=cleaner.block(_pick(metadata.get("prompt"), raw.get("prompt")), LYRICS_LIMIT),
        description=cleaner.block(
            _pick(metadata.get("gpt_description_prompt"), raw.get("gpt_description_prompt")), LYRICS_LIMIT
        ),
        model=line(_pick(raw.get("model_name"), raw.get("mv"), raw.get("major_model_version")), NAME_LIMIT),
        duration=parse_duration(_pick(metadata.get("duration"), raw.get("duration"))),
        relay_status=status,
        relay_error=error_message,
        audio_url=audio_url,
        image_url=_url(_pick(raw.get("image_large_url"), raw.get("image_url"))),
        video_url=_url(raw.get("video_url")),
        created_at=parse_time(_pick(raw.get("created_at"), raw.get("create_time"))),
        raw=dict(raw),
        **vars(lineage_of(raw, clip_id)),
    )


def _never_done(word: str, task_status: str) -> str:
    """Why a clip fails that can never become a song (its task is final, its status none the app knows), or "".

    *word* is the relay's status as it came (lower case): the sentence quotes it.
    """
    task_status = task_status.upper()
    if task_status not in FINAL_TASK_STATUSES or word in KNOWN_CLIP_STATUSES:
        return ""
    if word:
        return f"The task has finished, but the relay said '{cut(word, 40)}' about this song."
    if task_status == TaskStatus.SUCCESS:
        return "The task has finished, but the relay sent no status for this song."
    return ""


def _camel_status(raw: Mapping[str, Any], task_status: str, fail_reason: str) -> tuple[ClipStatus, str]:
    """(status, error message) of a camelCase clip, which only its task's status tells.

    Only a SUCCESS task's ``audioUrl`` is the song; ``streamAudioUrl`` is a live
    stream and never makes a clip complete. A FAILURE task's clips are errors
    carrying the task's reason (already cleaned), so each row says why.
    """
    if task_status == TaskStatus.SUCCESS:
        return (ClipStatus.COMPLETE, "") if _url(raw.get("audioUrl")) else (ClipStatus.ERROR, NO_AUDIO_URL)
    if task_status == TaskStatus.FAILURE:
        return ClipStatus.ERROR, fail_reason or TASK_FAILED
    if task_status in PENDING_TASK_STATUSES:
        return (ClipStatus.STREAMING if _url(raw.get("streamAudioUrl")) else ClipStatus.QUEUED), ""
    return ClipStatus.NONE, ""  # UNKNOWN or not given: nothing to download, nothing to blame


def _parse_camel_clip(
    raw: Mapping[str, Any], task_id: str, clip_id: str, task_status: str, fail_reason: str, cleaner: RelayTextCleaner
) -> Clip:
    """new-api's copy of an official Suno API clip: camelCase keys, ``createTime`` in ms.

    Go sends 0 for a duration it does not know, so 0 means "unknown" here.
    """
    status, error_message = _camel_status(raw, task_status, fail_reason)
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind=ClipKind.MUSIC,
        title=cleaner.line(raw.get("title"), TITLE_LIMIT),
        tags=cleaner.line(raw.get("tags"), TAGS_LIMIT),
        lyrics=cleaner.block(raw.get("prompt"), LYRICS_LIMIT),
        model=cleaner.line(raw.get("modelName"), NAME_LIMIT),
        duration=parse_duration(raw.get("duration")) or None,
        relay_status=status,
        relay_error=error_message,
        audio_url=_url(raw.get("audioUrl")),  # never streamAudioUrl: that is a live stream
        image_url=_url(raw.get("imageUrl")),
        created_at=_from_millis(raw.get("createTime")),
        raw=dict(raw),
    )


def _parse_lyrics(raw: Mapping[str, Any], task_id: str, position: int, cleaner: RelayTextCleaner) -> Clip:
    """A LYRICS task's data is one object ``{id, status, title, text}``: a lyrics-only entry.

    Without an id, the entry is named after its task and its place in the answer, so
    that several of them (a relay wrapping them in a list) are kept apart.
    """
    clip_id = _clip_id(raw.get("id"), task_id)
    clip_id = clip_id or (f"{task_id}-lyrics" if position == 0 else f"{task_id}-lyrics-{position + 1}")
    return Clip(
        clip_id=clip_id,
        task_id=task_id,
        kind=ClipKind.LYRICS,
        title=cleaner.line(raw.get("title"), TITLE_LIMIT),
        lyrics=cleaner.block(raw.get("text"), LYRICS_LIMIT),
        relay_status=ClipStatus.of(cleaner.line(raw.get("status"), NAME_LIMIT).lower()),
        raw=dict(raw),
    )


def parse_task(raw: Any, *, cleaner: RelayTextCleaner = _PLAIN) -> Task:
    """Normalise one task object (the ``data`` of GET, one element of POST's ``data``).

    Never raises anything but :class:`MalformedResponse`, whatever JSON it is given: a
    value that does not fit its field is left out, a task that cannot be read at all is
    refused with a sentence, so that it fails alone and the rest of its batch is kept.
    *cleaner* (the client's, which knows the token) masks and bounds every text.
    """
    if not isinstance(raw, Mapping):
        raise MalformedResponse("The relay sent a task that is not a JSON object.")
    task_id = plain_text(raw.get("task_id"))
    if not task_id:
        raise MalformedResponse("The relay sent a task without a task_id.")
    if len(task_id) > ID_LIMIT or task_id != terminal_line(task_id):
        raise MalformedResponse("The relay sent a task whose task_id is not an id (too long, or control characters).")
    if _depth_exceeds(raw, MAX_DEPTH):
        raise MalformedResponse(
            f"The relay sent task {task_id} nested more than {MAX_DEPTH} levels deep; it cannot be read.",
            task_id=task_id,
        )
    try:
        return _parse_task_fields(raw, task_id, cleaner)
    except MalformedResponse:
        raise
    except Exception as error:  # a value no rule above foresaw: this task fails, not the batch
        log.warning("Task %s could not be read (%s)", task_id, type(error).__name__, exc_info=True)
        raise MalformedResponse(
            f"The relay sent task {task_id} with a value that could not be read ({type(error).__name__}).",
            task_id=task_id,
        ) from None


def _parse_task_fields(raw: Mapping[str, Any], task_id: str, cleaner: RelayTextCleaner) -> Task:
    action = TaskAction.of(cleaner.line(raw.get("action"), NAME_LIMIT).upper()) or TaskAction.MUSIC
    word = cleaner.line(raw.get("status"), NAME_LIMIT).upper()
    # a word the relay's docs do not name (or our own NOT_FETCHED) is a status the app cannot act on
    status = TaskStatus(word) if word in PENDING_TASK_STATUSES or word in FINAL_TASK_STATUSES else TaskStatus.UNKNOWN
    fail_reason = cleaner.line(raw.get("fail_reason"), REASON_LIMIT)
    data = raw.get("data")
    clips: list[Clip] = []
    if action is TaskAction.LYRICS:
        if isinstance(data, Mapping) and data:
            clips.append(_parse_lyrics(data, task_id, 0, cleaner))
        elif isinstance(data, list):  # be lenient: some relays wrap it in a list
            entries = [item for item in data if isinstance(item, Mapping)]
            clips.extend(_parse_lyrics(item, task_id, position, cleaner) for position, item in enumerate(entries))
    else:
        if data is None or data == "" or data == {}:
            data = []
        if not isinstance(data, list):
            raise MalformedResponse(f"The relay sent clips for task {task_id} in an unexpected shape.", task_id=task_id)
        clips.extend(
            parse_clip(item, task_id, task_status=status, fail_reason=fail_reason, cleaner=cleaner) for item in data
        )
    return Task(
        task_id=task_id,
        action=action,
        status=status,
        fail_reason=fail_reason,
        progress=cleaner.line(raw.get("progress"), NAME_LIMIT),
        submit_time=_epoch_seconds(raw.get("submit_time")),
        finish_time=_epoch_seconds(raw.get("finish_time")),
        clips=tuple(clips),
        raw=dict(raw),
    )
