"""The sidebar of sources and the playlists in the window: qtbot drives the sidebar, the table and the menus."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox
from window_helpers import WAIT, synced_window

from suno_desktop.library.playlists import Playlists
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_NUMBER, COL_TITLE
from suno_desktop.ui.source_sidebar import SourceKind


def shown_ids(window) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, 0).data(CLIP_ID_ROLE) for row in range(proxy.rowCount())]


def entry_rect(sidebar, label):
    """Where the sidebar's entry named *label* is drawn."""
    for source, item in sidebar._entries():
        if source.label == label:
            return sidebar.visualRect(item.index())
    raise AssertionError(f"no entry {label!r}: {[s.label for s in sidebar.sources_shown()]}")


def click_source(qtbot, window, label) -> None:
    sidebar = window.sidebar
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=entry_rect(sidebar, label).center())
    assert sidebar.current_source().label == label


def drop(widget, mime: QMimeData, at: QPoint) -> None:
    """A drop as Qt delivers it: enter, move, drop (the drag itself is the platform's)."""
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent

    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event_type in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(widget, event_type(at, actions, mime, buttons, modifiers))
    QApplication.sendEvent(widget, QDropEvent(at.toPointF(), actions, mime, buttons, modifiers))


def table_drag_mime(window, rows: list[int]) -> QMimeData:
    view = window.table
    view.clearSelection()
    for row in rows:
        view.selectionModel().select(
            window.proxy.index(row, 0),
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
        )
    return view.create_drag().mimeData()


def shown_playlist(qtbot, window, name: str, clip_ids: list[str]):
    """A playlist of *clip_ids* made in the library (as the CLI would), read by the window and shown."""
    store = Playlists(window.library)
    playlist = store.create(name)
    store.add(playlist, clip_ids)
    window.playlists.refresh()
    key = (SourceKind.PLAYLIST, playlist.playlist_id)
    qtbot.waitUntil(lambda: window.sidebar.count_text(key) == str(len(clip_ids)), timeout=WAIT)
    click_source(qtbot, window, name)
    qtbot.waitUntil(lambda: shown_ids(window) == clip_ids, timeout=WAIT)
    return store, playlist


@pytest.fixture
def library_window(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=3)
    qtbot.waitUntil(lambda: window.sidebar.count_text((SourceKind.ALL, 0)) == "6", timeout=WAIT)
    return window


def test_rows_dragged_onto_a_playlist_join_it_and_it_shows_them_in_its_order(qtbot, library_window, monkeypatch):
    window = library_window
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Car Ride", True))
    window.playlists.new_action.trigger()
    qtbot.waitUntil(lambda: window.sidebar.current_source().label == "Car Ride", timeout=WAIT)
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=WAIT)  # its songs are read on a worker
    assert not window.table.isColumnHidden(COL_NUMBER)
    empty = window.empty_state
    in_list = lambda: empty.isVisible() and empty.message.text().startswith("No songs in this list.")  # noqa: E731
    qtbot.waitUntil(in_list, timeout=WAIT)
    assert not empty.add_button.isVisible()  # not "your library is empty"
    click_source(qtbot, window, "All Songs")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 6, timeout=WAIT)
    assert window.table.isColumnHidden(COL_NUMBER)
    everything = shown_ids(window)
    sidebar = window.sidebar
    drop(sidebar.viewport(), table_drag_mime(window, [4, 1]), entry_rect(sidebar, "Car Ride").center())
    qtbot.waitUntil(lambda: sidebar.count_text((SourceKind.PLAYLIST, 1)) == "2", timeout=WAIT)
    drop(sidebar.viewport(), table_drag_mime(window, [0, 1]), entry_rect(sidebar, "Car Ride").center())
    qtbot.waitUntil(lambda: sidebar.count_text((SourceKind.PLAYLIST, 1)) == "3", timeout=WAIT)
    assert "1 already in it" in window.statusBar().currentMessage()
    click_source(qtbot, window, "Car Ride")
    expected = [everything[1], everything[4], everything[0]]  # rows in the table's order, then the new one
    qtbot.waitUntil(lambda: shown_ids(window) == expected, timeout=WAIT)
    assert [window.proxy.index(r, COL_NUMBER).data() for r in range(3)] == ["1", "2", "3"]
    # the player's queue follows the playlist: Next plays the playlist's second song
    window.play_queue.play_clip(expected[0])
    window.play_queue.play_next(1)
    assert window.player.current_clip_id == expected[1]


