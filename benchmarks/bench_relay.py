"""The benchmark's server process: a LocalRelay and its MediaServer, preloaded with clips.

Run by ``sync_bench.py`` as a child process so that serving (JSON rendering,
HTTP parsing, sendfile) does not compete with the sync for the benchmark's GIL.

    python benchmarks/bench_relay.py --clips 1000 [--pending 0.1] [--audio-repeat 1] [--token T]

Protocol, one JSON object per line:

* on start it prints ``{"api_url", "token", "task_ids", "media_urls", "tasks", "clips"}``
  on stdout (``media_urls`` are the URLs a sync downloads: audio, cover, video);
* then it reads commands from stdin and answers each with one line:
  ``stats`` → ``{"api_requests": n, "media_requests": n, "cpu_seconds": s}``
  (request counts since the last ``reset``; CPU time of this process since it started); ``reset`` → ``{"ok": true}``;
  ``quit`` (or EOF) → ``{"ok": true}`` and the process stops.

Nothing is added to the product's relay routes: the control channel is the pipe.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from suno_desktop.demo.relay_server import SONG_FILES, LocalRelay  # noqa: E402

DAY = 24 * 60 * 60
TITLES = (
    "City Lights", "Harbour at Dawn", "Paper Satellites", "Slow Tide", "Northern Lines",
    "Electric Dance Party", "Lantern Song", "Midnight Arcade", "Glass Orchard", "Copper Rain",
)  # fmt: skip
TAGS = ("emotional punk", "dream pop, shimmering synths", "lofi hip hop, chill", "acoustic folk")


def build(relay: LocalRelay, clips: int, pending: float, audio_repeat: int = 1) -> tuple[list[str], list[str]]:
    """Add tasks of 2 clips (a last task of 1 if *clips* is odd); returns task ids and media URLs.

    With *audio_repeat* > 1 each MP3 is a bundled song repeated that many times (still
    a valid MP3: the bundled songs carry no ID3 tag), for songs of a realistic size.
    """
    now = time.time()
    songs: list[bytes] | None = None
    if audio_repeat > 1:  # one shared bytes object per song: the server holds 3, not one per clip
        songs = [(relay.media_dir / name).read_bytes() * audio_repeat for name in SONG_FILES]
    task_ids: list[str] = []
    remaining = clips
    index = 0
    pending_every = round(1 / pending) if pending > 0 else 0
    while remaining > 0:
        count = min(2, remaining)
        task_id = relay.add_music_task(
            shape="flat" if index % 2 == 0 else "nested",
            clips=count,
            title=f"{TITLES[index % len(TITLES)]} {index}",
            tags=TAGS[index % len(TAGS)],
            description="a benchmark song" if index % 3 == 0 else None,
            cover="png" if index % 4 == 3 else "jpeg",
            video=True,
            # some tasks are still generating: they finish two poll rounds later
            polls_until_success=2 if pending_every and index % pending_every == pending_every - 1 else 0,
            created=now - (index % 30) * DAY,
            audio=None if songs is None else songs[index % len(songs)],
        )
        task_ids.append(task_id)
        remaining -= count
        index += 1
    media_urls: list[str] = []
    with relay._lock:  # the URLs the relay will hand out once each task is final
        for task_id in task_ids:
            for clip in relay._tasks[task_id.lower()].clips:
                media_urls.extend(url for url in (clip["audio_url"], clip["image_url"], clip["video_url"]) if url)
    return task_ids, media_urls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--pending", type=float, default=0.1, help="fraction of tasks still generating (0 to 1)")
    parser.add_argument("--audio-repeat", type=int, default=1, help="make each MP3 N bundled songs long")
    parser.add_argument("--token", default="bench-token")
    args = parser.parse_args(argv)

    relay = LocalRelay(token=args.token).start()
    try:
        task_ids, media_urls = build(relay, args.clips, args.pending, args.audio_repeat)
        hello = {
            "api_url": relay.api_url,
            "token": args.token,
            "task_ids": task_ids,
            "media_urls": media_urls,
            "tasks": len(task_ids),
            "clips": args.clips,
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                answer = {
                    "api_requests": len(relay.api_requests),
                    "media_requests": len(relay.media.requests),
                    "cpu_seconds": usage.ru_utime + usage.ru_stime,  # since start, not since reset
                }
            elif command == "reset":
                relay.reset_counters()
                relay.media.reset_counters()
                answer = {"ok": True}
            elif command == "quit":
                print(json.dumps({"ok": True}), flush=True)
                break
            else:
                answer = {"error": f"unknown command {command!r}; use stats, reset or quit"}
            print(json.dumps(answer), flush=True)
    finally:
        relay.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
