"""How many files new file names would rename, counted before anything is renamed.

The settings dialog asks "Rename 312 files now?" before a new template (or a new
artist in a template that uses ``{artist}``) renames the library. The count uses the
same rule as the engine's plan (:meth:`.sync.SyncEngine._plan_clip`): a finished
song whose recorded name differs from the new one. It reads only the database, never
the disk, and for a library of 100,000 clips it still takes seconds: the window runs
it on a worker, and *cancel* stops it when the dialog no longer wants the answer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..model import ClipRecord
from .filenames import render_stem
from .store import Library


@dataclass(frozen=True)
class RenameCount:
    """Songs whose names change, and the files (MP3, cover, MP4) that get the new name."""

    clips: int = 0
    files: int = 0
    cancelled: bool = False


def renamed_stem(record: ClipRecord, template: str, artist: str) -> str | None:
    """The new name of *record*'s files, or None when they keep theirs (or it has none yet)."""
    if not record.is_finished_song:
        return None
    if not record.file_stem or not _file_count(record):
        return None
    stem = render_stem(template, record.to_clip(), artist=artist)
    return stem if stem != record.file_stem else None


def count_renames(library: Library, template: str, artist: str, cancel: threading.Event | None = None) -> RenameCount:
    """How many songs and files *template* with *artist* would rename in *library*."""
    clips = files = 0
    for n, record in enumerate(library.clips()):
        if n % 512 == 0 and cancel is not None and cancel.is_set():
            return RenameCount(clips, files, cancelled=True)
        if renamed_stem(record, template, artist) is not None:
            clips += 1
            files += _file_count(record)
    return RenameCount(clips, files)


def _file_count(record: ClipRecord) -> int:
    return sum(1 for path in (record.audio_path, record.cover_path, record.video_path) if path)
