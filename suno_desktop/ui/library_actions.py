"""What the user can do with the selected rows' files: copy them, export them, remove them.

File policy lives here: removing moves files to the trash, and deletes them only
after asking, on a system that has no trash.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFile, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from ..library.export import export_clips
from ..library.store import Library
from ..model import ClipRecord
from ..settings import Settings
from .clip_rows import is_placeholder_row, is_submission_row, is_task_row
from .clip_table_model import ClipTableModel
from .clip_table_view import ClipTableView
from .export_dialog import ExportDialog
from .workers import WorkerPool


class LibraryActions(QObject):
    """Copy, Export and Remove for the table's selection; dialogs open over *window*."""

    message = Signal(str)  # a sentence for the status bar
    error = Signal(str)  # a sentence the user must not miss

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
        forget: Callable[[list[ClipRecord]], None],
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
            include_cover=dialog.cover_check.isChecked(),
            include_video=dialog.video_check.isChecked(),
            on_result=lambda report: self.message.emit(f"{report.summary()} Folder: {folder}"),
            on_error=lambda exc: self.error.emit(f"Export failed: {exc}"),
        )

    # ------------------------------------------------------------------ remove

    def remove_selected(self) -> QMessageBox | None:
        """Ask first: removing takes the rows out of the library and their files to the trash."""
        records = self.table.selected_records()
        if not records:
            return None
        names = ", ".join(f"“{r.title or 'Untitled'}”" for r in records[:3]) + (" …" if len(records) > 3 else "")
        tasks = sum(1 for r in records if is_task_row(r))
        unconfirmed = sum(1 for r in records if is_submission_row(r))
        clips = len(records) - tasks - unconfirmed
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
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: button is remove and self.remove(records))
        box.open()
        return box

    def remove(self, records: list[ClipRecord], *, allow_delete: bool = False) -> None:
        """Trash the records' files, then forget the records; without a trash, ask before deleting."""
        not_trashed = self._move_to_trash(records)
        if not_trashed and not allow_delete:
            self._ask_to_delete(records, len(not_trashed))
            return
        for path in not_trashed:
            try:
                path.unlink()
            except OSError as exc:
                self.error.emit(f"Could not delete {path.name}: {exc.strerror}")
        removed = len(records)
        self.forget([r for r in records if is_submission_row(r)])
        records = [r for r in records if not is_submission_row(r)]
        self.library.remove_clips([r.clip_id for r in records if not is_placeholder_row(r)])
        self.library.remove_tasks([r.task_id for r in records if is_task_row(r)])
        self.model.remove_ids([r.clip_id for r in records])
        self.message.emit(f"Removed {removed} row(s) from the library.")

    def _move_to_trash(self, records: list[ClipRecord]) -> list[Path]:
        """The files that could not go to the trash (the system has none)."""
        not_trashed: list[Path] = []
        for record in records:
            for relative in (record.audio_path, record.cover_path, record.video_path):
                if not relative:
                    continue
                path = self.library.root / relative
                if not path.exists():
                    continue
                self.release(path)
                if not QFile.moveToTrash(str(path)):
                    not_trashed.append(path)
        return not_trashed

    def _ask_to_delete(self, records: list[ClipRecord], files: int) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "No trash available",
            f"This system has no trash for {files} file(s). Delete them permanently?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setObjectName("deleteDialog")
        delete = box.addButton("Delete permanently", QMessageBox.ButtonRole.DestructiveRole)
        box.buttonClicked.connect(lambda button: button is delete and self.remove(records, allow_delete=True))
        box.open()
