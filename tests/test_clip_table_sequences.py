"""Random sequences of search, sort, updates, removals and selection against a plain reference.

The model filters and sorts itself (see ClipFilterProxy); these sequences check that
rows, their data, ``row_of``, the selection and the current row always agree with
what a brute-force list of the same clips says. Rule under test: a clip updated in
place stays shown (or hidden) until the search text changes.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from suno_desktop.library.store import ClipRecord, ClipState
from suno_desktop.ui.clip_table import CLIP_ID_ROLE, COL_DURATION, COL_TAGS, COL_TITLE, ClipFilterProxy, ClipTableModel

ALPHA = "abc"
SORT_COLS = (COL_TITLE, COL_TAGS, COL_DURATION)


def rtext(rng, n=3):
    return "".join(rng.choice(ALPHA) for _ in range(rng.randint(0, n)))


def make(n, rng):
    return ClipRecord(
        clip_id=f"c{n:04d}", task_id="t", position=0, kind="music", title=rtext(rng), tags=rtext(rng),
        lyrics=rtext(rng), description="", model="m", duration=float(rng.randint(1, 4)), created_at=None,
        relay_status="complete", error="", audio_url="", image_url="", video_url="", state=ClipState.READY,
        audio_path=None, cover_path=None, video_path=None, file_stem=None, tag_key=None, removed=False,
        updated_at=0.0)


def text(r):
    return f"{r.title}\n{r.tags}\n{r.lyrics}".casefold()


def key(col, r):
    if col == COL_TITLE:
        return r.title.casefold()
    if col == COL_TAGS:
        return r.tags.casefold()
    return r.duration


def run(seed, steps=150):
    rng = random.Random(seed)
    counter = [0]

    def new():
        counter[0] += 1
        return make(counter[0], rng)

    recs = [new() for _ in range(rng.randint(0, 25))]
    model = ClipTableModel()
    model.set_records(recs, [(False, False, False)] * len(recs))
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    sel = view.selectionModel()

    order = [r.clip_id for r in recs]
    rec = {r.clip_id: r for r in recs}
    shown = set(order)
    needle = ""
    ref_sel: set[str] = set()
    ref_cur = None
    log = []

    def check():
        exp = [c for c in order if c in shown]
        got = [proxy.index(r, 0).data(CLIP_ID_ROLE) for r in range(proxy.rowCount())]
        assert model.rowCount() == proxy.rowCount()
        assert got == exp, (got, exp)
        for r in range(model.rowCount()):
            cid = model.record(r).clip_id
            assert model.row_of(cid) == r
            assert model.record(r) == rec[cid]
            assert proxy.index(r, COL_TITLE).data() == (rec[cid].title or "Untitled")
        for c in rec:
            assert model.record_for(c) == rec[c]
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
        for step in range(steps):
            op = rng.choice(["filter", "filter", "sort", "upsert", "upsert", "remove", "select"])
            if op == "filter":
                t = rng.choice(["", "a", "ab", "abc", "b", "bc", "c", "ca", " A ", "ba"])
                log.append(("filter", t))
                proxy.set_filter_text(t)
                t = t.strip().casefold()
                if t != needle:
                    needle = t
                    shown = {c for c in order if needle in text(rec[c])}
            elif op == "sort":
                col = rng.choice(SORT_COLS)
                o = rng.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
                log.append(("sort", col, o))
                proxy.sort(col, o)
                order = sorted(order, key=lambda c: key(col, rec[c]), reverse=o == Qt.SortOrder.DescendingOrder)
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
                            batch.append(replace(rec[c], title=rtext(rng), tags=rtext(rng), lyrics=rtext(rng),
                                                 duration=float(rng.randint(1, 4))))
                        else:
                            batch.append(replace(rec[c], removed=True))
                log.append(("upsert", [(r.clip_id, r.title, r.tags, r.lyrics, r.removed) for r in batch]))
                model.upsert(batch)
                fresh = []
                for r in batch:
                    if r.removed:
                        if r.clip_id in rec:
                            del rec[r.clip_id]
                            order.remove(r.clip_id)
                            shown.discard(r.clip_id)
                    elif r.clip_id in rec:
                        rec[r.clip_id] = r
                    else:
                        fresh.append(r)
                for r in fresh:
                    rec[r.clip_id] = r
                    order.append(r.clip_id)
                    if needle in text(r):
                        shown.add(r.clip_id)
            elif op == "remove":
                ids = rng.sample(order, k=min(len(order), rng.randint(0, 3))) + ["nope"]
                log.append(("remove", ids))
                model.remove_ids(ids)
                for c in ids:
                    if c in rec:
                        del rec[c]
                        order.remove(c)
                        shown.discard(c)
            else:
                n = proxy.rowCount()
                if n:
                    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                    rows = rng.sample(range(n), k=rng.randint(1, min(3, n)))
                    log.append(("select", rows))
                    sel.clearSelection()
                    for r in rows:
                        sel.select(proxy.index(r, 0), flags)
                    cur_row = rng.choice(rows)
                    sel.setCurrentIndex(proxy.index(cur_row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
                    ref_sel = {proxy.index(r, 0).data(CLIP_ID_ROLE) for r in rows}
                    ref_cur = proxy.index(cur_row, 0).data(CLIP_ID_ROLE)
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


def test_a_hidden_clip_updated_to_match_shows_when_the_search_narrows(qtbot):
    rng = random.Random(0)
    clip = replace(make(1, rng), title="xyz", tags="", lyrics="")
    model = ClipTableModel()
    model.set_records([clip], [(False, False, False)])
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_filter_text("ab")
    model.upsert([replace(clip, title="abc")])
    assert model.row_of(clip.clip_id) is None  # stays hidden until the search changes
    proxy.set_filter_text("abc")
    assert model.row_of(clip.clip_id) == 0
