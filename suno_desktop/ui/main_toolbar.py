"""The main toolbar that keeps its search box in sight: the buttons lose their words before the box is squeezed.

A QToolBar moves what does not fit behind its "»" button, the last item first: at
800 px that was the search box. Here the buttons show icons only (their words stay
as tooltips) when their words would not leave the box room, and the box shrinks to
a minimum before anything overflows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QToolBar, QWidget

SEARCH_WIDTH = 300  # what the box asks for
SEARCH_MINIMUM = 160  # what it keeps however narrow the window
SEARCH_MAXIMUM = 420  # what it takes of a wide window


class SearchBox(QLineEdit):
    """The search box; Escape clears it (and then, empty, lets Escape go on to the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setPlaceholderText("Search titles, tags and lyrics (Ctrl+F)")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(SEARCH_MINIMUM)
        self.setMaximumWidth(SEARCH_MAXIMUM)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setWidth(SEARCH_WIDTH)
        return hint

    def event(self, event) -> bool:
        # Escape here clears the box, even if a window shortcut wants Escape too
        is_override = event.type() == QEvent.Type.ShortcutOverride
        if is_override and event.matches(QKeySequence.StandardKey.Cancel) and self.text():
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel) and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class AdaptiveToolBar(QToolBar):
    """Words beside the icons when they fit beside the search box's full width, icons only when not."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._words_width: int | None = None  # the buttons' width with their words, measured when shown so

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        with_words = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        if self.toolButtonStyle() == with_words:
            self._words_width = self._buttons_width()
        if self._words_width is None:
            return
        room = self.width() - SEARCH_WIDTH - 2 * self.layout().contentsMargins().left()
        wanted = with_words if self._words_width <= room else Qt.ToolButtonStyle.ToolButtonIconOnly
        if wanted != self.toolButtonStyle():
            self.setToolButtonStyle(wanted)

    def _buttons_width(self) -> int:
        spacing = self.layout().spacing()
        width = 0
        for action in self.actions():
            widget = self.widgetForAction(action)
            if (
                widget is not None
                and not isinstance(widget, QLineEdit)
                and widget.sizePolicy().horizontalPolicy() != (QSizePolicy.Policy.Expanding)
            ):
                width += widget.sizeHint().width() + spacing
        return width
