"""The window's adapter for :class:`~suno_desktop.library.song_creator.SongCreator`: submits on a worker.

A submit costs money and may take a minute, so it never runs on the GUI thread,
and what came of it arrives as one :class:`SubmitResult`: accepted (with the new
task's row), unconfirmed (with its Unconfirmed row: it may have been made) or
refused (nothing was made; the request goes back to the user). An accepted task
is then the sync controller's like any other: it shows, polls, downloads and
tags it with the one policy of :mod:`..library.polling`. "Write lyrics for me"
is a LYRICS submit whose task the sync controller polls too; this controller
only watches the rows it reports for that task, so cancelling just stops
watching and the normal sync still finishes the task.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from enum import Enum

from PySide6.QtCore import QObject, Signal

from ..errors import ErrorKind, kind_of, sentence_of
from ..library.song_creator import SongCreator
from ..library.store import Library
from ..library.submission_journal import SubmissionJournal
from ..model import ClipKind, ClipRecord, ClipState, TaskStatus
from ..relay.client import RelayClient
from ..relay.errors import ConfigurationError
from ..settings import Settings
from ..song_request import InvalidSongRequest, SongRequest, Submission, SubmissionState, SubmitMode
from .clip_rows import submission_row, task_rows
from .sync_controller import SyncController, relay_client_for
from .table_rows import SubmissionRow, TaskRow
from .workers import WorkerPool

log = logging.getLogger(__name__)

#: the journal entry a failed submit wrote was made at most this long before the worker looked
_ENTRY_CLOCK_SLACK = 1.0


class SubmitOutcome(Enum):
    """What came of one submit, as the window acts on it."""

    ACCEPTED = "accepted"  # the relay made a task: it is a row, polled like any other
    UNCONFIRMED = "unconfirmed"  # it may have been made: a row the user decides about
    REFUSED = "refused"  # nothing was made: the user gets the request back


@dataclass(frozen=True)
class SubmitResult:
    """One submit's outcome, with the row to show for it and, unless accepted, the sentence why."""

    outcome: SubmitOutcome
    request: SongRequest
    submission: Submission | None = None
    row: TaskRow | SubmissionRow | None = None  # the task's row (accepted) or the submission's (unconfirmed)
    kind: ErrorKind | None = None
    sentence: str = ""
    replacing: str = ""  # the row this result takes the place of (a submission created again)


@dataclass
class _LyricsWait:
    """The lyrics the dialog waits for: the submit on its way, then its task."""

    request: SongRequest
    task_id: str = ""


