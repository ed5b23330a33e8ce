"""What a relay URL says about the token's journey: sent in the clear, or not."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def unencrypted_warning(base_url: str) -> str | None:
    """A sentence when the token would travel unencrypted (plain http:// to a host beyond this machine), else None."""
    try:
        parts = urlsplit((base_url or "").strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "http" or not host or _is_loopback(host):
        return None
    return (
        f"The relay URL uses plain http://, so the token travels unencrypted to {host}: "
        "use https:// if the relay offers it."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
