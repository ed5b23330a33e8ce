"""The clip table's model and proxy on their own: search, sort and updates keep rows consistent."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QItemSelection, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QTableView
from record_helpers import clip_record
from window_helpers import select_random_rows

from suno_desktop.library.query_select import distinct_words
from suno_desktop.model import ClipRecord, ClipState, ClipStatus, FilesOnDisk
from suno_desktop.ui import clip_filter_proxy
from suno_desktop.ui.clip_filter_proxy import ClipFilterProxy
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_DURATION, COL_FILES, COL_STATUS, COL_TAGS, COL_TITLE
from suno_desktop.ui.clip_table_model import ClipTableModel
from suno_desktop.ui.clip_table_view import ClipTableView
from suno_desktop.ui.table_search import row_text

WORDS = ("neon", "river", "echo", "glass", "night", "Ünïcode", "rain", "fire")


def make_record(n: int, rng: random.Random) -> ClipRecord:
    return clip_record(
        f"clip-{n:05d}",
        task_id=f"task-{n // 2}",
        position=n % 2,
        title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}",
        tags=rng.choice(WORDS) + " pop",
        lyrics="\n".join(" ".join(rng.choice(WORDS) for _ in range(4)) for _ in range(3)),
        model="chirp-v4",
        duration=float(rng.randint(30, 240)),
    )


def expected_ids(records, text: str) -> set[str]:
    """Plain words: each must be in the title, the style or the lyrics (case ignored)."""
    words = text.casefold().split()
    return {r.clip_id for r in records if all(w in f"{r.title}\n{r.tags}\n{r.lyrics}".casefold() for w in words)}


def kept(record: ClipRecord) -> ClipRecord:
    """*record* as the table keeps it: its lyrics are in its search text only (table_search.lean_row)."""
    return replace(record, lyrics=None)


def shown_ids(proxy) -> list[str]:
    return [proxy.index(row, 0).data(CLIP_ID_ROLE) for row in range(proxy.rowCount())]


def table_over(records: list[ClipRecord], model_class=ClipTableModel, view_class=QTableView, words_later=False):
    """A table of *records*; *words_later*: their search texts come after them, as when the window opens a library."""
    model = model_class()
    given = [replace(r, lyrics=None) for r in records] if words_later else records  # as library_rows reads them
    model.set_records(given, [(False, False, False)] * len(records), words_later=words_later)
    if words_later:
        texts = [row_text(r) for r in records]
        model.set_texts(model.rows(), texts, list(map(distinct_words, texts)))
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    view = view_class()
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    return model, proxy, view


@pytest.fixture
def table(qtbot):
    rng = random.Random(7)
    records = [make_record(n, rng) for n in range(400)]
    model, proxy, view = table_over(records, view_class=ClipTableView)
    qtbot.addWidget(view)
    view.show()
    return model, proxy, view, records, rng


def test_typing_widening_and_pasting_match_a_plain_search(table):
    model, proxy, _view, records, _rng = table
    # narrowing (one more letter), widening (backspace), a jump to other text, clearing
    for text in ("e", "ec", "ech", "echo", "ech", "RAIN", "rain f", "ünï", "Ü", "", "zzz", "", "  night  "):
        proxy.set_filter_text(text)
        assert set(shown_ids(proxy)) == expected_ids(records, text), text
        assert proxy.rowCount() == model.rowCount() == len(expected_ids(records, text))
        assert model.clip_count() == len(records)


def test_selection_and_current_row_follow_their_clip_through_the_search(table):
    model, proxy, view, records, _rng = table
    keep = next(r for r in records if "echo" in r.title.casefold())
    hide = next(r for r in records if "echo" not in f"{r.title}\n{r.tags}\n{r.lyrics}".casefold())
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(proxy.index(proxy.proxy_row_of(hide.clip_id), 0), flags)
    selection.setCurrentIndex(proxy.index(proxy.proxy_row_of(keep.clip_id), 0), flags)

    proxy.set_filter_text("echo")

    assert view.currentIndex().data(CLIP_ID_ROLE) == keep.clip_id
    selected = {index.data(CLIP_ID_ROLE) for index in selection.selectedRows()}
    assert selected == {keep.clip_id}  # the hidden clip left the selection
    assert model.row_of(hide.clip_id) is None and model.record_for(hide.clip_id) == kept(hide)

    proxy.set_filter_text("")
    assert view.currentIndex().data(CLIP_ID_ROLE) == keep.clip_id
    selected = {index.data(CLIP_ID_ROLE) for index in selection.selectedRows()}
    assert selected == {keep.clip_id, hide.clip_id}  # a search forgets no selected row


def test_a_current_row_the_search_hides_is_current_again_when_shown(table):
    """The detail pane shows the current row: hidden by a search, it comes back with it, unless another was chosen."""
    _model, proxy, view, records, _rng = table
    hide = next(r for r in records if "echo" not in f"{r.title}\n{r.tags}\n{r.lyrics}".casefold())
    view.selectRow(proxy.proxy_row_of(hide.clip_id))
    for text in ("echo", "echo r", "rating:>=0 echo"):  # typing on, and a query, hide it all along
        proxy.set_filter_text(text)
        assert not view.currentIndex().isValid(), text
    proxy.set_filter_text("")
    assert view.currentIndex().data(CLIP_ID_ROLE) == hide.clip_id
    assert [index.data(CLIP_ID_ROLE) for index in view.selectionModel().selectedRows()] == [hide.clip_id]

    proxy.set_filter_text("echo")
    view.selectRow(0)  # the user chose another row meanwhile: it stays current
    chosen = view.currentIndex().data(CLIP_ID_ROLE)
    proxy.set_filter_text("")
    assert view.currentIndex().data(CLIP_ID_ROLE) == chosen != hide.clip_id


def test_sorting_while_searching_sorts_the_shown_clips_and_keeps_the_search(table):
    model, proxy, _view, records, _rng = table
    proxy.set_filter_text("rain")
    proxy.sort(COL_DURATION, Qt.SortOrder.DescendingOrder)
    durations = [model.record(row).duration for row in range(model.rowCount())]
    assert durations == sorted(durations, reverse=True)
    assert set(shown_ids(proxy)) == expected_ids(records, "rain")

    proxy.set_filter_text("")
    titles = [proxy.index(row, COL_TITLE).data() for row in range(proxy.rowCount())]
    assert len(titles) == len(records)
    all_durations = [model.record(row).duration for row in range(model.rowCount())]
    assert all_durations == sorted(all_durations, reverse=True)


def test_updates_arrivals_and_removals_while_searching(table):
    model, proxy, _view, records, rng = table
    proxy.set_filter_text("glass")
    shown_before = shown_ids(proxy)

    # a shown clip changes so it no longer matches: it stays until the search changes
    changed = replace(model.record_for(shown_before[0]), title="Plain", tags="", lyrics="")
    model.upsert([changed])
    assert shown_ids(proxy) == shown_before
    assert proxy.index(0, COL_TITLE).data() == "Plain"

    # new clips appear only when they match
    arriving = [
        replace(make_record(1000, rng), title="Glass House"),
        replace(make_record(1001, rng), title="X", tags="", lyrics=""),
    ]
    model.upsert(arriving)
    assert "clip-01000" in shown_ids(proxy) and "clip-01001" not in shown_ids(proxy)
    assert model.record_for("clip-01001") is not None and model.clip_count() == len(records) + 2

    # removing a shown and a hidden clip
    hidden = next(r.clip_id for r in records if r.clip_id not in expected_ids(records, "glass"))
    model.remove_ids([shown_before[1], hidden])
    assert shown_before[1] not in shown_ids(proxy)
    assert model.record_for(hidden) is None and model.record_for(shown_before[1]) is None
    assert model.clip_count() == len(records)

    proxy.set_filter_text("")
    everything = [r for r in records if r.clip_id not in (shown_before[1], hidden, changed.clip_id)]
    assert set(shown_ids(proxy)) == {r.clip_id for r in everything} | {changed.clip_id, "clip-01000", "clip-01001"}
    for row in range(model.rowCount()):  # every row's data is its own clip's
        assert model.row_of(model.record(row).clip_id) == row


# --------------------------------------------------------------------------- random sequences
# Search, sort, updates, removals and selection in random order, checked against a plain
# list of the same clips: rows, their data, row_of, the selection and the current row.
# Rule under test: a clip updated in place stays shown (or hidden) until the search changes.

ALPHA = "abc"
SORT_COLS = (COL_TITLE, COL_TAGS, COL_DURATION)


def rtext(rng, n=3):
    return "".join(rng.choice(ALPHA) for _ in range(rng.randint(0, n)))


def make(n, rng):
    return clip_record(
        f"c{n:04d}",
        title=rtext(rng),
        tags=rtext(rng),
        lyrics=rtext(rng),
        model="m",
        duration=float(rng.randint(1, 4)),
    )


def text(r):
    return f"{r.title}\n{r.tags}\n{r.lyrics}".casefold()


def key(col, r):
    if col == COL_TITLE:
        return r.title.casefold()
    if col == COL_TAGS:
        return r.tags.casefold()
    return r.duration


def placed_like_a_stable_sort(order, moved, key_of, sort_order):
    """*order* with *moved* taken out and put back as a stable sort would place each one last."""
    descending = sort_order == Qt.SortOrder.DescendingOrder
    rest = [c for c in order if c not in moved]
    for c in (c for c in order if c in moved):
        keys = [key_of(o) for o in rest]
        at = len(rest)
        for n, k in enumerate(keys):
            if (k < key_of(c)) if descending else (key_of(c) < k):
                at = n
                break
        rest.insert(at, c)
    return rest


def run(seed, steps=150):
    rng = random.Random(seed)
    counter = [0]

    def new():
        counter[0] += 1
        return make(counter[0], rng)

    recs = [new() for _ in range(rng.randint(0, 25))]
    # every other seed: the rows first and their texts after, as a library opens (searches in its order)
    model, proxy, view = table_over(recs, view_class=ClipTableView, words_later=seed % 2 == 1)
    sel = view.selectionModel()

    order = [r.clip_id for r in recs]
    rec = {r.clip_id: r for r in recs}
    shown = set(order)
    needle = ""
    ref_sel: set[str] = set()
    ref_cur = None
    hidden_cur = None  # the current clip while a search hides it: current again when a search shows it
    searched = ""  # the proxy's last query (a search runs when it changes, results or not)
    sort_state = None  # (column, order) once sorted: arrivals and changed rows then take their sorted places
    log = []

    def check():
        exp = [c for c in order if c in shown]
        got = [proxy.index(r, 0).data(CLIP_ID_ROLE) for r in range(proxy.rowCount())]
        assert model.rowCount() == proxy.rowCount()
        assert got == exp, (got, exp)
        for r in range(model.rowCount()):
            cid = model.record(r).clip_id
            assert model.row_of(cid) == r
            assert model.record(r) == kept(rec[cid])
            assert proxy.index(r, COL_TITLE).data() == (rec[cid].title or "Untitled")
        for c in rec:
            assert model.record_for(c) == kept(rec[c])
        assert model.clip_count() == len(rec)
        got_sel = {i.data(CLIP_ID_ROLE) for i in sel.selectedRows()}
        assert got_sel <= shown
        assert got_sel == ref_sel & shown, (got_sel, ref_sel & shown)
        cur = view.currentIndex()
        if ref_cur in shown:
            assert cur.isValid() and cur.data(CLIP_ID_ROLE) == ref_cur
        else:
            assert not cur.isValid(), cur.data(CLIP_ID_ROLE)

    try:
        for _step in range(steps):
            op = rng.choice(["filter", "filter", "sort", "upsert", "upsert", "remove", "select"])
            removed_any = False
            if op == "filter":
                t = rng.choice(["", "a", "ab", "abc", "b", "bc", "c", "ca", " A ", "ba"])
                log.append(("filter", t))
                proxy.set_filter_text(t)
                if t.strip() != searched:
                    searched = t.strip()
                    if searched.casefold() != needle:  # (the same words: the rows shown stay as they are)
                        needle = searched.casefold()
                        shown = {c for c in order if needle in text(rec[c])}
                    if ref_cur is not None:
                        hidden_cur = ref_cur
                    if ref_cur in shown:
                        hidden_cur = None
                    elif hidden_cur in shown:
                        ref_cur, hidden_cur = hidden_cur, None
            elif op == "sort":
                col = rng.choice(SORT_COLS)
                o = rng.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
                log.append(("sort", col, o))
                proxy.sort(col, o)
                order = sorted(order, key=lambda c: key(col, rec[c]), reverse=o == Qt.SortOrder.DescendingOrder)
                sort_state = (col, o)
            elif op == "upsert":
                batch, used = [], set()
                for _ in range(rng.randint(1, 5)):
                    kind = rng.choice(["new", "update", "update", "removed"]) if rec else "new"
                    if kind == "new":
                        batch.append(new())
                    else:
                        c = rng.choice(order)
                        if c in used:
                            continue
                        used.add(c)
                        if kind == "update":
                            batch.append(
                                replace(
                                    rec[c],
                                    title=rtext(rng),
                                    tags=rtext(rng),
                                    lyrics=rtext(rng),
                                    duration=float(rng.randint(1, 4)),
                                )
                            )
                        else:
                            batch.append(replace(rec[c], removed=True))
                log.append(("upsert", [(r.clip_id, r.title, r.tags, r.lyrics, r.removed) for r in batch]))
                model.upsert(batch)
                fresh, moved = [], set()
                for r in batch:
                    if r.removed:
                        if r.clip_id in rec:
                            del rec[r.clip_id]
                            order.remove(r.clip_id)
                            shown.discard(r.clip_id)
                    elif r.clip_id in rec:
                        if sort_state and key(sort_state[0], r) != key(sort_state[0], rec[r.clip_id]):
                            moved.add(r.clip_id)
                        rec[r.clip_id] = r
                    else:
                        fresh.append(r)
                for r in fresh:
                    rec[r.clip_id] = r
                    order.append(r.clip_id)
                    moved.add(r.clip_id)
                    if needle in text(r):
                        shown.add(r.clip_id)
                if sort_state:
                    column, sort_order = sort_state
                    order = placed_like_a_stable_sort(order, moved, lambda c, col=column: key(col, rec[c]), sort_order)
            elif op == "remove":
                ids = [*rng.sample(order, k=min(len(order), rng.randint(0, 3))), "nope"]
                log.append(("remove", ids))
                model.remove_ids(ids)
                removed_any = any(c in rec for c in ids)
                for c in ids:
                    if c in rec:
                        del rec[c]
                        order.remove(c)
                        shown.discard(c)
            else:
                picked = select_random_rows(rng, proxy, sel)
                if picked:
                    rows, cur_row = picked
                    log.append(("select", rows))
                    ref_sel = {proxy.index(r, 0).data(CLIP_ID_ROLE) for r in rows}
                    ref_cur, hidden_cur = proxy.index(cur_row, 0).data(CLIP_ID_ROLE), None
            if op == "upsert" or (op == "remove" and removed_any):  # rows moved: what a search hid is forgotten
                ref_sel &= shown
            if ref_cur not in shown:
                ref_cur = None
            check()
    except AssertionError:
        print(f"seed {seed} failed at step {len(log)}; last ops:")
        for entry in log[-6:]:
            print("  ", entry)
        raise
    finally:
        view.deleteLater()


@pytest.mark.parametrize("seed", range(60))
def test_random_sequences_keep_the_table_consistent(qtbot, seed):
    run(seed)


@pytest.mark.parametrize("seed", range(30))
def test_random_sequences_with_every_selection_carried_by_the_proxy(qtbot, seed, monkeypatch):
    monkeypatch.setattr(clip_filter_proxy, "BIG_SELECTION_ROWS", 1)  # the path Ctrl+A takes at 50,000 clips
    run(seed)


def test_a_hidden_clip_updated_to_match_shows_when_the_search_narrows(qtbot):
    rng = random.Random(0)
    clip = replace(make(1, rng), title="xyz", tags="", lyrics="")
    model, proxy, _view = table_over([clip])
    proxy.set_filter_text("ab")
    model.upsert([replace(clip, title="abc")])
    assert model.row_of(clip.clip_id) is None  # stays hidden until the search changes
    proxy.set_filter_text("abc")
    assert model.row_of(clip.clip_id) == 0


# --------------------------------------------------------------------------- big selections


class CountingFlagsModel(ClipTableModel):
    flag_calls = 0

    def flags(self, index):
        CountingFlagsModel.flag_calls += 1
        return super().flags(index)


class PaintCounter(QObject):
    """Counts the paint events of the widget it filters."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def big_table(qtbot, clips: int = 3000):
    rng = random.Random(11)
    records = [make_record(n, rng) for n in range(clips)]
    model, proxy, view = table_over(records, CountingFlagsModel, ClipTableView)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return model, proxy, view, records


