"""Where a clip's three files are: the MP3, the cover and the MP4.

One small type instead of a dict keyed by database column names: the engine
plans, downloads, renames and records files through :class:`ClipFiles`, and
:class:`FileKind` knows each file's column and suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..model import ClipRecord
from .store import Library


class FileKind(Enum):
    AUDIO = "audio"
    COVER = "cover"
    VIDEO = "video"

    @property
    def column(self) -> str:
        """The library's column for this file's path."""
        return f"{self.value}_path"

    @property
    def suffix(self) -> str | None:
        """The suffix a new file gets; None for the cover, whose suffix comes from its bytes."""
        return {FileKind.AUDIO: ".mp3", FileKind.COVER: None, FileKind.VIDEO: ".mp4"}[self]

    @property
    def tagged(self) -> bool:
        """Whether the file carries the clip's tags (and its id, so it is found when moved)."""
        return self is not FileKind.COVER

    def url_of(self, record: ClipRecord) -> str:
        if self is FileKind.AUDIO:
            return record.audio_url
        return record.image_url if self is FileKind.COVER else record.video_url

    def relative_of(self, record: ClipRecord) -> str | None:
        """Where the library says the file is, relative to its root."""
        if self is FileKind.AUDIO:
            return record.audio_path
        return record.cover_path if self is FileKind.COVER else record.video_path


@dataclass
class ClipFiles:
    """Absolute paths of the clip's files that exist (or are about to), None for the others."""

    audio: Path | None = None
    cover: Path | None = None
    video: Path | None = None

    @classmethod
    def of(cls, record: ClipRecord, library: Library) -> ClipFiles:
        return cls(
            library.absolute(record.audio_path),
            library.absolute(record.cover_path),
            library.absolute(record.video_path),
        )

    def __getitem__(self, kind: FileKind) -> Path | None:
        return getattr(self, kind.value)

    def __setitem__(self, kind: FileKind, path: Path | None) -> None:
        setattr(self, kind.value, path)

    def items(self) -> list[tuple[FileKind, Path | None]]:
        return [(kind, self[kind]) for kind in FileKind]

    @property
    def any(self) -> bool:
        return any(path is not None for _, path in self.items())

    @property
    def has_tagged_file(self) -> bool:
        return self.audio is not None or self.video is not None

    def columns(self, library: Library) -> dict[str, str | None]:
        """The paths as the library stores them (relative to its root)."""
        return {kind.column: (library.relative(path) if path is not None else None) for kind, path in self.items()}
