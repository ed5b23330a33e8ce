"""The clip table model's parallel lists, changed in bulk: runs of rows inserted, rows put in sort order.

Plain lists and positions, no Qt: the model wraps each change in the signals Qt needs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from ..model import ClipRecord
from .clip_rows import Files, search_text

#: the model's parallel lists: clips, their files on disk, their search texts, and the positions shown
RowLists = tuple[list[ClipRecord], list[Files], list[str], list[int]]


def placed_in_order(
    count: int, displaced: list[int], key: Callable[[int], Any], *, descending: bool = False
) -> list[int] | None:
    """Positions 0..count-1 with *displaced* (ascending) taken out and put back where *key* sorts them.

    The other positions must already be in order. Each displaced one goes after its
    equals, as a stable sort of the list with it at the end would put it, found by a
    binary search (a few key calls each, instead of one per row). None when nothing moves.
    """
    out = set(displaced)
    order = [pos for pos in range(count) if pos not in out]
    for pos in displaced:
        wanted = key(pos)
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            there = key(order[middle])
            if (there < wanted) if descending else (wanted < there):
                high = middle
            else:
                low = middle + 1
        order.insert(low, pos)
    return None if order == list(range(count)) else order


def with_runs_inserted(
    lists: RowLists, runs: dict[int, list[ClipRecord]], needle: str, files_of: Callable[[ClipRecord], Files]
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
            text = search_text(record)
            if not needle or needle in text:
                shown.append(len(clips))
            clips.append(record)
            on_disk.append(files_of(record))
            texts.append(text)
    offset = len(clips) - done
    shown += [p + offset for p in old_shown[cut:]]
    return clips + old_clips[done:], on_disk + old_disk[done:], texts + old_texts[done:], shown
