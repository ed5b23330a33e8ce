"""A paid request the relay did not confirm is seen, named and settled from the command line, never resent blindly."""

from __future__ import annotations

import json

import pytest
from cli_helpers import relay_args
from fault_servers import SubmitFault

from suno_desktop.cli import main
from suno_desktop.library.store import Library
from suno_desktop.library.submission_journal import SubmissionJournal
from suno_desktop.song_request import SubmissionState


@pytest.fixture
def lost_submit(relay, tmp_path, capsys):
    """A library whose `create` got a 502: the relay got one POST and confirmed nothing."""
    library = tmp_path / "Library"
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    assert main(["create", "--instrumental", "--title", "Night Drive", *relay_args(relay, library)]) == 1
    capsys.readouterr()
    assert len(relay.submits) == 1
    with Library(library) as lib:
        (entry,) = SubmissionJournal(lib).open()
    return library, entry.submission_id


def test_list_tasks_shows_the_unconfirmed_submission_with_its_sentence(relay, lost_submit, capsys):
    library, submission_id = lost_submit
    assert main(["list", "--tasks", "--library", str(library)]) == 0
    out, err = capsys.readouterr()
    assert "UNCONFIRMED" in out and f"submission {submission_id}" in out and "Night Drive" in out
    assert "HTTP 502" in out and "1 unconfirmed submission(s)" in err
    assert main(["list", "--tasks", "--json", "--library", str(library)]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["task_id"] is None and row["submission_id"] == submission_id
    assert row["status"] == "UNCONFIRMED" and "HTTP 502" in row["fail_reason"]


def test_sync_names_it_and_exits_1_until_it_is_settled(relay, lost_submit, capsys):
    library, submission_id = lost_submit
    assert main(["sync", *relay_args(relay, library)]) == 1
    err = capsys.readouterr().err
    assert "Night Drive" in err and f"submissions forget {submission_id}" in err and "--confirm-resend" in err
    assert len(relay.submits) == 1, "a plain sync never sends it again"

    assert main(["submissions", "forget", str(submission_id), "--library", str(library)]) == 0
    assert "Forgot" in capsys.readouterr().err
    assert main(["sync", *relay_args(relay, library)]) == 0
    with Library(library) as lib:
        assert SubmissionJournal(lib).open() == []


def test_resend_needs_the_explicit_flag_then_sends_once_and_syncs(relay, lost_submit, capsys):
    library, submission_id = lost_submit
    assert main(["submissions", "resend", str(submission_id), *relay_args(relay, library)]) == 2
    assert "--confirm-resend" in capsys.readouterr().err and len(relay.submits) == 1
    code = main(["submissions", "resend", str(submission_id), "--confirm-resend", *relay_args(relay, library)])
    assert code == 0
    out = capsys.readouterr().out.strip()
    assert len(relay.submits) == 2
    with Library(library) as lib:
        assert SubmissionJournal(lib).open() == []
        (entry,) = [e for e in [SubmissionJournal(lib).for_task(out)] if e]
        assert entry.state is SubmissionState.ACCEPTED and entry.request.title == "Night Drive"
        assert [c.title for c in lib.clips(task_ids=[out])]


def test_an_unknown_submission_is_a_usage_error(relay, lost_submit, capsys):
    library, submission_id = lost_submit
    assert main(["submissions", "forget", str(submission_id + 7), "--library", str(library)]) == 2
    assert "No open submission" in capsys.readouterr().err
