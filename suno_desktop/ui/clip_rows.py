"""The clip table's columns and roles, what each cell shows, and the rows the library gives it.

The model, the view, its delegates and the detail pane all speak of rows in these
terms; the rows themselves (a clip, a task without clips, an unconfirmed submission)
live in :mod:`.table_rows`.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import NamedTuple

from PySide6.QtCore import Qt

from ..library.query_columns import ValueColumns, value_columns
from ..library.query_select import distinct_words, search_text, search_text_of
from ..library.store import Library
from ..library.submission_journal import SubmissionJournal
from ..model import ClipRecord, ClipState, FilesOnDisk, TaskAction, TaskRecord, TaskRowState
from ..song_request import Submission, SubmissionState, SubmitMode
from ..time_formats import format_created, format_duration
from .folder_watch import record_folders
from .rating_cells import last_played_text, plays_text, star_text
from .table_rows import STATUS_ORDER, ClipRow, SubmissionRow, TableRow, TaskRow, query_subject

CLIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's id: a clip's id, or a task's or submission's row id

# new columns go at the end: a header saved by an older version keeps its own
COLUMNS = (
    "",
    "Title",
    "Tags",
    "Model",
    "Duration",
    "Created",
    "Status",
    "Files",
    "Rating",
    "Plays",
    "Last played",
    "#",
)
(
    COL_COVER,
    COL_TITLE,
    COL_TAGS,
    COL_MODEL,
    COL_DURATION,
    COL_CREATED,
    COL_STATUS,
    COL_FILES,
    COL_RATING,
    COL_PLAYS,
    COL_LAST_PLAYED,
    COL_NUMBER,  # a song's place in the playlist shown (see ClipTableModel.set_source)
) = range(len(COLUMNS))
HEADER_TIPS = {
    COL_COVER: "Cover",
    COL_FILES: "Files on disk: MP3, cover, MP4",
    COL_RATING: "Click a star to rate; click the rating's own star to clear it",
    COL_PLAYS: "Plays counted after half the song or 4 minutes",
    COL_NUMBER: "Place in the playlist: drag rows to move them",
}
#: hidden until the user shows them (View → Columns); the # column shows with a playlist
HIDDEN_BY_DEFAULT = (COL_PLAYS, COL_LAST_PLAYED, COL_NUMBER)

#: the sentence of a submission that another process (or a window closed a moment ago) is still sending
STILL_SENDING = (
    "Being sent to the relay (by another Suno Desktop, or one that was closed a moment ago). "
    "If it is still here in a few minutes, the relay never confirmed it."
)

Files = tuple[bool, bool, bool]  # MP3, cover, MP4 on disk
NO_FILES = FilesOnDisk.of(False, False, False)


def display_text(row: TableRow, column: int, files: Files, progress: float | None) -> str | None:
    """What a cell shows (DisplayRole)."""
    if column == COL_TITLE:
        return row.title or "Untitled"
    if column == COL_TAGS:
        return row.tags
    if column == COL_MODEL:
        return row.model
    if column == COL_DURATION:
        return format_duration(row.duration)
    if column == COL_CREATED:
        return format_created(row.created_at)
    if column == COL_STATUS:
        return row.status(progress)
    if column == COL_FILES:
        audio, cover, video = files
        return " ".join(name for name, present in (("MP3", audio), ("Cover", cover), ("MP4", video)) if present) or "—"
    record = row.record  # the rating and plays are a clip's: a task's or a submission's row leaves them empty
    if record is None:
        return None
    if column == COL_RATING:
        return star_text(record.rating)
    if column == COL_PLAYS:
        return plays_text(record)
    if column == COL_LAST_PLAYED:
        return last_played_text(record)
    return None


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """*rows* as (first, last) runs of adjacent rows, in order."""
    if isinstance(rows, range) and rows.step == 1:  # every row: one run
        return [(rows.start, rows.stop - 1)] if rows else []
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def sort_key(column: int, rows: list[TableRow], on_disk: list[Files]):
    """The key that sorts positions of *rows* by *column* (the model sorts a list of positions)."""
    if column in (COL_TITLE, COL_COVER):
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
        return lambda i: (STATUS_ORDER.get(rows[i].state, 99), rows[i].note)
    if column == COL_FILES:
        return lambda i: on_disk[i]
    if column in (COL_RATING, COL_PLAYS, COL_LAST_PLAYED):
        return _clip_number_key(column, rows)
    return lambda i: i


def _clip_number_key(column: int, rows: list[TableRow]):
    """Rating, plays or last played; rows that stand for no clip sort below every clip."""
    field = {COL_RATING: "rating", COL_PLAYS: "plays", COL_LAST_PLAYED: "last_played"}[column]

    def key(i: int) -> float:
        record = rows[i].record
        value = None if record is None else getattr(record, field)
        return -1.0 if value is None else float(value)

    return key


def sort_keys(column: int, rows: list[TableRow], on_disk: list[Files]) -> list:
    """Every position's :func:`sort_key`, made in C where it can be.

    Sorting positions by ``keys.__getitem__`` then calls no Python per row: at 100,000
    rows the key function alone cost ~40 ms of a sort.
    """
    if column in (COL_TITLE, COL_COVER, COL_TAGS, COL_MODEL):
        field = "tags" if column == COL_TAGS else "model" if column == COL_MODEL else "title"
        return list(map(str.casefold, map(attrgetter(field), rows)))
    if column in (COL_DURATION, COL_CREATED):
        keys = list(map(attrgetter("duration" if column == COL_DURATION else "created_at"), rows))
        if None in keys:  # seldom: then a pass in Python
            empty = -1.0 if column == COL_DURATION else ""
            keys = [empty if key is None else key for key in keys]
        return keys
    if column == COL_FILES:
        return on_disk
    return list(map(sort_key(column, rows, on_disk), range(len(rows))))


_WAITING_TASK = (TaskRowState.WAITING, TaskRowState.GENERATING)


def task_row(task: TaskRecord, made_from: Submission | None = None) -> TaskRow:
    """A task that has no clips (yet) as one row of its own, its sentence in the Status column.

    The user pasted this id or created the task here: whether the relay is still
    generating, failed, or never heard of it, they must see it. A task created here
    is named after what was asked for (*made_from*), so the user recognises it.
    """
    request = made_from.request if made_from is not None else None
    lyrics_task = task.action is TaskAction.LYRICS or (request is not None and request.mode is SubmitMode.LYRICS)
    return TaskRow(
        task.task_id,
        task_status=task.status,
        made_here=made_from is not None,
        title=made_from.headline if made_from is not None else f"Task {task.task_id}",
        tags="Lyrics" if lyrics_task else (request.style if request is not None else ""),
        model=request.model if request is not None else "",
        created=task.added_at,
        lyrics=request.lyrics if request is not None else "",
        description=request.description if request is not None and not lyrics_task else "",
        state=ClipState.PENDING if task.row_state in _WAITING_TASK else ClipState.FAILED,
        note=task.describe(),
        updated_at=task.updated_at or task.added_at,
    )


def submission_row(submission: Submission, now: float) -> SubmissionRow:
    """A submission that may have reached the relay but gave no task: "Unconfirmed", with the reason.

    One still being sent (by another process, or cut off moments ago) is "Sending…".
    """
    request = submission.request
    shown = submission.shown_state(now)
    return SubmissionRow(
        submission.submission_id,
        shown=shown,
        title=submission.headline,
        tags="Lyrics" if request.mode is SubmitMode.LYRICS else request.style,
        model=request.model,
        created=submission.created_at,
        lyrics=request.lyrics,
        description=request.description,
        state=ClipState.FAILED,
        note=submission.reason(now) if shown is SubmissionState.UNCONFIRMED else STILL_SENDING,
        updated_at=submission.updated_at,
    )


def task_rows(library: Library, task_ids: Iterable[str] | None = None) -> list[TaskRow]:
    """A row per task without clips, named after what was asked for when it was made here.

    Reads the journal, so it runs on a worker, like every database read.
    """
    journal = SubmissionJournal(library)
    return [task_row(task, journal.for_task(task.task_id)) for task in library.tasks_without_clips(task_ids)]


def unconfirmed_rows(library: Library, now: float | None = None) -> list[SubmissionRow]:
    """A row per submission that may have been made: unconfirmed, or still being sent (on a worker)."""
    now = time.time() if now is None else now
    return [submission_row(entry, now) for entry in SubmissionJournal(library).open()]


class LibraryRows(NamedTuple):
    """What the table is filled with when a library opens: its rows and the files their records name."""

    rows: list[TableRow]
    on_disk: list[Files]


class LibraryWords(NamedTuple):
    """What is read after the table is filled: the rows' search texts, and the folders their files are in."""

    rows: list[TableRow]  # the rows the texts are of, in their order
    texts: list[str]
    words: list[str]  # each text's distinct words (query_select.distinct_words), what a plain word looks in
    folders: set[str]  # the library's subfolders the clips' files are in, for the folder watch
    columns: ValueColumns  # the rows' values comparisons read in C (query_select.value_columns)


