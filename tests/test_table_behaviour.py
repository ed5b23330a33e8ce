"""The clip table at work in the real window: sort order that holds, widths, the search box, the playing row,
empty states, the Columns menu, the count and the clipboard."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QDialog, QMenu, QPlainTextEdit, QPushButton
from window_helpers import WAIT, add_through_dialog, all_ready, synced_window

from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_DURATION, COL_FILES, COL_MODEL, COL_TAGS, COL_TITLE
from suno_desktop.ui.table_columns import MINIMUM_WIDTHS


def click_header(qtbot, window, column):
    header = window.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def durations(window):
    return [window.model.record(window.proxy.source_row(r)).duration for r in range(window.proxy.rowCount())]


def in_sort_order(values, order):
    return values == sorted(values, reverse=order == Qt.SortOrder.DescendingOrder)


def test_sorted_by_duration_arrivals_take_their_places_and_the_sort_survives_a_restart(qtbot, make_window, relay):
    first = [relay.add_music_task(title=f"First {d}", duration=d, clips=2, video=False) for d in (100, 30)]
    window = make_window()
    add_through_dialog(qtbot, window, "\n".join(first))
    qtbot.waitUntil(lambda: all_ready(window, 4), timeout=WAIT)
    header = window.table.horizontalHeader()
    click_header(qtbot, window, COL_DURATION)  # a first click: shortest first
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DURATION, Qt.SortOrder.AscendingOrder)
    assert durations(window) == [30, 30, 100, 100]
    click_header(qtbot, window, COL_DURATION)  # a second click: longest first
    order = Qt.SortOrder.DescendingOrder
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DURATION, order)
    assert durations(window) == [100, 100, 30, 30]

    later = [relay.add_music_task(title=f"Later {d}", duration=d, clips=2, video=False) for d in (200, 10, 65, 100)]
    add_through_dialog(qtbot, window, "\n".join(later))
    qtbot.waitUntil(lambda: all_ready(window, 12), timeout=WAIT)
    assert in_sort_order(durations(window), order), durations(window)
    assert set(durations(window)) == {10, 30, 65, 100, 200}

    # a changed row moves to its place too
    moved = window.model.record(window.proxy.source_row(0))
    window.model.upsert([replace(moved, duration=500.0)])
    assert in_sort_order(durations(window), order)
    window.close()

    again = make_window()
    assert again.table.horizontalHeader().sortIndicatorSection() == COL_DURATION
    assert again.proxy.rowCount() == 12
    assert in_sort_order(durations(again), order), durations(again)


def no_horizontal_scrollbar_and_files_shown(table):
    header = table.horizontalHeader()
    files_end = header.sectionViewportPosition(COL_FILES) + header.sectionSize(COL_FILES)
    return not table.horizontalScrollBar().isVisible() and files_end <= table.viewport().width()


def test_title_and_tags_take_the_free_width_and_a_vertical_scrollbar_brings_no_horizontal_one(
    qtbot, make_window, relay
):
    window, _ = synced_window(qtbot, make_window, relay, tasks=6)  # 12 rows: more than fit in 600 px
    table = window.table
    window.resize(1600, 600)  # beside the sidebar and the detail pane, every column shown by default fits
    qtbot.waitUntil(lambda: table.verticalScrollBar().isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: no_horizontal_scrollbar_and_files_shown(table), timeout=WAIT)
    narrow = table.columnWidth(COL_TITLE), table.columnWidth(COL_TAGS)
    window.resize(2000, 600)
    qtbot.waitUntil(lambda: table.columnWidth(COL_TITLE) > narrow[0] + 100, timeout=WAIT)
    assert table.columnWidth(COL_TAGS) > narrow[1] + 100
    assert no_horizontal_scrollbar_and_files_shown(table)
    header = table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c))
    assert used >= table.viewport().width() - 2  # no empty space beside cut titles
    # too small for every column: titles and styles stay readable and the table scrolls sideways
    window.resize(800, 500)
    qtbot.waitUntil(lambda: table.columnWidth(COL_TITLE) < narrow[0], timeout=WAIT)
    assert table.columnWidth(COL_TITLE) >= MINIMUM_WIDTHS[COL_TITLE]
    assert table.columnWidth(COL_TAGS) >= MINIMUM_WIDTHS[COL_TAGS]
    # dragging the Title's edge moves the share: Title keeps the width given, Tags takes the rest
    window.resize(1800, 600)
    qtbot.waitUntil(lambda: no_horizontal_scrollbar_and_files_shown(table), timeout=WAIT)
    header.resizeSection(COL_TITLE, table.columnWidth(COL_TITLE) - 120)
    dragged = table.columnWidth(COL_TITLE)
    window.resize(1801, 600)
    qtbot.waitUntil(lambda: no_horizontal_scrollbar_and_files_shown(table), timeout=WAIT)
    assert abs(table.columnWidth(COL_TITLE) - dragged) <= 2


def test_the_search_box_stays_visible_in_a_small_window(qtbot, make_window):
    window = make_window()
    window.resize(800, 500)
    search = window.search

    def in_sight():
        top_left = search.mapTo(window, QPoint(0, 0))
        inside = window.rect().contains(QRect(top_left, search.size()))
        return search.isVisible() and inside and search.width() >= 150

    qtbot.waitUntil(in_sight, timeout=WAIT)
    window.resize(1280, 700)
    qtbot.waitUntil(lambda: in_sight() and search.width() >= 290, timeout=WAIT)


def title_mark(window, row):
    return window.proxy.index(row, COL_TITLE).data(Qt.ItemDataRole.DecorationRole)


def marked_playing(window, row, resting):
    """The row's Title icon is not the one it has out of the player (*resting*: each row's take badge)."""
    icon = title_mark(window, row)
    return isinstance(icon, QIcon) and not icon.isNull() and icon.cacheKey() != resting[row]


def clip_at(window, row):
    return window.proxy.index(row, 0).data(CLIP_ID_ROLE)


def end_song(qtbot, window):
    player = window.player
    qtbot.waitUntil(lambda: player.is_playing and player.duration > 1500, timeout=WAIT)
    player.seek(player.duration - 700)


def test_the_playing_row_is_marked_and_the_current_row_follows_auto_advance(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    if not window.player.available:
        pytest.fail(window.player.unavailable_reason)
    table = window.table
    resting = [title_mark(window, row).cacheKey() for row in range(4)]  # each take's badge (two per task)
    first = table.visualRect(window.proxy.index(0, COL_TITLE)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.waitUntil(lambda: window.player.is_playing, timeout=WAIT)
    qtbot.waitUntil(lambda: marked_playing(window, 0, resting), timeout=WAIT)
    assert not any(marked_playing(window, row, resting) for row in range(1, 4))

    end_song(qtbot, window)  # the next row plays, and the current row follows it
    qtbot.waitUntil(lambda: window.player.current_clip_id == clip_at(window, 1), timeout=WAIT)
    qtbot.waitUntil(lambda: table.currentIndex().row() == 1, timeout=WAIT)
    assert window.detail.record.clip_id == clip_at(window, 1)
    assert marked_playing(window, 1, resting) and not marked_playing(window, 0, resting)

    # the user moves elsewhere: the next auto-advance leaves the current row alone
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(window.proxy.index(3, COL_TITLE)).center()
    )
    end_song(qtbot, window)
    qtbot.waitUntil(lambda: window.player.current_clip_id == clip_at(window, 2), timeout=WAIT)
    assert table.currentIndex().row() == 3
    assert marked_playing(window, 2, resting)


def empty_state_shown(window):
    state = window.empty_state
    return state.isVisible() and state.parentWidget() is window.table.viewport()


def test_an_empty_library_offers_add_tasks_and_new_song(qtbot, make_window, relay):
    window = make_window()
    qtbot.waitUntil(lambda: empty_state_shown(window), timeout=WAIT)
    assert "library is empty" in window.empty_state.message.text()
    state_rect = QRect(window.empty_state.pos(), window.empty_state.size())
    assert window.table.viewport().rect().contains(state_rect)

    qtbot.mouseClick(window.findChild(QPushButton, "emptyAddTasks"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "taskIdsEdit") is not None, timeout=WAIT)
    window.findChild(QPlainTextEdit, "taskIdsEdit").window().reject()
    qtbot.waitUntil(lambda: window.findChild(QPlainTextEdit, "taskIdsEdit") is None, timeout=WAIT)

    qtbot.mouseClick(window.findChild(QPushButton, "emptyNewSong"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "newSongDialog") is not None, timeout=WAIT)
    window.findChild(QDialog, "newSongDialog").reject()

    window.controller.add_tasks([relay.add_music_task(clips=1, video=False)])
    qtbot.waitUntil(lambda: not window.empty_state.isVisible(), timeout=WAIT)


def test_a_search_without_hits_says_so_and_clears_with_a_button_or_escape(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, "xyz")
    qtbot.waitUntil(lambda: empty_state_shown(window), timeout=WAIT)
    assert window.empty_state.message.text() == "No clips match “xyz”."
    assert not window.findChild(QPushButton, "emptyAddTasks").isVisible()
    qtbot.mouseClick(window.findChild(QPushButton, "emptyClearSearch"), Qt.MouseButton.LeftButton)
    assert window.search.text() == "" and window.proxy.rowCount() == 2
    qtbot.waitUntil(lambda: not window.empty_state.isVisible(), timeout=WAIT)

    qtbot.keyClicks(window.search, "Song")
    assert window.search.text() == "Song"
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == "" and window.proxy.rowCount() == 2


def view_columns_menu(window):
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a.menu() for a in view.actions() if a.menu() is not None and a.menu().objectName() == "columnsMenu")


def test_columns_are_shown_and_hidden_from_the_view_menu_and_the_header_and_restored(qtbot, make_window):
    window = make_window()
    header = window.table.horizontalHeader()
    menu = view_columns_menu(window)
    menu.aboutToShow.emit()
    tags = menu.findChild(type(menu.actions()[0]), "column_tags")
    assert tags.isChecked() and not header.isSectionHidden(COL_TAGS)
    tags.trigger()
    assert header.isSectionHidden(COL_TAGS)
    assert not menu.findChild(type(tags), "column_title").isEnabled()  # a row always says which clip it is

    # the header's own menu shows the same, and brings the column back
    header.customContextMenuRequested.emit(QPoint(10, 5))
    popup = header.findChild(QMenu, "columnsMenu")
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=WAIT)
    header_tags = popup.findChild(type(tags), "column_tags")
    assert not header_tags.isChecked()
    header_tags.trigger()
    popup.close()
    assert not header.isSectionHidden(COL_TAGS)
    view_columns_menu(window).findChild(type(tags), "column_model").trigger()
    window.close()

    again = make_window()
    assert again.table.horizontalHeader().isSectionHidden(COL_MODEL)
    assert not again.table.horizontalHeader().isSectionHidden(COL_TAGS)
    menu = view_columns_menu(again)
    menu.aboutToShow.emit()
    assert not menu.findChild(type(tags), "column_model").isChecked()


def test_the_count_counts_clips_whether_searching_or_not(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    unknown = str(uuid.uuid4())
    add_through_dialog(qtbot, window, unknown)
    label = window.status.count_label
    qtbot.waitUntil(lambda: window.model.task_row_count() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: label.text().startswith("4 clips"), timeout=WAIT)
    qtbot.keyClicks(window.search, "Song 1")
    qtbot.waitUntil(lambda: label.text().startswith("2 of 4 clips"), timeout=WAIT)
    window.search.clear()
    qtbot.keyClicks(window.search, "Task")  # only the task row: no clip among the shown rows
    assert window.proxy.rowCount() == 1
    qtbot.waitUntil(lambda: label.text().startswith("0 of 4 clips"), timeout=WAIT)


def test_copy_puts_plain_paths_in_the_text_and_file_urls_in_the_uri_list(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    table = window.table
    table.setFocus()
    table.selectAll()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QGuiApplication.clipboard().mimeData()
    paths = [Path(url.toLocalFile()) for url in mime.urls()]
    assert len(paths) == 2 and all(path.is_file() and path.suffix == ".mp3" for path in paths)
    assert mime.text() == "\n".join(str(path) for path in paths)
    assert "file:" not in mime.text() and "%20" not in mime.text()
