"""Small builders the song dialogs share: form layouts, hint labels, buttons Enter never presses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from .settings_dialog import MessageLabel
from .settings_dialog import _set_state as set_label_state

__all__ = [
    "MessageLabel",
    "buddy_label",
    "count_text",
    "form_layout",
    "hint_label",
    "plain_button",
    "row_of",
    "set_label_state",
]


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
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    set_label_state(label, "muted")
    return label