def selected_ids(view) -> set[str]:
    return {index.data(CLIP_ID_ROLE) for index in view.selectionModel().selectedRows()}


def test_painting_the_header_does_not_ask_every_selected_row(qtbot):
    """A repaint asks flags() of the visible cells only; a header sharing the selection asks all 24,000."""
    model, proxy, view, records = big_table(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(view.selectionModel().selectedRows()) == len(records)
    header, cells = view.horizontalHeader().viewport(), view.viewport()
    header_paints, cell_paints = PaintCounter(), PaintCounter()
    header.installEventFilter(header_paints)
    cells.installEventFilter(cell_paints)
    QCoreApplication.processEvents()  # paints already asked for happen before the count starts
    header_paints.count = cell_paints.count = CountingFlagsModel.flag_calls = 0
    header.update()
    cells.update()
    qtbot.waitUntil(lambda: header_paints.count > 0 and cell_paints.count > 0)  # both did repaint
    visible_cells = (view.rowAt(cells.height() - 1) - view.rowAt(0) + 1) * model.columnCount()
    assert 0 < visible_cells < 1000
    assert 0 < CountingFlagsModel.flag_calls <= 10 * visible_cells  # Qt asks a few times per visible cell


def test_select_all_survives_a_search_and_a_sort(qtbot):
    model, proxy, view, records = big_table(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    proxy.set_filter_text("rain")
    assert selected_ids(view) == expected_ids(records, "rain") and proxy.rowCount() < len(records)
    proxy.sort(COL_DURATION, Qt.SortOrder.DescendingOrder)
    assert selected_ids(view) == expected_ids(records, "rain")
    CountingFlagsModel.flag_calls = 0
    proxy.set_filter_text("rain f")
    assert CountingFlagsModel.flag_calls < 100  # not one per selected cell
    assert selected_ids(view) == expected_ids(records, "rain f")


def test_every_row_selected_stays_one_range_as_the_search_narrows_and_widens(qtbot):
    """Ctrl+A then typing: a selection of every shown row is put back as one range (Qt paints a range list)."""
    model, proxy, view, records = big_table(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    proxy.set_filter_text("rain")
    ranges = view.selectionModel().selection()
    assert len(ranges) == 1 and ranges[0].height() == proxy.rowCount() < len(records)
    proxy.set_filter_text("")  # the rows the search hid come back selected: one range again
    ranges = view.selectionModel().selection()
    assert len(ranges) == 1 and selected_ids(view) == {r.clip_id for r in records} == set(shown_ids(proxy))
    proxy.set_filter_text("rain")
    proxy.sort(COL_DURATION, Qt.SortOrder.DescendingOrder)  # a sort in between moves none out of "every row"
    assert selected_ids(view) == expected_ids(records, "rain")
    proxy.set_filter_text("")
    assert len(view.selectionModel().selection()) == 1 and len(selected_ids(view)) == len(records)


def test_a_big_partial_selection_follows_its_clips(qtbot):
    model, proxy, view, records = big_table(qtbot)
    flags = QItemSelectionModel.SelectionFlag
    last = proxy.columnCount() - 1
    view.selectionModel().select(QItemSelection(proxy.index(0, 0), proxy.index(1499, last)), flags.ClearAndSelect)
    view.selectionModel().setCurrentIndex(proxy.index(7, 0), flags.NoUpdate)
    chosen = {r.clip_id for r in records[:1500]}
    current = records[7].clip_id
    proxy.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert selected_ids(view) == chosen and view.currentIndex().data(CLIP_ID_ROLE) == current
    proxy.set_filter_text("glass")
    assert selected_ids(view) == chosen & expected_ids(records, "glass")
    proxy.set_filter_text("")
    assert selected_ids(view) == chosen  # what the search hid comes back selected
    proxy.set_filter_text("glass")
    click_row(qtbot, view, 0)  # the user selects anew: what the search hides is chosen no more
    proxy.set_filter_text("")
    assert len(selected_ids(view)) == 1


def click_row(qtbot, view, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    view.scrollTo(view.model().index(row, COL_TITLE))
    rect = view.visualRect(view.model().index(row, COL_TITLE))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_shift_click_extends_a_selection_carried_across_a_sort(qtbot):
    model, proxy, view, records = big_table(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    click_row(qtbot, view, 5, Qt.KeyboardModifier.ControlModifier)  # one row out; the anchor
    assert len(selected_ids(view)) == len(records) - 1
    proxy.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    assert len(selected_ids(view)) == len(records) - 1
    click_row(qtbot, view, view.currentIndex().row() + 3, Qt.KeyboardModifier.ShiftModifier)
    assert len(selected_ids(view)) == len(records)  # extended, not replaced by the four rows


def test_the_header_keeps_a_selection_of_its_own_when_the_selection_model_changes(qtbot):
    model, proxy, view, records = big_table(qtbot)
    replaced = view.horizontalHeader().selectionModel()
    view.setSelectionModel(QItemSelectionModel(proxy, view))
    header = view.horizontalHeader().selectionModel()
    assert header is not view.selectionModel() and header is not replaced
    assert proxy.selection_model is view.selectionModel()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(replaced)  # not left behind


def test_many_task_rows_replaced_at_once_keep_order_search_and_selection(qtbot):
    """A fetch that brings the clips of many tasks replaces their rows in one layout change."""
    from suno_desktop.model import TaskAction, TaskRecord, TaskStatus
    from suno_desktop.ui.clip_rows import task_row

    rng = random.Random(3)
    clips = [make_record(n, rng) for n in range(6)]
    tasks = [
        task_row(
            TaskRecord(f"t{n}", TaskAction.MUSIC, TaskStatus.IN_PROGRESS, "", "40%", 1.0 + n, None, "", False, None)
        )
        for n in range(4)
    ]
    rows = [clips[0], tasks[0], clips[1], tasks[1], tasks[2], clips[2], tasks[3], *clips[3:]]
    model, proxy, view = table_over(rows)
    qtbot.addWidget(view)
    view.show()
    selection = view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for clip_id in (clips[1].clip_id, tasks[3].row_id, clips[4].clip_id):
        selection.select(proxy.index(model.row_of(clip_id), 0), flags)
    selection.setCurrentIndex(
        proxy.index(model.row_of(clips[2].clip_id), 0), QItemSelectionModel.SelectionFlag.NoUpdate
    )
    inserted = []

    def arrived(*_):
        inserted.append(1)

    proxy.rowsInserted.connect(arrived)

    def songs_of(task_n: int, title: str) -> list[ClipRecord]:
        return [
            replace(clips[0], clip_id=f"t{task_n}-{k}", task_id=f"t{task_n}", title=f"{title} {k}") for k in range(2)
        ]

    model.upsert(songs_of(0, "Neon") + songs_of(2, "Glass") + songs_of(3, "Neon"))

    assert shown_ids(proxy) == [
        clips[0].clip_id,
        "t0-0",
        "t0-1",
        clips[1].clip_id,
        tasks[1].row_id,
        "t2-0",
        "t2-1",
        clips[2].clip_id,
        "t3-0",
        "t3-1",
        *(c.clip_id for c in clips[3:]),
    ]
    assert inserted == []  # one layout change, not an insertion per task
    assert model.task_row_count() == 1 and model.clip_count() == len(clips) + 6
    # a selected task row hands its selection to the clip that takes its place
    assert {i.data(CLIP_ID_ROLE) for i in selection.selectedRows()} == {clips[1].clip_id, "t3-0", clips[4].clip_id}
    assert view.currentIndex().data(CLIP_ID_ROLE) == clips[2].clip_id
    for clip_id in ("t0-1", "t2-0", clips[5].clip_id):
        assert model.record(model.row_of(clip_id)).clip_id == clip_id

    proxy.set_filter_text('"neon 1"')  # a phrase
    assert shown_ids(proxy) == ["t0-1", "t3-1"]
    model.upsert(
        [replace(r, clip_id=r.clip_id + "x", task_id="t1") for r in songs_of(1, "Neon")]
        + [replace(songs_of(1, "Glass")[0], clip_id="t1-extra", task_id="t1")]
    )
    # the new clips of the hidden task row appear where it was, the ones matching the search
    assert shown_ids(proxy) == ["t0-1", "t1-1x", "t3-1"]
    proxy.set_filter_text("")
    assert shown_ids(proxy)[3:7] == [clips[1].clip_id, "t1-0x", "t1-1x", "t1-extra"]


def test_a_paint_asks_each_cell_once_and_gets_what_data_gives(qtbot):
    """The delegates' roles come in one multiData call per cell, with data()'s values."""
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    rng = random.Random(5)
    records = [make_record(n, rng) for n in range(30)]
    model, proxy, view = table_over(records, view_class=ClipTableView)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
    ]
    for row in (0, 7, 29):
        for column in range(proxy.columnCount()):
            index = proxy.index(row, column)
            for role in roles:
                asked = QModelRoleData(int(role))
                proxy.multiData(index, QModelRoleDataSpan(asked))
                got, expected = asked.data(), index.data(role)
                if isinstance(expected, (QPixmap, QIcon)):  # the same pixmap or icon, in another wrapper
                    got, expected = got.cacheKey(), expected.cacheKey()
                assert got == expected, (row, column, role)

    calls = []
    original = ClipTableModel.fill_roles

    def counting(self, row, column, span):
        calls.append((row, column))
        return original(self, row, column, span)

    ClipTableModel.fill_roles = counting
    try:
        view.grab()
    finally:
        ClipTableModel.fill_roles = original
    assert calls and len(calls) == len(set(calls))  # each painted cell asked once


def test_a_cell_does_not_inherit_the_roles_of_the_cell_painted_before_it(qtbot):
    # a delegate hands every multiData call the same role array: a role left unset keeps the last cell's value
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    model = ClipTableModel()
    model.set_records([make_record(0, random.Random(0))])
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    delegate = QStyledItemDelegate()
    duration, title = QStyleOptionViewItem(), QStyleOptionViewItem()
    delegate.initStyleOption(duration, proxy.index(0, COL_DURATION))
    delegate.initStyleOption(title, proxy.index(0, COL_TITLE))
    assert duration.displayAlignment & Qt.AlignmentFlag.AlignRight
    assert not title.displayAlignment & Qt.AlignmentFlag.AlignRight


def test_unconfirmed_submission_rows_count_apart_search_and_give_way_to_their_task(qtbot):
    """A submission row is neither a clip nor a task: counted, searched and replaced as itself."""
    from suno_desktop.model import TaskAction, TaskRecord, TaskStatus
    from suno_desktop.song_request import SongRequest, Submission, SubmissionState
    from suno_desktop.ui.clip_rows import COL_STATUS, submission_row, task_row

    request = SongRequest.song(title="Harbour Lights", style="sea shanty", lyrics="[Verse]\nRopes and tar")
    entry = Submission(7, request, SubmissionState.UNCONFIRMED, "", "The relay did not confirm this song.", 1.0, 1.0)
    unconfirmed = submission_row(entry, now=2.0)
    expected = ("submission:7", "Harbour Lights", "sea shanty")
    assert (unconfirmed.row_id, unconfirmed.title, unconfirmed.tags) == expected
    assert unconfirmed.is_placeholder and unconfirmed.record is None
    clips = [make_record(n, random.Random(n)) for n in range(3)]
    model, proxy, view = table_over([*clips, unconfirmed])
    qtbot.addWidget(view)
    assert (model.clip_count(), model.task_row_count(), model.submission_row_count()) == (3, 0, 1)
    row = model.row_of("submission:7")
    assert model.status_text(row) == "Unconfirmed"
    assert model.data(model.index(row, COL_STATUS), Qt.ItemDataRole.ToolTipRole) == entry.error
    proxy.set_filter_text('"ropes and"')  # the lyrics asked for are searched like a clip's
    assert shown_ids(proxy) == ["submission:7"]
    proxy.set_filter_text("")
    task = TaskRecord("task_1", TaskAction.MUSIC, TaskStatus.NOT_START, "", "0%", 3.0, None, "", False, None)
    model.replace_row("submission:7", task_row(task, entry))
    assert shown_ids(proxy)[-1] == "task:task_1" and model.row_for("task:task_1").title == "Harbour Lights"
    assert model.record_for("task:task_1") is None and model.records() == list(map(kept, clips))  # no clip
    assert (model.clip_count(), model.task_row_count(), model.submission_row_count()) == (3, 1, 0)
    model.remove_ids(["task:task_1", clips[0].clip_id])
    assert (model.clip_count(), model.task_row_count(), model.submission_row_count()) == (2, 0, 0)


def test_a_song_still_being_made_says_so_like_its_task_row_did():
    from suno_desktop.ui.table_rows import ClipRow

    song = make_record(0, random.Random(0))
    assert ClipRow(replace(song, state=ClipState.PENDING, relay_status=ClipStatus.STREAMING)).status() == "Generating…"
    assert ClipRow(replace(song, state=ClipState.PENDING, relay_status=ClipStatus.QUEUED)).status() == "Waiting…"
    assert ClipRow(replace(song, state=ClipState.PENDING, relay_status=ClipStatus.COMPLETE)).status() == "Pending"


def test_changed_rows_are_announced_in_runs_of_neighbours():
    from suno_desktop.ui.clip_rows import row_runs

    assert row_runs([]) == []
    assert row_runs([5, 3, 4, 9, 10, 12, 4]) == [(3, 5), (9, 10), (12, 12)]


def test_an_upsert_announces_only_the_rows_that_changed(qtbot):
    model = ClipTableModel()
    model.set_records([clip_record(f"c{n}", title=f"Song {n}") for n in range(10)])
    seen = []
    model.dataChanged.connect(lambda first, last, roles=(): seen.append((first.row(), last.row())))
    model.upsert([clip_record(f"c{n}", title=f"New {n}") for n in (4, 2, 3, 7)])
    assert seen == [(2, 4), (7, 7)]
    assert [model.record(n).title for n in (2, 3, 4, 5, 7)] == ["New 2", "New 3", "New 4", "Song 5", "New 7"]


def test_a_download_shows_as_a_bar_its_percentage_and_a_tooltip(qtbot):
    model = ClipTableModel()
    model.set_records([clip_record("c0", title="Song")])
    model.mark_downloading(["c0"])
    model.set_progress("c0", 420, 1000)
    index = model.index(0, COL_STATUS)
    bar = index.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(bar, QPixmap) and not bar.isNull()
    assert index.data(Qt.ItemDataRole.DisplayRole) == "42%"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Downloading 42%"
    model.set_progress("c0", 850, 1000)
    assert index.data(Qt.ItemDataRole.DecorationRole).cacheKey() != bar.cacheKey()  # a bar per percent
    cover = model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(cover, QPixmap) and cover.width() > 0  # the placeholder, rounded, painted by Qt


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
@pytest.mark.parametrize("needle", ["", "rain"])
def test_arrivals_and_changes_take_their_sorted_places_and_every_clip_stays_found(qtbot, order, needle):
    rng = random.Random(f"{order}{needle}")
    records = [make_record(n, rng) for n in range(300)]
    model, proxy, _view = table_over(records)
    proxy.sort(COL_DURATION, order)
    proxy.set_filter_text(needle)
    for batch_number in range(25):
        known = [model.record_for(c) for c in rng.sample([r.clip_id for r in model.records()], rng.randint(0, 6))]
        changed = [replace(r, duration=float(rng.randint(1, 300))) for r in known]
        arriving = [make_record(1000 + 10 * batch_number + n, rng) for n in range(rng.randint(0, 4))]
        model.upsert(changed + arriving)
        everything = model.records()
        assert all(model.record_for(r.clip_id) is r for r in everything)
        shown = [model.record(row) for row in range(model.rowCount())]
        assert all(model.row_of(r.clip_id) == row for row, r in enumerate(shown))
        keys = [r.duration for r in shown]
        assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
    proxy.set_filter_text("")  # the clips the search hid took their sorted places too
    keys = [model.record(row).duration for row in range(model.rowCount())]
    assert len(keys) == len(model.records()) and keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)


def test_a_check_of_the_files_reads_again_only_rows_older_than_the_library_and_corrects_files(qtbot):
    rng = random.Random(3)
    clips = [make_record(n, rng) for n in range(4)]
    model, proxy, view = table_over(clips)
    qtbot.addWidget(view)
    files = {c.clip_id: model.files_on_disk(model.row_of(c.clip_id)) for c in clips}
    back = FilesOnDisk.of(True, True, True)
    states = [
        (clips[0].clip_id, clips[0].updated_at, files[clips[0].clip_id]),  # as the table shows it
        (clips[1].clip_id, clips[1].updated_at + 1, files[clips[1].clip_id]),  # changed since it was read
        (clips[2].clip_id, clips[2].updated_at, back),  # its files came back
        ("new-clip", 1.0, back),  # not in the table yet
    ]
    changed, found = model.differences(states)
    assert changed == [clips[1].clip_id, "new-clip"] and found == {clips[2].clip_id: back}
    model.set_files(found)
    assert model.index(model.row_of(clips[2].clip_id), COL_FILES).data() == "MP3 Cover MP4"


def test_the_window_reads_clips_without_lyrics_and_their_words_for_the_search_after(tmp_path):
    """library_rows then library_words (library_loading): the rows hold no lyrics; the texts have them, edits too."""
    from suno_desktop.library.clip_edits import EditField, edit_clip
    from suno_desktop.library.store import Library
    from suno_desktop.relay.model import parse_task
    from suno_desktop.ui.clip_rows import library_rows, library_words

    lyrics = "[Verse]\nNeon lights"
    clip = {"status": "complete", "title": "Neon", "tags": "synth", "prompt": lyrics, "audio_url": "https://x/a.mp3"}
    with Library(tmp_path / "L", create=True) as library:
        library.save_task(
            parse_task(
                {
                    "task_id": "t",
                    "action": "MUSIC",
                    "status": "SUCCESS",
                    "data": [{**clip, "id": "a"}, {**clip, "id": "b"}],
                }
            )
        )
        library.save_task(
            parse_task(
                {
                    "task_id": "u",
                    "action": "MUSIC",
                    "status": "SUCCESS",
                    "data": [{**clip, "id": "c", "title": "Other"}],
                }
            )
        )
        edit_clip(library, "c", {EditField.LYRICS: "My Own Ünïcode words"})
        rows = library_rows(library).rows
        assert [row.row_id for row in rows] == ["a", "b", "c"]
        assert all(row.record.lyrics is None for row in rows)  # the window keeps them in the texts only
        words = library_words(library, rows)
        # the library changed after its rows were read: a clip gone, the rows in another order
        library.remove_clips(["a"])
        changed = library_words(library, [rows[2], rows[0], rows[1]])
    assert words.rows is rows
    assert words.texts[0] is words.texts[1] and words.texts[0] == "neon\nsynth\n[verse]\nneon lights"
    assert words.texts[2] == "other\nsynth\nmy own unicode words"
    assert words.words[2] == distinct_words(words.texts[2])
    assert changed.texts == [words.texts[2], "neon\nsynth\n", words.texts[1]]  # a's words: its row's own


def test_a_search_typed_before_the_words_are_read_is_applied_when_they_arrive(qtbot):
    """A library opens with its rows first (library_loading); what changed meanwhile keeps its own words."""
    rng = random.Random(7)
    records = [make_record(n, rng) for n in range(40)]
    model = ClipTableModel()
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    model.set_records(records, [(False, False, False)] * len(records), words_later=True)
    snapshot = model.rows()
    assert not model.searchable
    proxy.set_filter_text("zebra")
    assert proxy.rowCount() == len(records)  # every row, until the words are in
    # meanwhile a clip is renamed (a sync, an edit): its new words are its own
    model.upsert([replace(records[3], title="Zebra Crossing")])
    model.mark_downloading([records[5].clip_id])  # a state change keeps the words read
    texts_read = [f"{r.title}\n{r.tags}\n{r.lyrics}".lower() for r in snapshot]
    model.set_texts(snapshot, texts_read, list(map(distinct_words, texts_read)))
    assert model.searchable
    assert shown_ids(proxy) == [records[3].clip_id]
    word = records[5].title.split()[0]
    proxy.set_filter_text(word)
    now = [replace(records[3], title="Zebra Crossing") if r is records[3] else r for r in records]
    assert records[5].clip_id in shown_ids(proxy)
    assert set(shown_ids(proxy)) == expected_ids(now, word)


def test_the_display_order_helpers_keep_positions_in_the_order_shown():
    """A sort or a search makes lists of positions (row_lists); the rows themselves never move."""
    from suno_desktop.ui.row_lists import ascending, in_order, index_of, move_into_order, without

    order = [4, 0, 3, 1, 2]
    assert in_order(order, {1, 4, 2}, 5) == [4, 1, 2]
    assert in_order(order, [0, 1, 2, 3, 4], 5) == order and in_order(order, [0, 1, 2, 3, 4], 5) is not order
    assert in_order(order, [], 5) == []
    assert index_of(order, 5) == [1, 3, 4, 2, 0]
    assert index_of([3, 1], 5) == [-1, 1, -1, 0, -1]
    assert list(ascending([3, 1, 2], 5)) == [1, 2, 3] and ascending([0, 1, 2], 3) == range(3)
    assert without([4, 0, 3, 1, 2], index_of([0, 2, 4], 5)) == [2, 0, 1]  # rows 1 and 3 gone, the rest renumbered
    keys = {0: "a", 1: "b", 2: "b", 3: "c", 4: "a"}
    sorted_order = [0, 4, 1, 2, 3]  # by key, ties in position order
    keys[4] = "bb"  # row 4's key changed: it moves after the b's, before c
    move_into_order(sorted_order, [1], keys.__getitem__)
    assert sorted_order == [0, 1, 2, 4, 3]
    keys[0] = "b"  # after its equals
    move_into_order(sorted_order, [0], keys.__getitem__)
    assert sorted_order == [1, 2, 0, 4, 3]
    descending = [3, 4, 0, 2, 1]
    keys[3] = "a"
    move_into_order(descending, [0], keys.__getitem__, descending=True)
    assert [keys[p] for p in descending] == sorted((keys[p] for p in descending), reverse=True)


def test_a_selection_made_before_the_words_are_read_outlives_the_search_applied_when_they_arrive(qtbot):
    """The words' arrival applies the search as typing does: the rows it hides stay selected, and come back so."""
    rng = random.Random(3)
    records = [make_record(n, rng) for n in range(30)]
    model, proxy, view = table_over(records, view_class=ClipTableView)
    qtbot.addWidget(view)
    model.set_records([replace(r, lyrics=None) for r in records], [(False, False, False)] * 30, words_later=True)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    word = records[0].title.split()[0]
    proxy.set_filter_text(word)
    assert len(selected_ids(view)) == 30  # every row, until the words are in
    texts = [row_text(r) for r in records]
    model.set_texts(model.rows(), texts, list(map(distinct_words, texts)))
    assert selected_ids(view) == expected_ids(records, word) == set(shown_ids(proxy)) != {r.clip_id for r in records}
    proxy.set_filter_text("")
    assert selected_ids(view) == {r.clip_id for r in records}


def test_a_change_of_rows_is_announced_to_the_smart_lists_once(qtbot):
    """The sidebar follows rows_changed: a sync's batch of a thousand rows is one change, not a thousand."""
    rng = random.Random(5)
    records = [make_record(n, rng) for n in range(10)]
    model, _proxy, _view = table_over(records)
    seen = []
    model.rows_changed.connect(lambda: seen.append(True))
    model.upsert([make_record(100 + n, rng) for n in range(5)] + [replace(records[0], title="Retitled")])
    assert len(seen) == 1
    model.remove_ids([records[1].clip_id, records[2].clip_id])
    assert len(seen) == 2
    model.mark_downloading([records[3].clip_id, records[4].clip_id])
    assert len(seen) == 3
    model.upsert([])
    model.remove_ids(["not-here"])
    assert len(seen) == 3


def test_created_compares_the_rows_times_kept_with_the_rows(qtbot):
    """created: reads a column of the rows' times, made once and kept as rows change, arrive and go."""
    rng = random.Random(8)
    days = [f"2026-0{1 + n % 9}-15T12:00:00+00:00" for n in range(12)]
    records = [replace(make_record(n, rng), created_at=day) for n, day in enumerate(days)]
    records[5] = replace(records[5], created_at=None)  # unknown: never after a date
    model, proxy, _view = table_over(records)
    query = "created:>2026-06-01"

    def expected(now):
        return {r.clip_id for r in now if r.created_at and r.created_at > "2026-06-01"}

    proxy.set_filter_text(query)
    assert set(shown_ids(proxy)) == expected(records)

    def search_again(now):  # every row asked again, through the columns
        proxy.set_filter_text("")
        proxy.set_filter_text(query)
        assert set(shown_ids(proxy)) == expected(now)
        proxy.set_filter_text("duration:>2:00")
        assert set(shown_ids(proxy)) == {r.clip_id for r in now if round(r.duration) > 120}

    moved = replace(
        records[0], created_at="2026-11-01T00:00:00+00:00", duration=200.0 if records[0].duration < 120 else 60.0
    )
    model.upsert([moved])
    search_again([moved, *records[1:]])
    new = replace(make_record(50, rng), created_at="2026-12-01T00:00:00+00:00")
    model.upsert([new])
    search_again([moved, *records[1:], new])
    model.remove_ids([records[7].clip_id])
    search_again([moved, *records[1:7], *records[8:], new])
