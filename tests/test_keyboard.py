"""The window with the keyboard alone: Tab leaves the table, reaches every part, and the detail follows the row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from window_helpers import WAIT, add_through_dialog, all_ready

from suno_desktop.ui.clip_rows import CLIP_ID_ROLE


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def selected_ids(window) -> list[str]:
    return window.table.selected_clip_ids()


def current_id(window) -> str:
    return window.table.currentIndex().data(CLIP_ID_ROLE)


def synced(qtbot, make_window, relay, tasks=2):
    ids = [relay.add_music_task(title=f"Song {n}", clips=2) for n in range(tasks)]
    window = make_window()
    add_through_dialog(qtbot, window, "\n".join(ids))
    qtbot.waitUntil(lambda: all_ready(window, tasks * 2), timeout=WAIT)
    window.table.selectRow(0)
    window.table.setFocus()
    qtbot.waitUntil(lambda: focused() is window.table)
    return window


def tab_cycle(qtbot, window, limit=40) -> list[QWidget]:
    """Every widget Tab visits from the table until focus comes back to it."""
    visited = []
    for _ in range(limit):
        press(qtbot, Qt.Key.Key_Tab)
        widget = focused()
        if widget is window.table:
            return visited
        visited.append(widget)
    raise AssertionError(f"Tab never came back to the table: {[w.objectName() for w in visited]}")


def test_tab_leaves_the_table_and_reaches_the_detail_pane_the_player_and_the_search(qtbot, make_window, relay):
    window = synced(qtbot, make_window, relay)
    before = selected_ids(window)
    first = focused()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not first, "Tab stayed in the table"
    assert selected_ids(window) == before, "Tab changed the selection"
    window.table.setFocus()
    qtbot.waitUntil(lambda: focused() is window.table)

    visited = tab_cycle(qtbot, window)
    names = [w.objectName() for w in visited]
    assert selected_ids(window) == before
    for wanted in ("detailPlayButton", "playPauseButton", "nextButton", "volumeSlider", "searchBox"):
        assert wanted in names, f"{wanted} cannot be reached with Tab: {names}"
    assert window.side_tabs.tabBar() in visited, "the Details/Video tabs cannot be reached with Tab"
    # a sensible order: the detail pane beside the table, then the player below, then the search box
    assert names.index("detailPlayButton") < names.index("playPauseButton") < names.index("volumeSlider")
    # and Shift+Tab walks the same way back
    press(qtbot, Qt.Key.Key_Backtab)
    assert focused() is visited[-1]


def test_the_tab_bar_switches_to_the_video_with_the_keyboard(qtbot, make_window, relay):
    window = synced(qtbot, make_window, relay)
    window.side_tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: focused() is window.side_tabs.tabBar())
    press(qtbot, Qt.Key.Key_Right)
    assert window.side_tabs.currentWidget() is window.video
    press(qtbot, Qt.Key.Key_Left)
    assert window.side_tabs.currentWidget() is window.detail


def test_the_detail_pane_always_shows_the_current_row(qtbot, make_window, relay):
    window = synced(qtbot, make_window, relay, tasks=3)
    for key, modifier in (
        (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_End, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Home, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier),
    ):
        window.table.setFocus()
        qtbot.waitUntil(lambda: focused() is window.table)
        press(qtbot, key, modifier)
        assert window.detail.record is not None
        assert window.detail.record.clip_id == current_id(window), f"after {key} the detail shows another clip"
        if key == Qt.Key.Key_Tab:  # Ctrl+Tab never walks the rows behind the highlight's back
            assert current_id(window) in selected_ids(window)
    # plain moves select the row they land on, so the highlighted row is the one shown
    window.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert selected_ids(window) == [current_id(window)] == [window.detail.record.clip_id]
