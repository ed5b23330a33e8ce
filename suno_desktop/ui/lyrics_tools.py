"""The row under the lyrics editor: "Write lyrics for me", its busy state, the count, messages.

Lyrics are written by the relay and take a while, so the row shows that it is
waiting (with the seconds so far) and offers Cancel; the dialog decides what the
lyrics are about and talks to its caller.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from .dialog_parts import LabelState, MessageLabel, count_text, hint_label, plain_button, row_of, set_label_state

WRITING_LYRICS = "Writing lyrics…"
BUSY_BAR_WIDTH = 90


class LyricsTools(QWidget):
    """Idle: the write button and which field it uses. Busy: a moving bar, the wait, Cancel."""

    write_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy_since: float | None = None
        self._progress_text = ""
        self._timer = QTimer(self, interval=1000)
        self._timer.timeout.connect(self._show_wait)

        self.write_button = plain_button("&Write lyrics for me", "writeLyricsButton")
        self.source_hint = hint_label("")
        self.source_hint.setObjectName("lyricsSourceHint")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("lyricsBusyBar")
        self.busy_bar.setRange(0, 0)  # indeterminate: the relay gives no percentage
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(BUSY_BAR_WIDTH)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("lyricsBusyLabel")
        self.cancel_button = plain_button("Cancel", "cancelLyricsButton")
        self.cancel_button.setToolTip("Stop waiting for the lyrics")
        self.count_label = hint_label(count_text(""))
        self.count_label.setObjectName("lyricsCount")
        self.message = MessageLabel()
        self.message.setObjectName("lyricsMessage")
        self.message.setVisible(False)

        self.idle_part = QWidget()
        self.idle_part.setLayout(row_of(self.write_button, self.source_hint))
        self.busy_part = QWidget()
        self.busy_part.setLayout(row_of(self.busy_bar, self.busy_label, self.cancel_button))
        self.busy_part.setVisible(False)
        top = row_of(self.idle_part, self.busy_part)
        top.addWidget(self.count_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.message)

        self.write_button.clicked.connect(self.write_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)

    def is_busy(self) -> bool:
        return self._busy_since is not None

    def start_waiting(self) -> None:
        self.show_message("")
        self._busy_since = time.monotonic()
        self._progress_text = ""
        self._show_wait()
        self._timer.start()
        self.idle_part.setVisible(False)
        self.busy_part.setVisible(True)
        self.cancel_button.setFocus()

    def stop_waiting(self) -> None:
        had_focus = self.cancel_button.hasFocus()
        self._busy_since = None
        self._timer.stop()
        self.busy_part.setVisible(False)
        self.idle_part.setVisible(True)
        if had_focus:
            self.write_button.setFocus()

    def show_progress(self, text: str) -> None:
        """The caller's own words replace "Writing lyrics… (12 s)" for the rest of the wait."""
        self._progress_text = text
        self.busy_label.setText(text)

    def show_message(self, text: str, state: LabelState = LabelState.NORMAL) -> None:
        """A sentence under the row, coloured for *state*; empty hides it."""
        self.message.setText(text)
        set_label_state(self.message, state)
        self.message.setVisible(bool(text))

    def _show_wait(self) -> None:
        if self._busy_since is None or self._progress_text:
            return
        seconds = int(time.monotonic() - self._busy_since)
        self.busy_label.setText(f"{WRITING_LYRICS} ({seconds} s)" if seconds else WRITING_LYRICS)
