"""The "Add tasks" dialog: paste anything that holds task ids and see what was found.

People copy ids from wherever they have them (a chat log, the relay's JSON, a URL),
so the dialog accepts any layout and shows a live count instead of demanding one
id per line. Ids already in the library are noted and left out of the result.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..relay.task_ids import extract_task_ids, normalise_task_id

EXPLANATION = (
    "Paste task ids in any layout: one per line, separated by commas or spaces, "
    "URLs, or whole JSON responses from the relay."
)
PLACEHOLDER = (
    "4f1c2a9e-3b7d-4c2e-9a61-0d5e8f7b2c13\n"
    "https://relay.example.com/suno/fetch/8a0b6c1d-…\n"
    '{"code": "success", "data": {"task_id": "…"}}'
)


def count_sentence(found: int, known: int) -> str:
    """ "3 distinct task ids found (1 already in the library)" and its variants."""
    if found == 0:
        return "No task ids found yet"
    head = "1 task id found" if found == 1 else f"{found} distinct task ids found"
    if known == 0:
        return head
    if known == found:
        return f"{head} ({'already' if found == 1 else 'all already'} in the library)"
    return f"{head} ({known} already in the library)"


class AddTasksDialog(QDialog):
    """Collects new task ids; :meth:`task_ids` returns those not already known."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        initial_text: str = "",
        known_ids: Iterable[str] = frozenset(),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add tasks")
        self.setMinimumSize(520, 340)
        self._known = {normalise_task_id(task_id) for task_id in known_ids}
        self._found: list[str] = []
        self._new: list[str] = []

        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)

        self.edit = QPlainTextEdit()
        self.edit.setObjectName("taskIdsEdit")
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setTabChangesFocus(True)
        explanation.setBuddy(self.edit)

        self.count_label = QLabel()
        self.count_label.setObjectName("taskIdsCount")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttonBox")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Enter inserts a line break in the text box; Ctrl+Enter adds the tasks.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self._accept_if_ready)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)

        self.edit.textChanged.connect(self._update)
        self.edit.setPlainText(initial_text)
        self._update()
        self.edit.setFocus()

    def task_ids(self) -> list[str]:
        """The distinct ids found that are not already in the library, in pasted order."""
        return list(self._new)

    def _update(self) -> None:
        self._found = extract_task_ids(self.edit.toPlainText())
        self._new = [task_id for task_id in self._found if task_id not in self._known]
        known = len(self._found) - len(self._new)
        self.count_label.setText(count_sentence(len(self._found), known))
        count = len(self._new)
        self.ok_button.setEnabled(count > 0)
        self.ok_button.setText("Add tasks" if count == 0 else "Add 1 task" if count == 1 else f"Add {count} tasks")

    def _accept_if_ready(self) -> None:
        if self.ok_button.isEnabled():
            self.accept()
