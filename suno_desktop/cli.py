"""The command line: ``sync``, ``list``, ``create`` and ``lyrics`` without a window; anything else opens the app.

Exit codes: 0 everything asked for is in the library; 1 some tasks or clips
failed (each named with its reason); 2 a usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .cli_create import add_create_commands, run_create
from .errors import ErrorKind, kind_of
from .library.lock import LibraryBusy
from .library.polling import FetchResult
from .library.store import Library, LibraryUnavailable
from .library.sync import ClipOutcome, SyncEngine, SyncObserver, SyncOptions, SyncReport
from .relay.client import RelayClient
from .relay.errors import ConfigurationError
from .relay.task_ids import extract_task_ids
from .settings import Settings, SettingsStore

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LOCK_WAIT_SECONDS = 10.0
TOKEN_HINT = "pass --token, set SUNO_API_TOKEN, or save it in the app's Settings (Ctrl+,)"


class UsageError(Exception):
    pass


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

    listing = commands.add_parser("list", help="list the clips (or the tasks) in the library")
    _add_library_option(listing)
    listing.add_argument("--tasks", action="store_true", help="one entry per task instead of per clip")
    listing.add_argument("--json", action="store_true", help="print a JSON array, one object per clip (or task)")
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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"sync", "list", "create", "lyrics", "-h", "--help", "--version"}:
        from .app import main as app_main  # the window: imports Qt only when needed

        return app_main(argv)
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
    except UsageError as exc:
        print(f"suno-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LibraryUnavailable as exc:
        print(f"suno-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except LibraryBusy as exc:
        print(f"suno-desktop: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("suno-desktop: interrupted", file=sys.stderr)
        return 130
    parser.print_help()
    return EXIT_USAGE


def load_settings() -> Settings:
    """Saved app settings overridden by SUNO_API_BASE_URL, SUNO_API_TOKEN, SUNO_LIBRARY."""
    settings = SettingsStore().load()
    env = os.environ
    settings.base_url = env.get("SUNO_API_BASE_URL") or settings.base_url
    settings.token = env.get("SUNO_API_TOKEN") or settings.token
    settings.library = env.get("SUNO_LIBRARY") or settings.library
    return settings


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
        with Library(settings.library_dir, create=True) as library:
            return sync_library(library, settings, options, task_ids or None, refresh=args.refresh)
    finally:
        if demo_relay is not None:
            demo_relay.stop()


def start_demo(args: argparse.Namespace, settings: Settings):
    """With ``--demo``: the built-in relay (and a fresh library unless --library); else (None, [])."""
    if not getattr(args, "demo", False):
        return None, []
    from .demo.catalog import start_demo_relay

    demo_relay, demo_ids = start_demo_relay()
    settings.base_url, settings.token = demo_relay.api_url, demo_relay.token
    if args.library is None:
        args.library = Path(tempfile.mkdtemp(prefix="suno-demo-")) / "Library"
        print(f"Demo library: {args.library}", file=sys.stderr)
    return demo_relay, demo_ids


def apply_relay_args(args: argparse.Namespace, settings: Settings) -> None:
    """--base-url, --token and --library win over the environment and the saved settings."""
    if args.base_url:
        settings.base_url = args.base_url
    if args.token:
        settings.token = args.token
    if args.library is not None:
        settings.library = str(args.library)


def sync_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The sync options a command's flags change (those it has)."""
    overrides: dict[str, object] = {"timeout": args.timeout}
    if getattr(args, "no_video", False):
        overrides["download_video"] = False
    if getattr(args, "jobs", None):
        overrides["jobs"] = args.jobs
    if args.poll_interval is not None:
        overrides["poll_interval"] = args.poll_interval
    return overrides


def sync_library(
    library: Library,
    settings: Settings,
    options: SyncOptions,
    task_ids: list[str] | None,
    *,
    refresh: bool = False,
    client: RelayClient | None = None,
) -> int:
    """``sync``'s work on an open library: progress on stderr, the summary, the exit code."""
    needs_relay = bool(task_ids) or bool(library.task_ids() if refresh else library.pending_task_ids())
    own_client = client is None and needs_relay
    if not needs_relay:
        print("No task is pending; checking the files on disk.", file=sys.stderr)
    _acquire_lock(library)  # before the client: a busy library leaves nothing open
    if own_client:
        client = make_client(settings, options)
    engine = SyncEngine(library, client, options, observer=ProgressPrinter())
    try:
        report = engine.sync(task_ids, refresh=refresh)
    finally:
        engine.close()
        if own_client:
            client.close()
    print_summary(report, library)
    if report.error is not None:
        return EXIT_USAGE if kind_of(report.error) in FIX_THE_SETUP else EXIT_FAILED
    return EXIT_OK if report.ok else EXIT_FAILED


#: errors the user fixes by changing how the command is run (exit 2), not by waiting
FIX_THE_SETUP = (ErrorKind.AUTH, ErrorKind.CONFIGURATION)


def _acquire_lock(library: Library) -> None:
    """Wait a little for another process's sync to end, then refuse (LibraryBusy)."""
    try:
        library.lock.acquire(wait=0)
    except LibraryBusy as exc:
        print(f"{exc} Waiting up to {LOCK_WAIT_SECONDS:.0f} s…", file=sys.stderr)
        library.lock.acquire(wait=LOCK_WAIT_SECONDS)


