"""The detail pane: everything about the current clip, with its ids copyable.

It fits any width the splitter gives it: text wraps (and stays selectable), the
buttons flow onto a second row rather than being cut, and the cover shrinks with
its aspect kept. A row that cannot be played (lyrics only, a task without songs)
offers no button that would do nothing.

A clip's title, style, description and lyrics are edited in place (:mod:`.edit_fields`):
the pane asks for the change (``edit_requested``) and the window saves it; beneath a
field that is the user's, "Relay: …" says the relay's value, read on a worker when
asked for (``relay_values_wanted``), with "Revert to the relay's".
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..library.clip_edits import EditField, cleaned
from ..model import ClipRecord, ClipState
from ..time_formats import format_created, format_duration
from .clip_lineage import LineageLabel
from .cover_view import CoverView
from .edit_fields import FieldEdit, FieldShape, RelayNote
from .flow_layout import FlowLayout
from .icons import standard_icon
from .star_buttons import StarButtons
from .table_rows import STATUS_TEXT, TableRow, as_row

COVER_SIZE = 260  # the cover's largest width; it shrinks with a narrower pane
NOTHING_TO_PLAY = "Lyrics only: there is no song to play."
#: how each editable field reads, wraps and saves: (shape, widget name, placeholder, tooltip)
_FIELDS = {
    EditField.TITLE: (FieldShape.LINE, "detailTitle", "Untitled", "Enter saves the title; Escape puts it back"),
    EditField.STYLE: (FieldShape.LINE, "detailTags", "No style", "Enter saves the style; Escape puts it back"),
    EditField.DESCRIPTION: (
        FieldShape.TEXT,
        "detailDescription",
        "No description",
        "Saved when you leave the field or press Ctrl+Enter; Escape puts it back",
    ),
    EditField.LYRICS: (
        FieldShape.AREA,
        "detailLyrics",
        "No lyrics (instrumental).",
        "Saved when you leave the lyrics or press Ctrl+Enter; Escape puts them back",
    ),
}


class ClipDetailPane(QWidget):
    """Cover, title, buttons, fields, description and lyrics of one clip; a note when none is selected."""

    play_requested = Signal(str)
    message = Signal(str)  # for the status bar ("Copied …")
    extend_requested = Signal(str)  # clip id: Extend from here…
    recreate_requested = Signal(str)  # row id of a clip or a submission: Create again… (lyrics: a song from them)
    forget_requested = Signal(str)  # submission row id: Forget
    edit_again_requested = Signal(str)  # a failed task's row id: Edit and Create Again…
    folder_requested = Signal(str)  # clip id: Show in folder (the window's action says when no file manager opens)
    rate_requested = Signal(list, int)  # [clip id], stars 0-5: the pane's stars were clicked
    cover_shown = Signal(QPixmap)  # the current clip's cover (a null pixmap when it has none), for the Video tab
    edit_requested = Signal(str, object, str)  # clip id, EditField, the text typed: the user changed a field
    revert_requested = Signal(str, object)  # clip id, EditField: Revert to the relay's
    relay_values_wanted = Signal(str)  # clip id: a field is the user's, the note needs the relay's values
    lyrics_wanted = Signal(str)  # clip id: the table keeps no lyrics, the pane's are read for it (show_lyrics_read)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._row: TableRow | None = None
        self._root: Path | None = None
        self.editors: dict[EditField, FieldEdit] = {}
        self.relay_notes: dict[EditField, RelayNote] = {}
        self._relay_asked: tuple | None = None  # (clip id, edits, updated_at) the notes' values were asked for
        self._lyrics_read: tuple[str, float, str] | None = None  # (clip id, updated_at, lyrics) last read
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

        layout.addWidget(self.cover)
        self.title = self._editor(EditField.TITLE, layout)  # wraps, never widens
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.tags = self._editor(EditField.STYLE, layout)

    def _editor(self, field: EditField, layout: QVBoxLayout, stretch: int = 0) -> FieldEdit:
        """A field edited in place, and beneath it the note that shows the relay's value once it is the user's."""
        shape, name, placeholder, tip = _FIELDS[field]
        editor = FieldEdit(shape, name, placeholder, clean=functools.partial(cleaned, field), tip=tip)
        editor.setAccessibleName(field.label.capitalize())
        editor.committed.connect(functools.partial(self._committed, field))
        note = RelayNote(f"{name}Relay", field.label)
        note.revert_clicked.connect(functools.partial(self._revert, field))
        self.editors[field], self.relay_notes[field] = editor, note
        layout.addWidget(editor, stretch)
        layout.addWidget(note)
        return editor

    def _build_buttons(self, buttons: FlowLayout) -> None:
        self.play_button = QPushButton(standard_icon("media-playback-start"), "Play")
        self.play_button.setObjectName("detailPlayButton")
        self.folder_button = QPushButton(standard_icon("folder-open"), "Show in folder")
        self.folder_button.setObjectName("detailFolderButton")
        self.url_button = QPushButton(standard_icon("edit-copy"), "Copy audio URL")
        self.url_button.setObjectName("detailUrlButton")
        self.play_button.clicked.connect(self._play)
        self.folder_button.clicked.connect(lambda: self._emit_for_row(self.folder_requested))
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
        self.extend_button.clicked.connect(lambda: self._emit_for_row(self.extend_requested))
        self.recreate_button.clicked.connect(lambda: self._emit_for_row(self.recreate_requested))
        self.forget_button.clicked.connect(lambda: self._emit_for_row(self.forget_requested))
        self.edit_again_button.clicked.connect(lambda: self._emit_for_row(self.edit_again_requested))
        for button in (self.extend_button, self.recreate_button, self.edit_again_button, self.forget_button):
            buttons.addWidget(button)

    def _build_fields(self) -> QFormLayout:
        self.fields: dict[str, QLabel] = {}
        form = self._form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a narrow pane puts a value below its name
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.lineage = LineageLabel()  # takes, parent, extensions: filled by ClipLineage
        form.addRow(self.lineage)
        for name in ("Model", "Duration", "Created", "Status", "Files"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            value.setObjectName(f"detail{name}")
            self.fields[name] = value
            form.addRow(f"{name}:", value)
        self.stars = StarButtons()
        self.stars.setObjectName("detailRating")
        self.stars.chosen.connect(lambda stars: self._emit_rating(stars))
        form.addRow("Rating:", self.stars)
        self.task_id = self._id_row(form, "Task id:", "detailTaskId")
        self.clip_id = self._id_row(form, "Clip id:", "detailClipId")
        return form

    def _build_text(self, layout: QVBoxLayout) -> None:
        self.description_heading = self._heading("Description", layout)
        self.description = self._editor(EditField.DESCRIPTION, layout)
        self.lyrics_heading = self._heading("Lyrics", layout)
        self.lyrics = self._editor(EditField.LYRICS, layout, stretch=1)
        self.lyrics.setMinimumHeight(160)

    @staticmethod
    def _heading(text: str, layout: QVBoxLayout) -> QLabel:
        heading = QLabel(text)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        return heading

    def _build_scroll(self, body: QWidget) -> None:
        """The details scroll; the placeholder takes their place while no clip is selected."""
        self.placeholder = QLabel("Select a clip to see its details.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # a click on the pane's blank space or on "Revert to the relay's" leaves the field being typed in alone
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
    def row(self) -> TableRow | None:
        """The row shown: a clip, a task without clips, an unconfirmed submission; None when none is selected."""
        return self._row

    @property
    def record(self) -> ClipRecord | None:
        """The clip shown, or None (nothing selected, or a row that stands for no clip)."""
        return None if self._row is None else self._row.record

    def show_clip(
        self,
        row: TableRow | ClipRecord | None,
        root: Path | None = None,
        files: tuple[bool, bool, bool] = (False, False, False),
    ) -> None:
        """Show *row* (a clip's record is shown as its row), or the note that none is selected."""
        row = None if row is None else as_row(row)
        if row is None or self._row is None or row.row_id != self._row.row_id:
            self.save_typing()  # what was typed for the last row is that row's
        self._row, self._root = row, root
        self.placeholder.setVisible(row is None)
        self._scroll.setVisible(row is not None)
        if row is None:
            self._relay_asked = None
            return
        self._show_words(row)
        self.fields["Model"].setText(row.model or "—")
        self.fields["Duration"].setText(format_duration(row.duration) or "—")
        self.fields["Created"].setText(format_created(row.created_at) or "—")
        self.fields["Status"].setText(_status_line(row))
        self.fields["Files"].setText(
            ", ".join(n for n, present in zip(("MP3", "Cover", "MP4"), files) if present) or "none on disk"
        )
        self.task_id.setText(row.task_id or "—")
        self.clip_id.setText("—" if row.is_placeholder else row.row_id)
        for edit in (self.task_id, self.clip_id):
            edit.setCursorPosition(0)
            self.findChild(QToolButton, f"{edit.objectName()}Copy").setEnabled(edit.text() != "—")
        self._show_file_buttons(row, files)
        self.cover.setVisible(row.can_play)
        self.set_cover(None)
        self._show_create_buttons(row)
        self._show_rating(row)

    def _show_rating(self, row: TableRow) -> None:
        """A clip's stars; a task's or a submission's row has no rating to give."""
        record = row.record
        self.stars.set_stars(record.rating if record is not None else 0)
        self.stars.setVisible(record is not None)
        label = self._form.labelForField(self.stars)
        if label is not None:
            label.setVisible(record is not None)

    def _emit_rating(self, stars: int) -> None:
        record = self.record
        if record is not None:
            self.rate_requested.emit([record.clip_id], stars)

    def _show_words(self, row: TableRow) -> None:
        """Title, style, description and lyrics: a clip's (a song's or a lyrics task's) are edited in place."""
        editable = row.record is not None
        self.title.set_value(row.title, editable=editable)
        self.tags.set_value(row.tags or "", editable=editable)
        self.tags.setVisible(editable or bool(row.tags))
        self.description.set_value(row.description or "", editable=editable)
        for widget in (self.description_heading, self.description):
            widget.setVisible(editable or bool(row.description))
        self._show_lyrics(row)
        self._show_relay_notes(row.record)

    def _show_lyrics(self, row: TableRow) -> None:
        """A clip's lyrics; for a task or a request, the lyrics that were sent, when the library knows them."""
        placeholder = row.is_placeholder
        self.lyrics_heading.setText("Lyrics sent" if placeholder and row.lyrics else "Lyrics")
        if not placeholder and row.lyrics is None:  # a row of the table, which keeps no lyrics
            self._show_clip_lyrics(row.record)
        elif not placeholder:
            self.lyrics.set_value(row.lyrics)  # empty: the placeholder says "No lyrics (instrumental)."
        elif row.lyrics:
            self.lyrics.set_value(row.lyrics, editable=False)
        elif row.state == ClipState.FAILED and row.is_task and row.made_here:
            self.lyrics.set_value("No lyrics were sent: the song was described, or instrumental.", editable=False)
        elif row.state == ClipState.FAILED:
            text = "The relay made no songs for this task; what was sent is not known here."
            self.lyrics.set_value(text, editable=False)
        else:
            self.lyrics.set_value("No songs yet.", editable=False)

    def _show_clip_lyrics(self, record: ClipRecord) -> None:
        """The lyrics read for this clip; read (again, when the clip changed since) on a worker.

        Another clip's are read-only until they come: nothing is typed over words not read. The
        same clip's stay editable meanwhile (a rating or a sync changes the row, rarely its words),
        and words being typed stay until they are saved.
        """
        read = self._lyrics_read
        if read is not None and read[0] == record.clip_id:
            self.lyrics.setPlaceholderText(_FIELDS[EditField.LYRICS][2])
            self.lyrics.set_value(read[2])
            if read[1] != record.updated_at:
                self.lyrics_wanted.emit(record.clip_id)
            return
        self.lyrics.setPlaceholderText("Reading the lyrics…")
        self.lyrics.set_value("", editable=False)
        self.lyrics_wanted.emit(record.clip_id)

    def show_lyrics_read(self, record: ClipRecord) -> None:
        """A clip's lyrics as the library reads them (on a worker), if the pane still shows that clip."""
        shown = self.record
        if shown is not None and shown.clip_id == record.clip_id:
            self._lyrics_read = (record.clip_id, shown.updated_at, record.lyrics)
            self.lyrics.setPlaceholderText(_FIELDS[EditField.LYRICS][2])
            self.lyrics.set_value(record.lyrics)

    def _show_relay_notes(self, record: ClipRecord | None) -> None:
        """A note beneath each field that is the user's; the relay's values are asked for when they may have changed."""
        edited = set(record.edited) if record is not None else set()
        for field, note in self.relay_notes.items():
            note.setVisible(field.value in edited)
        if not edited:
            self._relay_asked = None
            return
        asked = (record.clip_id, record.edits, record.updated_at)
        if asked != self._relay_asked:
            if self._relay_asked is None or self._relay_asked[0] != record.clip_id:
                for note in self.relay_notes.values():
                    note.set_relay_value(None)  # nothing of another clip's stays shown
            self._relay_asked = asked
            self.relay_values_wanted.emit(record.clip_id)

    def show_relay_values(self, clip_id: str, values: dict) -> None:
        """The relay's values of *clip_id*'s fields (read on a worker), if the pane still shows that clip."""
        record = self.record
        if record is not None and record.clip_id == clip_id:
            for field, note in self.relay_notes.items():
                note.set_relay_value(values.get(field, ""))

    def save_typing(self) -> None:
        """Hand on what was typed and not saved yet (the pane is about to show another row)."""
        for editor in self.editors.values():
            editor.commit()

    def _committed(self, field: EditField, text: str) -> None:
        record = self.record
        if record is not None:
            self.edit_requested.emit(record.clip_id, field, text)

    def _revert(self, field: EditField) -> None:
        record = self.record
        if record is not None:
            self.editors[field].put_back()  # what was being typed there goes too
            self.revert_requested.emit(record.clip_id, field)

    def _show_file_buttons(self, row: TableRow, files: tuple[bool, bool, bool]) -> None:
        """Only what can work: lyrics have no song to play, no file to show and no audio to copy."""
        playable = row.can_play
        self.play_button.setEnabled(playable and files[0])
        self.play_button.setToolTip(NOTHING_TO_PLAY if row.is_lyrics else "")
        self.folder_button.setEnabled(playable and any(files))
        self.url_button.setEnabled(playable and row.record is not None and bool(row.record.audio_url))

    def _show_create_buttons(self, row: TableRow) -> None:
        song, submission, lyrics_only = row.can_play, row.is_submission, row.is_lyrics
        self.extend_button.setVisible(song)
        self.extend_button.setEnabled(row.can_extend)  # the relay extends finished songs
        self.recreate_button.setVisible(song or submission or lyrics_only)
        self.recreate_button.setText("Create a Song from These Lyrics…" if lyrics_only else "Create again…")
        self.forget_button.setVisible(submission)
        if submission:
            tip = "Send this request again, after you checked the relay's task log"
        elif lyrics_only:
            tip = "The New Song dialog with these lyrics and their title"
        else:
            tip = "A new song with this one's title, style, lyrics and model"
        self.recreate_button.setToolTip(tip)
        failed_task = row.is_task and row.state == ClipState.FAILED
        self.edit_again_button.setVisible(failed_task)
        self.edit_again_button.setEnabled(row.can_send_again)
        self.edit_again_button.setToolTip(
            "The New Song dialog with what was sent for this task, to change and send"
            if row.can_send_again or not failed_task
            else "Only for a song asked for in this app: the relay does not say what was sent"
        )

    def set_cover(self, pixmap: QPixmap | None) -> None:
        """The current clip's cover, scaled to the pane with its aspect kept; the Video tab is told too."""
        self.cover.set_pixmap(pixmap if pixmap is not None and not pixmap.isNull() else None)
        self.cover_shown.emit(self.cover.pixmap())

    def copy_audio_url(self) -> None:
        record = self.record
        if record is not None and record.audio_url:
            self._copy(record.audio_url, "Audio URL")

    # -- private -----------------------------------------------------------

    def _emit_for_row(self, signal) -> None:
        if self._row is not None:
            signal.emit(self._row.row_id)

    def _play(self) -> None:
        if self._row is not None:
            self.play_requested.emit(self._row.row_id)

    def _copy(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.message.emit(f"{what} copied to the clipboard.")


def _status_line(row: TableRow) -> str:
    """The Status field: a placeholder's word and sentence, a clip's state and what went wrong."""
    if row.is_submission:
        return f"{row.status()}: {row.note}"
    if row.is_task:
        return row.note
    status = row.status() if row.state == ClipState.PENDING else STATUS_TEXT.get(row.state, "")
    return f"{status}: {row.note}" if row.note else status
