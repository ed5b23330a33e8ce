"""Tasks without clips are rows of their own; refresh, retry, remove; a library folder that goes away."""

from __future__ import annotations

import uuid

import pytest
from mutagen.id3 import ID3
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox
from window_helpers import WAIT, add_through_dialog, all_ready

from suno_desktop.model import ClipState
from suno_desktop.ui.clip_rows import COL_STATUS, COL_TITLE


def statuses(window):
    model = window.model
    return {model.row(row).task_id: model.status_text(row) for row in range(model.rowCount())}


def row_of_task(window, task_id):
    model = window.model
    return next(row for row in range(model.rowCount()) if model.row(row).task_id == task_id)


def test_every_added_task_is_a_row_until_its_clips_replace_it(qtbot, make_window, relay):
    first = relay.add_music_task(clips=2, title="First")
    pending = relay.add_music_task(clips=2, title="Slow", polls_until_success=4)
    failed = relay.add_music_task(final_status="FAILURE", fail_reason="Content filter: lyrics refused.")
    broken = relay.add_music_task(clips=1)
    relay.update_clip(broken, 0, id=None)
    unknown = str(uuid.uuid4())
    last = relay.add_music_task(clips=1, title="Last")
    window = make_window()
    seen_waiting = []
    window.model.rowsInserted.connect(
        lambda *_: seen_waiting.extend(t for t, text in statuses(window).items() if text == "Waiting…")
    )
    add_through_dialog(qtbot, window, "\n".join([first, pending, failed, broken, unknown, last]))
    qtbot.waitUntil(lambda: statuses(window).get(failed, "").startswith("Failed"), timeout=WAIT)
    assert set(seen_waiting) >= {pending, failed, broken, unknown}  # a row from the moment it is added
    text = statuses(window)
    assert text[failed] == "Failed: Content filter: lyrics refused."
    assert text[unknown] == "Not found on the relay"
    assert text[broken].startswith("Could not be read:") and "without an id" in text[broken]
    assert window.model.row(row_of_task(window, unknown)).title == f"Task {unknown}"
    # the slow task shows the relay's progress, then its two clips take its place, in order
    qtbot.waitUntil(
        lambda: (
            statuses(window).get(pending, "").startswith("Generating")
            or sum(r.task_id == pending for r in window.model.rows()) == 2
        ),
        timeout=WAIT,
    )
    qtbot.waitUntil(
        lambda: sum(r.task_id == pending and r.state == ClipState.READY for r in window.model.rows()) == 2,
        timeout=WAIT,
    )
    order = [window.model.row(n).task_id for n in range(window.model.rowCount())]  # as shown
    assert order == [first, first, pending, pending, failed, broken, unknown, last]
    # the count follows the rows on the window's own timer: the last rows may have come a moment ago
    qtbot.waitUntil(lambda: window.status.count_label.text() == "5 clips · 3 task(s) without songs", timeout=WAIT)
    assert window.findChild(QMessageBox, "errorDialog") is None  # said in the rows, not in dialogs


def test_retry_fetches_a_task_again_and_its_clips_arrive(qtbot, make_window, relay):
    task_id = str(uuid.uuid4())
    window = make_window()
    add_through_dialog(qtbot, window, task_id)
    qtbot.waitUntil(lambda: statuses(window).get(task_id) == "Not found on the relay", timeout=WAIT)
    relay.add_music_task(task_id, clips=2, title="Late Arrival")  # the relay knows it now
    row = row_of_task(window, task_id)
    rect = window.table.visualRect(window.proxy.index(row, COL_TITLE))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window.table.customContextMenuRequested.emit(rect.center())
    menu = window.findChild(QMenu, "tableMenu")
    assert menu is not None and [a.text() for a in menu.actions() if a.text()] == ["Retry", "Remove from Library"]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)
    assert {window.model.row(r).title for r in range(2)} == {"Late Arrival"}


