"""Export…: where to copy the selected songs, and whether covers and videos go along."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ExportDialog(QDialog):
    def __init__(self, count: int, folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(480)
        intro = QLabel(
            f"Copy {count} tagged MP3 file{'s' if count != 1 else ''} into a folder. "
            "Files already there are never overwritten."
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setObjectName("exportFolderEdit")
        self.folder_edit.setPlaceholderText("Choose a folder…")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.cover_check = QCheckBox("Include cover images")
        self.cover_check.setObjectName("exportCoverCheck")
        self.video_check = QCheckBox("Include videos (MP4)")
        self.video_check.setObjectName("exportVideoCheck")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("exportButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.folder_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.cover_check)
        layout.addWidget(self.video_check)
        layout.addWidget(self.buttons)
        self._update()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.folder_edit.text().strip()))

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip()).expanduser()
