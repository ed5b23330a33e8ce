"""``suno-desktop rebuild``: the library restored from its tagged files when its database is damaged or lost."""

from __future__ import annotations

import argparse
import sys

from . import cli_sync
from .library.rebuild import adopted_count, prepare_rebuild
from .library.sync_types import SyncOptions


def add_rebuild_command(commands: argparse._SubParsersAction, add_relay_options) -> None:
    rebuild = commands.add_parser(
        "rebuild",
        help="restore the library from its tagged song files (a damaged or lost database)",
        description="Scan the library folder for the MP3s and MP4s this app tagged, keep a damaged database "
        "aside under a dated name, adopt every file where it is (nothing is downloaded, renamed or "
        "duplicated), and fetch their tasks from the relay to restore the rest.",
    )
    add_relay_options(rebuild)
    rebuild.add_argument("--no-video", action="store_true", help="do not download missing MP4 videos")


def run_rebuild(args: argparse.Namespace) -> int:
    settings = cli_sync.load_settings()
    cli_sync.apply_relay_args(args, settings)
    options = SyncOptions.from_settings(settings, **cli_sync.sync_overrides(args))
    if not settings.library_dir.is_dir():
        raise cli_sync.UsageError(f"There is no library folder {settings.library_dir} to rebuild.")
    library, plan = prepare_rebuild(settings.library_dir)
    with library:
        cli_sync.remember_library(library.root)
        if plan.set_aside is not None:
            print(f"The damaged database was kept as {plan.set_aside}.", file=sys.stderr)
        print(
            f"Found {plan.song_count} song(s) of {len(plan.task_ids)} task(s) in {library.root}.",
            file=sys.stderr,
        )
        code = cli_sync.EXIT_OK
        if plan.task_ids:
            code = cli_sync.sync_library(library, settings, options, plan.task_ids)
        adopted = adopted_count(library, plan)
        print(f"Rebuilt the library: {adopted} song(s) adopted where they are.", file=sys.stderr)
    return code
