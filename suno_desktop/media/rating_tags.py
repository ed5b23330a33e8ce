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


def read_rating(path: Path) -> int | None:
    """The 1-5 stars a player (or the app) wrote into *path*; None if it carries no rating.

    MP3: a POPM frame first (the app's own email first, then any other with a rating),
    else ``TXXX:FMPS_Rating``; MP4: the FMPS_Rating atom. Never raises: a file whose
    tags cannot be read has no rating.
    """
    try:
        audio = mutagen.File(Path(path))
        tags = audio.tags if audio is not None else None
        if isinstance(tags, ID3):
            stars = _id3_stars(tags)
        elif isinstance(tags, MP4Tags):
            stars = max((stars_from_fmps(_text(value)) for value in tags.get(MP4_FMPS_RATING, [])), default=0)
        else:
            stars = 0
    except Exception:
        log.debug("no rating readable from %s", path, exc_info=True)
        return None
    return stars or None


def _id3_stars(tags: ID3) -> int:
    """Ours before another player's: the app rewrites its own POPM, another's may be stale."""
    popms = sorted(tags.getall("POPM"), key=lambda frame: frame.email != WMP_EMAIL)
    for frame in popms:
        stars = stars_from_popm(frame.rating)
        if stars:
            return stars
    for frame in tags.getall("TXXX"):
        if frame.desc.casefold() == FMPS_RATING_DESC.casefold():
            for value in frame.text:
                stars = stars_from_fmps(str(value))
                if stars:
                    return stars
    return 0


def _text(value: Any) -> str:
    return bytes(value).decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
