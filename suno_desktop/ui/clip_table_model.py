"""The clip table's model, built for tens of thousands of rows.

Sorting and searching are handed by the proxy to this model, which sorts a list of
positions by keys read once and filters with one pass over a case-folded title + tags
+ lyrics string per clip (its rows never move: see :mod:`.row_lists`): a ``lessThan`` or
``filterAcceptsRow`` called from C++ per row would cost seconds (sorting) or ~80 ms
(filtering) at 50,000 rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from operator import attrgetter

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QPixmap

from ..library.query_select import distinct_words
from ..library.store import Library
from ..model import ClipRecord, ClipState
from .cell_looks import ProgressBars, RoundedCovers
from .cell_roles import CellRoles
from .clip_rows import (
    CLIP_ID_ROLE,
    COL_COVER,
    COL_DURATION,
    COL_FILES,
    COL_NUMBER,
    COL_STATUS,
    COL_TAGS,
    COL_TITLE,
    COLUMNS,
    HEADER_TIPS,
    NO_FILES,
    display_text,
    row_runs,
)
from .row_filter import RowFilter
from .row_lists import in_order, index_of, without
from .rows_by_position import RowsByPosition
from .table_drags import FileDragSource
from .table_rows import TASK_ROW_PREFIX, ClipRow, TableRow, as_row, query_subject
from .table_search import TableSearch, lean_row, row_text
from .table_sorting import TableSorting
from .take_groups import TakeTally
from .title_marks import TitleMarks, title_tooltip

_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ROW = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_DRAGGABLE_ROW = _ROW | Qt.ItemFlag.ItemIsDragEnabled
_EDITABLE = Qt.ItemFlag.ItemIsEditable
_EDIT_ROLE = Qt.ItemDataRole.EditRole


class ClipTableModel(FileDragSource, CellRoles, RowsByPosition, TableSorting, TableSearch, QAbstractTableModel):
    """The library's clips, tasks without clips and unconfirmed requests: a row each for those the search lets through.

    Every :class:`~.table_rows.TableRow` is kept in ``_rows`` (in the order the library
    gave them, new ones appended: a row's *position* there never changes but when rows are
    removed) with its files on disk, its search text and its distinct words in parallel
    lists. ``_order`` holds every position in the order shown (sorted, or as rows arrived)
    and ``_shown`` those of the rows that match the search, in that order: row *r* is
    ``_rows[_shown[r]]`` (see :mod:`.row_lists`).
    A :class:`~suno_desktop.model.ClipRecord` handed in is shown as its :class:`ClipRow`.
    """

    rows_changed = Signal()  # rows were replaced, added or removed, shown or not: once a change (smart lists follow)

    def __init__(self, library: Library | None = None, parent=None) -> None:
        super().__init__(parent)
        self.library = library
        self._rows: list[TableRow] = []
        self._on_disk: list[tuple[bool, bool, bool]] = []
        self._texts: list[str] = []
        self._words: list[str] = []  # each text's distinct words (query_select.distinct_words)
        self._position_of: dict[str, int] = {}
        self._order: list[int] = []  # every position, in the order shown
        self._shown: list[int] = []  # the positions of the rows the search lets through, in that order
        self._row_index: list[int] | None = None  # each position's row (-1: hidden), made when asked
        self._search = RowFilter()  # no query: every row is shown (see TableSearch)
        self._hidden_changed: set[str] = set()  # hidden clips updated since the search last changed
        self._progress: dict[str, float] = {}
        self._tally = TakeTally()  # the rows that stand for no clip, and the tasks that have clips
        self._thumbnail: Callable[[ClipRecord], QPixmap | None] = lambda record: None  # a clip's cover
        self._covers = RoundedCovers()
        self._progress_bars = ProgressBars()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._playing: tuple[str, bool] = ("", False)  # the clip loaded in the player, and whether it plays
        self._marks = TitleMarks()  # the playing row's ▶/❚❚, a take's badge, a derived clip's ↳
        self.layout_guard: Callable = lambda change: change()  # the proxy carries a big selection across it
        self._version = 0  # bumped whenever rows or their values change
        self._moves = 0  # bumped whenever rows move (a sort, a clip moved into its sorted place, a removal)
        self._sorted_at: tuple | None = None
        #: called with a clip's id and the title typed into its Title cell (F2); None: titles are not editable
        self.title_editor: Callable[[str, str], None] | None = None

    # -- loading ------------------------------------------------------------

    def set_thumbnail_provider(self, provider: Callable[[ClipRecord], QPixmap | None]) -> None:
        self._thumbnail = provider

    def set_records(
        self,
        items: Iterable[TableRow | ClipRecord],
        on_disk: list[tuple[bool, bool, bool]] | None = None,
        *,
        words_later: bool = False,
    ) -> None:
        """Replace everything (library opened). *on_disk* may be read off the GUI thread.

        *words_later*: the rows are lean (``library_rows``) and their search texts are read on
        a worker and handed in by ``set_texts``.
        """
        self.beginResetModel()
        self._version += 1
        rows = list(map(as_row, items))
        self._on_disk = on_disk if on_disk is not None else [self._files_of(r) for r in rows]
        self._start_search(words_later=words_later)
        self._texts = [""] * len(rows) if words_later else list(map(row_text, rows))
        self._words = [""] * len(rows) if words_later else list(map(distinct_words, self._texts))
        self._rows = rows if words_later else list(map(lean_row, rows))
        self._position_of = dict(zip(map(attrgetter("row_id"), self._rows), range(len(rows))))  # in C
        self._tally = TakeTally(self._rows)
        self._progress.clear()
        self._hidden_changed.clear()
        self._order = list(range(len(rows)))
        if self._sort is not None:
            self._order = self._sort_order(*self._sort)
        self._set_shown(in_order(self._order, self._matching(range(len(rows))), len(rows)))
        self.endResetModel()

    def _files_of(self, item: TableRow | ClipRecord) -> tuple[bool, bool, bool]:
        record = item if isinstance(item, ClipRecord) else item.record
        if record is None or self.library is None:
            return NO_FILES
        return self.library.files_present(record)

    def upsert(
        self, items: Iterable[TableRow | ClipRecord], on_disk: Iterable[tuple[bool, bool, bool]] | None = None
    ) -> None:
        """Update rows in place (they stay shown until the search changes) and add new ones.

        A task's first clip takes the place of the task's own row, the others go right after
        it; other clips and new task rows are appended; in a sorted table, all take their sorted
        places. *on_disk* (read on a worker) saves the GUI thread a stat per file. Changed rows
        are announced in runs of neighbours, never in a range over unchanged rows (a repaint
        of the whole viewport calls into Python for every cell).
        """
        self._version += 1
        items = list(map(as_row, items))
        disk = dict(zip((r.row_id for r in items), on_disk)) if on_disk is not None else {}
        new: list[TableRow] = []
        changed_rows: list[int] = []
        moved: list[str] = []  # clips whose sort key changed: they leave their place in a sorted table
        for item in items:
            pos = self._position_of.get(item.row_id)
            if item.record is not None and item.record.removed:
                if pos is not None:
                    self._announce_rows(changed_rows)  # row numbers are about to move
                    changed_rows = []
                    self.remove_ids([item.row_id])
            elif pos is not None:
                before = self._key_at(pos)
                row = self._replace_at(pos, item, disk.get(item.row_id), announce=False)
                if row is not None:
                    changed_rows.append(row)
                if self._key_at(pos) != before:
                    moved.append(item.row_id)
            elif not item.is_task or item.task_id not in self._tally.tasks_with_clips:
                new.append(item)  # (a task row read before its clips arrived is stale)
        self._announce_rows(changed_rows)
        if new:
            self._add(new, disk)
        self._keep_sorted([*moved, *(item.row_id for item in new)])
        if items:
            self.rows_changed.emit()  # once a batch: a sync's thousand rows are one change of the smart lists

    def _announce_rows(self, rows: list[int]) -> None:
        """One dataChanged per run of adjacent rows: a sync changes neighbours (a task's clips) together."""
        last_column = len(COLUMNS) - 1
        for first, last in row_runs(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column))

    def _add(self, new: list[TableRow], disk: dict) -> None:
        """New rows: a task's first clip takes its task row's place, the others follow it; the rest are appended."""
        holders: dict[int, list[TableRow]] = {}
        appended = []
        for item in new:
            holder = None if item.is_placeholder else self._position_of.get(TASK_ROW_PREFIX + item.task_id)
            if holder is None:
                appended.append(item)
            else:
                holders.setdefault(holder, []).append(item)
        followers: list[tuple[int, list[TableRow]]] = []
        for pos, (first, *rest) in holders.items():
            self._replace_at(pos, first, disk.get(first.row_id))
            if rest:
                followers.append((pos, rest))
        if followers or appended:
            self._insert(followers, appended, disk)

    def _insert(self, followers: list[tuple[int, list[TableRow]]], appended: list[TableRow], disk: dict) -> None:
        """Append rows to the lists; in the order shown, each run of *followers* comes right after its holder.

        The new rows the search lets through are announced as inserted when they are next
        to each other, else by one layout change (a fetch replaces a hundred task rows at once).
        """
        start = len(self._rows)
        items = [*(item for _, run in followers for item in run), *appended]
        texts = list(map(row_text, items))
        items = list(map(lean_row, items))
        self._rows += items
        self._on_disk += [disk.get(r.row_id) or self._files_of(r) for r in items]
        self._texts += texts
        self._words += map(distinct_words, texts)
        if self._columns is not None:
            self._columns.extend_with(map(query_subject, items))
        self._position_of.update(zip(map(attrgetter("row_id"), items), range(start, len(self._rows))))
        self._tally.count(items, +1)
        where = index_of(self._order, start) if len(followers) > 8 else None
        runs, first_new = [], start
        for holder, run in followers:
            runs.append((where[holder] if where else self._order.index(holder), first_new, first_new + len(run)))
            first_new += len(run)
        for at, first, end in sorted(runs, reverse=True):  # from the end: earlier indexes stay valid
            self._order[at + 1 : at + 1] = range(first, end)
        self._order += range(first_new, len(self._rows))
        matched = self._matching(range(start, len(self._rows)))
        if not runs:  # all appended, at the end of the order: no pass over the rows
            shown = [*self._shown, *matched]
        else:
            shown = in_order(self._order, [*self._shown, *matched], len(self._rows))
        if not matched:
            self._set_shown(shown)  # none is shown: the rows Qt knows keep their numbers
            return
        rows = None if not runs else index_of(shown, len(self._rows))  # (kept as the rows' numbers)
        if rows is None:
            first_row, last_row = len(self._shown), len(shown) - 1
        else:
            first_row, last_row = min(map(rows.__getitem__, matched)), max(map(rows.__getitem__, matched))
        if last_row - first_row + 1 == len(matched):
            self.beginInsertRows(QModelIndex(), first_row, last_row)
            self._set_shown(shown, rows)
            self.endInsertRows()
        else:  # (the proxy carries a big selection across it)
            self.layout_guard(lambda: self._change_layout(lambda: self._set_shown(shown, rows)))

    def _replace_at(self, pos: int, item: TableRow, files: tuple | None, *, announce: bool = True) -> int | None:
        """Put *item* at *pos*; returns its row when shown (announced unless *announce* is false)."""
        old = self._rows[pos]
        if old.row_id != item.row_id:  # a task row handing its place to its first clip, or a submission to its task
            del self._position_of[old.row_id]
            self._position_of[item.row_id] = pos
            self._progress.pop(old.row_id, None)
            self._tally.count([old], -1)
            self._tally.count([item], +1)
        if item.lyrics is not None or (old.title, old.tags) != (item.title, item.tags):
            self._texts[pos] = row_text(item, self._texts[pos])  # (a rating or a play keeps the words)
            self._words[pos] = distinct_words(self._texts[pos])
            self._own_text(item.row_id)
        self._rows[pos] = item = lean_row(item)
        if self._columns is not None:
            self._columns.put(pos, query_subject(item))
        self._on_disk[pos] = files if files is not None else self._files_of(item)
        if item.state != ClipState.DOWNLOADING:
            self._progress.pop(item.row_id, None)
        row = self._row_at(pos)
        if row is None:
            self._hidden_changed.add(item.row_id)  # may match the next, longer search
        elif announce:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return row

    def remove_ids(self, clip_ids: Iterable[str]) -> None:
        gone = {c for c in clip_ids if c in self._position_of}
        if not gone:
            return
        self._version += 1
        self.rows_changed.emit()

        def remove() -> None:
            self._tally.count((self._rows[self._position_of[row_id]] for row_id in gone), -1)
            keep = [pos for pos, item in enumerate(self._rows) if item.row_id not in gone]
            new_of_old = index_of(keep, len(self._rows))
            lists = (self._rows, self._on_disk, self._texts, self._words)
            self._rows, self._on_disk, self._texts, self._words = (list(map(v.__getitem__, keep)) for v in lists)
            self._position_of = {item.row_id: pos for pos, item in enumerate(self._rows)}
            self._columns = None if self._columns is None else self._columns.kept(keep)
            self._order = without(self._order, new_of_old)
            if self._sort is not None and self._group_takes:  # a group that lost its best take moves
                self._order = self._sort_order(*self._sort)
            self._set_shown(in_order(self._order, without(self._shown, new_of_old), len(self._rows)))
            self._moves += 1
            for clip_id in gone:
                self._progress.pop(clip_id, None)

        self._change_layout(remove)

    def replace_row(self, row_id: str, item: TableRow | ClipRecord) -> None:
        """*item* takes the place of row *row_id* (a submission created again becomes its task's row)."""
        item = as_row(item)
        pos = self._position_of.get(row_id)
        if pos is None or item.row_id in self._position_of:
            self.remove_ids([row_id])
            self.upsert([item])
            return
        self._version += 1
        self._replace_at(pos, item, None)
        self._keep_sorted([item.row_id])
        self.rows_changed.emit()

    def mark_downloading(self, clip_ids: Iterable[str]) -> None:
        marked = []
        for clip_id in clip_ids:
            pos = self._position_of.get(clip_id)
            record = None if pos is None else self._rows[pos].record
            if record is not None and record.state != ClipState.DOWNLOADING:
                self._rows[pos] = row = ClipRow(replace(record, state=ClipState.DOWNLOADING))
                if self._columns is not None:  # (no longer failed, nor missing)
                    self._columns.put(pos, query_subject(row))
                self._emit_changed(clip_id, COL_STATUS)
                marked.append(clip_id)
        if marked:
            self.rows_changed.emit()
        if self._sort is not None and self._sort[0] == COL_STATUS:
            self._keep_sorted(marked)

    def set_files(self, files: dict[str, tuple[bool, bool, bool]]) -> None:
        """Which files are on disk for some clips (read on a worker): their rows' Files cells and dragging change."""
        rows = []
        for clip_id, present in files.items():
            pos = self._position_of.get(clip_id)
            if pos is not None and self._on_disk[pos] != present:
                self._on_disk[pos] = present
                row = self._row_at(pos)
                if row is not None:
                    rows.append(row)
        self._announce_rows(rows)
        if self._sort is not None and self._sort[0] == COL_FILES:
            self._keep_sorted(list(files))

    def set_playing(self, clip_id: str, playing: bool) -> None:
        """Mark the row of the clip in the player (▶ playing, ❚❚ paused) in its Title cell."""
        previous = self._playing[0]
        self._playing = (clip_id, playing)
        for changed in {previous, clip_id} - {""}:
            self._emit_changed(changed, COL_TITLE, [Qt.ItemDataRole.DecorationRole])

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
        self._emit_changed(clip_id, COL_STATUS, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole])

    def refresh_thumbnail(self, clip_id: str) -> None:
        self._emit_changed(clip_id, COL_COVER, [Qt.ItemDataRole.DecorationRole])

    def _emit_changed(self, clip_id: str, column: int, roles: list | None = None) -> None:
        row = self.row_of(clip_id)
        if row is not None:
            index = self.index(row, column)
            self.dataChanged.emit(index, index, roles or [])

    # -- search ---------------------------------------------------------------

    def _change_layout(self, change: Callable[[], None]) -> None:
        """Apply *change* to the rows as one layout change, keeping selection and current row by clip."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        rows, shown = self._rows, self._shown
        ids = [rows[shown[index.row()]].row_id for index in persistent]
        change()
        distinct = set(ids)  # (the current row's cells, each a persistent index of one row)
        row_of = self.row_of_few if len(distinct) < 8 else self.row_of
        rows = {clip_id: row_of(clip_id) for clip_id in distinct}
        moved = []
        for clip_id, index in zip(ids, persistent):
            row = rows[clip_id]
            # createIndex: index() would ask the Python rowCount() and columnCount() each time
            moved.append(self.createIndex(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _set_shown(self, shown: list[int], index: list[int] | None = None) -> None:
        """The positions shown, in order; *index*: their rows' numbers (``index_of``), else made when asked."""
        self._shown = shown
        self._row_index = index

    # -- access ---------------------------------------------------------------

    def row(self, row: int) -> TableRow:
        """What row *row* shows: a clip, a task without clips, or an unconfirmed submission."""
        return self._rows[self._shown[row]]

    def row_for(self, row_id: str) -> TableRow | None:
        """Any row of the library, shown or not."""
        pos = self._position_of.get(row_id)
        return None if pos is None else self._rows[pos]

    def rows(self) -> list[TableRow]:
        """Every row of the library, shown or not, in the library's order (not the sort's)."""
        return list(self._rows)

    def record(self, row: int) -> ClipRecord | None:
        """The clip row *row* shows, or None when it stands for a task or a submission."""
        return self._rows[self._shown[row]].record

    def record_for(self, clip_id: str) -> ClipRecord | None:
        """Any clip of the library, shown or not (None for a task's or a submission's row)."""
        pos = self._position_of.get(clip_id)
        return None if pos is None else self._rows[pos].record

    def placeholders(self) -> list[TableRow]:
        """The rows that stand for no clip (tasks without clips, submissions), in the library's order."""
        return [self._rows[pos] for pos in sorted(map(self._position_of.__getitem__, self._tally.placeholder_ids))]

    def records(self) -> list[ClipRecord]:
        """Every clip of the library, shown or not: the rows that stand for no clip are left out."""
        return [item.record for item in self._rows if item.record is not None]

    def row_of(self, row_id: str) -> int | None:
        """The row's number, or None when it is not in the library or the search hides it."""
        pos = self._position_of.get(row_id)
        return None if pos is None else self._row_at(pos)

    def _row_at(self, pos: int) -> int | None:
        index = self._row_index
        if index is None:  # made in C, once for every row_of until the rows shown change
            index = self._row_index = index_of(self._shown, len(self._rows))
        row = index[pos]
        return None if row < 0 else row

    def row_of_few(self, row_id: str) -> int | None:
        """row_of for a few rows (the current one across a layout change): a scan in C, no index made."""
        pos = self._position_of.get(row_id)
        if pos is None or self._row_index is not None:
            return None if pos is None else self._row_at(pos)
        try:
            return self._shown.index(pos)
        except ValueError:
            return None

    def thumbnail_for(self, row: int) -> QPixmap | None:
        record = self.record(row)
        return None if record is None else self._thumbnail(record)

    def status_text(self, row: int) -> str:
        item = self.row(row)
        return item.status(self._progress.get(item.row_id))

    def files_on_disk(self, row: int) -> tuple[bool, bool, bool]:
        return self._on_disk[self._shown[row]]

    def differences(self, states: Iterable[tuple[str, float, tuple[bool, bool, bool]]]) -> tuple[list[str], dict]:
        """What a check of the files found: the clips whose rows are older than the library's, or missing,
        and the files of those whose rows are current but whose files are not what the table shows.

        *states* are the library's (clip id, last change, files on disk), read on a worker.
        """
        changed, files = [], {}
        for clip_id, updated_at, present in states:
            pos = self._position_of.get(clip_id)
            record = None if pos is None else self._rows[pos].record
            if record is None or record.updated_at != updated_at:
                changed.append(clip_id)
            elif self._on_disk[pos] != present:
                files[clip_id] = present
        return changed, files

    def task_ids(self) -> set[str]:
        """The tasks the library shows: of its clips and of its tasks without clips (no database read)."""
        return set(map(attrgetter("task_id"), self._rows)) - {""}

    def clip_count(self) -> int:
        """Rows that are clips: neither tasks without clips nor unconfirmed submissions."""
        return len(self._rows) - self._tally.placeholder_count

    def shown_clip_count(self) -> int:
        """Shown rows that are clips: what clip_count() counts, among the rows the search lets through."""
        placeholders = self._tally.placeholder_ids
        return len(self._shown) - sum(1 for row_id in placeholders if self.row_of(row_id) is not None)

    def task_row_count(self) -> int:
        return self._tally.tasks

    def submission_row_count(self) -> int:
        return self._tally.submissions

    # -- Qt model API -------------------------------------------------------

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        # Qt's own index() asks the Python rowCount() and columnCount() first: two more calls
        # into Python per cell the proxy maps, each waiting for the GIL while workers run
        if 0 <= row < len(self._shown) and 0 <= column < len(COLUMNS) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HEADER_TIPS.get(section)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        # called for every selected cell when the layout changes: no enum arithmetic here
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        pos = self._shown[index.row()]
        flags = _DRAGGABLE_ROW if self._on_disk[pos][0] else _ROW
        if index.column() == COL_TITLE and self.title_editor is not None and self._rows[pos].record is not None:
            return flags | _EDITABLE
        return flags

    def setData(self, index: QModelIndex, value, role: int = _EDIT_ROLE) -> bool:
        """A title typed into the Title cell goes to ``title_editor``, which saves it (the row changes when saved)."""
        if role != _EDIT_ROLE or not index.isValid() or index.column() != COL_TITLE or self.title_editor is None:
            return False
        item = self.row(index.row())
        if item.record is None or not isinstance(value, str):
            return False
        self.title_editor(item.row_id, value)
        return True

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        return self.value_of(index.row(), index.column(), role)

    def value_of(self, row: int, column: int, role: int):
        item = self._rows[self._shown[row]]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == _EDIT_ROLE and column == COL_TITLE:
            return item.title  # the editor starts from the title itself, not "Untitled"
        if role == Qt.ItemDataRole.DecorationRole:
            if column == COL_COVER:
                record = item.record
                return self._covers.pixmap_for(None if record is None else self._thumbnail(record))
            if column == COL_TITLE:
                return self._marks.icon_for(item, self._playing, self._tally.takes(item.task_id))
            fraction = self._progress.get(item.row_id) if column == COL_STATUS else None
            return self._progress_bars.pixmap_for(fraction) if fraction is not None and fraction >= 0 else None
        if role == CLIP_ID_ROLE:
            return item.row_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_STATUS and item.note:
                return item.note
            if column == COL_STATUS and (self._progress.get(item.row_id) or -1) >= 0:
                return f"Downloading {self._display(row, column)}"
            if column == COL_TITLE:
                return title_tooltip(self._display(row, column), item, self._tally.takes(item.task_id), self.row_for)
            if column == COL_TAGS:
                return self._display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return item.color
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_DURATION, COL_NUMBER):
            return _RIGHT_ALIGNED
        return None

    def _display(self, row: int, column: int) -> str | None:
        pos = self._shown[row]
        item = self._rows[pos]
        if column == COL_NUMBER:
            number = self._numbers.get(item.row_id)
            return None if number is None else str(number)
        return display_text(item, column, self._on_disk[pos], self._progress.get(item.row_id))
