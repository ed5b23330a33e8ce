"""The window's toolbar and menus, and the table's context menu: which actions go where."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLineEdit, QMenu, QSizePolicy, QWidget

from .. import APP_NAME
from .clip_rows import is_submission_row, is_task_row
from .main_toolbar import AdaptiveToolBar, SearchBox
from .table_columns import columns_menu
from .theme import ColorScheme
from .window_actions import can_play, play_label

if TYPE_CHECKING:
    from .main_window import MainWindow


def build_toolbar(window: MainWindow) -> QLineEdit:
    """The toolbar: the main actions, then the search box (returned)."""
    toolbar = AdaptiveToolBar("Main")  # its buttons lose their words before the search box is squeezed
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setIconSize(QSize(20, 20))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (
        window.new_song.new_song_action,
        window.add_action,
        window.sync_action,
        window.export_action,
        window.remove_action,
    ):
        toolbar.addAction(action)
    toolbar.addSeparator()
    toolbar.addAction(window.settings_action)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    toolbar.addWidget(spacer)
    search = SearchBox()
    search.setPlaceholderText("Search titles, tags and lyrics (Ctrl+F)")
    toolbar.addWidget(search)
    window.addToolBar(toolbar)
    return search


def build_menus(window: MainWindow) -> QActionGroup:
    """The menu bar; returns the Appearance choices (one checked at a time)."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for action in (
        window.new_song.new_song_action,
        window.add_action,
        window.sync_action,
        window.refresh_all_action,
        window.refresh_action,
        window.export_action,
    ):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(window.rebuild_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    edit_menu = bar.addMenu("&Edit")
    for action in (window.copy_action, window.remove_action, window.select_all_action, window.find_action):
        edit_menu.addAction(action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.settings_action)
    view_menu = bar.addMenu("&View")
    theme_menu = view_menu.addMenu("Appearance")
    theme_group = QActionGroup(window)
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
    theme_group.triggered.connect(lambda action: window.set_color_scheme(ColorScheme(action.data())))
    view_menu.addMenu(columns_menu(window.table, window))
    build_playback_menu(window, bar.addMenu("&Playback"))
    help_menu = bar.addMenu("&Help")
    about = QAction(f"About {APP_NAME}", window)
    about.triggered.connect(window.about)
    help_menu.addAction(about)
    return theme_group


def build_playback_menu(window: MainWindow, menu: QMenu) -> None:
    """Play/Pause (Space), Stop, Previous, Next; Shuffle and the three Repeat choices."""
    menu.addActions([window.play_action, window.stop_action, window.previous_action, window.next_action])
    menu.addSeparator()
    menu.addAction(window.shuffle_action)
    repeat = menu.addMenu("Repeat")
    repeat.setObjectName("repeatMenu")
    repeat.addActions(window.repeat_group.actions())


def show_table_menu(window: MainWindow, position) -> None:
    """Right-click: what can be done with the rows under the mouse."""
    table = window.table
    index = table.indexAt(position)
    if index.isValid() and not table.selectionModel().isRowSelected(index.row()):
        table.selectRow(index.row())
    records = table.selected_records()
    if not records:
        return
    menu = QMenu(window)
    menu.setObjectName("tableMenu")
    if all(is_submission_row(record) for record in records):
        menu.addActions(window.new_song.menu_actions(records))  # Create Again…, Forget (which is Remove)
    elif all(is_task_row(record) for record in records):
        menu.addAction(window.retry_action)
        menu.addActions(window.new_song.task_actions(records))  # Edit and Create Again…
    else:
        play = window.play_selected_action
        play.setText(play_label(window, records[0].clip_id))
        play.setEnabled(len(records) == 1 and can_play(window, records[0]))
        window.show_in_folder_action.setEnabled(any(r.audio_path or r.cover_path or r.video_path for r in records))
        menu.addActions([play, window.show_in_folder_action, window.copy_action, window.export_action])
        menu.addAction(window.refresh_action)
        menu.addSeparator()
        menu.addActions(window.new_song.menu_actions(records))
    if not all(is_submission_row(record) for record in records):
        menu.addSeparator()
        menu.addAction(window.remove_action)
    menu.popup(table.viewport().mapToGlobal(position))
