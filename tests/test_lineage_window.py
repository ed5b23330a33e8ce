"""The detail pane says which take a clip is, what it was made from and what was made from it; links select."""

from PySide6.QtCore import Qt
from window_helpers import WAIT, add_through_dialog, all_ready, synced_window

from suno_desktop.ui.clip_lineage import LINK_PREFIX


def current_clip_id(window):
    record = window.detail.record
    return record.clip_id if record is not None else None


def select(qtbot, window, clip_id):
    row = window.proxy.proxy_row_of(clip_id)
    window.table.setFocus()
    window.table.selectRow(row)
    qtbot.waitUntil(lambda: current_clip_id(window) == clip_id, timeout=WAIT)


def test_an_extension_links_to_its_parent_and_the_parent_lists_it(qtbot, make_window, relay):
    window, (task,) = synced_window(qtbot, make_window, relay, tasks=1)
    parent = window.model.record(0)
    first_take = min((window.model.record(r) for r in range(2)), key=lambda r: r.position)
    extension_task = relay.add_music_task(title="Song 0 (extended)", clips=1)
    with relay.edit_task(extension_task) as edited:
        edited.clips[0].update(continue_clip_id=parent.clip_id, continue_at=61.0)
    add_through_dialog(qtbot, window, extension_task)
    qtbot.waitUntil(lambda: all_ready(window, 3), timeout=WAIT)
    extension = next(window.model.record(r) for r in range(3) if window.model.record(r).task_id == extension_task)

    label = window.detail.lineage
    select(qtbot, window, extension.clip_id)
    qtbot.waitUntil(lambda: label.isVisible() and "Extended from" in label.text(), timeout=WAIT)
    assert "at 1:01" in label.text() and "Take" not in label.text()  # one take: nothing to say of takes

    select(qtbot, window, first_take.clip_id)
    qtbot.waitUntil(lambda: "Take 1 of 2" in label.text(), timeout=WAIT)
    select(qtbot, window, parent.clip_id)
    qtbot.waitUntil(lambda: "Extensions:" in label.text() and "Song 0 (extended)" in label.text(), timeout=WAIT)

    label.linkActivated.emit(f"{LINK_PREFIX}{extension.clip_id}")  # what a click on the link sends
    qtbot.waitUntil(lambda: current_clip_id(window) == extension.clip_id, timeout=WAIT)

    window.search.setText("nothing matches this")
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 0, timeout=WAIT)
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    window.select_clip(parent.clip_id)
    assert any("hidden by the search" in m for m in messages)
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