def library_rows(library: Library) -> LibraryRows:
    """A row per clip with the files its record names, then a row per task without clips and per unconfirmed submission.

    Runs on a worker when the library opens. The clips are read without their lyrics, which
    the search reads next (:func:`library_words`), and which files really exist is read after
    the table is shown (``Library.file_states``): a stat per file would hold up the window
    (~0.4 s at 100,000 clips). Every id the user added, and every song asked for that may
    have been made, stays visible.
    """
    with _collector_paused():
        records = library.clips(lyrics=False)
        on_disk = [recorded_files(record) for record in records]
        placeholders: list[TableRow] = [*task_rows(library), *unconfirmed_rows(library)]
        rows = [*map(ClipRow, records), *placeholders]
        return LibraryRows(rows, on_disk + [NO_FILES] * len(placeholders))


def library_words(library: Library, rows: list[TableRow]) -> LibraryWords:
    """The search texts of *rows* (a worker's work, after the table is filled) and their files' folders.

    A clip's text is made from its words as the library reads them now; the takes of a task
    with the same words share one. The library gives its clips in the rows' order, so each
    row's words are the next ones read: only words read ahead of their row (the library
    changed since the rows were read) are kept aside, not every clip's (~10 MB at 100,000).
    """
    read = _clip_words(library)
    ahead: dict[str, tuple[str, str]] = {}
    texts, words = [], []
    for row in rows:
        found = None if row.record is None else ahead.pop(row.row_id, None)
        while found is None and row.record is not None:
            clip_id, made = next(read, (None, None))
            if clip_id is None or clip_id == row.row_id:
                found = made
                break
            ahead[clip_id] = made
        if found is None:
            text = search_text(row) if row.record is None else search_text_of(row.title, row.tags, "")
            found = (text, distinct_words(text))
        texts.append(found[0])
        words.append(found[1])
    folders = record_folders([row.record for row in rows if row.record is not None])
    return LibraryWords(rows, texts, words, folders, value_columns(map(query_subject, rows)))


