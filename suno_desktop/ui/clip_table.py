"""The clip table: model, filter/sort proxy and view, built for tens of thousands of rows.

Sorting and searching are handed by the proxy to the source model, which sorts its
Python list with one key function and filters with one pass over a case-folded
title + tags + lyrics string per clip: a ``lessThan`` or ``filterAcceptsRow`` called
from C++ per row would cost seconds (sorting) or ~80 ms (filtering) at 50,000 rows.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_left, bisect_right
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QRect,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDrag, QKeySequence, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QStyleOptionProgressBar, QStyle, QTableView, QApplication

from ..library.store import ClipRecord, ClipState, Library, TaskRecord, TaskRowState

CLIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("", "Title", "Tags", "Model", "Duration", "Created", "Status", "Files")
(COL_COVER, COL_TITLE, COL_TAGS, COL_MODEL, COL_DURATION, COL_CREATED, COL_STATUS, COL_FILES) = range(len(COLUMNS))

STATUS_TEXT = {
    ClipState.PENDING: "Pending",
    ClipState.DOWNLOADING: "Downloading",
    ClipState.READY: "Ready",
    ClipState.MISSING: "Missing",
    ClipState.FAILED: "Failed",
    ClipState.LYRICS: "Lyrics only",
}
STATUS_ORDER = {state: n for n, state in enumerate(STATUS_TEXT)}
_NEVER_SET_ROLES = frozenset({
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.CheckStateRole,
})
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
BIG_SELECTION_ROWS = 1000  # carried across sorts and searches by ClipFilterProxy itself
_ROW = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DRAGGABLE_ROW = _ROW | Qt.ItemFlag.ItemIsDragEnabled
STATUS_COLORS = {ClipState.FAILED: QColor("#e53935"), ClipState.MISSING: QColor("#ef6c00"),
                 ClipState.PENDING: QColor("#8e8e93")}


def format_duration(seconds: float | None) -> str:
    if seconds is None or seconds <= 0 or math.isnan(seconds):
        return ""
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_created(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def search_text(record: ClipRecord) -> str:
    return f"{record.title}\n{record.tags}\n{record.lyrics}".casefold()


TASK_ROW_PREFIX = "task:"
_WAITING_TASK = (TaskRowState.WAITING, TaskRowState.GENERATING)
NO_FILES = (False, False, False)


def task_row(task: TaskRecord) -> ClipRecord:
    """A task that has no clips (yet) as one row of its own, its sentence in the Status column.

    The user pasted this id: whether the relay is still generating, failed, or never
    heard of it, they must see it. Its clips replace the row when they arrive.
    """
    added = datetime.fromtimestamp(task.added_at, tz=timezone.utc).isoformat()
    return ClipRecord(
        clip_id=TASK_ROW_PREFIX + task.task_id, task_id=task.task_id, position=0, kind="task",
        title=f"Task {task.task_id}", tags="Lyrics" if task.action == "LYRICS" else "", lyrics="",
        description="", model="", duration=None, created_at=added, relay_status=task.status,
        error=task.describe(), audio_url="", image_url="", video_url="",
        state=ClipState.PENDING if task.row_state in _WAITING_TASK else ClipState.FAILED,
        audio_path=None, cover_path=None, video_path=None, file_stem=None, tag_key=None,
        removed=False, updated_at=task.updated_at or task.added_at,
    )


def is_task_row(record: ClipRecord) -> bool:
    return record.kind == "task"


class ClipTableModel(QAbstractTableModel):
    """The library's clips, one row each for those the search lets through.

    Every clip is kept in ``_clips`` (in the current sort order) with its files on
    disk and its search text in parallel lists; ``_shown`` holds the positions of
    the clips that match the search, and row *r* is ``_clips[_shown[r]]``.
    """

    def __init__(self, library: Library | None = None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self._clips: list[ClipRecord] = []
        self._on_disk: list[tuple[bool, bool, bool]] = []
        self._texts: list[str] = []
        self._position_of: dict[str, int] = {}
        self._shown: list[int] = []  # ascending positions in _clips
        self._needle = ""
        self._hidden_changed: set[str] = set()  # hidden clips updated since the search last changed
        self._progress: dict[str, float] = {}
        self._task_rows = 0  # rows that stand for a task without clips
        self._tasks_with_clips: set[str] = set()
        self._thumbnail: Callable[[ClipRecord], QPixmap | None] = lambda record: None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._version = 0  # bumped whenever rows or their values change
        self._sorted_at: tuple | None = None

    # -- loading ------------------------------------------------------------

    def set_thumbnail_provider(self, provider: Callable[[ClipRecord], QPixmap | None]) -> None:
        self._thumbnail = provider

    def set_records(self, records: list[ClipRecord], on_disk: list[tuple[bool, bool, bool]] | None = None) -> None:
        """Replace everything (library opened). *on_disk* may be computed off the GUI thread."""
        self.beginResetModel()
        self._version += 1
        self._clips = list(records)
        self._on_disk = on_disk if on_disk is not None else [self._files_of(r) for r in self._clips]
        self._texts = [search_text(record) for record in self._clips]
        self._task_rows = sum(1 for record in self._clips if record.kind == "task")
        self._tasks_with_clips = {record.task_id for record in self._clips if record.kind != "task"}
        self._progress.clear()
        self._shown = []
        self._hidden_changed.clear()
        if self._sort is not None:
            self._reorder(self._sort_order(*self._sort))  # also indexes the positions
        else:
            self._position_of = {record.clip_id: pos for pos, record in enumerate(self._clips)}
        self._shown = self._matching(range(len(self._clips)))
        self.endResetModel()

    def _files_of(self, record: ClipRecord) -> tuple[bool, bool, bool]:
        if record.kind == "task" or self.library is None:
            return NO_FILES
        return self.library.files_present(record)

    def upsert(self, records: Iterable[ClipRecord], on_disk: Iterable[tuple[bool, bool, bool]] | None = None) -> None:
        """Update rows in place (they stay shown until the search changes) and add new ones.

        A task's first clip takes the place of the task's own row, the others go right
        after it; clips of tasks without a row, and new task rows, are appended. *on_disk*
        (read on a worker) saves the GUI thread a stat per file. Each changed row is
        announced alone: a range over rows that did not change would repaint the whole
        viewport, and painting calls into Python for every cell.
        """
        self._version += 1
        records = list(records)
        disk = dict(zip((r.clip_id for r in records), on_disk)) if on_disk is not None else {}
        new: list[ClipRecord] = []
        for record in records:
            pos = self._position_of.get(record.clip_id)
            if record.removed:
                if pos is not None:
                    self.remove_ids([record.clip_id])
            elif pos is not None:
                self._replace_at(pos, record, disk.get(record.clip_id))
            elif record.kind != "task" or record.task_id not in self._tasks_with_clips:
                new.append(record)  # (a task row read before its clips arrived is stale)
        if new:
            self._add(new, disk)

    def _add(self, new: list[ClipRecord], disk: dict) -> None:
        holders: dict[int, list[ClipRecord]] = {}
        appended = []
        for record in new:
            holder = None if record.kind == "task" else self._position_of.get(TASK_ROW_PREFIX + record.task_id)
            if holder is None:
                appended.append(record)
            else:
                holders.setdefault(holder, []).append(record)
            if record.kind != "task":
                self._tasks_with_clips.add(record.task_id)
        runs: dict[int, list[ClipRecord]] = {}
        for pos in sorted(holders, reverse=True):  # from the end: earlier positions stay valid
            first, *rest = holders[pos]
            self._replace_at(pos, first, disk.get(first.clip_id))
            if rest:
                runs[pos] = rest
        if len(runs) == 1:
            pos, rest = runs.popitem()
            self._insert_after(pos, rest, disk)
        elif runs:
            self._change_layout(lambda: self._insert_runs(runs, disk))
        if holders:  # one pass re-numbers everything behind the first insertion
            clips, position_of = self._clips, self._position_of
            for moved in range(min(holders), len(clips)):
                position_of[clips[moved].clip_id] = moved
        if appended:
            self._insert_after(len(self._clips) - 1, appended, disk)
            for moved in range(len(self._clips) - len(appended), len(self._clips)):
                self._position_of[self._clips[moved].clip_id] = moved

    def _replace_at(self, pos: int, record: ClipRecord, files: tuple | None) -> None:
        old_id = self._clips[pos].clip_id
        if old_id != record.clip_id:  # a task row handing its place to its first clip
            del self._position_of[old_id]
            self._position_of[record.clip_id] = pos
            self._progress.pop(old_id, None)
            self._task_rows -= 1
        self._clips[pos] = record
        self._on_disk[pos] = files if files is not None else self._files_of(record)
        self._texts[pos] = search_text(record)
        if record.state != ClipState.DOWNLOADING:
            self._progress.pop(record.clip_id, None)
        row = self._row_at(pos)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        else:
            self._hidden_changed.add(record.clip_id)  # may match the next, longer search

    def _insert_after(self, pos: int, records: list[ClipRecord], disk: dict) -> None:
        """Insert *records* after position *pos*; the caller re-numbers ``_position_of`` once a batch."""
        at = pos + 1
        texts = [search_text(record) for record in records]
        needle = self._needle
        shown_new = [at + n for n, text in enumerate(texts) if not needle or needle in text]
        first_row = bisect_right(self._shown, pos)

        def change() -> None:
            count = len(records)
            self._clips[at:at] = records
            self._on_disk[at:at] = [disk.get(r.clip_id) or self._files_of(r) for r in records]
            self._texts[at:at] = texts
            self._shown[first_row:] = shown_new + [p + count for p in self._shown[first_row:]]
            self._task_rows += sum(1 for record in records if record.kind == "task")

        if shown_new:
            self.beginInsertRows(QModelIndex(), first_row, first_row + len(shown_new) - 1)
            change()
            self.endInsertRows()
        else:
            change()  # none is shown: the rows Qt knows keep their numbers

    def _insert_runs(self, runs: dict[int, list[ClipRecord]], disk: dict) -> None:
        """Insert each run of records after its position, for one layout change.

        A fetch replaces a hundred task rows at once: one insertion signal each would
        make the proxy and the view re-map their rows a hundred times.
        """
        needle = self._needle
        clips, on_disk, texts, shown = [], [], [], []
        done = 0  # positions of the old lists copied so far
        cut = 0  # entries of the old _shown copied so far
        for pos in sorted(runs):
            records = runs[pos]
            offset = len(clips) - done
            end = bisect_right(self._shown, pos)
            shown += [p + offset for p in self._shown[cut:end]]
            clips += self._clips[done:pos + 1]
            on_disk += self._on_disk[done:pos + 1]
            texts += self._texts[done:pos + 1]
            done, cut = pos + 1, end
            for record in records:
                text = search_text(record)
                if not needle or needle in text:
                    shown.append(len(clips))
                clips.append(record)
                on_disk.append(disk.get(record.clip_id) or self._files_of(record))
                texts.append(text)
                self._task_rows += record.kind == "task"
        offset = len(clips) - done
        shown += [p + offset for p in self._shown[cut:]]
        self._clips = clips + self._clips[done:]
        self._on_disk = on_disk + self._on_disk[done:]
        self._texts = texts + self._texts[done:]
        self._shown = shown
        first = min(runs)  # the layout change finds the selected rows by position
        for moved in range(first, len(self._clips)):
            self._position_of[self._clips[moved].clip_id] = moved

    def remove_ids(self, clip_ids: Iterable[str]) -> None:
        gone = {c for c in clip_ids if c in self._position_of}
        if not gone:
            return
        self._version += 1

        def remove() -> None:
            keep = [pos for pos, record in enumerate(self._clips) if record.clip_id not in gone]
            self._task_rows -= sum(1 for clip_id in gone if clip_id.startswith(TASK_ROW_PREFIX))
            self._reorder(keep)
            for clip_id in gone:
                self._progress.pop(clip_id, None)

        self._change_layout(remove)

    def mark_downloading(self, clip_ids: Iterable[str]) -> None:
        for clip_id in clip_ids:
            pos = self._position_of.get(clip_id)
            if pos is not None and self._clips[pos].state != ClipState.DOWNLOADING:
                self._clips[pos] = replace(self._clips[pos], state=ClipState.DOWNLOADING)
                self._emit_changed(clip_id, COL_STATUS)

    def set_progress_of(self, progress: dict[str, tuple[int, int | None]]) -> None:
        """Bytes done of several downloads at once (the controller coalesces them)."""
        for clip_id, (done, total) in progress.items():
            self.set_progress(clip_id, done, total)

    def set_progress(self, clip_id: str, done: int, total: int | None) -> None:
        if clip_id not in self._position_of:
            return
        fraction = (done / total) if total else -1.0
        previous = self._progress.get(clip_id)
        # repaint at most once per percent: a fast download reports every 256 KiB
        if previous is not None and fraction >= 0 and abs(fraction - previous) < 0.01:
            return
        self._progress[clip_id] = fraction
        self._emit_changed(clip_id, COL_STATUS, [Qt.ItemDataRole.DisplayRole, PROGRESS_ROLE])

    def refresh_thumbnail(self, clip_id: str) -> None:
        self._emit_changed(clip_id, COL_COVER, [Qt.ItemDataRole.DecorationRole])

    def _emit_changed(self, clip_id: str, column: int, roles: list | None = None) -> None:
        row = self.row_of(clip_id)
        if row is not None:
            index = self.index(row, column)
            self.dataChanged.emit(index, index, roles or [])

    # -- search ---------------------------------------------------------------

    def set_filter(self, needle: str) -> None:
        """Show the clips whose title, tags or lyrics contain *needle* (already case-folded).

        One pass of ``in`` over the search texts: at 50,000 clips with full lyrics that
        is ~30 ms, where a Python ``filterAcceptsRow`` called from C++ per row would add
        ~25 ms of call overhead alone. Typing one more letter only searches the clips
        the shorter text matched.
        """
        if needle == self._needle:
            return
        if self._needle in needle:  # narrowing: what the shorter text hid stays hidden, unless it changed
            changed = (self._position_of[c] for c in self._hidden_changed if c in self._position_of)
            candidates = sorted({*self._shown, *changed}) if self._hidden_changed else self._shown
        else:
            candidates = range(len(self._clips))
        self._hidden_changed.clear()
        self._needle = needle
        shown = self._matching(candidates)
        self._change_layout(lambda: setattr(self, "_shown", shown))

    @property
    def filter_text(self) -> str:
        return self._needle

    def _matching(self, positions: Iterable[int]) -> list[int]:
        needle, texts = self._needle, self._texts
        if not needle:
            return list(positions)
        return [pos for pos in positions if needle in texts[pos]]

    def _change_layout(self, change: Callable[[], None]) -> None:
        """Apply *change* to the rows as one layout change, keeping selection and current row by clip."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        clips, shown = self._clips, self._shown
        ids = [clips[shown[index.row()]].clip_id for index in persistent]
        change()
        if len(persistent) > 100:  # a selection of many ranges: one pass over the rows beats a search each
            row_of = {self._clips[pos].clip_id: row for row, pos in enumerate(self._shown)}.get
        else:
            row_of = self.row_of
        moved = []
        for clip_id, index in zip(ids, persistent):
            row = row_of(clip_id)
            # createIndex: index() would ask the Python rowCount() and columnCount() each time
            moved.append(self.createIndex(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _reorder(self, order: list[int]) -> None:
        """Keep the clips at positions *order*, in that order, with everything parallel to them."""
        new_position = [-1] * len(self._clips)
        for new, old in enumerate(order):
            new_position[old] = new
        self._shown = sorted(p for p in map(new_position.__getitem__, self._shown) if p >= 0)
        self._clips = [self._clips[i] for i in order]
        self._on_disk = [self._on_disk[i] for i in order]
        self._texts = [self._texts[i] for i in order]
        self._position_of = {record.clip_id: pos for pos, record in enumerate(self._clips)}

    # -- access ---------------------------------------------------------------

    def record(self, row: int) -> ClipRecord:
        return self._clips[self._shown[row]]

    def record_for(self, clip_id: str) -> ClipRecord | None:
        """Any clip of the library, shown or not."""
        pos = self._position_of.get(clip_id)
        return None if pos is None else self._clips[pos]

    def row_of(self, clip_id: str) -> int | None:
        """The clip's row, or None when it is not in the library or the search hides it."""
        pos = self._position_of.get(clip_id)
        return None if pos is None else self._row_at(pos)

    def _row_at(self, pos: int) -> int | None:
        row = bisect_left(self._shown, pos)
        return row if row < len(self._shown) and self._shown[row] == pos else None

    def progress_for(self, row: int) -> float | None:
        return self._progress.get(self.record(row).clip_id)

    def thumbnail_for(self, row: int) -> QPixmap | None:
        return self._thumbnail(self.record(row))

    def status_color(self, row: int) -> QColor | None:
        return STATUS_COLORS.get(self.record(row).state)

    def status_text(self, row: int) -> str:
        return self._status_text(self.record(row))

    def files_on_disk(self, row: int) -> tuple[bool, bool, bool]:
        return self._on_disk[self._shown[row]]

    def disk_changed(self, record: ClipRecord) -> bool:
        """Whether *record*'s files on disk differ from what the table shows."""
        pos = self._position_of.get(record.clip_id)
        return pos is not None and self._on_disk[pos] != self._files_of(record)

    def clip_ids_of_rows(self, first: int, last: int) -> list[str]:
        clips = self._clips
        return [clips[pos].clip_id for pos in self._shown[first:last + 1]]

    def rows_of_clips(self, clip_ids: set[str]) -> list[int]:
        """The rows, in order, of those of *clip_ids* that are shown."""
        clips = self._clips
        return [row for row, pos in enumerate(self._shown) if clips[pos].clip_id in clip_ids]

    def records(self) -> list[ClipRecord]:
        """Every clip of the library, shown or not."""
        return list(self._clips)

    def clip_count(self) -> int:
        return len(self._clips) - self._task_rows

    def task_row_count(self) -> int:
        return self._task_rows

    # -- Qt model API -------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        # Qt's own index() asks the Python rowCount() and columnCount() first: two more calls
        # into Python per cell the proxy maps, each waiting for the GIL while workers run
        if 0 <= row < len(self._shown) and 0 <= column < len(COLUMNS) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_COVER:
                return "Cover"
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_FILES:
                return "Files on disk: MP3, cover, MP4"
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        # called for every selected cell when the layout changes: no enum arithmetic here
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _DRAGGABLE_ROW if self._on_disk[self._shown[index.row()]][0] else _ROW

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        return self.value_of(index.row(), index.column(), role)

    def value_of(self, row: int, column: int, role: int):
        record = self._clips[self._shown[row]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(record) if column == COL_COVER else None
        if role == CLIP_ID_ROLE:
            return record.clip_id
        if role == PROGRESS_ROLE and column == COL_STATUS:
            return self._progress.get(record.clip_id)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_STATUS and record.error:
                return record.error
            if column in (COL_TITLE, COL_TAGS):
                return self._display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return self.status_color(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_DURATION:
            return _RIGHT_ALIGNED
        return None

    def multiData(self, index: QModelIndex, roles) -> None:  # noqa: N802 - Qt's name
        """Every role a delegate asks of a cell, in one call into Python instead of seven.

        During a sync each call from C++ into Python waits for the GIL held by the
        download threads; a paint costs a few of these per cell, not a few dozen.
        """
        self.fill_roles(index.row(), index.column(), roles)

    def fill_roles(self, row: int, column: int, roles) -> None:
        if not 0 <= row < len(self._shown):
            return
        for role_data in roles:
            role = role_data.role()
            if role in _NEVER_SET_ROLES:
                continue
            value = self.value_of(row, column, role)
            if value is not None:
                role_data.setData(value)

    def _display(self, row: int, column: int) -> str | None:
        record = self._clips[self._shown[row]]
        if column == COL_TITLE:
            return record.title or "Untitled"
        if column == COL_TAGS:
            return record.tags
        if column == COL_MODEL:
            return record.model
        if column == COL_DURATION:
            return format_duration(record.duration)
        if column == COL_CREATED:
            return format_created(record.created_at)
        if column == COL_STATUS:
            return self._status_text(record)
        if column == COL_FILES:
            audio, cover, video = self._on_disk[self._shown[row]]
            return " ".join(name for name, present in (("MP3", audio), ("Cover", cover), ("MP4", video)) if present) or "—"
        return None

    def _status_text(self, record: ClipRecord) -> str:
        if record.kind == "task":
            return record.error
        if record.state == ClipState.DOWNLOADING:
            fraction = self._progress.get(record.clip_id)
            if fraction is not None and fraction >= 0:
                return f"Downloading {int(fraction * 100)}%"
        if record.state == ClipState.FAILED and record.error:
            return f"Failed: {record.error}"
        return STATUS_TEXT.get(record.state, record.state)

    # -- sorting (called by the proxy) ---------------------------------------

    def would_reorder(self, column: int, order: Qt.SortOrder) -> bool:
        """False when the rows are already in this order: QTableView.sortByColumn asks twice."""
        return column >= 0 and (column, order, self._version) != self._sorted_at

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # "unsorted": keep the order rows arrived in
            self._sort = None
            return
        if not self.would_reorder(column, order):
            return
        self._sort = (column, order)
        self._change_layout(lambda: self._reorder(self._sort_order(column, order)))
        self._sorted_at = (column, order, self._version)

    def _sort_order(self, column: int, order: Qt.SortOrder) -> list[int]:
        key = _sort_key(column, self)
        return sorted(range(len(self._clips)), key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    # -- drag and drop ------------------------------------------------------------

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # noqa: N802
        """``text/uri-list`` of the tagged MP3 files that are on disk, nothing else."""
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path)) for path in self.audio_files({i.row() for i in indexes})])
        return mime

    def audio_files(self, rows: Iterable[int]) -> list[Path]:
        if self.library is None:
            return []
        files = []
        for row in sorted(set(rows)):
            record = self.record(row)
            if record.audio_path and self.files_on_disk(row)[0]:
                path = self.library.root / record.audio_path
                if path.is_file():
                    files.append(path)
        return files


def _sort_key(column: int, model: ClipTableModel):
    rows = model._clips
    if column == COL_TITLE or column == COL_COVER:
        return lambda i: rows[i].title.casefold()
    if column == COL_TAGS:
        return lambda i: rows[i].tags.casefold()
    if column == COL_MODEL:
        return lambda i: rows[i].model.casefold()
    if column == COL_DURATION:
        return lambda i: rows[i].duration if rows[i].duration is not None else -1.0
    if column == COL_CREATED:
        return lambda i: rows[i].created_at or ""
    if column == COL_STATUS:
        return lambda i: (STATUS_ORDER.get(rows[i].state, 99), rows[i].error)
    if column == COL_FILES:
        disk = model._on_disk
        return lambda i: disk[i]
    return lambda i: i


class ClipFilterProxy(QSortFilterProxyModel):
    """The view's sorting and search; both are handed to the source model.

    A ``filterAcceptsRow`` or ``lessThan`` written in Python is called from C++ once
    per row or comparison, which costs tens of milliseconds at 50,000 rows before
    any matching is done. The model sorts its list with one key function and
    filters with one pass over its search texts; the proxy passes rows through.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self.last_filter_seconds = 0.0
        self.selection_model: QItemSelectionModel | None = None  # see attach_selection

    def attach_selection(self, selection_model: QItemSelectionModel) -> None:
        """The view's selection, carried by the proxy when it is big (see _keeping_selection)."""
        self.selection_model = selection_model
        selection_model.destroyed.connect(self._selection_destroyed)

    def _selection_destroyed(self) -> None:
        self.selection_model = None

    def set_filter_text(self, text: str) -> None:
        started = time.perf_counter()
        model: ClipTableModel = self.sourceModel()
        needle = text.strip().casefold()
        if needle != model.filter_text:
            self._keeping_selection(lambda: model.set_filter(needle))
        self.last_filter_seconds = time.perf_counter() - started

    @property
    def filter_text(self) -> str:
        return self.sourceModel().filter_text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model: ClipTableModel = self.sourceModel()
        if model.would_reorder(column, order):
            self._keeping_selection(lambda: model.sort(column, order))
        else:
            model.sort(column, order)

    def _selected_clip_ids(self) -> set[str] | None:
        """The clips of a big selection; None for a small one, which Qt carries well itself.

        The ranges (each holding two persistent indexes) are dropped on return, so that
        the layout change does not have to move them.
        """
        ranges = self.selection_model.selection()
        if sum(r.height() for r in ranges) < BIG_SELECTION_ROWS:
            return None
        model: ClipTableModel = self.sourceModel()
        chosen: set[str] = set()
        for selected in ranges:
            chosen.update(model.clip_ids_of_rows(selected.top(), selected.bottom()))
        return chosen

    def _keeping_selection(self, change: Callable[[], None]) -> None:
        """Run *change* (a layout change), carrying a big selection across it by clip id.

        Across a layout change Qt's selection model keeps a persistent index for every
        selected cell and asks ``flags()`` of each: about a second after Ctrl+A at 50,000
        clips. A big selection is taken down, and put back as row ranges afterwards.
        """
        selection = self.selection_model
        chosen = self._selected_clip_ids() if selection is not None else None
        if chosen is None:
            change()
            return
        selection.clearSelection()
        change()
        shown = _row_ranges(self.sourceModel().rows_of_clips(chosen))
        last_column = self.columnCount() - 1
        again = QItemSelection()
        for top, bottom in shown:
            again.select(self.index(top, 0), self.index(bottom, last_column))
        selection.select(again, QItemSelectionModel.SelectionFlag.Select)
        # commit it, as Qt's own carrying would: a Shift+click then extends it, not replaces it
        selection.select(QItemSelection(), QItemSelectionModel.SelectionFlag.Select)

    def multiData(self, index: QModelIndex, roles) -> None:  # noqa: N802 - Qt's name
        # Qt's proxy would ask the model role by role (seven calls into Python per
        # cell); rows pass through unchanged (sorting and searching are the model's)
        self.sourceModel().fill_roles(index.row(), index.column(), roles)

    def clip_id(self, proxy_row: int) -> str:
        return self.data(self.index(proxy_row, 0), CLIP_ID_ROLE)

    def source_row(self, proxy_row: int) -> int:
        return self.mapToSource(self.index(proxy_row, 0)).row()

    def proxy_row_of(self, clip_id: str) -> int | None:
        source = self.sourceModel().row_of(clip_id)
        if source is None:
            return None
        index = self.mapFromSource(self.sourceModel().index(source, 0))
        return index.row() if index.isValid() else None


def _row_ranges(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted *rows* as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def source_of(index: QModelIndex) -> tuple["ClipTableModel", int]:
    """The Python model and row behind a (proxy) index.

    Delegates read the model directly: ``QModelIndex.data()`` called from Python
    on a Python model loses a reference to ``None`` each time it returns nothing
    (PySide6 6.x on Python 3.11), which crashes the interpreter after enough paints.
    """
    model = index.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = index.model()
    return model, index.row()


def paint_cell_background(painter, option) -> None:
    """Selection and alternate-row background, drawn without asking the model anything."""
    style = option.widget.style() if option.widget else QApplication.style()
    style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)


class StatusDelegate(QStyledItemDelegate):
    """The Status cell: a progress bar while downloading, else the coloured status text.

    It paints everything itself from the Python model: asking Qt to fetch the
    cell's data from a Python delegate (``super().paint``) loses references to
    ``None`` in PySide6 on Python 3.11, once per empty role per cell.
    """

    def paint(self, painter, option, index) -> None:
        model, row = source_of(index)
        paint_cell_background(painter, option)
        fraction = model.progress_for(row)
        text = model.status_text(row)
        if fraction is not None and fraction >= 0:
            bar = QStyleOptionProgressBar()
            bar.rect = option.rect.adjusted(4, 8, -4, -8)
            bar.minimum, bar.maximum = 0, 100
            bar.progress = int(fraction * 100)
            bar.text = text
            bar.textVisible = True
            bar.state = option.state | QStyle.StateFlag.State_Horizontal
            style = option.widget.style() if option.widget else QApplication.style()
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = model.status_color(row)
        if selected or color is None:
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            color = option.palette.color(role)
        painter.save()
        painter.setPen(color)
        rect = option.rect.adjusted(4, 0, -4, 0)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


class CoverDelegate(QStyledItemDelegate):
    """A square, rounded thumbnail; a quiet placeholder note while none is loaded.

    Each thumbnail is scaled and rounded once and kept: a paint then costs one
    ``drawPixmap`` per cell, not a smooth rescale and a clip path.
    """

    CACHE_SIZE = 512

    def __init__(self, size: int, parent=None) -> None:
        super().__init__(parent)
        self.size = size
        self._rounded: dict[tuple, QPixmap] = {}

    def paint(self, painter, option, index) -> None:
        model, row = source_of(index)
        paint_cell_background(painter, option)
        side = min(self.size, option.rect.height() - 6)
        if side <= 0:
            return
        target = QRect(0, 0, side, side)
        target.moveCenter(option.rect.center())
        ratio = painter.device().devicePixelRatioF()
        pixmap = model.thumbnail_for(row)
        if not isinstance(pixmap, QPixmap) or pixmap.isNull():
            pixmap = None
        # the placeholder follows the palette (a theme change repaints it in the new colours)
        drawn = pixmap.cacheKey() if pixmap is not None else option.palette.color(QPalette.ColorRole.Midlight).rgba()
        key = (pixmap is None, drawn, side, ratio)
        rounded = self._rounded.get(key)
        if rounded is None:
            rounded = self._render(pixmap, side, ratio, option.palette)
            if len(self._rounded) >= self.CACHE_SIZE:
                self._rounded.pop(next(iter(self._rounded)))
            self._rounded[key] = rounded
        painter.drawPixmap(target.topLeft(), rounded)

    @staticmethod
    def _render(pixmap: QPixmap | None, side: int, ratio: float, palette: QPalette) -> QPixmap:
        rounded = QPixmap(QSize(side, side) * ratio)
        rounded.setDevicePixelRatio(ratio)
        rounded.fill(Qt.GlobalColor.transparent)
        target = QRect(0, 0, side, side)
        painter = QPainter(rounded)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(target), 4, 4)
        painter.setClipPath(path)
        if pixmap is not None:
            scaled = pixmap.scaled(target.size() * ratio, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                                   Qt.TransformationMode.SmoothTransformation)
            scaled.setDevicePixelRatio(ratio)
            painter.drawPixmap(target, scaled)
        else:
            painter.fillRect(target, palette.color(QPalette.ColorRole.Midlight))
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            font = painter.font()
            font.setPixelSize(int(side * 0.5))
            painter.setFont(font)
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "♪")
        painter.end()
        return rounded


