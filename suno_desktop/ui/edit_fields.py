"""The detail pane's editable words: a field that reads like text until it is edited, and its "Relay: …" note.

A :class:`FieldEdit` keeps the value last shown (the stored one) apart from what is
typed: a refresh of the same clip never overwrites typing, Escape puts the stored
value back, and leaving the field (or Enter on one line, Ctrl+Enter on several) hands
the typed text to the pane, unless it says what is stored already. Colours come from
the palette (the window's background while idle, the base colour of a text field while
it is edited), so light and dark both look right.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from enum import Enum, auto

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPalette, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QTextEdit,
    QToolButton,
    QWidget,
)

#: the most lines of the relay's value a tooltip shows (lyrics can be long)
TOOLTIP_LINES = 30


class FieldShape(Enum):
    """How a field takes its text and its room."""

    LINE = auto()  # one line that wraps (title, style): Enter saves
    TEXT = auto()  # lines that grow the field (description): Ctrl+Enter or leaving saves
    AREA = auto()  # lines in a scrolling box (lyrics): Ctrl+Enter or leaving saves


class FieldEdit(QTextEdit):
    """Plain text edited in place; ``committed`` carries typed text that differs from the stored value."""

    committed = Signal(str)

    def __init__(
        self,
        shape: FieldShape,
        name: str,
        placeholder: str,
        clean: Callable[[str], str] | None = None,
        tip: str = "",
    ) -> None:
        super().__init__()
        self.shape, self._clean, self._tip = shape, clean or (lambda text: text), tip
        self._stored = ""
        self._hovered = False
        self._look: tuple | None = None  # (editing, hovered, frame width) last shown
        self._height_for: tuple[object, int] = (None, 0)  # (width, text, font) -> height: layouts ask often
        self.setObjectName(name)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)  # Tab goes on to the next field, as in a form
        self.setPlaceholderText(placeholder)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setMinimumWidth(80)
        if shape is FieldShape.AREA:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        else:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            policy.setHeightForWidth(True)
            self.setSizePolicy(policy)
            self.document().setDocumentMargin(2)
            self.textChanged.connect(self.updateGeometry)
        self._show_state()

    # -- the value ------------------------------------------------------------

    def text(self) -> str:
        return self.toPlainText()

    @property
    def stored(self) -> str:
        return self._stored

    @property
    def typing(self) -> bool:
        """The user changed the text and has not saved it: a refresh leaves it alone."""
        return not self.isReadOnly() and self.document().isModified()

    def set_value(self, value: str, *, editable: bool = True) -> None:
        """Show *value* (what is stored); typing in progress is kept, the stored value remembered under it."""
        self._stored = value
        if editable and self.typing:
            return
        self.setReadOnly(not editable)
        self.setToolTip(self._tip if editable else "")  # how to save, where there is something to save
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.ClickFocus)
        if self.toPlainText() != value:
            self.setPlainText(value)
            if self.hasFocus():
                self.moveCursor(QTextCursor.MoveOperation.End)
        self.document().setModified(False)
        self._show_state()

    def commit(self) -> None:
        """Hand on what was typed, unless it cleans to what is stored (then the stored value is shown again)."""
        if not self.typing:
            return
        text = self.toPlainText()
        self.document().setModified(False)
        if self._clean(text) == self._clean(self._stored):
            self.set_value(self._stored)
            return
        self.committed.emit(text)

    def put_back(self) -> None:
        """Escape: the stored value again, the typing forgotten."""
        self.document().setModified(False)
        self.set_value(self._stored)

    # -- keys and focus -------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_Escape and self.typing:
            self.put_back()
            return
        saves = self.shape is FieldShape.LINE or mods & Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and saves and not self.isReadOnly():
            self.commit()
            return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source) -> None:
        """Plain text only; a title or a style stays one line."""
        text = source.text()
        if self.shape is FieldShape.LINE:
            text = " ".join(text.split())
        self.insertPlainText(text)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self._show_state()

    def focusOutEvent(self, event) -> None:
        # a context menu or another window taking the focus is no leaving of the field
        if event.reason() not in (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
            self.commit()
        super().focusOutEvent(event)
        self._show_state()

    def enterEvent(self, event) -> None:
        self._hovered = True
        self._show_state()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        self._hovered = False
        self._show_state()
        super().leaveEvent(event)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:  # Light or Dark picked: the frame's width may differ
            self._look = None
            self._show_state()

    def _show_state(self) -> None:
        """Idle: text on the window's background. Hovered: a hint of a field. Edited: a text field's frame."""
        if self.shape is FieldShape.AREA:
            return  # the lyrics are a text box anyway
        editing = self.hasFocus() and not self.isReadOnly()
        hinted = self._hovered and not self.isReadOnly()
        edge = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, self)
        if self._look == (editing, hinted, edge):
            return  # a pane refreshed by a sync shows the same look: no relayout
        self._look = (editing, hinted, edge)
        self.setFrameShape(QFrame.Shape.StyledPanel if editing else QFrame.Shape.NoFrame)
        margin = 0 if editing else edge  # the text stays where it was when the frame comes and goes
        self.setViewportMargins(margin, margin, margin, margin)
        viewport = self.viewport()
        viewport.setAutoFillBackground(editing or hinted)
        viewport.setBackgroundRole(QPalette.ColorRole.Base if editing else QPalette.ColorRole.AlternateBase)
        viewport.update()

    # -- size -----------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return self.shape is not FieldShape.AREA

    def heightForWidth(self, width: int) -> int:
        """As tall as the text wrapped at *width*: a long title takes two lines instead of being cut."""
        text = self.toPlainText() or self.placeholderText() or " "
        key = (width, text, self.font().key())
        if self._height_for[0] != key:
            edge = self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, self)
            document = QTextDocument()
            document.setDefaultFont(self.font())
            document.setDocumentMargin(self.document().documentMargin())
            document.setPlainText(text)
            document.setTextWidth(max(1, width - 2 * edge))
            self._height_for = (key, math.ceil(document.size().height()) + 2 * edge)
        return self._height_for[1]

    def sizeHint(self) -> QSize:
        if self.shape is FieldShape.AREA:
            return super().sizeHint()
        width = self.width() if self.width() > 1 else 240
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        if self.shape is FieldShape.AREA:
            return super().minimumSizeHint()
        return QSize(self.minimumWidth(), self.fontMetrics().height())


class ElidedLabel(QLabel):
    """One line, cut with "…" to the width it is given; ``text()`` is the whole of it."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1)))


