"""The real window against the local relay, driven with qtbot like a person would."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from PySide6.QtCore import QItemSelectionModel, QMimeData, QPoint, Qt, QTimer
from PySide6.QtGui import QDrag, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QMessageBox, QPlainTextEdit
from window_helpers import WAIT, add_through_dialog, all_ready, synced_window

from suno_desktop.library.store import Library
from suno_desktop.model import ClipState
from suno_desktop.settings import SettingsStore
from suno_desktop.ui.clip_files_mime import CLIP_IDS_MIME
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_DURATION, COL_FILES, COL_TITLE


def error_line(window) -> str:
    """The error the status bar shows in red (its whole sentence; the painting may shorten it)."""
    return window.status.error_label.text()


def rows(window):
    return window.proxy.rowCount()


def test_add_tasks_dialog_fetches_downloads_and_tags(qtbot, make_window, relay):
    pending = relay.add_music_task(title="Slow Song", polls_until_success=2)
    window, ids = synced_window(qtbot, make_window, relay)
    add_through_dialog(qtbot, window, f"pasted: {pending}, and junk")
    qtbot.waitUntil(lambda: all_ready(window, 6), timeout=WAIT)
    for row in range(6):
        record = window.model.record(row)
        tags = ID3(window.library.root / record.audio_path)
        assert tags["TXXX:SUNO_CLIP_ID"].text == [record.clip_id]
        assert window.model.files_on_disk(row) == (True, True, True)
    assert "6 clips" in window.status.count_label.text()


def test_sort_and_filter(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=3)
    header = window.table.horizontalHeader()
    ascending = ["Song 0", "Song 0", "Song 1", "Song 1", "Song 2", "Song 2"]
    for expected in (ascending, ascending[::-1]):  # a first click sorts A to Z, a second Z to A
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(header.sectionViewportPosition(COL_TITLE) + 10, header.height() // 2),
        )
        assert [window.proxy.index(r, COL_TITLE).data() for r in range(rows(window))] == expected
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, "style1")
    assert rows(window) == 2
    assert {window.proxy.index(r, COL_TITLE).data() for r in range(2)} == {"Song 1"}
    window.search.clear()
    qtbot.keyClicks(window.search, "WALKING")  # lyrics, case-insensitive
    assert rows(window) == 6
    window.search.clear()
    table = window.table
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(window.proxy.index(2, COL_TITLE)).center()
    )
    clicked = window.proxy.index(2, 0).data(CLIP_ID_ROLE)
    assert window.detail.record.clip_id == clicked
    assert window.commands.remove_action.isEnabled()
    qtbot.keyClicks(window.search, "no such song")
    assert rows(window) == 0 and "0 of 6" in window.status.count_label.text()
    assert window.detail.record is None  # the detail pane does not show a clip the table hides
    assert not window.commands.remove_action.isEnabled() and not window.commands.export_action.isEnabled()
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)  # the search cleared: the pane shows it again
    assert window.detail.record.clip_id == window.table.currentIndex().data(CLIP_ID_ROLE) == clicked
    assert window.commands.remove_action.isEnabled()


def test_actions_follow_a_selection_the_search_empties(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    proxy, selection = window.proxy, window.table.selectionModel()
    titles = [proxy.index(r, COL_TITLE).data() for r in range(proxy.rowCount())]
    selection.select(
        proxy.index(titles.index("Song 1"), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    selection.setCurrentIndex(proxy.index(titles.index("Song 0"), 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    assert window.commands.remove_action.isEnabled()
    qtbot.keyClicks(window.search, "style0")
    assert window.table.currentIndex().isValid() and selection.selectedRows() == []
    assert not window.commands.remove_action.isEnabled() and not window.commands.export_action.isEnabled()


def select_rows(qtbot, window, count):
    table = window.table
    table.setFocus()
    table.selectRow(0)
    for _ in range(count - 1):
        qtbot.keyClick(table.viewport(), Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(table.selectionModel().selectedRows()) == count


def test_drag_hands_over_tagged_mp3_files_as_a_copy(qtbot, make_window, relay, monkeypatch):
    window, _ = synced_window(qtbot, make_window, relay)
    select_rows(qtbot, window, 3)
    drag = window.table.create_drag()
    urls = drag.mimeData().urls()
    assert len(urls) == 3 and drag.mimeData().hasFormat("text/uri-list")
    for url in urls:
        path = Path(url.toLocalFile())
        assert url.isLocalFile() and path.suffix == ".mp3" and path.is_file()
        assert ID3(path)["TIT2"].text[0].startswith("Song")
    assert window.model.supportedDragActions() == Qt.DropAction.CopyAction
    assert not drag.pixmap().isNull()  # the drag shows the cover
    started = []
    monkeypatch.setattr(QDrag, "exec", lambda self, *actions: started.append((self.mimeData().urls(), actions)))
    window.table.startDrag(Qt.DropAction.CopyAction | Qt.DropAction.MoveAction)
    assert started == [(urls, (Qt.DropAction.CopyAction, Qt.DropAction.CopyAction))]  # never a move
    # Ctrl+C: the same file URLs on the clipboard
    qtbot.keyClick(window.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().mimeData().urls() == urls


def test_clip_without_mp3_is_not_dragged_as_a_file(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    record = window.model.record(0)
    (window.library.root / record.audio_path).unlink()
    qtbot.waitUntil(lambda: window.model.files_on_disk(window.model.row_of(record.clip_id))[0] is False, timeout=WAIT)
    row = window.proxy.proxy_row_of(record.clip_id)
    window.table.selectRow(row)
    drag = window.table.create_drag()  # it can still be dropped on a playlist, by its id
    assert drag.mimeData().formats() == [CLIP_IDS_MIME]  # no file, no text
    assert bytes(drag.mimeData().data(CLIP_IDS_MIME).data()).decode() == record.clip_id


def test_export_copies_selected_files_without_clobbering(qtbot, make_window, relay, tmp_path):
    window, _ = synced_window(qtbot, make_window, relay)
    select_rows(qtbot, window, 2)
    out = tmp_path / "USB stick"
    out.mkdir()
    first = window.table.selected_records()[0]
    clash = out / Path(first.audio_path).name
    clash.write_bytes(b"someone else's file")
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QLineEdit, "exportFolderEdit") is not None)
    window.findChild(QLineEdit, "exportFolderEdit").setText(str(out))
    box = window.findChild(QDialogButtonBox, "exportButtons")
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(list(out.glob("*.mp3"))) == 3, timeout=WAIT)
    assert clash.read_bytes() == b"someone else's file"
    copies = sorted(out.glob("*.mp3"))
    assert any(p.name.endswith(" (2).mp3") for p in copies)
    for path in copies:
        if path != clash:
            assert ID3(path)["TXXX:SUNO_CLIP_ID"].text


def test_double_click_plays_and_position_advances(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    if not window.player.available:
        pytest.fail(window.player.unavailable_reason)
    table = window.table
    rect = table.visualRect(window.proxy.index(0, COL_TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.player.is_playing and window.player.position > 0, timeout=WAIT)
    assert window.player.current_clip_id == window.proxy.index(0, 0).data(CLIP_ID_ROLE)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.player.is_playing, timeout=WAIT)
    # the player bar's next button follows the table's sorted order
    from PySide6.QtWidgets import QToolButton

    qtbot.mouseClick(window.player_bar.findChild(QToolButton, "nextButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.player.current_clip_id == window.proxy.index(1, 0).data(CLIP_ID_ROLE), timeout=WAIT)
    # Enter on a row plays it
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            window.player.current_clip_id == window.proxy.index(0, 0).data(CLIP_ID_ROLE) and window.player.is_playing
        ),
        timeout=WAIT,
    )


def test_settings_change_persists(qtbot, make_window, relay, tmp_path):
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QLineEdit, "artistEdit") is not None)
    artist = window.findChild(QLineEdit, "artistEdit")
    artist.selectAll()
    qtbot.keyClicks(artist, "My Band")
    dialog = artist.window()
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.settings.artist == "My Band")
    assert SettingsStore(tmp_path / "config", use_keyring=False).load().artist == "My Band"


def test_bad_token_is_shown_once_with_a_way_to_fix_it(qtbot, make_window, relay):
    ids = [relay.add_music_task() for _ in range(3)]
    window = make_window(token="wrong")
    add_through_dialog(qtbot, window, " ".join(ids))
    qtbot.waitUntil(lambda: "token" in error_line(window).lower(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorDialog") is not None, timeout=WAIT)
    box = window.findChild(QMessageBox, "errorDialog")
    assert "Settings" in box.text()
    window.sync_now()
    qtbot.wait(300)
    assert len(window.findChildren(QMessageBox, "errorDialog")) == 1


def test_relay_down_is_reported_in_the_status_bar(qtbot, make_window, relay):
    window = make_window(base_url="http://127.0.0.1:9")
    add_through_dialog(qtbot, window, "ba46ad15-07ce-41a6-b68d-196321dc00d5")
    qtbot.waitUntil(lambda: "127.0.0.1" in window.status.error_label.text(), timeout=WAIT)
    assert window.findChild(QMessageBox, "errorDialog") is None  # no dialog for a passing outage


def test_remove_asks_then_trashes_and_stays_removed(qtbot, make_window, relay, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    window, ids = synced_window(qtbot, make_window, relay, tasks=1)
    window.table.selectRow(0)
    record = window.table.selected_records()[0]
    audio = window.library.root / record.audio_path
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "removeDialog") is not None)
    box = window.findChild(QMessageBox, "removeDialog")
    remove = next(b for b in box.buttons() if b.text() == "Remove")
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert not audio.exists()
    assert list((tmp_path / "data" / "Trash" / "files").glob("*.mp3"))  # recoverable
    window.sync_now()  # a whole sync, which brings back any clip whose files are missing
    assert window.controller.busy
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)
    assert window.model.row_of(record.clip_id) is None and not audio.exists()


def test_folder_watch_says_changed_once_files_settle_and_not_while_syncing(qtbot, tmp_path):
    from suno_desktop.ui.folder_watch import FolderWatch

    (tmp_path / "Artist").mkdir()
    watch = FolderWatch(tmp_path)
    watch.watch([])
    assert watch.folders() == [str(tmp_path)]
    changes = []
    watch.changed.connect(lambda: changes.append(time.monotonic()))
    watch.set_syncing(True)
    (tmp_path / "a.mp3").write_bytes(b"x")
    qtbot.wait(900)
    assert changes == []  # our own sync writes files: look once it is done
    watch.set_syncing(False)
    qtbot.waitUntil(lambda: len(changes) == 1, timeout=WAIT)
    written = time.monotonic()
    (tmp_path / "b.mp3").write_bytes(b"x")
    (tmp_path / "c.mp3").write_bytes(b"x")
    qtbot.waitUntil(lambda: len(changes) == 2, timeout=WAIT)
    assert changes[1] - written < 1.2  # settling again takes 400 ms, not the 1.5 s of a sync
    qtbot.wait(600)
    assert len(changes) == 2  # two files, one look


def test_deleted_file_is_marked_missing_at_once(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    record = window.model.record(0)
    (window.library.root / record.audio_path).unlink()
    qtbot.waitUntil(lambda: window.model.record_for(record.clip_id).state == ClipState.MISSING, timeout=WAIT)


def test_dropping_text_with_task_ids_opens_the_add_dialog(qtbot, make_window, relay):
    window = make_window()
    mime = QMimeData()
    mime.setText('{"task_id": "ba46ad15-07ce-41a6-b68d-196321dc00d5"}')
    event = QDropEvent(
        window.rect().center().toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "taskIdsEdit") is not None)
    assert "ba46ad15" in window.findChild(QPlainTextEdit, "taskIdsEdit").toPlainText()


def test_event_loop_stays_responsive_during_a_large_sync(qtbot, make_window, relay):
    ids = [relay.add_music_task(clips=2, video=False) for _ in range(100)]
    window = make_window()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    window.controller.add_tasks(ids)
    qtbot.waitUntil(lambda: all_ready(window, 200), timeout=60_000)
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10
    assert max(gaps) < 0.5, f"the GUI thread was blocked for {max(gaps):.2f} s"


def test_window_layout_is_restored(qtbot, make_window, relay):
    window = make_window()
    window.resize(780, 560)  # the offscreen screen is 800×600
    window.table.setColumnWidth(COL_DURATION, 123)
    window.close()
    again = make_window()
    assert again.table.columnWidth(COL_DURATION) == 123
    assert (again.size().width(), again.size().height()) == (780, 560)


def test_remove_without_a_trash_asks_before_deleting(qtbot, make_window, relay, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "no" / "such" / "dir"))
    window, ids = synced_window(qtbot, make_window, relay, tasks=1)
    window.table.selectRow(0)
    audio = window.library.root / window.table.selected_records()[0].audio_path
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "removeDialog") is not None)
    box = window.findChild(QMessageBox, "removeDialog")
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "deleteDialog") is not None)
    assert audio.exists() and window.model.rowCount() == 2  # nothing lost before the second yes
    box = window.findChild(QMessageBox, "deleteDialog")
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Delete permanently"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert not audio.exists()


def test_window_waits_while_another_process_syncs_the_library(qtbot, make_window, relay, monkeypatch):
    import subprocess
    import sys

    import suno_desktop.library.sync_session as session_module

    monkeypatch.setattr(session_module, "LOCK_RETRY_SECONDS", 0.2)
    window = make_window()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from suno_desktop.library.lock import LibraryLock;"
            f"l = LibraryLock(Path({str(window.library.lock.path)!r})); l.acquire(); print('held', flush=True);"
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        messages = []
        window.controller.status.connect(messages.append)
        window.controller.add_tasks([relay.add_music_task(clips=1)])
        qtbot.waitUntil(lambda: any("Another Suno Desktop process" in m for m in messages), timeout=WAIT)
        assert not list(window.library.root.glob("*.mp3"))  # nothing written while it holds the lock
    finally:
        holder.kill()
        holder.wait()
    qtbot.waitUntil(lambda: all_ready(window, 1), timeout=WAIT)


def test_appearance_menu_switches_the_palette_and_is_remembered(qtbot, make_window):
    from PySide6.QtGui import QAction, QPalette
    from PySide6.QtWidgets import QApplication

    from suno_desktop.ui.theme import ColorScheme
    from suno_desktop.ui.window_layout import window_state

    window = make_window()
    dark, system = window.findChild(QAction, "theme_dark"), window.findChild(QAction, "theme_system")
    try:
        dark.trigger()
        assert dark.isChecked() and not system.isChecked()
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 100
        assert window_state().value("view/colorScheme") == "dark"
        assert window.saved_layout.restore() is ColorScheme.DARK  # what the next start applies
    finally:
        system.trigger()
    assert system.isChecked() and window_state().value("view/colorScheme") == "system"
    assert ColorScheme.saved("purple") is ColorScheme.SYSTEM and ColorScheme.saved(None) is ColorScheme.SYSTEM


def test_a_relay_url_that_cannot_work_is_said_at_start_up_and_on_f5(qtbot, make_window):
    window = make_window(base_url="https://relay.example.com/api?key=1")
    window.load_library(then=window.controller.sync_now)  # as app.main starts it
    qtbot.waitUntil(lambda: "must not contain '?'" in error_line(window), timeout=WAIT)
    assert "Settings" in error_line(window)
    dialog = window.findChild(QMessageBox, "errorDialog")
    assert dialog is not None and "must not contain" in dialog.text()
    qtbot.mouseClick(dialog.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    window.status.clear_error()  # so that F5 must say it again
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()  # the closed dialog had the focus
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "must not contain '?'" in error_line(window), timeout=WAIT)


def test_a_library_that_cannot_be_read_says_so(qtbot, make_window, monkeypatch):
    import sqlite3

    from suno_desktop.ui import library_loading

    window = make_window()

    def broken(_library):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(library_loading, "library_rows", broken)
    window.load_library()
    qtbot.waitUntil(lambda: "could not be read" in error_line(window), timeout=WAIT)
    assert str(window.library.root) in error_line(window) and "malformed" in error_line(window)


def test_remove_where_one_file_has_no_trash_removes_the_rest_and_asks_about_that_clip(
    qtbot, make_window, relay, tmp_path, monkeypatch
):
    from suno_desktop.ui import library_actions

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # a trash, for all files but one
    (tmp_path / "data").mkdir()
    window, _ids = synced_window(qtbot, make_window, relay, tasks=1)
    records = {r.clip_id: r for r in window.model.records()}
    stuck_clip, other_clip = sorted(records)
    stuck_file = str(window.library.root / records[stuck_clip].video_path)
    real_move = library_actions.QFile.moveToTrash

    class NoTrashForOne:
        @staticmethod
        def moveToTrash(path):
            return False if path == stuck_file else real_move(path)

    monkeypatch.setattr(library_actions, "QFile", NoTrashForOne)
    window.table.selectAll()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "removeDialog") is not None)
    box = window.findChild(QMessageBox, "removeDialog")
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "deleteDialog") is not None)
    assert "1 file(s)" in window.findChild(QMessageBox, "deleteDialog").text()
    assert [r.clip_id for r in window.model.records()] == [stuck_clip]  # the trashed clip left at once
    assert window.library.clip(other_clip).removed and not window.library.clip(stuck_clip).removed
    cancel = window.findChild(QMessageBox, "deleteDialog").button(QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert Path(stuck_file).exists()


def test_files_gone_while_the_app_was_closed_show_once_the_window_has_read_the_disk(qtbot, make_window, relay):
    """The table is filled from what the library recorded, then the disk is read on a worker and the rows corrected."""
    first, _ = synced_window(qtbot, make_window, relay, tasks=1)
    record = first.model.record(0)
    library_dir = first.library.root
    first.close()
    (library_dir / record.cover_path).unlink()
    (library_dir / record.audio_path).unlink()

    window = make_window(library_dir=library_dir)
    row = lambda: window.model.row_of(record.clip_id)  # noqa: E731
    files = lambda: window.model.index(row(), COL_FILES).data()  # noqa: E731
    qtbot.waitUntil(lambda: files() == "MP4", timeout=WAIT)
    assert not window.model.flags(window.model.index(row(), COL_FILES)) & Qt.ItemFlag.ItemIsDragEnabled
    other = next(r for r in range(window.model.rowCount()) if window.model.record(r).clip_id != record.clip_id)
    assert window.model.index(other, COL_FILES).data() == "MP3 Cover MP4"


def test_a_task_a_sync_adds_is_known_to_added_and_the_others_stay(qtbot, make_window, relay):
    """After a sync the window reads only the tasks added since its last read (a task's time never changes)."""
    window, ids = synced_window(qtbot, make_window, relay, tasks=1)
    qtbot.waitUntil(lambda: ids[0] in window.proxy.added_times, timeout=WAIT)
    later = relay.add_music_task(clips=1)
    window.controller.add_tasks([later])
    qtbot.waitUntil(lambda: later in window.proxy.added_times, timeout=WAIT)
    assert ids[0] in window.proxy.added_times
    qtbot.keyClicks(window.search, "added:1d")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 3, timeout=WAIT)  # both tasks' clips: added today
    # created: reads the times read with the words (and the new clip's, kept with its row)
    created = [window.model.record(r).created_at for r in range(window.model.rowCount())]
    assert all(created)
    window.search.clear()
    qtbot.keyClicks(window.search, f"created:<={max(created)[:10]}")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 3, timeout=WAIT)
    window.search.clear()
    qtbot.keyClicks(window.search, f"created:>{max(created)[:10]}")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=WAIT)


