"""Opening a library whose database is damaged or lost, and rebuilding it from its files.

The database is never replaced or deleted behind the user's back: one that cannot
be read is refused with a sentence, and a folder full of the app's songs with no
database is never shown as an empty library. ``rebuild`` keeps a damaged database
aside under a dated name, adopts every tagged file where it is, and lets a sync
fetch those tasks from the relay to restore the rest.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ErrorKind, SunoError
from .lock import LibraryLock
from .store import DB_DIR_NAME, DB_FILE_NAME, LOCK_FILE_NAME, Library, LibraryUnavailable
from .tagged_files import TaggedFile, tagged_files

log = logging.getLogger(__name__)

#: how long a rebuild waits for another process's sync to end before it gives up
LOCK_WAIT_SECONDS = 10.0
REBUILD_HINT = "run `suno-desktop rebuild` (or File → Rebuild Library from Files… in the window)"


class LibraryNeedsRebuild(SunoError):
    """The database cannot be read, or is gone while the folder still holds the app's songs."""

    kind = ErrorKind.DAMAGED_LIBRARY


@dataclass
class RebuildPlan:
    """What a rebuild found before it changed anything."""

    root: Path
    files: list[TaggedFile] = field(default_factory=list)
    set_aside: Path | None = None  # where a damaged database was moved

    @property
    def task_ids(self) -> list[str]:
        return list(dict.fromkeys(f.task_id for f in self.files if f.task_id))

    @property
    def song_count(self) -> int:
        return len({f.clip_id for f in self.files})


def database_path(root: Path) -> Path:
    return Path(root).expanduser().absolute() / DB_DIR_NAME / DB_FILE_NAME


