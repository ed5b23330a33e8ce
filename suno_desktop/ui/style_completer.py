"""Suggestions for a style field from the styles already in the library.

A style is a comma list ("synthwave, female vocals, 80s"), so the completer works
on the part after the last comma: it suggests single terms the library has used,
matching anywhere in the term regardless of case, and keeps what comes before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

#: how many suggestions the popup shows before it scrolls
VISIBLE_SUGGESTIONS = 8


def style_terms(styles: Iterable[str]) -> list[str]:
    """The distinct terms of *styles*, most used first, each in its first-seen spelling."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for style in styles:
        for term in (part.strip() for part in style.split(",")):
            if term:
                key = term.casefold()
                spelling.setdefault(key, term)
                counts[key] += 1
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return [spelling[key] for key in ranked]


def split_last_term(text: str) -> tuple[str, str]:
    """("synthwave, ", "fem") for "synthwave, fem": what stays, and the term being typed."""
    cut = text.rfind(",") + 1
    head, term = text[:cut], text[cut:]
    if head:
        head += " "
    return head, term.strip()


class StyleCompleter(QCompleter):
    """Completes the term after the last comma of a :class:`QLineEdit`'s text."""

    def __init__(self, styles: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel(style_terms(styles), self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(VISIBLE_SUGGESTIONS)

    def splitPath(self, path: str) -> list[str]:
        return [split_last_term(path)[1]]

    def pathFromIndex(self, index) -> str:
        term = super().pathFromIndex(index)
        edit = self.widget()
        head = split_last_term(edit.text())[0] if isinstance(edit, QLineEdit) else ""
        return head + term
