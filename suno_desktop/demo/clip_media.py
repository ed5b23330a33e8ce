"""The demo's songs, covers and video, put on the media server for each clip a task gets.

Songs and covers are handed out in turn, so a list of clips looks varied; each
clip's files are served under CDN-like paths, as Suno's are, and the URLs go into
the clip's JSON. Kept apart from the relay's HTTP side: this is the CDN's half.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from .media_server import MediaServer

log = logging.getLogger(__name__)

DEFAULT_DURATION = 12.0
#: bytes a streaming clip's live URL serves before the "stream" ends
STREAM_CHUNK_BYTES = 16 * 1024

COVER_FILES = {"jpeg": ("cover-1.jpg", "cover-3.jpg"), "png": ("cover-2.png",)}
COVER_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}
SONG_FILES = ("song-1.mp3", "song-2.mp3", "song-3.mp3")
VIDEO_FILE = "video-1.mp4"


class ClipMedia:
    """Hands out the demo files of *folder* in turn and serves a clip's files on *server*. Thread-safe."""

    def __init__(self, server: MediaServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self._lock = threading.Lock()
        self._song_turn = 0
        self._cover_turn = 0
        self._durations: dict[Path, float | None] = {}

    def next_song(self) -> Path:
        with self._lock:
            name = SONG_FILES[self._song_turn % len(SONG_FILES)]
            self._song_turn += 1
        return self.folder / name

    def next_cover(self, kind: str) -> Path:
        with self._lock:
            names = COVER_FILES[kind]
            name = names[self._cover_turn % len(names)]
            self._cover_turn += 1
        return self.folder / name

    def duration_of(self, source: bytes | Path) -> float:
        """The song's length in seconds (read once per file), or DEFAULT_DURATION when unknown."""
        if isinstance(source, bytes):
            return DEFAULT_DURATION
        path = Path(source)
        with self._lock:
            known = path in self._durations
            length = self._durations.get(path)
        if not known:
            length = _mp3_length(path)
            with self._lock:
                self._durations[path] = length
        return round(length, 2) if length else DEFAULT_DURATION

    def register(self, clip_id: str, audio: bytes | Path, *, cover: str | None, video: bool) -> dict[str, Any]:
        """Put a clip's files on the media server under CDN-like paths; returns their URLs."""
        media = self.server
        urls: dict[str, Any] = {
            "audio_url": media.add(f"/cdn1/{clip_id}.mp3", audio, "audio/mpeg"),
            "stream_url": media.add(f"/audiopipe/?item_id={clip_id}", _stream_chunk(audio), "audio/mpeg"),
            "image_url": None,
            "image_large_url": None,
            "video_url": None,
        }
        if cover is not None:
            # Like the real relay can, a PNG cover is served under a .jpeg name.
            cover_file = self.next_cover(cover)
            urls["image_url"] = media.add(f"/cdn2/image_{clip_id}.jpeg", cover_file, COVER_TYPES[cover])
            urls["image_large_url"] = media.add(f"/cdn2/image_large_{clip_id}.jpeg", cover_file, COVER_TYPES[cover])
        if video:
            urls["video_url"] = media.add(f"/cdn1/{clip_id}.mp4", self.folder / VIDEO_FILE, "video/mp4")
        return urls


def _mp3_length(path: Path) -> float | None:
    try:
        from mutagen import File as MutagenFile

        info = MutagenFile(path)
        return float(info.info.length) if info is not None and info.info else None
    except Exception:  # a demo file that cannot be read just gets the default length
        log.debug("Could not read the length of %s", path, exc_info=True)
        return None


def _stream_chunk(audio: bytes | Path) -> bytes:
    """The first bytes of a song: what a live stream has sent so far."""
    if isinstance(audio, bytes):
        return audio[:STREAM_CHUNK_BYTES]
    with open(audio, "rb") as handle:
        return handle.read(STREAM_CHUNK_BYTES)
