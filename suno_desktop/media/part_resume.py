"""A cancelled download's ``.part`` file, left so that the next sync goes on where this one stopped.

A sync that is cancelled (by the user, or ``sync --timeout``) may be half-way through
a video. ``download_file`` then leaves its ``.part`` file with a trailer at its end
(:func:`leave_part`) saying what the file holds; the next download of the same target
reads it (:func:`take_part`) and, when it still fits (the same host and path, the same
prefix in front, a server that answers ``Range``), asks only for the rest. A ``.part``
without a trailer (a kill, a power cut) says nothing about itself and is started over.
The trailer is never part of a finished file: it is cut off before the body goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
from dataclasses import asdict, dataclass, fields
from typing import BinaryIO
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

TRAILER_MAGIC = b"\nSUNO-PART-1\n"
_LENGTH = struct.Struct(">I")
_MAX_STATE = 4096  # bytes of JSON a trailer may hold


@dataclass(frozen=True)
class PartState:
    """What a ``.part`` file left by a cancelled download holds."""

    where: str  # host, port and path of the URL: a signed URL's query changes from one sync to the next
    prefix_sha1: str  # of the bytes written in front of the body (an MP3's tag)
    size: int  # bytes of the file, the trailer not counted
    have: int  # of the body, in the file after the prefix
    total: int  # the whole body, as the server said
    validator: str  # ETag or Last-Modified, sent as If-Range ("" if none)
    content_type: str


def where_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}{parts.path}"
    except ValueError:
        return url


def prefix_sha1(prefix: bytes) -> str:
    return hashlib.sha1(prefix).hexdigest()


def leave_part(out: BinaryIO, state: PartState) -> None:
    """Append *state* to the end of *out* (whose first ``state.size`` bytes it describes)."""
    data = json.dumps(asdict(state), separators=(",", ":")).encode("utf-8")
    out.seek(state.size)
    out.truncate()
    out.write(data + _LENGTH.pack(len(data)) + TRAILER_MAGIC)
    out.flush()


def take_part(out: BinaryIO) -> PartState | None:
    """What a cancelled download left in *out*, or None (no trailer, or one that does not add up).

    The trailer stays where it is: the caller truncates the file to ``size`` to go on.
    """
    end = out.seek(0, 2)
    footer_size = _LENGTH.size + len(TRAILER_MAGIC)
    if end < footer_size:
        return None
    out.seek(end - footer_size)
    footer = out.read(footer_size)
    if not footer.endswith(TRAILER_MAGIC):
        return None
    (length,) = _LENGTH.unpack(footer[: _LENGTH.size])
    if length > _MAX_STATE or length > end - footer_size:
        return None
    out.seek(end - footer_size - length)
    try:
        values = json.loads(out.read(length).decode("utf-8"))
        state = PartState(**values)
    except (ValueError, TypeError) as exc:
        log.info("ignoring a .part trailer that cannot be read: %s", exc)
        return None
    types_fit = all(isinstance(getattr(state, f.name), int if f.type == "int" else str) for f in fields(state))
    fits = types_fit and state.size == end - footer_size - length and 0 <= state.have <= min(state.total, state.size)
    return state if fits else None
