"""The clip table's view: selection, sorting, drag and drop; Qt's own delegate paints the cells (see cell_looks)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QTableView,
)

from ..model import MAX_STARS, ClipRecord
from .cell_looks import COVER_SIDE, paint_take_separators
from .clip_files_mime import CLIP_IDS_MIME
from .clip_filter_proxy import ClipFilterProxy
from .clip_rows import (
    CLIP_ID_ROLE,
    COL_COVER,
    COL_CREATED,
    COL_DURATION,
    COL_FILES,
    COL_LAST_PLAYED,
    COL_MODEL,
    COL_PLAYS,
    COL_RATING,
    COL_STATUS,
    COL_TITLE,
    HIDDEN_BY_DEFAULT,
)
from .clip_table_model import ClipTableModel
from .rating_cells import FULL_STAR, star_at, toggled
from .table_columns import ClipHeader, StretchedColumns, apply_column_modes, install_header_menu
from .table_rows import TableRow


class ClipTableView(QTableView):
    """Multi-select table; dragging rows out hands over the tagged MP3 files (copy only)."""

    activated_clip = Signal(str)
    copy_requested = Signal()  # Ctrl+C: the view would otherwise copy one cell's text
    rate_requested = Signal(list, int)  # clip ids, stars (0-5): a click on a star of the Rating column
    reorder_requested = Signal(list, int)  # clip ids dropped within the playlist shown, the place (0-based) before

    THUMB = COVER_SIDE

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._header_selection: QItemSelectionModel | None = None
        header = ClipHeader(Qt.Orientation.Horizontal, self)  # a layout saved before Plays existed hides it
        header.setSectionsClickable(True)
        self.setHorizontalHeader(header)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)  # drops: only moves within a playlist
        self.setAcceptDrops(True)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2 edits the title; a double-click plays
        # rows are the unit here, not cells: Tab leaves the table for the detail pane and the player
        self.setTabKeyNavigation(False)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIconSize(self._thumb_size())
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.THUMB + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # no delegates of our own: Qt's paints every cell from the model's roles (see cell_looks)
        self.doubleClicked.connect(self._emit_activated)
        #: a manual playlist is shown: rows dragged within the table move there (see PlaylistActions)
        self.reorder_enabled = False

    def setSelectionModel(self, selection_model: QItemSelectionModel) -> None:
        super().setSelectionModel(selection_model)  # also called by setModel
        model = self.model()
        if model is None:
            return
        if isinstance(model, ClipFilterProxy):
            model.attach_selection(selection_model)
        # The header paints each section asking the selection model whether that column is
        # selected, which asks flags() row by row: seconds per repaint with 50,000 rows
        # selected. Sections are not highlighted here, so the header gets a selection of its own.
        previous = self._header_selection
        self._header_selection = QItemSelectionModel(model, self)
        self.horizontalHeader().setSelectionModel(self._header_selection)
        if previous is not None:
            previous.deleteLater()

    def _thumb_size(self) -> QSize:
        return QSize(self.THUMB, self.THUMB)

    def apply_default_columns(self) -> None:
        """Widths of the columns the user resizes; Title and Tags share what is left (see table_columns)."""
        widths = {
            COL_COVER: self.THUMB + 12,
            COL_MODEL: 80,
            COL_DURATION: 66,
            COL_CREATED: 126,
            COL_STATUS: 150,
            COL_FILES: 110,
            COL_RATING: self.fontMetrics().horizontalAdvance(FULL_STAR * MAX_STARS) + 16,
            COL_PLAYS: 56,
            COL_LAST_PLAYED: 126,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        for column in HIDDEN_BY_DEFAULT:
            self.setColumnHidden(column, True)
        apply_column_modes(self.horizontalHeader())
        install_header_menu(self)
        self.stretched_columns = StretchedColumns(self)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        paint_take_separators(self, event.rect())  # Group Takes: a line between tasks

    def _emit_activated(self, index: QModelIndex) -> None:
        # a double-click on the stars is a quick rating, not a wish to hear the song
        if index.isValid() and index.column() != COL_RATING:
            self.activated_clip.emit(index.data(CLIP_ID_ROLE))

    def mousePressEvent(self, event) -> None:
        """A click on the n-th star of a Rating cell rates that clip n stars (its own rating's star clears it).

        The row is selected as by any click too. The stars are text painted by Qt's delegate,
        left-aligned after the style's text margin, so the x of the click says which star it is.
        """
        index = self.indexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index.isValid() and index.column() == COL_RATING:
            stars_text = index.data(Qt.ItemDataRole.DisplayRole)
            if stars_text:
                margin = self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
                x = event.position().x() - self.visualRect(index).left() - margin
                star = star_at(x, self.fontMetrics().horizontalAdvance(FULL_STAR))
                if star is not None:
                    current = stars_text.count(FULL_STAR)
                    self.rate_requested.emit([index.data(CLIP_ID_ROLE)], toggled(current, star))
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            # the Return that ends editing a title reaches the view too (Qt lets the editor see it first)
            if self.state() != QAbstractItemView.State.EditingState:
                self.activated_clip.emit(self.currentIndex().data(CLIP_ID_ROLE))
            return
        current = self.currentIndex()
        if event.key() == Qt.Key.Key_F2 and current.isValid() and current.column() != COL_TITLE:
            # rows are the unit: F2 edits the row's title, whichever cell of it was clicked last
            title = current.siblingAtColumn(COL_TITLE)
            self.selectionModel().setCurrentIndex(title, QItemSelectionModel.SelectionFlag.NoUpdate)
        super().keyPressEvent(event)

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex, roles=()) -> None:
        """A row that changes while its title is typed (a sync, a rating) keeps the typing: Qt would reset it."""
        editor = self.indexWidget(self.currentIndex()) if self.state() == self.State.EditingState else None
        typed = editor.text() if isinstance(editor, QLineEdit) and editor.isModified() else None
        super().dataChanged(top_left, bottom_right, list(roles))
        if typed is not None and editor.text() != typed:
            editor.setText(typed)
            editor.setModified(True)

    def selected_clip_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.model().index(row, 0).data(CLIP_ID_ROLE) for row in rows]

    def selected_source_rows(self) -> list[int]:
        proxy = self.model()
        return [proxy.mapToSource(index).row() for index in self.selectionModel().selectedRows()]

    def selected_rows(self) -> list[TableRow]:
        """The selected rows (clips, tasks without clips, unconfirmed submissions), in the model's order."""
        model: ClipTableModel = self.model().sourceModel()
        return [model.row(row) for row in sorted(self.selected_source_rows())]

    def selected_records(self) -> list[ClipRecord]:
        """The selected clips' records, in the model's order (the rows that stand for no clip are left out)."""
        return [row.record for row in self.selected_rows() if row.record is not None]

    def create_drag(self) -> QDrag | None:
        """The drag for the current selection, or None when no selected MP3 is on disk."""
        proxy = self.model()
        source_indexes = [proxy.mapToSource(index) for index in self.selectionModel().selectedRows()]
        model: ClipTableModel = proxy.sourceModel()
        mime = model.mimeData(source_indexes)
        if not mime.urls() and not mime.hasFormat(CLIP_IDS_MIME):
            return None
        drag = QDrag(self)
        drag.setMimeData(mime)
        current = self.currentIndex()
        if not current.isValid() or not self.selectionModel().isRowSelected(current.row()):
            current = self.selectionModel().selectedRows()[0]
        cover = model.thumbnail_for(proxy.mapToSource(current).row())
        if not isinstance(cover, QPixmap) or cover.isNull():
            # not painted yet: one small decode, once, for the drag the user just started
            record = model.record(proxy.mapToSource(current).row())
            cover = (
                QPixmap(str(model.library.root / record.cover_path))
                if record is not None and record.cover_path and model.library
                else QPixmap()
            )
        if not cover.isNull():
            drag.setPixmap(
                cover.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
        return drag

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        drag = self.create_drag()
        if drag is not None:
            # never a move: a file manager would take the song out of the library
            drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)

    # -- rows dragged within a playlist move in it ------------------------------------------------

    def _moving(self, event) -> bool:
        """Rows of the app dropped on a playlist shown in its order (ids not in it are left alone)."""
        return self.reorder_enabled and event.mimeData().hasFormat(CLIP_IDS_MIME)

    def dragEnterEvent(self, event) -> None:
        if self._moving(event):
            event.acceptProposedAction()  # a copy, as every drag of rows is; here it moves them in the playlist
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._moving(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        """The dragged rows go before the row dropped on (after it, in its lower half; at the end below the last)."""
        if not self._moving(event):
            event.ignore()
            return
        point = event.position().toPoint()
        index = self.indexAt(point)
        model: ClipTableModel = self.model().sourceModel()
        if index.isValid():
            number = model.number_of(index.data(CLIP_ID_ROLE)) or 1
            lower = point.y() > self.visualRect(index).center().y()
            before = number if lower else number - 1
        else:
            before = 1 << 30
        ids = bytes(event.mimeData().data(CLIP_IDS_MIME).data()).decode("utf-8", "replace").split()
        event.acceptProposedAction()
        self.reorder_requested.emit(ids, before)
