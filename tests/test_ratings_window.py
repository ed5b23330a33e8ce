"""Issue 19, points 1 and 2 in the window: rating clips (stars in the table and the pane, Ctrl+0…5, Rate ▸)
and counting plays (half the song or 4 minutes), each stored in the library and shown in the row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QStandardItemModel
from PySide6.QtWidgets import QMenu, QStyle, QTableView, QToolButton
from window_helpers import WAIT, synced_window

from suno_desktop.media.rating_tags import read_rating
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_LAST_PLAYED, COL_MODEL, COL_PLAYS, COL_RATING, COL_TITLE
from suno_desktop.ui.rating_actions import rating_label
from suno_desktop.ui.rating_cells import FULL_STAR
from suno_desktop.ui.window_layout import window_state


def clip_at(window, row: int) -> str:
    return window.proxy.index(row, 0).data(CLIP_ID_ROLE)


def stars_shown(window, clip_id: str) -> str:
    return window.proxy.index(window.proxy.proxy_row_of(clip_id), COL_RATING).data()


def stored_rating(window, clip_id: str) -> int:
    return window.library.clip(clip_id).rating


def click_star(qtbot, window, row: int, star: int) -> None:
    """Click the middle of the *star*-th star of *row*'s Rating cell, the way a person would."""
    table = window.table
    rect = table.visualRect(window.proxy.index(row, COL_RATING))
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    width = table.fontMetrics().horizontalAdvance(FULL_STAR)
    point = QPoint(rect.left() + margin + int(width * (star - 0.5)), rect.center().y())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_a_click_on_a_star_rates_the_row_and_its_own_star_clears_it(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    assert not window.table.isColumnHidden(COL_RATING)
    clip = clip_at(window, 0)
    assert stars_shown(window, clip) == "☆☆☆☆☆"

    click_star(qtbot, window, 0, 3)
    qtbot.waitUntil(lambda: stars_shown(window, clip) == "★★★☆☆", timeout=WAIT)
    assert stored_rating(window, clip) == 3
    assert window.table.selected_clip_ids() == [clip]  # the click also selects the row
    song = window.library.root / window.library.clip(clip).audio_path
    qtbot.waitUntil(lambda: read_rating(song) == 3, timeout=WAIT)  # the sync re-tagged the file
    # (a rating changed while that re-tag is still committing can come back from the file: the lead knows)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)
    qtbot.waitUntil(lambda: window.detail.stars.stars == 3, timeout=WAIT)  # the pane follows

    star = window.table.visualRect(window.proxy.index(window.proxy.proxy_row_of(clip), COL_RATING)).center()
    with qtbot.assertNotEmitted(window.table.activated_clip):  # a double-click on the stars does not play
        qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=star)
    click_star(qtbot, window, window.proxy.proxy_row_of(clip), 3)  # the rating's own star: cleared
    qtbot.waitUntil(lambda: stars_shown(window, clip) == "☆☆☆☆☆", timeout=WAIT)
    assert stored_rating(window, clip) == 0
    qtbot.waitUntil(lambda: read_rating(song) is None, timeout=WAIT)  # clearing removes it from the file


