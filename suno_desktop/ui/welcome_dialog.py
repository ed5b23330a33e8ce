"""The first-start dialog: connect to a relay, or look around in the demo first.

Shown when no token is configured. It only collects answers; the caller saves the
settings or starts the demo depending on :attr:`WelcomeDialog.choice`.
"""

from __future__ import annotations

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
from .icons import app_icon


class WelcomeChoice(Enum):
    """What the first start ended with."""

    CONFIGURED = "configured"  # a relay URL and token were saved
    DEMO = "demo"  # the demo relay, with a library of its own
    CANCELLED = "cancelled"  # closed: the app quits


SUMMARY = (
    "Suno Desktop keeps the songs you make with Suno in a local library: it fetches "
    "them from your API relay, downloads audio, covers and lyrics, tags the files, "
    "and lets you play, search and export them."
)
PROMPT = "Enter your relay's address and API token to start, or open the demo to look around with sample songs first."
ICON_SIZE = 64


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

        self.base_url_edit = QLineEdit()
        self.base_url_edit.setObjectName("welcomeBaseUrl")
        self.base_url_edit.setPlaceholderText("https://relay.example.com")
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("welcomeToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("The relay's API token")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Relay &URL:", self.base_url_edit)
        form.addRow("API &token:", self.token_edit)

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
        # Wrapped labels make the default height a guess; fit it to the real width.
        self.resize(self.minimumWidth(), layout.totalHeightForWidth(self.minimumWidth()))

    def base_url(self) -> str:
        return self.base_url_edit.text().strip()

    def token(self) -> str:
        return self.token_edit.text().strip()

    def _update_continue(self) -> None:
        problem = base_url_problem(self.base_url()) if self.base_url() else "Enter the relay's address first."
        if problem is None and not self.token():
            problem = "Enter the relay's API token too."
        self.continue_button.setEnabled(problem is None)
        self.continue_button.setToolTip(problem or "")  # why it is greyed out

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
