"""Songs asked for that the relay never confirmed, on the command line: seen, forgotten, or sent again on purpose.

A submit that may have reached the relay (no answer, a dropped connection, a 5xx)
may have been made and charged, so it is never resent by itself. The window shows
such an entry as a row; here ``list --tasks`` shows it, ``sync`` names it and exits
1 while it is open, and ``submissions forget`` or ``submissions resend
--confirm-resend`` settle it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime

from . import cli_sync
from .library.song_creator import SongCreator
from .library.store import Library
from .library.submission_journal import SubmissionJournal
from .library.sync_types import SyncOptions
from .relay.errors import SubmitError
from .relay.relay_text import terminal_line
from .song_request import Submission, SubmissionState

RESEND_FLAG = "--confirm-resend"


def add_submission_command(commands: argparse._SubParsersAction, add_relay_options) -> None:
    parser = commands.add_parser(
        "submissions",
        help="songs asked for that the relay did not confirm: list, forget, or send again",
        description="List the songs and lyrics this library asked for that the relay never confirmed; "
        f"forget some, or send them again with {RESEND_FLAG} once you checked your relay's task log "
        "(each may already have been made and charged).",
    )
    parser.add_argument("action", nargs="?", choices=("list", "forget", "resend"), default="list")
    parser.add_argument("submission_ids", nargs="*", type=int, metavar="ID")
    parser.add_argument(
        RESEND_FLAG, dest="confirm_resend", action="store_true", help="with resend: send them again, knowingly"
    )
    parser.add_argument("--json", action="store_true", help="with list: a JSON array")
    parser.add_argument("--no-wait", action="store_true", help="with resend: exit once the new task ids are stored")
    add_relay_options(parser)


def unconfirmed(library: Library) -> list[Submission]:
    """The submissions that may have reached the relay and have no task to show for it."""
    now = time.time()
    return [s for s in SubmissionJournal(library).open() if s.shown_state(now) is SubmissionState.UNCONFIRMED]


def submission_rows(library: Library) -> list[dict]:
    """Open submissions as ``list --tasks`` entries: no task id yet, their state and their sentence."""
    now = time.time()
    return [
        {
            "task_id": None,
            "submission_id": entry.submission_id,
            "title": entry.headline,
            "action": str(entry.request.mode),
            "status": entry.shown_state(now).name,
            "fail_reason": entry.reason(now),
            "progress": "",
            "clip_ids": [],
            "added_at": _iso(entry.created_at),
            "updated_at": _iso(entry.updated_at),
        }
        for entry in SubmissionJournal(library).open()
    ]


def say_unconfirmed(library: Library) -> bool:
    """Name each unconfirmed submission on stderr with what to do; True when there is any."""
    entries = unconfirmed(library)
    now = time.time()
    for entry in entries:
        print(
            terminal_line(
                f"unconfirmed: “{entry.headline}” (submission {entry.submission_id}): {entry.reason(now)} "
                f"`suno-desktop submissions forget {entry.submission_id}` or "
                f"`suno-desktop submissions resend {entry.submission_id} {RESEND_FLAG}`."
            ),
            file=sys.stderr,
        )
    return bool(entries)


def run_submissions(args: argparse.Namespace) -> int:
    settings = cli_sync.load_settings()
    cli_sync.apply_relay_args(args, settings)
    if not cli_sync.has_library(settings):
        raise cli_sync.UsageError(f"There is no library in {settings.library_dir}.")
    with cli_sync.open_library(settings) as library:
        if args.action == "list":
            return _list(library, as_json=args.json)
        entries = _chosen(library, args.submission_ids)
        if args.action == "forget":
            SubmissionJournal(library).forget([e.submission_id for e in entries])
            for entry in entries:
                print(terminal_line(f"Forgot “{entry.headline}” (submission {entry.submission_id})."), file=sys.stderr)
            return cli_sync.EXIT_OK
        return _resend(library, settings, args, entries)


def _list(library: Library, *, as_json: bool) -> int:
    rows = submission_rows(library)
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return cli_sync.EXIT_OK
    for row in rows:
        print(
            terminal_line(
                f"{row['status']:<11} submission {row['submission_id']}  {row['title']}: {row['fail_reason']}"
            )
        )
    print(f"{len(rows)} open submission(s) in {library.root}", file=sys.stderr)
    return cli_sync.EXIT_OK


def _chosen(library: Library, ids: list[int]) -> list[Submission]:
    if not ids:
        raise cli_sync.UsageError("Name the submissions: `suno-desktop submissions` lists them with their ids.")
    open_entries = {e.submission_id: e for e in SubmissionJournal(library).open()}
    missing = [str(i) for i in ids if i not in open_entries]
    if missing:
        raise cli_sync.UsageError(f"No open submission {', '.join(missing)} in this library (see `submissions`).")
    return [open_entries[i] for i in dict.fromkeys(ids)]


def _resend(library: Library, settings, args: argparse.Namespace, entries: list[Submission]) -> int:
    if not args.confirm_resend:
        raise cli_sync.UsageError(
            f"Sending again may make and charge a song twice: check your relay's task log first, then add "
            f"{RESEND_FLAG}. Nothing was sent."
        )
    options = SyncOptions.from_settings(settings, **cli_sync.sync_overrides(args))
    task_ids = []
    with cli_sync.make_client(settings, options) as client:
        creator = SongCreator(library, client)
        for entry in entries:
            try:
                sent = creator.create_again(entry.submission_id)
            except SubmitError as exc:
                print(f"suno-desktop: {terminal_line(str(exc))}", file=sys.stderr)
                return cli_sync.EXIT_FAILED
            print(terminal_line(sent.task_id), flush=True)
            task_ids.append(sent.task_id)
        if args.no_wait:
            return cli_sync.EXIT_OK
        return cli_sync.sync_library(library, settings, options, task_ids, client=client)


def _iso(unix_seconds: float) -> str:
    return datetime.fromtimestamp(unix_seconds, tz=UTC).isoformat(timespec="seconds")
