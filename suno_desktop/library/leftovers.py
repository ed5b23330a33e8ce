"""Hidden ``.part`` files no download will go on with, removed so that a library never fills up with them.

A cancelled download leaves its ``.part`` with a trailer saying what it holds, so
the next sync resumes it (:mod:`..media.part_resume`); a ``.part`` without one (a
kill, a power cut) is started over anyway. Once its clip has the file, or no longer
needs it (renamed, removed, a new URL), nothing will read it again. The sweep runs
only while the library's lock is held and no download of this process is running.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..media.part_resume import take_part, where_of
from .clip_files import FileKind
from .store import Library

log = logging.getLogger(__name__)


def still_wanted(library: Library) -> set[str]:
    """Where (host and path) each file a clip still lacks would come from."""
    wanted = set()
    for record in library.clips():
        for kind in FileKind:
            url, relative = kind.url_of(record), kind.relative_of(record)
            if url and not (relative and (library.root / relative).is_file()):
                wanted.add(where_of(url))
    return wanted


def stale_parts(library: Library) -> list[Path]:
    """The library folder's ``.part`` files that no download will resume."""
    wanted: set[str] | None = None
    stale = []
    for part in sorted(library.root.glob(".*.part")):
        try:
            with part.open("rb") as handle:
                state = take_part(handle)
        except OSError:
            continue
        if state is not None:
            if wanted is None:
                wanted = still_wanted(library)
            if state.where in wanted:
                continue
        stale.append(part)
    return stale


def remove_stale_parts(library: Library) -> int:
    """Remove the leftovers; how many went. A file that cannot be removed is logged and left."""
    removed = 0
    for part in stale_parts(library):
        try:
            part.unlink()
            removed += 1
        except OSError as exc:
            log.warning("could not remove the leftover %s: %s", part, exc)
    if removed:
        log.info("removed %d leftover .part file(s) from %s", removed, library.root)
    return removed
