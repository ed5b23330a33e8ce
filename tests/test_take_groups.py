"""Takes in the table: the Title cell's take badge and ↳ mark, View → Group Takes (order, separators, remembered)."""

from __future__ import annotations

import random
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QPalette
from record_helpers import clip_record
from window_helpers import WAIT, add_through_dialog, all_ready

from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_CREATED, COL_DURATION, COL_TITLE
from suno_desktop.ui.clip_table_model import ClipTableModel

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder

# two takes per task whose sort keys interleave: a plain sort by title or duration splits each task
TAKES = {"A": [("Alpha", 40), ("Delta", 10)], "B": [("Bravo", 30), ("Charlie", 20)]}


def add_tasks(relay, takes: dict) -> dict[str, str]:
    """A relay task per entry, each clip with its title and duration; the relay's task id by name."""
    ids = {}
    for name, clips in takes.items():
        ids[name] = relay.add_music_task(title=clips[0][0], tags=f"{name.lower()}group rock", clips=len(clips))
        for position, (title, duration) in enumerate(clips):
            relay.update_clip(ids[name], position, title=title, duration=duration)
    return ids


def takes_window(qtbot, make_window, relay):
    """Tasks A and B (two takes each) and an extension of A's first take, synced into a new window."""
    ids = add_tasks(relay, TAKES)
    window = make_window()
    add_through_dialog(qtbot, window, "\n".join(ids.values()))
    qtbot.waitUntil(lambda: all_ready(window, 4), timeout=WAIT)
    parent = next(r for r in window.model.records() if r.title == "Alpha")
    ids["E"] = relay.add_music_task(title="Echo", clips=1, duration=50)
    with relay.edit_task(ids["E"]) as edited:
        edited.clips[0].update(continue_clip_id=parent.clip_id, continue_at=61.0)
    add_through_dialog(qtbot, window, ids["E"])
    qtbot.waitUntil(lambda: all_ready(window, 5), timeout=WAIT)
    return window, ids


def shown_records(window):
    return [window.model.record(window.proxy.source_row(row)) for row in range(window.proxy.rowCount())]


def sort_value(record, column):
    return {COL_TITLE: record.title.casefold(), COL_DURATION: record.duration, COL_CREATED: record.created_at}[column]


def grouped_as_asked(records, column, order) -> bool:
    """Each task's rows together, by take, the tasks in the sort of their best take."""
    tasks = [r.task_id for r in records]
    runs = [task for n, task in enumerate(tasks) if n == 0 or tasks[n - 1] != task]
    if len(runs) != len(set(runs)):
        return False  # a task's takes apart
    best_of = {}
    for record in records:
        takes = [r for r in records if r.task_id == record.task_id]
        if [r.position for r in takes] != sorted(r.position for r in takes):
            return False
        values = [sort_value(r, column) for r in takes]
        best_of[record.task_id] = max(values) if order == DESC else min(values)
    bests = [best_of[task] for task in runs]
    return bests == sorted(bests, reverse=order == DESC)


def group_takes_action(window) -> QAction:
    return window.findChild(QAction, "groupTakesAction")


def view_menu_action(window, text):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view_menu.actions() if a.text() == text)


def test_the_title_cell_marks_the_take_and_an_extension_with_a_tooltip_that_says_so(qtbot, make_window, relay):
    window, ids = takes_window(qtbot, make_window, relay)
    proxy = window.proxy
    marks = {}
    for row in range(proxy.rowCount()):
        record = window.model.record(proxy.source_row(row))
        index = proxy.index(row, COL_TITLE)
        tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
        marks[record.title] = index.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(marks[record.title], QIcon) and not marks[record.title].isNull()
        if record.task_id == ids["E"]:  # one take: no badge, but it goes on from Alpha
            assert tooltip == "Echo\nExtended from Alpha at 1:01"
        else:
            assert tooltip == f"{record.title}\nTake {record.position + 1} of 2"
    keys = {title: icon.cacheKey() for title, icon in marks.items()}
    assert keys["Alpha"] == keys["Bravo"] and keys["Delta"] == keys["Charlie"]  # one icon per distinct mark
    assert len({keys["Alpha"], keys["Delta"], keys["Echo"]}) == 3


