"""Writing a clip's metadata into its MP3 (ID3) and MP4 files.

Players, phones and other library managers only see what is inside the file,
so title, style tags, lyrics, prompt, cover and the Suno ids are written there.
The ids also let the library recognise a file after the user renamed or moved it
(:func:`read_clip_id`).

Rewriting is idempotent: the desired tag is serialised in memory under the
target ID3 version and read back, so it compares like-for-like with the file's
tag (ID3v2.3 turns TDRC into TYER/TDAT and changes text encodings); a file that
already carries exactly these values is not touched, which keeps its mtime and
spares backups and sync tools a rewrite of every song on every run. Frames this
module does not own (a user's TRCK, a COMM with another description, a back
cover, another player's POPM rating, REPLAYGAIN_* values) are kept. The rating's
frames and atom are :mod:`.rating_tags`'s.

A new download is tagged before it is written (:mod:`.leading_tag`) with the same
frames and items, through the public rendering API: :func:`render_id3_tag`,
:func:`mp4_items` with :func:`set_mp4_items`, and :func:`failure_reason`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    COMM,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLEN,
    TPE1,
    TXXX,
    USLT,
    WOAS,
    Encoding,
    Frame,
    ID3NoHeaderError,
    PictureType,
)
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, AtomDataType, MP4Cover, MP4FreeForm

from ..errors import ErrorKind, SunoError
from ..model import Clip
from .images import SNIFF_BYTES, sniff_image_type
from .rating_tags import owns_rating_frame, popm_fingerprint, rating_id3_frames, rating_mp4_items

log = logging.getLogger(__name__)

CLIP_ID_DESC = "SUNO_CLIP_ID"
TASK_ID_DESC = "SUNO_TASK_ID"
MODEL_DESC = "SUNO_MODEL"
PARENT_ID_DESC = "SUNO_PARENT_ID"  # the clip this one was made from (an extension's, a cover's …)
COVER_DESC = "Cover"
MP4_CLIP_ID = "----:com.sunodesktop:clip_id"
MP4_TASK_ID = "----:com.sunodesktop:task_id"
#: padding in a new MP3's tag: a later, longer title fits without moving the audio;
#: below mutagen's default limit for padding (10 KiB + 1% of the audio), so it is kept
ROOM_FOR_EDITS = 4096
MAX_COVER_BYTES = 16 * 1024 * 1024  # a bigger "cover" is a mistake, not something to copy into every song

_OWNED_ID3_TEXT = frozenset({"TIT2", "TPE1", "TALB", "TCON", "TDRC", "TLEN", "WOAS"})
_OWNED_TXXX = frozenset({CLIP_ID_DESC, TASK_ID_DESC, MODEL_DESC, PARENT_ID_DESC})
_MP4_COVER_FORMATS = {"image/jpeg": MP4Cover.FORMAT_JPEG, "image/png": MP4Cover.FORMAT_PNG}
_MP4_SUFFIXES = frozenset({".mp4", ".m4a", ".m4v", ".mov"})

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_SECTION_MARKERS = re.compile(r"\[[^\]\n]*\]")  # Suno's [Verse], [Chorus]: English whatever the song


@dataclass(frozen=True)
class TagOptions:
    id3_version: int = 3  # 3 (what Windows Explorer and most car stereos read) or 4
    artist: str = "Suno"
    album: str = "Suno"
    lyrics_language: str = "auto"  # "auto" or an ISO-639-2 code such as "eng"


@dataclass(frozen=True)
class Cover:
    data: bytes = field(repr=False)
    mime: str

    @cached_property
    def sha1(self) -> str:
        """Hex SHA-1 of the image, computed once per cover (it is compared for every file)."""
        return hashlib.sha1(self.data).hexdigest()


class _MP4Cover(MP4Cover):
    """An MP4Cover with a short repr. mutagen sorts the items by ``repr()`` on every
    save (twice per item); the stock repr escapes the whole image, 0.3 ms for a 60 kB
    PNG. "covr" is the only item of its rank, so the order written is the same."""

    def __init__(self, data: bytes, imageformat: int = MP4Cover.FORMAT_JPEG, *, sha1: str | None = None) -> None:
        super().__init__(data, imageformat)
        self.sha1 = sha1 or hashlib.sha1(self).hexdigest()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self)} bytes, sha1 {self.sha1}>, {AtomDataType(self.imageformat)!r})"


class TaggingError(SunoError):
    """Tags could not be read or written; ``message`` is one sentence for a person."""

    kind = ErrorKind.TAGGING

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


# --------------------------------------------------------------------------- covers and languages


def load_cover(path: Path | None) -> Cover | None:
    """The image at *path* with its real MIME type, or None if missing, unreadable or not an image."""
    if path is None:
        return None
    try:
        path = Path(path)
        if path.stat().st_size > MAX_COVER_BYTES:
            log.warning("cover %s is larger than %d bytes; not embedding it", path, MAX_COVER_BYTES)
            return None
        data = path.read_bytes()
    except OSError:
        return None
    sniffed = sniff_image_type(data[:SNIFF_BYTES])
    if sniffed is None:
        return None
    return Cover(data=data, mime=sniffed[0])


_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("kor", ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xD7B0, 0xD7FF))),
    ("kana", ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))),
    ("han", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))),
    ("rus", ((0x0400, 0x052F), (0x1C80, 0x1C8F))),
    ("ara", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("gre", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("heb", ((0x0590, 0x05FF),)),
    ("tha", ((0x0E00, 0x0E7F),)),
    ("hin", ((0x0900, 0x097F),)),
)
_WIDE_SCRIPTS = frozenset({"kor", "kana", "han"})  # one character carries a syllable or a word


def _script_of(char: str) -> str | None:
    code = ord(char)
    for name, ranges in _SCRIPTS:
        for low, high in ranges:
            if low <= code <= high:
                return name
    if char.isalpha() and (code < 0x250 or 0x1E00 <= code <= 0x1EFF):
        return "latin"
    return None


def guess_lyrics_language(text: str) -> str:
    """An ISO-639-2 code guessed from the dominant script; "eng" for Latin script or nothing.

    Only the script is looked at, so Spanish lyrics are "eng" too; that is still a
    valid code, which players need far more than a precise one.
    """
    if not text or text.isascii():  # ASCII can only be Latin script; most lyrics end here
        return "eng"
    counts: dict[str, float] = {}
    for char, times in Counter(_SECTION_MARKERS.sub(" ", text)).items():  # each distinct character once
        script = _script_of(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + times * (2 if script in _WIDE_SCRIPTS else 1)
    kana, han = counts.pop("kana", 0), counts.pop("han", 0)
    if kana and kana >= 0.05 * (kana + han):  # Chinese never uses kana; Japanese always does
        counts["jpn"] = kana + han
    elif han:
        counts["chi"] = han
    if not counts:
        return "eng"
    best = max(counts, key=lambda name: counts[name])
    return "eng" if best == "latin" else best


def _lyrics_language(options: TagOptions, text: str) -> str:
    code = (options.lyrics_language or "").strip().lower()
    if len(code) == 3 and code.isascii() and code.isalpha() and code != "xxx":
        return code
    return guess_lyrics_language(text)


# --------------------------------------------------------------------------- text hygiene


def _clean(text: str | None, *, multiline: bool = False) -> str:
    """Text safe for any tag: no NULs or control characters, no lone surrogates."""
    if not text:
        return ""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = _LINE_BREAKS.sub(" ", text)
    return text.strip()


def _date(clip: Clip) -> str:
    if clip.created_at is None:
        return ""
    moment = clip.created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _web_url(url: str) -> str:
    """*url* if it is http(s), percent-encoded to fit a Latin-1 URL frame; else ""."""
    url = _clean(url)
    try:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return ""
    except ValueError:
        return ""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


# --------------------------------------------------------------------------- ID3


def _id3_frames(clip: Clip, options: TagOptions, cover: Cover | None, version: int) -> list[Frame]:
    encoding = Encoding.UTF16 if version == 3 else Encoding.UTF8
    lyrics = _clean(clip.lyrics, multiline=True)
    description = _clean(clip.description, multiline=True)
    language = _lyrics_language(options, lyrics or description)
    frames: list[Frame] = []

    def text(frame_type: type, value: str) -> None:
        if value:
            frames.append(frame_type(encoding=encoding, text=[value]))

    def user_text(desc: str, value: str) -> None:
        if value:
            frames.append(TXXX(encoding=encoding, desc=desc, text=[value]))

    text(TIT2, _clean(clip.title))
    text(TPE1, _clean(options.artist))
    text(TALB, _clean(options.album))
    text(TCON, _clean(clip.tags))
    text(TDRC, _date(clip))
    if clip.duration and clip.duration > 0:
        text(TLEN, str(round(clip.duration * 1000)))
    if lyrics:
        frames.append(USLT(encoding=encoding, lang=language, desc="", text=lyrics))
    if description:
        frames.append(COMM(encoding=encoding, lang=language, desc="", text=[description]))
    if cover is not None:
        frames.append(
            APIC(encoding=encoding, mime=cover.mime, type=PictureType.COVER_FRONT, desc=COVER_DESC, data=cover.data)
        )
    user_text(CLIP_ID_DESC, _clean(clip.clip_id))
    user_text(TASK_ID_DESC, _clean(clip.task_id))
    user_text(MODEL_DESC, _clean(clip.model))
    user_text(PARENT_ID_DESC, _clean(clip.parent_clip_id or ""))
    url = _web_url(clip.audio_url)
    if url:
        frames.append(WOAS(url=url))
    frames.extend(rating_id3_frames(clip.rating, encoding))
    return frames


def _owns_id3_frame(frame: Frame, with_cover: bool) -> bool:
    frame_id = frame.FrameID
    if frame_id in _OWNED_ID3_TEXT:
        return True
    if frame_id in ("USLT", "COMM"):
        return frame.desc == ""
    if frame_id == "TXXX":
        return frame.desc in _OWNED_TXXX or owns_rating_frame(frame)
    if frame_id == "POPM":
        return owns_rating_frame(frame)
    if frame_id == "APIC":
        return with_cover and frame.type == PictureType.COVER_FRONT
    return False


def _id3_fingerprint(frames: Iterable[Frame], with_cover: bool) -> list[tuple[Any, ...]]:
    """What matters about the frames this module owns, ignoring text encodings."""
    prints: list[tuple[Any, ...]] = []
    for frame in frames:
        if not _owns_id3_frame(frame, with_cover):
            continue
        frame_id = frame.FrameID
        if frame_id in ("USLT", "COMM"):
            body: tuple[Any, ...] = (frame.lang, frame.desc, str(frame))
        elif frame_id == "TXXX":
            body = (frame.desc, tuple(str(value) for value in frame.text))
        elif frame_id == "APIC":
            body = (int(frame.type), frame.mime, frame.desc, hashlib.sha1(frame.data).hexdigest())
        elif frame_id == "WOAS":
            body = (frame.url,)
        elif frame_id == "POPM":
            body = popm_fingerprint(frame)
        else:
            body = tuple(str(value) for value in frame.text)
        prints.append((frame_id, *body))
    return sorted(prints, key=repr)


def _as_written(frames: list[Frame], version: int) -> ID3:
    """*frames* after a save-and-load under *version*, i.e. as a reader of the file would see them."""
    tag = ID3()
    for frame in frames:
        tag.add(frame)
    if version == 3:
        tag.update_to_v23()
    buffer = io.BytesIO()
    tag.save(buffer, v2_version=version, padding=lambda info: 0)
    buffer.seek(0)
    return ID3(buffer)


def _replace_owned_frames(tags: ID3, desired: list[Frame], with_cover: bool, version: int) -> None:
    for key, frame in list(tags.items()):
        if _owns_id3_frame(frame, with_cover):
            del tags[key]
    for frame in desired:
        tags.add(frame)
    if version == 3:
        tags.update_to_v23()


def _room_for_edits(info: object) -> int:
    return ROOM_FOR_EDITS


def id3_version(options: TagOptions) -> int:
    """The ID3v2 minor version the options ask for: 4, else 3 (what most players read)."""
    return 4 if options.id3_version == 4 else 3


def render_id3_tag(clip: Clip, options: TagOptions, cover: Cover | None) -> bytes:
    """The tag :func:`write_id3_tags` gives a file without one, as bytes with ROOM_FOR_EDITS of padding.

    A new MP3 starts with these bytes, so it never has to be rewritten to make room for its tag.
    """
    version = id3_version(options)
    tags = ID3()
    _replace_owned_frames(tags, _id3_frames(clip, options, cover, version), cover is not None, version)
    buffer = io.BytesIO()
    tags.save(buffer, v2_version=version, padding=_room_for_edits)
    return buffer.getvalue()


def write_id3_tags(
    path: Path, clip: Clip, options: TagOptions, cover: Cover | None = None, *, name: str | None = None
) -> bool:
    """Write the clip's ID3 tag; True if the file was rewritten, False if it already matched.

    ``cover=None`` leaves any embedded front cover alone. *name* is the file's name in
    error messages when *path* is a download's temporary file: a new download is tagged
    as its ``.part`` file, before it gets its name (``download_file``'s *before_commit*).
    A new tag gets ROOM_FOR_EDITS of padding.
    """
    path = Path(path)
    name = name or path.name
    version = id3_version(options)
    try:
        audio = MP3(path)
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"{name} could not be read as an MP3 file: {failure_reason(exc)}.", path=path) from exc
    with_cover = cover is not None
    desired = _id3_frames(clip, options, cover, version)
    tags = audio.tags
    try:
        owned = tags is not None and any(_owns_id3_frame(frame, with_cover) for frame in tags.values())
        if owned and tuple(tags.version[:2]) == (2, version):  # a new file's empty tag cannot match
            wanted = _id3_fingerprint(_as_written(desired, version).values(), with_cover)
            if wanted == _id3_fingerprint(tags.values(), with_cover):
                return False
        padding = None
        if tags is None:
            audio.add_tags()
            tags = audio.tags
            padding = _room_for_edits
        _replace_owned_frames(tags, desired, with_cover, version)
        audio.save(v2_version=version, padding=padding)
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"The tags of {name} could not be written: {failure_reason(exc)}.", path=path) from exc
    log.debug("wrote ID3v2.%d tags to %s", version, path)
    return True


# --------------------------------------------------------------------------- MP4


def mp4_items(clip: Clip, options: TagOptions, cover: Cover | None) -> dict[str, list[Any] | None]:
    """The value of each item (atom) this module owns for the clip; None means "remove it"."""

    def text(value: str) -> list[Any] | None:
        return [value] if value else None

    def freeform(value: str) -> list[Any] | None:
        return [MP4FreeForm(value.encode("utf-8"), dataformat=AtomDataType.UTF8)] if value else None

    items: dict[str, list[Any] | None] = {
        "\xa9nam": text(_clean(clip.title)),
        "\xa9ART": text(_clean(options.artist)),
        "\xa9alb": text(_clean(options.album)),
        "\xa9gen": text(_clean(clip.tags)),
        "\xa9lyr": text(_clean(clip.lyrics, multiline=True)),
        "\xa9day": text(_date(clip)),
        "\xa9cmt": text(_clean(clip.description, multiline=True)),
        MP4_CLIP_ID: freeform(_clean(clip.clip_id)),
        MP4_TASK_ID: freeform(_clean(clip.task_id)),
        **rating_mp4_items(clip.rating),
    }
    if cover is not None:
        image_format = _MP4_COVER_FORMATS.get(cover.mime)
        if image_format is None:
            log.info("MP4 files cannot embed a %s cover; leaving the cover as it is", cover.mime)
        else:
            items["covr"] = [_MP4Cover(cover.data, imageformat=image_format, sha1=cover.sha1)]
    return items


def _mp4_fingerprint(values: list[Any] | None) -> tuple[Any, ...] | None:
    if not values:
        return None
    prints: list[Any] = []
    for value in values:
        if isinstance(value, _MP4Cover):
            prints.append(("cover", int(value.imageformat), value.sha1))
        elif isinstance(value, MP4Cover):
            prints.append(("cover", int(value.imageformat), hashlib.sha1(value).hexdigest()))
        elif isinstance(value, MP4FreeForm):
            prints.append(("freeform", int(value.dataformat), bytes(value)))
        else:
            prints.append(("text", str(value)))
    return tuple(prints)


def set_mp4_items(video: MP4, items: dict[str, list[Any] | None]) -> None:
    """Put *items* (see :func:`mp4_items`) into *video*'s tags in memory; the caller saves."""
    if video.tags is None:
        video.add_tags()
    for key, value in items.items():
        if value is None:
            video.tags.pop(key, None)
        else:
            video.tags[key] = value


def write_mp4_tags(
    path: Path, clip: Clip, options: TagOptions, cover: Cover | None = None, *, name: str | None = None
) -> bool:
    """Write the clip's MP4 metadata atoms; True if the file was rewritten, False if it already matched."""
    path = Path(path)
    name = name or path.name
    try:
        video = MP4(path)
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"{name} could not be read as an MP4 file: {failure_reason(exc)}.", path=path) from exc
    items = mp4_items(clip, options, cover)
    tags = video.tags
    current = {key: _mp4_fingerprint(tags.get(key) if tags is not None else None) for key in items}
    if all(current[key] == _mp4_fingerprint(value) for key, value in items.items()):
        return False
    try:
        set_mp4_items(video, items)
        video.save()
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"The tags of {name} could not be written: {failure_reason(exc)}.", path=path) from exc
    log.debug("wrote MP4 tags to %s", path)
    return True


