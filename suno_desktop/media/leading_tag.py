"""A new file's tags, rendered by mutagen and written before its media as it downloads.

Tagging a finished MP3 makes mutagen move all of its audio back to make room for
the tag: every song is then written twice, and re-read from disk once the download
has let its pages go (see ``download_file``'s flush-behind). Instead the sync hands
:func:`id3_prefix` to ``download_file`` as its *prefix* and, once the body is
complete, :func:`finish_mp3` as its *before_commit*:

* the usual case, a body that starts with MPEG audio: mutagen reads the audio's
  first frames to check that it is MPEG audio, and nothing is rewritten;
* a body with an ID3 tag of its own (mutagen would read it as a second, stacked
  tag): our tag is deleted again with mutagen and :func:`~.tagging.write_id3_tags`
  merges the clip's frames into the body's tag, as for any existing file.

A new MP4 whose ``moov`` comes before its media (a "fast start" file, as Suno's
are) gets its tags the same way: ``download_file`` keeps the first
:data:`MP4_HEAD_BYTES` of the body in memory and hands them to :func:`mp4_head_with_tags`,
where mutagen tags that head as if it were the file: it grows the ``moov`` and moves
the chunk offsets along, and only the bytes of the head move. The rest of the media
streams to disk untouched, and the result is byte for byte what mutagen writes into
the finished file. A head without a whole ``moov`` (one after the media, or a huge
one) or a fragmented MP4 (whose fragments, later in the file, hold offsets too) is
left alone and tagged once complete.

The frames and items are :mod:`.tagging`'s, through its public rendering API; mutagen
renders, reads and deletes them. Only where the head's ``moov`` lies, and whether it
marks a fragmented file, is read here, from the box headers (:mod:`.mp4_boxes`).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import mutagen.id3
from mutagen import MutagenError
from mutagen.mp3 import MPEGInfo
from mutagen.mp4 import MP4

from ..model import Clip
from .mp4_boxes import find_box
from .tagging import (
    ROOM_FOR_EDITS,
    Cover,
    TaggingError,
    TagOptions,
    failure_reason,
    mp4_items,
    render_id3_tag,
    set_mp4_items,
    write_id3_tags,
)

log = logging.getLogger(__name__)

#: how much of a new MP4 is kept in memory to be tagged before it is written
MP4_HEAD_BYTES = 256 * 1024

ID3_MAGIC = b"ID3"  # what an ID3v2 tag starts with


def id3_prefix(clip: Clip, options: TagOptions, cover: Cover | None) -> bytes:
    """The tag :func:`~.tagging.write_id3_tags` would give a new file, as bytes, with ROOM_FOR_EDITS."""
    return render_id3_tag(clip, options, cover)


def finish_mp3(
    part: Path, prefix_size: int, clip: Clip, options: TagOptions, cover: Cover | None, *, name: str
) -> None:
    """Check the downloaded *part* (our tag, then the body) as an MP3; merge when the body had a tag.

    Raises :class:`~.tagging.TaggingError` (naming the file *name*) if it is no MP3.
    """
    try:
        with open(part, "rb") as audio:
            audio.seek(prefix_size)
            body_has_a_tag = audio.read(len(ID3_MAGIC)) == ID3_MAGIC
            if not body_has_a_tag:
                MPEGInfo(audio, prefix_size)  # is there MPEG audio behind our tag?
                return
        mutagen.id3.delete(part, delete_v1=False, delete_v2=True)  # ours: the first tag
        write_id3_tags(part, clip, options, cover, name=name)
    except (MutagenError, OSError) as exc:
        raise TaggingError(f"{name} could not be read as an MP3 file: {failure_reason(exc)}.", path=part) from exc


def mp4_head_with_tags(head: bytes, clip: Clip, options: TagOptions, cover: Cover | None) -> bytes | None:
    """*head*, the start of a new MP4, with the clip's tags in its ``moov``; None to tag the file later."""
    moov = find_box(head, b"moov")
    if moov is None or moov.end > len(head):
        return None  # after the media, or running on past the head
    if find_box(head, b"mvex", moov.body, moov.end) is not None:
        return None  # fragmented: fragments later in the file hold offsets too
    buffer = io.BytesIO(head)
    try:
        video = MP4(buffer)
    except (MutagenError, ValueError, EOFError) as exc:
        log.debug("MP4 head not taggable (%s): tagging the file once complete", exc)
        return None
    try:
        set_mp4_items(video, mp4_items(clip, options, cover))
        video.save(buffer, padding=lambda info: ROOM_FOR_EDITS)
    except (MutagenError, ValueError, EOFError) as exc:
        log.debug("MP4 head could not be tagged (%s): tagging the file once complete", exc)
        return None
    return buffer.getvalue()
