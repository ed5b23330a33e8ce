"""Playlists, kept in the library's database by clip id: manual ones (songs in the user's order) and smart ones.

A smart playlist is a saved query (the search box's language) with an optional order and
limit ("25 most played"); it follows the library, so it stores no songs. A manual playlist
holds each song once; a song removed from the library leaves its playlists with it
(``Library.remove_clips``), and a renamed file stays in them (they name clips, not paths).
The window and the CLI both go through :class:`Playlists`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter

from ..errors import ErrorKind, SunoError
from ..model import ClipRecord
from .query import created_time, fold
from .query_parse import QueryError
from .query_select import Selector
from .query_sql import clip_ids_matching, clips_matching, matching_batches
from .store import Library

#: a name longer than this is refused (it names a sidebar entry and an .m3u8 file)
MAX_NAME = 200


class PlaylistError(SunoError):
    """What cannot be done with a playlist, as a sentence: an unknown name, a name taken, a broken query."""

    kind = ErrorKind.CONFIGURATION


class PlaylistKind(StrEnum):
    MANUAL = "manual"
    SMART = "smart"


class SmartOrder(StrEnum):
    """How a smart playlist orders its songs before its limit applies ("25 most played")."""

    LIBRARY = ""  # the library's order
    TITLE = "title"
    NEWEST = "created"
    RECENTLY_ADDED = "added"
    TOP_RATED = "rating"
    MOST_PLAYED = "plays"
    RECENTLY_PLAYED = "last_played"
    LONGEST = "duration"

    @property
    def label(self) -> str:
        return _ORDER_LABELS[self]


_ORDER_LABELS = {
    SmartOrder.LIBRARY: "Library order",
    SmartOrder.TITLE: "Title",
    SmartOrder.NEWEST: "Newest first",
    SmartOrder.RECENTLY_ADDED: "Recently added first",
    SmartOrder.TOP_RATED: "Highest rated first",
    SmartOrder.MOST_PLAYED: "Most played first",
    SmartOrder.RECENTLY_PLAYED: "Recently played first",
    SmartOrder.LONGEST: "Longest first",
}


@dataclass(frozen=True)
class Playlist:
    playlist_id: int
    name: str
    kind: PlaylistKind
    query: str = ""  # smart: the saved search
    order: SmartOrder = SmartOrder.LIBRARY  # smart
    limit: int | None = None  # smart: at most this many songs (None: all)

    @property
    def is_smart(self) -> bool:
        return self.kind is PlaylistKind.SMART


def _spaced(name: str) -> str:
    """*name* trimmed, each run of white space one space: new lines and tabs would break a sidebar entry."""
    return " ".join(name.split())


def checked_name(name: str) -> str:
    """*name* trimmed; an empty, overlong or control-character name is a PlaylistError."""
    name = _spaced(name)
    if not name:
        raise PlaylistError("A playlist needs a name.")
    if len(name) > MAX_NAME:
        raise PlaylistError(f"A playlist's name can have at most {MAX_NAME} characters.")
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
        raise PlaylistError("A playlist's name cannot hold control characters.")
    return name


def checked_query(query: str) -> Selector:
    """The selector of a smart playlist's query; a broken one is a PlaylistError saying why."""
    try:
        return Selector.of(query)
    except QueryError as exc:
        raise PlaylistError(f"The query does not parse: {exc}") from None


