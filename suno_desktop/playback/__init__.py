"""Offline playback of the library's local files (Qt Multimedia, loaded defensively)."""

from .player import DEFAULT_VOLUME, Player

__all__ = ["DEFAULT_VOLUME", "Player"]
