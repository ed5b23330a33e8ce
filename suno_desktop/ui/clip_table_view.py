"""The clip table's view and the delegates that paint its cover and status cells."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QRect, QRectF, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QDrag, QKeySequence, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QTableView,
)

from ..model import ClipRecord
from .clip_filter_proxy import ClipFilterProxy
from .clip_rows import (
    CLIP_ID_ROLE,
    COL_COVER,
    COL_CREATED,
    COL_DURATION,
    COL_FILES,
    COL_MODEL,
    COL_STATUS,
    COL_TAGS,
    COL_TITLE,
)
from .clip_table_model import ClipTableModel


def source_of(index: QModelIndex) -> tuple[ClipTableModel, int]:
    """The Python model and row behind a (proxy) index.

    Delegates read the model directly: ``QModelIndex.data()`` called from Python
    on a Python model loses a reference to ``None`` each time it returns nothing
    (PySide6 6.x on Python 3.11), which crashes the interpreter after enough paints.
    """
    model = index.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = index.model()
    return model, index.row()


def paint_cell_background(painter, option) -> None:
    """Selection and alternate-row background, drawn without asking the model anything."""
    style = option.widget.style() if option.widget else QApplication.style()
    style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)


class StatusDelegate(QStyledItemDelegate):
    """The Status cell: a progress bar while downloading, else the coloured status text.

    It paints everything itself from the Python model: asking Qt to fetch the
    cell's data from a Python delegate (``super().paint``) loses references to
    ``None`` in PySide6 on Python 3.11, once per empty role per cell.
    """

    def paint(self, painter, option, index) -> None:
        model, row = source_of(index)
        paint_cell_background(painter, option)
        fraction = model.progress_for(row)
        text = model.status_text(row)
        if fraction is not None and fraction >= 0:
            bar = QStyleOptionProgressBar()
            bar.rect = option.rect.adjusted(4, 8, -4, -8)
            bar.minimum, bar.maximum = 0, 100
            bar.progress = int(fraction * 100)
            bar.text = text
            bar.textVisible = True
            bar.state = option.state | QStyle.StateFlag.State_Horizontal
            style = option.widget.style() if option.widget else QApplication.style()
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = model.status_color(row)
        if selected or color is None:
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            color = option.palette.color(role)
        painter.save()
        painter.setPen(color)
        rect = option.rect.adjusted(4, 0, -4, 0)
        painter.drawText(
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()


class CoverDelegate(QStyledItemDelegate):
    """A square, rounded thumbnail; a quiet placeholder note while none is loaded.

    Each thumbnail is scaled and rounded once and kept: a paint then costs one
    ``drawPixmap`` per cell, not a smooth rescale and a clip path.
    """

    CACHE_SIZE = 512

    def __init__(self, size: int, parent=None) -> None:
        super().__init__(parent)
        self.size = size
        self._rounded: dict[tuple, QPixmap] = {}

    def paint(self, painter, option, index) -> None:
        model, row = source_of(index)
        paint_cell_background(painter, option)
        side = min(self.size, option.rect.height() - 6)
        if side <= 0:
            return
        target = QRect(0, 0, side, side)
        target.moveCenter(option.rect.center())
        ratio = painter.device().devicePixelRatioF()
        pixmap = model.thumbnail_for(row)
        if not isinstance(pixmap, QPixmap) or pixmap.isNull():
            pixmap = None
        # the placeholder follows the palette (a theme change repaints it in the new colours)
        drawn = pixmap.cacheKey() if pixmap is not None else option.palette.color(QPalette.ColorRole.Midlight).rgba()
        key = (pixmap is None, drawn, side, ratio)
        rounded = self._rounded.get(key)
        if rounded is None:
            rounded = self._render(pixmap, side, ratio, option.palette)
            if len(self._rounded) >= self.CACHE_SIZE:
                self._rounded.pop(next(iter(self._rounded)))
            self._rounded[key] = rounded
        painter.drawPixmap(target.topLeft(), rounded)

    @staticmethod
    def _render(pixmap: QPixmap | None, side: int, ratio: float, palette: QPalette) -> QPixmap:
        rounded = QPixmap(QSize(side, side) * ratio)
        rounded.setDevicePixelRatio(ratio)
        rounded.fill(Qt.GlobalColor.transparent)
        target = QRect(0, 0, side, side)
        painter = QPainter(rounded)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(target), 4, 4)
        painter.setClipPath(path)
        if pixmap is not None:
            scaled = pixmap.scaled(
                target.size() * ratio,
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(ratio)
            painter.drawPixmap(target, scaled)
        else:
            painter.fillRect(target, palette.color(QPalette.ColorRole.Midlight))
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            font = painter.font()
            font.setPixelSize(int(side * 0.5))
            painter.setFont(font)
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "♪")
        painter.end()
        return rounded


class ClipTableView(QTableView):
    """Multi-select table; dragging rows out hands over the tagged MP3 files (copy only)."""

    activated_clip = Signal(str)
    copy_requested = Signal()  # Ctrl+C: the view would otherwise copy one cell's text

    THUMB = 40

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._header_selection: QItemSelectionModel | None = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setAlternatingRowColors(True)
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
        self.setItemDelegateForColumn(COL_STATUS, StatusDelegate(self))
        self.setItemDelegateForColumn(COL_COVER, CoverDelegate(self.THUMB, self))
        self.doubleClicked.connect(self._emit_activated)

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
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_COVER, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        widths = {
            COL_COVER: self.THUMB + 12,
            COL_TITLE: 180,
            COL_TAGS: 130,
            COL_MODEL: 80,
            COL_DURATION: 66,
            COL_CREATED: 126,
            COL_STATUS: 150,
            COL_FILES: 110,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        header.setStretchLastSection(True)

    def _emit_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated_clip.emit(index.data(CLIP_ID_ROLE))

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_clip.emit(self.currentIndex().data(CLIP_ID_ROLE))
            return
        super().keyPressEvent(event)

    def selected_clip_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.model().index(row, 0).data(CLIP_ID_ROLE) for row in rows]

    def selected_source_rows(self) -> list[int]:
        proxy = self.model()
        return [proxy.mapToSource(index).row() for index in self.selectionModel().selectedRows()]

    def selected_records(self) -> list[ClipRecord]:
        """The selected rows' records, in the model's order."""
        model: ClipTableModel = self.model().sourceModel()
        return [model.record(row) for row in sorted(self.selected_source_rows())]

    def create_drag(self) -> QDrag | None:
        """The drag for the current selection, or None when no selected MP3 is on disk."""
        proxy = self.model()
        source_indexes = [proxy.mapToSource(index) for index in self.selectionModel().selectedRows()]
        model: ClipTableModel = proxy.sourceModel()
        mime = model.mimeData(source_indexes)
        if not mime.urls():
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
                if record.cover_path and model.library
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
            drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)
