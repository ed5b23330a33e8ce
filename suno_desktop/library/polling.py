"""When to ask the relay again, and what a poll round means: one policy for both front ends.

The one scheduler, :class:`.sync_session.SyncSession`, follows it for the command
line (on plain threads) and the window (on ``QThreadPool`` threads); neither front
end decides which tasks to ask about, how long to wait or which clips to look at.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..model import NOT_FOUND_REASON, TASK_FAILED, Task, TaskStatus

#: each wait between poll rounds is this much longer than the last …
POLL_BACKOFF = 1.5
#: … up to this (or the poll interval, when that is longer)
MAX_POLL_SECONDS = 60.0


class SyncCancelled(Exception):
    """The user (or the app closing) asked the sync to stop."""


@dataclass
class FetchResult:
    """What the relay said about the tasks of one round."""

    tasks: dict[str, Task] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    malformed: dict[str, str] = field(default_factory=dict)  # task id -> why it was unreadable
    new_clips: list[str] = field(default_factory=list)  # clips the library did not have before this round


@dataclass
class PollRound:
    """One round's answer, read for the next round."""

    asked: list[str]
    result: FetchResult
    failed: bool = False  # the relay could not be asked this time: every task is still pending

    @property
    def changed_clips(self) -> set[str]:
        """The clips the relay just reported: the ones whose files may need work."""
        return {clip.clip_id for task in self.result.tasks.values() for clip in task.clips}

    @property
    def still_pending(self) -> list[str]:
        """Tasks to ask about again: those the relay is still working on.

        A task the relay does not know, or whose answer could not be read, is not
        asked about again on its own: its row says so and offers Retry, and the
        next sync (F5, ``sync``) asks again.
        """
        if self.failed:
            return list(self.asked)
        tasks = self.result.tasks
        return [task_id for task_id in self.asked if task_id in tasks and not tasks[task_id].is_final]

    @property
    def failed_tasks(self) -> dict[str, str]:
        """Task id -> why it has no songs: unknown, unreadable, or failed on the relay."""
        failed = dict.fromkeys(self.result.not_found, NOT_FOUND_REASON)
        failed.update(self.result.malformed)
        for task in self.result.tasks.values():
            if task.status == TaskStatus.FAILURE:
                failed[task.task_id] = task.fail_reason or TASK_FAILED
        return failed


class PollSchedule:
    """How long to wait before the next round: longer each time, back to the start on news."""

    def __init__(self, interval: float, ceiling: float = MAX_POLL_SECONDS) -> None:
        self.base = max(interval, 0.0)
        self.ceiling = max(ceiling, self.base)
        self._next = self.base

    def next_wait(self) -> float:
        wait = self._next
        self._next = min(max(wait * POLL_BACKOFF, self.base), self.ceiling)
        return wait

    def start_over(self) -> None:
        """The relay reported clips (a task is moving: look again soon), or nothing is left to wait for."""
        self._next = self.base


class JobBatch:
    """Clip jobs queued since the last time every job had finished: the progress a front end shows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self.done = 0
        self.failed: dict[str, str] = {}  # clip id -> the sentence it failed with

    def added(self, count: int) -> None:
        with self._lock:
            if self.done >= self.total:  # the last batch is over: this one starts from zero
                self.total = self.done = 0
                self.failed = {}
            self.total += count

    def finished(self, clip_id: str, ok: bool, error: str = "", cancelled: bool = False) -> tuple[int, int]:
        with self._lock:
            self.done += 1
            if not ok and not cancelled:
                self.failed[clip_id] = error
            return self.done, self.total

    @property
    def over(self) -> bool:
        with self._lock:
            return self.total > 0 and self.done >= self.total
