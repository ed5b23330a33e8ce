"""Playlists as M3U8 files: written for other players, phones and cars, and read back into the library.

Written the way Strawberry and Quod Libet read them: UTF-8 without a BOM, ``#EXTM3U``,
``#EXTINF:<seconds>,<artist> - <title>`` before each entry, paths relative to the playlist's
folder with forward slashes (absolute on request, or when no relative path exists: another
drive). Read back, an entry names a song of the library by its path (relative to the list,
absolute, written on Windows, then ignoring case) or else by the clip id in the file's tags;
nothing outside the library is ever added or copied.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..media.tagging import read_suno_ids
from ..model import ClipRecord
from .export import ExportReport, copy_without_clobbering
from .filenames import DEFAULT_TEMPLATE, render_stem
from .store import Library

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:(/|$)")
#: what M3U readers take for a comment or a directive at the start of a line
_LOOKS_LIKE_A_DIRECTIVE = "#"


@dataclass(frozen=True)
class M3uEntry:
    """One song of a list: its length, what a player shows for it, and its file."""

    seconds: int | None
    display: str
    path: Path


def entries_of(library: Library, records: Iterable[ClipRecord], artist: str) -> tuple[list[M3uEntry], int]:
    """The entries of *records* whose songs are on disk, and how many were left out (no file)."""
    entries, missing = [], 0
    for record in records:
        path = library.absolute(record.audio_path)
        if path is None or not path.is_file():
            missing += 1
            continue
        entries.append(entry_of(record, path, artist))
    return entries, missing


def entry_of(record: ClipRecord, path: Path, artist: str) -> M3uEntry:
    """*record*'s entry, its song at *path* (the library's file, or a copy of it)."""
    seconds = round(record.duration) if record.duration and record.duration > 0 else None
    title = record.title or "Untitled"
    return M3uEntry(seconds, f"{artist} - {title}" if artist else title, path)


def m3u8_text(entries: Sequence[M3uEntry], playlist_file: Path, *, absolute: bool = False) -> str:
    """The text of an M3U8 list at *playlist_file* (which need not exist yet)."""
    folder = Path(os.path.abspath(playlist_file)).parent
    lines = ["#EXTM3U"]
    for entry in entries:
        display = _CONTROL.sub(" ", entry.display).strip()  # a title's new line would start an entry of its own
        lines.append(f"#EXTINF:{entry.seconds if entry.seconds is not None else -1},{display}")
        lines.append(entry_path(entry.path, folder, absolute=absolute))
    return "\n".join(lines) + "\n"


def entry_path(path: Path, folder: Path, *, absolute: bool = False) -> str:
    """*path* as an entry of a list in *folder*: relative with forward slashes, unless asked or impossible."""
    target = os.path.abspath(path)
    if not absolute:
        try:
            relative = os.path.relpath(target, folder)
        except ValueError:  # another drive (Windows): no relative path leads there
            relative = None
        if relative is not None:
            relative = relative.replace(os.sep, "/")
            return f"./{relative}" if relative.startswith(_LOOKS_LIKE_A_DIRECTIVE) else relative
    return Path(target).as_posix()


def write_m3u8(target: Path, entries: Sequence[M3uEntry], *, absolute: bool = False) -> None:
    """Write the list through a temporary file: a full disk never leaves half a list under its name."""
    target = Path(target)
    text = m3u8_text(entries, target, absolute=absolute)
    if any(_CONTROL.search(line) for line in text.splitlines()):
        raise OSError("a song's path holds a control character that an M3U8 list cannot carry")
    partial = target.with_name(f".{target.name}.part")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@dataclass
class SongsExport:
    """What Export with Songs did: the copies, and the list written beside them."""

    playlist_file: Path
    files: ExportReport = field(default_factory=ExportReport)
    missing: int = 0  # songs of the playlist with no file to copy


def export_with_songs(
    library: Library,
    records: Sequence[ClipRecord],
    folder: Path,
    name: str,
    *,
    artist: str,
    template: str = DEFAULT_TEMPLATE,
) -> SongsExport:
    """Copy the songs' tagged MP3s into *folder* (never overwriting a different file) and a relative M3U8 of them."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = SongsExport(folder / f"{safe_file_name(name)}.m3u8")
    entries = []
    for record in records:
        source = library.absolute(record.audio_path)
        if source is None or not source.is_file():
            result.missing += 1
            continue
        stem = render_stem(template, record.to_clip(), artist=artist)
        try:
            copy, copied = copy_without_clobbering(source, folder / f"{stem}{source.suffix.lower()}")
        except OSError as exc:
            result.files.failed[str(source)] = exc.strerror or str(exc)
            continue
        (result.files.copied if copied else result.files.unchanged).append(copy)
        entries.append(entry_of(record, copy, artist))
    write_m3u8(result.playlist_file, entries)
    return result


