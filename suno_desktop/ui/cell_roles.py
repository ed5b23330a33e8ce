"""Every role a delegate asks of a cell, answered in one call into Python."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

_NEVER_SET_ROLES = frozenset(
    {
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
    }
)


class CellRoles:
    """A table model's ``multiData``: the model says what one role of a cell is in ``value_of(row, column, role)``."""

    def value_of(self, row: int, column: int, role: int):
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        raise NotImplementedError

    def multiData(self, index: QModelIndex, roles) -> None:
        """Every role a delegate asks of a cell, in one call into Python instead of seven.

        During a sync each call from C++ into Python waits for the GIL held by the
        download threads; a paint costs a few of these per cell, not a few dozen.
        """
        self.fill_roles(index.row(), index.column(), roles)

    def fill_roles(self, row: int, column: int, roles) -> None:
        """Set each role of *roles*, clearing those the cell has no value for.

        A delegate hands every call the same role array: a role left alone would keep
        the value of the cell painted before (the Duration column's right alignment
        spread along the row). The roles this model never sets are never filled.
        """
        if not 0 <= row < self.rowCount():
            return
        for role_data in roles:
            role = role_data.role()
            if role in _NEVER_SET_ROLES:
                continue
            value = self.value_of(row, column, role)
            if value is not None:
                role_data.setData(value)
            else:
                role_data.clearData()