# --------------------------------------------------------------------------- reading back


@dataclass(frozen=True, slots=True)
class SunoIds:
    """The clip and task ids this app wrote into a file: enough to find the song on the relay again."""

    clip_id: str
    task_id: str


def read_clip_id(path: Path) -> str | None:
    """The Suno clip id this app wrote into *path*; None for anything else. Never raises."""
    ids = read_suno_ids(path)
    return ids.clip_id if ids else None


def read_suno_ids(path: Path) -> SunoIds | None:
    """The clip and task ids this app wrote into *path* (the task id may be ""); None without a clip id.

    Never raises: a file that is not an MP3 or MP4, or whose tags cannot be read, has no ids.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in _MP4_SUFFIXES:
            return _mp4_ids(path)
        if path.suffix.lower() == ".mp3":
            return _id3_ids(path)
        return _id3_ids(path) or _mp4_ids(path)
    except Exception:
        log.debug("no clip id readable from %s", path, exc_info=True)
        return None


def _first_text(values: Iterable[Any]) -> str:
    for value in values:
        text = (bytes(value).decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).strip()
        if text:
            return text
    return ""


def _id3_ids(path: Path) -> SunoIds | None:
    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        return None
    clip_id = _first_text(v for frame in tags.getall(f"TXXX:{CLIP_ID_DESC}") for v in frame.text)
    task_id = _first_text(v for frame in tags.getall(f"TXXX:{TASK_ID_DESC}") for v in frame.text)
    return SunoIds(clip_id, task_id) if clip_id else None


def _mp4_ids(path: Path) -> SunoIds | None:
    tags = MP4(path).tags
    if tags is None:
        return None
    clip_id = _first_text(tags.get(MP4_CLIP_ID, []))
    return SunoIds(clip_id, _first_text(tags.get(MP4_TASK_ID, []))) if clip_id else None


def failure_reason(exc: BaseException) -> str:
    """Why mutagen or the disk failed, as the end of a sentence for a person (no trailing full stop)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip().rstrip(".")
    return text or type(exc).__name__
