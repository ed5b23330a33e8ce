"""The clip table's columns: which stretch into free width, which the user shows (View → Columns, the header's menu)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QDataStream, QEvent, QIODevice, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QWidget

from .clip_rows import COL_COVER, COL_NUMBER, COL_TAGS, COL_TITLE, COLUMNS, HIDDEN_BY_DEFAULT

#: take the width the other columns leave, and give it back when a vertical scrollbar appears
STRETCHED = (COL_TITLE, COL_TAGS)
#: always shown: a row must say which clip it is
ALWAYS_SHOWN = (COL_TITLE,)
#: below these a title or a style is unreadable: the table scrolls sideways instead
MINIMUM_WIDTHS = {COL_TITLE: 160, COL_TAGS: 100}
#: how the free width is shared at first; dragging the Title's edge changes it
TITLE_SHARE = 0.55


class StretchedColumns(QObject):
    """Title and Tags share the width the other columns leave, never below a readable minimum.

    Qt's Stretch mode squeezes them to nothing in a small window (while fixed columns
    keep their width) and cannot be dragged; here the table scrolls sideways only when
    even the minimums do not fit, and dragging the Title's edge moves the share.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self.share = TITLE_SHARE
        self._fitting = False
        header = table.horizontalHeader()
        header.sectionResized.connect(self._resized)
        header.sectionCountChanged.connect(lambda *_: self.fit())
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting:
            return
        header = self.table.horizontalHeader()
        if column == COL_TITLE and not header.isSectionHidden(COL_TAGS):
            both = new + header.sectionSize(COL_TAGS)
            self.share = min(0.9, max(0.1, new / both)) if both else TITLE_SHARE
        self.fit()

    def fit(self) -> None:
        header = self.table.horizontalHeader()
        stretched = [c for c in STRETCHED if c < header.count() and not header.isSectionHidden(c)]
        if not stretched or self._fitting:
            return
        others = sum(
            header.sectionSize(c) for c in range(header.count()) if c not in stretched and not header.isSectionHidden(c)
        )
        free = self.table.viewport().width() - others
        if len(stretched) == 2:
            title = max(MINIMUM_WIDTHS[COL_TITLE], int(free * self.share))
            widths = {COL_TITLE: title, COL_TAGS: max(MINIMUM_WIDTHS[COL_TAGS], free - title)}
        else:
            widths = {stretched[0]: max(MINIMUM_WIDTHS[stretched[0]], free)}
        self._fitting = True
        try:
            for column, width in widths.items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
        finally:
            self._fitting = False


def saved_section_count(state: QByteArray) -> int | None:
    """How many columns a saved header state knew (QHeaderView's own layout of it), or None when unreadable."""
    stream = QDataStream(state, QIODevice.OpenModeFlag.ReadOnly)
    if stream.readInt32() != 0xFF or stream.readInt32() != 0:  # the marker and version of QHeaderView's state
        return None
    for _ in range(3):  # orientation, sort order, sort section
        stream.readInt32()
    stream.readBool()  # sort indicator shown
    for _ in range(2):  # visual and logical indices, when sections were moved
        for _ in range(stream.readInt32()):
            stream.readInt32()
    for _ in range((stream.readUInt32() + 7) // 8):  # the hidden sections' bits
        stream.readUInt8()
    for _ in range(stream.readUInt32()):  # the hidden sections' sizes
        stream.readInt32(), stream.readInt32()
    stream.readInt32()  # the total length
    count = stream.readInt32()
    return count if stream.status() == QDataStream.Status.Ok and count > 0 else None


class ClipHeader(QHeaderView):
    """The table's header: a layout saved before a column existed keeps that column as it is by default."""

    def restoreState(self, state: QByteArray) -> bool:
        known = saved_section_count(state)
        restored = super().restoreState(state)
        if restored and known is not None:
            for column in HIDDEN_BY_DEFAULT:
                if column >= known:  # Qt shows the sections a saved state does not name
                    self.setSectionHidden(column, True)
        return restored


def column_name(column: int) -> str:
    return COLUMNS[column] or "Cover"


def apply_column_modes(header: QHeaderView) -> None:
    """Title and Tags share the free width; the cover is fixed; the others are the user's to resize.

    Also after restoring a saved header, whose modes may come from an older version.
    """
    header.setStretchLastSection(False)
    for column in range(header.count()):
        mode = QHeaderView.ResizeMode.Fixed if column == COL_COVER else QHeaderView.ResizeMode.Interactive
        header.setSectionResizeMode(column, mode)
    for column in ALWAYS_SHOWN:
        header.setSectionHidden(column, False)


def columns_menu(table: QTableView, parent: QWidget | None = None) -> QMenu:
    """View → Columns: a check per column; the header remembers them (saved with the window's layout)."""
    menu = QMenu("Columns", parent)
    menu.setObjectName("columnsMenu")
    header = table.horizontalHeader()
    actions = []
    for column in range(COL_NUMBER):  # the # column (the last) shows with a playlist
        action = menu.addAction(column_name(column))
        action.setObjectName(f"column_{column_name(column).lower()}")
        action.setCheckable(True)
        action.setEnabled(column not in ALWAYS_SHOWN)
        action.toggled.connect(lambda shown, column=column: header.setSectionHidden(column, not shown))
        actions.append(action)

    def show_current() -> None:
        for column, action in enumerate(actions):
            action.setChecked(not header.isSectionHidden(column))

    show_current()
    menu.aboutToShow.connect(show_current)
    return menu


def install_header_menu(table: QTableView) -> None:
    """Right-click on the header: the same Columns menu."""
    header = table.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def popup(position) -> None:
        menu = columns_menu(table, header)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(header.mapToGlobal(position))

    header.customContextMenuRequested.connect(popup)
