"""The first-start dialog: connect to a relay, or look around in the demo first.

Shown when no token is configured. It only collects answers; the caller saves the
settings or starts the demo depending on :attr:`WelcomeDialog.choice`.
"""

from __future__ import annotations

import re
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..relay.client import base_url_problem
from ..relay.relay_url import unencrypted_warning
from .dialog_parts import LabelState, set_label_state
from .icons import app_icon


class WelcomeChoice(Enum):
    """What the first start ended with."""

    CONFIGURED = "configured"  # a relay URL and token were saved
    DEMO = "demo"  # the demo relay, with a library of its own
    CANCELLED = "cancelled"  # closed: the window opens without a relay and says how to set one up


SUMMARY = (
    "Suno Desktop keeps the songs you make with Suno in a local library: it fetches "
    "them from your API relay, downloads audio, covers and lyrics, tags the files, "
    "and lets you play, search and export them."
)
PROMPT = "Enter your relay's address and API token to start, or open the demo to look around with sample songs first."
ICON_SIZE = 64
#: what a URL starts with when it names its scheme ("https://", "http://", "ftp://")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def with_scheme(address: str) -> str:
    """A bare host ("relay.example.com") means https://, as in a browser's address bar."""
    address = address.strip()
    return address if not address or SCHEME.match(address) else f"https://{address}"


def url_problem(address: str) -> str | None:
    """Why *address* cannot be the relay's, worded for this dialog (the client's sentence points to Settings)."""
    problem = base_url_problem(with_scheme(address))
    return problem and problem.replace("; fix it in Settings.", ".").replace(" in Settings.", ".")


class WelcomeDialog(QDialog):
    """After ``exec()``, :attr:`choice` says how the first start ended (:class:`WelcomeChoice`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suno Desktop")
        self.setMinimumWidth(540)
        self.choice = WelcomeChoice.CANCELLED

        icon_label = QLabel()
        icon_label.setObjectName("welcomeIcon")
        icon_label.setPixmap(app_icon().pixmap(ICON_SIZE, ICON_SIZE))
        icon_label.setFixedSize(ICON_SIZE, ICON_SIZE)
        icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)

        heading = QLabel("Welcome to Suno Desktop")
        heading.setObjectName("welcomeHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)

        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        prompt = QLabel(PROMPT)
        prompt.setWordWrap(True)

        intro = QVBoxLayout()
        intro.setSpacing(8)
        intro.addWidget(heading)
        intro.addWidget(summary)
        intro.addWidget(prompt)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(icon_label, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(intro, 1)

        form = self._build_form()

        self.demo_button = QPushButton("Open the demo")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setAutoDefault(False)
        self.continue_button = QPushButton("Continue")
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setDefault(True)
        # The demo is the side door: at the left, away from the main action.
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        self.demo_button.clicked.connect(self._choose_demo)
        self.continue_button.clicked.connect(self._choose_continue)

        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addLayout(buttons)

        self.base_url_edit.textChanged.connect(self._update_continue)
        self.token_edit.textChanged.connect(self._update_continue)
        self._update_continue()
        self.base_url_edit.setFocus()
        self.resize(self.minimumWidth(), self.height())
        self._fit_height()

    def _build_form(self) -> QFormLayout:
        """The relay's address (with its hint) and the token."""
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setObjectName("welcomeBaseUrl")
        self.base_url_edit.setPlaceholderText("https://relay.example.com")
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("welcomeToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("The relay's API token")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # says what a bare host becomes, or what is wrong with the address, as it is typed
        self.url_hint = QLabel()
        self.url_hint.setObjectName("welcomeUrlHint")
        self.url_hint.setWordWrap(True)
        self.url_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Relay &URL:", self.base_url_edit)
        form.addRow("", self.url_hint)
        form.addRow("API &token:", self.token_edit)
        form.setRowVisible(self.url_hint, False)
        self._form = form
        return form

    def base_url(self) -> str:
        """The relay's address as typed, https:// added to a bare host."""
        return with_scheme(self.base_url_edit.text())

    def token(self) -> str:
        return self.token_edit.text().strip()

    def _update_continue(self) -> None:
        typed = self.base_url_edit.text().strip()
        problem = url_problem(typed) if typed else "Enter the relay's address first."
        self._show_url_hint(typed, problem)
        if problem is None and not self.token():
            problem = "Enter the relay's API token too."
        self.continue_button.setEnabled(problem is None)
        self.continue_button.setToolTip(problem or "")  # why it is greyed out

    def _show_url_hint(self, typed: str, problem: str | None) -> None:
        if not typed:
            text, state = "", LabelState.NORMAL
        elif problem is not None:
            text, state = problem, LabelState.ERROR
        elif not SCHEME.match(typed):
            text, state = f"No scheme given: Suno Desktop connects to {self.base_url()}", LabelState.MUTED
        elif unencrypted_warning(typed):
            text, state = unencrypted_warning(typed), LabelState.ERROR
        else:
            text, state = "", LabelState.NORMAL
        if text == self.url_hint.text():
            return
        self.url_hint.setText(text)
        set_label_state(self.url_hint, state)
        self._form.setRowVisible(self.url_hint, bool(text))
        self._fit_height()

    def _fit_height(self) -> None:
        """Wrapped labels make Qt's own height a guess: fit the real width, growing for a hint and shrinking after."""
        self._fit_hint()
        self.layout().activate()  # lays out the hint at its new height now, not at the next event
        self.resize(self.width(), self.layout().totalHeightForWidth(self.width()))

    def _fit_hint(self) -> None:
        # a form row sizes a wrapped label by its narrow size hint: give it the height its lines take
        if self.url_hint.text():
            self.url_hint.setFixedHeight(self.url_hint.heightForWidth(self.base_url_edit.width()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_hint()

    def _choose_demo(self) -> None:
        self.choice = WelcomeChoice.DEMO
        self.accept()

    def _choose_continue(self) -> None:
        if not self.continue_button.isEnabled():
            return
        self.choice = WelcomeChoice.CONFIGURED
        self.accept()

    def reject(self) -> None:
        self.choice = WelcomeChoice.CANCELLED
        super().reject()
