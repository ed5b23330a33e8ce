"""The songs a library folder holds, recognised by the ids this app wrote into their tags.

Every MP3 and MP4 the app keeps carries its clip and task ids (``TXXX:SUNO_CLIP_ID``
and ``SUNO_TASK_ID``, or their MP4 atoms), so the files alone are enough to find
each song on the relay again: after a move, or when the database is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..media.tagging import read_suno_ids
from .store import DB_DIR_NAME

TAGGED_SUFFIXES = (".mp3", ".mp4")
#: the suffixes a cover can have, in the order the app writes them
COVER_SUFFIXES = (".jpg", ".png", ".webp")


@dataclass(frozen=True, slots=True)
class TaggedFile:
    path: Path
    clip_id: str
    task_id: str


def media_files(root: Path) -> Iterator[Path]:
    """Every MP3 and MP4 under *root*, skipping hidden files and folders (``.suno``, ``.part`` downloads)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != DB_DIR_NAME)
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in TAGGED_SUFFIXES:
                yield Path(folder, name)


def tagged_files(root: Path) -> list[TaggedFile]:
    """The files under *root* that carry a Suno clip id written by this app."""
    found = []
    for path in media_files(root):
        ids = read_suno_ids(path)
        if ids is not None:
            found.append(TaggedFile(path, ids.clip_id, ids.task_id))
    return found


def first_tagged_file(root: Path) -> TaggedFile | None:
    """Whether the folder holds any of the app's songs, without reading every file's tags."""
    for path in media_files(root):
        ids = read_suno_ids(path)
        if ids is not None:
            return TaggedFile(path, ids.clip_id, ids.task_id)
    return None


def cover_beside(path: Path, known: set[Path] | frozenset[Path] = frozenset()) -> Path | None:
    """A cover named like *path* (the song's stem with an image suffix) that no clip claims yet."""
    for suffix in COVER_SUFFIXES:
        candidate = path.with_suffix(suffix)
        if candidate not in known and candidate.is_file() and candidate.stat().st_size > 0:
            return candidate
    return None
