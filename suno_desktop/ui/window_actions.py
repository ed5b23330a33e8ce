"""The window's commands as actions: text, icon, shortcut and tooltip in one place."""

from __future__ import annotations

import functools

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from .. import APP_NAME
from .clip_table import ClipTable
from .icons import standard_icon
from .library_actions import LibraryActions


def make_action(
    owner: QWidget, text: str, icon: str | None, shortcut, slot=None, *, tip: str = "", name: str = ""
) -> QAction:
    """One command: its tooltip names its shortcut, and *owner* (the window) holds it so the shortcut works anywhere.

    Without a *slot*, whoever the command belongs to connects its ``triggered``.
    """
    action = QAction(text, owner)
    if icon:
        action.setIcon(standard_icon(icon))
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    label = tip or text.replace("…", "")
    if shortcut is not None:
        label += f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(label if shortcut is not None else (tip or text))
    if slot is not None:
        action.triggered.connect(slot)
    if name:
        action.setObjectName(name)
    owner.addAction(action)
    return action


class WindowActions:
    """Every command of the window but playback and New Song, for the menus, the toolbar and the keys.

    Commands on files act on *files*, those on the table on *table*; the window's
    own commands (Add Tasks, Sync Now, Settings, Quit, the refreshes, About) have
    no slot here: the window connects them, so nothing here needs the window.
    """

    def __init__(self, owner: QWidget, files: LibraryActions, table: ClipTable) -> None:
        self.table = table
        action = functools.partial(make_action, owner)
        self.add_action = action("Add Tasks…", "list-add", "Ctrl+N", tip="Add task ids", name="addTasksAction")
        self.sync_action = action("Sync Now", "view-refresh", "F5", name="syncAction")
        self.export_action = action(
            "Export…",
            "document-save-as",
            "Ctrl+E",
            files.export_selected,
            tip="Export selected songs",
            name="exportAction",
        )
        self.remove_action = action(
            "Remove from Library",
            "edit-delete",
            QKeySequence.StandardKey.Delete,
            files.remove_selected,
            tip="Remove selected",
            name="removeAction",
        )
        self.copy_action = action(
            "Copy Files", "edit-copy", QKeySequence.StandardKey.Copy, files.copy_selected, name="copyAction"
        )
        self.settings_action = action("Settings…", "preferences-system", "Ctrl+,", name="settingsAction")
        self.quit_action = action("Quit", "application-exit", QKeySequence.StandardKey.Quit, name="quitAction")
        self.find_action = action(
            "Find", None, QKeySequence.StandardKey.Find, lambda: table.search.setFocus(), name="findAction"
        )
        self.select_all_action = action(
            "Select All", None, QKeySequence.StandardKey.SelectAll, table.view.selectAll, name="selectAllAction"
        )
        self.show_in_folder_action = action(
            "Show in Folder",
            "folder-open",
            None,
            lambda: files.show_in_folder(table.view.selected_records()),
            name="showInFolderAction",
        )
        self._build_relay_actions(action, files)
        self.about_action = action(f"About {APP_NAME}", None, None, name="aboutAction")

    def _build_relay_actions(self, action, files: LibraryActions) -> None:
        """Fetching tasks again: the selected ones, every one, and restoring the library from its files."""
        self.refresh_action = action("Refresh Selected from Relay", None, "Shift+F5", name="refreshAction")
        self.refresh_all_action = action(
            "Refresh from Relay",
            None,
            "Ctrl+F5",
            tip="Fetch every task again, finished ones too",
            name="refreshAllAction",
        )
        self.rebuild_action = action(
            "Rebuild Library from Files…",
            None,
            None,
            files.rebuild_from_files,
            tip="Find every song of this app in the library folder by its tags and restore it from the relay",
            name="rebuildAction",
        )
        self.retry_action = action("Retry", None, None, tip="Fetch the selected tasks again now", name="retryAction")

    def update_for_selection(self, has_relay: bool) -> None:
        """What cannot work for the selection is off: nothing selected, no relay, a lyrics-only row's missing files."""
        selected = self.table.view.selectionModel().hasSelection()  # not selectedRows(): 50,000 indexes after Ctrl+A
        for action in (self.export_action, self.remove_action, self.copy_action):
            action.setEnabled(selected)
        self.refresh_action.setEnabled(selected and has_relay)
        self.retry_action.setEnabled(selected and has_relay)
        self.refresh_all_action.setEnabled(has_relay)
        if selected:
            self._update_row_actions()

    def _update_row_actions(self) -> None:
        """A lyrics-only row has no file to export or copy, nothing to refresh.

        Looks at the selection until it meets a song, so 50,000 selected songs cost one row.
        """
        proxy, model = self.table.proxy, self.table.model
        lyrics_only = True  # every row seen is a LYRICS task's text: nothing to ask the relay again
        for selected in self.table.view.selectionModel().selection():
            for row in range(selected.top(), selected.bottom() + 1):
                item = model.row(proxy.source_row(row))
                if item.can_export:
                    return
                lyrics_only = lyrics_only and item.is_lyrics
        for action in (self.export_action, self.copy_action):
            action.setEnabled(False)
        if lyrics_only:
            self.refresh_action.setEnabled(False)