class ClipTableView(QTableView):
    """Multi-select table; dragging rows out hands over the tagged MP3 files (copy only)."""

    activated_clip = Signal(str)
    copy_requested = Signal()  # Ctrl+C: the view would otherwise copy one cell's text

    THUMB = 40

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._header_selection: QItemSelectionModel | None = None
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIconSize(self._thumb_size())
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.THUMB + 8)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setItemDelegateForColumn(COL_STATUS, StatusDelegate(self))
        self.setItemDelegateForColumn(COL_COVER, CoverDelegate(self.THUMB, self))
        self.doubleClicked.connect(self._emit_activated)

    def setSelectionModel(self, selection_model: QItemSelectionModel) -> None:  # noqa: N802
        super().setSelectionModel(selection_model)  # also called by setModel
        model = self.model()
        if model is None:
            return
        if isinstance(model, ClipFilterProxy):
            model.attach_selection(selection_model)
        # The header paints each section asking the selection model whether that column is
        # selected, which asks flags() row by row: seconds per repaint with 50,000 rows
        # selected. Sections are not highlighted here, so the header gets a selection of its own.
        previous = self._header_selection
        self._header_selection = QItemSelectionModel(model, self)
        self.horizontalHeader().setSelectionModel(self._header_selection)
        if previous is not None:
            previous.deleteLater()

    def _thumb_size(self):
        from PySide6.QtCore import QSize

        return QSize(self.THUMB, self.THUMB)

    def apply_default_columns(self) -> None:
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_COVER, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        widths = {COL_COVER: self.THUMB + 12, COL_TITLE: 180, COL_TAGS: 130, COL_MODEL: 80,
                  COL_DURATION: 66, COL_CREATED: 126, COL_STATUS: 150, COL_FILES: 110}
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        header.setStretchLastSection(True)

    def _emit_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated_clip.emit(index.data(CLIP_ID_ROLE))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_clip.emit(self.currentIndex().data(CLIP_ID_ROLE))
            return
        super().keyPressEvent(event)

    def selected_clip_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        return [self.model().index(row, 0).data(CLIP_ID_ROLE) for row in rows]

    def selected_source_rows(self) -> list[int]:
        proxy = self.model()
        return [proxy.mapToSource(index).row() for index in self.selectionModel().selectedRows()]

    def create_drag(self) -> QDrag | None:
        """The drag for the current selection, or None when no selected MP3 is on disk."""
        proxy = self.model()
        source_indexes = [proxy.mapToSource(index) for index in self.selectionModel().selectedRows()]
        model: ClipTableModel = proxy.sourceModel()
        mime = model.mimeData(source_indexes)
        if not mime.urls():
            return None
        drag = QDrag(self)
        drag.setMimeData(mime)
        current = self.currentIndex()
        if not current.isValid() or not self.selectionModel().isRowSelected(current.row()):
            current = self.selectionModel().selectedRows()[0]
        cover = model.thumbnail_for(proxy.mapToSource(current).row())
        if not isinstance(cover, QPixmap) or cover.isNull():
            # not painted yet: one small decode, once, for the drag the user just started
            record = model.record(proxy.mapToSource(current).row())
            cover = QPixmap(str(model.library.root / record.cover_path)) if record.cover_path and model.library else QPixmap()
        if not cover.isNull():
            drag.setPixmap(cover.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        return drag

    def startDrag(self, supported_actions: Qt.DropAction) -> None:  # noqa: N802
        drag = self.create_drag()
        if drag is not None:
            drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)
