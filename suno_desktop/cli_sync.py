"""What the command line's commands share: settings, the demo relay, the client, and the sync with its report.

``cli`` (sync, list) and ``cli_create`` (create, lyrics) both build on it; neither imports the other's
commands through it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ErrorKind, kind_of, sentence_of
from .library.polling import FetchResult
from .library.rebuild import open_library as open_checked_library
from .library.store import DB_DIR_NAME, Library
from .library.sync_types import ClipOutcome, SyncObserver, SyncOptions, SyncReport
from .relay.errors import ConfigurationError
from .relay.relay_text import terminal_line
from .relay.relay_url import unencrypted_warning
from .settings import Settings, SettingsStore, shortest_poll_seconds

if TYPE_CHECKING:  # the engine and the HTTP stack load only for the commands that sync (list needs neither)
    from .relay.client import RelayClient

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

log = logging.getLogger(__name__)


LOCK_WAIT_SECONDS = 10.0
#: how long after --timeout the downloads still running get to finish before they are cut
STOP_GRACE_SECONDS = 2.0


TOKEN_HINT = "pass --token, set SUNO_API_TOKEN, or save it in the app's Settings (Ctrl+,)"


class UsageError(Exception):
    pass


def load_settings(*, with_token: bool = True) -> Settings:
    """Saved app settings overridden by SUNO_API_BASE_URL, SUNO_API_TOKEN, SUNO_LIBRARY.

    *with_token* false: the keyring is not asked (loading its backends costs ~0.1 s) for a
    command that asks no relay.
    """
    settings = SettingsStore().load(with_token=with_token)
    env = os.environ
    settings.base_url = env.get("SUNO_API_BASE_URL") or settings.base_url
    settings.token = env.get("SUNO_API_TOKEN") or settings.token
    settings.library = env.get("SUNO_LIBRARY") or settings.library
    return settings


def open_library(settings: Settings, *, remember: bool = True) -> Library:
    """The library ``sync`` and ``create`` work in, made with its parents on first use.

    One the settings remember as opened before and now gone is an unplugged drive:
    :class:`LibraryUnavailable`, nothing made. *remember* (not for a demo's scratch
    library) notes a newly opened one in the settings for that guard.
    """
    folder = settings.library_dir
    opened_before = settings.opened_before(folder)
    library = open_checked_library(folder, create=True, existed=opened_before)
    if remember and not opened_before:
        remember_library(library.root)
    return library


def remember_library(folder: Path, store: SettingsStore | None = None) -> None:
    """Note in the settings that *folder* holds a library; a read-only config folder only loses the guard."""
    try:
        (store or SettingsStore()).remember_library(folder)
    except OSError as exc:
        log.warning("could not remember the library %s in the settings: %s", folder, exc)


def read_text_file(path: Path, what: str, error: type[Exception] = UsageError) -> str:
    """The text of *path* (``-``: standard input) for a command's ``--…-file`` option; unreadable: *error*."""
    try:
        return sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"Cannot read the {what} file {path}: {exc}.") from None


def open_existing_library(settings: Settings) -> Library:
    """The library a command that changes clips works in; one never made is a UsageError, and nothing is made."""
    if not has_library(settings):
        raise UsageError(
            f"There is no library at {settings.library_dir} yet: the first `suno-desktop sync TASK_ID` makes it."
        )
    return open_library(settings)


def has_library(settings: Settings) -> bool:
    """Whether listing has something to read: a library is there, or was (then opening it says it is gone)."""
    folder = settings.library_dir
    return settings.opened_before(folder) or (folder / DB_DIR_NAME).is_dir()


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
    if args.poll_interval is not None:  # --poll-interval 0 would ask the relay in a tight loop
        overrides["poll_interval"] = max(shortest_poll_seconds(), args.poll_interval)
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
    if own_client:
        client = make_client(settings, options)
    from .library.sync import SyncEngine

    engine = SyncEngine(library, client, options, observer=ProgressPrinter())
    # --timeout bounds the whole command: at the deadline polling stops, and a little later
    # whatever still transfers is cut (its .part is resumed by the next sync)
    stop_at = time.monotonic() + options.timeout + STOP_GRACE_SECONDS
    if client is not None:
        client.stop_at = stop_at
    stopper = threading.Timer(options.timeout + STOP_GRACE_SECONDS, engine.cancel.set)
    stopper.daemon = True
    stopper.start()
    try:
        report = engine.sync(task_ids, refresh=refresh, lock_wait=LOCK_WAIT_SECONDS)
    finally:
        stopper.cancel()
        engine.close()
        if own_client:
            client.close()
    print_summary(report, library)
    if report.error is not None:
        return EXIT_USAGE if kind_of(report.error) in FIX_THE_SETUP else EXIT_FAILED
    return EXIT_OK if report.ok else EXIT_FAILED


#: errors the user fixes by changing how the command is run (exit 2), not by waiting
FIX_THE_SETUP = (ErrorKind.AUTH, ErrorKind.CONFIGURATION)


def make_client(settings: Settings, options: SyncOptions) -> RelayClient:
    if not settings.base_url:
        raise UsageError("No relay base URL: pass --base-url, set SUNO_API_BASE_URL, or save it in the app's Settings.")
    if not settings.token:
        raise UsageError(f"No API token: {TOKEN_HINT}.")
    warning = unencrypted_warning(settings.base_url)
    if warning:
        print(f"suno-desktop: warning: {warning}", file=sys.stderr)
    from .relay.client import RelayClient

    try:
        return RelayClient(settings.base_url, settings.token, pool_size=max(4, options.jobs), retry=options.retry)
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None


class ProgressPrinter(SyncObserver):
    """One line per finished clip on stderr; it is a log a person can read later."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()

    def _print(self, text: str) -> None:
        with self._lock:
            print(terminal_line(text), file=self.stream, flush=True)  # titles and reasons come from the relay

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

    def failed(self, error: BaseException) -> None:
        self._print(f"problem: {sentence_of(error)}")

    def waiting_for_lock(self, sentence: str) -> None:
        self._print(f"{sentence} Waiting up to {LOCK_WAIT_SECONDS:g} s…")


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
    if report.leftovers_removed:
        lines.append(f"removed {report.leftovers_removed} leftover partial download(s) nothing will resume")
    print("\n".join(terminal_line(line) for line in lines), file=out)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def retag_files(library: Library, settings: Settings, clip_ids: list[str]) -> int:
    """Re-tag (and rename) the files of *clip_ids* after the user changed what their tags say; the exit code.

    One sync session with no relay, the way the window does it; failures are said on stderr.
    """
    from .library.sync import SyncEngine
    from .library.sync_session import RequestKind, SyncSession

    engine = SyncEngine(library, None, SyncOptions.from_settings(settings))
    session = SyncSession(engine, lock_wait=LOCK_WAIT_SECONDS)
    try:
        session.ask(RequestKind.RETAG, clip_ids)
        session.wait_idle()
    finally:
        session.close(wait=None)
        engine.close()
    if session.failure is not None:
        print(f"suno-desktop: {terminal_line(str(session.failure))}", file=sys.stderr)
        return EXIT_FAILED
    failed = [outcome for outcome in session.outcomes if not outcome.ok]
    for outcome in failed:
        print(terminal_line(f"could not re-tag {outcome.title or outcome.clip_id}: {outcome.error}"), file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
