"""What the sidebar's sources and the playlist commands do: the table shows a source; songs go into playlists.

Every read and write of the playlists runs on a worker of its own, one at a time, so that
the changes a user makes land in the order they made them (an undo after a removal). The
table shows a source by the row ids a worker resolved (:meth:`ClipTableModel.set_source`);
a manual or smart playlist in its own order, the # column, sorted by it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from ..errors import sentence_of
from ..library.playlists import Playlist, PlaylistError, Playlists
from ..library.query import fold
from ..library.query_select import Selector
from ..library.query_sql import clip_ids_matching, count_matching
from ..library.store import Library
from ..model import ClipState
from ..song_request import SubmissionState
from .clip_rows import COL_NUMBER
from .clip_table import ClipTable
from .playlist_files import PlaylistFiles
from .smart_playlist_dialog import SmartPlaylistDialog
from .source_sidebar import ALL_SONGS, BUILT_IN_SOURCES, Source, SourceKind, SourceSidebar, playlist_source
from .table_rows import TableRow
from .workers import WorkerPool

log = logging.getLogger(__name__)
_ASC = Qt.SortOrder.AscendingOrder


@dataclass
class PlaylistState:
    """What a worker read of the playlists: the lists, each one's songs (ids) and each source's count."""

    playlists: list[Playlist] = field(default_factory=list)
    ids: dict[int, list[str]] = field(default_factory=dict)  # playlist id -> its songs, in order
    counts: dict[tuple, int] = field(default_factory=dict)  # source key -> songs (Needs Attention: its clips)


def read_state(store: Playlists, library: Library) -> PlaylistState:
    """Every playlist with its songs, and how many songs each built-in smart list has (a worker's read)."""
    state = PlaylistState(store.all())
    added = library.task_added_times()
    for source in BUILT_IN_SOURCES[1:]:
        state.counts[source.key] = count_matching(library, Selector.of(source.query, added=added))
    for playlist in state.playlists:
        ids = store.song_ids(playlist)
        state.ids[playlist.playlist_id] = ids
        state.counts[playlist_source(playlist).key] = len(ids)
    return state


def source_ids(store: Playlists, library: Library, source: Source) -> list[str] | None:
    """The row ids a source shows, in its order (None: the whole library); a worker's read."""
    if source.kind is SourceKind.ALL:
        return None
    if source.playlist is not None:
        playlist = store.get(source.playlist.playlist_id)
        if playlist is None:
            raise PlaylistError(f"The playlist {source.label!r} is gone.")
        return store.song_ids(playlist)
    return clip_ids_matching(library, Selector.of(source.query, added=library.task_added_times()))


def needs_attention(row: TableRow) -> bool:
    """A task that failed (or the relay does not know) or a request never confirmed: rows without a clip."""
    if row.record is not None:
        return False
    if row.is_submission:
        return getattr(row, "shown", None) is SubmissionState.UNCONFIRMED
    return row.state == ClipState.FAILED


class _RemoveFromPlaylist(QUndoCommand):
    """Songs taken out of the playlist shown (Delete); undone, they are back in their places."""

    def __init__(self, actions: PlaylistActions, playlist: Playlist, before: list[str], after: list[str]) -> None:
        super().__init__(f"Remove {len(before) - len(after)} song(s) from {playlist.name}")
        self.actions, self.playlist, self.before, self.after = actions, playlist, before, after

    def redo(self) -> None:
        self.actions.write_order(self.playlist, self.after)

    def undo(self) -> None:
        self.actions.write_order(self.playlist, self.before)


class PlaylistActions(QObject):
    """The sidebar's sources shown in the table, and the playlist commands of the menus."""

    message = Signal(str)
    error = Signal(str)

    def __init__(self, window: QWidget, library: Library, sidebar: SourceSidebar, table: ClipTable, artist) -> None:
        super().__init__(window)
        self.window, self.library, self.sidebar, self.table = window, library, sidebar, table
        self.store = Playlists(library)
        self.writes = WorkerPool(1, self)  # one at a time: in the order the user made them
        self.state = PlaylistState()
        self.source: Source = ALL_SONGS
        self._shown_ids: list[str] | None = None  # what the table shows of the source (None: everything)
        self._library_sort: tuple[int, Qt.SortOrder] = (-1, _ASC)
        self.undo_stack = QUndoStack(self)
        #: Edit → Remove from Library, whose Delete key the playlist shown takes over
        self.library_remove_action: QAction | None = None
        self.files = PlaylistFiles(self, self.store, artist, self.writes)
        self._build_actions()
        self._refresh_timer = QTimer(self, singleShot=True, interval=800)  # the library changed: follow it
        self._refresh_timer.timeout.connect(self.refresh)
        table.model.rows_changed.connect(self._library_changed)
        table.model.modelReset.connect(self._library_changed)
        sidebar.chosen.connect(self.choose)
        sidebar.clips_dropped.connect(lambda source, ids: self.add_to(source.playlist, ids))
        sidebar.lists_dropped.connect(lambda paths: [self.files.import_file(p) for p in paths])
        sidebar.rename_requested.connect(self.rename)
        sidebar.delete_requested.connect(self.delete)
        sidebar.menu_requested.connect(self._sidebar_menu)
        sidebar.list_for_drag = self.files.list_for_drag
        table.view.reorder_requested.connect(self.move)
        self.files.done.connect(self._files_done)

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable, shortcut=None, name: str = "") -> QAction:
            made = QAction(text, self.window)
            if shortcut is not None:
                made.setShortcut(QKeySequence(shortcut))
            made.setObjectName(name)
            made.triggered.connect(slot)
            self.window.addAction(made)
            return made

        self.new_action = action("New Playlist…", lambda: self.new_playlist(), "Ctrl+Alt+N", "newPlaylistAction")
        self.save_search_action = action("Save Search as Smart Playlist…", self.save_search, None, "saveSearchAction")
        self.export_action = action("Export Playlist…", lambda: self.files.export(self.source), None, "exportPlaylist")
        self.export_songs_action = action(
            "Export Playlist with Songs…", lambda: self.files.export_with_songs(self.source), None, "exportWithSongs"
        )
        self.import_action = action("Import Playlist…", self.files.ask_import, None, "importPlaylistAction")
        self.remove_action = action("Remove from Playlist", self.remove_selected, None, "removeFromPlaylistAction")
        self.undo_action = self.undo_stack.createUndoAction(self.window, "Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self.window, "Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.window.addActions([self.undo_action, self.redo_action])
        self._update_actions()

    def close(self) -> None:
        """The window closes: no more reads; what runs ends (a pool deleted with work running would deadlock)."""
        self._refresh_timer.stop()
        self.writes.close()
        self.writes.wait(3000)

    # -- the sources ------------------------------------------------------------------------------

    def start_in_library(self) -> None:
        """The window opens on All Songs: a layout saved while a playlist was shown keeps no # column."""
        view = self.table.view
        view.setColumnHidden(COL_NUMBER, True)
        if view.horizontalHeader().sortIndicatorSection() == COL_NUMBER:
            view.sortByColumn(-1, _ASC)

    def refresh(self) -> None:
        """Read the playlists and counts again, and what the source shown holds now."""
        self.writes.submit(read_state, self.store, self.library, on_result=self._state_read, on_error=self._failed)
        if self.source.kind is not SourceKind.ALL:
            self._resolve(self.source)

    def _state_read(self, state: PlaylistState) -> None:
        self.state = state
        names = {p.playlist_id: fold(p.name) for p in state.playlists}
        self.table.proxy.set_playlist_members({names[k]: frozenset(v) for k, v in state.ids.items() if k in names})
        self.sidebar.set_playlists(state.playlists)
        counts = dict(state.counts)
        model = self.table.model
        attention = sum(1 for row in model.placeholders() if needs_attention(row))
        key = BUILT_IN_SOURCES[3].key
        counts[key] = counts.get(key, 0) + attention
        counts[ALL_SONGS.key] = model.clip_count()
        self.sidebar.set_counts(counts)
        current = self.sidebar.current_source()
        if current is not None and current.key == self.source.key and current != self.source:
            self.source = current  # renamed, or its query edited: what it holds is read again
            self._resolve(current)

    def _library_changed(self) -> None:
        """Songs came, went or changed: the counts and a smart list follow, at most every 0.8 s during a sync."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def choose(self, source: Source) -> None:
        """Show *source* in the table: the whole library, a smart list, or a playlist in its order."""
        if source.key == self.source.key:  # the same one, read again
            edited = source != self.source  # renamed, or its query, order or limit changed
            self.source = source
            if edited and source.kind is not SourceKind.ALL:
                self._resolve(source)
            return
        leaving_playlist = self.source.playlist is not None
        self.source = source
        self.undo_stack.clear()  # an undo acts on the playlist it was made in
        header = self.table.view.horizontalHeader()
        if source.playlist is None:
            self._show(None)
            self.table.view.setColumnHidden(COL_NUMBER, True)
            if leaving_playlist:
                self.table.view.sortByColumn(*self._library_sort)
        else:
            if not leaving_playlist:
                self._library_sort = (header.sortIndicatorSection(), header.sortIndicatorOrder())
            view = self.table.view
            view.setColumnHidden(COL_NUMBER, False)
            header.moveSection(header.visualIndex(COL_NUMBER), 1)  # after the cover, before the title
            view.setColumnWidth(COL_NUMBER, view.fontMetrics().horizontalAdvance("0000") + 28)
        if source.kind is not SourceKind.ALL:
            self._resolve(source)
        self._update_actions()

    def _resolve(self, source: Source) -> None:
        self.writes.submit(
            source_ids,
            self.store,
            self.library,
            source,
            on_result=lambda ids, key=source.key: self._resolved(key, ids),
            on_error=self._failed,
        )

    def _resolved(self, key: tuple, ids: list[str] | None) -> None:
        if key != self.source.key:
            return  # another source was chosen meanwhile
        if self.source.kind is SourceKind.NEEDS_ATTENTION and ids is not None:
            ids = ids + [row.row_id for row in self.table.model.placeholders() if needs_attention(row)]
        first_time = self._shown_ids is None or self.table.model.number_of(ids[0] if ids else "") is None
        self._show(ids)
        if self.source.playlist is not None and (first_time or self._sorted_by_number()):
            self.table.view.sortByColumn(COL_NUMBER, _ASC)

    def _show(self, ids: list[str] | None) -> None:
        if ids != self._shown_ids:
            self._shown_ids = ids
            self.table.model.set_source(ids)

    def _sorted_by_number(self) -> bool:
        header = self.table.view.horizontalHeader()
        return header.sortIndicatorSection() == COL_NUMBER and header.sortIndicatorOrder() == _ASC

    def _update_actions(self) -> None:
        manual = self.source.is_manual
        self.remove_action.setEnabled(manual)
        # Delete takes songs out of the playlist shown, and out of the library elsewhere
        delete = QKeySequence(QKeySequence.StandardKey.Delete)
        self.remove_action.setShortcut(delete if manual else QKeySequence())
        if self.library_remove_action is not None:
            self.library_remove_action.setShortcut(QKeySequence() if manual else delete)
        for action in (self.export_action, self.export_songs_action):
            action.setEnabled(self.source.playlist is not None)
        self.table.view.reorder_enabled = manual

    # -- songs in and out of playlists -----------------------------------------------------------

    def add_to(self, playlist: Playlist | None, clip_ids: list[str]) -> None:
        if playlist is None or not clip_ids:
            return

        def added(new: list[str]) -> None:
            already = len(set(clip_ids)) - len(new)
            note = f" ({already} already in it)" if already else ""
            self.message.emit(f"Added {len(new)} song(s) to “{playlist.name}”{note}.")
            self.refresh()

        self.writes.submit(self.store.add, playlist, clip_ids, on_result=added, on_error=self._failed)

    def remove_selected(self) -> None:
        """Delete in a playlist: the selected songs leave it (not the library); Ctrl+Z brings them back."""
        playlist = self.source.playlist
        if playlist is None or playlist.is_smart or self._shown_ids is None:
            return
        chosen = set(self.table.view.selected_clip_ids())
        after = [c for c in self._shown_ids if c not in chosen]
        if len(after) == len(self._shown_ids):
            return
        self.undo_stack.push(_RemoveFromPlaylist(self, playlist, list(self._shown_ids), after))
        gone = len(self._shown_ids) - len(after)
        self.message.emit(f"Removed {gone} song(s) from “{playlist.name}” (Ctrl+Z undoes).")

    def write_order(self, playlist: Playlist, clip_ids: list[str]) -> None:
        self._write(self.store.set_order, playlist, clip_ids)

    def _write(self, change: Callable, *args) -> None:
        """A change of the playlists on their worker; then the lists, counts and source are read again."""
        self.writes.submit(change, *args, on_result=lambda _: self.refresh(), on_error=self._failed)

    def move(self, clip_ids: list[str], before: int) -> None:
        """Rows dragged within the playlist shown: they go before the song at *before* (0-based)."""
        playlist = self.source.playlist
        if playlist is None or playlist.is_smart:
            return
        self._write(self.store.move, playlist, clip_ids, before)

    def add_menu(self, parent: QMenu, clip_ids: list[str]) -> QMenu:
        """Add to Playlist ▸: New Playlist… and every manual playlist."""
        menu = parent.addMenu("Add to Playlist")
        menu.setObjectName("addToPlaylistMenu")
        menu.addAction("New Playlist…", lambda: self.new_playlist(clip_ids))
        manual = [p for p in self.state.playlists if not p.is_smart]
        if manual:
            menu.addSeparator()
        for playlist in manual:
            menu.addAction(playlist.name.replace("&", "&&"), lambda p=playlist: self.add_to(p, clip_ids))
        return menu

    # -- the playlists themselves -----------------------------------------------------------------

    def new_playlist(self, clip_ids: list[str] | None = None) -> None:
        name, ok = QInputDialog.getText(self.window, "New Playlist", "Name:", text="New Playlist")
        if not ok:
            return

        def made(playlist: Playlist) -> None:
            self.message.emit(f"Made the playlist “{playlist.name}”.")
            if clip_ids:
                self.add_to(playlist, clip_ids)
            self._then_select(playlist)

        self.writes.submit(self.store.create, name, on_result=made, on_error=self._failed)

    def save_search(self) -> None:
        query = self.table.proxy.filter_text
        if not query:
            self.error.emit("Type a search first: a smart playlist is a saved search.")
            return
        name, ok = QInputDialog.getText(self.window, "Save Search", "Smart playlist name:", text=query[:60])
        if ok:
            self.writes.submit(self.store.create_smart, name, query, on_result=self._then_select, on_error=self._failed)

    def edit_smart(self, source: Source) -> None:
        playlist = source.playlist
        if playlist is None or not playlist.is_smart:
            return
        dialog = SmartPlaylistDialog(playlist, self.window)
        if dialog.exec():
            query, order, limit = dialog.values()
            self.writes.submit(
                self.store.edit_smart, playlist, query, order, limit, on_result=self._then_select, on_error=self._failed
            )

    def rename(self, source: Source, name: str) -> None:
        if source.playlist is not None:
            rename = self.store.rename
            self.writes.submit(rename, source.playlist, name, on_result=self._then_select, on_error=self._failed)

    def delete(self, source: Source) -> None:
        playlist = source.playlist
        if playlist is None:
            return
        asked = QMessageBox.question(
            self.window,
            "Delete Playlist",
            f"Delete the playlist “{playlist.name}”? Its songs stay in the library.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if asked == QMessageBox.StandardButton.Yes:
            if self.source.key == source.key:
                self.sidebar.select_source(ALL_SONGS.key)
            self._write(self.store.delete, playlist)

    def _then_select(self, playlist: Playlist) -> None:
        """After a worker made or changed *playlist*: read the lists again and show it."""

        def read(state: PlaylistState) -> None:
            self._state_read(state)
            self.sidebar.select_source(playlist_source(playlist).key)

        self.writes.submit(read_state, self.store, self.library, on_result=read, on_error=self._failed)

    def _sidebar_menu(self, source: Source | None, at) -> QMenu:
        menu = QMenu(self.sidebar)
        menu.setObjectName("sidebarMenu")
        menu.addAction(self.new_action)
        if source is not None and source.playlist is not None:
            menu.addSeparator()
            if source.playlist.is_smart:
                menu.addAction("Edit Smart Playlist…", lambda: self.edit_smart(source))
            menu.addAction("Rename", lambda: self._start_rename(source))
            menu.addAction("Export…", lambda: self.files.export(source))
            menu.addAction("Export with Songs…", lambda: self.files.export_with_songs(source))
            menu.addAction("Delete…", lambda: self.delete(source))
        menu.popup(self.sidebar.viewport().mapToGlobal(at))
        return menu

    def _start_rename(self, source: Source) -> None:
        if self.sidebar.select_source(source.key):
            self.sidebar.edit(self.sidebar.currentIndex())

    def _files_done(self, sentence: str, ok: bool) -> None:
        (self.message if ok else self.error).emit(sentence)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, PlaylistError):
            log.warning("a playlist change failed", exc_info=exc)
        self.error.emit(sentence_of(exc))
        self.refresh()

    def songs_of(self, source: Source) -> list:
        """The records of a playlist's songs, from the table (its rows hold every clip), in its order."""
        ids = self.state.ids.get(source.playlist.playlist_id, []) if source.playlist is not None else []
        model = self.table.model
        return [r for r in map(model.record_for, ids) if r is not None]
