"""The clip table's model and proxy on their own: search, sort and updates keep rows consistent."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView

from suno_desktop.library.store import ClipRecord, ClipState
from suno_desktop.ui.clip_table import CLIP_ID_ROLE, COL_DURATION, COL_TITLE, ClipFilterProxy, ClipTableModel

WORDS = ("neon", "river", "echo", "glass", "night", "Ünïcode", "rain", "fire")


def make_record(n: int, rng: random.Random) -> ClipRecord:
    return ClipRecord(
        clip_id=f"clip-{n:05d}", task_id=f"task-{n // 2}", position=n % 2, kind="music",
        title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {n}", tags=rng.choice(WORDS) + " pop",
        lyrics="\n".join(" ".join(rng.choice(WORDS) for _ in range(4)) for _ in range(3)), description="",
        model="chirp-v4", duration=float(rng.randint(30, 240)), created_at=None, relay_status="complete",
        error="", audio_url="", image_url="", video_url="", state=ClipState.READY, audio_path=None,
        cover_path=None, video_path=None, file_stem=None, tag_key=None, removed=False, updated_at=0.0,
    )


def expected_ids(records, needle: str) -> set[str]:
    needle = needle.strip().casefold()
    return {r.clip_id for r in records if needle in f"{r.title}\n{r.tags}\n{r.lyrics}".casefold()}


def shown_ids(proxy) -> list[str]:
    return [proxy.index(row, 0).data(CLIP_ID_ROLE) for row in range(proxy.rowCount())]


@pytest.fixture
def table(qtbot):
    rng = random.Random(7)
    records = [make_record(n, rng) for n in range(400)]
    model = ClipTableModel()
    model.set_records(records, [(False, False, False)] * len(records))
    proxy = ClipFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
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
    assert model.row_of(hide.clip_id) is None and model.record_for(hide.clip_id) == hide

    proxy.set_filter_text("")
    assert view.currentIndex().data(CLIP_ID_ROLE) == keep.clip_id


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
    arriving = [replace(make_record(1000, rng), title="Glass House"), replace(make_record(1001, rng), title="X",
                                                                               tags="", lyrics="")]
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