def _clip_words(library: Library) -> Iterator[tuple[str, tuple[str, str]]]:
    """Each clip's id with its search text and the text's distinct words, in the library's order."""
    previous: list = []
    made = ("", "")
    for batch in library.search_words():
        for clip_id, *fields in batch:
            if fields != previous:
                text = search_text_of(*fields)
                made, previous = (text, distinct_words(text)), fields
            yield clip_id, made


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while a library's rows are made.

    They hold no cycles, and every few thousand new objects the collector would walk
    all of them again: ~0.4 s of the ~1 s it takes to read 100,000 clips. They live as long
    as the library is open, so they are frozen out of later collections too (a full one
    took ~0.1 s at 100,000 clips, mid-keystroke).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # and kept out of later collections: turned back on, it would walk them all at once
        if was_enabled:
            gc.enable()


def recorded_files(record: ClipRecord) -> Files:
    """The files the library recorded for *record* (what is on disk unless something moved them meanwhile)."""
    return FilesOnDisk.of(bool(record.audio_path), bool(record.cover_path), bool(record.video_path))


def clip_rows_of(library: Library, clip_ids: list[str]) -> tuple[list[ClipRecord], list[Files]]:
    """These clips as the library now has them, with their files on disk (a worker's reads)."""
    records = [record for record in library.clips_with_ids(clip_ids) if not record.removed]
    return records, [library.files_present(record) for record in records]