def test_removing_a_task_row_stops_asking_about_it(qtbot, make_window, relay):
    unknown = str(uuid.uuid4())
    keep = relay.add_music_task(clips=1)
    window = make_window()
    add_through_dialog(qtbot, window, f"{unknown}\n{keep}")
    qtbot.waitUntil(
        lambda: (
            statuses(window).get(unknown) == "Not found on the relay"
            and all(
                window.model.row(r).state == ClipState.READY
                for r in range(window.model.rowCount())
                if window.model.row(r).task_id == keep
            )
        ),
        timeout=WAIT,
    )
    window.table.selectRow(row_of_task(window, unknown))
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "removeDialog") is not None)
    box = window.findChild(QMessageBox, "removeDialog")
    assert "1 task(s)" in box.text()
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: unknown not in statuses(window), timeout=WAIT)
    assert [t.task_id for t in window.library.tasks()] == [keep]
    relay.reset_counters()
    window.activateWindow()  # as the window manager does once the box is gone (offscreen has none)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)  # refresh everything
    qtbot.waitUntil(lambda: relay.poll_counts.get(keep) == 1, timeout=WAIT)
    qtbot.wait(200)
    assert not any(unknown in str(r.json_body) or unknown in r.path for r in relay.api_requests)
    assert unknown not in statuses(window)


def test_refresh_from_relay_retags_a_changed_title(qtbot, make_window, relay):
    task = relay.add_music_task(clips=2, title="Before")
    window = make_window()
    add_through_dialog(qtbot, window, task)
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)
    relay.update_clip(task, 1, title="After")
    relay.media.reset_counters()
    qtbot.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    changed = relay.clip_ids(task)[1]
    qtbot.waitUntil(
        lambda: (
            window.model.record_for(changed).title == "After"
            and window.model.record_for(changed).state == ClipState.READY
        ),
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: window.model.record_for(changed).audio_path.startswith("After ["), timeout=WAIT)
    record = window.model.record_for(changed)
    assert ID3(window.library.root / record.audio_path)["TIT2"].text == ["After"]
    assert relay.media.requests == []


def test_a_playing_clip_that_refresh_renames_plays_on_under_its_new_name(qtbot, make_window, relay):
    task = relay.add_music_task(clips=1, title="Before")
    window = make_window()
    add_through_dialog(qtbot, window, task)
    qtbot.waitUntil(lambda: all_ready(window, 1), timeout=WAIT)
    if not window.player.available:
        pytest.fail(window.player.unavailable_reason)
    clip_id = relay.clip_ids(task)[0]
    table = window.table
    rect = table.visualRect(window.proxy.index(window.proxy.proxy_row_of(clip_id), COL_TITLE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.player.is_playing and window.player.position >= 1500, timeout=WAIT)
    relay.update_clip(task, 0, title="After")
    released = []
    window.controller.about_to_write.connect(released.append)
    before = window.player.position
    qtbot.keyClick(window, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: window.player.current_path is not None and window.player.current_path.name.startswith("After ["),
        timeout=WAIT,
    )
    qtbot.waitUntil(lambda: window.player.is_playing, timeout=WAIT)
    assert released == [clip_id]  # let go of while its file was rewritten
    assert window.player.current_clip_id == clip_id and window.player.released_clip_id == ""
    qtbot.waitUntil(lambda: window.player.position >= before, timeout=WAIT)  # where it was, not from the start
    assert ID3(window.player.current_path)["TIT2"].text == ["After"]
    if window.video.available:  # the detail pane's video was let go of too, and shows the renamed file
        qtbot.waitUntil(
            lambda: (window.video.current_path or window.library.root).name.startswith("After ["), timeout=WAIT
        )
        assert window.video.released_clip_id == ""


def test_library_folder_that_goes_away_pauses_and_comes_back(qtbot, make_window, relay, tmp_path):
    task = relay.add_music_task(clips=2)
    window = make_window()
    add_through_dialog(qtbot, window, task)
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)
    root = window.library.root
    away = tmp_path / "unplugged"
    root.rename(away)
    try:
        qtbot.waitUntil(window.library_banner.isVisible, timeout=WAIT)
        assert str(root) in window.library_banner.sentence.text()
        assert "paused" in window.library_banner.sentence.text()
        assert window.controller.paused
        qtbot.keyClick(window, Qt.Key.Key_F5)  # a sync asked for now is refused, not failed
        assert all(window.model.row(r).state == ClipState.READY for r in range(2))
        assert [window.model.status_text(r) for r in range(2)] == ["Ready", "Ready"]
    finally:
        away.rename(root)
    qtbot.waitUntil(lambda: not window.library_banner.isVisible(), timeout=WAIT)
    assert not window.controller.paused
    assert all(r.state == ClipState.READY for r in window.library.clips())  # nothing marked missing
    later = relay.add_music_task(clips=1, title="After the drive came back")
    add_through_dialog(qtbot, window, later)
    qtbot.waitUntil(lambda: all_ready(window, 3), timeout=WAIT)
    assert window.model.status_text(row_of_task(window, later)) == "Ready"
    assert window.model.data(window.proxy.index(0, COL_STATUS)) is not None
