"""The window's commands as actions: text, icon, shortcut and tooltip in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from .icons import standard_icon

if TYPE_CHECKING:
    from .main_window import MainWindow


def make_action(
    window: MainWindow, text: str, icon: str | None, shortcut, slot, *, tip: str = "", name: str = ""
) -> QAction:
    """One command: its tooltip names its shortcut, and the window owns it so the shortcut works anywhere."""
    action = QAction(text, window)
    if icon:
        action.setIcon(standard_icon(icon))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    label = tip or text.replace("…", "")
    if shortcut is not None:
        label += f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(label if shortcut is not None else (tip or text))
    action.triggered.connect(slot)
    if name:
        action.setObjectName(name)
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> None:
    """Every command of the window as a QAction with its shortcut, for the menus, the toolbar and the keys."""
    window.add_action = make_action(
        window, "Add Tasks…", "list-add", "Ctrl+N", window.add_tasks, tip="Add task ids", name="addTasksAction"
    )
    window.sync_action = make_action(window, "Sync Now", "view-refresh", "F5", window.sync_now, name="syncAction")
    files = window.library_actions
    window.export_action = make_action(
        window,
        "Export…",
        "document-save-as",
        "Ctrl+E",
        files.export_selected,
        tip="Export selected songs",
        name="exportAction",
    )
    window.remove_action = make_action(
        window,
        "Remove from Library",
        "edit-delete",
        QKeySequence.StandardKey.Delete,
        files.remove_selected,
        tip="Remove selected",
        name="removeAction",
    )
    window.copy_action = make_action(
        window, "Copy Files", "edit-copy", QKeySequence.StandardKey.Copy, files.copy_selected, name="copyAction"
    )
    window.settings_action = make_action(
        window, "Settings…", "preferences-system", "Ctrl+,", window.open_settings, name="settingsAction"
    )
    window.quit_action = make_action(
        window, "Quit", "application-exit", QKeySequence.StandardKey.Quit, window.close, name="quitAction"
    )
    window.find_action = make_action(
        window, "Find", None, QKeySequence.StandardKey.Find, lambda: window.search.setFocus(), name="findAction"
    )
    queue = window.play_queue
    window.play_action = make_action(
        window, "Play/Pause", "media-playback-start", None, queue.play_pause, name="playAction"
    )
    window.next_action = make_action(window, "Next", None, "Ctrl+Right", lambda: queue.play_next(1), name="nextAction")
    window.previous_action = make_action(
        window, "Previous", None, "Ctrl+Left", lambda: queue.play_next(-1), name="previousAction"
    )
    window.refresh_action = make_action(
        window, "Refresh Selected from Relay", None, "Shift+F5", window.refresh_selected, name="refreshAction"
    )
    window.refresh_all_action = make_action(
        window,
        "Refresh from Relay",
        None,
        "Ctrl+F5",
        window.refresh_all,
        tip="Fetch every task again, finished ones too",
        name="refreshAllAction",
    )
    window.retry_action = make_action(
        window,
        "Retry",
        None,
        None,
        window.refresh_selected,
        tip="Fetch the selected tasks again now",
        name="retryAction",
    )
    window.space = QShortcut(QKeySequence(Qt.Key.Key_Space), window)
    window.space.setContext(Qt.ShortcutContext.WindowShortcut)
    window.space.activated.connect(queue.play_pause)
    window.play_action.setToolTip("Play/Pause (Space)")
