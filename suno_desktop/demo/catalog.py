"""The demo library: a local relay preloaded with a handful of pleasant tasks.

``suno-desktop --demo`` (and the GUI's demo mode) use it so the whole app can be
tried without an account or a network: the flat and nested clip shapes, JPEG and PNG covers, a
lyrics-only task, a task that finishes while you watch and one that failed. Songs and
lyrics created in the demo take :data:`DEMO_GENERATION_SECONDS` to generate.
"""

from __future__ import annotations

import time
from typing import Any

from .relay_server import LocalRelay

DAY = 24 * 60 * 60
#: how long a song or lyrics created in the demo take: long enough to watch them being generated
DEMO_GENERATION_SECONDS = 8.0


#: the demo's tasks in the order the library adds them: which kind, and the arguments of
#: ``add_music_task``/``add_lyrics_task``, with "age" (seconds before now) standing for "created"
DEMO_TASKS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "music",
        {
            "shape": "flat",
            "title": "City Lights",
            "tags": "emotional punk",
            "model": "chirp-v4",
            "age": 6 * DAY,
        },
    ),
    (
        "music",
        {
            "shape": "nested",
            "title": "Electric Dance Party",
            "tags": "club banger high-energy edm",
            "description": "an upbeat dance track about a night out",
            "lyrics": (
                "[Verse]\nEverybody in the place\nLet's go\nJump and dance\nFeel the rhythm\n\n"
                "[Chorus]\nHands up in the air\nIt's time to show\nMove your body like you're on a roll"
            ),
            "model": "chirp-v3",
            "cover": "png",
            "age": 5 * DAY,
        },
    ),
    (
        "music",
        {
            "shape": "nested",
            "title": "Harbour at Dawn",
            "tags": "acoustic folk, warm, fingerpicked guitar",
            "lyrics": (
                "[Verse]\nGulls above the water\nNets upon the quay\nThe morning finds the harbour\n"
                "Still waiting up for me\n\n[Chorus]\nRow me home, row me home\nWhere the lanterns glow"
            ),
            "model": "chirp-v3-5",
            "video": False,
            "age": 4 * DAY,
        },
    ),
    (
        "music",
        {
            "shape": "flat",
            "title": "Paper Satellites",
            "tags": "dream pop, shimmering synths, female vocals",
            "lyrics": (
                "[Verse]\nWe folded our wishes\nInto paper satellites\nThrew them at the ceiling\n"
                "Hoping they would fly\n\n[Chorus]\nOrbit me slowly\nAround the kitchen light"
            ),
            "model": "chirp-v4",
            "cover": "png",
            "age": 3 * DAY,
        },
    ),
    (
        "music",
        {
            "shape": "flat",
            "clips": 1,
            "title": "Northern Lines",
            "tags": "ambient piano, instrumental, calm",
            "lyrics": "[Instrumental]",
            "model": "chirp-v3",
            "video": False,
            "age": 2 * DAY,
        },
    ),
    (
        "music",
        {
            "shape": "nested",
            "title": "Slow Tide",
            "tags": "lofi hip hop, chill, rainy evening",
            "description": "a chill lofi beat for a rainy evening",
            "lyrics": "[Verse]\nRain on the window\nTea going cold\nThe city hums softly\nA story retold",
            "model": "chirp-v3-5",
            "polls_until_success": 2,
            "age": DAY,
        },
    ),
    (
        "lyrics",
        {
            "title": "Lantern Song",
            "text": (
                "[Verse]\nCarry a lantern down to the shore\nLight it for someone who isn't there anymore\n\n"
                "[Chorus]\nBurn bright, burn low\nShow me the way that the tide wants to go"
            ),
        },
    ),
    (
        "music",
        {
            "shape": "nested",
            "title": "Midnight Arcade",
            "tags": "synthwave, retro",
            "model": "chirp-v4",
            "final_status": "FAILURE",
            "fail_reason": "The lyrics were flagged by Suno's content filter; edit them and create the song again.",
            "age": 12 * 60 * 60,
        },
    ),
)


def start_demo_relay(token: str = "demo-token") -> tuple[LocalRelay, list[str]]:
    """Start a demo relay; returns it and the task ids the demo library should add.

    The caller stops the relay (``relay.stop()``) when the demo ends.
    """
    relay = LocalRelay(token=token, generation_seconds=DEMO_GENERATION_SECONDS).start()
    try:
        return relay, _add_demo_tasks(relay)
    except Exception:
        relay.stop()
        raise


def _add_demo_tasks(relay: LocalRelay) -> list[str]:
    now = time.time()
    ids = []
    for kind, arguments in DEMO_TASKS:
        arguments = dict(arguments)
        if "age" in arguments:
            arguments["created"] = now - arguments.pop("age")
        add = relay.add_lyrics_task if kind == "lyrics" else relay.add_music_task
        ids.append(add(**arguments))
    return ids
