"""The Rating, Plays and Last played cells: stars as text, so Qt's own delegate paints them (see cell_looks)."""

from __future__ import annotations

from datetime import datetime

from ..model import MAX_STARS, ClipRecord

FULL_STAR, EMPTY_STAR = "★", "☆"


def star_text(stars: int) -> str:
    """``★★★☆☆`` for 3: always five glyphs, so a click's x finds the star under it."""
    stars = max(0, min(MAX_STARS, stars))
    return FULL_STAR * stars + EMPTY_STAR * (MAX_STARS - stars)


def star_at(x: float, star_width: float) -> int | None:
    """The star (1-5) at *x* pixels from the start of the stars, or None past the last one."""
    if star_width <= 0:
        return None
    star = int(max(0.0, x) // star_width) + 1
    return star if star <= MAX_STARS else None


def toggled(current: int, clicked: int) -> int:
    """Clicking the star of the current rating clears it; any other sets that many."""
    return 0 if clicked == current else clicked


def plays_text(record: ClipRecord) -> str:
    return str(record.plays) if record.plays else ""


def last_played_text(record: ClipRecord) -> str:
    if record.last_played is None:
        return ""
    return datetime.fromtimestamp(record.last_played).strftime("%Y-%m-%d %H:%M")
