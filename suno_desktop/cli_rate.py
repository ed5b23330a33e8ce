"""``suno-desktop rate``: stars for clips, in the library and in their files' tags.

Clips are named by their full ids or by unique prefixes of at least 8 characters
(what ``list`` prints). The rating is stored first; then one sync session re-tags
the clips' files (the rating is part of their tag key), the way the window does.
"""

from __future__ import annotations

import argparse
import sys

from . import cli_sync
from .library.store import Library
from .model import MAX_STARS
from .relay.relay_text import terminal_line

#: the shortest prefix of a clip id that may name it
MIN_PREFIX = 8


def add_rate_command(commands: argparse._SubParsersAction, add_library_option) -> None:
    rate = commands.add_parser(
        "rate",
        help="give clips 0-5 stars (written into their MP3 and MP4 tags)",
        description="Set the rating of clips: 1-5 stars, 0 to clear. Name clips by their ids or by unique "
        f"prefixes of at least {MIN_PREFIX} characters.",
    )
    add_library_option(rate)
    rate.add_argument("--stars", type=_stars, required=True, metavar="N", help=f"0-{MAX_STARS} (0 clears)")
    rate.add_argument("clip_ids", nargs="+", metavar="CLIP_ID")


def _stars(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_STARS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_STARS}")
    return value


def resolve_clip_ids(library: Library, names: list[str]) -> list[str]:
    """The clip ids *names* stand for; a name that is unknown, too short or ambiguous is a UsageError."""
    known = [record.clip_id for record in library.clips()]
    resolved = []
    for name in names:
        name = name.strip().lower()
        if name in known:
            resolved.append(name)
            continue
        if len(name) < MIN_PREFIX:
            raise cli_sync.UsageError(
                f"{terminal_line(name)!r} is too short to name a clip: give at least {MIN_PREFIX} characters."
            )
        matches = [clip_id for clip_id in known if clip_id.lower().startswith(name)]
        if not matches:
            raise cli_sync.UsageError(f"No clip in this library has an id starting with {terminal_line(name)!r}.")
        if len(matches) > 1:
            raise cli_sync.UsageError(
                f"{terminal_line(name)!r} names {len(matches)} clips; give more of the id to tell them apart."
            )
        resolved.append(matches[0])
    return list(dict.fromkeys(resolved))


def run_rate(args: argparse.Namespace) -> int:
    settings = cli_sync.load_settings()
    if args.library is not None:
        settings.library = str(args.library)
    with cli_sync.open_existing_library(settings) as library:
        clip_ids = resolve_clip_ids(library, args.clip_ids)
        library.set_rating(clip_ids, args.stars)
        stars = "★" * args.stars + "☆" * (MAX_STARS - args.stars) if args.stars else "no rating"
        print(f"Rated {len(clip_ids)} clip(s): {stars}.", file=sys.stderr)
        return cli_sync.retag_files(library, settings, clip_ids)
