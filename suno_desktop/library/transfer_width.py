"""How many clip jobs run at once when "Parallel downloads" is Automatic: as many as the network wants.

A download waiting on the network needs no core: against a CDN 100 ms away that
sends 2 MB/s a connection, 3 jobs at once took 4.9× as long as curl with 16
connections (benchmarks/README.md). On loopback, where the CPU (requests, tags,
Python's GIL) is the limit, 16 threads only fight for it and stall the window.
So the session starts with :func:`~suno_desktop.settings.automatic_jobs` (one
more than the cores, at most 4) and goes wide once the files it downloads show
that each connection waits on the network: a slow first byte or a slow stream.
Errors of the network (a 429, a cut transfer) take it back to narrow for the rest
of the session, as a browser backs off from a host that refuses it.
"""

from __future__ import annotations

import statistics
import threading
from collections import deque
from dataclasses import dataclass

from ..settings import MAX_JOBS

#: transfers in flight when the network is the limit (browsers and aria2 open 6-16 per host)
WIDE = MAX_JOBS
#: a first byte this late means the connection waits on the network (loopback: 1-20 ms)
SLOW_FIRST_BYTE = 0.04
#: a connection streaming slower than this (bytes/s) waits on the network (loopback: > 50 MB/s)
SLOW_STREAM = 8_000_000
#: files smaller than this say little about the stream (their time is the first byte's)
STREAM_SAMPLE_BYTES = 256 * 1024
#: the last files the decision looks at, and how many it needs first
WINDOW = 24
MIN_SAMPLES = 3


@dataclass(frozen=True)
class Transfer:
    """One downloaded file: its size, the seconds to its first byte and to its last."""

    size: int
    first_byte: float
    seconds: float


class TransferWidth:
    """Decides the session's width from the transfers it measured; thread-safe."""

    def __init__(self, narrow: int, wide: int = WIDE) -> None:
        self.narrow = max(1, narrow)
        self.wide = max(self.narrow, wide)
        self.width = self.narrow
        self._lock = threading.Lock()
        self._recent: deque[Transfer] = deque(maxlen=WINDOW)
        self._backed_off = False

    def record(self, transfer: Transfer) -> None:
        with self._lock:
            self._recent.append(transfer)
            if not self._backed_off:
                self.width = self.wide if waits_on_network(list(self._recent)) else self.narrow

    def back_off(self) -> None:
        """The network refused or cut a transfer: narrow, for the rest of the session."""
        with self._lock:
            self._backed_off = True
            self.width = self.narrow


def waits_on_network(recent: list[Transfer]) -> bool:
    """Whether the last transfers (a session keeps ``WINDOW`` of them) waited on the network."""
    if len(recent) < MIN_SAMPLES:
        return False
    if statistics.median(t.first_byte for t in recent) >= SLOW_FIRST_BYTE:
        return True
    streams = [t for t in recent if t.size >= STREAM_SAMPLE_BYTES and t.seconds > t.first_byte]
    if len(streams) < MIN_SAMPLES:
        return False
    size = sum(t.size for t in streams)
    seconds = sum(t.seconds - t.first_byte for t in streams)
    return size / seconds < SLOW_STREAM
