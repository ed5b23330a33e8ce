"""The Settings dialog: relay, library and tag options, edited on a copy.

The dialog never writes anything itself; :meth:`SettingsDialog.settings` returns a
new :class:`Settings` and the window decides what to save and apply. "Test
connection" runs on a worker so a slow or dead relay never freezes the dialog.

New file names (another template, or another artist in a template with
``{artist}``) are asked about on OK: "Rename 312 files now?", counted on a worker.
Rename keeps the new names, and the sync the window starts renames the files; Not
Now keeps the old template (and artist), so no file is renamed, and applies the rest.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..library.filenames import TEMPLATE_FIELDS, TemplateError, check_new_template, render_stem, template_uses
from ..library.renames import RenameCount, count_renames
from ..library.store import Library
from ..model import Clip, ClipStatus
from ..relay.errors import RelayError
from ..relay.relay_url import unencrypted_warning
from ..settings import (
    AUTOMATIC_JOBS,
    MAX_JOBS,
    Settings,
    TokenLocation,
    automatic_jobs,
    default_library_dir,
    remembered_models,
)
from ..song_request import DEFAULT_MODEL
from .dialog_parts import HeightKeeper, LabelState, MessageLabel, buddy_label, set_label_state, style_as_hint
from .workers import WorkerPool

log = logging.getLogger(__name__)

ID3_VERSIONS = (("ID3v2.3 (most compatible)", 3), ("ID3v2.4", 4))
LYRICS_LANGUAGES = (
    ("Detect from lyrics", "auto"),
    ("English", "eng"),
    ("Japanese", "jpn"),
    ("Korean", "kor"),
    ("Chinese", "chi"),
    ("Spanish", "spa"),
    ("French", "fre"),
    ("German", "ger"),
    ("Portuguese", "por"),
    ("Russian", "rus"),
)
TOKEN_HINTS = {
    TokenLocation.KEYRING: "Stored in the system keyring",
    TokenLocation.FILE: "Stored in the settings file, readable only by you",
}
#: what the template example is rendered from
SAMPLE_CLIP = Clip(
    clip_id="a06015d0-9e04-4f30-85db-401494940394",
    task_id="7e3f7c52-0a64-4b4e-9d51-2f8f1c6b9a10",
    title="City Lights",
    tags="emotional punk",
    model="chirp-v4",
    relay_status=ClipStatus.COMPLETE,
    created_at=datetime(2024, 6, 18, 14, 30, tzinfo=UTC),
)
TEST_TIMEOUT = (5.0, 10.0)

# Colours readable on light and dark palettes alike.


def check_relay_connection(base_url: str, token: str) -> tuple[bool, str]:
    """Runs on a worker: (True, success sentence) or (False, the error sentence)."""
    from ..relay.client import RelayClient
    from ..retry_policy import DEFAULT_RETRY

    client = None
    try:
        client = RelayClient(
            base_url, token, timeout=TEST_TIMEOUT, retry=dataclasses.replace(DEFAULT_RETRY, attempts=2)
        )
        return True, client.check_connection()
    except RelayError as exc:
        return False, str(exc)
    except Exception as exc:
        log.warning("connection test failed unexpectedly: %r", exc)
        return False, f"The connection test failed unexpectedly: {exc}."
    finally:
        if client is not None:
            client.close()


class SettingsDialog(QDialog):
    """Edits a copy of *settings*; read the result with :meth:`settings` after ``accepted``."""

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        token_location: TokenLocation = TokenLocation.FILE,
        workers: WorkerPool | None = None,
        library: Library | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        self._original = settings
        self._workers = workers if workers is not None else WorkerPool(max_threads=1, parent=self)
        self._library = library  # whose files new names would rename; None: nothing to ask
        self._test_generation = 0
        self._template_valid = True
        self._count_generation = 0
        self._counting = False
        self._count_cancel = threading.Event()
        self._keep_names = False  # "Not Now": the old template (and artist) stay
        self._height = HeightKeeper(self)

        groups = (
            self._build_relay_group(settings, token_location),
            self._build_library_group(settings),
            self._build_tags_group(settings),
            self._build_new_songs_group(settings),
        )
        _align_label_columns([group.layout() for group in groups])
        layout = QVBoxLayout(self)
        for group in groups:
            layout.addWidget(group)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttonBox")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._update_template_example()

    # ------------------------------------------------------------------ building

    def _build_relay_group(self, settings: Settings, token_location: TokenLocation) -> QGroupBox:
        group = QGroupBox("Relay")
        form = _form(group)

        self.base_url_edit = QLineEdit(settings.base_url)
        self.base_url_edit.setObjectName("baseUrlEdit")
        self.base_url_edit.setPlaceholderText("https://relay.example.com")
        form.addRow("&Relay URL:", self.base_url_edit)

        self.token_edit = QLineEdit(settings.token)
        self.token_edit.setObjectName("tokenEdit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("The relay's API token")
        self.show_token_button = QToolButton()
        self.show_token_button.setObjectName("showTokenButton")
        self.show_token_button.setText("Show")
        self.show_token_button.setCheckable(True)
        self.show_token_button.setToolTip("Show or hide the token")
        self.show_token_button.toggled.connect(self._show_token)
        form.addRow(buddy_label("API &token:", self.token_edit), _row(self.token_edit, self.show_token_button))

        self.token_hint = QLabel(TOKEN_HINTS[TokenLocation(token_location)])
        self.token_hint.setObjectName("tokenHint")
        style_as_hint(self.token_hint)
        form.addRow("", self.token_hint)

        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self.test_connection)
        self.connection_result = MessageLabel()
        self.connection_result.setObjectName("connectionResult")
        self.connection_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("", _row(self.test_button, stretch=True))
        form.addRow("", self.connection_result)
        self._relay_form = form
        warning = unencrypted_warning(self.base_url_edit.text())  # a token sent in the clear is said at once
        if warning:
            self.connection_result.setText(warning)
            set_label_state(self.connection_result, LabelState.ERROR)
        form.setRowVisible(self.connection_result, bool(warning))  # shown once there is something to say

        self.base_url_edit.textEdited.connect(self._connection_fields_edited)
        self.token_edit.textEdited.connect(self._connection_fields_edited)
        return group

    def _build_library_group(self, settings: Settings) -> QGroupBox:
        group = QGroupBox("Library")
        form = _form(group)

        self.library_edit = QLineEdit(settings.library)
        self.library_edit.setObjectName("libraryEdit")
        self.library_edit.setPlaceholderText(str(default_library_dir()))
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setObjectName("browseLibraryButton")
        self.browse_button.clicked.connect(self._browse_library)
        form.addRow(buddy_label("&Folder:", self.library_edit), _row(self.library_edit, self.browse_button))

        self.download_video_check = QCheckBox("Download videos (MP4)")
        self.download_video_check.setObjectName("downloadVideoCheck")
        self.download_video_check.setChecked(settings.download_video)
        form.addRow("", _row(self.download_video_check, stretch=True))

        self.jobs_spin = QSpinBox()
        self.jobs_spin.setObjectName("jobsSpin")
        self.jobs_spin.setRange(AUTOMATIC_JOBS, MAX_JOBS)  # the lowest value reads "Automatic"
        self.jobs_spin.setSpecialValueText(f"Automatic ({automatic_jobs()}–{MAX_JOBS})")
        self.jobs_spin.setToolTip(
            "The most songs that download at once. Automatic: as many as this computer's cores can tag "
            f"({automatic_jobs()}), up to {MAX_JOBS} when the downloads wait on a distant server."
        )
        self.jobs_spin.setValue(max(AUTOMATIC_JOBS, min(MAX_JOBS, int(settings.jobs))))
        form.addRow(buddy_label("&Parallel downloads:", self.jobs_spin), _row(self.jobs_spin, stretch=True))

        self.template_edit = QLineEdit(settings.filename_template)
        self.template_edit.setObjectName("templateEdit")
        self.template_edit.setToolTip("Fields: " + ", ".join("{" + name + "}" for name in TEMPLATE_FIELDS))
        self.template_edit.textChanged.connect(self._update_template_example)
        form.addRow("File &names:", self.template_edit)

        self.template_example = MessageLabel()
        self.template_example.setObjectName("templateExample")
        form.addRow("", self.template_example)
        return group

    def _build_tags_group(self, settings: Settings) -> QGroupBox:
        group = QGroupBox("Tags")
        form = _form(group)

        self.id3_version_combo = QComboBox()
        self.id3_version_combo.setObjectName("id3VersionCombo")
        for label, version in ID3_VERSIONS:
            self.id3_version_combo.addItem(label, version)
        _select_data(self.id3_version_combo, 4 if settings.id3_version == 4 else 3)
        form.addRow(buddy_label("&ID3 version:", self.id3_version_combo), _row(self.id3_version_combo, stretch=True))

        self.artist_edit = QLineEdit(settings.artist)
        self.artist_edit.setObjectName("artistEdit")
        self.artist_edit.setToolTip("Written into each song's tags, and into file names with {artist}")
        self.artist_edit.textChanged.connect(self._update_template_example)
        form.addRow("&Artist:", self.artist_edit)

        self.album_edit = QLineEdit(settings.album)
        self.album_edit.setObjectName("albumEdit")
        form.addRow("Al&bum:", self.album_edit)

        self.lyrics_language_combo = QComboBox()
        self.lyrics_language_combo.setObjectName("lyricsLanguageCombo")
        for label, code in LYRICS_LANGUAGES:
            self.lyrics_language_combo.addItem(label, code)
        language = settings.lyrics_language or "auto"
        if self.lyrics_language_combo.findData(language) < 0:
            # a code set by hand in the settings file survives a round trip
            self.lyrics_language_combo.addItem(f"Other ({language})", language)
        _select_data(self.lyrics_language_combo, language)
        form.addRow(
            buddy_label("&Lyrics language:", self.lyrics_language_combo), _row(self.lyrics_language_combo, stretch=True)
        )
        return group

    def _build_new_songs_group(self, settings: Settings) -> QGroupBox:
        group = QGroupBox("New songs")
        form = _form(group)
        self.default_model_combo = QComboBox()
        self.default_model_combo.setObjectName("defaultModelCombo")
        self.default_model_combo.setEditable(True)
        self.default_model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.default_model_combo.addItems(settings.offered_models)
        self.default_model_combo.setCurrentText(settings.default_model)
        self.default_model_combo.setMinimumWidth(180)
        self.default_model_combo.setToolTip("The model the New Song dialog starts with; type a name to use another")
        form.addRow(
            buddy_label("Default &model:", self.default_model_combo), _row(self.default_model_combo, stretch=True)
        )
        return group

    # ------------------------------------------------------------------ result

    def settings(self) -> Settings:
        """A new :class:`Settings` with the edited values; everything else copied."""
        template, artist = self.template_edit.text(), self.artist_edit.text().strip()
        if self._keep_names:
            template = self._original.filename_template
            if template_uses(template, "artist"):
                artist = self._original.artist
        return dataclasses.replace(
            self._original,
            base_url=self.base_url_edit.text().strip(),
            token=self.token_edit.text().strip(),
            library=self.library_edit.text().strip(),
            download_video=self.download_video_check.isChecked(),
            jobs=self.jobs_spin.value(),
            filename_template=template,
            id3_version=int(self.id3_version_combo.currentData()),
            artist=artist,
            album=self.album_edit.text().strip(),
            lyrics_language=str(self.lyrics_language_combo.currentData()),
            default_model=self._default_model(),
            models=remembered_models(self._original.models, adding=self._default_model()),
        )

    def _default_model(self) -> str:
        return self.default_model_combo.currentText().strip() or DEFAULT_MODEL

    # ------------------------------------------------------------------ behaviour

    def test_connection(self) -> None:
        """Ask the relay on a worker; the result arrives in :meth:`_show_test_result`."""
        self._test_generation += 1
        generation = self._test_generation
        self.test_button.setEnabled(False)
        self._show_connection_result("Testing…", LabelState.MUTED)
        self._workers.submit(
            check_relay_connection,
            self.base_url_edit.text(),
            self.token_edit.text(),
            on_result=lambda outcome: self._show_test_result(generation, outcome),
        )

    def _show_test_result(self, generation: int, outcome: tuple[bool, str]) -> None:
        if generation != self._test_generation:
            return  # the URL or token changed since; this answer is about old values
        ok, sentence = outcome
        self.test_button.setEnabled(True)
        self._show_connection_result(sentence, LabelState.OK if ok else LabelState.ERROR)

    def _connection_fields_edited(self) -> None:
        """A result about other values would mislead: clear it and allow a new test."""
        self._test_generation += 1
        self.test_button.setEnabled(True)
        warning = unencrypted_warning(self.base_url_edit.text())  # said before anything is sent
        self._show_connection_result(warning or "", LabelState.ERROR if warning else LabelState.NORMAL)

    def _show_connection_result(self, text: str, state: LabelState) -> None:
        with self._height.changing():
            self.connection_result.setText(text)
            set_label_state(self.connection_result, state)
            self._relay_form.setRowVisible(self.connection_result, bool(text))

    def _show_token(self, shown: bool) -> None:
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_token_button.setText("Hide" if shown else "Show")

    def _browse_library(self) -> None:
        start = self.library_edit.text().strip() or str(default_library_dir())
        folder = QFileDialog.getExistingDirectory(self, "Choose the library folder", start)
        if folder:
            self.library_edit.setText(folder)

    def _update_template_example(self) -> None:
        self._stop_counting()  # a count of other names than these would mislead
        try:
            check_new_template(self.template_edit.text())
            stem = render_stem(self.template_edit.text(), SAMPLE_CLIP, artist=self.artist_edit.text().strip())
        except TemplateError as exc:
            self._template_valid = False
            self._show_template_note(str(exc), LabelState.ERROR)
        else:
            self._template_valid = True
            self._show_template_note(f"Example: {stem}.mp3", LabelState.NORMAL)
        self.ok_button.setEnabled(self._template_valid)

    def _show_template_note(self, text: str, state: LabelState) -> None:
        with self._height.changing():
            self.template_example.setText(text)
            set_label_state(self.template_example, state)

    # ------------------------------------------------------------------ renaming

    def accept(self) -> None:
        """OK: ask first when the new settings would rename files, else accept at once."""
        if not self._template_valid or self._counting:
            return  # an invalid template, or the count is still running
        if self._library is None or not self._names_change():
            super().accept()
            return
        self._count_generation += 1
        self._counting = True
        generation = self._count_generation
        self._count_cancel = threading.Event()
        self.ok_button.setEnabled(False)
        self._show_template_note("Counting the files the new names apply to…", LabelState.MUTED)
        self._workers.submit(
            count_renames,
            self._library,
            self.template_edit.text(),
            self.artist_edit.text().strip(),
            self._count_cancel,
            on_result=lambda count: self._counted(generation, count),
            on_error=lambda exc: self._counted(generation, None, exc),
        )

    def _names_change(self) -> bool:
        template, artist = self.template_edit.text(), self.artist_edit.text().strip()
        if template != self._original.filename_template:
            return True
        return artist != self._original.artist and template_uses(template, "artist")

    def _stop_counting(self) -> None:
        if self._counting:
            self._counting = False
            self._count_generation += 1  # its answer, if it still comes, is ignored
            self._count_cancel.set()

    def _counted(self, generation: int, count: RenameCount | None, error: BaseException | None = None) -> None:
        if generation != self._count_generation or not self.isVisible():
            return  # the names were edited since, or the dialog closed
        self._counting = False
        self._update_template_example()
        if error is not None:
            log.warning("counting the files to rename failed: %r", error)
        elif count is not None and count.clips == 0:
            super().accept()  # nothing on disk has a name that changes: nothing to ask
            return
        self._ask_rename(count)

    def _ask_rename(self, count: RenameCount | None) -> QMessageBox:
        kept = "template and artist" if template_uses(self._original.filename_template, "artist") else "template"
        if count is None:
            question, songs = "Rename the library's files now?", "Songs already in the library get new file names."
        else:
            files = "1 file" if count.files == 1 else f"{count.files:,} files"
            question = f"Rename {files} now?"
            songs = (
                f"{'1 song' if count.clips == 1 else f'{count.clips:,} songs'} already in the library get new names."
            )
        box = QMessageBox(QMessageBox.Icon.Question, "Rename Files", question, parent=self)
        box.setObjectName("renameQuestion")
        box.setInformativeText(
            f"{songs} Not Now keeps the current file-name {kept}, so no file is renamed; your other changes apply."
        )
        rename = box.addButton("&Rename", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Not Now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(rename)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _: self._answered(box.clickedButton() is rename))
        box.open()
        return box

    def _answered(self, rename: bool) -> None:
        self._keep_names = not rename
        super().accept()

    def done(self, result: int) -> None:
        # Any late test result or count must not touch a closed dialog.
        self._test_generation += 1
        self._stop_counting()
        super().done(result)


# ---------------------------------------------------------------------- helpers


def _form(group: QGroupBox) -> QFormLayout:
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return form


def _row(*widgets: QWidget, stretch: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return row


def _align_label_columns(forms: list[QFormLayout]) -> None:
    """One label width for every group, so the fields line up down the whole dialog."""
    labels = []
    for form in forms:
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                labels.append(item.widget())
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(0, index))
