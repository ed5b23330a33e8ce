"""How the app writes times, in the window and on the command line: a duration, when a clip was made, a position."""

from __future__ import annotations

import math
from datetime import datetime


def format_duration(seconds: float | None) -> str:
    """A clip's length as "m:ss"; empty when the relay did not say."""
    if seconds is None or seconds <= 0 or math.isnan(seconds):
        return ""
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_created(value: str | None) -> str:
    """An ISO timestamp in local time, to the minute; an unreadable one as it is."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def format_time(ms: int) -> str:
    """Milliseconds as "m:ss" (or "h:mm:ss" past an hour), the way players show time."""
    seconds = max(0, int(ms)) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
