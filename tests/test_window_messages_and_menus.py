"""What the status bar says after each run, the menus a music app has, and the actions of dead-end rows."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox
from window_helpers import WAIT, add_through_dialog, all_ready, synced_window

from suno_desktop.library.store import Library
from suno_desktop.library.submission_journal import SubmissionJournal
from suno_desktop.song_request import SongRequest
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_TITLE
from suno_desktop.ui.new_song_dialog import NewSongDialog
from suno_desktop.ui.play_order import RepeatMode
from suno_desktop.ui.window_layout import window_state


@pytest.fixture(autouse=True)
def forget_playback_choices():
    """Shuffle and Repeat are remembered across windows: each test starts from Off."""
    state = window_state()
    state.remove("playback")
    yield
    state.remove("playback")


def said(window) -> list[str]:
    """Everything the sync controller says in the status bar from now on."""
    messages: list[str] = []
    window.controller.status.connect(messages.append)
    return messages


def row_of(window, clip_id: str) -> int:
    return window.proxy.proxy_row_of(clip_id)


def open_table_menu(qtbot, window, row: int) -> QMenu:
    """Right-click on *row* the way the view reports it, and return the menu that opens."""
    for old in window.findChildren(QMenu, "tableMenu"):
        old.close()
        old.setObjectName("")
    table = window.table
    table.customContextMenuRequested.emit(table.visualRect(window.proxy.index(row, COL_TITLE)).center())
    qtbot.waitUntil(lambda: window.findChild(QMenu, "tableMenu") is not None)
    return window.findChild(QMenu, "tableMenu")


def menu_action(menu: QMenu, text: str) -> QAction:
    return next(action for action in menu.actions() if action.text() == text)


# ---------------------------------------------------------------------- point 6: the status bar


def test_unknown_ids_close_with_tasks_not_found_not_with_downloads(qtbot, make_window, relay):
    window = make_window()
    messages = said(window)
    add_through_dialog(qtbot, window, f"{uuid.uuid4()}\n{uuid.uuid4()}")
    qtbot.waitUntil(lambda: any("not found on the relay" in m for m in messages), timeout=WAIT)
    assert "2 tasks not found on the relay. See the Status column." in messages
    assert not any("downloaded" in m for m in messages)


def test_each_run_says_what_it_did_and_f5_says_it_started(qtbot, make_window, relay):
    ids = [relay.add_music_task(title=f"Song {n}", clips=2) for n in range(2)]
    window = make_window()
    messages = said(window)
    add_through_dialog(qtbot, window, "\n".join(ids))
    qtbot.waitUntil(lambda: "4 clips downloaded and tagged." in messages, timeout=WAIT)
    assert all_ready(window, 4)

    messages.clear()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert messages[:1] == ["Syncing…"]
    qtbot.waitUntil(lambda: "Nothing new." in messages, timeout=WAIT)

    messages.clear()  # a refresh of every task that downloads nothing
    qtbot.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Nothing new." in messages, timeout=WAIT)
    assert not any("downloaded" in m for m in messages)

    messages.clear()  # a new file-name template only renames
    window.apply_settings(dataclasses.replace(window.settings, filename_template="{short_id} {title}"))
    qtbot.waitUntil(lambda: "4 clips renamed." in messages, timeout=WAIT)
    assert not any("downloaded" in m for m in messages)


def test_a_relay_error_is_shown_once_whole_on_a_click(qtbot, make_window, relay):
    window = make_window(base_url="http://127.0.0.1:9")
    add_through_dialog(qtbot, window, str(uuid.uuid4()))
    label = window.status.error_label
    qtbot.waitUntil(lambda: "127.0.0.1" in label.text(), timeout=WAIT)
    assert "127.0.0.1" not in window.status.currentMessage()  # not a second copy beside it
    assert label.toolTip().startswith(label.text())
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    box = window.findChild(QMessageBox, "errorDetails")
    assert box is not None and box.text() == label.text()
    box.close()


# ---------------------------------------------------------------------- point 12: menus


def test_select_all_selects_every_row_and_the_menus_show_shortcuts(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    window.table.selectRow(0)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.table.selectionModel().selectedRows()) == 4
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.commands.select_all_action in edit.actions()
    playback = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Playback")
    assert window.playback.play_action in playback.actions()
    assert window.playback.play_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) == "Space"
    assert {window.playback.stop_action, window.playback.shuffle_action} <= set(playback.actions())
    repeat = playback.findChild(QMenu, "repeatMenu")
    assert [a.text() for a in repeat.actions()] == ["Repeat Off", "Repeat All", "Repeat One"]
    # a space typed in the search box is a space, not Play
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Space)
    assert window.search.text() == " " and not window.player.current_clip_id
    window.search.clear()
    # a focused button presses on Space, as the keyboard expects
    window.table.selectRow(0)
    copy_url = window.detail.url_button
    copy_url.setFocus()
    qtbot.waitUntil(copy_url.hasFocus)
    qtbot.keyClick(copy_url, Qt.Key.Key_Space)
    assert QGuiApplication.clipboard().text() == window.detail.record.audio_url
    assert not window.player.current_clip_id


def test_stop_shuffle_and_repeat_change_what_plays_next(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    if not window.player.available:
        pytest.fail(window.player.unavailable_reason)
    player, proxy = window.player, window.proxy
    order = [proxy.index(row, 0).data(CLIP_ID_ROLE) for row in range(proxy.rowCount())]
    window.play_queue.play_clip(order[-1])
    qtbot.waitUntil(lambda: player.current_clip_id == order[-1], timeout=WAIT)

    player.finished.emit(order[-1])  # the last song ends, Repeat off: nothing more
    qtbot.waitUntil(lambda: not player.current_clip_id, timeout=WAIT)

    window.findChild(QAction, "repeat_all").trigger()
    window.play_queue.play_clip(order[-1])
    player.finished.emit(order[-1])  # Repeat All wraps to the first
    qtbot.waitUntil(lambda: player.current_clip_id == order[0], timeout=WAIT)

    window.findChild(QAction, "repeat_one").trigger()
    player.finished.emit(order[0])  # Repeat One plays it again
    qtbot.waitUntil(lambda: player.current_clip_id == order[0] and player.is_playing, timeout=WAIT)
    assert window_state().value("playback/repeat") == "one"

    window.playback.shuffle_action.trigger()
    assert window.playback.shuffle_action.isChecked()
    played = {player.current_clip_id}
    for _ in range(3):  # each song once before any comes again
        window.playback.next_action.trigger()
        played.add(player.current_clip_id)
    assert played == set(order)

    window.playback.stop_action.trigger()
    qtbot.waitUntil(lambda: not player.current_clip_id and not player.is_playing, timeout=WAIT)


def test_repeat_and_shuffle_are_remembered(qtbot, make_window, relay):
    window = make_window()
    window.findChild(QAction, "repeat_all").trigger()
    window.playback.shuffle_action.trigger()
    window.close()
    again = make_window()
    assert again.findChild(QAction, "repeat_all").isChecked()
    assert not again.findChild(QAction, "repeat_off").isChecked()
    assert again.play_queue.order.repeat is RepeatMode.ALL
    assert again.playback.shuffle_action.isChecked() and again.play_queue.order.shuffle


def test_context_menu_says_play_or_pause_for_the_clip(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    if not window.player.available:
        pytest.fail(window.player.unavailable_reason)
    first, second = (window.proxy.index(row, 0).data(CLIP_ID_ROLE) for row in range(2))
    assert menu_action(open_table_menu(qtbot, window, 0), "Play").isEnabled()
    menu_action(open_table_menu(qtbot, window, 0), "Play").trigger()
    qtbot.waitUntil(lambda: window.player.current_clip_id == first and window.player.is_playing, timeout=WAIT)
    assert "Pause" in [a.text() for a in open_table_menu(qtbot, window, row_of(window, first)).actions()]
    menu = open_table_menu(qtbot, window, row_of(window, second))
    assert "Play" in [a.text() for a in menu.actions()] and "Pause" not in [a.text() for a in menu.actions()]
    menu_action(menu, "Play").trigger()  # another clip: it plays, rather than pausing the first
    qtbot.waitUntil(lambda: window.player.current_clip_id == second and window.player.is_playing, timeout=WAIT)
    window.playback.stop_action.trigger()


def test_show_in_folder_without_a_file_manager_says_so(qtbot, make_window, relay, monkeypatch):
    from suno_desktop.ui import library_actions

    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    opened = []
    monkeypatch.setattr(library_actions.QDesktopServices, "openUrl", lambda url: opened.append(url) or False)
    messages = []
    window.library_actions.message.connect(messages.append)
    window.table.selectRow(0)
    qtbot.mouseClick(window.detail.folder_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].toLocalFile() == str(window.library.root)
    assert messages and "No file manager" in messages[-1] and str(window.library.root) in messages[-1]
    assert "No file manager" in window.status.currentMessage()
    menu_action(open_table_menu(qtbot, window, 0), "Show in Folder").trigger()
    assert len(opened) == 2 and len(messages) == 2


# ---------------------------------------------------------------------- point 10: dead ends


def test_a_failed_task_offers_edit_and_create_again_with_what_was_sent(qtbot, make_window, relay, tmp_path):
    task_id = relay.add_music_task(clips=0, final_status="FAILURE", fail_reason="Content filter: lyrics refused.")
    with Library(tmp_path / "Library", create=True) as library:
        journal = SubmissionJournal(library)
        sent = SongRequest.song(title="Night Drive", style="synthwave", lyrics="[Verse]\nNeon on the road")
        journal.accepted(journal.write(sent).submission_id, task_id)
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    row = f"task:{task_id}"
    qtbot.waitUntil(lambda: window.model.status_text(window.model.row_of(row)).startswith("Failed"), timeout=WAIT)
    menu = open_table_menu(qtbot, window, row_of(window, row))
    assert [a.text() for a in menu.actions() if a.text()][:2] == ["Retry", "Edit and Create Again…"]
    edit = menu_action(menu, "Edit and Create Again…")
    assert edit.isEnabled()
    edit.trigger()
    qtbot.waitUntil(lambda: window.findChild(NewSongDialog, "newSongDialog") is not None, timeout=WAIT)
    dialog = window.findChild(NewSongDialog, "newSongDialog")
    assert dialog.title_edit.text() == "Night Drive" and dialog.style_edit.text() == "synthwave"
    assert dialog.lyrics_edit.toPlainText() == "[Verse]\nNeon on the road"
    assert "Content filter" in dialog.notice.text() and "create it again" in dialog.notice.text()
    dialog.close()
    qtbot.waitUntil(lambda: window.findChild(NewSongDialog, "newSongDialog") is None, timeout=WAIT)
    # the detail pane's button does the same for the row it shows
    window.table.selectRow(row_of(window, row))
    button = window.detail.edit_again_button
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=WAIT)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(NewSongDialog, "newSongDialog") is not None, timeout=WAIT)
    assert window.findChild(NewSongDialog, "newSongDialog").title_edit.text() == "Night Drive"
    window.findChild(NewSongDialog, "newSongDialog").close()


def test_a_lyrics_row_cannot_play_or_export_and_offers_a_song_from_its_lyrics(qtbot, make_window, relay):
    task_id = relay.add_lyrics_task(title="Paper Moon", text="[Verse]\nA paper moon tonight")
    window = make_window()
    messages = said(window)
    add_through_dialog(qtbot, window, task_id)
    qtbot.waitUntil(lambda: any(window.model.row(r).is_lyrics for r in range(window.model.rowCount())))
    qtbot.waitUntil(lambda: any("of lyrics received" in m for m in messages), timeout=WAIT)
    row = next(r for r in range(window.proxy.rowCount()) if window.proxy.index(r, COL_TITLE).data() == "Paper Moon")
    window.table.selectRow(row)
    assert not window.commands.export_action.isEnabled() and not window.commands.copy_action.isEnabled()
    assert not window.commands.refresh_action.isEnabled()
    menu = open_table_menu(qtbot, window, row)
    assert not menu_action(menu, "Play").isEnabled() and not menu_action(menu, "Export…").isEnabled()
    menu_action(menu, "Create a Song from These Lyrics…").trigger()  # (the lyrics are read first, on a worker)
    qtbot.waitUntil(lambda: window.findChild(NewSongDialog, "newSongDialog") is not None, timeout=WAIT)
    dialog = window.findChild(NewSongDialog, "newSongDialog")
    assert dialog.tabs.currentIndex() == 1  # Write it yourself
    assert dialog.title_edit.text() == "Paper Moon"
    assert dialog.lyrics_edit.toPlainText() == "[Verse]\nA paper moon tonight"
    dialog.close()


def test_a_run_sentence_counts_what_happened_in_combination():
    from suno_desktop.library.polling import FetchResult, PollRound
    from suno_desktop.library.sync_types import ClipJob, ClipOutcome
    from suno_desktop.model import Task, TaskStatus
    from suno_desktop.ui.sync_run import SyncRun

    run = SyncRun()
    run.start(asked=True)
    failed = Task("t-failed", status=TaskStatus.FAILURE, fail_reason="No.")
    result = FetchResult(tasks={"t-failed": failed}, not_found=["t-a", "t-b"])
    run.polled(PollRound(["t-failed", "t-a", "t-b"], result), [])
    jobs = [ClipJob("new", "New", "new", audio=True), ClipJob("moved", "Moved", "moved", rename=True, retag=True)]
    jobs.append(ClipJob("tagged", "Tagged", "tagged", retag=True))
    jobs.append(ClipJob("broken", "Broken", "broken", audio=True))
    run.scheduled(jobs)
    for clip_id in ("new", "moved", "tagged"):
        run.finished(ClipOutcome(clip_id, clip_id, ok=True))
    run.finished(ClipOutcome("broken", "Broken", ok=False, error="HTTP 404"))
    assert run.close() == (
        "1 clip downloaded and tagged; 1 clip renamed; 1 clip retagged; 1 clip failed (HTTP 404); "
        "2 tasks not found on the relay; 1 task failed on the relay. See the Status column."
    )
    run.start(asked=False)  # a background round that did nothing says nothing
    assert run.close() == ""
    run.start(asked=True)
    assert run.close() == "Nothing new."
    run.start(asked=True)
    run.failed()  # the error is shown on its own
    assert run.close() == ""
