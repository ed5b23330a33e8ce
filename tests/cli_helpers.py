"""The command-line arguments the CLI tests share: the library and the local relay, polled quickly."""

from __future__ import annotations


def relay_args(relay, library, *extra):
    """The library and the local relay (quick polls), for any command that talks to it."""
    return [
        "--library",
        str(library),
        "--base-url",
        relay.api_url,
        "--token",
        "test-token",
        "--poll-interval",
        "0.01",
        *extra,
    ]


def sync_args(relay, library, *extra):
    return ["sync", *relay_args(relay, library, *extra)]
