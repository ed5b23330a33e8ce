"""Where an MP4's boxes are, read from their headers alone.

An MP4 is a row of boxes (ISO/IEC 14496-12, 4.2): a 4-byte big-endian size, a
4-byte type, and, when that size is 1, the real size in the 8 bytes after it; a
container box such as ``moov`` holds its children the same way. That is all
:mod:`.leading_tag` must know of a new file's head before mutagen tags it: whether
the whole ``moov`` is in the head, and whether it holds an ``mvex`` (a fragmented
file). mutagen keeps its own box reader private, so these few lines are ours.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

HEADER = struct.Struct(">I4s")  # size, type
LARGE_SIZE = struct.Struct(">Q")  # the size that follows when the 4-byte one is 1


@dataclass(frozen=True, slots=True)
class Box:
    """One box: its type and where it lies in the bytes it was read from."""

    kind: bytes
    start: int  # its header
    body: int  # its contents, after the header
    end: int  # just past it; beyond the bytes read when they hold only its start


def boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Box]:
    """The boxes one after another from *start* to *end* of *data* (a container's body, or a whole head).

    Stops at a header cut off by *end*, a size smaller than its header, or a size of 0
    (a box running to the end of the file, which a head cannot tell).
    """
    end = len(data) if end is None else end
    offset = start
    while offset + HEADER.size <= end:
        size, kind = HEADER.unpack_from(data, offset)
        header = HEADER.size
        if size == 1:
            if offset + header + LARGE_SIZE.size > end:
                return
            (size,) = LARGE_SIZE.unpack_from(data, offset + header)
            header += LARGE_SIZE.size
        if size < header:
            return
        yield Box(kind, offset, offset + header, offset + size)
        offset += size


def find_box(data: bytes, kind: bytes, start: int = 0, end: int | None = None) -> Box | None:
    """The first box of type *kind* among :func:`boxes` (*data*, *start*, *end*), or None."""
    return next((box for box in boxes(data, start, end) if box.kind == kind), None)
