"""The detail pane: everything about the current clip, with its ids copyable.

It fits any width the splitter gives it: text wraps (and stays selectable), the
buttons flow onto a second row rather than being cut, and the cover shrinks with
its aspect kept. A row that cannot be played (lyrics only, a task without songs)
offers no button that would do nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..model import CLIP_COMPLETE, ClipKind, ClipRecord, ClipState
from ..time_formats import format_created, format_duration
from .clip_rows import STATUS_TEXT, is_placeholder_row, is_task_row, status_text
from .cover_view import CoverView
from .flow_layout import FlowLayout
from .icons import standard_icon

COVER_SIZE = 260  # the cover's largest width; it shrinks with a narrower pane
NOTHING_TO_PLAY = "Lyrics only: there is no song to play."


class ClipDetailPane(QWidget):
    """Cover, title, buttons, fields, description and lyrics of one clip; a note when none is selected."""

    play_requested = Signal(str)
    message = Signal(str)  # for the status bar ("Copied …")
    extend_requested = Signal(str)  # clip id: Extend from here…
    recreate_requested = Signal(str)  # clip id or submission row id: Create again… (lyrics: a song from them)
    forget_requested = Signal(str)  # submission row id: Forget
    edit_again_requested = Signal(str)  # a failed task's row id: Edit and Create Again…
    folder_requested = Signal(str)  # clip id: Show in folder (the window's action says when no file manager opens)
    cover_shown = Signal(QPixmap)  # the current clip's cover (a null pixmap when it has none), for the Video tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._record: ClipRecord | None = None
        self._root: Path | None = None
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        self._build_heading(layout)
        buttons = FlowLayout()
        self._build_buttons(buttons)
        self._build_create_buttons(buttons)
        layout.addLayout(buttons)
        layout.addLayout(self._build_fields())
        self._build_text(layout)
        self._build_scroll(body)
        self.show_clip(None)

    def _build_heading(self, layout: QVBoxLayout) -> None:
        self.cover = CoverView("No cover", max_side=COVER_SIZE)
        self.cover.setObjectName("detailCover")

        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps, never widens
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)

        self.tags = QLabel()
        self.tags.setWordWrap(True)
        self.tags.setObjectName("detailTags")
        self.tags.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tags.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.cover)
        layout.addWidget(self.title)
        layout.addWidget(self.tags)

    def _build_buttons(self, buttons: FlowLayout) -> None:
        self.play_button = QPushButton(standard_icon("media-playback-start"), "Play")
        self.play_button.setObjectName("detailPlayButton")
        self.folder_button = QPushButton(standard_icon("folder-open"), "Show in folder")
        self.folder_button.setObjectName("detailFolderButton")
        self.url_button = QPushButton(standard_icon("edit-copy"), "Copy audio URL")
        self.url_button.setObjectName("detailUrlButton")
        self.play_button.clicked.connect(self._play)
        self.folder_button.clicked.connect(lambda: self._emit_for_record(self.folder_requested))
        self.url_button.clicked.connect(self.copy_audio_url)
        for button in (self.play_button, self.folder_button, self.url_button):
            buttons.addWidget(button)

    def _build_create_buttons(self, buttons: FlowLayout) -> None:
        """New songs from this one (a clip), or what to do with a submission the relay did not confirm."""
        self.extend_button = QPushButton("Extend from here…")
        self.extend_button.setObjectName("detailExtendButton")
        self.extend_button.setToolTip("A new song that continues this one, from the player's position or its end")
        self.recreate_button = QPushButton("Create again…")
        self.recreate_button.setObjectName("detailRecreateButton")
        self.forget_button = QPushButton("Forget")
        self.forget_button.setObjectName("detailForgetButton")
        self.forget_button.setToolTip("Remove this row; nothing is sent")
        self.edit_again_button = QPushButton("Edit and Create Again…")
        self.edit_again_button.setObjectName("detailEditAgainButton")
        self.extend_button.clicked.connect(lambda: self._emit_for_record(self.extend_requested))
        self.recreate_button.clicked.connect(lambda: self._emit_for_record(self.recreate_requested))
        self.forget_button.clicked.connect(lambda: self._emit_for_record(self.forget_requested))
        self.edit_again_button.clicked.connect(lambda: self._emit_for_record(self.edit_again_requested))
        for button in (self.extend_button, self.recreate_button, self.edit_again_button, self.forget_button):
            buttons.addWidget(button)

    def _build_fields(self) -> QFormLayout:
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow pane puts a value below its name
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in ("Model", "Duration", "Created", "Status", "Files"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            value.setObjectName(f"detail{name}")
            self.fields[name] = value
            form.addRow(f"{name}:", value)
        self.task_id = self._id_row(form, "Task id:", "detailTaskId")
        self.clip_id = self._id_row(form, "Clip id:", "detailClipId")
        return form

    def _build_text(self, layout: QVBoxLayout) -> None:
        self.description = QLabel()
        self.description.setObjectName("detailDescription")
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.lyrics_heading = lyrics_heading = QLabel("Lyrics")
        heading_font = QFont(lyrics_heading.font())
        heading_font.setBold(True)
        lyrics_heading.setFont(heading_font)
        self.lyrics = QPlainTextEdit()
        self.lyrics.setObjectName("detailLyrics")
        self.lyrics.setReadOnly(True)
        self.lyrics.setMinimumWidth(80)
        self.lyrics.setMinimumHeight(160)
        self.lyrics.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.description)
        layout.addWidget(lyrics_heading)
        layout.addWidget(self.lyrics, 1)

    def _build_scroll(self, body: QWidget) -> None:
        """The details scroll; the placeholder takes their place while no clip is selected."""
        self.placeholder = QLabel("Select a clip to see its details.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self._scroll = scroll
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.placeholder)
        outer.addWidget(scroll)

    def _id_row(self, form: QFormLayout, label: str, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setReadOnly(True)
        edit.setFrame(False)
        edit.setMinimumWidth(80)
        copy = QToolButton()
        copy.setIcon(standard_icon("edit-copy"))
        copy.setToolTip(f"Copy the {label.rstrip(':').lower()}")
        copy.setObjectName(f"{name}Copy")
        copy.clicked.connect(lambda: self._copy(edit.text(), label.rstrip(":")))
        row = QHBoxLayout()
        row.setSpacing(2)
        row.addWidget(edit, 1)
        row.addWidget(copy)
        form.addRow(label, row)
        return edit

    # -- public ------------------------------------------------------------

    @property
    def record(self) -> ClipRecord | None:
        return self._record

    def show_clip(
        self,
        record: ClipRecord | None,
        root: Path | None = None,
        files: tuple[bool, bool, bool] = (False, False, False),
    ) -> None:
        self._record, self._root = record, root
        self.placeholder.setVisible(record is None)
        self._scroll.setVisible(record is not None)
        if record is None:
            return
        self.title.setText(record.title or "Untitled")
        self.tags.setText(record.tags or "")
        self.tags.setVisible(bool(record.tags))
        self.fields["Model"].setText(record.model or "—")
        self.fields["Duration"].setText(format_duration(record.duration) or "—")
        self.fields["Created"].setText(format_created(record.created_at) or "—")
        is_task = is_placeholder_row(record)  # a task with no clips yet (its sentence is the status), a submission
        status = status_text(record) if record.state == ClipState.PENDING else STATUS_TEXT.get(record.state, "")
        if record.kind == ClipKind.SUBMISSION:
            self.fields["Status"].setText(f"{status_text(record)}: {record.error}")
        elif is_task:
            self.fields["Status"].setText(record.error)
        else:
            self.fields["Status"].setText(f"{status}: {record.problem}" if record.problem else status)
        self.fields["Files"].setText(
            ", ".join(n for n, present in zip(("MP3", "Cover", "MP4"), files) if present) or "none on disk"
        )
        self.task_id.setText(record.task_id or "—")
        self.clip_id.setText("—" if is_task else record.clip_id)
        for edit in (self.task_id, self.clip_id):
            edit.setCursorPosition(0)
            self.findChild(QToolButton, f"{edit.objectName()}Copy").setEnabled(edit.text() != "—")
        self.description.setText(f"Prompt: {record.description}" if record.description else "")
        self.description.setVisible(bool(record.description))
        self._show_lyrics(record)
        self._show_file_buttons(record, files)
        self.cover.setVisible(record.kind == ClipKind.MUSIC)
        self.set_cover(None)
        self._show_create_buttons(record)

    def _show_lyrics(self, record: ClipRecord) -> None:
        """A song's lyrics; for a task or a request, the lyrics that were sent, when the library knows them."""
        placeholder = is_placeholder_row(record)
        self.lyrics_heading.setText("Lyrics sent" if placeholder and record.lyrics else "Lyrics")
        if record.lyrics:
            self.lyrics.setPlainText(record.lyrics)
        elif not placeholder:
            self.lyrics.setPlainText("No lyrics (instrumental).")
        elif record.state == ClipState.FAILED and _made_here(record):
            self.lyrics.setPlainText("No lyrics were sent: the song was described, or instrumental.")
        elif record.state == ClipState.FAILED:
            self.lyrics.setPlainText("The relay made no songs for this task; what was sent is not known here.")
        else:
            self.lyrics.setPlainText("No songs yet.")

    def _show_file_buttons(self, record: ClipRecord, files: tuple[bool, bool, bool]) -> None:
        """Only what can work: lyrics have no song to play, no file to show and no audio to copy."""
        playable = record.kind == ClipKind.MUSIC
        self.play_button.setEnabled(playable and files[0])
        self.play_button.setToolTip(NOTHING_TO_PLAY if record.kind == ClipKind.LYRICS else "")
        self.folder_button.setEnabled(playable and any(files))
        self.url_button.setEnabled(playable and bool(record.audio_url))

    def _show_create_buttons(self, record: ClipRecord) -> None:
        music, submission = record.kind == ClipKind.MUSIC, record.kind == ClipKind.SUBMISSION
        lyrics_only = record.kind == ClipKind.LYRICS
        self.extend_button.setVisible(music)
        self.extend_button.setEnabled(record.relay_status == CLIP_COMPLETE)  # the relay extends finished songs
        self.recreate_button.setVisible(music or submission or lyrics_only)
        self.recreate_button.setText("Create a Song from These Lyrics…" if lyrics_only else "Create again…")
        self.forget_button.setVisible(submission)
        if submission:
            tip = "Send this request again, after you checked the relay's task log"
        elif lyrics_only:
            tip = "The New Song dialog with these lyrics and their title"
        else:
            tip = "A new song with this one's title, style, lyrics and model"
        self.recreate_button.setToolTip(tip)
        failed_task = is_task_row(record) and record.state == ClipState.FAILED
        self.edit_again_button.setVisible(failed_task)
        self.edit_again_button.setEnabled(failed_task and _made_here(record))
        self.edit_again_button.setToolTip(
            "The New Song dialog with what was sent for this task, to change and send"
            if _made_here(record)
            else "Only for a song asked for in this app: the relay does not say what was sent"
        )

    def set_cover(self, pixmap: QPixmap | None) -> None:
        """The current clip's cover, scaled to the pane with its aspect kept; the Video tab is told too."""
        self.cover.set_pixmap(pixmap if pixmap is not None and not pixmap.isNull() else None)
        self.cover_shown.emit(self.cover.pixmap())

    def copy_audio_url(self) -> None:
        if self._record is not None and self._record.audio_url:
            self._copy(self._record.audio_url, "Audio URL")

    # -- private -----------------------------------------------------------

    def _emit_for_record(self, signal) -> None:
        if self._record is not None:
            signal.emit(self._record.clip_id)

    def _play(self) -> None:
        if self._record is not None:
            self.play_requested.emit(self._record.clip_id)

    def _copy(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.message.emit(f"{what} copied to the clipboard.")


def _made_here(record: ClipRecord) -> bool:
    """A task asked for in this app is named after the request; one added by its id is "Task <id>".

    The same test as the context menu's Edit and Create Again (new_song_actions.can_be_sent_again).
    """
    return is_task_row(record) and record.title != f"Task {record.task_id}"
