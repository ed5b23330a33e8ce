"""What a row of the clip table is: its columns, roles and status words, and task rows.

The model, the view, its delegates and the detail pane all speak of rows in these terms.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..library.store import Library
from ..library.submission_journal import SubmissionJournal
from ..model import CLIP_STREAMING, PENDING_CLIP_STATUSES, ClipKind, ClipRecord, ClipState, TaskRecord, TaskRowState
from ..song_request import Submission, SubmissionState, SubmitMode
from ..time_formats import format_created, format_duration

CLIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("", "Title", "Tags", "Model", "Duration", "Created", "Status", "Files")
(COL_COVER, COL_TITLE, COL_TAGS, COL_MODEL, COL_DURATION, COL_CREATED, COL_STATUS, COL_FILES) = range(len(COLUMNS))
HEADER_TIPS = {COL_COVER: "Cover", COL_FILES: "Files on disk: MP3, cover, MP4"}

STATUS_TEXT = {
    ClipState.PENDING: "Pending",
    ClipState.DOWNLOADING: "Downloading",
    ClipState.READY: "Ready",
    ClipState.MISSING: "Missing",
    ClipState.FAILED: "Failed",
    ClipState.LYRICS: "Lyrics only",
}
STATUS_ORDER = {state: n for n, state in enumerate(STATUS_TEXT)}
STATUS_COLORS = {
    ClipState.FAILED: QColor("#e53935"),
    ClipState.MISSING: QColor("#ef6c00"),
    ClipState.PENDING: QColor("#8e8e93"),
}
#: a submission that may or may not have been made: a warning, not a failure
UNCONFIRMED_COLOR = QColor("#ef6c00")
UNCONFIRMED_TEXT = "Unconfirmed"
SENDING_TEXT = "Sending…"
#: the sentence of a submission that another process (or a window closed a moment ago) is still sending
STILL_SENDING = (
    "Being sent to the relay (by another Suno Desktop, or one that was closed a moment ago). "
    "If it is still here in a few minutes, the relay never confirmed it."
)

Files = tuple[bool, bool, bool]  # MP3, cover, MP4 on disk


def status_text(record: ClipRecord, progress: float | None = None) -> str:
    """The Status column: a placeholder's sentence or word, a download's percentage, a failure's reason."""
    if record.kind == ClipKind.TASK:
        return record.error
    if record.kind == ClipKind.SUBMISSION:
        return SENDING_TEXT if record.relay_status == SubmissionState.SENDING else UNCONFIRMED_TEXT
    if record.state == ClipState.PENDING and record.relay_status in PENDING_CLIP_STATUSES:
        # as its task's row said before the relay sent clips: the song is still being made
        return "Generating…" if record.relay_status == CLIP_STREAMING else "Waiting…"
    if record.state == ClipState.DOWNLOADING and progress is not None and progress >= 0:
        return f"{int(progress * 100)}%"  # beside the bar (cell_looks.ProgressBars): the word would be cut off
    if record.state == ClipState.FAILED and record.problem:
        return f"Failed: {record.problem}"
    return STATUS_TEXT.get(record.state, record.state)


def display_text(record: ClipRecord, column: int, files: Files, progress: float | None) -> str | None:
    """What a cell shows (DisplayRole)."""
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
        return status_text(record, progress)
    if column == COL_FILES:
        audio, cover, video = files
        return " ".join(name for name, present in (("MP3", audio), ("Cover", cover), ("MP4", video)) if present) or "—"
    return None


def row_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """*rows* as (first, last) runs of adjacent rows, in order."""
    runs: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def sort_key(column: int, records: list[ClipRecord], on_disk: list[Files]):
    """The key that sorts positions of *records* by *column* (the model sorts a list of positions)."""
    if column in (COL_TITLE, COL_COVER):
        return lambda i: records[i].title.casefold()
    if column == COL_TAGS:
        return lambda i: records[i].tags.casefold()
    if column == COL_MODEL:
        return lambda i: records[i].model.casefold()
    if column == COL_DURATION:
        return lambda i: records[i].duration if records[i].duration is not None else -1.0
    if column == COL_CREATED:
        return lambda i: records[i].created_at or ""
    if column == COL_STATUS:
        return lambda i: (STATUS_ORDER.get(records[i].state, 99), records[i].problem)
    if column == COL_FILES:
        return lambda i: on_disk[i]
    return lambda i: i


def search_text(record: ClipRecord) -> str:
    """What the search box looks in, case-folded once per clip rather than per keystroke."""
    return f"{record.title}\n{record.tags}\n{record.lyrics}".casefold()


TASK_ROW_PREFIX = "task:"
SUBMISSION_ROW_PREFIX = "submission:"
#: rows that stand for no clip of their own: a task without clips, a submission that made no known task
PLACEHOLDER_KINDS = frozenset({ClipKind.TASK, ClipKind.SUBMISSION})
_WAITING_TASK = (TaskRowState.WAITING, TaskRowState.GENERATING)
NO_FILES = (False, False, False)


