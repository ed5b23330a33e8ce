"""When a song counts as played: half of it or 4 minutes listened, whichever comes first (Last.fm's rule).

Qt-free and fed positions, so it can be tested without playing anything. What counts is
time listened, not where the position is: a seek forward skips time that was not heard, a
seek back replays time without counting it twice, and each start of the song counts once.
"""

from __future__ import annotations

#: four minutes, in ms: a long song counts after this much even before its half
LONG_SONG_LISTEN_MS = 4 * 60 * 1000
#: a step of the position larger than this is a seek (the player reports several times a second)
MAX_STEP_MS = 2000


def listen_needed(duration_ms: int) -> int | None:
    """How long a song of *duration_ms* must be heard to count, or None while its length is unknown."""
    return min(duration_ms // 2, LONG_SONG_LISTEN_MS) if duration_ms > 0 else None


class PlayCounter:
    """Counts at most one play per start of a song, from the positions the player reports."""

    def __init__(self) -> None:
        self.clip_id = ""
        self._last: int | None = None
        self._heard = 0
        self._counted = False

    def start(self, clip_id: str) -> None:
        """The song starts (from the top, or again after it ended): a new play may count."""
        self.clip_id = clip_id
        self._last = None
        self._heard = 0
        self._counted = False

    def feed(self, position_ms: int, duration_ms: int) -> bool:
        """The player is at *position_ms*; True exactly once, when this start of the song becomes a play."""
        last, self._last = self._last, position_ms
        if not self.clip_id or self._counted or last is None:
            return False
        step = position_ms - last
        if 0 < step <= MAX_STEP_MS:
            self._heard += step
        needed = listen_needed(duration_ms)
        if needed is not None and self._heard >= needed:
            self._counted = True
            return True
        return False
