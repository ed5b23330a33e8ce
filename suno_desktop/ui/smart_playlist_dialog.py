"""A smart playlist's query, order and limit ("25 most played"), edited."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from ..library.playlists import Playlist, PlaylistError, SmartOrder, checked_query


class SmartPlaylistDialog(QDialog):
    """The query (the search box's language), how the songs are ordered, and at most how many (0: all)."""

    def __init__(self, playlist: Playlist, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Smart Playlist “{playlist.name}”")
        self.query = QLineEdit(playlist.query)
        self.query.setObjectName("smartQuery")
        self.order = QComboBox()
        self.order.setObjectName("smartOrder")
        for order in SmartOrder:
            self.order.addItem(order.label, order.value)
        self.order.setCurrentIndex(list(SmartOrder).index(playlist.order))
        self.limit = QSpinBox()
        self.limit.setObjectName("smartLimit")
        self.limit.setRange(0, 1_000_000)
        self.limit.setSpecialValueText("All songs")
        self.limit.setValue(playlist.limit or 0)
        self.problem = QLabel()
        self.problem.setObjectName("smartProblem")
        self.problem.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Songs that match:", self.query)
        form.addRow("Order:", self.order)
        form.addRow("At most:", self.limit)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        try:
            checked_query(self.query.text())
        except PlaylistError as exc:
            self.problem.setText(str(exc))  # the dialog stays open: nothing is lost
            return
        super().accept()

    def values(self) -> tuple[str, SmartOrder, int | None]:
        return self.query.text(), SmartOrder(self.order.currentData()), self.limit.value() or None