def test_delete_takes_songs_out_of_the_playlist_only_and_ctrl_z_puts_them_back(qtbot, library_window):
    window = library_window
    ids = [window.model.row(r).row_id for r in range(6)]
    store, playlist = shown_playlist(qtbot, window, "Set", ids[:4])
    window.table.setFocus()
    window.table.selectRow(1)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: shown_ids(window) == [ids[0], ids[2], ids[3]], timeout=WAIT)
    assert window.model.clip_count() == 6 and store.clip_ids(playlist) == [ids[0], ids[2], ids[3]]
    assert "Ctrl+Z" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_ids(window) == ids[:4], timeout=WAIT)
    assert store.clip_ids(playlist) == ids[:4]
    # in All Songs, Delete is the library's Remove again (it asks first)
    click_source(qtbot, window, "All Songs")
    assert window.commands.remove_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    assert not window.playlists.remove_action.isEnabled()


def test_rows_dragged_within_the_playlist_move_there(qtbot, library_window):
    window = library_window
    ids = [window.model.row(r).row_id for r in range(6)]
    store, playlist = shown_playlist(qtbot, window, "Order", ids[:4])
    mime = table_drag_mime(window, [3])  # the last song, dropped on the top half of the first row
    first = window.table.visualRect(window.proxy.index(0, COL_TITLE))
    drop(window.table.viewport(), mime, QPoint(first.center().x(), first.top() + 2))
    qtbot.waitUntil(lambda: shown_ids(window) == [ids[3], ids[0], ids[1], ids[2]], timeout=WAIT)
    assert store.clip_ids(playlist) == [ids[3], ids[0], ids[1], ids[2]]


def test_save_search_makes_a_smart_playlist_that_follows_the_library(qtbot, library_window, monkeypatch):
    window = library_window
    qtbot.keyClicks(window.search, "rating:>=3")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=WAIT)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Good Ones", True))
    window.playlists.save_search_action.trigger()
    qtbot.waitUntil(lambda: window.sidebar.current_source().label == "Good Ones", timeout=WAIT)
    window.search.clear()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=WAIT)
    chosen = window.model.rows()[2].row_id
    window.rating.rate([chosen], 4)  # a rating brings the song into the smart playlist, and Top Rated
    qtbot.waitUntil(lambda: shown_ids(window) == [chosen], timeout=WAIT)
    qtbot.waitUntil(lambda: window.sidebar.count_text((SourceKind.TOP_RATED, 0)) == "1", timeout=WAIT)
    click_source(qtbot, window, "Top Rated")
    qtbot.waitUntil(lambda: shown_ids(window) == [chosen], timeout=WAIT)


def test_export_writes_an_m3u8_and_a_list_dropped_on_the_sidebar_is_imported(
    qtbot, library_window, monkeypatch, tmp_path
):
    window = library_window
    ids = [window.model.row(r).row_id for r in range(6)]
    store, _ = shown_playlist(qtbot, window, "Road", [ids[5], ids[2]])
    target = tmp_path / "out" / "Road.m3u8"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.playlists.export_action.trigger()
    qtbot.waitUntil(target.is_file, timeout=WAIT)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U" and len(lines) == 5 and lines[2].startswith("../")
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=WAIT)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(target))])
    drop(window.sidebar.viewport(), mime, entry_rect(window.sidebar, "All Songs").center())
    qtbot.waitUntil(lambda: "Road (2)" in [s.label for s in window.sidebar.sources_shown()], timeout=WAIT)
    assert store.clip_ids(store.named("Road (2)")) == [ids[5], ids[2]]


def test_a_playlist_is_renamed_with_f2_and_deleted_after_asking(qtbot, library_window, monkeypatch):
    window = library_window
    store, _ = shown_playlist(qtbot, window, "Old Name", [window.model.row(0).row_id])
    sidebar = window.sidebar
    sidebar.setFocus()  # (offscreen, a click gives no focus to a window that is not active)
    qtbot.keyClick(sidebar, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "New Name")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "New Name" in [s.label for s in sidebar.sources_shown()], timeout=WAIT)
    assert sidebar.current_source().label == "New Name"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    sidebar.setFocus()
    qtbot.keyClick(sidebar, Qt.Key.Key_Delete)  # the playlist, not the song selected in the table
    qtbot.waitUntil(lambda: "New Name" not in [s.label for s in sidebar.sources_shown()], timeout=WAIT)
    assert sidebar.current_source().label == "All Songs" and window.proxy.rowCount() == 6
    assert store.all() == [] and window.model.clip_count() == 6  # its songs stay


def test_the_sidebar_collapses_and_stays_so_in_the_next_window(qtbot, library_window, make_window):
    window = library_window
    toggle = window.findChild(type(window.playlists.new_action), "sidebarAction")
    toggle.trigger()  # shown → hidden
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] == 0, timeout=WAIT)
    window.close()
    again = make_window()
    assert again.splitter.sizes()[0] == 0
    again.findChild(type(again.playlists.new_action), "sidebarAction").trigger()  # Ctrl+Alt+S opens it again
    qtbot.waitUntil(lambda: again.splitter.sizes()[0] > 100, timeout=WAIT)


