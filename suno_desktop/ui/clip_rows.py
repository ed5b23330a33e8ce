"""What a row of the clip table is: its columns, roles and status words, and task rows.

The model, the view, its delegates and the detail pane all speak of rows in these terms.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..library.store import ClipRecord, ClipState, Library, TaskRecord, TaskRowState

CLIP_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2

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
STATUS_COLORS = {
    ClipState.FAILED: QColor("#e53935"),
    ClipState.MISSING: QColor("#ef6c00"),
    ClipState.PENDING: QColor("#8e8e93"),
}

Files = tuple[bool, bool, bool]  # MP3, cover, MP4 on disk


def search_text(record: ClipRecord) -> str:
    """What the search box looks in, case-folded once per clip rather than per keystroke."""
    return f"{record.title}\n{record.tags}\n{record.lyrics}".casefold()


TASK_ROW_PREFIX = "task:"
_WAITING_TASK = (TaskRowState.WAITING, TaskRowState.GENERATING)
NO_FILES = (False, False, False)


def task_row(task: TaskRecord) -> ClipRecord:
    """A task that has no clips (yet) as one row of its own, its sentence in the Status column.

    The user pasted this id: whether the relay is still generating, failed, or never
    heard of it, they must see it. Its clips replace the row when they arrive.
    """
    added = datetime.fromtimestamp(task.added_at, tz=UTC).isoformat()
    return ClipRecord(
        clip_id=TASK_ROW_PREFIX + task.task_id,
        task_id=task.task_id,
        position=0,
        kind="task",
        title=f"Task {task.task_id}",
        tags="Lyrics" if task.action == "LYRICS" else "",
        lyrics="",
        description="",
        model="",
        duration=None,
        created_at=added,
        relay_status=task.status,
        error=task.describe(),
        audio_url="",
        image_url="",
        video_url="",
        state=ClipState.PENDING if task.row_state in _WAITING_TASK else ClipState.FAILED,
        audio_path=None,
        cover_path=None,
        video_path=None,
        file_stem=None,
        tag_key=None,
        removed=False,
        updated_at=task.updated_at or task.added_at,
    )


def is_task_row(record: ClipRecord) -> bool:
    """Whether the row stands for a task that has no clips (yet)."""
    return record.kind == "task"


def library_rows(library: Library) -> tuple[list[ClipRecord], list[Files]]:
    """Every clip with which of its files exist, then a row per task without clips.

    Runs on a worker when the library opens: a stat per file at 50,000 clips would
    hold up the window. Every id the user added stays visible.
    """
    records = library.clips()
    on_disk = [library.files_present(record) for record in records]
    tasks = [task_row(task) for task in library.tasks_without_clips()]
    return records + tasks, on_disk + [NO_FILES] * len(tasks)
