"""The one polling policy both front ends run: waits, what a round means, batches, error kinds."""

from __future__ import annotations

import copy
import errno
import json

from relay_doc_examples import GET_EXAMPLE

from suno_desktop.errors import ErrorKind, ReportedOnce, SunoError, kind_of, sentence_of
from suno_desktop.library.polling import FetchResult, JobBatch, PollRound, PollSchedule
from suno_desktop.library.store import LibraryUnavailable
from suno_desktop.media.download import DownloadError
from suno_desktop.model import NOT_FOUND_REASON
from suno_desktop.relay.errors import AuthError, ConfigurationError, RelayUnavailable
from suno_desktop.relay.model import parse_task


def task(task_id: str, status: str, fail_reason: str = ""):
    raw = copy.deepcopy(json.loads(GET_EXAMPLE)["data"])
    raw["task_id"], raw["status"], raw["fail_reason"] = task_id, status, fail_reason
    return parse_task(raw)


def test_each_wait_is_longer_up_to_the_ceiling_and_news_starts_over():
    schedule = PollSchedule(2.0, ceiling=10.0)
    assert [schedule.next_wait() for _ in range(6)] == [2.0, 3.0, 4.5, 6.75, 10.0, 10.0]
    schedule.start_over()
    assert schedule.next_wait() == 2.0
    assert PollSchedule(90.0).next_wait() == PollSchedule(90.0, ceiling=90.0).next_wait() == 90.0
    assert PollSchedule(0.0).next_wait() == 0.0  # the command line's --poll-interval 0 (tests)


def test_a_round_keeps_only_tasks_the_relay_is_still_working_on():
    done, running, failed = (
        task("t-done", "SUCCESS"),
        task("t-run", "IN_PROGRESS"),
        task("t-bad", "FAILURE", "no credits"),
    )
    result = FetchResult(
        tasks={t.task_id: t for t in (done, running, failed)},
        not_found=["t-unknown"],
        malformed={"t-odd": "The relay's answer has no clips list."},
    )
    poll = PollRound(["t-done", "t-run", "t-bad", "t-unknown", "t-odd"], result)
    assert poll.still_pending == ["t-run"]
    assert poll.failed_tasks == {
        "t-unknown": NOT_FOUND_REASON,
        "t-odd": "The relay's answer has no clips list.",
        "t-bad": "no credits",
    }
    assert poll.changed_clips == {c.clip_id for t in (done, running, failed) for c in t.clips}
    lost = PollRound(["t-run", "t-odd"], FetchResult(), failed=True)  # the relay could not be asked
    assert lost.still_pending == ["t-run", "t-odd"] and not lost.failed_tasks and not lost.changed_clips


def test_a_batch_counts_from_zero_again_once_every_job_has_finished():
    batch = JobBatch()
    batch.added(2)
    assert batch.finished("a", ok=True) == (1, 2) and not batch.over
    batch.added(1)  # more work while the batch runs: same batch
    assert batch.finished("b", ok=False, error="Disk full") == (2, 3)
    assert batch.finished("c", ok=False, error="cancelled", cancelled=True) == (3, 3)
    assert batch.over and batch.failed == {"b": "Disk full"}
    batch.added(4)
    assert (batch.done, batch.total, batch.failed) == (0, 4, {})


def test_error_kinds_come_from_the_type_and_a_full_disk_from_errno():
    assert kind_of(AuthError("Token rejected.", status=401)) is ErrorKind.AUTH
    assert kind_of(ConfigurationError("No base URL.")) is ErrorKind.CONFIGURATION
    assert kind_of(RelayUnavailable("Timed out.")) is ErrorKind.RELAY
    assert kind_of(LibraryUnavailable("The folder /media/usb is not there.")) is ErrorKind.LIBRARY
    assert kind_of(ValueError("bug")) is ErrorKind.INTERNAL
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device", "/lib/a.mp3")
        except OSError as exc:
            raise DownloadError("a.mp3 could not be saved.") from exc
    except DownloadError as wrapped:
        assert kind_of(wrapped) is ErrorKind.DISK_FULL
    assert sentence_of(OSError(errno.EACCES, "Permission denied", "/lib/a.mp3")) == "Permission denied: /lib/a.mp3"
    assert sentence_of(SunoError("Plain sentence.")) == "Plain sentence."
    assert ErrorKind.RELAY.retry_later and not ErrorKind.AUTH.retry_later and not ErrorKind.LIBRARY.retry_later
    assert ErrorKind.AUTH == "auth"  # the window's signal carries the kind's value


def test_each_kind_is_told_once_until_it_clears():
    told = ReportedOnce()
    assert told.first_time(ErrorKind.AUTH) and not told.first_time(ErrorKind.AUTH)
    assert told.first_time(ErrorKind.RELAY)
    told.cleared(ErrorKind.RELAY)
    assert told.first_time(ErrorKind.RELAY) and not told.first_time(ErrorKind.AUTH)
    told.cleared()
    assert told.first_time(ErrorKind.AUTH)
