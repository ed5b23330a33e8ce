"""Telling what kind of image a blob really is.

Cover URLs lie: the relay's ``image_large_url`` often ends in ``.jpeg`` while the
CDN serves a PNG or WebP. The file suffix on disk and the MIME type embedded in
tags must describe the real bytes, so the magic number decides and the
``Content-Type`` header is only a fallback.
"""

from __future__ import annotations

#: bytes needed to recognise every format below
SNIFF_BYTES = 16

_MIME_SUFFIX = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "image/avif": ".avif",
    "image/bmp": ".bmp",
}

_MIME_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/x-ms-bmp": "image/bmp",
}


def image_type_from_magic(data: bytes) -> str | None:
    """The MIME type the first bytes of *data* say, or None when they are no image format known here."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "image/avif"
    return None


def _mime_from_header(content_type: str) -> str | None:
    mime = content_type.split(";", 1)[0].strip().lower()
    mime = _MIME_ALIASES.get(mime, mime)
    return mime if mime in _MIME_SUFFIX else None


def sniff_image_type(first_bytes: bytes, content_type: str = "") -> tuple[str, str] | None:
    """``(mime, suffix)`` such as ``("image/png", ".png")``, or None if nothing says "image".

    *first_bytes* needs at least :data:`SNIFF_BYTES` bytes of the file for every
    format to be recognised; *content_type* is the server's header, used only
    when the bytes are not a known image format.
    """
    mime = image_type_from_magic(bytes(first_bytes[:SNIFF_BYTES])) or _mime_from_header(content_type or "")
    if mime is None:
        return None
    return mime, _MIME_SUFFIX[mime]