def test_the_search_box_takes_a_query_and_added_compares_when_the_task_was_added(qtbot, make_window, relay):
    first, ids = synced_window(qtbot, make_window, relay, tasks=2)
    library_dir = first.library.root
    first.close()
    with Library(library_dir) as library, library.transaction() as conn:  # the first task was pasted long ago
        conn.execute("UPDATE tasks SET added_at = 946771200 WHERE task_id = ?", (ids[0],))  # 2000-01-02
        conn.execute("UPDATE clips SET rating = 4 WHERE task_id = ? AND position = 0", (ids[1],))

    window = make_window(library_dir=library_dir)
    shown = lambda: {window.proxy.index(r, 0).data(CLIP_ID_ROLE) for r in range(window.proxy.rowCount())}  # noqa: E731
    task_of = {window.model.record(r).clip_id: window.model.record(r).task_id for r in range(window.model.rowCount())}
    qtbot.waitUntil(lambda: ids[0] in window.proxy.added_times, timeout=WAIT)
    qtbot.mouseClick(window.search, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.search, "added:<2000-01-03")
    qtbot.waitUntil(lambda: {task_of[c] for c in shown()} == {ids[0]}, timeout=WAIT)
    window.search.clear()
    qtbot.keyClicks(window.search, "rating:>=4 OR style0")
    qtbot.waitUntil(lambda: len(shown()) == 3, timeout=WAIT)
    assert {task_of[c] for c in shown()} == {ids[0], ids[1]}


def test_add_tasks_knows_the_tasks_the_table_shows(qtbot, make_window, relay):
    window, ids = synced_window(qtbot, make_window, relay, tasks=1)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "taskIdsEdit") is not None)
    window.findChild(QPlainTextEdit, "taskIdsEdit").setPlainText(ids[0])
    counted = window.findChild(QDialogButtonBox, "buttonBox").parent().findChild(QLabel, "taskIdsCount")
    assert counted.text() == "1 task id found (already in the library)"
