"""Creating songs and lyrics: journal first, send once, track the task. Both front ends use this.

The window's New Song dialog and the ``create``/``lyrics`` commands hand a
:class:`~suno_desktop.song_request.SongRequest` to :class:`SongCreator`. It writes
the request to the library's journal, sends it (:func:`..relay.submit.submit`
decides what may be sent again: only what provably made nothing), and records
what came of it. An accepted request's task is then an ordinary task of the
library: the sync engine polls it, downloads and tags its clips.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..model import ClipKind, ClipRecord, ClipStatus
from ..relay.errors import ConfigurationError, SubmitError, SubmitUnconfirmed
from ..song_request import InvalidSongRequest, SongRequest, Submission, SubmitMode
from .store import Library
from .submission_journal import SubmissionJournal

if TYPE_CHECKING:  # a type only: the HTTP stack loads when a request is sent, not for list
    from ..relay.client import RelayClient

log = logging.getLogger(__name__)

INTERRUPTED = (
    "Suno Desktop stopped before the relay confirmed {what}. It may still have been created "
    "and charged; check your relay's task log before creating it again."
)


class SongCreator:
    def __init__(
        self,
        library: Library,
        client: RelayClient | None,
        *,
        sleep: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.library = library
        self.client = client
        self.journal = SubmissionJournal(library)
        self.sleep = sleep
        self.cancel = cancel

    def extension(self, request: SongRequest, clip_id: str, start_at: float | None = None) -> SongRequest:
        """*request* as the continuation of a clip of this library from *start_at* (default: its end).

        Raises :class:`InvalidSongRequest` for a clip the library does not have, or a
        start outside the clip.
        """
        record = self.library.clip(clip_id)
        if record is None or record.kind != ClipKind.MUSIC or record.removed:
            raise InvalidSongRequest(
                f"There is no song {clip_id} in the library in {self.library.root}: sync its task first."
            )
        if start_at is None:
            start_at = record.duration or 0.0
        extended = request.extending(record.task_id, record.clip_id, start_at)
        extended.check(record.duration)
        return extended

    def submit(self, request: SongRequest, *, replacing: int | None = None) -> Submission:
        """Journal *request*, send it, and return its entry (accepted, with the new task id).

        Raises :class:`InvalidSongRequest` before anything is written or sent, and
        the relay's :class:`SubmitError`s after the journal says what happened. The
        entry *replacing* names is forgotten once the new one is written, not before:
        nothing asked for leaves the journal unaccounted for.
        """
        request.check()
        if self.client is None:
            raise ConfigurationError("No relay is configured: set the base URL and token in Settings.")
        entry = self.journal.write(request)
        if replacing is not None:
            self.journal.forget([replacing])
        from ..relay.submit import submit as send  # (the HTTP stack: loaded when a request is sent)

        try:
            task_id = send(self.client, request, sleep=self.sleep, cancel=self.cancel)
        except SubmitUnconfirmed as exc:
            self.journal.unconfirmed(entry.submission_id, str(exc))
            raise
        except SubmitError as exc:
            self.journal.refused(entry.submission_id, str(exc))
            raise
        except BaseException:  # Ctrl+C or a crash mid-request: it may have gone out
            what = "these lyrics" if request.mode is SubmitMode.LYRICS else "this song"
            self.journal.unconfirmed(entry.submission_id, INTERRUPTED.format(what=what))
            raise
        self.journal.accepted(entry.submission_id, task_id)
        log.info("submitted %s as task %s", request.mode, task_id)
        return self.journal.get(entry.submission_id)

    def create_again(self, submission_id: int) -> Submission:
        """Send an unconfirmed submission once more, as a new entry; the user was asked first."""
        entry = self.journal.get(submission_id)
        if entry is None:
            raise InvalidSongRequest(f"There is no submission {submission_id} in this library.")
        return self.submit(entry.request, replacing=submission_id)

    def forget(self, submission_ids: list[int]) -> None:
        self.journal.forget(submission_ids)

    def lyrics_of(self, task_id: str) -> ClipRecord | None:
        """The lyrics a LYRICS task produced, once the sync has fetched them."""
        for record in self.library.clips(task_ids=[task_id]):
            if record.kind == ClipKind.LYRICS and (record.lyrics or record.relay_status == ClipStatus.COMPLETE):
                return record
        return None
