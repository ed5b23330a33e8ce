"""The demo media server with the faults a CDN can have, for the tests.

The demo's :class:`~suno_desktop.demo.media_server.MediaServer` behaves like a CDN and
nothing else; :class:`FaultyMediaServer` adds a request log, faults named by
:class:`MediaFault` (error statuses, cut-off, paced or unsized bodies, resets), redirects,
encoded bodies and generated blobs, through the demo's public doors: the handler's
``answer``/``send_route``/``write_body`` and ``MediaServer.register``. The relay's
faults, which share :func:`reset_connection` and :func:`client_gone`, are in
``fault_servers.py``.
"""

from __future__ import annotations

import functools
import os
import random
import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from suno_desktop.demo.media_server import WRITE_CHUNK, Blob, MediaRequestHandler, MediaServer, route_keys

SLOW_FAULT_DELAY = 3.0  # seconds; long enough to trip any client read timeout a test sets
#: DRIP and STALL: the first half of the body at full speed, then one byte every
#: DRIP_INTERVAL, or nothing at all, until the client hangs up (at most STALL_MAX seconds)
DRIP_INTERVAL = 0.5
STALL_MAX = 60.0


def reset_connection(connection: socket.socket) -> None:
    """Drop *connection* at once with a TCP reset (RST, not FIN), like a crashing proxy or CDN.

    SO_LINGER on with a zero timeout makes close() abort the connection; ``struct linger``
    is two ints on POSIX and two unsigned shorts on Windows.
    """
    try:
        linger = struct.pack("HH" if os.name == "nt" else "ii", 1, 0)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        connection.close()
    except OSError:
        pass


def client_gone(connection: socket.socket, wait: float) -> bool:
    """Whether the client closed its end within *wait* seconds (a paced answer would not notice otherwise)."""
    try:
        readable, _, _ = select.select([connection], [], [], wait)
        return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


# --------------------------------------------------------------------------- media


class MediaFault(Enum):
    """How the media server spoils the next answers for a path (:meth:`FaultyMediaServer.inject_fault`)."""

    CUT = "cut"  # the headers promise the whole body; the connection ends half-way through it
    HTTP_404 = "404"
    HTTP_429 = "429"  # with Retry-After: 1
    HTTP_500 = "500"
    HTTP_503 = "503"
    SLOW = "slow"  # SLOW_FAULT_DELAY before the answer
    RESET = "reset"  # no answer: the connection is reset
    DRIP = "drip"  # half the body, then a byte every DRIP_INTERVAL
    STALL = "stall"  # half the body, then nothing
    NO_LENGTH = "no-length"  # no Content-Length (nor ranges); the body ends when the connection does

    @property
    def status(self) -> int | None:
        """The HTTP status this fault answers with instead of the media; None when it answers otherwise."""
        return int(self.value) if self.value.isdigit() else None

    @property
    def paced(self) -> bool:
        return self in (MediaFault.DRIP, MediaFault.STALL)


#: generated content repeats a seed-dependent block of this many bytes, each copy
#: stamped with its block number, so a resume at a wrong offset is always detected
GENERATED_BLOCK = 1 << 20


@functools.lru_cache(maxsize=8)
def _generated_block(seed: int) -> bytes:
    return random.Random(seed).randbytes(GENERATED_BLOCK)


def iter_generated_bytes(
    size: int, seed: int = 0, start: int = 0, length: int | None = None, chunk_size: int = WRITE_CHUNK
) -> Iterator[bytes]:
    """Yield the deterministic content of a generated blob, or a slice of it, in chunks.

    Byte ``i`` depends only on ``(seed, i)``; nothing larger than one block is ever built.
    """
    end = size if length is None else min(size, start + length)
    position = max(0, start)
    block = _generated_block(seed)
    while position < end:
        index, offset = divmod(position, GENERATED_BLOCK)
        stamped = index.to_bytes(8, "big") + block[8:]
        take = min(end - position, GENERATED_BLOCK - offset, chunk_size)
        yield stamped[offset : offset + take]
        position += take