def test_the_detail_pane_stars_rate_the_clip_it_shows(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    window.table.selectRow(1)
    clip = clip_at(window, 1)
    qtbot.waitUntil(lambda: window.detail.record is not None and window.detail.record.clip_id == clip)
    stars = window.detail.findChild(QToolButton, "star4")
    assert stars.isVisible()
    qtbot.mouseClick(stars, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stars_shown(window, clip) == "★★★★☆", timeout=WAIT)
    assert stored_rating(window, clip) == 4
    qtbot.waitUntil(lambda: window.detail.findChild(QToolButton, "star4").text() == FULL_STAR, timeout=WAIT)
    assert window.detail.findChild(QToolButton, "star5").text() != FULL_STAR
    assert stored_rating(window, clip_at(window, 0)) == 0  # only the clip shown


def test_the_rate_menu_and_ctrl_digits_rate_the_selection(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    table = window.table
    clips = [clip_at(window, row) for row in range(4)]

    # the context menu on the third row: Rate ▸ 5 stars, for that row alone
    row = window.proxy.proxy_row_of(clips[2])
    table.customContextMenuRequested.emit(table.visualRect(window.proxy.index(row, COL_TITLE)).center())
    qtbot.waitUntil(lambda: window.findChild(QMenu, "tableMenu") is not None)
    rate_menu = window.findChild(QMenu, "tableMenu").findChild(QMenu, "rateMenu")
    assert [a.text() for a in rate_menu.actions() if a.text()] == [rating_label(n) for n in range(6)]
    next(a for a in rate_menu.actions() if a.text() == rating_label(5)).trigger()
    qtbot.waitUntil(lambda: stars_shown(window, clips[2]) == "★★★★★", timeout=WAIT)
    assert [stored_rating(window, c) for c in clips] == [0, 0, 5, 0]
    window.findChild(QMenu, "tableMenu").close()

    # Ctrl+3 on two selected rows
    flags = table.selectionModel().SelectionFlag
    table.selectionModel().select(window.proxy.index(0, COL_TITLE), flags.ClearAndSelect | flags.Rows)
    table.selectionModel().select(window.proxy.index(1, COL_TITLE), flags.Select | flags.Rows)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: all(stars_shown(window, c) == "★★★☆☆" for c in clips[:2]), timeout=WAIT)
    assert [stored_rating(window, c) for c in clips] == [3, 3, 5, 0]

    qtbot.keyClick(table, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # Ctrl+0 clears them
    qtbot.waitUntil(lambda: all(stars_shown(window, c) == "☆☆☆☆☆" for c in clips[:2]), timeout=WAIT)
    assert [stored_rating(window, c) for c in clips] == [0, 0, 5, 0]

    rate_actions = [window.findChild(QAction, f"rate{n}Action") for n in range(6)]
    assert all(action.isEnabled() for action in rate_actions)
    table.clearSelection()  # nothing selected: nothing to rate, and the menu says so
    qtbot.waitUntil(lambda: not any(action.isEnabled() for action in rate_actions))


def test_a_song_played_past_its_half_counts_one_play(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    if not window.player.available:
        pytest.fail(window.player.unavailable_reason)
    assert window.table.isColumnHidden(COL_PLAYS) and window.table.isColumnHidden(COL_LAST_PLAYED)
    clip = clip_at(window, 0)
    window.play_queue.play_clip(clip)
    qtbot.waitUntil(lambda: window.library.clip(clip).plays == 1, timeout=WAIT)
    assert window.library.clip(clip).last_played is not None
    row = window.proxy.proxy_row_of(clip)
    qtbot.waitUntil(lambda: window.proxy.index(row, COL_PLAYS).data() == "1", timeout=WAIT)
    assert window.proxy.index(row, COL_LAST_PLAYED).data()
    window.playback.stop_action.trigger()
    assert window.library.clip(clip).plays == 1


def test_plays_shown_by_the_user_stay_shown_and_an_older_layout_keeps_them_hidden(qtbot, make_window):
    window = make_window()
    header = window.table.horizontalHeader()
    assert header.isSectionHidden(COL_PLAYS) and not header.isSectionHidden(COL_RATING)
    window.findChild(QAction, "column_plays").trigger()
    assert not header.isSectionHidden(COL_PLAYS)
    window.close()
    again = make_window()
    assert not again.table.isColumnHidden(COL_PLAYS) and again.table.isColumnHidden(COL_LAST_PLAYED)
    again.close()

    older = QTableView()  # the layout a version with eight columns saved, its Model column hidden
    older.setModel(QStandardItemModel(1, 8))
    older.setColumnHidden(COL_MODEL, True)
    window_state().setValue("window/columns", older.horizontalHeader().saveState())
    window_state().sync()
    upgraded = make_window()
    assert upgraded.table.isColumnHidden(COL_MODEL)  # the user's choice is kept
    assert upgraded.table.isColumnHidden(COL_PLAYS) and upgraded.table.isColumnHidden(COL_LAST_PLAYED)
    assert not upgraded.table.isColumnHidden(COL_RATING)
