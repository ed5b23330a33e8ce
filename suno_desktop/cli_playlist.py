"""``suno-desktop playlist``: manual and smart playlists, and M3U8 lists out and in, without a window.

Playlists live in the library's database (:mod:`.library.playlists`); the window's sidebar
shows the same ones. An unknown playlist, a name taken or a query that does not parse is
one sentence on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import cli_sync
from .cli_listing import clip_json, print_json
from .cli_rate import resolve_clip_ids
from .library.m3u import entries_of, export_with_songs, match_entries, read_m3u, write_m3u8
from .library.playlists import Playlist, PlaylistError, Playlists, SmartOrder
from .library.store import Library
from .relay.relay_text import terminal_line
from .time_formats import format_duration


def add_playlist_command(commands: argparse._SubParsersAction, add_library_option) -> None:
    playlist = commands.add_parser(
        "playlist",
        help="manual and smart playlists; M3U8 lists out and in",
        description="Playlists of the library, by clip id: the window's sidebar shows the same ones.",
    )
    add_library_option(playlist)
    actions = playlist.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every playlist, with its number of songs")
    listing.add_argument("--json", action="store_true")
    actions.add_parser("new", help="a new, empty playlist").add_argument("name", metavar="NAME")
    for name, what in (("add", "add songs (at the end)"), ("remove", "take songs out (they stay in the library)")):
        action = actions.add_parser(name, help=what)
        action.add_argument("name", metavar="NAME")
        action.add_argument("clip_ids", nargs="+", metavar="CLIP_ID", help="ids or unique prefixes of 8+ characters")
    show = actions.add_parser("show", help="the songs in order (as list --json's objects with --json)")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true")
    smart = actions.add_parser("smart", help="a smart playlist: a saved query that follows the library")
    smart.add_argument("name", metavar="NAME")
    smart.add_argument("query", metavar="QUERY", help="the search box's language, e.g. 'rating:>=4 -is:extension'")
    smart.add_argument("--order", choices=[o.value for o in SmartOrder if o.value], help="how its songs are ordered")
    smart.add_argument("--limit", type=_positive, metavar="N", help="at most N songs (after the order)")
    export = actions.add_parser("export", help="write an M3U8 list (paths relative to it unless --absolute)")
    export.add_argument("name", metavar="NAME")
    export.add_argument("file", type=Path, metavar="FILE", help="the .m3u8 file (with --with-songs: a folder)")
    export.add_argument("--absolute", action="store_true", help="absolute paths")
    export.add_argument("--with-songs", action="store_true", help="copy the tagged MP3s and a relative list into FILE")
    imported = actions.add_parser("import", help="an M3U or M3U8 list as a playlist of the library's songs it names")
    imported.add_argument("file", type=Path, metavar="FILE")
    imported.add_argument("--name", metavar="NAME", help="the playlist's name (default: the file's)")
    rename = actions.add_parser("rename", help="rename a playlist")
    rename.add_argument("name", metavar="OLD")
    rename.add_argument("new_name", metavar="NEW")
    actions.add_parser("delete", help="delete a playlist (its songs stay in the library)").add_argument(
        "name", metavar="NAME"
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number, 1 or more")
    return value


def run_playlist(args: argparse.Namespace) -> int:
    settings = cli_sync.load_settings(with_token=False)
    if args.library is not None:
        settings.library = str(args.library)
    with cli_sync.open_existing_library(settings) as library:
        playlists = Playlists(library)
        if args.action == "list":
            return _list(playlists, as_json=args.json)
        if args.action == "new":
            made = playlists.create(args.name)
            return _said(f"Made the playlist {made.name!r}.")
        if args.action == "smart":
            order = SmartOrder(args.order) if args.order else SmartOrder.LIBRARY
            made = playlists.create_smart(args.name, args.query, order, args.limit)
            return _said(f"Made the smart playlist {made.name!r}: {len(playlists.songs(made))} song(s) match now.")
        if args.action == "import":
            return _import(library, playlists, args.file, args.name)
        playlist = playlists.named(args.name)
        if args.action in ("add", "remove"):
            return _add_or_remove(library, playlists, playlist, args.action, args.clip_ids)
        if args.action == "show":
            return _show(library, playlists, playlist, as_json=args.json)
        if args.action == "export":
            return _export(library, playlists, playlist, args, settings.artist)
        if args.action == "rename":
            renamed = playlists.rename(playlist, args.new_name)
            return _said(f"Renamed {playlist.name!r} to {renamed.name!r}.")
        playlists.delete(playlist)
        return _said(f"Deleted the playlist {playlist.name!r} (its songs stay in the library).")


def _said(sentence: str) -> int:
    print(terminal_line(sentence), file=sys.stderr)
    return cli_sync.EXIT_OK


def _list(playlists: Playlists, *, as_json: bool) -> int:
    counts = playlists.counts()
    rows = []
    for playlist in playlists.all():
        count = len(playlists.songs(playlist)) if playlist.is_smart else counts.get(playlist.playlist_id, 0)
        rows.append(
            {
                "name": playlist.name,
                "kind": playlist.kind.value,
                "songs": count,
                "query": playlist.query if playlist.is_smart else None,
                "order": (playlist.order.value or None) if playlist.is_smart else None,
                "limit": playlist.limit,
            }
        )
    if as_json:
        print_json(rows)
        return cli_sync.EXIT_OK
    for row in rows:
        smart = f"  smart: {row['query']}" if row["kind"] == "smart" else ""
        print(terminal_line(f"{row['songs']:>6}  {row['name']}{smart}"))
    print(f"{len(rows)} playlist(s)", file=sys.stderr)
    return cli_sync.EXIT_OK


def _add_or_remove(library: Library, playlists: Playlists, playlist: Playlist, action: str, names: list[str]) -> int:
    if playlist.is_smart:
        raise PlaylistError(f"{playlist.name!r} is a smart playlist: its songs follow its query ({playlist.query}).")
    clip_ids = resolve_clip_ids(library, names)
    if action == "add":
        added = playlists.add(playlist, clip_ids)
        already = len(clip_ids) - len(added)
        note = f" ({already} already in it)" if already else ""
        return _said(f"Added {len(added)} song(s) to {playlist.name!r}{note}.")
    removed = playlists.remove(playlist, clip_ids)
    return _said(f"Took {len(removed)} song(s) out of {playlist.name!r}; they stay in the library.")


def _show(library: Library, playlists: Playlists, playlist: Playlist, *, as_json: bool) -> int:
    records = playlists.songs(playlist)
    if as_json:
        root = str(library.root)
        print_json([clip_json(root, record) for record in records])
        return cli_sync.EXIT_OK
    for number, record in enumerate(records, start=1):
        duration = format_duration(record.duration) or "--:--"
        title = terminal_line(record.title or "Untitled")
        print(f"{number:>4}  {duration:>6}  {terminal_line(record.clip_id[:8])}  {title}")
    print(terminal_line(f"{len(records)} song(s) in {playlist.name!r}"), file=sys.stderr)
    return cli_sync.EXIT_OK


def _export(library: Library, playlists: Playlists, playlist: Playlist, args: argparse.Namespace, artist: str) -> int:
    records = playlists.songs(playlist)
    if args.with_songs:
        done = export_with_songs(library, records, args.file, playlist.name, artist=artist)
        missing = f"; {done.missing} song(s) have no file to copy" if done.missing else ""
        _said(f"{done.files.summary()} {done.playlist_file} lists them{missing}.")
        return cli_sync.EXIT_FAILED if done.files.failed else cli_sync.EXIT_OK
    entries, missing = entries_of(library, records, artist)
    write_m3u8(args.file, entries, absolute=args.absolute)
    left_out = f"; {missing} song(s) without a file were left out" if missing else ""
    return _said(f"Wrote {len(entries)} song(s) of {playlist.name!r} to {args.file}{left_out}.")


def _import(library: Library, playlists: Playlists, path: Path, name: str | None) -> int:
    try:
        entries = read_m3u(path)
    except OSError as exc:
        raise cli_sync.UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    match = match_entries(library, path, entries)
    if not match.clip_ids:
        raise cli_sync.UsageError(
            f"None of the {len(entries)} entries of {path} is a song of this library; no playlist was made."
        )
    playlist = playlists.create(name) if name is not None else playlists.create_free(path.stem)
    playlists.add(playlist, match.clip_ids)
    print(terminal_line(match.summary(len(entries))), file=sys.stderr)
    return _said(f"Made the playlist {playlist.name!r} of {len(match.clip_ids)} song(s).")
