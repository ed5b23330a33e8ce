"""The toolbar's search: the box, its "?" with the query syntax, and the line under it saying what is wrong.

The box takes plain words and the query language alike. A query that does not parse
leaves the table as it was (the proxy keeps the last good results) and the proxy's
sentence is shown under the box until the query is fine again or the box is empty.
The sentence never takes the focus: typing goes on in the box.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..library.query_help import README_SECTION, help_sections
from .icons import standard_icon
from .main_toolbar import SearchBox

HELP_TITLE = "Search syntax"
POPUP_SIZE = QSize(600, 480)
PROBLEM_MIN_WIDTH = 360  # a sentence under a narrow box still reads in two or three lines
_LONG_SYNTAX = 26  # characters: a longer syntax gets a row of its own in the help


def syntax_html() -> str:
    """The query syntax (library/query_help.py) as rich text in the palette's own colours."""
    rows: list[str] = []
    for section in help_sections():
        rows.append(
            f'<tr><td colspan="2" style="padding-top:8px"><b>{html.escape(section.title, quote=False)}</b></td></tr>'
        )
        for line in section.lines:
            syntax, meaning = (
                f"<code>{html.escape(line.syntax, quote=False)}</code>",
                html.escape(line.meaning, quote=False),
            )
            if len(line.syntax) > _LONG_SYNTAX:
                rows.append(f'<tr><td colspan="2">{syntax}</td></tr><tr><td></td><td>{meaning}</td></tr>')
            else:
                rows.append(f'<tr><td width="38%">{syntax}</td><td>{meaning}</td></tr>')
    return (
        f"<p><b>{HELP_TITLE}</b>: plain words search titles, styles and lyrics;"
        " fields, comparisons and flags narrow it down.</p>"
        f'<table cellspacing="0" cellpadding="2">{"".join(rows)}</table>'
        f"<p>More in {html.escape(README_SECTION, quote=False)}. Esc closes this.</p>"
    )


class SyntaxPopup(QFrame):
    """The syntax in a popup under the "?": read, scrolled with the keys, closed with Escape or a click outside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("searchSyntaxPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(HELP_TITLE)
        self.browser = QTextBrowser()
        self.browser.setObjectName("searchSyntaxText")
        self.browser.setAccessibleName(HELP_TITLE)
        self.browser.setFrameShape(QFrame.Shape.NoFrame)
        self.browser.setOpenLinks(False)
        self.browser.setHtml(syntax_html())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.browser)
        self.setFocusProxy(self.browser)

    def show_under(self, anchor: QWidget) -> None:
        """Open below *anchor*, its right edges aligned, kept on *anchor*'s screen."""
        screen = (anchor.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        size = POPUP_SIZE.boundedTo(screen.size())
        corner = anchor.mapToGlobal(QPoint(anchor.width(), anchor.height()))
        x = min(max(corner.x() - size.width(), screen.left()), screen.right() - size.width() + 1)
        y = (
            corner.y()
            if corner.y() + size.height() <= screen.bottom() + 1
            else max(screen.top(), corner.y() - size.height() - anchor.height())
        )
        self.setGeometry(QRect(QPoint(x, y), size))
        self.show()
        self.browser.setFocus(Qt.FocusReason.PopupFocusReason)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Cancel):
            self.close()
            return
        super().keyPressEvent(event)


