"""What the clip table says when it shows no rows: an empty library's first steps, or a search without hits."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .clip_table import ClipTable

EMPTY_LIBRARY = (
    "Your library is empty.\nAdd the ids of songs made through the relay to download them, or create a new song."
)


EMPTY_LIST = (
    "No songs in this list.\nDrag songs onto a playlist in the sidebar, or use Add to Playlist in a song's menu;"
    " a smart list shows the songs its search finds."
)


def no_hits(text: str) -> str:
    return f"No clips match “{text}”."


class TableEmptyState(QWidget):
    """A prompt centred in the table's viewport, shown only while the table has no rows.

    Looked at once after a burst of row changes (a 0 ms timer), and only once the
    library has been read (:meth:`library_read`): before that an empty table means
    "still opening". Its buttons trigger *add_tasks* and *new_song*.
    """

    WIDTH = 440

    def __init__(self, table: ClipTable, add_tasks: QAction, new_song: QAction) -> None:
        super().__init__(table.view.viewport())
        self.setObjectName("tableEmptyState")
        self.table = table
        self.read = False  # the library has been read once
        self.message = QLabel()
        self.message.setObjectName("emptyStateMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_button = self._button("Add Tasks…", "emptyAddTasks", add_tasks.trigger)
        self.new_song_button = self._button("New Song…", "emptyNewSong", new_song.trigger)
        self.clear_button = self._button("Clear Search", "emptyClearSearch", table.search.clear)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.new_song_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.hide()
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.update_state)
        proxy = table.proxy
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset, proxy.layoutChanged):
            signal.connect(self._later.start)
        table.view.viewport().installEventFilter(self)

    def _button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def library_read(self) -> None:
        """The table has been filled once: from now on, no rows means an empty library or a search without hits."""
        self.read = True
        self.update_state()

    def update_state(self) -> None:
        table = self.table
        if not self.read or table.proxy.rowCount():
            self.hide()
            return
        needle = table.search.text().strip()
        searching = bool(table.proxy.filter_text)
        in_list = table.model.shows_source  # a playlist or a smart list of the sidebar, not the library
        self.message.setText(no_hits(needle) if searching else EMPTY_LIST if in_list else EMPTY_LIBRARY)
        self.clear_button.setVisible(searching)
        self.add_button.setVisible(not searching and not in_list)
        self.new_song_button.setVisible(not searching and not in_list)
        self.show()
        self._place()

    def _place(self) -> None:
        viewport = self.parentWidget()
        width = max(120, min(self.WIDTH, viewport.width() - 24))
        height = self.layout().heightForWidth(width) if self.layout().hasHeightForWidth() else self.sizeHint().height()
        self.setGeometry((viewport.width() - width) // 2, max(0, (viewport.height() - height) // 3), width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
