"""The search box's "?" (the query syntax) and the sentence under the box for a query that does not parse."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from window_helpers import WAIT, synced_window

from suno_desktop.library.query_parse import FlagName, NumberField, TextField
from suno_desktop.ui.clip_rows import COL_TITLE
from suno_desktop.ui.search_field import syntax_html


def shown_titles(window) -> list[str]:
    return sorted(window.proxy.index(r, COL_TITLE).data() for r in range(window.proxy.rowCount()))


def active_window(qtbot, make_window):
    window = make_window()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def test_the_question_mark_shows_the_syntax_and_escape_closes_it(qtbot, make_window):
    window = active_window(qtbot, make_window)
    button = window.search_field.help_button
    assert button.isVisible() and button.toolTip() == "Search syntax" and button.accessibleName() == "Search syntax"
    popup = window.search_field.syntax
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    text = popup.browser.toPlainText()
    for name in [*TextField, *NumberField]:
        assert f"{name.value}:" in text
    for flag in FlagName:
        assert f"is:{flag.value}" in text
    assert "neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30" in text
    qtbot.waitUntil(lambda: QApplication.focusWidget() is popup.browser, timeout=WAIT)  # the keys scroll it
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT)


def test_the_syntax_is_reached_from_the_box_with_the_keyboard(qtbot, make_window):
    window = active_window(qtbot, make_window)
    popup = window.search_field.syntax
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search, timeout=WAIT)
    qtbot.keyClick(window.search, Qt.Key.Key_Tab)  # the "?" is next after the box
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search_field.help_button, timeout=WAIT)
    qtbot.keyClick(window.search_field.help_button, Qt.Key.Key_Space)
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT)

    window.search.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search, timeout=WAIT)
    qtbot.keyClick(window.search, Qt.Key.Key_F1)  # F1 in the box opens it too
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=WAIT)


def test_the_syntax_is_drawn_in_the_palette_colours():
    """No colour of its own: the popup reads the same in the light and the dark appearance."""
    html = syntax_html().lower()
    assert "color" not in html and "background" not in html and "#" not in html


def test_a_broken_query_is_said_under_the_box_and_keeps_the_rows(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    field, box = window.search_field, window.search
    box.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is box, timeout=WAIT)
    qtbot.keyClicks(box, "style1")
    qtbot.waitUntil(lambda: shown_titles(window) == ["Song 1", "Song 1"], timeout=WAIT)
    assert not field.problem.isVisible()

    qtbot.keyClicks(box, " (rating:>=")  # broken from the "(" on: every key of it keeps the rows
    qtbot.waitUntil(lambda: field.problem.isVisible(), timeout=WAIT)
    assert "rating:>=" in field.problem.text() and field.problem.text().endswith(".")
    assert shown_titles(window) == ["Song 1", "Song 1"]  # the last good query's rows
    under_box = box.mapTo(window, QPoint(0, box.height())).y()
    assert field.problem.geometry().top() >= under_box
    assert QApplication.focusWidget() is box and box.text() == "style1 (rating:>="  # typing goes on
    window.resize(window.width() - 200, window.height())  # it follows the box

    def follows_the_box():
        geometry = field.problem.geometry()
        box_right = box.mapTo(window, QPoint(box.width(), 0)).x()
        return geometry.top() >= under_box and geometry.left() < box_right and geometry.right() <= window.width()

    qtbot.waitUntil(follows_the_box, timeout=WAIT)

    qtbot.keyClicks(box, "0")  # still an unclosed (
    qtbot.waitUntil(lambda: "never closed" in field.problem.text(), timeout=WAIT)
    qtbot.keyClicks(box, ")")  # style1 (rating:>=0): a query that reads
    qtbot.waitUntil(lambda: not field.problem.isVisible(), timeout=WAIT)
    assert field.problem.text() == "" and shown_titles(window) == ["Song 1", "Song 1"]

    box.clear()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 4, timeout=WAIT)
    qtbot.keyClicks(box, "(neon")
    qtbot.waitUntil(lambda: field.problem.isVisible(), timeout=WAIT)
    assert "(" in field.problem.text() and "never closed" in field.problem.text()
    assert window.proxy.rowCount() == 4  # "(" alone broke it already: the empty query's rows stay

    qtbot.keyClick(box, Qt.Key.Key_Escape)  # the box cleared: nothing is wrong any more
    qtbot.waitUntil(lambda: not field.problem.isVisible(), timeout=WAIT)
    assert box.text() == "" and window.proxy.rowCount() == 4