class CreateController(QObject):
    """Sends requests through a :class:`SongCreator` on a worker and reports what came of them."""

    submitted = Signal(object)  # SubmitResult, accepted: the new task's row
    unconfirmed = Signal(object)  # SubmitResult: may have been made; its row says so
    refused = Signal(object)  # SubmitResult: nothing was made; kind and sentence say why
    forgotten = Signal(list)  # row ids of submissions the user dismissed
    error = Signal(str)  # a sentence for the status bar (work that failed to run at all)
    lyrics_ready = Signal(str, str)  # title, text
    lyrics_failed = Signal(str)  # the sentence
    lyrics_progress = Signal(str)  # "Writing lyrics… generating"

    def __init__(
        self, library: Library, settings: Settings, sync: SyncController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.sync = sync
        # one submit at a time: each may cost money, and the journal gets them in the order sent
        self.pool = WorkerPool(1, self)
        self.cancel = threading.Event()
        self.client: RelayClient | None = None
        self.creator = SongCreator(library, None, cancel=self.cancel)
        self._lyrics: _LyricsWait | None = None
        sync.tasks_changed.connect(self._task_rows_arrived)
        sync.clips_changed.connect(self._clips_arrived)
        self.configure(settings)

    # ------------------------------------------------------------------ setup

    def configure(self, settings: Settings) -> None:
        """The relay settings the sync controller uses: a new client for the next submit."""
        old = self.client
        try:
            self.client = relay_client_for(settings, pool_size=1)
        except ConfigurationError as exc:
            log.warning("%s", exc)
            self.client = None
        self.creator = SongCreator(self.library, self.client, cancel=self.cancel)
        if old is not None:
            old.close()  # a submit in flight sends on a session of its own (RelayClient.post_once)

    def shutdown(self, wait_ms: int = 3000) -> None:
        self.cancel.set()
        self._lyrics = None
        self.pool.close()
        self.pool.wait(wait_ms)
        if self.client is not None:
            self.client.close()

    @property
    def busy(self) -> bool:
        return self.pool.busy

    # ------------------------------------------------------------------ entry points

    def submit(self, request: SongRequest) -> None:
        """Send *request*; :attr:`submitted`, :attr:`unconfirmed` or :attr:`refused` says what came of it."""
        self._send(request)

    def create_again(self, row: SubmissionRow) -> None:
        """Send an unconfirmed submission once more (the user was asked); its row gives way to the result."""
        creator, library, started = self.creator, self.library, time.time()
        submission_id = row.submission_id

        def again() -> SubmitResult:
            entry = SubmissionJournal(library).get(submission_id)
            if entry is None or entry.state is SubmissionState.FORGOTTEN:
                raise InvalidSongRequest("This submission was forgotten already; nothing was sent.")
            return _outcome_of(creator, library, entry.request, started, lambda: creator.create_again(submission_id))

        self.pool.submit(
            again,
            on_result=lambda result: self._report(replace(result, replacing=row.row_id)),
            on_error=lambda exc: self.error.emit(sentence_of(exc)),
        )

    def forget(self, rows: list[SubmissionRow]) -> None:
        """Dismiss unconfirmed submissions: the journal says forgotten, their rows go."""
        creator = self.creator
        self.pool.submit(
            creator.forget,
            [row.submission_id for row in rows],
            on_result=lambda _: self.forgotten.emit([row.row_id for row in rows]),
            on_error=lambda exc: self.error.emit(f"Could not forget the submission: {sentence_of(exc)}"),
        )

    def write_lyrics(self, request: SongRequest) -> None:
        """Ask for lyrics; the answer comes as lyrics_ready or lyrics_failed unless cancelled first."""
        self._lyrics = _LyricsWait(request)
        self.lyrics_progress.emit("Writing lyrics… sending the request")
        self._send(request)

    def cancel_lyrics(self) -> None:
        """Stop waiting: the lyrics task, if there is one, stays in the library and the sync finishes it."""
        if self._lyrics is not None:
            log.info("stopped waiting for lyrics task %s", self._lyrics.task_id or "(not sent yet)")
        self._lyrics = None

    # ------------------------------------------------------------------ submits

    def _send(self, request: SongRequest) -> None:
        creator, library, started = self.creator, self.library, time.time()
        self.pool.submit(
            _outcome_of,
            creator,
            library,
            request,
            started,
            lambda: creator.submit(request),
            on_result=self._report,
            on_error=lambda exc: self._report(_refused(request, exc)),
        )

    def _report(self, result: SubmitResult) -> None:
        waiting = self._lyrics is not None and self._lyrics.request is result.request
        if result.outcome is SubmitOutcome.ACCEPTED:
            task_id = result.submission.task_id
            if waiting:
                self._lyrics.task_id = task_id
                self.lyrics_progress.emit("Writing lyrics… sent, waiting for the relay")
            self.submitted.emit(result)
            self.sync.refresh_tasks([task_id])  # shown at once, then polled like any other task
            return
        if waiting:
            self._lyrics = None
            self.lyrics_failed.emit(result.sentence)
        if result.outcome is SubmitOutcome.UNCONFIRMED:
            self.unconfirmed.emit(result)
        elif result.request.mode is not SubmitMode.LYRICS:
            self.refused.emit(result)

    # ------------------------------------------------------------------ lyrics

    def _task_rows_arrived(self, rows: list[TaskRow]) -> None:
        wait = self._lyrics
        if wait is None or not wait.task_id:
            return
        for row in rows:
            if row.task_id != wait.task_id:
                continue
            if row.task_status is TaskStatus.IN_PROGRESS:
                self.lyrics_progress.emit("Writing lyrics… generating")
            elif row.state == ClipState.PENDING:
                self.lyrics_progress.emit("Writing lyrics… queued")
            else:  # failed, unknown, or finished without lyrics
                self._lyrics = None
                self.lyrics_failed.emit(f"The relay wrote no lyrics: {row.note}")

    def _clips_arrived(self, records: list[ClipRecord], _on_disk: list) -> None:
        wait = self._lyrics
        if wait is None or not wait.task_id:
            return
        if any(record.task_id == wait.task_id and record.kind == ClipKind.LYRICS for record in records):
            self.pool.submit(
                self.creator.lyrics_of,
                wait.task_id,
                on_result=lambda record: self._lyrics_read(wait, record),
                on_error=lambda exc: self._lyrics_read(wait, None, sentence_of(exc)),
            )

    def _lyrics_read(self, wait: _LyricsWait, record: ClipRecord | None, problem: str = "") -> None:
        if self._lyrics is not wait:
            return  # cancelled, or other lyrics asked for since
        if record is None:
            if problem:
                self._lyrics = None
                self.lyrics_failed.emit(f"The lyrics arrived but could not be read: {problem}")
            return  # not complete yet: the sync keeps polling
        self._lyrics = None
        self.lyrics_ready.emit(record.title, record.lyrics)


# ---------------------------------------------------------------------- on the worker


def _outcome_of(creator: SongCreator, library: Library, request: SongRequest, started: float, send) -> SubmitResult:
    """Run *send* (a SongCreator call) and say what came of it; every failure is an outcome, not an exception."""
    try:
        entry = send()
    except Exception as exc:
        # SongCreator journals before it raises: an entry left open says whether it may have been made
        made = _open_entry(library, request, started)
        if made is not None:
            sentence = made.reason(time.time()) or sentence_of(exc)
            log.warning("submit unconfirmed: %s", sentence)
            row = submission_row(made, time.time())
            return SubmitResult(SubmitOutcome.UNCONFIRMED, request, made, row, kind_of(exc), sentence)
        return _refused(request, exc)
    rows = task_rows(library, [entry.task_id])
    return SubmitResult(SubmitOutcome.ACCEPTED, request, entry, rows[0] if rows else None)


def _open_entry(library: Library, request: SongRequest, started: float) -> Submission | None:
    """The journal entry this submit left unconfirmed (or still sending), if it got that far."""
    for entry in reversed(SubmissionJournal(library).open()):
        if entry.request == request and entry.created_at >= started - _ENTRY_CLOCK_SLACK:
            return entry if entry.state is SubmissionState.UNCONFIRMED else None
    return None


def _refused(request: SongRequest, exc: BaseException) -> SubmitResult:
    kind = kind_of(exc)
    if kind is ErrorKind.INTERNAL and not isinstance(exc, InvalidSongRequest):
        log.error("a submit failed before anything was sent", exc_info=exc)
        sentence = f"Something went wrong before anything was sent: {exc}"
    else:
        sentence = sentence_of(exc)
        log.warning("submit refused: %s", sentence)
    return SubmitResult(SubmitOutcome.REFUSED, request, kind=kind, sentence=sentence)