class ProblemLine(QFrame):
    """What is wrong with the query, in a small box laid over the window just under the search box.

    It is a child of the window, not a window of its own: it never takes the focus and
    moves with the window. A click on it goes back to the search box.
    """

    def __init__(self, box: QLineEdit, parent: QWidget) -> None:
        super().__init__(parent)  # hidden until said, when it moves to the window
        self.box = box
        self.setObjectName("searchProblem")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        icon = QLabel()
        icon.setPixmap(standard_icon("dialog-warning").pixmap(16, 16))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.sentence = QLabel()
        self.sentence.setObjectName("searchProblemText")
        self.sentence.setWordWrap(True)
        self.sentence.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence.setForegroundRole(QPalette.ColorRole.ToolTipText)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 5, 8, 5)
        row.setSpacing(6)
        row.addWidget(icon)
        row.addWidget(self.sentence, 1)
        self.hide()

    def text(self) -> str:
        return self.sentence.text()

    def say(self, sentence: str, under: QWidget) -> None:
        """Show *sentence* under *under* (the search field), over whatever the window has there."""
        window = under.window()
        if self.parentWidget() is not window:
            self.setParent(window)
        self.sentence.setText(sentence)
        self.setAccessibleName(sentence)
        self.place(under)
        self.show()
        self.raise_()

    def place(self, under: QWidget) -> None:
        window = self.parentWidget()
        if window is None:
            return
        width = min(max(under.width(), PROBLEM_MIN_WIDTH), max(120, window.width() - 8))
        height = (
            self.layout().totalHeightForWidth(width) if self.layout().hasHeightForWidth() else self.sizeHint().height()
        )
        bottom_left = under.mapTo(window, QPoint(0, under.height()))
        right = bottom_left.x() + under.width()
        x = max(4, min(right - width, window.width() - width - 4))
        self.setGeometry(x, bottom_left.y() + 2, width, height)

    def mousePressEvent(self, event) -> None:
        self.box.setFocus(Qt.FocusReason.MouseFocusReason)
        event.accept()


class SearchField(QWidget):
    """The search box, the "?" beside it, and the sentence under it for a query that does not parse."""

    def __init__(self, box: SearchBox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchField")
        self.box = box
        self.help_button = QToolButton()
        self.help_button.setObjectName("searchHelpButton")
        self.help_button.setText("?")
        self.help_button.setToolTip(HELP_TITLE)
        self.help_button.setAccessibleName(HELP_TITLE)
        self.help_button.setAccessibleDescription("Lists the query syntax of the search box (F1 in the box)")
        self.help_button.setAutoRaise(True)
        self.help_button.setFixedWidth(box.sizeHint().height())  # square beside the box
        font = self.help_button.font()
        font.setBold(True)
        self.help_button.setFont(font)
        self.help_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab from the box reaches it
        self.help_button.clicked.connect(self.show_syntax)
        QShortcut(QKeySequence.StandardKey.HelpContents, box, self.show_syntax, Qt.ShortcutContext.WidgetShortcut)
        self.syntax = SyntaxPopup(self)
        self.problem = ProblemLine(box, self)
        self._mark = QAction(standard_icon("dialog-warning"), "", box)  # in the box while the query is broken
        self._apply: Callable[[str], str | None] | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(box, 1)
        row.addWidget(self.help_button)
        # Expanding: the toolbar counts it as the search box, not as a button that loses its words
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def filter_with(self, apply: Callable[[str], str | None]) -> None:
        """Hand each text of the box to *apply*, which filters and returns what is wrong with a query, or None."""
        self._apply = apply
        self.box.textChanged.connect(self._text_changed)

    def _text_changed(self, text: str) -> None:
        if self._apply is not None:
            self.show_problem(self._apply(text))

    def show_problem(self, sentence: str | None) -> None:
        """Say *sentence* under the box, or clear it (None, or an empty box)."""
        if sentence and self.box.text().strip():
            self.problem.say(sentence, self)
            self._mark.setToolTip(sentence)
            if self._mark not in self.box.actions():
                self.box.addAction(self._mark, QLineEdit.ActionPosition.LeadingPosition)
            self.box.setAccessibleDescription(sentence)
        elif self.problem_shown():
            self.problem.hide()
            self.problem.sentence.clear()
            self.box.removeAction(self._mark)
            self.box.setAccessibleDescription("")

    def problem_shown(self) -> str:
        """The sentence under the box ('' when there is none)."""
        return self.problem.text()

    def show_syntax(self) -> None:
        self.syntax.show_under(self.help_button)

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        self._follow()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._follow()

    def _follow(self) -> None:
        if self.problem.isVisible():
            self.problem.place(self)

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.problem.hide()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.problem.text():
            self.problem.say(self.problem.text(), self)
