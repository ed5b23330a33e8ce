"""The command line: ``sync``, ``list``, ``create`` and ``lyrics`` without a window; anything else opens the app.

Exit codes: 0 everything asked for is in the library; 1 some tasks or clips
failed (each named with its reason); 2 a usage or configuration error; 141
(as a process killed by SIGPIPE) stdout was closed early, e.g. ``list | head -1``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cli_create import add_create_commands, run_create
from .cli_edit import add_edit_command, run_edit
from .cli_listing import clip_json, iso_time, print_json
from .cli_playlist import add_playlist_command, run_playlist
from .cli_rate import add_rate_command, run_rate
from .cli_rebuild import add_rebuild_command, run_rebuild
from .cli_submissions import add_submission_command, run_submissions, say_unconfirmed, submission_rows
from .cli_sync import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    apply_relay_args,
    has_library,
    load_settings,
    open_library,
    read_text_file,
    start_demo,
    sync_library,
    sync_overrides,
)
from .errors import ErrorKind, kind_of, sentence_of
from .library.lock import LibraryBusy
from .library.playlists import PlaylistError, Playlists
from .library.query import QueryError
from .library.query_help import help_text as query_help_text
from .library.query_select import Selector
from .library.query_sql import clips_matching
from .library.rebuild import LibraryNeedsRebuild
from .library.rebuild import open_library as open_checked_library
from .library.store import Library, LibraryUnavailable
from .library.sync_types import SyncOptions
from .library.tagged_files import first_tagged_file
from .model import ClipRecord
from .relay.relay_text import terminal_line
from .relay.task_ids import extract_task_ids
from .time_formats import format_duration


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="suno-desktop",
        description="Suno Desktop: fetch Suno songs through an API relay into a tagged local library.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details on stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sync = commands.add_parser(
        "sync",
        help="add task ids and sync them, or re-sync the whole library",
        description="With task ids, add them and sync them; without, re-sync the whole library.",
    )
    sync.add_argument("task_ids", nargs="*", metavar="TASK_ID")
    sync.add_argument("--ids-file", type=Path, metavar="FILE", help="read task ids from FILE (any layout; - for stdin)")
    _add_relay_options(sync)
    sync.add_argument(
        "--refresh",
        action="store_true",
        help="fetch every task again, finished ones too: picks up titles, tags and lyrics changed on the relay",
    )
    sync.add_argument("--no-video", action="store_true", help="do not download MP4 videos")
    sync.add_argument(
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="parallel downloads (default: the saved setting, else one more than the cores, at most 4)",
    )
    sync.add_argument(
        "--demo",
        action="store_true",
        help="sync the built-in demo relay's songs (no account or network needed)",
    )

    add_create_commands(commands, _add_create_options)
    add_rebuild_command(commands, _add_relay_options)
    add_submission_command(commands, _add_relay_options)

    add_rate_command(commands, _add_library_option)
    add_edit_command(commands, _add_library_option)
    add_playlist_command(commands, _add_library_option)

    listing = commands.add_parser(
        "list",
        help="list the clips (or the tasks) in the library",
        epilog=query_help_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the epilog's lines as written
    )
    _add_library_option(listing)
    listing.add_argument("--tasks", action="store_true", help="one entry per task instead of per clip")
    listing.add_argument("--json", action="store_true", help="print a JSON array, one object per clip (or task)")
    listing.add_argument(
        "--query",
        metavar="QUERY",
        help="only the clips that match, e.g. 'neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30'"
        " (with --tasks: the tasks with a clip that matches)",
    )
    listing.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _add_relay_options(parser: argparse.ArgumentParser) -> None:
    """What ``sync``, ``create`` and ``lyrics`` share: the library, the relay, the waiting."""
    _add_library_option(parser)
    parser.add_argument("--base-url", metavar="URL", help="relay base URL (or SUNO_API_BASE_URL)")
    parser.add_argument("--token", metavar="TOKEN", help="relay API token (or SUNO_API_TOKEN)")
    parser.add_argument(
        "--poll-interval",
        type=_non_negative_float,
        default=None,
        metavar="SECONDS",
        help="seconds between polls of pending tasks, at least (default 5)",
    )
    parser.add_argument(
        "--timeout",
        type=_non_negative_float,
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for pending tasks after this long (default 600)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _add_create_options(parser: argparse.ArgumentParser) -> None:
    """``create`` and ``lyrics``: the relay options, and whether to wait for the task."""
    _add_relay_options(parser)
    parser.add_argument("--no-wait", action="store_true", help="exit once the task id is printed and stored")
    parser.add_argument("--demo", action="store_true", help="use the built-in demo relay (no account needed)")


def _add_library_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--library", type=Path, metavar="DIR", help="library folder (or SUNO_LIBRARY)")


def _positive_int(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


#: what makes ``suno-desktop ...`` a command-line run (app.run opens the window for anything else);
#: a literal, not read from the parser, so that starting the window builds no parser (tested to agree)
CLI_COMMANDS = frozenset(
    {
        "sync",
        "list",
        "rate",
        "edit",
        "playlist",
        "create",
        "lyrics",
        "rebuild",
        "submissions",
        "-h",
        "--help",
        "--version",
    }
)


#: the exit code when stdout was closed before the output was written: a shell's 128 + SIGPIPE
EXIT_CLOSED_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a reader that stopped reading (``| head -1``) ends it quietly, without a traceback."""
    try:
        code = _run_command(argv)
        sys.stdout.flush()  # here, not at exit: a closed pipe then fails where it is caught
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_CLOSED_PIPE
    return code