def test_needs_attention_lists_failed_tasks(qtbot, make_window, relay):
    failed = relay.add_music_task(title="Refused", clips=0, final_status="FAILURE", fail_reason="content policy")
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    window.controller.add_tasks([failed])
    key = (SourceKind.NEEDS_ATTENTION, 0)
    qtbot.waitUntil(lambda: window.sidebar.count_text(key) == "1", timeout=WAIT)
    click_source(qtbot, window, "Needs Attention")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 1, timeout=WAIT)
    assert window.model.row(window.proxy.source_row(0)).task_id == failed
    assert Path(window.library.root).is_dir()


def test_the_search_box_finds_the_songs_of_a_playlist_by_its_name(qtbot, library_window):
    window = library_window
    ids = [window.model.row(r).row_id for r in range(6)]
    store = Playlists(window.library)
    store.add(store.create("Road Trip"), [ids[3], ids[0]])
    qtbot.keyClicks(window.search, "playlist:road")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=WAIT)  # the window has not read it yet
    window.playlists.refresh()
    qtbot.waitUntil(lambda: sorted(shown_ids(window)) == sorted([ids[0], ids[3]]), timeout=WAIT)


def test_work_asked_for_after_the_window_closed_is_not_started(qtbot):
    """A timer's read after close would run into a closed library, and a pool deleted with it running deadlocks."""
    from suno_desktop.ui.workers import WorkerPool

    pool = WorkerPool(1)
    ran = []
    pool.close()
    pool.submit(ran.append, 1)
    assert pool.wait(2000) and ran == [] and not pool.busy


def test_add_to_playlist_in_the_context_menu_adds_the_selected_songs(qtbot, library_window, monkeypatch):
    window = library_window
    ids = [window.model.row(r).row_id for r in range(6)]
    store = Playlists(window.library)
    store.create("Mix")
    window.playlists.refresh()
    qtbot.waitUntil(lambda: "Mix" in [s.label for s in window.sidebar.sources_shown()], timeout=WAIT)
    window.table.selectRow(2)
    rect = window.table.visualRect(window.proxy.index(2, COL_TITLE))
    menu = window.table_menu.show_at(rect.center())
    submenu = next(a.menu() for a in menu.actions() if a.menu() is not None and a.text() == "Add to Playlist")
    assert [a.text() for a in submenu.actions() if not a.isSeparator()] == ["New Playlist…", "Mix"]
    next(a for a in submenu.actions() if a.text() == "Mix").trigger()
    qtbot.waitUntil(lambda: store.clip_ids(store.named("Mix")) == [ids[2]], timeout=WAIT)
    menu.close()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Fresh", True))
    menu = window.table_menu.show_at(rect.center())
    submenu = next(a.menu() for a in menu.actions() if a.menu() is not None and a.text() == "Add to Playlist")
    submenu.actions()[0].trigger()  # New Playlist…: made with the selected song in it, and shown
    qtbot.waitUntil(
        lambda: shown_ids(window) == [ids[2]] and window.sidebar.current_source().label == "Fresh", timeout=WAIT
    )
    menu.close()


def test_a_smart_playlists_query_order_and_limit_are_edited_in_its_dialog(qtbot, library_window, monkeypatch):
    from suno_desktop.library.playlists import SmartOrder
    from suno_desktop.ui.smart_playlist_dialog import SmartPlaylistDialog

    window = library_window
    store = Playlists(window.library)
    smart = store.create_smart("Songs", "song")
    window.playlists.refresh()
    qtbot.waitUntil(lambda: window.sidebar.count_text((SourceKind.PLAYLIST, smart.playlist_id)) == "6", timeout=WAIT)
    click_source(qtbot, window, "Songs")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 6, timeout=WAIT)

    def edit(dialog):
        dialog.query.setText("rating:>=")  # broken: the dialog says why and stays open
        dialog.accept()
        assert "does not parse" in dialog.problem.text() and dialog.result() == 0
        dialog.query.setText("song")
        dialog.order.setCurrentIndex(list(SmartOrder).index(SmartOrder.TITLE))
        dialog.limit.setValue(2)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SmartPlaylistDialog, "exec", edit)
    window.playlists.edit_smart(window.sidebar.current_source())
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 2, timeout=WAIT)
    edited = store.named("Songs")
    assert (edited.query, edited.order, edited.limit) == ("song", SmartOrder.TITLE, 2)
