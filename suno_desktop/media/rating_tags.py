"""A clip's star rating inside its files, as other players write and read it.

There is no one standard, so the rating goes where most players look (see
``../shared/facts/library-manager.txt``, section 1):

* MP3: ONE ``POPM`` frame under Windows Media Player's email on its scale
  (1/64/128/196/255 for 1-5 stars: Explorer, MediaMonkey, MusicBee and Strawberry read it;
  several POPM frames of ours would confuse WMP), plus ``TXXX:FMPS_Rating`` ("0.2".."1.0")
  for Strawberry, Clementine and Amarok;
* MP4: ``----:com.apple.iTunes:FMPS_Rating`` (Strawberry's; MP4 has no standard rating).

The app owns only those frames: another player's POPM (another email) is never
touched. :func:`read_rating` reads what a player wrote, from any email, by
Strawberry's ranges, so a rating set elsewhere can come back into the library.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mutagen
from mutagen.id3 import ID3, POPM, TXXX, Frame
from mutagen.mp4 import AtomDataType, MP4FreeForm, MP4Tags

from ..model import MAX_STARS

log = logging.getLogger(__name__)

#: the POPM email Windows Media Player and Explorer read and write; the app writes under it
WMP_EMAIL = "Windows Media Player 9 Series"
FMPS_RATING_DESC = "FMPS_Rating"
MP4_FMPS_RATING = "----:com.apple.iTunes:FMPS_Rating"

_WMP_BYTES = (0, 1, 64, 128, 196, 255)  # index: stars
#: the lowest POPM byte of each star count, as Strawberry reads any player's POPM (tagreaderbase.cpp)
_POPM_FLOORS = ((252, 5), (192, 4), (128, 3), (64, 2), (1, 1))


def _stars(stars: int) -> int:
    return min(MAX_STARS, max(0, int(stars or 0)))


def popm_byte(stars: int) -> int:
    """The POPM rating byte for 0-5 stars on Windows Media Player's scale (0: no rating)."""
    return _WMP_BYTES[_stars(stars)]


def fmps_text(stars: int) -> str:
    """FMPS_Rating's value for 1-5 stars: "0.2" to "1.0"."""
    return f"{_stars(stars) / MAX_STARS:.1f}"


def stars_from_popm(byte: int) -> int:
    """Stars for any player's POPM byte, by Strawberry's ranges; 0 means "not rated"."""
    for floor, stars in _POPM_FLOORS:
        if byte >= floor:
            return stars
    return 0


def stars_from_fmps(text: str) -> int:
    """Stars for an FMPS_Rating value (0.0-1.0); 0 for none or a value that is no number."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return 0
    if not 0.0 <= value <= 1.0:  # also NaN
        return 0
    return int(value * MAX_STARS + 0.5)  # half up: 0.5 is 3 stars, as a person would round


# --------------------------------------------------------------------------- writing


def rating_id3_frames(stars: int, encoding: int) -> list[Frame]:
    """The app's rating frames for *stars*; none for 0, so a re-tag removes them."""
    stars = _stars(stars)
    if not stars:
        return []
    return [
        POPM(email=WMP_EMAIL, rating=popm_byte(stars), count=0),
        TXXX(encoding=encoding, desc=FMPS_RATING_DESC, text=[fmps_text(stars)]),
    ]


def owns_rating_frame(frame: Frame) -> bool:
    """Whether *frame* is one the app writes for a rating (never another player's POPM)."""
    if frame.FrameID == "POPM":
        return frame.email == WMP_EMAIL
    return frame.FrameID == "TXXX" and frame.desc == FMPS_RATING_DESC


def popm_fingerprint(frame: Frame) -> tuple[Any, ...]:
    """What matters about a POPM frame when comparing the file's with the wanted one."""
    return (frame.email, frame.rating, getattr(frame, "count", 0))


def rating_mp4_items(stars: int) -> dict[str, list[Any] | None]:
    """The app's rating atom for *stars*; None (remove it) for 0."""
    stars = _stars(stars)
    if not stars:
        return {MP4_FMPS_RATING: None}
    return {MP4_FMPS_RATING: [MP4FreeForm(fmps_text(stars).encode("utf-8"), dataformat=AtomDataType.UTF8)]}


# --------------------------------------------------------------------------- reading

#: where a rating was read: the app's own POPM, any "POPM:<email>", or FMPS_Rating (TXXX or MP4 atom)
OWN_POPM_SOURCE = f"POPM:{WMP_EMAIL}"
FMPS_SOURCE = FMPS_RATING_DESC


def read_rating(path: Path) -> int | None:
    """The 1-5 stars a player (or the app) wrote into *path*; None if it carries no rating.

    A POPM first (the app's own email first, then any other with a rating in file
    order), else FMPS_Rating. Never raises: a file whose tags cannot be read has no rating.
    """
    return best_rating(read_rating_sources(path) or {}) or None


def read_rating_sources(path: Path) -> dict[str, int] | None:
    """Every rating in *path* by its source (see OWN_POPM_SOURCE), 0 for "not rated"; None if unreadable.

    For two-way ratings without loops: keep this reading and compare the next one with
    :func:`rating_change`, so another player's old POPM is not read as news on every check.
    """
    try:
        audio = mutagen.File(Path(path))
        tags = audio.tags if audio is not None else None
        if isinstance(tags, ID3):
            return _id3_sources(tags)
        if isinstance(tags, MP4Tags):
            values = [stars_from_fmps(_text(value)) for value in tags.get(MP4_FMPS_RATING, [])]
            return {FMPS_SOURCE: max(values)} if values else {}
        return {} if audio is not None else None
    except Exception:
        log.debug("no rating readable from %s", path, exc_info=True)
        return None


def best_rating(sources: Mapping[str, int]) -> int:
    """The stars a reader should believe among *sources*: the app's POPM, another POPM, then FMPS; 0 for none."""
    for source in _by_trust(sources):
        if sources[source]:
            return sources[source]
    return 0


def rating_change(before: Mapping[str, int], after: Mapping[str, int]) -> int | None:
    """The stars a player set between two readings of a file's ratings (0: cleared); None if none changed.

    A source whose value changed wins, in :func:`best_rating`'s order; a source that
    turns up without a rating (a play counter) is no change; a frame that went away
    leaves the best rating that is left, 0 if none.
    """
    changed = [source for source in _by_trust(after) if after[source] != before.get(source, 0)]
    if changed:
        return after[changed[0]]
    if any(before[source] and source not in after for source in before):
        return best_rating(after)
    return None


def _by_trust(sources: Mapping[str, int]) -> list[str]:
    """Ours before another player's (the app rewrites its own, another's may be old), FMPS last."""
    return sorted(sources, key=lambda source: (source != OWN_POPM_SOURCE, source == FMPS_SOURCE))


def _id3_sources(tags: ID3) -> dict[str, int]:
    sources = {f"POPM:{frame.email}": stars_from_popm(frame.rating) for frame in tags.getall("POPM")}
    for frame in tags.getall("TXXX"):
        if frame.desc.casefold() == FMPS_RATING_DESC.casefold():
            stars = max((stars_from_fmps(str(value)) for value in frame.text), default=0)
            sources[FMPS_SOURCE] = max(stars, sources.get(FMPS_SOURCE, 0))
    return sources


def _text(value: Any) -> str:
    return bytes(value).decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
