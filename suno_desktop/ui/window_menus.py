"""The window's toolbar and menus, and the table's context menu: which actions go where."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMenuBar, QSizePolicy, QSplitter, QToolBar, QWidget

from .clip_table import ClipTable
from .group_takes_action import GroupTakesAction
from .main_toolbar import AdaptiveToolBar
from .new_song_actions import NewSongActions
from .playback_actions import PlaybackActions
from .playlist_actions import PlaylistActions
from .rating_actions import RatingActions
from .table_columns import columns_menu
from .theme import ColorScheme
from .window_actions import WindowActions


def build_toolbar(commands: WindowActions, new_song: QAction, search: QWidget) -> QToolBar:
    """The toolbar: the main actions, then the search (the box with its "?")."""
    toolbar = AdaptiveToolBar("Main")  # its buttons lose their words before the search box is squeezed
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(20, 20))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (new_song, commands.add_action, commands.sync_action, commands.export_action, commands.remove_action):
        toolbar.addAction(action)
    toolbar.addSeparator()
    toolbar.addAction(commands.settings_action)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    toolbar.addWidget(search)
    return toolbar


def build_menus(
    bar: QMenuBar, commands: WindowActions, playback: PlaybackActions, new_song: QAction, table: ClipTable
) -> QActionGroup:
    """The menu bar; returns the Appearance choices (one checked at a time, each's data a ColorScheme value)."""
    file_menu = bar.addMenu("&File")
    for action in (
        new_song,
        commands.add_action,
        commands.sync_action,
        commands.refresh_all_action,
        commands.refresh_action,
        commands.export_action,
    ):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(commands.rebuild_action)
    file_menu.addSeparator()
    file_menu.addAction(commands.quit_action)
    edit_menu = bar.addMenu("&Edit")
    for action in (commands.copy_action, commands.remove_action, commands.select_all_action, commands.find_action):
        edit_menu.addAction(action)
    edit_menu.addSeparator()
    edit_menu.addAction(commands.settings_action)
    view_menu = bar.addMenu("&View")
    theme_menu = view_menu.addMenu("Appearance")
    theme_group = QActionGroup(bar)
    for label, scheme in (
        ("Follow the System", ColorScheme.SYSTEM),
        ("Light", ColorScheme.LIGHT),
        ("Dark", ColorScheme.DARK),
    ):
        action = theme_menu.addAction(label)
        action.setCheckable(True)
        action.setData(scheme.value)  # a QVariant holds the string
        action.setObjectName(f"theme_{scheme.value}")
        theme_group.addAction(action)
    view_menu.addMenu(columns_menu(table.view, bar))
    view_menu.addAction(GroupTakesAction(table, bar).action)
    build_playback_menu(playback, bar.addMenu("&Playback"))
    bar.addMenu("&Help").addAction(commands.about_action)
    return theme_group


def build_playback_menu(playback: PlaybackActions, menu: QMenu) -> None:
    """Play/Pause (Space), Stop, Previous, Next; Shuffle and the three Repeat choices."""
    menu.addActions([playback.play_action, playback.stop_action, playback.previous_action, playback.next_action])
    menu.addSeparator()
    menu.addAction(playback.shuffle_action)
    repeat = menu.addMenu("Repeat")
    repeat.setObjectName("repeatMenu")
    repeat.addActions(playback.repeat_group.actions())


def add_playlist_menus(bar: QMenuBar, playlists: PlaylistActions, splitter: QSplitter) -> QAction:
    """The playlist commands in File and Edit, and View → Sidebar; returns the sidebar's toggle."""
    menus = {menu.title(): menu for menu in (action.menu() for action in bar.actions()) if menu is not None}
    file_menu, edit_menu, view_menu = menus["&File"], menus["&Edit"], menus["&View"]
    before = next(a for a in file_menu.actions() if a.isSeparator())  # after the song commands
    file_menu.insertSeparator(before)
    for action in (
        playlists.new_action,
        playlists.save_search_action,
        playlists.import_action,
        playlists.export_action,
        playlists.export_songs_action,
    ):
        file_menu.insertAction(before, action)
    edit_actions = edit_menu.actions()
    edit_menu.insertActions(edit_actions[0], [playlists.undo_action, playlists.redo_action])
    edit_menu.insertSeparator(edit_actions[0])
    remove_from_library = next(a for a in edit_actions if a.objectName() == "removeAction")
    edit_menu.insertAction(remove_from_library, playlists.remove_action)
    sidebar = splitter.widget(0)
    toggle = QAction("Sidebar", view_menu)
    toggle.setObjectName("sidebarAction")
    toggle.setCheckable(True)
    toggle.setShortcut("Ctrl+Alt+S")
    view_menu.insertAction(view_menu.actions()[0], toggle)
    view_menu.aboutToShow.connect(lambda: toggle.setChecked(sidebar.isVisible() and splitter.sizes()[0] > 0))
    toggle.triggered.connect(lambda: toggle.setChecked(_toggle_sidebar(splitter)))
    return toggle


def _toggle_sidebar(splitter: QSplitter) -> bool:
    """Collapse the sidebar, or open it again when collapsed; whether it is shown now."""
    sizes = splitter.sizes()
    splitter.widget(0).setVisible(True)
    if sizes[0] == 0:
        splitter.setSizes([190, max(200, sizes[1] - 190), sizes[2]])
        return True
    splitter.setSizes([0, sizes[0] + sizes[1], sizes[2]])
    return False


class TableMenu(QObject):
    """Right-click on the table: what can be done with the rows under the mouse."""

    def __init__(
        self,
        table: ClipTable,
        commands: WindowActions,
        playback: PlaybackActions,
        new_song: NewSongActions,
        rating: RatingActions | None = None,
    ) -> None:
        super().__init__(table.view)
        self.table, self.commands, self.playback, self.new_song = table, commands, playback, new_song
        self.rating = rating
        self.playlists: PlaylistActions | None = None  # Add to Playlist ▸, Remove from Playlist
        table.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.view.customContextMenuRequested.connect(self.show_at)

    def show_at(self, position: QPoint) -> QMenu | None:
        table, commands = self.table.view, self.commands
        index = table.indexAt(position)
        if index.isValid() and not table.selectionModel().isRowSelected(index.row()):
            table.selectRow(index.row())
        rows = table.selected_rows()
        if not rows:
            return None
        menu = QMenu(table.window())
        menu.setObjectName("tableMenu")
        if all(row.is_submission for row in rows):
            menu.addActions(self.new_song.menu_actions(rows))  # Create Again…, Forget (which is Remove)
        elif all(row.is_task for row in rows):
            menu.addAction(commands.retry_action)
            menu.addActions(self.new_song.task_actions(rows))  # Edit and Create Again…
        else:
            show_in_folder = commands.show_in_folder_action
            clips = [row.record for row in rows if row.record is not None]
            show_in_folder.setEnabled(any(r.audio_path or r.cover_path or r.video_path for r in clips))
            play = self.playback.prepare_for(rows)
            menu.addActions([play, show_in_folder, commands.copy_action, commands.export_action])
            menu.addAction(commands.refresh_action)
            if self.rating is not None and clips:
                menu.addMenu(self.rating.menu(menu))
            if self.playlists is not None and clips:
                self.playlists.add_menu(menu, [record.clip_id for record in clips])
            menu.addSeparator()
            menu.addActions(self.new_song.menu_actions(rows))
        if not all(row.is_submission for row in rows):
            menu.addSeparator()
            if self.playlists is not None and self.playlists.remove_action.isEnabled():
                menu.addAction(self.playlists.remove_action)
            menu.addAction(commands.remove_action)
        menu.popup(table.viewport().mapToGlobal(position))
        return menu
