"""The sidebar of the library's sources: All Songs, the built-in smart lists, the user's playlists, each with a count.

Selecting one shows its songs in the table (see :mod:`.playlist_actions`). Rows dragged from
the table onto a playlist are added to it; an M3U or M3U8 file dropped anywhere on it is
imported; a playlist dragged out onto a folder leaves an M3U8 list there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QDrag, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView

from ..library.playlists import Playlist
from .clip_files_mime import CLIP_IDS_MIME

_SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
_PLAYLIST_FILES = (".m3u", ".m3u8")


class SourceKind(StrEnum):
    ALL = "all"
    RECENTLY_ADDED = "recently-added"
    TOP_RATED = "top-rated"
    NEEDS_ATTENTION = "needs-attention"
    PLAYLIST = "playlist"  # the user's: manual or smart


@dataclass(frozen=True)
class Source:
    """What the table can show: the whole library, a built-in smart list, or one of the user's playlists."""

    kind: SourceKind
    label: str
    query: str = ""  # a smart list's query (the user's smart playlist's is in its playlist)
    playlist: Playlist | None = None

    @property
    def key(self) -> tuple[SourceKind, int]:
        return self.kind, self.playlist.playlist_id if self.playlist is not None else 0

    @property
    def is_manual(self) -> bool:
        """A playlist the user fills and orders (songs can be added, moved and taken out)."""
        return self.playlist is not None and not self.playlist.is_smart


ALL_SONGS = Source(SourceKind.ALL, "All Songs")
BUILT_IN_SOURCES = (
    ALL_SONGS,
    Source(SourceKind.RECENTLY_ADDED, "Recently Added", "added:14d"),
    Source(SourceKind.TOP_RATED, "Top Rated", "rating:>=4"),
    Source(SourceKind.NEEDS_ATTENTION, "Needs Attention", "is:failed OR is:missing"),
)


def playlist_source(playlist: Playlist) -> Source:
    return Source(SourceKind.PLAYLIST, playlist.name, playlist.query, playlist)