@dataclass(frozen=True)
class MediaRequest:
    """One request as the media server saw it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class GeneratedBlob(Blob):
    """Bytes made on the fly, for downloads far larger than a test wants in memory."""

    generated_size: int = 0
    seed: int = 0

    def size(self) -> int:
        return self.generated_size


@dataclass(frozen=True)
class Redirect:
    location: str
    status: int


@dataclass(frozen=True)
class Encoded:
    """A body sent with ``Content-Encoding`` whatever the client asked for (its length is the encoded one)."""

    payload: bytes
    content_type: str
    encoding: str


class FaultyMediaHandler(MediaRequestHandler):
    """Logs each request, acts out a pending fault, then answers like the demo server."""

    server: Any
    cut = False  # this answer stops half-way through its body
    pace: MediaFault | None = None  # DRIP or STALL: the second half of the body comes that way
    unsized = False  # NO_LENGTH: no Content-Length (nor ranges); the body ends when the connection does

    def answer(self, send_body: bool) -> None:
        media: FaultyMediaServer = self.server.media
        media.record(MediaRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        fault = media.take_fault(self.path)
        self.cut = fault is MediaFault.CUT
        self.pace = fault if fault is not None and fault.paced else None
        self.unsized = fault is MediaFault.NO_LENGTH or not media.send_lengths
        if self.unsized:
            self.close_connection = True
        if fault is MediaFault.RESET:
            self.close_connection = True
            reset_connection(self.connection)
            return
        if fault is MediaFault.SLOW:
            time.sleep(SLOW_FAULT_DELAY)
        elif fault is not None and fault.status is not None:
            extra = {"Retry-After": "1"} if fault is MediaFault.HTTP_429 else {}
            self.send_status(fault.status, extra, send_body)
            return
        super().answer(send_body)

    def send_route(self, route: object, send_body: bool) -> None:
        if isinstance(route, Redirect):
            self.send_response(route.status)
            self.send_header("Location", route.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif isinstance(route, Encoded):
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Encoding", route.encoding)
            self.send_header("Content-Length", str(len(route.payload)))
            self.end_headers()
            if send_body:
                self.wfile.write(route.payload)
        else:
            super().send_route(route, send_body)

    def accepts_ranges(self) -> bool:
        return self.server.media.range_support and not self.unsized

    def send_header(self, keyword: str, value: str) -> None:
        if self.unsized and keyword.lower() == "content-length":
            return
        super().send_header(keyword, value)

    def write_body(self, blob: Blob, start: int, length: int) -> None:
        if self.cut:  # the headers promised everything; the connection ends half-way
            length //= 2
            self.close_connection = True
        if self.pace is not None:
            self._write_paced(blob, start, length)
            return
        if isinstance(blob, GeneratedBlob):
            for chunk in iter_generated_bytes(blob.generated_size, blob.seed, start, length):
                self.wfile.write(chunk)
        else:
            super().write_body(blob, start, length)

    def _write_paced(self, blob: Blob, start: int, length: int) -> None:
        """The first half at once, then a drip or a stall until the client hangs up."""
        half = length // 2
        self.pace, pace = None, self.pace
        self.write_body(blob, start, half)
        self.close_connection = True
        rest = (
            b"".join(iter_generated_bytes(blob.generated_size, blob.seed, start + half, length - half))
            if isinstance(blob, GeneratedBlob)
            else (blob.data if blob.data is not None else blob.file.read_bytes())[start + half : start + length]
        )
        ends = time.monotonic() + STALL_MAX
        for index in range(len(rest)):
            if client_gone(self.connection, DRIP_INTERVAL) or time.monotonic() > ends:
                return
            if pace is MediaFault.DRIP:
                self.wfile.write(rest[index : index + 1])


class FaultyMediaServer(MediaServer):
    """The demo media server plus a request log, faults, redirects, generated blobs and a range switch."""

    handler_class = FaultyMediaHandler

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.range_support: bool = True
        self.send_lengths: bool = True  # False: every answer as with the NO_LENGTH fault
        self.requests: list[MediaRequest] = []
        self._faults: dict[str, list[MediaFault]] = {}
        self._fault_lock = threading.Lock()  # the request log and the faults

    def add_generated(self, path: str, size: int, content_type: str, seed: int = 0) -> str:
        """Serve *size* deterministic bytes produced on the fly (see :meth:`generated_bytes`)."""
        if size < 0:
            raise ValueError("A generated blob cannot have a negative size.")
        return self.register(path, GeneratedBlob(content_type, generated_size=size, seed=seed))

    def add_redirect(self, path: str, location: str, status: int = 302) -> str:
        if status not in (301, 302, 303, 307, 308):
            raise ValueError(f"HTTP {status} is not a redirect status.")
        return self.register(path, Redirect(location, status))

    def add_encoded(self, path: str, payload: bytes, content_type: str, encoding: str = "gzip") -> str:
        """Serve *payload* as it is with ``Content-Encoding: <encoding>``, even to ``Accept-Encoding: identity``."""
        return self.register(path, Encoded(payload, content_type, encoding))

    def remove(self, path: str) -> None:
        super().remove(path)
        with self._fault_lock:
            self._faults.pop(path, None)

    def inject_fault(self, path: str, fault: MediaFault, times: int = 1) -> None:
        """Make the next *times* requests for *path* fail in the way *fault* says."""
        if not isinstance(fault, MediaFault):
            raise TypeError(f"fault must be a MediaFault, not {fault!r}")
        with self._fault_lock:
            self._faults.setdefault(path, []).extend([fault] * times)

    def reset_counters(self) -> None:
        """Forget the request log (faults still pending stay armed)."""
        with self._fault_lock:
            self.requests.clear()

    def clear_faults(self) -> None:
        """Disarm every fault still pending: the CDN is healthy again."""
        with self._fault_lock:
            self._faults.clear()

    @staticmethod
    def generated_bytes(size: int, seed: int = 0, start: int = 0, length: int | None = None) -> bytes:
        """The bytes :meth:`add_generated` serves, materialised (use on small slices only)."""
        return b"".join(iter_generated_bytes(size, seed, start, length))

    @staticmethod
    def iter_generated_bytes(size: int, seed: int = 0, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The bytes :meth:`add_generated` serves, as chunks of at most 1 MiB."""
        return iter_generated_bytes(size, seed, start, length)

    def record(self, request: MediaRequest) -> None:
        """Log a request (the handler calls it first)."""
        with self._fault_lock:
            self.requests.append(request)

    def take_fault(self, raw_path: str) -> MediaFault | None:
        """The next pending fault for a request path, used up; None when the answer is a healthy one."""
        with self._fault_lock:
            for key in route_keys(raw_path):
                pending = self._faults.get(key)
                if pending:
                    return pending.pop(0)
        return None
