"""The library's journal of submissions: every song or lyrics asked for, written before it is sent.

A submit costs money and the relay cannot say which tasks a token made, so the
database is the journal: an entry exists before the first byte goes out, gets
its task id when the relay answers, and otherwise says what is known (refused,
or unconfirmed: it may have been made). Killed mid-request, the app finds the
entry still "sending" next time and shows it as unconfirmed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

from ..song_request import SongRequest, Submission, SubmissionState
from .store import Library

#: the states a user still has to see in the table (an accepted one shows as its task)
OPEN_STATES = (SubmissionState.SENDING, SubmissionState.UNCONFIRMED)


class SubmissionJournal:
    def __init__(self, library: Library) -> None:
        self.library = library

    def write(self, request: SongRequest) -> Submission:
        """Record *request* as being sent; call before sending it."""
        now = time.time()
        with self.library.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO submissions(mode, request_json, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (str(request.mode), request.to_json(), SubmissionState.SENDING, now, now),
            )
            submission_id = cursor.lastrowid
        return Submission(submission_id, request, SubmissionState.SENDING, "", "", now, now)

    def accepted(self, submission_id: int, task_id: str) -> None:
        """The relay made task *task_id*: it is tracked from now on like a pasted id."""
        self.library.add_task_ids([task_id])
        self._set(submission_id, SubmissionState.ACCEPTED, task_id=task_id)

    def unconfirmed(self, submission_id: int, sentence: str) -> None:
        self._set(submission_id, SubmissionState.UNCONFIRMED, error=sentence)

    def refused(self, submission_id: int, sentence: str) -> None:
        self._set(submission_id, SubmissionState.REFUSED, error=sentence)

    def forget(self, submission_ids: Iterable[int]) -> None:
        for submission_id in submission_ids:
            self._set(submission_id, SubmissionState.FORGOTTEN)

    def get(self, submission_id: int) -> Submission | None:
        rows = self.library.query("SELECT * FROM submissions WHERE submission_id=?", (submission_id,))
        return _submission(rows[0]) if rows else None

    def open(self) -> list[Submission]:
        """Submissions with no task to show for them: being sent, or unconfirmed."""
        marks = ", ".join("?" for _ in OPEN_STATES)
        rows = self.library.query(
            f"SELECT * FROM submissions WHERE state IN ({marks}) ORDER BY submission_id",
            tuple(str(state) for state in OPEN_STATES),
        )
        return [_submission(row) for row in rows]

    def for_task(self, task_id: str) -> Submission | None:
        """What was asked for to make *task_id*, when it was made from this library."""
        rows = self.library.query(
            "SELECT * FROM submissions WHERE task_id=? ORDER BY submission_id DESC LIMIT 1", (task_id,)
        )
        return _submission(rows[0]) if rows else None

    def _set(self, submission_id: int, state: SubmissionState, **values: str) -> None:
        columns = {"state": str(state), **values, "updated_at": time.time()}
        with self.library.transaction() as conn:
            conn.execute(
                f"UPDATE submissions SET {', '.join(f'{k}=?' for k in columns)} WHERE submission_id=?",
                (*columns.values(), submission_id),
            )


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        submission_id=row["submission_id"],
        request=SongRequest.from_json(row["request_json"]),
        state=SubmissionState(row["state"]),
        task_id=row["task_id"],
        error=row["error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