def _silence_stdout() -> None:
    """Point stdout at devnull, so Python's flush at exit does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (an embedding caller's stream): nothing to redirect
        pass


def _run_command(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "sync":
            return run_sync(args)
        if args.command == "list":
            return run_list(args)
        if args.command in ("create", "lyrics"):
            return run_create(args, lyrics=args.command == "lyrics")
        if args.command == "rebuild":
            return run_rebuild(args)
        if args.command == "submissions":
            return run_submissions(args)
        if args.command == "rate":
            return run_rate(args)
        if args.command == "edit":
            return run_edit(args)
        if args.command == "playlist":
            return run_playlist(args)
    except (UsageError, LibraryUnavailable, LibraryNeedsRebuild, PlaylistError) as exc:
        return _say(str(exc), EXIT_USAGE)
    except LibraryBusy as exc:
        return _say(str(exc), EXIT_FAILED)
    except KeyboardInterrupt:
        return _say("interrupted", 130)
    except sqlite3.DatabaseError as exc:  # damaged past what opening it could see
        logging.getLogger(__name__).debug("the library database failed", exc_info=True)
        return _say(f"The library database cannot be read ({exc}); nothing was changed. {REBUILD_ADVICE}", EXIT_USAGE)
    except BrokenPipeError:
        raise  # main() ends quietly on a closed stdout
    except OSError as exc:
        return _say(sentence_of(exc), EXIT_FAILED if kind_of(exc) is not ErrorKind.DISK_FULL else EXIT_USAGE)
    except Exception as exc:  # a bug: one sentence here, the traceback in the log with -v
        logging.getLogger(__name__).debug("the command failed", exc_info=True)
        return _say(f"Something went wrong: {sentence_of(exc)} (run with -v for details).", EXIT_FAILED)
    parser.print_help()
    return EXIT_USAGE


#: what a damaged database asks the user to do
REBUILD_ADVICE = "To restore the library from its songs, run `suno-desktop rebuild`."


def _say(sentence: str, code: int) -> int:
    """One clean line on stderr (relay text included), and the exit code."""
    print(f"suno-desktop: {terminal_line(sentence)}", file=sys.stderr)
    return code


def run_sync(args: argparse.Namespace) -> int:
    settings = load_settings()
    task_ids = list(args.task_ids)
    if args.ids_file is not None:
        task_ids.extend(_read_ids_file(args.ids_file))
    if args.refresh and task_ids:
        raise UsageError("--refresh fetches every task of the library; give it no task ids.")
    demo_relay, demo_ids = start_demo(args, settings)
    task_ids = task_ids or demo_ids
    apply_relay_args(args, settings)
    options = SyncOptions.from_settings(settings, **sync_overrides(args))
    try:
        with open_library(settings, remember=demo_relay is None) as library:
            code = sync_library(library, settings, options, task_ids or None, refresh=args.refresh)
            if say_unconfirmed(library) and code == EXIT_OK:
                code = EXIT_FAILED  # a song that may have been paid for is not settled yet
            return code
    finally:
        if demo_relay is not None:
            demo_relay.stop()


def _read_ids_file(path: Path) -> list[str]:
    ids = extract_task_ids(read_text_file(path, "ids"))
    if not ids:
        raise UsageError(f"No task ids found in {path}.")
    return ids


def run_list(args: argparse.Namespace) -> int:
    settings = load_settings(with_token=False)
    if args.library is not None:
        settings.library = str(args.library)
    folder = settings.library_dir
    _selector(None, args.query)  # a broken query is said before the library is opened
    if not has_library(settings) and (not folder.is_dir() or first_tagged_file(folder) is None):
        return _list_nothing(folder, tasks=args.tasks, as_json=args.json)  # nothing synced there yet: makes nothing
    with open_checked_library(folder, existed=settings.opened_before(folder)) as library:
        selector = _selector(library, args.query)
        if args.tasks:
            matched = None if selector is None else clips_matching(library, selector)
            return _list_tasks(library, as_json=args.json, matched=matched)
        records = clips_matching(library, selector)
        root = str(library.root)
        rows = [clip_json(root, r) for r in records]
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        duration = format_duration(row["duration"]) or "--:--"
        title = terminal_line(row["title"] or "Untitled")
        print(f"{row['status']:<11} {duration:>6}  {terminal_line(row['clip_id'][:8])}  {title}")
    print(f"{len(rows)} clip(s) in {library.root}", file=sys.stderr)
    return EXIT_OK


def _list_nothing(folder: Path, *, tasks: bool, as_json: bool) -> int:
    if as_json:
        print_json([])
    else:
        what = "task(s)" if tasks else "clip(s)"
        print(
            f"0 {what}: the library {folder} is empty (the first `suno-desktop sync TASK_ID` or `create` makes it).",
            file=sys.stderr,
        )
    return EXIT_OK


def _selector(library: Library | None, query: str | None) -> Selector | None:
    """The selector of ``--query`` (None: no query); ``added:`` reads when the tasks were added."""
    if query is None:
        return None
    try:
        selector = Selector.of(query)
    except QueryError as exc:
        raise UsageError(f"--query: {exc}") from None
    if library is not None and selector.compares_added:
        selector = selector.knowing(added=library.task_added_times())
    if library is not None and selector.names_playlists:
        selector = selector.knowing(playlists=Playlists(library).members())
    return selector


def _list_tasks(library: Library, *, as_json: bool, matched: list[ClipRecord] | None = None) -> int:
    """One entry per task the user added, clips or not: nothing they asked for is hidden (unless a query asks).

    *matched*: the clips a query picked (their tasks are listed), None without a query.
    """
    clip_ids: dict[str, list[str]] = {}
    for record in library.clips():
        clip_ids.setdefault(record.task_id, []).append(record.clip_id)
    picked = None if matched is None else {record.task_id for record in matched}
    tasks = [t for t in library.tasks() if picked is None or t.task_id in picked]
    # asked for, never confirmed: no task id, but never hidden (no clips to match a query)
    submissions = submission_rows(library) if matched is None else []
    rows = [
        {
            "task_id": task.task_id,
            "action": task.action or None,
            "status": task.status,
            "fail_reason": task.reason,
            "progress": task.progress,
            "clip_ids": clip_ids.get(task.task_id, []),
            "added_at": iso_time(task.added_at),
            "updated_at": iso_time(task.updated_at),
        }
        for task in tasks
    ]
    if as_json:
        print_json(rows + submissions)
        return EXIT_OK
    for entry in submissions:
        print(
            terminal_line(f"{entry['status']:<11} submission {entry['submission_id']}  “{entry['title']}”: ")
            + terminal_line(entry["fail_reason"])
        )
    for task, row in zip(tasks, rows):
        what = f"{len(row['clip_ids'])} clip(s)" if row["clip_ids"] else task.describe()
        print(f"{terminal_line(row['status']):<11} {terminal_line(row['task_id'])}  {terminal_line(what)}")
    unsettled = f" and {len(submissions)} unconfirmed submission(s)" if submissions else ""
    print(f"{len(rows)} task(s){unsettled} in {library.root}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