def database_problem(db_path: Path) -> str | None:
    """Why the database at *db_path* cannot be used (a sentence), or None when it reads; never changes it."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None  # nothing there yet: a new library, or a lost one (see open_library)
    try:
        conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        return f"it cannot be opened ({exc})"
    try:
        result = conn.execute("PRAGMA quick_check(1)").fetchone()
        if not result or result[0] != "ok":
            return f"it is damaged ({result[0] if result else 'no answer'})"
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return f"it is damaged ({exc})"
    finally:
        conn.close()
    return None


class DatabaseCheck:
    """:func:`database_problem` started on a thread at once, its answer waited for when it is asked.

    SQLite reads without the GIL: the window's modules load meanwhile (the check is ~0.08 s
    of a start at 100,000 clips, and reads the whole database from a cold disk).
    """

    def __init__(self, root: Path) -> None:
        self.db_path = database_path(root)
        self._problem: str | None = None
        self._thread = threading.Thread(target=self._check, name="database-check", daemon=True)
        self._thread.start()

    def _check(self) -> None:
        try:
            self._problem = database_problem(self.db_path)
        except OSError as exc:  # the folder went away under the check: the open says it again, as it finds it
            log.warning("checking %s failed: %s", self.db_path, exc)

    def problem(self) -> str | None:
        self._thread.join()
        return self._problem


def open_library(
    root: Path, *, create: bool = False, existed: bool = False, check: DatabaseCheck | None = None
) -> Library:
    """Open the library at *root* (see :class:`Library`), refusing a damaged database or a lost one with songs.

    The check reads the database once, read-only; a damaged one is never touched. *check*:
    that reading, started earlier (used when it is of this library).
    """
    db_path = database_path(root)
    problem = check.problem() if check is not None and check.db_path == db_path else database_problem(db_path)
    if problem is not None:
        raise LibraryNeedsRebuild(
            f"The library database {db_path} cannot be read: {problem}. It was left as it is. "
            f"To restore the library from its songs, {REBUILD_HINT}; or choose another library folder."
        )
    lost = not db_path.is_file() or db_path.stat().st_size == 0
    if lost and Path(root).is_dir() and (db_path.parent.is_dir() or not existed):
        found = tagged_files(Path(root).expanduser())  # read once: the count is in the sentence
        if found:
            raise LibraryNeedsRebuild(
                f"The library folder {Path(root).expanduser()} holds {len(found)} song file(s) of Suno Desktop but no "
                f"library database. To restore the library from them, {REBUILD_HINT}."
            )
    try:
        return Library(root, create=create, existed=existed)
    except sqlite3.OperationalError as exc:
        if _cannot_write(exc):  # a read-only folder or a full disk: nothing is wrong with the database
            raise LibraryUnavailable(
                f"The library in {Path(root).expanduser()} cannot be written ({exc}): is its folder read-only, "
                "or the disk full? Nothing was changed."
            ) from exc
        raise LibraryNeedsRebuild(
            f"The library database {db_path} cannot be read ({exc}). It was left as it is. "
            f"To restore the library from its songs, {REBUILD_HINT}."
        ) from exc
    except sqlite3.DatabaseError as exc:  # damaged in a way quick_check did not see
        raise LibraryNeedsRebuild(
            f"The library database {db_path} cannot be read ({exc}). It was left as it is. "
            f"To restore the library from its songs, {REBUILD_HINT}."
        ) from exc


def _cannot_write(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return any(words in text for words in ("readonly", "read-only", "disk is full", "unable to open", "disk i/o"))


def set_aside_damaged_database(root: Path) -> Path | None:
    """Move a database that cannot be read (and its WAL files) aside under a dated name; never delete it."""
    db_path = database_path(root)
    problem = database_problem(db_path)
    empty = db_path.is_file() and db_path.stat().st_size == 0
    if problem is None and not empty:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = db_path.with_name(f"{db_path.stem}.damaged-{stamp}{db_path.suffix}")
    counter = 2
    while target.exists():
        target = db_path.with_name(f"{db_path.stem}.damaged-{stamp}-{counter}{db_path.suffix}")
        counter += 1
    for suffix in ("", "-wal", "-shm"):
        part = db_path.with_name(db_path.name + suffix)
        if part.exists():
            part.rename(target.with_name(target.name + suffix))
    log.warning("the damaged library database %s was kept as %s (%s)", db_path, target, problem or "empty")
    return target


def prepare_rebuild(root: Path) -> tuple[Library, RebuildPlan]:
    """Keep a damaged database aside, open the library (a new database if need be) and find its tagged songs.

    The library's lock is held while the database is moved, so another process's
    sync never has it taken away mid-write. The caller syncs ``plan.task_ids``.
    """
    root = Path(root).expanduser().absolute()
    plan = RebuildPlan(root)
    db_dir = root / DB_DIR_NAME
    if db_dir.is_dir():
        lock = LibraryLock(db_dir / LOCK_FILE_NAME)
        lock.acquire(wait=LOCK_WAIT_SECONDS)
        try:
            plan.set_aside = set_aside_damaged_database(root)
        finally:
            lock.release()
    library = Library(root, create=True)
    found = adopt_tagged_files(library)
    plan.files = found.files
    return library, plan


def adopt_tagged_files(library: Library) -> RebuildPlan:
    """Add the tasks of every tagged file in the folder to *library*; a sync then adopts the files where they are."""
    plan = RebuildPlan(library.root, files=tagged_files(library.root))
    known = set(library.task_ids())
    library.add_task_ids([t for t in plan.task_ids if t not in known])
    log.info("rebuilding %s: %d song file(s) of %d task(s)", library.root, len(plan.files), len(plan.task_ids))
    return plan


def adopted_count(library: Library, plan: RebuildPlan) -> int:
    """How many of the songs found in the folder the library now records, with their files where they were."""
    recorded = set()
    for record in library.clips():
        for relative in (record.audio_path, record.video_path):
            if relative:
                recorded.add((library.root / relative).absolute())
    return len({f.clip_id for f in plan.files if f.path.absolute() in recorded})
