"""The clip table model's parallel lists, changed in bulk: runs of rows inserted, rows put in sort order.

Plain lists and positions, no Qt: the model wraps each change in the signals Qt needs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import compress
from typing import Any

from .clip_rows import Files
from .table_rows import TableRow
from .table_search import lean_row, row_text

#: the model's parallel lists: rows, their files on disk, their search texts, and the positions shown
RowLists = tuple[list[TableRow], list[Files], list[str], list[int]]


def kept_shown(order: list[int], shown: list[int], size: int) -> list[int]:
    """Where the shown rows are once the *size* rows are put in *order* (positions; rows left out are dropped).

    Made in C: re-sorting the shown positions cost ~50 ms of a sort at 100,000 rows.
    """
    if len(shown) == size:  # no search: every row kept is shown
        return list(range(len(order)))
    return list(compress(range(len(order)), map(set(shown).__contains__, order)))


def move_into_order(
    lists: RowLists, displaced: list[int], key: Callable[[int], Any], *, descending: bool = False
) -> tuple[list[int], int, int]:
    """Move the rows at *displaced* (ascending positions) of the parallel lists to where *key* sorts them.

    The other rows must already be in order, and *key* must read the lists themselves
    (a position's key as the lists are now). The displaced rows are taken out, then each
    is put back after its equals (where a stable sort of the list with it at the end puts
    it), found by a binary search: a few key calls and a memmove per row, where sorting
    again or rebuilding the lists costs a Python call per row of the library (unless a
    search hides some). Returns the new shown positions and the first and last positions that changed.
    """
    clips, on_disk, texts, shown = lists
    shown_ids = None if len(shown) == len(clips) else {clips[pos].row_id for pos in shown}
    wanted = [key(pos) for pos in displaced]
    taken = [(clips.pop(pos), on_disk.pop(pos), texts.pop(pos)) for pos in reversed(displaced)]
    first, highest = displaced[0], 0
    for (record, files, text), goal in zip(reversed(taken), wanted):
        low, high = 0, len(clips)
        while low < high:
            middle = (low + high) // 2
            there = key(middle)
            if (there < goal) if descending else (goal < there):
                high = middle
            else:
                low = middle + 1
        clips.insert(low, record)
        on_disk.insert(low, files)
        texts.insert(low, text)
        first, highest = min(first, low), max(highest, low)
    # a row after both the last displaced one and every insertion (counted among the k moved) kept its place
    last = min(len(clips) - 1, max(displaced[-1], highest + len(displaced) - 1))
    if shown_ids is None:
        return list(range(len(clips))), first, last
    return [pos for pos, record in enumerate(clips) if record.row_id in shown_ids], first, last


def with_runs_inserted(
    lists: RowLists,
    runs: dict[int, list[TableRow]],
    accepts: Callable[[TableRow, str], bool],
    files_of: Callable[[TableRow], Files],
) -> RowLists:
    """*lists* with each run of records inserted after its position, built in one pass.

    A fetch replaces a hundred task rows at once: one insertion signal each would
    make the proxy and the view re-map their rows a hundred times.
    """
    old_clips, old_disk, old_texts, old_shown = lists
    clips, on_disk, texts, shown = [], [], [], []
    done = 0  # positions of the old lists copied so far
    cut = 0  # entries of the old shown positions copied so far
    for pos in sorted(runs):
        offset = len(clips) - done
        end = bisect_right(old_shown, pos)
        shown += [p + offset for p in old_shown[cut:end]]
        clips += old_clips[done : pos + 1]
        on_disk += old_disk[done : pos + 1]
        texts += old_texts[done : pos + 1]
        done, cut = pos + 1, end
        for record in runs[pos]:
            text = row_text(record)
            if accepts(record, text):  # the search lets it through
                shown.append(len(clips))
            clips.append(lean_row(record))
            on_disk.append(files_of(record))
            texts.append(text)
    offset = len(clips) - done
    shown += [p + offset for p in old_shown[cut:]]
    return clips + old_clips[done:], on_disk + old_disk[done:], texts + old_texts[done:], shown
