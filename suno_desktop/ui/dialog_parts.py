"""Small parts the song dialogs share: form layouts, hint labels, buttons Enter never presses.

And the "what will be sent" summary of a :class:`SongRequest`, as text and as a table.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

from ..song_request import DEFAULT_MODEL, SongRequest, SubmitMode

__all__ = [
    "HeightKeeper",
    "LabelState",
    "MessageLabel",
    "align_form_labels",
    "buddy_label",
    "count_text",
    "form_layout",
    "hint_label",
    "plain_button",
    "row_of",
    "set_label_state",
    "style_as_hint",
    "summary_html",
    "summary_text",
]

#: longest value the summary table shows before it cuts with "…"
SUMMARY_VALUE_LIMIT = 90
SEND_TITLE_CHARS = 28  # of the title on the send button


OK_COLOR = QColor("#2e9e4f")
ERROR_COLOR = QColor("#d93025")


class LabelState(Enum):
    """How a message label is coloured; the value is kept in its ``state`` property (tests, style sheets)."""

    NORMAL = ""
    OK = "ok"
    ERROR = "error"
    MUTED = "muted"


def set_label_state(label: QLabel, state: LabelState) -> None:
    """Colour a label for *state*.

    The state is also kept in the ``state`` property, for tests and style sheets.
    """
    label.setProperty("state", state.value)
    palette = QApplication.palette(label)
    if state is LabelState.OK:
        palette.setColor(QPalette.ColorRole.WindowText, OK_COLOR)
    elif state is LabelState.ERROR:
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
    elif state is LabelState.MUTED:
        palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)


class MessageLabel(QLabel):
    """A wrapped plain-text message exactly as tall as its text at its current width.

    Layouts only estimate a wrapped label's height; inside group boxes the guess
    leaves gaps or cuts lines off. Fixing the height to the measured value lets the
    dialog grow (through its minimum size) when a long error appears.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        policy = self.sizePolicy()
        policy.setHeightForWidth(False)
        self.setSizePolicy(policy)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        height = self._text_height(self.width()) if self.text() else 0
        if height != self.minimumHeight():
            self.setFixedHeight(height)

    def _text_height(self, width: int) -> int:
        """The wrapped text's height, measured as QLabel lays it out. Not QLabel.heightForWidth:
        that never answers less than the minimum height, so a fixed height could only grow."""
        margins = self.contentsMargins()
        extra = 2 * (self.margin() + self.frameWidth())
        inner = max(1, width - margins.left() - margins.right() - extra)
        flags = int(self.alignment()) | int(Qt.TextFlag.TextWordWrap)
        text = self.fontMetrics().boundingRect(0, 0, inner, 1_000_000, flags, self.text())
        return text.height() + margins.top() + margins.bottom() + extra


class HeightKeeper:
    """Gives back the height a dialog grew for a message once the message shrinks or goes.

    A longer message raises the dialog's minimum height and Qt grows the window; a
    shorter one lowers the minimum but leaves the window as tall as it became. Wrap
    every message change in :meth:`changing`: the window then shrinks by what messages
    made it grow, never below its minimum, and never takes height the user gave it.
    """

    def __init__(self, dialog: QWidget) -> None:
        self._dialog = dialog
        self._grown = 0

    @contextmanager
    def changing(self) -> Iterator[None]:
        dialog = self._dialog
        before_height, before_minimum = dialog.height(), self._minimum()
        yield
        if not dialog.isVisible():
            return
        after_minimum = self._minimum()
        height = max(before_height, after_minimum)  # what Qt grows the window to, maybe later
        self._grown += height - before_height
        if after_minimum < before_minimum and self._grown:
            give_back = min(self._grown, before_minimum - after_minimum)
            self._grown -= give_back
            dialog.resize(dialog.width(), max(after_minimum, height - give_back))

    def _minimum(self) -> int:
        """The dialog's minimum height once pending layout work is done (a label's new
        height reaches the dialog through one layout request per level of nesting)."""
        for _ in range(4):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        return self._dialog.minimumSizeHint().height()


def count_text(text: str) -> str:
    """ "1 character", "123 characters"."""
    count = len(text)
    return "1 character" if count == 1 else f"{count} characters"


def form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return form


def row_of(*widgets: QWidget, spacing: int = -1) -> QHBoxLayout:
    """*widgets* side by side at the left, without margins."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    if spacing >= 0:
        row.setSpacing(spacing)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def buddy_label(text: str, field: QWidget) -> QLabel:
    """A form label whose mnemonic focuses *field*."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def plain_button(text: str, name: str) -> QPushButton:
    """A button that Enter never presses: not a default button, and never made one on focus."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def hint_label(text: str) -> QLabel:
    """Smaller, muted, wrapped text that explains the field next to it."""
    label = QLabel(text)
    label.setWordWrap(True)
    style_as_hint(label)
    return label


def style_as_hint(label: QLabel) -> None:
    """Smaller and muted: the look of text that explains a field."""
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    set_label_state(label, LabelState.MUTED)


def align_form_labels(forms: list[QFormLayout]) -> None:
    """One label column for several forms, so the fields line up down the whole dialog.

    Labels of hidden rows are left out of the width; a label sits level with the
    first line of a text box and centred on a one-line field.
    """
    labels = [
        item.widget()
        for form in forms
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
    ]
    shown = [label for label in labels if isinstance(label, QLabel) and label.text() and not label.isHidden()]
    width = max((label.sizeHint().width() for label in shown), default=0)
    for label in shown:
        label.setMinimumWidth(width)
        field = label.buddy()
        if isinstance(field, QPlainTextEdit):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(0, field.frameWidth() + 3, 0, 0)
        elif field is not None:
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            label.setMinimumHeight(field.sizeHint().height())


def send_label(draft: SongRequest) -> str:
    """The send button's text: what will be sent, in a few words (the box above says the rest)."""
    model = draft.model or DEFAULT_MODEL
    if draft.mode is SubmitMode.INSPIRATION:
        return f"&Create from the description · {model}"
    if draft.mode is SubmitMode.EXTEND:
        return f"&Extend from {draft.continue_at or 0:g} s · {model}"
    title = draft.title.strip()
    if len(title) > SEND_TITLE_CHARS:
        title = title[: SEND_TITLE_CHARS - 1] + "…"
    title, model = title.replace("&", "&&"), model.replace("&", "&&")  # a typed & is no mnemonic
    return f"&Create “{title}” · {model}" if title else f"&Create song · {model}"


def summary_text(request: SongRequest) -> str:
    """The request's summary as plain "Label: value" lines (the send button's tooltip)."""
    return "\n".join(f"{label}: {value}" for label, value in request.summary())


def summary_html(request: SongRequest) -> str:
    """The request's summary as a two-column table for a rich-text label."""
    rows = "".join(
        f"<tr><td style='padding-right:12px'><b>{html.escape(label)}</b></td>"
        f"<td>{html.escape(_cut(value, SUMMARY_VALUE_LIMIT))}</td></tr>"
        for label, value in request.summary()
    )
    return f"<table cellspacing='0' cellpadding='1'>{rows}</table>"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
