"""The New Song dialog: describe a song or write it yourself, and see what will be sent.

A submit costs money, so the dialog is careful about sending: the summary beside
the send button shows exactly the :class:`SongRequest` that a click would send,
input that cannot make a song disables the button with the core's own sentence,
and Enter in a field never sends (no button is a default button). The dialog
sends nothing itself: it emits requests, and the caller talks to the relay and
calls back with lyrics, progress or failures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..song_request import DEFAULT_MODEL, KNOWN_MODELS, InvalidSongRequest, SongRequest, SubmitMode
from ..time_formats import format_duration
from .dialog_parts import (
    LabelState,
    MessageLabel,
    align_form_labels,
    buddy_label,
    count_text,
    form_layout,
    hint_label,
    plain_button,
    row_of,
    send_label,
    set_label_state,
    summary_html,
    summary_text,
)
from .lyrics_tools import LyricsTools
from .style_completer import StyleCompleter

log = logging.getLogger(__name__)

DESCRIPTION_PLACEHOLDER = "an upbeat dance track about a night out"
DESCRIBE_INTRO = "Say what the song should be like. Suno writes the lyrics and picks a title and a style."
DESCRIBE_TIPS = (
    "Name a genre, a mood, the voice and what it is about, for example "
    "“a melancholic piano ballad about leaving home” or “energetic J-pop with a female vocalist”."
)
WRITE_INTRO = "Give your own title, style and lyrics. Section lines such as [Verse] and [Chorus] are sent as typed."
LYRICS_PLACEHOLDER = "[Verse]\nStreetlights humming, the city's awake\n\n[Chorus]\n…"
INSTRUMENTAL_LYRICS_PLACEHOLDER = "Optional for an instrumental: leave empty for no words at all"
STYLE_PLACEHOLDER = "synthwave, female vocals, 80s"
EXTEND_INTRO = (
    "The new part continues the clip from the point below, with this title, style and lyrics. "
    "Section lines such as [Verse] and [Chorus] are sent as typed."
)
ASK_FOR_A_PROMPT = "Type a title first (or a description or a style): the lyrics are written about it."
#: the spin box's top when the clip's length is unknown
UNKNOWN_LENGTH_LIMIT = 24 * 3600.0


@dataclass(frozen=True)
class _Extension:
    """The clip an extension continues."""

    task_id: str
    clip_id: str
    clip_length: float | None


class NewSongDialog(QDialog):
    """Collects one :class:`SongRequest`; emits it on send, and :meth:`request` returns it after."""

    #: the request to send (a :class:`SongRequest`); the dialog accepts right after
    submit_requested = Signal(object)
    #: a :class:`SongRequest` in LYRICS mode; answer with show_lyrics, lyrics_failed, lyrics_progress
    lyrics_requested = Signal(object)
    #: the user stopped waiting for lyrics; drop the answer of the last lyrics_requested
    lyrics_cancelled = Signal()
    #: "Open Settings" beside a notice that the relay refused the token
    settings_requested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        styles: Sequence[str] = (),
        models: Sequence[str] = KNOWN_MODELS,
        default_model: str = DEFAULT_MODEL,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Song")
        self.setMinimumSize(560, 600)
        self._extension: _Extension | None = None
        self._request: SongRequest | None = None
        self._edited = False

        self.tabs = QTabWidget()
        self.tabs.setObjectName("modeTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_describe_tab(), "Describe it")
        self.tabs.addTab(self._build_write_tab(styles), "Write it yourself")
        self.tabs.setTabToolTip(0, "Suno writes the song from a description")
        self.tabs.setTabToolTip(1, "Your own title, style and lyrics")

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self._build_notice())
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._build_common_form(models, default_model))
        layout.addWidget(self._build_summary_box())
        layout.addWidget(self._build_buttons())

        for edit in (self.description_edit, self.lyrics_edit):
            edit.textChanged.connect(self._edited_and_update)
        for line in (self.title_edit, self.style_edit):
            line.textChanged.connect(self._edited_and_update)
        self.model_combo.currentTextChanged.connect(self._edited_and_update)
        self.instrumental_check.toggled.connect(self._edited_and_update)
        self.start_at_spin.valueChanged.connect(self._edited_and_update)
        self.tabs.currentChanged.connect(self._mode_changed)
        self._mode_changed()
        self._align_labels()
        self.resize(640, 680)

    # ------------------------------------------------------------------ building

    def _build_notice(self) -> QWidget:
        """Where the dialog says why the last send made nothing; hidden until it has to."""
        self.notice_box = QWidget()
        self.notice = MessageLabel()
        self.notice.setObjectName("sendNotice")
        self.notice_settings_button = plain_button("Open &Settings", "noticeSettingsButton")
        self.notice_settings_button.clicked.connect(self.settings_requested)
        column = QVBoxLayout(self.notice_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.notice)
        column.addLayout(row_of(self.notice_settings_button))
        self.show_notice("")
        return self.notice_box

    def _build_describe_tab(self) -> QWidget:
        tab = QWidget()
        intro = hint_label(DESCRIBE_INTRO)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("descriptionEdit")
        self.description_edit.setPlaceholderText(DESCRIPTION_PLACEHOLDER)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setToolTip("The song's mood, genre, subject or story, in your own words")
        self.description_count = hint_label(count_text(""))
        self.description_count.setObjectName("descriptionCount")
        self.description_count.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.describe_form = form = form_layout()
        form.addRow(buddy_label("&Description:", self.description_edit), self.description_edit)
        form.addRow("", self.description_count)
        layout = QVBoxLayout(tab)
        layout.addWidget(intro)
        layout.addWidget(hint_label(DESCRIBE_TIPS))
        layout.addLayout(form, 1)
        return tab

    def _build_write_tab(self, styles: Sequence[str]) -> QWidget:
        tab = QWidget()
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("titleEdit")
        self.title_edit.setPlaceholderText("Leave empty and Suno picks one")
        self.title_edit.setClearButtonEnabled(True)
        self.style_edit = QLineEdit()
        self.style_edit.setObjectName("styleEdit")
        self.style_edit.setPlaceholderText(STYLE_PLACEHOLDER)
        self.style_edit.setClearButtonEnabled(True)
        self.style_edit.setToolTip("Genres, moods and voices, separated by commas; suggestions come from your library")
        self.style_completer = StyleCompleter(styles, self.style_edit)
        self.style_edit.setCompleter(self.style_completer)
        self.lyrics_edit = QPlainTextEdit()
        self.lyrics_edit.setObjectName("lyricsEdit")
        self.lyrics_edit.setTabChangesFocus(True)
        self.lyrics_edit.setToolTip("Sent exactly as typed, section lines like [Verse] and [Chorus] included")
        self.start_at_spin = QDoubleSpinBox()
        self.start_at_spin.setObjectName("startAtSpin")
        self.start_at_spin.setDecimals(1)
        self.start_at_spin.setSuffix(" s")
        self.start_at_spin.setToolTip("Where in the clip the new part starts, in seconds from its beginning")
        self.clip_length_hint = hint_label("")

        self.write_form = form = form_layout()
        form.addRow(
            buddy_label("Start &at (seconds):", self.start_at_spin), row_of(self.start_at_spin, self.clip_length_hint)
        )
        form.setRowVisible(0, False)  # extensions only
        form.addRow(buddy_label("&Title:", self.title_edit), self.title_edit)
        form.addRow(buddy_label("St&yle:", self.style_edit), self.style_edit)
        form.addRow(buddy_label("&Lyrics:", self.lyrics_edit), self.lyrics_edit)
        self.lyrics_tools = LyricsTools()
        self.lyrics_tools.write_clicked.connect(self._request_lyrics)
        self.lyrics_tools.cancel_clicked.connect(self._cancel_lyrics)
        form.addRow("", self.lyrics_tools)
        self.write_intro = hint_label(WRITE_INTRO)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.write_intro)
        layout.addLayout(form, 1)
        return tab

    def _build_common_form(self, models: Sequence[str], default_model: str) -> QFormLayout:
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_combo.setToolTip("The Suno model; type a name to use one that is not listed")
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_combo.setMinimumWidth(180)
        self._set_models(models, default_model)
        self.instrumental_check = QCheckBox("&Instrumental (no vocals)")
        self.instrumental_check.setObjectName("instrumentalCheck")
        self.instrumental_check.setToolTip("Make music without singing; lyrics may then stay empty")
        self.common_form = form = form_layout()
        form.setContentsMargins(9, 0, 9, 0)
        form.addRow(
            buddy_label("&Model:", self.model_combo), row_of(self.model_combo, self.instrumental_check, spacing=18)
        )
        return form

    def _build_summary_box(self) -> QGroupBox:
        box = QGroupBox("Will be sent")
        box.setObjectName("summaryBox")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("requestSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.left_out_label = hint_label("")
        self.left_out_label.setObjectName("leftOutNote")
        self.problem_label = MessageLabel()
        self.problem_label.setObjectName("requestProblem")
        column = QVBoxLayout(box)
        column.addWidget(self.summary_label)
        column.addWidget(self.left_out_label)
        column.addWidget(self.problem_label)
        return box

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox()
        self.buttons.setObjectName("buttonBox")
        self.send_button = plain_button("&Create song", "sendButton")
        self.cancel_button = plain_button("Cancel", "cancelButton")
        self.cancel_button.setToolTip("Close without sending anything (Esc)")
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.send_button.clicked.connect(self._send)
        self.cancel_button.clicked.connect(self.reject)
        return self.buttons

    def _align_labels(self) -> None:
        align_form_labels([self.describe_form, self.write_form, self.common_form])

    def _set_models(self, models: Sequence[str], chosen: str) -> None:
        names = list(dict.fromkeys(name.strip() for name in (*models, chosen) if name.strip()))
        self.model_combo.clear()
        self.model_combo.addItems(names or [DEFAULT_MODEL])
        self.model_combo.setCurrentText(chosen.strip() or DEFAULT_MODEL)

    # ------------------------------------------------------------------ entry points

    @classmethod
    def prefilled(
        cls,
        parent: QWidget | None = None,
        *,
        title: str = "",
        style: str = "",
        lyrics: str = "",
        model: str = "",
        instrumental: bool = False,
        description: str = "",
        styles: Sequence[str] = (),
        models: Sequence[str] = KNOWN_MODELS,
    ) -> NewSongDialog:
        """Create again with these settings: a dialog filled from an earlier song or request."""
        dialog = cls(parent, styles=styles, models=models, default_model=model or DEFAULT_MODEL)
        dialog.prefill(
            title=title, style=style, lyrics=lyrics, model=model, instrumental=instrumental, description=description
        )
        return dialog

    @classmethod
    def for_extension(
        cls,
        parent: QWidget | None = None,
        *,
        clip_title: str,
        style: str,
        lyrics: str,
        model: str,
        task_id: str,
        clip_id: str,
        clip_length: float | None,
        start_at: float,
        styles: Sequence[str] = (),
        models: Sequence[str] = KNOWN_MODELS,
    ) -> NewSongDialog:
        """Extend from here…: Write mode only, continuing *clip_id* from a point the user can move."""
        dialog = cls(parent, styles=styles, models=models, default_model=model or DEFAULT_MODEL)
        dialog._extension = _Extension(task_id, clip_id, clip_length)
        dialog.setWindowTitle(f"Extend “{clip_title.strip() or 'Untitled'}”")
        dialog.tabs.setTabVisible(0, False)
        dialog.tabs.tabBar().setVisible(False)
        spin = dialog.start_at_spin
        spin.setRange(0.0, clip_length if clip_length and clip_length > 0 else UNKNOWN_LENGTH_LIMIT)
        spin.setValue(start_at)
        length = format_duration(clip_length)
        dialog.clip_length_hint.setText(f"of {length} ({clip_length:g} s)" if length else "clip length unknown")
        dialog.write_form.setRowVisible(0, True)
        dialog.write_intro.setText(EXTEND_INTRO)
        dialog.lyrics_edit.setToolTip("The words of the new part, sent exactly as typed")
        dialog._align_labels()
        dialog.prefill(title=clip_title, style=style, lyrics=lyrics, model=model)
        return dialog

    def prefill(
        self,
        *,
        title: str = "",
        style: str = "",
        lyrics: str = "",
        model: str = "",
        instrumental: bool = False,
        description: str = "",
    ) -> None:
        """Fill both modes; a description opens Describe it, anything else Write it yourself."""
        self.description_edit.setPlainText(description)
        self.title_edit.setText(title)
        self.style_edit.setText(style)
        self.lyrics_edit.setPlainText(lyrics)
        self.instrumental_check.setChecked(instrumental)
        if model.strip():
            self.model_combo.setCurrentText(model.strip())
        describe = bool(description.strip()) and self._extension is None
        self.tabs.setCurrentIndex(0 if describe else 1)
        self._edited = False
        self._update()

    def show_notice(self, sentence: str, *, settings: bool = False) -> None:
        """Why the last send made nothing, above what the user wrote (kept, to fix and send again)."""
        self.notice.setText(sentence)
        set_label_state(self.notice, LabelState.ERROR)
        self.notice_box.setVisible(bool(sentence))
        self.notice_settings_button.setVisible(settings)

    # ------------------------------------------------------------------ results

    def request(self) -> SongRequest | None:
        """The request that was sent, once the dialog is accepted; None before and when cancelled."""
        return self._request

    def used_model(self) -> str:
        """The chosen model name, as the caller should remember it (typed names included)."""
        return self.model_combo.currentText().strip() or DEFAULT_MODEL

    def draft(self) -> SongRequest:
        """The request as the fields stand, not yet checked: what the summary shows."""
        instrumental = self.instrumental_check.isChecked()
        if self._describing():
            description = self.description_edit.toPlainText()
            return SongRequest(
                SubmitMode.INSPIRATION, description=description, instrumental=instrumental, model=self.used_model()
            )
        request = SongRequest(
            SubmitMode.CUSTOM,
            title=self.title_edit.text(),
            style=self.style_edit.text(),
            lyrics=self.lyrics_edit.toPlainText(),
            instrumental=instrumental,
            model=self.used_model(),
        )
        if self._extension is None:
            return request
        return replace(
            request,
            mode=SubmitMode.EXTEND,
            extend_task_id=self._extension.task_id,
            extend_clip_id=self._extension.clip_id,
            continue_at=self.start_at_spin.value(),
        )

    def problem(self) -> str:
        """Why the current input cannot be sent, as the core says it; empty when it can."""
        try:
            self._checked_request()
        except InvalidSongRequest as exc:
            return str(exc)
        return ""

    def left_out(self) -> str:
        """What the other mode holds that will not be sent; empty when it holds nothing.

        Only the open mode is sent (the relay cannot take a description with a title,
        style or lyrics), so text kept in the other one is named rather than silently dropped.
        """
        if self._describing():
            filled = [name for name, text in self._custom_fields() if text.strip()]
            if filled:
                return f"Your {_and_list(filled)} in “Write it yourself” will not be sent with a description."
        elif self.description_edit.toPlainText().strip() and self._extension is None:
            return "The description in “Describe it” will not be sent with your own title, style and lyrics."
        return ""

    def _custom_fields(self) -> tuple[tuple[str, str], ...]:
        return (
            ("title", self.title_edit.text()),
            ("style", self.style_edit.text()),
            ("lyrics", self.lyrics_edit.toPlainText()),
        )

    def _checked_request(self) -> SongRequest:
        """The request a click would send, built by the core's own constructors."""
        draft = self.draft()
        if draft.mode is SubmitMode.INSPIRATION:
            draft.check()  # song() would read an empty description as an empty custom song
            return SongRequest.song(description=draft.description, instrumental=draft.instrumental, model=draft.model)
        song = SongRequest.song(
            title=draft.title,
            style=draft.style,
            lyrics=draft.lyrics,
            instrumental=draft.instrumental,
            model=draft.model,
        )
        if self._extension is None:
            return song
        extension = song.extending(draft.extend_task_id, draft.extend_clip_id, draft.continue_at or 0.0)
        extension.check(self._extension.clip_length)
        return extension

    # ------------------------------------------------------------------ lyrics

    @Slot(str, str)
    def show_lyrics(self, title: str, text: str) -> None:
        """Written lyrics arrived: they replace the editor's text (undoable), and fill an empty title."""
        self._end_wait()
        cursor = self.lyrics_edit.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        self.lyrics_edit.moveCursor(QTextCursor.MoveOperation.Start)
        if title.strip() and not self.title_edit.text().strip():
            self.title_edit.setText(title.strip())
        self.lyrics_tools.show_message("")

    @Slot(str)
    def lyrics_failed(self, sentence: str) -> None:
        self._end_wait()
        self.lyrics_tools.show_message(sentence, LabelState.ERROR)

    @Slot(str)
    def lyrics_progress(self, text: str) -> None:
        """The caller's own words replace the dialog's "Writing lyrics… (12 s)"."""
        self.lyrics_tools.show_progress(text)

    def lyrics_prompt(self) -> tuple[str, str]:
        """(what the lyrics are written about, which field it came from); both empty when there is none."""
        sources = (
            ("title", self.title_edit.text()),
            ("description", self.description_edit.toPlainText()),
            ("style", self.style_edit.text()),
        )
        return next(((text.strip(), name) for name, text in sources if text.strip()), ("", ""))

    def is_writing_lyrics(self) -> bool:
        return self.lyrics_tools.is_busy()

    def _request_lyrics(self) -> None:
        prompt, _source = self.lyrics_prompt()
        if not prompt:
            self.lyrics_tools.show_message(ASK_FOR_A_PROMPT, LabelState.ERROR)
            self.title_edit.setFocus()
            return
        request = SongRequest.lyrics_for(prompt)
        self.lyrics_tools.start_waiting()
        self._update()
        log.debug("lyrics requested about %r", prompt)
        self.lyrics_requested.emit(request)

    def _cancel_lyrics(self) -> None:
        if self.is_writing_lyrics():
            self._end_wait()
            self.lyrics_cancelled.emit()

    def _end_wait(self) -> None:
        self.lyrics_tools.stop_waiting()
        self._update()

    # ------------------------------------------------------------------ live state

    def _describing(self) -> bool:
        return self.tabs.currentIndex() == 0 and self._extension is None

    def _mode_changed(self) -> None:
        (self.description_edit if self._describing() else self.title_edit).setFocus()
        self._update()

    def _edited_and_update(self) -> None:
        self._edited = True
        self._update()

    def _update(self) -> None:
        """Summary, counts, hints and the send button, after every change."""
        draft = self.draft()
        problem = self.problem()
        self.summary_label.setText(summary_html(draft))
        self.problem_label.setText(problem)
        set_label_state(self.problem_label, LabelState.ERROR if self._edited else LabelState.MUTED)
        self.problem_label.setVisible(bool(problem))
        left_out = self.left_out()
        self.left_out_label.setText(left_out)
        self.left_out_label.setVisible(bool(left_out))
        busy = self.is_writing_lyrics()
        self.send_button.setEnabled(not problem and not busy)
        self.send_button.setText(send_label(draft))
        tooltip = summary_text(draft)
        if busy:
            tooltip = "Waiting for the lyrics: cancel or wait before sending.\n\n" + tooltip
        self.send_button.setToolTip(problem + "\n\n" + tooltip if problem else tooltip)
        self.description_count.setText(count_text(self.description_edit.toPlainText()))
        self.lyrics_tools.count_label.setText(count_text(self.lyrics_edit.toPlainText()))
        instrumental = self.instrumental_check.isChecked()
        self.lyrics_edit.setPlaceholderText(INSTRUMENTAL_LYRICS_PLACEHOLDER if instrumental else LYRICS_PLACEHOLDER)
        _prompt, source = self.lyrics_prompt()
        self.lyrics_tools.source_hint.setText(f"about the {source}" if source else "about the title, once there is one")
        self.lyrics_tools.write_button.setToolTip(
            f"Ask Suno for lyrics about the {source}"
            if source
            else "Ask Suno for lyrics about the title, the description or the style"
        )

    # ------------------------------------------------------------------ sending and closing

    def _send(self) -> None:
        """The only way anything is sent: a click (or Space, or the mnemonic) on the send button."""
        if not self.send_button.isEnabled():
            return
        try:
            request = self._checked_request()
        except InvalidSongRequest as exc:
            self._update()
            log.debug("send refused: %s", exc)
            return
        self._request = request
        self.submit_requested.emit(request)
        self.accept()

    def showEvent(self, event: QShowEvent) -> None:
        # QDialogButtonBox makes its first accept button the default one when shown: undo that.
        super().showEvent(event)
        for button in self.findChildren(QPushButton):
            button.setDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QDialog would press a default button on Enter; there is none, and Enter must never send.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self._request = None
        # Closing while lyrics are being written stops the wait, so the caller drops the answer.
        self._cancel_lyrics()
        super().done(result)


# ---------------------------------------------------------------------- helpers


def _and_list(names: list[str]) -> str:
    """ "title", "title and style", "title, style and lyrics"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
