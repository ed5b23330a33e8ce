"""Ratings both ways: one another player writes into a song file comes back into the library.

After the app writes a clip's tags (and whenever it reads them) it keeps what the
file held (each rating by where it came from: ``POPM:<email>``, ``FMPS_Rating``)
and the file's mtime. A check of the files reads the tags again only when the
mtime moved, and takes a rating only when a source changed since
(:func:`..media.rating_tags.rating_change`), so neither a stale POPM of another
player nor the app's own frames ever undo what the user set here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..media.rating_tags import best_rating, rating_change, read_rating_sources
from ..model import ClipRecord

log = logging.getLogger(__name__)


def seen_now(path: Path | None) -> dict[str, object]:
    """The columns that remember what the song file holds now (none when it cannot be read)."""
    if path is None:
        return {}
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return {}
    sources = read_rating_sources(path)
    return {"file_ratings": None if sources is None else json.dumps(sources, sort_keys=True), "tags_seen": mtime}


def rating_from_file(record: ClipRecord, path: Path) -> tuple[int | None, dict[str, object]]:
    """(the stars a player set in *path* since the app last looked, or None; the columns to store).

    A file never looked at before (a library from before ratings) gives its rating
    only to a clip that has none here.
    """
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None, {}
    if record.tags_seen == mtime:
        return None, {}
    columns = seen_now(path)
    if columns.get("file_ratings") is None:
        return None, columns
    now = json.loads(columns["file_ratings"])
    before = _stored(record.file_ratings)
    stars = rating_change(before, now) if before is not None else _first_look(now, record.rating)
    if stars is not None:
        log.info("clip %s: %d star(s) set in %s by another player", record.clip_id, stars, path.name)
    return stars, columns


def _first_look(now: dict[str, int], stars_here: int) -> int | None:
    """A file never looked at before: its rating, for a clip without one."""
    return best_rating(now) if now and not stars_here else None


def _stored(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
