"""Copying tagged files out of the library (Export…), never overwriting a different file.

A file already at the destination with the same bytes is left alone (exporting
twice is harmless); a different one keeps its name and the copy gets `` (2)``.
Copies go through a temporary file, so a full USB stick never leaves half a song
that looks complete.
"""

from __future__ import annotations

import filecmp
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import ClipRecord
from .filenames import DEFAULT_TEMPLATE, render_stem
from .store import Library

log = logging.getLogger(__name__)


@dataclass
class ExportReport:
    copied: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # identical file already there
    failed: dict[str, str] = field(default_factory=dict)  # source path -> reason

    def summary(self) -> str:
        parts = [f"{len(self.copied)} file(s) exported"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} already there")
        if self.failed:
            parts.append(f"{len(self.failed)} failed ({next(iter(self.failed.values()))})")
        return ", ".join(parts) + "."


def export_clips(
    library: Library,
    records: Iterable[ClipRecord],
    destination: Path,
    *,
    template: str = DEFAULT_TEMPLATE,
    artist: str = "",
    include_cover: bool = False,
    include_video: bool = False,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    jobs: list[tuple[Path, str]] = []
    for record in records:
        stem = render_stem(template, record.to_clip(), artist=artist)
        columns = ["audio_path"] + (["cover_path"] if include_cover else []) + (["video_path"] if include_video else [])
        for column in columns:
            source = library.absolute(getattr(record, column))
            if source is not None and source.is_file():
                jobs.append((source, f"{stem}{source.suffix.lower()}"))
    for done, (source, name) in enumerate(jobs, start=1):
        if cancel is not None and cancel.is_set():
            break
        try:
            target, copied = copy_without_clobbering(source, destination / name)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            log.warning("export of %s failed: %s", source, reason)
            report.failed[str(source)] = reason
        else:
            (report.copied if copied else report.unchanged).append(target)
        if progress is not None:
            progress(done, len(jobs))
    return report


def copy_without_clobbering(source: Path, target: Path) -> tuple[Path, bool]:
    """Copy *source* to *target* or a free ``name (n)``; (path, False) if identical exists."""
    candidate, counter = target, 2
    while candidate.exists():
        if filecmp.cmp(source, candidate, shallow=False):
            return candidate, False
        candidate = target.with_name(f"{target.stem} ({counter}){target.suffix}")
        counter += 1
    partial = candidate.with_name(f".{candidate.name}.part")
    try:
        shutil.copyfile(source, partial)
        shutil.copystat(source, partial)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, candidate)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return candidate, True
