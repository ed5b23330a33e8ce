"""Shuffle and Repeat: which clip plays after this one, over the table's playable rows.

The play queue (:mod:`.play_queue`) asks here when shuffle is on or a song has
ended; the choices are remembered with the window's state.
"""

from __future__ import annotations

import random
from enum import StrEnum


class RepeatMode(StrEnum):
    """What happens at the end of a song: go on and stop at the end, start over, or the same song again."""

    OFF = "off"
    ALL = "all"
    ONE = "one"

    @property
    def label(self) -> str:
        return {RepeatMode.OFF: "Repeat Off", RepeatMode.ALL: "Repeat All", RepeatMode.ONE: "Repeat One"}[self]

    @classmethod
    def saved(cls, value: object) -> RepeatMode:
        try:
            return cls(str(value))
        except ValueError:
            return cls.OFF


class PlayOrder:
    """Shuffle (each playable clip once, in random order, before any repeats) and the repeat mode."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.shuffle = False
        self.repeat = RepeatMode.OFF
        self._rng = rng or random.Random()
        self._played: list[str] = []  # this shuffle round, in the order played (Previous walks back)

    def set_shuffle(self, on: bool) -> None:
        self.shuffle = on
        self._played = []

    def shuffled(self, playable: list[str], current: str, step: int, *, wrap: bool) -> str | None:
        """The next (*step* 1) or previous (-1) clip in shuffle order; None when the round is over and not wrapping."""
        if current and current not in self._played:
            self._played.append(current)
        if step < 0:
            if current in self._played and self._played.index(current) > 0:
                return self._played[self._played.index(current) - 1]
            return current or None
        played = set(self._played)
        unplayed = [clip_id for clip_id in playable if clip_id not in played]
        if not unplayed:
            if not wrap or not playable:
                self._played = []
                return None
            self._played = []
            unplayed = [clip_id for clip_id in playable if clip_id != current] or playable
        choice = self._rng.choice(unplayed)
        self._played.append(choice)
        return choice
