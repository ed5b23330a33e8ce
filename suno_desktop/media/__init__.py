"""Media files: downloading them safely, telling what they are, tagging them."""

from .download import (
    DownloadCancelled,
    DownloadError,
    DownloadResult,
    UnsafeURL,
    download_file,
    make_media_session,
)
from .images import sniff_image_type
from .tagging import (
    Cover,
    TaggingError,
    TagOptions,
    guess_lyrics_language,
    load_cover,
    read_clip_id,
    write_id3_tags,
    write_mp4_tags,
)

__all__ = [
    "Cover",
    "DownloadCancelled",
    "DownloadError",
    "DownloadResult",
    "TagOptions",
    "TaggingError",
    "UnsafeURL",
    "download_file",
    "guess_lyrics_language",
    "load_cover",
    "make_media_session",
    "read_clip_id",
    "sniff_image_type",
    "write_id3_tags",
    "write_mp4_tags",
]
