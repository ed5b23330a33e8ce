"""The clip table's rows: a clip, a task without clips (yet), a request the relay did not confirm.

Each kind of row says what it shows (title, status sentence, colour) and what can be
done with it (play, export, extend, create again, forget), so the window asks the row
instead of testing what kind of row it is. Only a :class:`ClipRow` has a
:class:`~suno_desktop.model.ClipRecord` behind it: a task's or a submission's state
never poses as a clip's. Rows are made when the table's contents change, never while
it paints; their slots keep 100,000 of them small.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QColor

from ..model import PENDING_CLIP_STATUSES, ClipKind, ClipRecord, ClipState, ClipStatus, TaskStatus
from ..song_request import SubmissionState

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

TASK_ROW_PREFIX = "task:"
SUBMISSION_ROW_PREFIX = "submission:"


class TableRow:
    """What every row shows and what can be done with it; each kind of row fills it in.

    ``row_id`` names the row in the table (a clip's id, ``task:<id>``, ``submission:<n>``).
    What the cells show are plain slots, read per cell without a call; the abilities are
    plain attributes too (class attributes where a kind settles them).
    """

    __slots__ = ("created_at", "duration", "model", "row_id", "state", "tags", "task_id", "title")

    record: ClipRecord | None = None  # the clip behind the row: only a ClipRow has one
    #: stands for no clip (a task without clips, an unconfirmed submission): no files, nothing to play
    is_placeholder = False
    is_task = False  # a task without clips (yet): Retry asks the relay again
    is_submission = False  # a request the relay did not confirm: Create Again or Forget
    is_lyrics = False  # a LYRICS task's text: a song can be made from it, nothing to play
    can_play = False  # a song: it plays once its MP3 is on disk
    can_export = False  # a song: its files can be exported and copied once on disk
    can_extend = False  # a finished song: the relay can continue it
    can_send_again = False  # a failed task asked for here: Edit and Create Again
    row_id: str
    task_id: str
    title: str
    tags: str
    model: str
    duration: float | None
    created_at: str | None  # ISO text: placeholders sort among the clips by it
    state: ClipState
    lyrics: str  # a clip's, or what was sent for a task or a request (searched, shown in the detail pane)
    description: str
    note: str  # the Status column's tooltip: what went wrong, or where a task or a request stands

    def status(self, progress: float | None = None) -> str:
        """The Status column's word or sentence (*progress*: a download's fraction, -1 when unknown)."""
        raise NotImplementedError

    @property
    def color(self) -> QColor | None:
        """The Status column's colour, or None for the palette's."""
        return STATUS_COLORS.get(self.state)


class ClipRow(TableRow):
    """A clip the library holds: a song or a LYRICS task's text.

    Its cells' fields are copied from its record once (a changed clip is a new row), so
    that painting reads slots, not properties.
    """

    __slots__ = ("record",)

    def __init__(self, record: ClipRecord) -> None:
        self.record = record
        self.row_id, self.task_id = record.clip_id, record.task_id
        self.title, self.tags, self.model = record.title, record.tags, record.model
        self.duration, self.created_at, self.state = record.duration, record.created_at, record.state

    def __repr__(self) -> str:
        return f"ClipRow({self.row_id!r})"

    # -- what the detail pane and the search read --

    @property
    def lyrics(self) -> str | None:
        """None in the table's rows, which keep a clip's lyrics only in its search text (see table_search.lean_row)."""
        return self.record.lyrics

    @property
    def description(self) -> str:
        return self.record.description

    @property
    def note(self) -> str:
        """What went wrong with the clip (the Status column's tooltip), or ""."""
        return self.record.problem

    # -- what it can do --

    @property
    def can_play(self) -> bool:  # type: ignore[override]
        return self.record.kind == ClipKind.MUSIC

    can_export = can_play

    @property
    def is_lyrics(self) -> bool:  # type: ignore[override]
        return self.record.kind == ClipKind.LYRICS

    @property
    def can_extend(self) -> bool:  # type: ignore[override]
        return self.record.is_finished_song

    def status(self, progress: float | None = None) -> str:
        """A song still being made says so, like its task's row did; a download its percentage; a failure why."""
        record = self.record
        state = record.state
        if state == ClipState.PENDING and record.relay_status in PENDING_CLIP_STATUSES:
            return "Generating…" if record.relay_status == ClipStatus.STREAMING else "Waiting…"
        if state == ClipState.DOWNLOADING and progress is not None and progress >= 0:
            return f"{int(progress * 100)}%"  # beside the bar (cell_looks.ProgressBars): the word would be cut off
        if state == ClipState.FAILED and record.problem:
            return f"Failed: {record.problem}"
        return STATUS_TEXT.get(state, state)


class _Placeholder(TableRow):
    """A row that stands for no clip: what was asked for, and a sentence of where it stands."""

    __slots__ = ("description", "lyrics", "note", "updated_at")

    is_placeholder = True
    # what a query reads of a clip and a placeholder lacks: no clip id of its own, no rating, never played
    clip_id = ""
    rating = 0
    plays = 0
    last_played = None

    def __init__(
        self,
        row_id: str,
        task_id: str,
        *,
        title: str,
        tags: str,
        model: str,
        created: float,
        lyrics: str,
        description: str,
        state: ClipState,
        note: str,
        updated_at: float,
    ) -> None:
        self.row_id, self.task_id = row_id, task_id
        self.title, self.tags, self.model, self.duration = title, tags, model, None
        self.created_at = datetime.fromtimestamp(created, tz=UTC).isoformat()  # sorts among the clips' ISO times
        self.lyrics, self.description = lyrics, description  # what was sent, when the library knows it
        self.state, self.note, self.updated_at = state, note, updated_at

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.row_id!r}, {self.state.value})"


