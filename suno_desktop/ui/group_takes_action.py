"""View → Group Takes: a task's takes kept together in the table, remembered in window.ini across restarts."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from .clip_table import ClipTable
from .window_layout import window_state

GROUP_TAKES_KEY = "view/groupTakes"


class GroupTakesAction(QObject):
    """The checkable action; the model keeps the order (see :mod:`.take_groups`), the view draws the separators."""

    def __init__(self, table: ClipTable, parent: QObject) -> None:
        super().__init__(parent)
        self.table = table
        self.action = QAction("Group Takes", parent)
        self.action.setObjectName("groupTakesAction")
        self.action.setCheckable(True)
        self.action.setStatusTip("Keep the takes of each task together, in the sort of their best take")
        grouped = bool(window_state().value(GROUP_TAKES_KEY, False, type=bool))
        self.action.setChecked(grouped)
        table.model.set_group_takes(grouped)
        self.action.toggled.connect(self._toggled)

    def _toggled(self, grouped: bool) -> None:
        self.table.model.set_group_takes(grouped)
        self.table.view.viewport().update()  # the separators come or go, sorted or not
        window_state().setValue(GROUP_TAKES_KEY, grouped)