def test_group_takes_keeps_a_tasks_takes_together_under_every_sort_through_syncs_searches_and_restarts(
    qtbot, make_window, relay
):
    window, ids = takes_window(qtbot, make_window, relay)
    action = group_takes_action(window)
    assert view_menu_action(window, "Group Takes") is action and action.isCheckable() and not action.isChecked()
    window.table.sortByColumn(COL_TITLE, ASC)
    assert [r.title for r in shown_records(window)] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]

    action.trigger()
    assert action.isChecked() and window.model.group_takes
    assert [r.title for r in shown_records(window)] == ["Alpha", "Delta", "Bravo", "Charlie", "Echo"]
    for column in (COL_TITLE, COL_DURATION, COL_CREATED):
        for order in (ASC, DESC):
            window.table.sortByColumn(column, order)
            assert grouped_as_asked(shown_records(window), column, order), (column, order)

    window.table.sortByColumn(COL_DURATION, ASC)  # A's best is Delta (10), B's Charlie (20)
    assert [r.title for r in shown_records(window)] == ["Alpha", "Delta", "Bravo", "Charlie", "Echo"]
    delta = next(r for r in window.model.records() if r.title == "Delta")
    window.model.upsert([replace(delta, duration=45.0)])  # a sync changes a take: A's best is now Alpha (40)
    assert [r.title for r in shown_records(window)] == ["Bravo", "Charlie", "Alpha", "Delta", "Echo"]

    more = add_tasks(relay, {"C": [("Golf", 35), ("Hotel", 5)]})  # a sync adds a task
    add_through_dialog(qtbot, window, more["C"])
    qtbot.waitUntil(lambda: all_ready(window, 7), timeout=WAIT)
    assert grouped_as_asked(shown_records(window), COL_DURATION, ASC), [r.title for r in shown_records(window)]
    assert [r.title for r in shown_records(window)][:2] == ["Golf", "Hotel"]

    window.search.setText("rock")  # A, B and C, not the extension
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 6, timeout=WAIT)
    assert grouped_as_asked(shown_records(window), COL_DURATION, ASC)
    window.table.sortByColumn(COL_TITLE, DESC)
    assert [r.title for r in shown_records(window)] == ["Golf", "Hotel", "Alpha", "Delta", "Bravo", "Charlie"]
    window.search.clear()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == 7, timeout=WAIT)
    window.close()

    again = make_window()
    qtbot.waitUntil(lambda: again.proxy.rowCount() == 7, timeout=WAIT)
    assert group_takes_action(again).isChecked() and again.model.group_takes
    assert grouped_as_asked(shown_records(again), COL_TITLE, DESC)
    group_takes_action(again).trigger()  # off again: a plain sort splits the tasks
    assert [r.title for r in shown_records(again)] == ["Hotel", "Golf", "Echo", "Delta", "Charlie", "Bravo", "Alpha"]


def test_a_grouped_table_draws_a_quiet_line_between_tasks(qtbot, make_window, relay):
    window, _ = takes_window(qtbot, make_window, relay)
    table = window.table
    table.sortByColumn(COL_TITLE, ASC)
    table.clearSelection()
    group_takes_action(window).trigger()
    mid = table.palette().color(QPalette.ColorRole.Mid).rgb()

    def top_line(row):
        image = table.viewport().grab().toImage()
        y = table.rowViewportPosition(row)
        return [image.pixelColor(x, y).rgb() == mid for x in range(5, table.viewport().width() - 5, 37)]

    ids = [window.proxy.index(row, 0).data(CLIP_ID_ROLE) for row in range(window.proxy.rowCount())]
    assert len(ids) == 5  # Alpha, Delta | Bravo, Charlie | Echo
    assert all(top_line(2)) and all(top_line(4))  # a new task begins
    assert not any(top_line(1)) and not any(top_line(3))  # the second take of a task
    group_takes_action(window).trigger()
    assert not any(top_line(2))


def test_takes_moved_by_changes_land_where_sorting_again_puts_them(qtbot):
    """The grouped table a sync keeps up (groups moved one by one) equals the one a new sort makes."""
    rng = random.Random(5)
    durations = iter(rng.sample(range(1, 100_000), 5_000))  # distinct: no tie to break either way
    records = [
        clip_record(
            f"clip-{task}-{take}",
            task_id=f"task-{task}",
            position=take,
            title=rng.choice(("Neon", "Rain", "Blue")),
            duration=float(next(durations)),
        )
        for task in range(300)
        for take in range(rng.choice((1, 2, 2, 3)))
    ]
    for order in (ASC, DESC):
        kept = ClipTableModel()
        kept.set_records(records, [(False, False, False)] * len(records))
        kept.set_group_takes(True)
        kept.sort(COL_DURATION, order)
        for _ in range(20):
            changed = [replace(r, duration=float(next(durations))) for r in rng.sample(records, 3)]
            task = f"new-{rng.randrange(10**9)}"
            added = [
                clip_record(f"{task}-{n}", task_id=task, position=n, duration=float(next(durations))) for n in (0, 1)
            ]
            late = [
                clip_record(
                    f"{changed[0].task_id}-late",
                    task_id=changed[0].task_id,
                    position=9,
                    duration=float(next(durations)),
                )
            ]
            kept.upsert([*changed, *added, *late])
            records = [*{r.clip_id: r for r in [*records, *changed, *added, *late]}.values()]
        kept.sort(COL_TITLE, order)  # by another column and back: the groups carried along the sorts
        kept.sort(COL_DURATION, order)
        fresh = ClipTableModel()
        fresh.set_group_takes(True)
        fresh.sort(COL_DURATION, order)
        fresh.set_records(records, [(False, False, False)] * len(records))
        shown = [kept.row(n).row_id for n in range(kept.rowCount())]
        assert shown == [fresh.row(n).row_id for n in range(fresh.rowCount())]
        assert all(kept.row_of(row_id) == n for n, row_id in enumerate(shown))  # the index moved too


def test_a_group_that_loses_its_best_take_moves_to_where_its_others_sort():
    """Group Takes by duration: removing a task's shortest take puts the task where its remaining take sorts."""
    records = [
        clip_record("a1", task_id="a", position=0, duration=10.0),
        clip_record("a2", task_id="a", position=1, duration=50.0),
        clip_record("b1", task_id="b", position=0, duration=20.0),
        clip_record("b2", task_id="b", position=1, duration=30.0),
    ]
    model = ClipTableModel()
    model.set_records(records, [(False, False, False)] * len(records))
    model.set_group_takes(True)
    model.sort(COL_DURATION, ASC)
    shown = lambda: [model.row(n).row_id for n in range(model.rowCount())]  # noqa: E731
    assert shown() == ["a1", "a2", "b1", "b2"]
    model.remove_ids(["a1"])
    assert shown() == ["b1", "b2", "a2"]