def make_client(settings: Settings, options: SyncOptions) -> RelayClient:
    if not settings.base_url:
        raise UsageError("No relay base URL: pass --base-url, set SUNO_API_BASE_URL, or save it in the app's Settings.")
    if not settings.token:
        raise UsageError(f"No API token: {TOKEN_HINT}.")
    try:
        return RelayClient(settings.base_url, settings.token, pool_size=max(4, options.jobs))
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


def _read_ids_file(path: Path) -> list[str]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read the ids file {path}: {exc}") from None
    ids = extract_task_ids(text)
    if not ids:
        raise UsageError(f"No task ids found in {path}.")
    return ids


class ProgressPrinter(SyncObserver):
    """One line per finished clip on stderr; it is a log a person can read later."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()

    def _print(self, text: str) -> None:
        with self._lock:
            print(text, file=self.stream, flush=True)

    def tasks_fetched(self, result: FetchResult) -> None:
        for task in result.tasks.values():
            if not task.is_final:
                self._print(f"task {task.task_id}: {task.status.lower().replace('_', ' ')} {task.progress}".rstrip())
        for task_id in result.not_found:
            self._print(f"task {task_id}: not found on the relay")
        for task_id, reason in result.malformed.items():
            self._print(f"task {task_id}: could not be read: {reason}")

    def clip_finished(self, outcome: ClipOutcome) -> None:
        name = outcome.title or outcome.clip_id
        if outcome.ok:
            what = (
                f"{outcome.files_downloaded} file(s), {_megabytes(outcome.bytes_downloaded)}"
                if outcome.files_downloaded
                else "re-tagged"
            )
            self._print(f"  ok      {name} [{outcome.clip_id[:8]}]: {what}")
        elif not outcome.cancelled:
            self._print(f"  failed  {name} [{outcome.clip_id[:8]}]: {outcome.error}")

    def overall_progress(self, done: int, total: int) -> None:
        if total and (done == total or done % 25 == 0):
            self._print(f"[{done}/{total}] clips processed")

    def waiting(self, pending: int, seconds: float) -> None:
        self._print(f"{pending} task(s) still generating; polling again in {seconds:.0f} s")


def print_summary(report: SyncReport, library: Library, stream=None) -> None:
    out = stream or sys.stderr
    lines = [
        f"Synced {report.tasks_synced} task(s): {report.clips_done} clip(s) updated, "
        f"{report.files_downloaded} file(s) downloaded ({_megabytes(report.bytes_downloaded)}), "
        f"{report.api_requests} API request(s), {report.elapsed:.1f} s. Library: {library.root}"
    ]
    if report.error is not None:
        lines.append(f"error: {report.error}")
    for task_id, reason in report.failed_tasks.items():
        lines.append(f"failed task {task_id}: {reason}")
    for clip_id, (title, reason) in report.failed_clips.items():
        lines.append(f"failed clip {title or 'untitled'} ({clip_id}): {reason}")
    for task_id in report.still_pending:
        lines.append(f"still pending task {task_id}: not finished before the timeout; run sync again later")
    if report.cancelled:
        lines.append("cancelled before the end: run sync again to finish")
    print("\n".join(lines), file=out)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def run_list(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.library is not None:
        settings.library = str(args.library)
    with Library(settings.library_dir, create=False) as library:
        if args.tasks:
            return _list_tasks(library, as_json=args.json)
        records = library.clips()
        rows = [
            {
                "clip_id": r.clip_id,
                "task_id": r.task_id,
                "title": r.title,
                "tags": r.tags,
                "model": r.model,
                "duration": r.duration,
                "status": r.state,
                "error": r.problem or None,
                "audio_path": _existing(library, r.audio_path),
                "cover_path": _existing(library, r.cover_path),
                "video_path": _existing(library, r.video_path),
            }
            for r in records
        ]
    if args.json:
        _print_json(rows)
        return EXIT_OK
    for row in rows:
        duration = f"{int(row['duration'] // 60)}:{int(row['duration'] % 60):02d}" if row["duration"] else "--:--"
        print(f"{row['status']:<11} {duration:>6}  {row['clip_id'][:8]}  {row['title'] or 'Untitled'}")
    print(f"{len(rows)} clip(s) in {library.root}", file=sys.stderr)
    return EXIT_OK


def _list_tasks(library: Library, *, as_json: bool) -> int:
    """One entry per task the user added, clips or not: nothing they asked for is hidden."""
    clip_ids: dict[str, list[str]] = {}
    for record in library.clips():
        clip_ids.setdefault(record.task_id, []).append(record.clip_id)
    tasks = library.tasks()
    rows = [
        {
            "task_id": task.task_id,
            "action": task.action or None,
            "status": task.status,
            "fail_reason": task.reason,
            "progress": task.progress,
            "clip_ids": clip_ids.get(task.task_id, []),
            "added_at": _iso_time(task.added_at),
            "updated_at": _iso_time(task.updated_at),
        }
        for task in tasks
    ]
    if as_json:
        _print_json(rows)
        return EXIT_OK
    for task, row in zip(tasks, rows):
        what = f"{len(row['clip_ids'])} clip(s)" if row["clip_ids"] else task.describe()
        print(f"{row['status']:<11} {row['task_id']}  {what}")
    print(f"{len(rows)} task(s) in {library.root}", file=sys.stderr)
    return EXIT_OK


def _iso_time(unix_seconds: float | None) -> str | None:
    if unix_seconds is None:
        return None
    return datetime.fromtimestamp(unix_seconds, tz=UTC).isoformat(timespec="seconds")


def _print_json(rows: list[dict]) -> None:
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _existing(library: Library, relative: str | None) -> str | None:
    path = library.absolute(relative)
    return str(path) if path is not None and path.exists() else None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
