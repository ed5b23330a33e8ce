"""The clip table's columns: which stretch into free width, which the user shows (View → Columns, the header's menu)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView, QWidget

from .clip_rows import COL_COVER, COL_TAGS, COL_TITLE, COLUMNS

#: take the width the other columns leave, and give it back when a vertical scrollbar appears
STRETCHED = (COL_TITLE, COL_TAGS)
#: always shown: a row must say which clip it is
ALWAYS_SHOWN = (COL_TITLE,)


def column_name(column: int) -> str:
    return COLUMNS[column] or "Cover"


def apply_column_modes(header: QHeaderView) -> None:
    """Title and Tags share the free width; the cover is fixed; the others are the user's to resize.

    Also after restoring a saved header, whose modes may come from an older version.
    """
    header.setStretchLastSection(False)
    for column in range(header.count()):
        if column == COL_COVER:
            mode = QHeaderView.ResizeMode.Fixed
        elif column in STRETCHED:
            mode = QHeaderView.ResizeMode.Stretch
        else:
            mode = QHeaderView.ResizeMode.Interactive
        header.setSectionResizeMode(column, mode)
    for column in ALWAYS_SHOWN:
        header.setSectionHidden(column, False)


def columns_menu(table: QTableView, parent: QWidget | None = None) -> QMenu:
    """View → Columns: a check per column; the header remembers them (saved with the window's layout)."""
    menu = QMenu("Columns", parent)
    menu.setObjectName("columnsMenu")
    header = table.horizontalHeader()
    actions = []
    for column in range(len(COLUMNS)):
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