class RelayNote(QWidget):
    """Beneath a field that is the user's: "Relay: <the relay's value>" and "Revert to the relay's"."""

    revert_clicked = Signal()

    def __init__(self, name: str, what: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.label = ElidedLabel()
        self.label.setObjectName(f"{name}Value")
        self.label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter than the value above it
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.label.setFont(font)
        self.button = QToolButton()
        self.button.setObjectName(f"{name}Revert")
        self.button.setText("Revert to the relay's")
        self.button.setAutoRaise(True)
        self.button.setFont(font)
        self.button.setToolTip(f"Forget your {what} and use the relay's again (the files follow)")
        self.button.setAccessibleName(f"Revert the {what} to the relay's")
        self.button.clicked.connect(self.revert_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.set_relay_value(None)
        self.hide()

    def set_relay_value(self, value: str | None) -> None:
        """The relay's value on one line, all of it in the tooltip; None while it is being read."""
        if value is None:
            self.label.set_full_text("Relay: …")
            self.label.setToolTip("")
            return
        line = " / ".join(part.strip() for part in value.splitlines() if part.strip())
        self.label.set_full_text(f"Relay: {line}" if line else "Relay: (empty)")
        lines = value.splitlines()
        shown = "\n".join(lines[:TOOLTIP_LINES]) + ("\n…" if len(lines) > TOOLTIP_LINES else "")
        self.label.setToolTip(f"<p style='white-space:pre-wrap'>{html.escape(shown)}</p>" if shown else "")