def task_row(task: TaskRecord, made_from: Submission | None = None) -> ClipRecord:
    """A task that has no clips (yet) as one row of its own, its sentence in the Status column.

    The user pasted this id or created the task here: whether the relay is still
    generating, failed, or never heard of it, they must see it. A task created here
    is named after what was asked for (*made_from*), so the user recognises it.
    Its clips replace the row when they arrive.
    """
    request = made_from.request if made_from is not None else None
    lyrics_task = task.action == "LYRICS" or (request is not None and request.mode is SubmitMode.LYRICS)
    return _placeholder(
        clip_id=TASK_ROW_PREFIX + task.task_id,
        task_id=task.task_id,
        kind=ClipKind.TASK,
        title=made_from.headline if made_from is not None else f"Task {task.task_id}",
        tags="Lyrics" if lyrics_task else (request.style if request is not None else ""),
        request_lyrics=request.lyrics if request is not None else "",
        description=request.description if request is not None and not lyrics_task else "",
        model=request.model if request is not None else "",
        created=task.added_at,
        relay_status=task.status,
        sentence=task.describe(),
        state=ClipState.PENDING if task.row_state in _WAITING_TASK else ClipState.FAILED,
        updated_at=task.updated_at or task.added_at,
    )


def submission_row(submission: Submission, now: float) -> ClipRecord:
    """A submission that may have reached the relay but gave no task: "Unconfirmed", with the reason.

    One still being sent (by another process, or cut off moments ago) is "Sending…".
    """
    request = submission.request
    shown = submission.shown_state(now)
    lyrics_only = request.mode is SubmitMode.LYRICS
    return _placeholder(
        clip_id=f"{SUBMISSION_ROW_PREFIX}{submission.submission_id}",
        task_id="",
        kind=ClipKind.SUBMISSION,
        title=submission.headline,
        tags="Lyrics" if lyrics_only else request.style,
        request_lyrics=request.lyrics,
        description=request.description,
        model=request.model,
        created=submission.created_at,
        relay_status=str(shown),
        sentence=submission.reason(now) if shown is SubmissionState.UNCONFIRMED else STILL_SENDING,
        state=ClipState.FAILED,
        updated_at=submission.updated_at,
    )


def _placeholder(
    *, request_lyrics: str, created: float, sentence: str, **fields: str | float | ClipState
) -> ClipRecord:
    return ClipRecord(
        position=0,
        lyrics=request_lyrics,
        duration=None,
        created_at=datetime.fromtimestamp(created, tz=UTC).isoformat(),
        error=sentence,
        audio_url="",
        image_url="",
        video_url="",
        audio_path=None,
        cover_path=None,
        video_path=None,
        file_stem=None,
        tag_key=None,
        removed=False,
        **fields,
    )


def is_task_row(record: ClipRecord) -> bool:
    """Whether the row stands for a task that has no clips (yet)."""
    return record.kind == ClipKind.TASK


def is_submission_row(record: ClipRecord) -> bool:
    """Whether the row stands for a submission the relay did not confirm."""
    return record.kind == ClipKind.SUBMISSION


def is_placeholder_row(record: ClipRecord) -> bool:
    """Whether the row stands for no clip: a task without clips, or an unconfirmed submission."""
    return record.kind in PLACEHOLDER_KINDS


def submission_id_of(record: ClipRecord) -> int:
    return int(record.clip_id.removeprefix(SUBMISSION_ROW_PREFIX))


def task_rows(library: Library, task_ids: Iterable[str] | None = None) -> list[ClipRecord]:
    """A row per task without clips, named after what was asked for when it was made here.

    Reads the journal, so it runs on a worker, like every database read.
    """
    journal = SubmissionJournal(library)
    return [task_row(task, journal.for_task(task.task_id)) for task in library.tasks_without_clips(task_ids)]


def unconfirmed_rows(library: Library, now: float | None = None) -> list[ClipRecord]:
    """A row per submission that may have been made: unconfirmed, or still being sent (on a worker)."""
    now = time.time() if now is None else now
    return [submission_row(entry, now) for entry in SubmissionJournal(library).open()]


def library_rows(library: Library) -> tuple[list[ClipRecord], list[Files]]:
    """Every clip with which of its files exist, then a row per task without clips and per unconfirmed submission.

    Runs on a worker when the library opens: a stat per file at 50,000 clips would
    hold up the window. Every id the user added, and every song asked for that may
    have been made, stays visible.
    """
    records = library.clips()
    on_disk = [library.files_present(record) for record in records]
    placeholders = task_rows(library) + unconfirmed_rows(library)
    return records + placeholders, on_disk + [NO_FILES] * len(placeholders)
