"""``suno-desktop edit``: the user's own title, style, lyrics or description for a clip, kept over the relay's.

The change goes into the library (:mod:`.library.clip_edits`), then into the
clip's files at once: re-tagged, and renamed by the file-name template.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cli_sync
from .cli_rate import resolve_clip_ids
from .library.clip_edits import EditField, edit_clip, revert_clip
from .relay.relay_text import terminal_line

_OPTIONS = {
    EditField.TITLE: "title",
    EditField.STYLE: "style",
    EditField.LYRICS: "lyrics",
    EditField.DESCRIPTION: "description",
}


def add_edit_command(commands: argparse._SubParsersAction, add_library_option) -> None:
    edit = commands.add_parser(
        "edit",
        help="write your own title, style, lyrics or description over the relay's (kept across refreshes)",
        description="Change what a clip's tags and file name say. The relay's values are kept beside yours: "
        "--revert FIELD (title, style, lyrics, description or all) goes back to them.",
    )
    add_library_option(edit)
    edit.add_argument("clip_id", metavar="CLIP_ID", help="the clip's id or a unique prefix of 8+ characters")
    edit.add_argument("--title", metavar="TITLE")
    edit.add_argument("--style", metavar="STYLE")
    lyrics = edit.add_mutually_exclusive_group()
    lyrics.add_argument("--lyrics", metavar="TEXT")
    lyrics.add_argument("--lyrics-file", type=Path, metavar="FILE", help="read the lyrics from FILE (- for stdin)")
    edit.add_argument("--description", metavar="TEXT")
    edit.add_argument(
        "--revert",
        action="append",
        choices=[*_OPTIONS.values(), "all"],
        metavar="FIELD",
        help="go back to the relay's value of FIELD (title, style, lyrics, description, or all); repeatable",
    )


def run_edit(args: argparse.Namespace) -> int:
    changes = _changes(args)
    if not changes and not args.revert:
        raise cli_sync.UsageError("Nothing to change: give --title, --style, --lyrics, --description or --revert.")
    settings = cli_sync.load_settings()
    if args.library is not None:
        settings.library = str(args.library)
    with cli_sync.open_existing_library(settings) as library:
        (clip_id,) = resolve_clip_ids(library, [args.clip_id])
        if args.revert:
            names = set(args.revert)
            revert_clip(library, clip_id, None if "all" in names else [f for f, n in _OPTIONS.items() if n in names])
        edited = edit_clip(library, clip_id, changes) if changes else library.clip(clip_id).edited
        yours = ", ".join(_OPTIONS[EditField(name)] for name in edited) or "none: every field is the relay's"
        print(terminal_line(f"Edited {clip_id[:8]}; your fields: {yours}."), file=sys.stderr)
        return cli_sync.retag_files(library, settings, [clip_id])


def _changes(args: argparse.Namespace) -> dict[EditField, str]:
    changes = {field: getattr(args, name) for field, name in _OPTIONS.items() if getattr(args, name) is not None}
    if args.lyrics_file is not None:
        changes[EditField.LYRICS] = cli_sync.read_text_file(args.lyrics_file, "lyrics")
    return changes