def safe_file_name(name: str) -> str:
    """A playlist's name as a file name on every system (no separators, reserved characters or control characters)."""
    cleaned = re.sub(r'[<>:"/\\|?*]', "_", _CONTROL.sub(" ", name)).strip(" .")
    return cleaned[:120] or "Playlist"


# -- in -------------------------------------------------------------------------------------------


def read_m3u(path: Path) -> list[str]:
    """The entries of an M3U or M3U8 list, in order (directives, comments and blank lines left out).

    UTF-8 (a BOM is allowed); an old ``.m3u`` that is not UTF-8 is read as Latin-1.
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@dataclass
class ImportMatch:
    clip_ids: list[str] = field(default_factory=list)  # the library's songs the entries name, in order (once each)
    unmatched: list[str] = field(default_factory=list)  # the entries that name none

    def summary(self, total: int) -> str:
        if not self.unmatched:
            return f"All {total} entries are songs of this library."
        return f"{len(self.unmatched)} of {total} entries are not in this library."


class _LibraryFiles:
    """The library's songs by their files' paths relative to its folder (as written, and folded for case)."""

    def __init__(self, library: Library) -> None:
        self.root = Path(os.path.abspath(library.root))
        self.by_path: dict[str, str] = {}
        self.by_folded: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.clip_ids: set[str] = set()
        for record in library.clips(lyrics=False):
            self.clip_ids.add(record.clip_id)
            if record.audio_path:
                relative = record.audio_path.replace("\\", "/")
                self.by_path[relative] = record.clip_id
                self.by_folded.setdefault(relative.casefold(), []).append(record.clip_id)
                self.by_name.setdefault(relative.rsplit("/", 1)[-1].casefold(), []).append(record.clip_id)

    def relative(self, absolute: str) -> str | None:
        """*absolute* relative to the library's folder, with forward slashes; None when outside it."""
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:
            return None
        relative = relative.replace(os.sep, "/")
        return None if relative == ".." or relative.startswith("../") else relative


def match_entries(library: Library, playlist_file: Path, entries: Sequence[str]) -> ImportMatch:
    """Which songs of the library *entries* (read from *playlist_file*) name; see the module's doc."""
    files = _LibraryFiles(library)
    folder = os.path.dirname(os.path.abspath(playlist_file))
    match = ImportMatch()
    seen: set[str] = set()
    for entry in entries:
        clip_id = _match_one(files, folder, entry)
        if clip_id is None:
            match.unmatched.append(entry)
        elif clip_id not in seen:
            seen.add(clip_id)
            match.clip_ids.append(clip_id)
    return match


def _match_one(files: _LibraryFiles, folder: str, entry: str) -> str | None:
    written = _entry_as_path(entry)
    if written is None:
        return None  # a stream URL or the like: not a song of this library
    windows = bool(_WINDOWS_DRIVE.match(written))
    on_disk = None
    if not windows:
        on_disk = os.path.normpath(written if written.startswith("/") else os.path.join(folder, written))
        relative = files.relative(on_disk)
        if relative is not None and relative in files.by_path:
            return files.by_path[relative]
    parts = [p for p in written.split("/") if p not in ("", ".")]
    if windows:
        parts = parts[1:]  # the drive letter
    for start in range(len(parts)):  # the longest tail of the entry that is a file of the library
        tail = "/".join(parts[start:])
        if tail in files.by_path:
            return files.by_path[tail]
        folded = files.by_folded.get(tail.casefold(), [])
        if len(folded) == 1:
            return folded[0]
        if start == len(parts) - 1:
            named = files.by_name.get(tail.casefold(), [])
            if len(named) == 1:
                return named[0]
    if on_disk is not None and os.path.isfile(on_disk):
        ids = read_suno_ids(Path(on_disk))  # a copy elsewhere (Export with Songs) still carries its clip id
        if ids is not None and ids.clip_id in files.clip_ids:
            return ids.clip_id
    return None


def _entry_as_path(entry: str) -> str | None:
    """An entry as a path with forward slashes (``file://`` URIs decoded); None for a URL of another kind."""
    entry = entry.strip()
    scheme = urlsplit(entry).scheme.lower()
    if scheme == "file":
        path = unquote(urlsplit(entry).path)
        if re.match(r"^/[A-Za-z]:/", path):
            path = path[1:]  # file:///C:/Music/x.mp3
        return path
    if len(scheme) > 1:  # http:, https:, … (a single letter is a Windows drive)
        return None
    return entry.replace("\\", "/")
