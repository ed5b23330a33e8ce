"""What one sync run did, counted as it happens, and the one sentence that closes it.

A run starts with what the user asked for (Add Tasks, F5, Refresh, a changed
setting) or with a background poll round, and ends when the controller is idle
again. Its closing sentence says what that run did, counted from the relay's
answers and the clip jobs' outcomes, never from the size of the batch: adding
two unknown ids is "2 tasks not found on the relay", a refresh that changed
nothing is "Nothing new", a new file-name template is "10 clips renamed".
"""

from __future__ import annotations

from enum import Enum

from ..library.polling import PollRound
from ..library.sync_types import ClipJob, ClipOutcome
from ..model import ClipKind, ClipRecord, TaskStatus


class JobKind(Enum):
    """What a clip job did, by what it was planned to do (a download is also tagged and named)."""

    DOWNLOAD = "downloaded and tagged"
    RENAME = "renamed"
    RETAG = "retagged"

    @classmethod
    def of(cls, job: ClipJob) -> JobKind:
        if job.downloads:
            return cls.DOWNLOAD
        return cls.RENAME if job.rename else cls.RETAG


def counted(count: int, noun: str, plural: str = "") -> str:
    """ "1 clip", "2 clips": a count the way a sentence says it."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


class SyncRun:
    """The tally of one run; :meth:`close` gives its sentence and starts a new tally."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.active = False
        self.asked = False  # the user started it: it always ends with a sentence
        self.not_found: set[str] = set()
        self.unreadable: set[str] = set()
        self.failed_tasks: set[str] = set()
        self.pending: set[str] = set()
        self.lyrics: set[str] = set()  # new lyrics-only clips
        self.kinds: dict[str, JobKind] = {}  # what each scheduled job was planned to do
        self.done: dict[JobKind, set[str]] = {kind: set() for kind in JobKind}
        self.failed_clips: dict[str, str] = {}  # clip id -> the sentence it failed with
        self.errors = 0  # the run stopped on an error the status bar shows on its own

    def start(self, *, asked: bool) -> None:
        """A run starts (or, when one is going on, goes on; asking for it makes it the user's)."""
        self.active = True
        self.asked = self.asked or asked

    def polled(self, answer: PollRound, records: list[ClipRecord]) -> None:
        """What one poll round said: tasks unknown, unreadable, failed or still being made; new lyrics."""
        self.start(asked=False)
        result = answer.result
        asked = set(answer.asked)
        for tally in (self.not_found, self.unreadable, self.failed_tasks, self.pending):
            tally -= asked  # the latest answer about a task is the one that counts
        self.not_found.update(result.not_found)
        self.unreadable.update(result.malformed)
        self.failed_tasks.update(task_id for task_id, task in result.tasks.items() if task.status == TaskStatus.FAILURE)
        self.pending.update(answer.still_pending)
        new = set(result.new_clips)
        self.lyrics.update(r.clip_id for r in records if r.kind == ClipKind.LYRICS and r.clip_id in new)

    def scheduled(self, jobs: list[ClipJob]) -> None:
        self.start(asked=False)
        for job in jobs:
            self.kinds[job.clip_id] = JobKind.of(job)

    def finished(self, outcome: ClipOutcome) -> None:
        kind = self.kinds.get(outcome.clip_id, JobKind.DOWNLOAD)
        for done in self.done.values():
            done.discard(outcome.clip_id)
        self.failed_clips.pop(outcome.clip_id, None)
        if outcome.ok:
            self.done[kind].add(outcome.clip_id)
        elif not outcome.cancelled:
            self.failed_clips[outcome.clip_id] = outcome.error

    def failed(self) -> None:
        """The run met an error that is shown on its own (the relay down, a bad token)."""
        self.start(asked=False)
        self.errors += 1

    def close(self) -> str:
        """The run's closing sentence ("" when a background run did nothing worth saying), and a new tally."""
        if not self.active:
            return ""
        sentence = self.sentence()
        self._reset()
        return sentence

    def sentence(self) -> str:
        parts = [f"{counted(len(ids), 'clip')} {kind.value}" for kind, ids in self.done.items() if ids]
        if self.lyrics:
            parts.append(f"{counted(len(self.lyrics), 'set', 'sets')} of lyrics received")
        problems = []
        if self.failed_clips:
            reasons = sorted(set(self.failed_clips.values()))
            more = " …" if len(reasons) > 1 else ""
            problems.append(f"{counted(len(self.failed_clips), 'clip')} failed ({reasons[0]}{more})")
        if self.not_found:
            problems.append(f"{counted(len(self.not_found), 'task')} not found on the relay")
        if self.unreadable:
            problems.append(f"{counted(len(self.unreadable), 'task')} could not be read")
        if self.failed_tasks:
            problems.append(f"{counted(len(self.failed_tasks), 'task')} failed on the relay")
        waiting = [f"{counted(len(self.pending), 'task')} still being made"] if self.pending else []
        said = parts + problems
        if not said and (self.errors or not self.asked):
            return ""  # the error says it; a quiet background round says nothing
        text = "; ".join(said + waiting) or "Nothing new"
        text = text[0].upper() + text[1:] + "."
        return text + " See the Status column." if problems else text
