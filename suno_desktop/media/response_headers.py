"""Reading what a media server's answer says about itself, and saying it back in words."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..http_session import ALLOWED_SCHEMES

_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


def describe_url(url: str) -> str:
    """Host and path for messages and logs: no credentials, no query (signed URLs carry tokens)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:
        return "an invalid address"
    if parts.scheme.lower() in ALLOWED_SCHEMES:
        text = f"{host}{parts.path}"
    else:
        text = f"{parts.scheme}://{host}{parts.path}" if parts.scheme else (parts.path or url)
    return text if len(text) <= 100 else text[:97] + "..."


def parse_content_range(value: str) -> tuple[int, int, int | None] | None:
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    start, end, total = match.groups()
    if int(end) < int(start):
        return None
    return int(start), int(end), None if total == "*" else int(total)


def non_negative_int(value: str | None) -> int | None:
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number >= 0 else None


def format_size(size: int | None) -> str:
    if size is None:
        return "an unknown size"
    if size < 1000:
        return f"{size} bytes"
    value = float(size)
    unit = "kB"
    for unit in ("kB", "MB", "GB"):  # noqa: B007 - the unit the loop stops at is the answer
        value /= 1000
        if value < 1000:
            break
    return f"{value:.1f} {unit}"
