"""Steps the window tests share: add tasks through the dialog like a person, wait for every clip to be ready."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

from suno_desktop.model import ClipState

WAIT = 20_000  # ms: a wide margin for what must end in a few seconds


def all_ready(window, count):
    """The table holds exactly *count* clips and every one is ready."""
    model = window.model
    return model.rowCount() == count and all(model.row(r).state == ClipState.READY for r in range(count))


def add_through_dialog(qtbot, window, text):
    """Open Add Tasks with Ctrl+N, paste *text*, press OK and wait for the dialog to close."""
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "taskIdsEdit") is not None)
    edit = window.findChild(QPlainTextEdit, "taskIdsEdit")
    edit.setPlainText(text)
    box = window.findChild(QDialogButtonBox, "buttonBox")
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "taskIdsEdit") is None)
    window.activateWindow()
    qtbot.waitActive(window)


def synced_window(qtbot, make_window, relay, tasks=2, **kwargs):
    """A window whose library holds *tasks* synced tasks of two clips each, added through the dialog."""
    ids = [relay.add_music_task(title=f"Song {n}", tags=f"style{n} rock", clips=2) for n in range(tasks)]
    window = make_window(**kwargs)
    add_through_dialog(qtbot, window, "\n".join(ids))
    qtbot.waitUntil(lambda: all_ready(window, tasks * 2), timeout=WAIT)
    return window, ids


def select_random_rows(rng, proxy, selection) -> tuple[list[int], int] | None:
    """One to three random rows selected, as clicks and Ctrl+clicks would, one of them current; None without rows."""
    count = proxy.rowCount()
    if not count:
        return None
    rows = rng.sample(range(count), k=rng.randint(1, min(3, count)))
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.clearSelection()
    for row in rows:
        selection.select(proxy.index(row, 0), flags)
    current = rng.choice(rows)
    selection.setCurrentIndex(proxy.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    return rows, current
