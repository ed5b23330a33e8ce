"""The window's commands as actions: text, icon, shortcut and tooltip in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QWidget

from ..model import ClipKind, ClipRecord
from .icons import standard_icon
from .play_order import RepeatMode
from .window_layout import window_state

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
    window.select_all_action = make_action(
        window, "Select All", None, QKeySequence.StandardKey.SelectAll, window.table.selectAll, name="selectAllAction"
    )
    window.show_in_folder_action = make_action(
        window,
        "Show in Folder",
        "folder-open",
        None,
        lambda: files.show_in_folder(window.table.selected_records()),
        name="showInFolderAction",
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
    window.rebuild_action = make_action(
        window,
        "Rebuild Library from Files…",
        None,
        None,
        window.library_actions.rebuild_from_files,
        tip="Find every song of this app in the library folder by its tags and restore it from the relay",
        name="rebuildAction",
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
    build_playback_actions(window)


def build_playback_actions(window: MainWindow) -> None:
    """Play/Pause (Space, shown in the menu), Stop, Next, Previous, Shuffle and Repeat; the last two remembered.

    Space is the action's own shortcut: a text field that has the focus takes the
    key first (Qt asks it with a ShortcutOverride), so typing a space still works.
    """
    queue = window.play_queue
    window.play_action = make_action(
        window, "Play/Pause", "media-playback-start", Qt.Key.Key_Space, queue.play_pause, name="playAction"
    )
    window.play_selected_action = make_action(
        window, "Play", "media-playback-start", None, lambda: play_or_pause_selected(window), name="playSelectedAction"
    )
    window.stop_action = make_action(window, "Stop", "media-playback-stop", "Ctrl+.", queue.stop, name="stopAction")
    window.next_action = make_action(window, "Next", None, "Ctrl+Right", lambda: queue.play_next(1), name="nextAction")
    window.previous_action = make_action(
        window, "Previous", None, "Ctrl+Left", lambda: queue.play_next(-1), name="previousAction"
    )
    state = window_state()
    window.shuffle_action = make_action(
        window, "Shuffle", None, "Ctrl+U", lambda: None, tip="Play the list in random order", name="shuffleAction"
    )
    window.shuffle_action.setCheckable(True)
    window.shuffle_action.setChecked(state.value("playback/shuffle", False, type=bool))
    queue.order.set_shuffle(window.shuffle_action.isChecked())
    window.shuffle_action.toggled.connect(lambda on: _remember_shuffle(window, on))
    window.repeat_group = QActionGroup(window)
    chosen = RepeatMode.saved(state.value("playback/repeat", RepeatMode.OFF.value))
    queue.order.repeat = chosen
    for mode in RepeatMode:
        action = QAction(mode.label, window)
        action.setCheckable(True)
        action.setChecked(mode is chosen)
        action.setData(mode.value)
        action.setObjectName(f"repeat_{mode.value}")
        window.repeat_group.addAction(action)
    window.repeat_group.triggered.connect(lambda action: _remember_repeat(window, RepeatMode(action.data())))
    window.space_for_buttons = SpaceForButtons(window)


class SpaceForButtons(QObject):
    """A focused button or list box keeps Space (it presses it, as the keyboard expects); elsewhere Space plays.

    Only the widget that has the focus is watched, so the app's other events never pass through Python here.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._watched: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None and shiboken6.isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = None
        if isinstance(new, (QAbstractButton, QComboBox)):
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()  # the widget's key, not the window's shortcut
        return False


def _remember_shuffle(window: MainWindow, on: bool) -> None:
    window.play_queue.order.set_shuffle(on)
    window_state().setValue("playback/shuffle", on)


def _remember_repeat(window: MainWindow, mode: RepeatMode) -> None:
    window.play_queue.order.repeat = mode
    window_state().setValue("playback/repeat", mode.value)


def play_or_pause_selected(window: MainWindow) -> None:
    """The context menu's Play (or Pause, on the clip that is playing) for the row under the mouse."""
    records = window.table.selected_records()
    if len(records) != 1:
        return
    player, clip_id = window.player, records[0].clip_id
    if player.current_clip_id == clip_id:
        player.toggle()
    else:
        window.play_queue.play_clip(clip_id)


def can_play(window: MainWindow, record: ClipRecord) -> bool:
    """A song whose MP3 is on disk (a lyrics-only row, a task or a song not downloaded yet cannot play)."""
    row = window.model.row_of(record.clip_id)
    return record.kind == ClipKind.MUSIC and row is not None and window.model.files_on_disk(row)[0]


def update_row_actions(window: MainWindow) -> None:
    """What cannot work for the selection is off: a lyrics-only row has no file to export or copy, nothing to refresh.

    Looks at the selection until it meets a song, so 50,000 selected songs cost one row.
    """
    if not window.export_action.isEnabled():
        return
    proxy, model = window.proxy, window.model
    kinds: set[ClipKind] = set()
    for selected in window.table.selectionModel().selection():
        for row in range(selected.top(), selected.bottom() + 1):
            kinds.add(model.record(proxy.source_row(row)).kind)
            if ClipKind.MUSIC in kinds:
                return
    for action in (window.export_action, window.copy_action):
        action.setEnabled(False)
    if kinds == {ClipKind.LYRICS}:
        window.refresh_action.setEnabled(False)


def play_label(window: MainWindow, clip_id: str) -> str:
    """ "Pause" on the clip that is playing, "Play" on any other."""
    player = window.player
    return "Pause" if player.current_clip_id == clip_id and player.is_playing else "Play"
