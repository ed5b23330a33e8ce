"""Making many new files durable with one wait, the way Git's ``core.fsyncMethod=batch`` does.

A download is written in full to its hidden ``.part`` name, and its write-back is
started (:func:`start_writeback`) without waiting for it. The caller collects such
:class:`StagedFile` objects and commits them together with :func:`commit_staged`:

1. every file is fsync'ed: the disk has been writing them all along, so these
   calls mostly find nothing left to do and share the file system's journal commit
   (one file at a time, each fsync waits for its own writeback and a journal
   commit: that wait is what a batch saves);
2. only then is each file renamed to its real name;
3. each folder is fsync'ed once, which makes the renames durable;
4. after that the caller may record the files (the library's database).

Whatever the moment of a crash or power loss, a file under its real name is complete
and durable; what is not is a ``.part`` file, which the next sync overwrites (or goes
on from, when a cancelled download left it saying what it holds: see :mod:`.part_resume`). Git
itself fsyncs a dummy file instead of each one, which Linux does not promise is
enough; an fsync per file is portable and, in a batch, nearly free.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_fadvise = getattr(os, "posix_fadvise", None)


@dataclass
class StagedFile:
    """A complete file under its temporary name, waiting for :func:`commit_staged`."""

    part: Path
    target: Path  # the name it is meant to get; another one beside it if that is taken by then
    size: int = 0
    final: Path | None = field(default=None, compare=False)  # set once it is in place
    error: OSError | None = field(default=None, compare=False)  # set when it could not be committed


def start_writeback(fd: int, start: int = 0, length: int = 0) -> None:
    """Ask the kernel to start writing ``[start, start+length)`` (0: to the end) to disk, without waiting.

    ``POSIX_FADV_DONTNEED`` starts the write-back of dirty pages on Linux, and drops
    the pages already written, so a big sync does not push everything else out of
    the page cache. Advice only: where it does not exist, the fsync does it all.
    """
    if _fadvise is None:
        return
    try:
        _fadvise(fd, start, length, os.POSIX_FADV_DONTNEED)
    except OSError as exc:
        log.debug("posix_fadvise failed: %s", exc)


def commit_staged(files: Sequence[StagedFile]) -> list[StagedFile]:
    """Make *files* durable and give them their names; returns the ones that failed.

    A file that appeared under a target meanwhile is never overwritten: the staged
    file gets a free name beside it (:func:`free_path`). A file that cannot be made
    durable is removed and its ``error`` says why.
    """
    failed: list[StagedFile] = []
    durable: list[StagedFile] = []
    for staged in files:
        try:
            _fsync_path(staged.part)
        except OSError as exc:
            staged.error = exc
            failed.append(staged)
            _remove(staged.part)
        else:
            durable.append(staged)
    folders: set[Path] = set()
    for staged in durable:
        final = free_path(staged.target)
        try:
            os.replace(staged.part, final)  # same folder: atomic, never a copy
        except OSError as exc:
            staged.error = exc
            failed.append(staged)
            _remove(staged.part)
            continue
        staged.final = final
        folders.add(final.parent)
    for folder in folders:
        try:
            sync_directory(folder)
        except OSError as exc:  # in place and complete, but the rename may not survive a crash
            for staged in durable:
                if staged.final is not None and staged.final.parent == folder and staged.error is None:
                    staged.error = exc
                    failed.append(staged)
    return failed


def free_path(target: Path, own: Path | None = None) -> Path:
    """*target*, or ``stem (2).ext`` etc. if another file than *own* already has that name."""
    candidate = target
    counter = 2
    while candidate.exists() and (own is None or not _same_file(candidate, own)):
        candidate = target.with_name(f"{target.stem} ({counter}){target.suffix}")
        counter += 1
    return candidate


def part_path(target: Path) -> Path:
    """The hidden temporary file a download of *target* is written to."""
    name = f".{target.name}.part"
    if len(name.encode("utf-8", "surrogateescape")) > 250:  # keep within NAME_MAX
        name = f".{hashlib.sha1(target.name.encode('utf-8', 'surrogateescape')).hexdigest()[:20]}.part"
    return target.with_name(name)


def discard_staged(files: Iterable[StagedFile]) -> None:
    """Remove the temporary files of a batch that will not be committed."""
    for staged in files:
        _remove(staged.part)


def sync_directory(directory: Path) -> None:
    """Make the renames done so far in *directory* durable (POSIX only: Windows has no
    directory handles to fsync, and NTFS journals renames itself)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _fsync_path(path: Path) -> None:
    # r+b, not rb: Windows only flushes a handle open for writing
    with open(path, "r+b") as staged:
        os.fsync(staged.fileno())


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
