"""The main window: builds the parts (table, detail pane, player, sync), connects them, holds the menus."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__
from ..library.store import Library
from ..model import ClipRecord, ClipState
from ..playback.player import Player
from ..relay.task_ids import extract_task_ids
from ..settings import Settings, SettingsStore, TokenLocation
from .add_tasks_dialog import AddTasksDialog
from .clip_count_label import ClipCountLabel
from .clip_editing import ClipEditing
from .clip_filter_proxy import ClipFilterProxy
from .clip_lineage import ClipLineage
from .clip_table import ClipTable
from .clip_table_model import ClipTableModel
from .clip_table_view import ClipTableView
from .create_controller import CreateController
from .detail_pane import ClipDetailPane
from .error_reports import ErrorReports
from .folder_watch import FolderWatch
from .icons import app_icon
from .library_actions import LibraryActions
from .library_banner import LibraryBanner
from .library_loading import LibraryLoading
from .library_presence import LibraryPresence
from .main_toolbar import SearchBox
from .new_song_actions import NewSongActions
from .play_counts import PlayCounts
from .play_queue import PlayQueue
from .playback_actions import PlaybackActions
from .player_bar import PlayerBar
from .playlist_actions import PlaylistActions
from .rating_actions import RatingActions
from .search_field import SearchField
from .settings_dialog import SettingsDialog
from .settings_holder import SettingsHolder
from .source_sidebar import SourceSidebar
from .sync_controller import SyncController
from .table_empty_state import TableEmptyState
from .table_rows import TaskRow
from .theme import ColorScheme, apply_color_scheme
from .thumbnails import ThumbnailCache
from .video_view import VideoView
from .window_actions import WindowActions
from .window_layout import WindowLayout, window_state
from .window_menus import TableMenu, add_playlist_menus, build_menus, build_toolbar
from .window_status_bar import WindowStatusBar
from .workers import WorkerPool

log = logging.getLogger(__name__)

THUMB_SIZE = 40
COVER_SIZE = 520


class MainWindow(QMainWindow):
    """Wires the parts together: table, detail pane, player, sync controller, folder watch.

    What the parts do lives in them; the window builds them, connects their signals,
    keeps the status bar and menus, and remembers its layout.
    """

    def __init__(
        self,
        library: Library,
        settings: Settings,
        settings_store: SettingsStore | None,
        *,
        demo_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.settings_holder = SettingsHolder(settings, settings_store, self)  # no store in demo mode: nothing is saved
        # the app named once, last: Qt appends applicationDisplayName only to a title not ending with it
        place = library.root.name + (" (demo)" if demo_note else "")
        self.setWindowTitle(APP_NAME if place == APP_NAME else f"{place} — {APP_NAME}")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)

        self._build_services()
        self._build_table()
        self._build_side_tabs()
        self._build_central_widget()
        self._build_parts()
        self._build_actions()
        self._build_toolbar_and_menus()
        self._build_status_bar()
        self._connect_table()
        self._connect_player()
        self._connect_controller()
        self.set_color_scheme(self.saved_layout.restore())
        self.playlists.start_in_library()
        self._say_what_is_off(demo_note)
        self.presence.start()

    @property
    def settings(self) -> Settings:
        """The settings in force (:attr:`settings_holder` keeps them for the window's parts)."""
        return self.settings_holder.current

    # ------------------------------------------------------------------ building

    def _build_services(self) -> None:
        """The workers, the cover cache, the sync controller and the audio player."""
        self.io_pool = WorkerPool(2, self)
        self.thumbnails = ThumbnailCache(self.io_pool, parent=self)
        self.controller = SyncController(self.library, self.settings, self)
        self.creator = CreateController(self.library, self.settings, self.controller, self)
        self.player = Player(self)
        self.presence = LibraryPresence(self.library, self.io_pool, self)

    def _build_table(self) -> None:
        self.model = ClipTableModel(self.library, self)
        self.model.set_thumbnail_provider(self._thumbnail_for)
        self.proxy = ClipFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = ClipTableView()
        self.table.setObjectName("clipTable")
        self.table.setModel(self.proxy)
        self.table.apply_default_columns()
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.search = SearchBox()
        self.clip_table = ClipTable(self.table, self.proxy, self.model, self.search)

    def _build_side_tabs(self) -> None:
        """Details and Video beside the table, in a splitter the user can drag."""
        self.detail = ClipDetailPane()
        self.lineage = ClipLineage(self.library, self.io_pool, self.detail.lineage, self.select_clip)
        self.video = VideoView()
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.addTab(self.detail, "Details")
        self.side_tabs.addTab(self.video, "Video")
        self.side_tabs.setMinimumWidth(300)
        self.sidebar = SourceSidebar()  # All Songs, the smart lists, the playlists
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for pane, stretch in ((self.sidebar, 0), (self.table, 3), (self.side_tabs, 1)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setCollapsible(0, True)  # View → Sidebar, or dragged shut

    def _build_central_widget(self) -> None:
        self.player_bar = PlayerBar(self.player)
        self.library_banner = LibraryBanner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.library_banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.player_bar)
        self.setCentralWidget(central)

    def _build_parts(self) -> None:
        """What the window delegates to: file actions, what plays next, watching the folders."""
        self.library_actions = LibraryActions(
            self.library,
            self.settings,
            self.model,
            self.table,
            self.io_pool,
            release=self._release_file,
            remembered=window_state,
            forget=lambda records: self.new_song.forget(records),
            window=self,
        )
        self.new_song = NewSongActions(
            self,
            self.creator,
            settings=self.settings_holder,
            table=self.clip_table,
            detail=self.detail,
            player=self.player,
            library=self.library,
            workers=self.io_pool,
        )
        self.play_queue = PlayQueue(self.player, self.model, self.proxy, self.table, self.library.root, self)
        self.folder_watch = FolderWatch(self.library.root, self)
        self.loading = LibraryLoading(self.library, self.model, self.proxy, self.io_pool, self.folder_watch, self)
        self.saved_layout = WindowLayout(self, self.splitter, self.table.horizontalHeader(), self.player)

    def _build_actions(self) -> None:
        """The commands; those that are the window's own are connected here."""
        self.commands = commands = WindowActions(self, self.library_actions, self.clip_table)
        self.playback = PlaybackActions(self, self.play_queue, self.player, self.clip_table)
        self.rating = RatingActions(self, self.library, self.clip_table, self.io_pool, self.controller.retag)
        self.editing = ClipEditing(self, self.library, self.model, self.detail, self.io_pool, self.controller)
        self.play_counts = PlayCounts(self.player, self.library, self.model, self.io_pool, self)
        artist = lambda: self.settings.artist  # noqa: E731 - the tags' artist, as Settings say now
        self.playlists = PlaylistActions(self, self.library, self.sidebar, self.clip_table, artist)
        for action, slot in (
            (commands.add_action, self.add_tasks),
            (commands.sync_action, self.sync_now),
            (commands.settings_action, self.open_settings),
            (commands.quit_action, self.close),
            (commands.refresh_action, self.refresh_selected),
            (commands.retry_action, self.refresh_selected),
            (commands.refresh_all_action, self.refresh_all),
            (commands.about_action, self.about),
        ):
            action.triggered.connect(slot)

    def _build_toolbar_and_menus(self) -> None:
        new_song = self.new_song.new_song_action
        self.search_field = SearchField(self.search)  # the box, its "?" and a broken query's sentence under it
        self.addToolBar(build_toolbar(self.commands, new_song, self.search_field))
        self.theme_group = build_menus(self.menuBar(), self.commands, self.playback, new_song, self.clip_table)
        add_playlist_menus(self.menuBar(), self.playlists, self.splitter)
        self.theme_group.triggered.connect(lambda action: self.set_color_scheme(ColorScheme(action.data())))
        self.table_menu = TableMenu(self.clip_table, self.commands, self.playback, self.new_song, self.rating)
        self.table_menu.playlists = self.playlists
        self.playlists.library_remove_action = self.commands.remove_action

    def _build_status_bar(self) -> None:
        self.status = WindowStatusBar(ClipCountLabel(self.model, self.proxy))
        self.setStatusBar(self.status)
        self.errors = ErrorReports(self, self.status, self.presence)
        self.errors.settings_requested.connect(self.open_settings)

    def _connect_table(self) -> None:
        self.search_field.filter_with(self.proxy.set_filter_text)  # as you type: ~35 ms at 50,000 clips
        self.table.activated_clip.connect(self.play_queue.play_clip)
        self.table.copy_requested.connect(self.library_actions.copy_selected)
        # an empty library's first steps, a search without hits
        self.empty_state = TableEmptyState(self.clip_table, self.commands.add_action, self.new_song.new_song_action)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        # a fetch inserts rows in many small runs: the first is selected once, after them
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.timeout.connect(self._select_first_row_if_none)
        self.proxy.rowsInserted.connect(self._rows_timer.start)
        self.proxy.rowsRemoved.connect(self._rows_timer.start)
        self.proxy.layoutChanged.connect(self._layout_changed)
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self.detail.play_requested.connect(self.play_queue.play_clip)
        self.detail.message.connect(self.show_message)
        self.detail.folder_requested.connect(self._show_in_folder)
        self.detail.cover_shown.connect(self.video.set_cover)  # an idle video shows the cover
        self.library_actions.message.connect(self.show_message)
        self.rating.rated.connect(lambda clip_ids: self._refresh_detail(set(clip_ids)))
        self.detail.rate_requested.connect(self.rating.rate)
        for part in (self.rating, self.editing, self.playlists):
            part.message.connect(self.show_message)
            part.error.connect(self.show_error_sentence)
        self.editing.changed.connect(lambda clip_ids: self._refresh_detail(set(clip_ids)))
        self.library_actions.error.connect(self.show_error_sentence)
        self.library_actions.tasks_found.connect(self.controller.add_tasks)
        self.settings_holder.changed.connect(self.library_actions.configure)
        self.new_song.message.connect(self.show_message)
        self.new_song.error.connect(self.show_error_sentence)
        self.new_song.settings_requested.connect(self.open_settings)
        self.presence.lost.connect(self._library_lost)
        self._connect_loading()
        self.presence.back.connect(self._library_back)

    def _connect_loading(self) -> None:
        loading = self.loading
        loading.loaded.connect(self._library_loaded)
        loading.clips_read.connect(self._clips_changed)
        loading.library_gone.connect(self.errors.report)
        loading.message.connect(self.show_message)
        loading.error.connect(self.show_error_sentence)

    def _connect_player(self) -> None:
        queue = self.play_queue
        queue.message.connect(self.show_message)
        self.player_bar.next_requested.connect(lambda: queue.play_next(1))
        self.player_bar.previous_requested.connect(lambda: queue.play_next(-1))
        self.player_bar.play_pause_requested.connect(queue.play_pause)
        self.player.error.connect(self.show_error_sentence)
        self.player.current_changed.connect(self._now_playing_changed)
        self.video.take_turns_with(self.player)  # one thing plays at a time

    def _connect_controller(self) -> None:
        c = self.controller
        c.clips_changed.connect(self._clips_changed)
        c.tasks_changed.connect(self._tasks_changed)
        c.clips_started.connect(self.model.mark_downloading)
        c.about_to_write.connect(self._about_to_write)
        c.jobs_finished.connect(self._take_back_files)
        c.all_clips_checked.connect(self.loading.files_checked)
        c.busy_changed.connect(lambda busy: None if busy else self.loading.read_added_times())
        c.clip_progress.connect(self.model.set_progress_of)
        c.progress.connect(self.status.show_progress)
        c.busy_changed.connect(self._busy_changed)
        c.busy_changed.connect(self.folder_watch.set_syncing)
        c.status.connect(self.show_message)
        c.error.connect(self.errors.report)  # Signal(object, str): an ErrorKind and its sentence
        self.folder_watch.changed.connect(c.check_files)

    def _say_what_is_off(self, demo_note: str) -> None:
        """Demo mode, or no audio: said in the status bar at start."""
        if demo_note:
            self.show_message(demo_note)
        if not self.player.available:
            self.show_message(self.player.unavailable_reason)

    # ------------------------------------------------------------------ loading

    def load_library(self, then=None) -> None:
        """Read the library on workers and fill the table (see LibraryLoading), then run *then*.

        The first sync waits for the table: at 50,000 clips its planning pass would
        otherwise compete with filling the window.
        """
        self.loading.load(then)

    def _library_loaded(self) -> None:
        self.playlists.refresh()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        self.empty_state.library_read()

    def _show_in_folder(self, clip_id: str) -> None:
        record = self.model.record_for(clip_id)
        if record is not None:
            self.library_actions.show_in_folder([record])

    def _tasks_changed(self, rows: list[TaskRow]) -> None:
        """A task row moved on (waiting, generating, failed): the detail pane says so too if it shows it."""
        self.model.upsert(rows)
        self._refresh_detail({row.row_id for row in rows})

    def _clips_changed(self, records: list[ClipRecord], on_disk: list) -> None:
        self.model.upsert(records, on_disk)
        self.folder_watch.watch(records)  # their files may be in folders not watched yet
        for record in records:
            if record.cover_path and record.state == ClipState.READY:
                self.thumbnails.forget(self.library.root / record.cover_path)  # may be a new file
        self._refresh_detail({r.clip_id for r in records})
        self._update_actions()

    # ------------------------------------------------------------------ table and detail

    def _layout_changed(self) -> None:
        """Sorted, searched or removed: the current clip may have left the table."""
        if not self.table.currentIndex().isValid() and self.detail.row is not None:
            self._refresh_detail()
        self._update_actions()  # a layout change drops hidden rows from the selection without a signal

    def _select_first_row_if_none(self) -> None:
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)

    def _thumbnail_for(self, record: ClipRecord) -> QPixmap | None:
        if not record.cover_path:
            return None
        return self.thumbnails.get(record.clip_id, self.library.root / record.cover_path, THUMB_SIZE * 2)

    def _thumbnail_ready(self, clip_id: str) -> None:
        self.model.refresh_thumbnail(clip_id)
        current = self.detail.record
        if current is not None and current.clip_id == clip_id:
            self._show_detail_cover(current)
        if self.player.current_clip_id == clip_id:
            self._now_playing_changed(clip_id)

    def _current_changed(self, current, _previous) -> None:
        self._refresh_detail()
        self._update_actions()

    def _refresh_detail(self, only: set[str] | None = None) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.detail.show_clip(None)
            self.lineage.show_for(None)
            return
        source_row = self.proxy.mapToSource(index).row()
        row = self.model.row(source_row)
        if only is not None and row.row_id not in only and self.detail.row is not None:
            return
        files = self.model.files_on_disk(source_row)
        self.detail.show_clip(row, self.library.root, files)
        record = row.record  # a task's or a submission's row has no cover and no video
        self.lineage.show_for(record)
        if record is not None:
            self._show_detail_cover(record)
        video = self.library.root / record.video_path if record is not None and record.video_path and files[2] else None
        if self.video.current_path != video:
            self.video.show_video(video, row.title)

    def select_clip(self, clip_id: str) -> None:
        """Make *clip_id* the current row (a link in the detail pane), unless the search hides it."""
        row = self.proxy.proxy_row_of(clip_id)
        if row is None:
            self.status.say("That clip is hidden by the search: press Escape in the search box to see it.")
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))

    def _show_detail_cover(self, record: ClipRecord) -> None:
        if record.cover_path:
            pixmap = self.thumbnails.get(record.clip_id, self.library.root / record.cover_path, COVER_SIZE)
            self.detail.set_cover(pixmap)

    def _update_actions(self) -> None:
        self.commands.update_for_selection(self.controller.has_relay)
        self.rating.update_for_selection()

    # ------------------------------------------------------------------ commands

    def add_tasks(self, *, initial_text: str = "") -> AddTasksDialog:
        known = self.model.task_ids()  # what the table holds: reading 50,000 tasks here held the window ~0.3 s
        dialog = AddTasksDialog(self, initial_text=initial_text, known_ids=known)
        dialog.setObjectName("addTasksDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.controller.add_tasks(dialog.task_ids()))
        dialog.open()
        return dialog

    def sync_now(self) -> None:
        self.status.clear_error()
        self.controller.sync_now()

    def refresh_selected(self) -> None:
        task_ids = sorted({self.model.row_for(c).task_id for c in self.table.selected_clip_ids()} - {""})
        self.controller.refresh_tasks(task_ids)

    def refresh_all(self) -> None:
        self.controller.refresh_all()

    def open_settings(self) -> SettingsDialog:
        store = self.settings_holder.store
        location = store.token_location if store is not None else TokenLocation.FILE
        dialog = SettingsDialog(
            self.settings, self, token_location=location, workers=self.io_pool, library=self.library
        )
        dialog.setObjectName("settingsDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_settings(dialog.settings()))
        dialog.open()
        return dialog

    def apply_settings(self, settings: Settings) -> None:
        library_changed = settings.library_dir != self.settings.library_dir and bool(settings.library)
        self.settings_holder.replace(settings)  # the file actions hear it
        if self.settings_holder.store is not None:
            try:
                self.settings_holder.store.save(settings)
            except OSError as exc:
                self.show_error_sentence(f"Could not save the settings: {exc.strerror or exc}")
        else:
            self.show_message("Demo mode: settings apply to this session only.")
        self.controller.configure(settings)
        self.creator.configure(settings)
        if library_changed:
            self.show_message(f"The library folder changes to {settings.library_dir} the next time the app starts.")
        self.controller.sync_now()

    def set_color_scheme(self, scheme: ColorScheme) -> None:
        """Light, dark, or whatever the desktop says; remembered for the next start."""
        apply_color_scheme(scheme)
        for action in self.theme_group.actions():
            action.setChecked(action.data() == scheme.value)
        window_state().setValue("view/colorScheme", scheme.value)

    def about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<b>{APP_NAME}</b> {__version__}<br>A desktop library for songs made with Suno through an API relay."
            f"<br><br>Library: {self.library.root}",
        )

    # ------------------------------------------------------------------ playback

    def _now_playing_changed(self, clip_id: str) -> None:
        record = self.model.record_for(clip_id) if clip_id else None
        if record is None:
            self.player_bar.set_now_playing("", "", None)
            return
        cover = None
        if record.cover_path:
            cover = self.thumbnails.get(record.clip_id, self.library.root / record.cover_path, THUMB_SIZE * 2)
        self.player_bar.set_now_playing(record.title or "Untitled", record.tags, cover)

    def _about_to_write(self, clip_id: str) -> None:
        record = self.model.record_for(clip_id)
        if record is not None:
            for relative in (record.audio_path, record.video_path):
                if relative:
                    self._release_file(self.library.root / relative, clip_id)

    def _release_file(self, path: Path, clip_id: str = "") -> None:
        """The player and the video view let go of a file before the app rewrites or trashes it."""
        self.player.release(path)
        self.video.release(path, clip_id)

    def _take_back_files(self, records: list[ClipRecord]) -> None:
        """A rewritten clip plays on where it was let go of, under its new name if it has one."""
        for record in records:
            if record.clip_id == self.player.released_clip_id:
                self.player.resume_released(self.library.root / record.audio_path if record.audio_path else None)
            if record.clip_id == self.video.released_clip_id:
                self.video.resume_released(self.library.root / record.video_path if record.video_path else None)

    # ------------------------------------------------------------------ status and errors

    def show_message(self, text: str) -> None:
        self.status.say(text)

    def show_error_sentence(self, text: str) -> None:
        self.status.say_error(text)

    def _library_lost(self, sentence: str) -> None:
        self.controller.pause()
        self.library_banner.say(sentence)
        log.warning("%s", sentence)

    def _library_back(self) -> None:
        self.library_banner.hide()
        self.status.clear_error()
        self.show_message(f"The library folder {self.library.root} is back; syncing again.")
        self.controller.resume()

    def _busy_changed(self, busy: bool) -> None:
        self.commands.sync_action.setEnabled(True)
        if not busy:
            self.status.progress.hide()

    # ------------------------------------------------------------------ drops from other apps

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if event.source() is None and mime.hasText() and extract_task_ids(mime.text()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        text = event.mimeData().text()
        event.acceptProposedAction()
        self.add_tasks(initial_text=text)

    # ------------------------------------------------------------------ closing

    def event(self, event) -> bool:
        """Every event of the window, its repaints included, handled with the GIL held throughout.

        A repaint of the window calls into Python hundreds of times (the table's
        models, the Python widgets' overrides). Entered from C++, each call takes
        the GIL anew and queues behind the sync's workers; entered here, the GIL is
        taken once per repaint.
        """
        return super().event(event)

    def closeEvent(self, event) -> None:
        self.editing.close()  # from now on an edit is written at once, on this thread
        self.detail.save_typing()  # words typed in the pane and not yet saved are kept (the files follow next start)
        self.saved_layout.save()
        self.presence.stop()
        self.player.stop()
        self.video.stop()
        self.creator.shutdown()
        self.controller.shutdown()
        self.playlists.close()
        self.io_pool.close()
        self.io_pool.wait(3000)
        super().closeEvent(event)
