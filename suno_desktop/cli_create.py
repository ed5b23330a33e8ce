"""``suno-desktop create`` and ``suno-desktop lyrics``: make songs and lyrics through the relay.

The new task id goes alone on the first line of stdout, so scripts can take it;
everything else goes to stderr. Without ``--no-wait`` the task is then synced
exactly as ``sync TASK_ID`` would (same progress, summary and exit codes), and
``lyrics`` prints the lyrics' title and text.

Exit codes: 0 done; 1 the relay did not confirm the submit (it may have been
made: never sent again by itself), refused it, or the task failed; 2 input that
cannot make a song (nothing was sent) or a setup problem (no token, a refused token).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cli_sync
from .errors import kind_of
from .library.song_creator import SongCreator
from .library.sync_types import SyncOptions
from .relay.errors import SubmitError, SubmitUnconfirmed
from .relay.relay_text import terminal_block, terminal_line
from .song_request import InvalidSongRequest, SongRequest


def add_create_commands(commands: argparse._SubParsersAction, add_relay_options) -> None:
    """The ``create`` and ``lyrics`` subcommands, with *add_relay_options* (library, relay, polling)."""
    create = commands.add_parser(
        "create",
        help="create a song through the relay and sync it",
        description="Create a song: a --description alone lets Suno write it; --title/--style/--lyrics "
        "make it your way. Prints the new task id, then waits for the song and syncs it.",
    )
    create.add_argument("--description", default="", metavar="TEXT", help="what the song is about (Suno writes it)")
    create.add_argument("--title", default="", metavar="TITLE")
    create.add_argument("--style", default="", metavar="TAGS", help='the style, e.g. "emotional punk"')
    words = create.add_mutually_exclusive_group()
    words.add_argument("--lyrics", default=None, metavar="TEXT", help="the lyrics ([Verse], [Chorus] lines kept)")
    words.add_argument("--lyrics-file", type=Path, metavar="FILE", help="read the lyrics from FILE (- for stdin)")
    create.add_argument("--instrumental", action="store_true", help="no vocals (the lyrics may then stay empty)")
    create.add_argument("--model", default="", metavar="MODEL", help="e.g. chirp-v4 (default: the app's setting)")
    create.add_argument("--extend", metavar="CLIP_ID", help="continue this clip of the library")
    create.add_argument(
        "--from",
        dest="start_at",
        type=float,
        metavar="SECONDS",
        help="with --extend: where the new part starts, in seconds (default: the clip's end)",
    )
    add_relay_options(create)

    lyrics = commands.add_parser(
        "lyrics",
        help="write lyrics through the relay",
        description="Ask Suno for lyrics about PROMPT; prints the task id, then the lyrics' title and text.",
    )
    lyrics.add_argument("prompt", metavar="PROMPT", help="what the lyrics should be about")
    add_relay_options(lyrics)


def song_request_of(args: argparse.Namespace, default_model: str) -> SongRequest:
    """The request the flags describe; :class:`InvalidSongRequest` for one that cannot make a song."""
    if args.start_at is not None and not args.extend:
        raise InvalidSongRequest("--from needs --extend CLIP_ID: it says where in that clip to continue.")
    lyrics = args.lyrics or ""
    if args.lyrics_file is not None:
        lyrics = cli_sync.read_text_file(args.lyrics_file, "lyrics", InvalidSongRequest)
    return SongRequest.song(
        description=args.description,
        title=args.title,
        style=args.style,
        lyrics=lyrics,
        instrumental=args.instrumental,
        model=args.model or default_model,
    )


def run_create(args: argparse.Namespace, lyrics: bool = False) -> int:

    settings = cli_sync.load_settings()
    try:
        request = SongRequest.lyrics_for(args.prompt) if lyrics else song_request_of(args, settings.default_model)
    except InvalidSongRequest as exc:
        return _refuse(str(exc))
    demo_relay, _ = cli_sync.start_demo(args, settings)
    cli_sync.apply_relay_args(args, settings)
    options = SyncOptions.from_settings(settings, **cli_sync.sync_overrides(args))
    try:
        with cli_sync.open_library(settings, remember=demo_relay is None) as library:
            creator = SongCreator(library, None)
            try:
                if not lyrics and args.extend:
                    request = creator.extension(request, args.extend, args.start_at)
            except InvalidSongRequest as exc:
                return _refuse(str(exc))
            with cli_sync.make_client(settings, options) as client:
                creator.client = client
                code, task_id = _submit_and_sync(creator, request, args, settings, options)
                if code == cli_sync.EXIT_OK and lyrics and not args.no_wait:
                    _print_lyrics(creator, task_id)
                return code
    finally:
        if demo_relay is not None:
            demo_relay.stop()


def _submit_and_sync(creator: SongCreator, request: SongRequest, args, settings, options) -> tuple[int, str]:
    """Send, print the id, then sync it unless --no-wait; the exit code and the task id ("" if none)."""

    try:
        entry = creator.submit(request)
    except SubmitUnconfirmed as exc:
        print(f"suno-desktop: {terminal_line(str(exc))}", file=sys.stderr)
        return cli_sync.EXIT_FAILED, ""
    except SubmitError as exc:
        print(f"suno-desktop: {terminal_line(str(exc))}", file=sys.stderr)
        return (cli_sync.EXIT_USAGE if kind_of(exc) in cli_sync.FIX_THE_SETUP else cli_sync.EXIT_FAILED), ""
    print(terminal_line(entry.task_id), flush=True)
    if args.no_wait:
        print("Stored in the library; `suno-desktop sync` picks it up later.", file=sys.stderr)
        return cli_sync.EXIT_OK, entry.task_id
    code = cli_sync.sync_library(creator.library, settings, options, [entry.task_id], client=creator.client)
    return code, entry.task_id


def _print_lyrics(creator: SongCreator, task_id: str) -> None:
    record = creator.lyrics_of(task_id)
    if record is None:
        print("suno-desktop: the relay finished the task without lyrics.", file=sys.stderr)
        return
    print(terminal_line(record.title))
    print()
    print(terminal_block(record.lyrics))


def _refuse(sentence: str) -> int:

    print(f"suno-desktop: {terminal_line(sentence)} Nothing was sent.", file=sys.stderr)
    return cli_sync.EXIT_USAGE
