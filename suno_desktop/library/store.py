"""The library: one folder holding the media files and, under ``.suno/``, a SQLite database.

Paths in the database are relative to the library root, so moving the folder
moves the library. Every change runs in one transaction; the database is in WAL
mode so the GUI can read while a worker writes, and ``busy_timeout`` lets a
second process (a ``sync`` from cron) wait its turn instead of failing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from sys import intern

from ..errors import ErrorKind, SunoError
from ..model import (
    MAX_STARS,
    Clip,
    ClipKind,
    ClipRecord,
    ClipState,
    FilesOnDisk,
    Task,
    TaskRecord,
    TaskStatus,
    is_final_task_status,
)
from .lock import LibraryLock
from .migrations import MIGRATIONS
from .stored_records import clip_record, sharing_lyrics, task_record

log = logging.getLogger(__name__)

DB_DIR_NAME = ".suno"
DB_FILE_NAME = "library.sqlite3"
LOCK_FILE_NAME = "sync.lock"


class LibraryUnavailable(SunoError):
    """The library folder is missing or unreadable (unplugged drive, unmounted share)."""

    kind = ErrorKind.LIBRARY


def _refuse_a_vanished_library(root: Path) -> None:
    """A library opened before whose folder (or ``.suno`` folder) is gone: say so rather than start anew."""
    if root.is_dir() and (root / DB_DIR_NAME).is_dir():
        return
    if root.is_dir():
        problem = (
            f"The library folder {root} no longer holds its library "
            f"(its {DB_DIR_NAME} folder is missing: is the drive connected?)"
        )
    else:
        problem = f"The library folder {root} does not exist (is the drive connected?)"
    raise LibraryUnavailable(
        f"{problem}. It held a library before: if it is on a removable drive or a network share, connect it "
        "and try again; nothing was changed."
    )


_CLIP_COLUMNS = tuple(f.name for f in fields(ClipRecord))
#: the columns a user may write over (library/clip_edits.py): read as the user's value when there is one
EDITABLE_COLUMNS = ("title", "tags", "lyrics", "description")
_CLIP_READ = {
    name: f"COALESCE(json_extract(edits, '$.{name}'), {name}) AS {name}" if name in EDITABLE_COLUMNS else name
    for name in _CLIP_COLUMNS
}
_CLIP_SELECT = ", ".join(_CLIP_READ.values())
#: the window's clips: their lyrics are read for the search alone (Library.search_words), and for one clip when shown
_CLIP_SELECT_NO_LYRICS = ", ".join({**_CLIP_READ, "lyrics": "NULL AS lyrics"}.values())
_TASK_COLUMNS = tuple(f.name for f in fields(TaskRecord))


def clip_column_sql(name: str) -> str:
    """The SQL of a clip's column as the library reads it: the user's edit, where there is one, over the relay's."""
    if name not in _CLIP_COLUMNS:
        raise ValueError(f"not a clip column: {name}")
    return f"COALESCE(json_extract(edits, '$.{name}'), {name})" if name in EDITABLE_COLUMNS else name


#: the columns a sync sets (the rest come from the relay)
LOCAL_CLIP_COLUMNS = frozenset(
    {"state", "audio_path", "cover_path", "video_path", "file_stem", "tag_key", "error", "file_ratings", "tags_seen"}
)
#: relay fields that end up in the file's tags or name: a change means re-tag
TAGGED_FIELDS = ("title", "tags", "lyrics", "description", "model", "duration", "created_at")


@dataclass(frozen=True, slots=True)
class ClipChange:
    clip_id: str
    is_new: bool
    tags_changed: bool