class Playlists:
    """The playlists of one library (its database's ``playlists`` and ``playlist_entries``)."""

    def __init__(self, library: Library) -> None:
        self.library = library

    # -- the lists ------------------------------------------------------------------

    def all(self) -> list[Playlist]:
        """Every playlist, by name (ignoring case)."""
        rows = self.library.query("SELECT * FROM playlists ORDER BY name COLLATE NOCASE, playlist_id")
        return [_playlist(row) for row in rows]

    def named(self, name: str) -> Playlist:
        rows = self.library.query("SELECT * FROM playlists WHERE name = ? COLLATE NOCASE", (_spaced(name),))
        if not rows:
            raise PlaylistError(f"There is no playlist named {name!r}.")
        return _playlist(rows[0])

    def get(self, playlist_id: int) -> Playlist | None:
        rows = self.library.query("SELECT * FROM playlists WHERE playlist_id = ?", (playlist_id,))
        return _playlist(rows[0]) if rows else None

    def create(self, name: str) -> Playlist:
        return self._insert(checked_name(name), PlaylistKind.MANUAL, "", SmartOrder.LIBRARY, None)

    def create_free(self, wanted: str, fallback: str = "Imported") -> Playlist:
        """A new playlist named *wanted* (an imported file's name), or ``wanted (2)``, … when that is taken."""
        base = _spaced(wanted) or fallback
        taken = {p.name.casefold() for p in self.all()}
        name, counter = base, 2
        while name.casefold() in taken:
            name, counter = f"{base} ({counter})", counter + 1
        return self.create(name)

    def create_smart(
        self, name: str, query: str, order: SmartOrder = SmartOrder.LIBRARY, limit: int | None = None
    ) -> Playlist:
        checked_query(query)
        return self._insert(checked_name(name), PlaylistKind.SMART, query.strip(), order, _checked_limit(limit))

    def _insert(self, name: str, kind: PlaylistKind, query: str, order: SmartOrder, limit: int | None) -> Playlist:
        now = time.time()
        try:
            with self.library.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO playlists(name, kind, query, sort, max_count, created_at, updated_at)"
                    " VALUES (?,?,?,?,?,?,?)",
                    (name, kind.value, query, order.value, limit, now, now),
                )
        except sqlite3.IntegrityError:
            raise PlaylistError(f"A playlist named {name!r} exists already.") from None
        return Playlist(int(cursor.lastrowid or 0), name, kind, query, order, limit)

    def rename(self, playlist: Playlist, new_name: str) -> Playlist:
        name = checked_name(new_name)
        try:
            self._update(playlist, "name = ?", (name,))
        except sqlite3.IntegrityError:
            raise PlaylistError(f"A playlist named {name!r} exists already.") from None
        return Playlist(playlist.playlist_id, name, playlist.kind, playlist.query, playlist.order, playlist.limit)

    def edit_smart(self, playlist: Playlist, query: str, order: SmartOrder, limit: int | None) -> Playlist:
        """A smart playlist's query, order and limit changed (a broken query changes nothing)."""
        checked_query(query)
        limit = _checked_limit(limit)
        self._update(playlist, "query = ?, sort = ?, max_count = ?", (query.strip(), order.value, limit))
        return Playlist(playlist.playlist_id, playlist.name, playlist.kind, query.strip(), order, limit)

    def _update(self, playlist: Playlist, assignments: str, values: tuple) -> None:
        with self.library.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE playlists SET {assignments}, updated_at = ? WHERE playlist_id = ?",
                (*values, time.time(), playlist.playlist_id),
            )
        if cursor.rowcount == 0:
            raise PlaylistError(f"The playlist {playlist.name!r} is gone.")

    def delete(self, playlist: Playlist) -> None:
        """The playlist goes (its songs stay in the library)."""
        with self.library.transaction() as conn:
            conn.execute("DELETE FROM playlist_entries WHERE playlist_id = ?", (playlist.playlist_id,))
            conn.execute("DELETE FROM playlists WHERE playlist_id = ?", (playlist.playlist_id,))

    # -- a manual playlist's songs ----------------------------------------------------------

    def clip_ids(self, playlist: Playlist) -> list[str]:
        """A manual playlist's songs in order (the clips still in the library)."""
        rows = self.library.query(
            "SELECT e.clip_id FROM playlist_entries e JOIN clips c ON c.clip_id = e.clip_id"
            " WHERE e.playlist_id = ? AND c.removed = 0 ORDER BY e.position",
            (playlist.playlist_id,),
        )
        return [row[0] for row in rows]

    def add(self, playlist: Playlist, clip_ids: Iterable[str], at: int | None = None) -> list[str]:
        """Add songs at index *at* (None: the end); those already in it stay where they are. Returns those added."""
        self._manual(playlist)
        current = self.clip_ids(playlist)
        present = set(current)
        asked = [c for c in dict.fromkeys(clip_ids) if c not in present]
        known = self._in_library(asked)
        new = [c for c in asked if c in known]
        at = len(current) if at is None else max(0, min(at, len(current)))
        self._store(playlist, current[:at] + new + current[at:])
        return new

    def _in_library(self, clip_ids: list[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(clip_ids), 500):
            chunk = clip_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT clip_id FROM clips WHERE removed = 0 AND clip_id IN ({marks})"
            rows = self.library.query(sql, tuple(chunk))
            known.update(row[0] for row in rows)
        return known

    def remove(self, playlist: Playlist, clip_ids: Iterable[str]) -> list[tuple[int, str]]:
        """Take songs out (they stay in the library); returns (index, clip id) of each, for an undo."""
        self._manual(playlist)
        current = self.clip_ids(playlist)
        gone = set(clip_ids)
        removed = [(index, clip_id) for index, clip_id in enumerate(current) if clip_id in gone]
        if removed:
            self._store(playlist, [c for c in current if c not in gone])
        return removed

    def restore(self, playlist: Playlist, removed: Sequence[tuple[int, str]]) -> None:
        """Put back what :meth:`remove` took out, at the places it had (Undo)."""
        self._manual(playlist)
        current = [c for c in self.clip_ids(playlist) if c not in {clip_id for _, clip_id in removed}]
        for index, clip_id in sorted(removed):
            current.insert(min(index, len(current)), clip_id)
        self._store(playlist, current)

    def move(self, playlist: Playlist, clip_ids: Sequence[str], before: int) -> list[str]:
        """Move songs (in their playlist order) to stand before the song now at index *before*; the new order."""
        self._manual(playlist)
        current = self.clip_ids(playlist)
        moving = set(clip_ids)
        anchor = next((c for c in current[max(0, before) :] if c not in moving), None)
        kept = [c for c in current if c not in moving]
        at = kept.index(anchor) if anchor is not None else len(kept)
        order = kept[:at] + [c for c in current if c in moving] + kept[at:]
        self._store(playlist, order)
        return order

    def set_order(self, playlist: Playlist, clip_ids: Sequence[str]) -> None:
        """The playlist's songs are these, in this order (a song twice counts once)."""
        self._manual(playlist)
        self._store(playlist, list(dict.fromkeys(clip_ids)))

    def _store(self, playlist: Playlist, clip_ids: list[str]) -> None:
        key = (playlist.playlist_id,)
        with self.library.transaction() as conn:
            if conn.execute("SELECT 1 FROM playlists WHERE playlist_id = ?", key).fetchone() is None:
                raise PlaylistError(f"The playlist {playlist.name!r} is gone.")
            conn.execute("DELETE FROM playlist_entries WHERE playlist_id = ?", key)
            conn.executemany(
                "INSERT INTO playlist_entries(playlist_id, position, clip_id) VALUES (?,?,?)",
                [(playlist.playlist_id, index, clip_id) for index, clip_id in enumerate(clip_ids)],
            )
            conn.execute("UPDATE playlists SET updated_at = ? WHERE playlist_id = ?", (time.time(), *key))

    @staticmethod
    def _manual(playlist: Playlist) -> None:
        if playlist.is_smart:
            raise PlaylistError(f"{playlist.name!r} is a smart playlist: its songs follow its query.")

    # -- songs of any playlist ----------------------------------------------------------------

    def songs(self, playlist: Playlist) -> list[ClipRecord]:
        """The playlist's songs in its order: a manual one's as stored, a smart one's as its query finds them now."""
        if not playlist.is_smart:
            ids = self.clip_ids(playlist)
            by_id = {record.clip_id: record for record in self.library.clips_with_ids(ids)}
            return [by_id[c] for c in ids if c in by_id]
        return self._smart_songs(playlist, None)

    def song_ids(self, playlist: Playlist, manual: dict[str, frozenset[str]] | None = None) -> list[str]:
        """The ids of the playlist's songs in its order (what the window's sidebar reads, at every change).

        A smart one's clips are read a batch at a time and only their order keys kept: at
        100,000 clips, reading them all whole took ~250 MB. *manual*: the manual playlists'
        members, when already read (see ``members``).
        """
        if not playlist.is_smart:
            return self.clip_ids(playlist)
        selector = self._smart_selector(playlist, manual)
        if playlist.order is SmartOrder.LIBRARY:
            ids = clip_ids_matching(self.library, selector)
        else:
            key = _order_key(playlist.order, self._added_times(playlist))
            keyed = [(key(r), r.clip_id) for batch in matching_batches(self.library, selector) for r in batch]
            ids = [clip_id for _, clip_id in sorted(keyed, key=itemgetter(0))]  # stable: ties in library order
        return ids if playlist.limit is None else ids[: playlist.limit]

    def _smart_songs(self, playlist: Playlist, manual: dict[str, frozenset[str]] | None) -> list[ClipRecord]:
        records = clips_matching(self.library, self._smart_selector(playlist, manual))
        return smart_order(records, playlist.order, playlist.limit, self._added_times(playlist))

    def _added_times(self, playlist: Playlist) -> dict[str, float]:
        """What a smart playlist ordered by Recently Added sorts by (nothing for other orders)."""
        return self.library.task_added_times() if playlist.order is SmartOrder.RECENTLY_ADDED else {}

    def _smart_selector(self, playlist: Playlist, manual: dict[str, frozenset[str]] | None) -> Selector:
        selector = checked_query(playlist.query)
        if selector.compares_added:
            selector = selector.knowing(added=self.library.task_added_times())
        if selector.names_playlists:  # playlist: reads the manual playlists (a smart one naming itself ends there)
            selector = selector.knowing(playlists=manual if manual is not None else self._manual_members())
        return selector

    def members(self) -> dict[str, frozenset[str]]:
        """Each playlist's folded name -> its songs' clip ids, for ``playlist:`` in a query."""
        manual = self._manual_members()
        smart = {fold(p.name): frozenset(self.song_ids(p, manual)) for p in self.all() if p.is_smart}
        return {**manual, **smart}

    def _manual_members(self) -> dict[str, frozenset[str]]:
        return {fold(p.name): frozenset(self.clip_ids(p)) for p in self.all() if not p.is_smart}

    def counts(self) -> dict[int, int]:
        """How many songs each manual playlist holds (smart ones are counted by running them)."""
        rows = self.library.query(
            "SELECT e.playlist_id, COUNT(*) FROM playlist_entries e JOIN clips c ON c.clip_id = e.clip_id"
            " WHERE c.removed = 0 GROUP BY e.playlist_id"
        )
        return {row[0]: row[1] for row in rows}


def smart_order(
    records: list[ClipRecord], order: SmartOrder, limit: int | None, added: dict[str, float] | None = None
) -> list[ClipRecord]:
    """*records* in a smart playlist's *order*, cut to its *limit*; ties keep the library's order."""
    if order is not SmartOrder.LIBRARY:
        records = sorted(records, key=_order_key(order, added or {}))
    return records if limit is None else records[:limit]


def _order_key(order: SmartOrder, added: dict[str, float]):
    """A key sorting ascending into *order*: "first" values come first (the newest, the most, the longest)."""
    if order is SmartOrder.TITLE:
        return lambda r: r.title.casefold()
    if order is SmartOrder.NEWEST:
        return lambda r: -(created_time(r) or 0.0)
    if order is SmartOrder.RECENTLY_ADDED:
        return lambda r: -added.get(r.task_id, 0.0)
    if order is SmartOrder.TOP_RATED:
        return lambda r: -r.rating
    if order is SmartOrder.MOST_PLAYED:
        return lambda r: -r.plays
    if order is SmartOrder.RECENTLY_PLAYED:
        return lambda r: -(r.last_played or 0.0)
    return lambda r: -(r.duration or 0.0)


def _checked_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if not isinstance(limit, int) or limit < 1:
        raise PlaylistError("A smart playlist's limit is a whole number of songs, 1 or more.")
    return limit


def _playlist(row: sqlite3.Row) -> Playlist:
    try:
        order = SmartOrder(row["sort"])
    except ValueError:  # written by a later version: the library's order
        order = SmartOrder.LIBRARY
    kind = PlaylistKind.SMART if row["kind"] == PlaylistKind.SMART.value else PlaylistKind.MANUAL
    limit = row["max_count"] if isinstance(row["max_count"], int) and row["max_count"] > 0 else None
    return Playlist(int(row["playlist_id"]), str(row["name"]), kind, str(row["query"] or ""), order, limit)
