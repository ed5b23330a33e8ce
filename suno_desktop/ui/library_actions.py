"""What the user can do with the selected rows' files: copy them, export them, remove them.

File policy lives here: removing moves files to the trash, and deletes them only
after asking, on a system that has no trash.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QFile, QObject, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from .. import APP_NAME
from ..errors import sentence_of
from ..library.export import export_clips
from ..library.store import Library
from ..library.tagged_files import TaggedFile, tagged_files
from ..model import ClipRecord
from ..settings import Settings
from .clip_table_model import ClipTableModel
from .clip_table_view import ClipTableView
from .export_dialog import ExportDialog
from .table_rows import TableRow
from .workers import WorkerPool


class LibraryActions(QObject):
    """Copy, Export and Remove for the table's selection; dialogs open over *window*."""

    message = Signal(str)  # a sentence for the status bar
    error = Signal(str)  # a sentence the user must not miss
    tasks_found = Signal(list)  # Rebuild from Files: the task ids of the folder's tagged songs, to sync

    def __init__(
        self,
        library: Library,
        settings: Settings,
        model: ClipTableModel,
        table: ClipTableView,
        workers: WorkerPool,
        *,
        release: Callable[[Path], None],
        remembered: Callable[[], QSettings],
        forget: Callable[[list[TableRow]], None],
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.library = library
        self.settings = settings
        self.model = model
        self.table = table
        self.workers = workers
        self.release = release  # players let go of a file before it goes to the trash
        self.remembered = remembered  # where the last export went
        self.forget = forget  # removing an unconfirmed submission's row forgets it
        self.window = window

    def configure(self, settings: Settings) -> None:
        self.settings = settings

    # ------------------------------------------------------------------ rebuild from files

    def rebuild_from_files(self) -> None:
        """Find every song the app tagged in the folder (on a worker); their tasks are synced and the files adopted."""
        self.message.emit(f"Looking for songs in {self.library.root}…")
        self.workers.submit(
            tagged_files,
            self.library.root,
            on_result=self._files_found,
            on_error=lambda exc: self.error.emit(f"The library folder could not be read: {sentence_of(exc)}"),
        )

    def _files_found(self, files: list[TaggedFile]) -> None:
        task_ids = list(dict.fromkeys(f.task_id for f in files if f.task_id))
        songs = len({f.clip_id for f in files})
        if not task_ids:
            self.message.emit(f"No songs of {APP_NAME} were found in {self.library.root}.")
            return
        self.message.emit(
            f"Found {songs} song(s) of {len(task_ids)} task(s) in the folder; "
            "fetching them from the relay to restore the library (the files stay where they are)."
        )
        self.tasks_found.emit(task_ids)

    # ------------------------------------------------------------------ copy and export

    def copy_selected(self) -> None:
        rows = self.table.selected_source_rows()
        mime = self.model.mimeData([self.model.index(row, 0) for row in rows])
        if not mime.urls():
            self.message.emit("None of the selected clips has an MP3 on disk yet.")
            return
        QGuiApplication.clipboard().setMimeData(mime)
        self.message.emit(f"Copied {len(mime.urls())} file(s) to the clipboard.")

    def export_selected(self) -> ExportDialog | None:
        records = [r for r in self.table.selected_records() if r.audio_path]
        if not records:
            self.message.emit("Select songs that are downloaded to export them.")
            return None
        state = self.remembered()
        dialog = ExportDialog(len(records), state.value("export/folder", ""), self.window)
        dialog.setObjectName("exportDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._export(records, dialog, state))
        dialog.open()
        return dialog

    def _export(self, records: list[ClipRecord], dialog: ExportDialog, state: QSettings) -> None:
        folder = dialog.folder()
        state.setValue("export/folder", str(folder))
        self.message.emit(f"Exporting {len(records)} song(s) to {folder}…")
        self.workers.submit(
            export_clips,
            self.library,
            records,
            folder,
            template=self.settings.filename_template,
            artist=self.settings.artist,
            include_cover=dialog.cover_check.isChecked(),
            include_video=dialog.video_check.isChecked(),
            on_result=lambda report: self.message.emit(f"{report.summary()} Folder: {folder}"),
            on_error=lambda exc: self.error.emit(f"Export failed: {exc}"),
        )

    # ------------------------------------------------------------------ show in folder

    def show_in_folder(self, records: list[ClipRecord]) -> bool:
        """Open the folder of the first record's files in the file manager; say so when none opens."""
        relative = next((r.audio_path or r.cover_path or r.video_path for r in records), None)
        folder = (self.library.root / relative).parent if relative else self.library.root
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            return True
        self.message.emit(f"No file manager could be opened here. The files are in {folder}")
        return False

    # ------------------------------------------------------------------ remove

    def remove_selected(self) -> QMessageBox | None:
        """Ask first: removing takes the rows out of the library and their files to the trash."""
        rows = self.table.selected_rows()
        if not rows:
            return None
        names = ", ".join(f"“{r.title or 'Untitled'}”" for r in rows[:3]) + (" …" if len(rows) > 3 else "")
        tasks = sum(1 for r in rows if r.is_task)
        unconfirmed = sum(1 for r in rows if r.is_submission)
        clips = len(rows) - tasks - unconfirmed
        counts = ((clips, f"{clips} clip(s)"), (tasks, f"{tasks} task(s)"), (unconfirmed, f"{unconfirmed} request(s)"))
        what = " and ".join(text for count, text in counts if count)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove from library",
            f"Remove {what} from the library? {names}\n\n"
            "Files will be moved to the trash, and a later sync will not bring them back.",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("removeDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the window is active again once it is answered
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: button is remove and self.remove(rows))
        box.open()
        return box

    def remove(self, rows: list[TableRow], *, allow_delete: bool = False) -> None:
        """Trash the records' files, then forget the records; without a trash, ask before deleting.

        The players let go of the files here; the trashing and the database run on a
        worker (a thousand clips are three thousand file moves), and the rows leave the
        table once the library has forgotten them.
        """
        paths = [self.library.root / relative for relative in _relative_files(rows)]
        for path in paths:
            self.release(path)
        self.workers.submit(
            _remove_files_and_rows,
            self.library,
            rows,
            paths,
            allow_delete,
            on_result=lambda outcome: self._removed(rows, outcome),
            on_error=lambda exc: self.error.emit(f"Could not remove the selection: {exc}"),
        )

    def _removed(self, rows: list[TableRow], outcome: _RemoveOutcome) -> None:
        for sentence in outcome.errors:
            self.error.emit(sentence)
        waiting = [r for r in rows if r.row_id in outcome.waiting]
        done = [r for r in rows if r.row_id not in outcome.waiting]
        if done:
            self.forget([r for r in done if r.is_submission])
            self.model.remove_ids([r.row_id for r in done if not r.is_submission])
            self.message.emit(f"Removed {len(done)} row(s) from the library.")
        if waiting:
            self._ask_to_delete(waiting, outcome.not_trashed)

    def _ask_to_delete(self, rows: list[TableRow], files: int) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "No trash available",
            f"This system has no trash for {files} file(s). Delete them permanently?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("deleteDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        delete = box.addButton("Delete permanently", QMessageBox.ButtonRole.DestructiveRole)
        box.buttonClicked.connect(lambda button: button is delete and self.remove(rows, allow_delete=True))
        box.open()


class _RemoveOutcome(NamedTuple):
    not_trashed: int = 0  # files the system had no trash for: the user is asked about them
    waiting: frozenset[str] = frozenset()  # clips kept, with those files, until the user says yes
    errors: tuple[str, ...] = ()  # files that could not be deleted after the user said yes


def _relative_files(rows: list[TableRow]) -> list[str]:
    """The files of the rows' clips (a task's or a submission's row has none)."""
    clips = (row.record for row in rows if row.record is not None)
    return [relative for r in clips for relative in (r.audio_path, r.cover_path, r.video_path) if relative]


def _remove_files_and_rows(
    library: Library, rows: list[TableRow], paths: list[Path], allow_delete: bool
) -> _RemoveOutcome:
    """On a worker: the files to the trash (or, when allowed, deleted), then the rows out of the library.

    A clip with a file the system has no trash for keeps its row until the user says
    to delete it; the clips whose files all went to the trash leave at once, so that
    no row is left pointing at a file in the trash.
    """
    not_trashed = [path for path in paths if path.exists() and not QFile.moveToTrash(str(path))]
    if not_trashed and not allow_delete:
        stuck = set(not_trashed)
        waiting = frozenset(
            r.row_id for r in rows if any(library.root / relative in stuck for relative in _relative_files([r]))
        )
        _forget_rows(library, [r for r in rows if r.row_id not in waiting])
        return _RemoveOutcome(not_trashed=len(not_trashed), waiting=waiting)
    errors = []
    for path in not_trashed:
        try:
            path.unlink()
        except OSError as exc:
            errors.append(f"Could not delete {path.name}: {exc.strerror}")
    _forget_rows(library, rows)
    return _RemoveOutcome(errors=tuple(errors))


def _forget_rows(library: Library, rows: list[TableRow]) -> None:
    """Clips and tasks leave the library; submissions are the journal's (forget)."""
    library.remove_clips([r.row_id for r in rows if r.record is not None])
    library.remove_tasks([r.task_id for r in rows if r.is_task])