class SourceSidebar(QTreeView):
    """The sources in two groups, Library and Playlists; the counts in a second column."""

    chosen = Signal(object)  # the Source selected
    clips_dropped = Signal(object, list)  # a manual playlist's Source, the clip ids dropped on it
    lists_dropped = Signal(list)  # paths of M3U/M3U8 files dropped
    menu_requested = Signal(object, QPoint)  # the Source under the pointer (or None), where
    rename_requested = Signal(object, str)  # a playlist's Source, the name typed (F2)
    delete_requested = Signal(object)  # a playlist's Source (Delete)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceSidebar")
        self.sources = QStandardItemModel(0, 2, self)
        self.setModel(self.sources)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAcceptDrops(True)
        self.setDragEnabled(True)
        self.setDropIndicatorShown(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(lambda at: self.menu_requested.emit(self.source_at(at), at))
        #: writes a playlist's M3U8 for a drag onto a folder; None: playlists are not dragged out
        self.list_for_drag: Callable[[Source], Path | None] | None = None
        self._library = self._group("Library")
        self._playlists = self._group("Playlists")
        for source in BUILT_IN_SOURCES:
            self._library.appendRow(self._row(source, editable=False))
        self.expandAll()
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)  # room for "100,000"
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("100,000") + 12)
        self.sources.itemChanged.connect(self._item_changed)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self.select_source(ALL_SONGS.key)

    def _group(self, title: str) -> QStandardItem:
        item = QStandardItem(title.upper())
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        item.setFont(font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        filler = QStandardItem()
        filler.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.sources.appendRow([item, filler])
        return item

    def _row(self, source: Source, *, editable: bool) -> list[QStandardItem]:
        name = QStandardItem(source.label)
        name.setData(source, _SOURCE_ROLE)
        name.setToolTip((source.query and f"Smart: {source.query}") or source.label)
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if source.playlist is not None:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
            if editable:
                flags |= Qt.ItemFlag.ItemIsEditable
        if source.is_manual:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        name.setFlags(flags)
        count = QStandardItem("")
        count.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return [name, count]

    # -- what it shows ------------------------------------------------------------------------

    def set_playlists(self, playlists: list[Playlist]) -> None:
        """The user's playlists (by name); the one selected stays selected while it exists."""
        current = self.current_source()
        self.sources.blockSignals(True)
        self._playlists.removeRows(0, self._playlists.rowCount())
        for playlist in playlists:
            self._playlists.appendRow(self._row(playlist_source(playlist), editable=True))
        self.sources.blockSignals(False)
        self.expandAll()
        self.reset_view_keeping(current)

    def reset_view_keeping(self, current: Source | None) -> None:
        self.viewport().update()
        if current is not None and not self.select_source(current.key):
            self.select_source(ALL_SONGS.key)

    def set_counts(self, counts: dict[tuple, int]) -> None:
        """The number of songs beside each source (by key); a source left out shows none."""
        for source, name_item in self._entries():
            count = counts.get(source.key)
            self.sources.itemFromIndex(name_item.index().siblingAtColumn(1)).setText(
                "" if count is None else f"{count:,}"
            )

    def count_text(self, key: tuple) -> str:
        for source, item in self._entries():
            if source.key == key:
                return self.sources.itemFromIndex(item.index().siblingAtColumn(1)).text()
        return ""

    def sources_shown(self) -> list[Source]:
        return [source for source, _ in self._entries()]

    def _entries(self):
        for group in (self._library, self._playlists):
            for row in range(group.rowCount()):
                item = group.child(row, 0)
                yield item.data(_SOURCE_ROLE), item

    def select_source(self, key: tuple) -> bool:
        for source, item in self._entries():
            if source.key == key:
                self.setCurrentIndex(item.index())
                return True
        return False

    def current_source(self) -> Source | None:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(_SOURCE_ROLE) if index.isValid() else None

    def source_at(self, point: QPoint) -> Source | None:
        index = self.indexAt(point)
        return index.siblingAtColumn(0).data(_SOURCE_ROLE) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        source = current.siblingAtColumn(0).data(_SOURCE_ROLE) if current.isValid() else None
        if source is not None:
            self.chosen.emit(source)

    def _item_changed(self, item: QStandardItem) -> None:
        source = item.data(_SOURCE_ROLE)
        if source is not None and source.playlist is not None and item.text() != source.label:
            name = item.text()
            self.sources.blockSignals(True)
            item.setText(source.label)  # renamed when the store says so (set_playlists)
            self.sources.blockSignals(False)
            self.rename_requested.emit(source, name)

    def event(self, event) -> bool:
        """Delete here deletes the playlist (asking), not the songs selected in the table (the window's shortcut)."""
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            source = self.current_source()
            if source is not None and source.playlist is not None and self.state() != self.State.EditingState:
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        source = self.current_source()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and source is not None and source.playlist:
            self.delete_requested.emit(source)
            return
        super().keyPressEvent(event)

    # -- drags in and out -----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if self._wanted(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        mime = event.mimeData()
        target = self.source_at(event.position().toPoint())
        if _list_files(mime) or (mime.hasFormat(CLIP_IDS_MIME) and target is not None and target.is_manual):
            super().dragMoveEvent(event)  # the drop indicator
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        lists = _list_files(mime)
        target = self.source_at(event.position().toPoint())
        if lists:
            event.acceptProposedAction()
            self.lists_dropped.emit(lists)
        elif mime.hasFormat(CLIP_IDS_MIME) and target is not None and target.is_manual:
            event.acceptProposedAction()
            ids = bytes(mime.data(CLIP_IDS_MIME).data()).decode("utf-8", "replace").split()
            self.clips_dropped.emit(target, ids)
        else:
            event.ignore()

    def _wanted(self, mime: QMimeData) -> bool:
        return mime.hasFormat(CLIP_IDS_MIME) or bool(_list_files(mime))

    def startDrag(self, supported_actions) -> None:
        """A playlist dragged out: its M3U8 list, as a file a folder or a player can take."""
        source = self.current_source()
        if source is None or source.playlist is None or self.list_for_drag is None:
            return
        path = self.list_for_drag(source)
        if path is None:
            return
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


def _list_files(mime: QMimeData) -> list[Path]:
    """The M3U and M3U8 files among a drag's URLs."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in _PLAYLIST_FILES]
