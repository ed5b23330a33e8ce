"""Whether a downloaded body is what its file name says, before it gets that name.

CDNs answer a media request with other things than media: a page saying "Signed URL
expired", a JSON error, an empty body, all with ``200 OK``. Kept under ``….jpg`` such
an answer is recorded as the cover and, since the file exists, never fetched again.
So ``download_file`` asks :func:`wrong_content` about every body before it gets its
real name, and refuses a size no real song, video or cover has (:attr:`Expected.max_size`)
before a byte is written.

What a body must start with: a cover the magic number of an image
(:func:`.images.image_type_from_magic`: JPEG, PNG, WebP, GIF, AVIF), a video an MP4's
``ftyp`` box. A song is read by mutagen once complete (``finish_mp3``, the sync's
*before_commit*, which also tags it): here it only must not be a page, JSON, text or
nothing.
"""

from __future__ import annotations

import codecs
from enum import Enum
from pathlib import Path

from .images import image_type_from_magic

#: how much of the body's start :func:`wrong_content` looks at
CHECK_BYTES = 512

MB = 1000 * 1000
#: the most a download whose name says nothing about it may be
MAX_OTHER_SIZE = 2000 * MB

_TEXT_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


class Expected(Enum):
    """What a file's name says it is: the words for it and the most it can weigh.

    The caps are far beyond any real one: a Suno song is a few MB (200 MB would be
    hours at 320 kbit/s), a video some tens of MB, a cover well under 5 MB.
    """

    SONG = ("the song", (".mp3",), 200 * MB)
    VIDEO = ("the video", (".mp4", ".m4v"), 2000 * MB)
    COVER = ("the cover", (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"), 50 * MB)

    def __init__(self, noun: str, suffixes: tuple[str, ...], max_size: int) -> None:
        self.noun = noun
        self.suffixes = suffixes
        self.max_size = max_size

    @classmethod
    def of_name(cls, path: Path) -> Expected | None:
        suffix = path.suffix.lower()
        return next((kind for kind in cls if suffix in kind.suffixes), None)


def max_size_of(path: Path) -> int:
    """The most a download to *path* may weigh, by what its name says."""
    expected = Expected.of_name(path)
    return expected.max_size if expected is not None else MAX_OTHER_SIZE


def wrong_content(first: bytes, size: int, expected: Expected | None) -> str | None:
    """What the body is instead of *expected* ("a web page"), or None when it can be that.

    *first* is the body's first :data:`CHECK_BYTES` bytes (all of a shorter one), *size*
    its length. With nothing expected only an empty body is wrong.
    """
    if size == 0:
        return "an empty file"
    if expected is None:
        return None
    text = _as_text(first)
    if text is not None:
        start = text.lstrip()[:1]
        if start == "<":
            return "a web page"
        if start in ("{", "["):
            return "a JSON answer"
        if not start or _plain_text(text):
            return "text"
    if expected is Expected.COVER and image_type_from_magic(first) is None:
        return "a file that is not an image"
    if expected is Expected.VIDEO and first[4:8] != b"ftyp":
        return "a file that is not an MP4 video"
    return None


def _as_text(first: bytes) -> str | None:
    """*first* as text, if it is text at all (its last character may be cut off)."""
    for bom, encoding in _TEXT_BOMS:
        if first.startswith(bom):
            return codecs.decode(first[len(bom) :], encoding, "replace")
    try:  # not final: the sample may end inside a character
        return codecs.getincrementaldecoder("utf-8")().decode(first, final=False)
    except UnicodeDecodeError:
        return None


def _plain_text(text: str) -> bool:
    """No control characters: words, not the bytes of a media file that happen to be valid UTF-8."""
    return all(char.isprintable() or char in _TEXT_CONTROLS for char in text)