class TaskRow(_Placeholder):
    """A task that has no clips (yet): its sentence (waiting, generating, failed, not found) is its status.

    The user pasted its id or created it here: whatever the relay says, they see it.
    Its clips take its place when they arrive.
    """

    __slots__ = ("made_here", "task_status")

    is_task = True

    def __init__(self, task_id: str, *, task_status: TaskStatus, made_here: bool, **fields) -> None:
        super().__init__(TASK_ROW_PREFIX + task_id, task_id, **fields)
        self.task_status = task_status  # the relay's word for the task (the lyrics dialog follows it)
        self.made_here = made_here  # asked for in this app: named after the request, which the journal keeps

    @property
    def can_send_again(self) -> bool:  # type: ignore[override]
        return self.made_here and self.state == ClipState.FAILED

    def status(self, progress: float | None = None) -> str:
        return self.note


class SubmissionRow(_Placeholder):
    """A request that may have reached the relay but gave no task ("Unconfirmed"), or is still being sent."""

    __slots__ = ("shown", "submission_id")

    is_submission = True

    def __init__(self, submission_id: int, *, shown: SubmissionState, **fields) -> None:
        super().__init__(f"{SUBMISSION_ROW_PREFIX}{submission_id}", "", **fields)
        self.submission_id = submission_id
        self.shown = shown

    def status(self, progress: float | None = None) -> str:
        return SENDING_TEXT if self.shown is SubmissionState.SENDING else UNCONFIRMED_TEXT

    @property
    def color(self) -> QColor | None:
        return UNCONFIRMED_COLOR


def as_row(item: TableRow | ClipRecord) -> TableRow:
    """A clip the library hands over, as its row; a row as it is."""
    return ClipRow(item) if isinstance(item, ClipRecord) else item


def query_subject(row: TableRow) -> ClipRecord | TableRow:
    """What a query reads of a row: its clip's record (a rating, plays, an edit), or the placeholder itself."""
    return row.record or row