class Library:
    """One library folder. Thread-safe: one connection, serialised by a lock."""

    def __init__(self, root: Path, *, create: bool = False, existed: bool = False) -> None:
        """*create*: make a missing folder, with its parents (a first start on a fresh home).

        *existed*: the folder held a library before (the settings remember it), so a missing
        folder or ``.suno`` folder is an unplugged drive: refused, never made anew.
        """
        self.root = Path(root).expanduser().absolute()
        if existed:
            _refuse_a_vanished_library(self.root)
        if not self.root.exists():
            if not create:
                raise LibraryUnavailable(
                    f"The library folder {self.root} does not exist. "
                    "If it is on a removable drive or a network share, connect it and try again."
                )
            try:
                self.root.mkdir(parents=True)
            except FileExistsError:
                pass  # made meanwhile (another process's first sync)
            except OSError as exc:
                raise LibraryUnavailable(
                    f"Cannot create the library folder {self.root}: {exc.strerror or exc}."
                ) from None
        self.check_available()
        self.db_dir = self.root / DB_DIR_NAME
        self.db_dir.mkdir(exist_ok=True)
        self.db_path = self.db_dir / DB_FILE_NAME
        self.lock = LibraryLock(self.db_dir / LOCK_FILE_NAME)
        self._mutex = threading.RLock()
        self._conn = sqlite3.connect(self.db_path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._migrate()

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._mutex:
            self._conn.close()
        self.lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_available(self) -> None:
        """Raise :class:`LibraryUnavailable` unless the folder is there and usable.

        Called before anything is marked missing: an unplugged drive must not look
        like a thousand deleted songs.
        """
        root = self.root
        if not root.is_dir():
            raise LibraryUnavailable(
                f"The library folder {root} is not available. "
                "If it is on a removable drive or a network share, connect it and try again; "
                "nothing was changed."
            )
        if not os.access(root, os.R_OK | os.W_OK | os.X_OK):
            raise LibraryUnavailable(
                f"The library folder {root} cannot be read or written (check its permissions); nothing was changed."
            )
        db_path = getattr(self, "db_path", None)
        if db_path is not None and not db_path.exists():
            raise LibraryUnavailable(
                f"The library database in {root} has disappeared (was the drive unplugged?); nothing was changed."
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._mutex:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def query(self, sql: str, parameters: tuple = ()) -> list[sqlite3.Row]:
        """Rows of one read, without the write lock a transaction takes (for the journal beside the store)."""
        with self._mutex:
            return self._conn.execute(sql, parameters).fetchall()

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise LibraryUnavailable(
                    f"The library in {self.root} was written by a newer Suno Desktop "
                    f"(schema {version}); update the app to open it."
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                log.info("migrating library %s to schema %d", self.root, number)
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")

    @property
    def schema_version(self) -> int:
        with self._mutex:
            return self._conn.execute("PRAGMA user_version").fetchone()[0]

    # ------------------------------------------------------------------ paths

    def absolute(self, relative: str | None) -> Path | None:
        return None if not relative else self.root / relative

    def files_present(self, record: ClipRecord) -> FilesOnDisk:
        """Whether the clip's MP3, cover and MP4 are on disk: a few stats, for a worker thread."""
        return self._files_at(record.audio_path, record.cover_path, record.video_path)

    def _files_at(self, audio: str | None, cover: str | None, video: str | None) -> FilesOnDisk:
        root = str(self.root)

        def exists(relative: str | None) -> bool:
            return bool(relative) and os.path.isfile(os.path.join(root, relative))

        return FilesOnDisk.of(exists(audio), exists(cover), exists(video))

    def relative(self, path: Path) -> str:
        return Path(path).absolute().relative_to(self.root).as_posix()

    # ------------------------------------------------------------------ tasks

    def add_task_ids(self, task_ids: Iterable[str]) -> list[str]:
        """Store new task ids and return those that were new.

        An id the user removed before and adds again is theirs once more: it is
        polled and shown again (its clips stay removed until a refresh brings them).
        """
        now = time.time()
        added = []
        with self.transaction() as conn:
            for task_id in dict.fromkeys(task_ids):
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO tasks(task_id, added_at, updated_at) VALUES (?, ?, ?)",
                    (task_id, now, now),
                )
                if not cursor.rowcount:
                    cursor = conn.execute(
                        "UPDATE tasks SET removed=0, updated_at=? WHERE task_id=? AND removed=1", (now, task_id)
                    )
                if cursor.rowcount:
                    added.append(task_id)
        return added

    def tasks(self, *, include_removed: bool = False) -> list[TaskRecord]:
        where = "" if include_removed else " WHERE removed=0"
        rows = self._plain_rows(f"SELECT {', '.join(_TASK_COLUMNS)} FROM tasks{where} ORDER BY added_at, rowid")
        return [task_record(row) for row in rows]

    def task_added_times(self, since: float = float("-inf")) -> dict[str, float]:
        """When each task added after *since* (a batch of ids shares one time) was added: what ``added:`` reads."""
        rows = self._plain_rows("SELECT task_id, added_at FROM tasks WHERE added_at > ?", (since,))
        return {intern(task_id): added for task_id, added in rows}  # the clips' task ids are interned too

    def task(self, task_id: str) -> TaskRecord | None:
        with self._mutex:
            row = self._conn.execute(
                f"SELECT {', '.join(_TASK_COLUMNS)} FROM tasks WHERE task_id=?", (task_id,)
            ).fetchone()
        return task_record(row) if row else None

    def pending_task_ids(self) -> list[str]:
        """Tasks the relay has not finished (or never fetched): read without the relay's JSON of every task."""
        rows = self._plain_rows("SELECT task_id, status FROM tasks WHERE removed=0 ORDER BY added_at, rowid")
        return [task_id for task_id, status in rows if not is_final_task_status(TaskStatus.of(status))]

    def task_ids(self) -> list[str]:
        """Every task the user has not removed: what a refresh asks about."""
        return [
            task_id
            for (task_id,) in self._plain_rows("SELECT task_id FROM tasks WHERE removed=0 ORDER BY added_at, rowid")
        ]

    def tasks_without_clips(self, task_ids: Iterable[str] | None = None) -> list[TaskRecord]:
        """Tasks that have no clips yet (or never will): each is one row of its own."""
        sql = (
            f"SELECT {', '.join(_TASK_COLUMNS)} FROM tasks t WHERE removed=0 "
            "AND NOT EXISTS (SELECT 1 FROM clips c WHERE c.task_id=t.task_id)"
        )
        params: list[str] = []
        if task_ids is not None:
            params = list(task_ids)
            sql += f" AND task_id IN ({','.join('?' * len(params))})"
        with self._mutex:
            rows = self._conn.execute(sql + " ORDER BY added_at, rowid", params).fetchall()
        return [task_record(row) for row in rows]

    def remove_tasks(self, task_ids: Iterable[str]) -> None:
        """The user removed these tasks: they are not polled or shown again, nor their clips."""
        ids = list(task_ids)
        now = time.time()
        with self.transaction() as conn:
            conn.executemany("UPDATE tasks SET removed=1, updated_at=? WHERE task_id=?", [(now, t) for t in ids])
            conn.executemany(
                "UPDATE clips SET removed=1, audio_path=NULL, cover_path=NULL, video_path=NULL, "
                "updated_at=? WHERE task_id=?",
                [(now, t) for t in ids],
            )
            conn.executemany(  # a song gone from the library is gone from its playlists
                "DELETE FROM playlist_entries WHERE clip_id IN (SELECT clip_id FROM clips WHERE task_id=?)",
                [(t,) for t in ids],
            )

    def save_task(self, task: Task) -> list[ClipChange]:
        """Store what the relay said about *task* and its clips, in one transaction."""
        now = time.time()
        changes: list[ClipChange] = []
        with self.transaction() as conn:
            conn.execute(
                """INSERT INTO tasks(task_id, action, status, fail_reason, progress, submit_time,
                                     finish_time, added_at, fetched_at, error, raw_json, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)
                   ON CONFLICT(task_id) DO UPDATE SET action=excluded.action,
                       status=excluded.status, fail_reason=excluded.fail_reason,
                       progress=excluded.progress, submit_time=excluded.submit_time,
                       finish_time=excluded.finish_time, fetched_at=excluded.fetched_at,
                       error='', raw_json=excluded.raw_json, updated_at=excluded.updated_at""",
                (
                    task.task_id,
                    task.action,
                    task.status,
                    task.fail_reason,
                    task.progress,
                    task.submit_time,
                    task.finish_time,
                    now,
                    now,
                    _dump(task.raw),
                    now,
                ),
            )
            for position, clip in enumerate(task.clips):
                changes.append(self._save_clip(conn, clip, position, task, now))
        return changes

    def _save_clip(self, conn: sqlite3.Connection, clip: Clip, position: int, task: Task, now: float) -> ClipChange:
        created = clip.created_at.isoformat() if isinstance(clip.created_at, datetime) else None
        values = {
            "title": clip.title,
            "tags": clip.tags,
            "lyrics": clip.lyrics,
            "description": clip.description,
            "model": clip.model,
            "duration": clip.duration,
            "created_at": created,
            "parent_clip_id": clip.parent_clip_id,
            "relation": clip.relation,
            "continue_at": clip.continue_at,
        }
        old = conn.execute(
            f"SELECT {', '.join(TAGGED_FIELDS)}, state, removed FROM clips WHERE clip_id=?",
            (clip.clip_id,),
        ).fetchone()
        relay_error = clip.relay_error
        if clip.kind == ClipKind.LYRICS:
            state = ClipState.LYRICS
        elif clip.is_error:
            state = ClipState.FAILED
        elif clip.is_complete:
            state = old["state"] if old and old["state"] != ClipState.PENDING else ClipState.DOWNLOADING
        elif task.status == TaskStatus.FAILURE:
            state, relay_error = ClipState.FAILED, relay_error or task.fail_reason
        else:
            state = ClipState.PENDING
        row = {
            "task_id": clip.task_id,
            "position": position,
            "kind": clip.kind,
            **values,
            "relay_status": clip.relay_status,
            "relay_error": relay_error,
            "audio_url": clip.audio_url,
            "image_url": clip.image_url,
            "video_url": clip.video_url,
            "state": state,
            "updated_at": now,
            "raw_json": _dump(clip.raw),
        }
        if old is None:
            columns = ", ".join(["clip_id", *row])
            conn.execute(
                f"INSERT INTO clips({columns}) VALUES ({', '.join('?' * (len(row) + 1))})",
                (clip.clip_id, *row.values()),
            )
            return ClipChange(clip.clip_id, is_new=True, tags_changed=False)
        tags_changed = any(old[name] != values[name] for name in TAGGED_FIELDS)
        conn.execute(
            f"UPDATE clips SET {', '.join(f'{name}=?' for name in row)} WHERE clip_id=?",
            (*row.values(), clip.clip_id),
        )
        return ClipChange(clip.clip_id, is_new=False, tags_changed=tags_changed)

    def set_task_error(self, task_id: str, error: str, *, status: TaskStatus | None = None) -> None:
        """Remember why a task could not be fetched (e.g. the relay does not know it)."""
        now = time.time()
        with self.transaction() as conn:
            if status is None:
                conn.execute("UPDATE tasks SET error=?, updated_at=? WHERE task_id=?", (error, now, task_id))
            else:
                conn.execute(
                    "UPDATE tasks SET error=?, status=?, fetched_at=?, updated_at=? WHERE task_id=?",
                    (error, status, now, now, task_id),
                )

    # ------------------------------------------------------------------ clips

    def clips(
        self, *, include_removed: bool = False, task_ids: Iterable[str] | None = None, lyrics: bool = True
    ) -> list[ClipRecord]:
        """The clips, in order of task and take; without *lyrics* (every clip, not removed), ``lyrics`` is None."""
        if task_ids is None and not include_removed:
            return [record for batch in self.clip_batches(lyrics=lyrics) for record in batch]
        if not lyrics:
            raise ValueError("only every clip is read without its lyrics")
        sql = f"SELECT {_CLIP_SELECT} FROM clips"
        where, params = [], []
        if not include_removed:
            where.append("removed=0")
        if task_ids is not None:
            ids = list(task_ids)
            where.append(f"task_id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY task_id, position"
        return self._clip_records(sql, params)

    def clips_where(self, condition: str, params: Iterable = ()) -> list[ClipRecord]:
        """The clips (not removed) that meet an SQL *condition* over :func:`clip_column_sql` columns, in order."""
        sql = f"SELECT {_CLIP_SELECT} FROM clips WHERE removed=0 AND ({condition}) ORDER BY task_id, position"
        return self._clip_records(sql, params)

    def clips_with_ids(self, clip_ids: Iterable[str]) -> list[ClipRecord]:
        """The clips (removed or not) with these ids, in order of task and take; a few hundred ids a query."""
        ids, records = list(clip_ids), []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = f"SELECT {_CLIP_SELECT} FROM clips WHERE clip_id IN ({','.join('?' * len(chunk))})"
            records += self._clip_records(sql, chunk)
        return sorted(records, key=lambda r: (r.task_id, r.position))

    def file_states(self, records: Iterable[ClipRecord] | None = None) -> list[tuple[str, float, FilesOnDisk]]:
        """Every clip's id, when its row last changed, and which of its files are on disk (a stat per file).

        What a check of the files compares with the window's rows, without reading every clip
        whole; of *records* (the ones just read) when given, without reading the database again.
        """
        if records is not None:
            return [(r.clip_id, r.updated_at, self.files_present(r)) for r in records]
        with self._mutex:
            rows = self._conn.execute(
                "SELECT clip_id, updated_at, audio_path, cover_path, video_path FROM clips WHERE removed=0"
            ).fetchall()
        return [(row[0], row[1], self._files_at(row[2], row[3], row[4])) for row in rows]

    def clip_batches(
        self, size: int = 2000, *, lyrics: bool = True, where: tuple[str, Iterable] | None = None
    ) -> Iterator[list[ClipRecord]]:
        """Every clip (not removed), or those meeting *where* (SQL, params), by task and take, some thousands at a time.

        A pass over 100,000 clips (a sync's plan) then never holds them all at once, and each
        batch is its own read: nothing stays open on the connection between batches. Without
        *lyrics*, each record's ``lyrics`` is None (the window's: see ``search_words``).
        """
        select = _CLIP_SELECT if lyrics else _CLIP_SELECT_NO_LYRICS
        for rows in self._batches(select, size, where):
            yield sharing_lyrics([clip_record(row) for row in rows])

    def clips_meeting(self, select: str, condition: str | None, params: Iterable = ()) -> list[tuple]:
        """*select* (SQL) of the clips (not removed) that meet an SQL *condition* (None: all), by task and take."""
        where = f" AND ({condition})" if condition else ""
        return self._plain_rows(f"SELECT {select} FROM clips WHERE removed=0{where} ORDER BY task_id, position", params)

    def search_words(self, size: int = 5000) -> Iterator[list[tuple[str, str, str, str]]]:
        """Every clip's (not removed) id, title, style and lyrics as the search reads them, by task and take."""
        select = f"clip_id, {clip_column_sql('title')}, {clip_column_sql('tags')}, {clip_column_sql('lyrics')}"
        yield from self._batches(select, size)

    def _batches(self, select: str, size: int, where: tuple[str, Iterable] | None = None) -> Iterator[list[tuple]]:
        """The clips not removed (that meet *where*), *select* read of each, by task and take (keyset pages)."""
        after: tuple[str, int] = ("", -1)
        condition, params = (f" AND ({where[0]})", list(where[1])) if where else ("", [])
        while True:
            rows = self._plain_rows(
                f"SELECT task_id, position, {select} FROM clips WHERE removed=0 AND (task_id, position) > (?, ?)"
                f"{condition} ORDER BY task_id, position LIMIT {int(size)}",
                [*after, *params],
            )
            if rows:
                after = rows[-1][:2]
                yield [row[2:] for row in rows]
            if len(rows) < size:
                return

    def _clip_records(self, sql: str, params: Iterable = ()) -> list[ClipRecord]:
        """The clips a query selects (its columns: _CLIP_SELECT)."""
        return sharing_lyrics([clip_record(row) for row in self._plain_rows(sql, params)])

    def _plain_rows(self, sql: str, params: Iterable = ()) -> list[tuple]:
        """What a query selects, read as plain tuples (a Row costs ~2 µs each)."""
        with self._mutex:
            cursor = self._conn.cursor()
            cursor.row_factory = None
            return cursor.execute(sql, list(params)).fetchall()

    def children_of(self, clip_id: str) -> list[ClipRecord]:
        """The clips made from *clip_id* (its extensions, covers …), oldest first."""
        with self._mutex:
            rows = self._conn.execute(
                f"SELECT {_CLIP_SELECT} FROM clips WHERE parent_clip_id=? ORDER BY created_at, clip_id", (clip_id,)
            ).fetchall()
        return [clip_record(row) for row in rows]

    def clip(self, clip_id: str) -> ClipRecord | None:
        with self._mutex:
            row = self._conn.execute(f"SELECT {_CLIP_SELECT} FROM clips WHERE clip_id=?", (clip_id,)).fetchone()
        return clip_record(row) if row else None

    def update_clip(self, clip_id: str, **values: object) -> None:
        """Set local-state columns (state, paths, file_stem, tag_key, error)."""
        self.update_clips([(clip_id, values)])

    def update_clips(self, rows: Iterable[tuple[str, Mapping[str, object]]]) -> None:
        """:meth:`update_clip` for many clips, in one transaction."""
        statements = []
        now = time.time()
        for clip_id, values in rows:
            unknown = set(values) - LOCAL_CLIP_COLUMNS
            if unknown:
                raise ValueError(f"not local clip columns: {sorted(unknown)}")
            if values:
                columns = ", ".join(f"{k}=?" for k in values)
                statements.append(
                    (f"UPDATE clips SET {columns}, updated_at=? WHERE clip_id=?", (*values.values(), now, clip_id))
                )
        if not statements:
            return
        with self.transaction() as conn:
            for sql, parameters in statements:
                conn.execute(sql, parameters)

    def set_rating(self, clip_ids: Iterable[str], stars: int) -> None:
        """Give clips 0-5 stars (0 clears); their files get it at the next re-tag (it is in the tag key)."""
        if not 0 <= stars <= MAX_STARS:
            raise ValueError(f"a rating is 0 to {MAX_STARS} stars, not {stars}")
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE clips SET rating=?, updated_at=? WHERE clip_id=?",
                [(stars, time.time(), clip_id) for clip_id in clip_ids],
            )

    def record_play(self, clip_id: str, when: float | None = None) -> None:
        """One more play of *clip_id*, at *when* (now by default)."""
        when = time.time() if when is None else when
        with self.transaction() as conn:
            conn.execute(
                "UPDATE clips SET plays=plays+1, last_played=?, updated_at=? WHERE clip_id=?",
                (when, time.time(), clip_id),
            )

    def remove_clips(self, clip_ids: Iterable[str]) -> None:
        """Mark clips removed by the user: a later sync will not bring them back (nor their playlists' entries)."""
        ids = list(clip_ids)
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE clips SET removed=1, audio_path=NULL, cover_path=NULL, video_path=NULL, "
                "updated_at=? WHERE clip_id=?",
                [(time.time(), clip_id) for clip_id in ids],
            )
            conn.executemany("DELETE FROM playlist_entries WHERE clip_id=?", [(clip_id,) for clip_id in ids])


def _dump(raw: object) -> str | None:
    """The relay's JSON as it came; with a lone surrogate (SQLite cannot hold one as text) escaped as JSON does."""
    if not raw:
        return None
    text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    if re.search("[\ud800-\udfff]", text):
        text = json.dumps(raw, separators=(",", ":"))
    return text
