"""The benchmark's server process: a LocalRelay and its MediaServer, preloaded with clips.

Run by ``sync_bench.py`` as a child process so that serving (JSON rendering,
HTTP parsing, sendfile) does not compete with the sync for the benchmark's GIL.

    python benchmarks/bench_relay.py --clips 1000 [--profile realistic|tiny] [--pending 0.1]
                                     [--audio-repeat K] [--token T] [--ttfb S] [--rate B]

Media profiles (the files are written to a temporary folder the relay serves from,
with sendfile, and deleted when the process stops):

* ``realistic`` (default): each MP3 is a bundled song repeated to about 3.5 MB (a real
  Suno song: 3-4 min at 128-192 kbit/s), the MP4 is the bundled video with its ``mdat``
  payload repeated to about 1 MB; the covers are the bundled ones (7-63 kB);
* ``tiny``: the bundled files as they are (120-170 kB MP3s, 56 kB MP4), about 220 kB per
  clip, to look at per-file overhead.

``--audio-repeat K`` (K >= 1) overrides the profile's MP3s: each is a bundled song K times.

A distant CDN, still on 127.0.0.1 (the numbers are the media server's, not the kernel's):
``--ttfb S`` waits S seconds before the headers of each media answer (the round trips and
the CDN's own latency), ``--rate B`` sends each media answer at most B bytes/s, paced per
connection (a path whose bandwidth a single TCP stream cannot exceed). The API is not slowed.

Protocol, one JSON object per line:

* on start it prints ``{"api_url", "token", "task_ids", "media_urls", "tasks", "clips",
  "media"}`` on stdout (``media_urls`` are the URLs a sync downloads: audio, cover, video;
  ``media`` the profile and the size of each served file);
* then it reads commands from stdin and answers each with one line:
  ``stats`` → ``{"api_requests": n, "media_requests": n, "cpu_seconds": s}``
  (request counts since the last ``reset``; CPU time of this process since it started); ``reset`` → ``{"ok": true}``;
  ``quit`` (or EOF) → ``{"ok": true}`` and the process stops.

Nothing is added to the product's relay: the control channel is the pipe, and the request
counts come from subclasses of the demo servers defined here (the product's servers keep no
request log).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import struct
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from suno_desktop.demo.media_server import Blob, MediaRequestHandler, MediaServer
from suno_desktop.demo.relay_server import (
    COVER_FILES,
    SONG_FILES,
    VIDEO_FILE,
    LocalRelay,
    RelayRequestHandler,
)
from suno_desktop.resources import resource_path

DAY = 24 * 60 * 60
TITLES = (
    "City Lights", "Harbour at Dawn", "Paper Satellites", "Slow Tide", "Northern Lines",
    "Electric Dance Party", "Lantern Song", "Midnight Arcade", "Glass Orchard", "Copper Rain",
)  # fmt: skip
#: --rate: writes per second of a paced answer (2 MB/s goes out in 100 kB steps)
PACE_STEPS_PER_SECOND = 20
TAGS = ("emotional punk", "dream pop, shimmering synths", "lofi hip hop, chill", "acoustic folk")

#: target sizes in bytes of each profile's MP3 and MP4 (None: the bundled file as it is)
PROFILES: dict[str, dict[str, int | None]] = {
    "realistic": {"mp3": 3_500_000, "mp4": 1_000_000},
    "tiny": {"mp3": None, "mp4": None},
}


class RequestCount:
    """Requests answered since the last reset, counted by the handlers below."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self) -> None:
        with self._lock:
            self.value += 1

    def reset(self) -> None:
        with self._lock:
            self.value = 0


class CountingMediaHandler(MediaRequestHandler):
    """Counts media requests; with ``ttfb``/``rate`` set, answers like a distant CDN."""

    ttfb = 0.0  # seconds before the headers of each answer
    rate = 0  # bytes/s per connection; 0: as fast as sendfile goes

    def answer(self, send_body: bool) -> None:
        self.server.media.count.add()
        if self.ttfb > 0:
            time.sleep(self.ttfb)
        super().answer(send_body)

    def write_body(self, blob: Blob, start: int, length: int) -> None:
        if self.rate <= 0 or blob.file is None:
            super().write_body(blob, start, length)
            return
        chunk = max(4096, self.rate // PACE_STEPS_PER_SECOND)
        began = time.monotonic()
        sent = 0
        with open(blob.file, "rb") as source:
            source.seek(start)
            while sent < length:
                data = source.read(min(chunk, length - sent))
                if not data:
                    break
                self.wfile.write(data)
                sent += len(data)
                ahead = began + sent / self.rate - time.monotonic()
                if ahead > 0:  # sleep until the bytes sent so far are due at the rate
                    time.sleep(ahead)


class CountingMediaServer(MediaServer):
    handler_class = CountingMediaHandler

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count = RequestCount()


class CountingRelayHandler(RelayRequestHandler):
    def answer(self, method: str) -> None:
        self.server.relay.count.add()
        super().answer(method)


class CountingRelay(LocalRelay):
    """The demo relay and its media server, each counting the requests it answers."""

    handler_class = CountingRelayHandler
    media_server_class = CountingMediaServer
    media: CountingMediaServer

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.count = RequestCount()


def prepare_media(folder: Path, profile: str, audio_repeat: int = 0) -> dict:
    """Write the served media of *profile* into *folder*; returns what was written.

    An MP3 repeated is still a valid MP3 (the bundled songs carry no ID3 tag): a player
    reads the frames one after the other. *audio_repeat* >= 1 overrides the profile.
    """
    demo = resource_path("demo")
    target = PROFILES[profile]
    sizes: dict[str, int] = {}
    for name in SONG_FILES:
        song = (demo / name).read_bytes()
        repeat = audio_repeat or (max(1, round(target["mp3"] / len(song))) if target["mp3"] else 1)
        (folder / name).write_bytes(song * repeat)
        sizes[name] = len(song) * repeat
    for name in {name for names in COVER_FILES.values() for name in names}:
        shutil.copyfile(demo / name, folder / name)
        sizes[name] = (folder / name).stat().st_size
    video = (demo / VIDEO_FILE).read_bytes()
    if target["mp4"]:
        video = grow_mp4(video, target["mp4"])
    (folder / VIDEO_FILE).write_bytes(video)
    sizes[VIDEO_FILE] = len(video)
    return {"profile": profile, "audio_repeat": audio_repeat, "file_bytes": dict(sorted(sizes.items()))}


def grow_mp4(data: bytes, size: int) -> bytes:
    """*data* with its ``mdat`` payload repeated to about *size* bytes, if ``mdat`` is the
    last atom (else *data* unchanged). Still valid for players and for mutagen: nothing
    before the payload moves, so the sample offsets in ``moov`` stay right, and the
    repeated bytes are simply not referenced."""
    offset = 0
    while offset + 8 <= len(data):
        atom_size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if atom_size < 8:  # 0 (to the end) or 1 (64-bit size): not the simple layout
            return data
        if kind == b"mdat" and offset + atom_size == len(data):
            payload = data[offset + 8 :]
            repeat = max(1, round((size - offset - 8) / len(payload)))
            return data[:offset] + struct.pack(">I4s", 8 + len(payload) * repeat, b"mdat") + payload * repeat
        offset += atom_size
    return data


def build(relay: LocalRelay, clips: int, pending: float) -> tuple[list[str], list[str]]:
    """Add tasks of 2 clips (a last task of 1 if *clips* is odd); returns task ids and media URLs.

    The media are the files in ``relay.media_dir`` (see :func:`prepare_media`).
    """
    now = time.time()
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
        )
        task_ids.append(task_id)
        remaining -= count
        index += 1
    media_urls: list[str] = []
    for task_id in task_ids:  # the URLs the relay will hand out once each task is final
        for clip in relay.clip_media(task_id):
            media_urls.extend(url for url in (clip["audio_url"], clip["image_url"], clip["video_url"]) if url)
    return task_ids, media_urls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--pending", type=float, default=0.1, help="fraction of tasks still generating (0 to 1)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="realistic", help="media sizes (see above)")
    parser.add_argument(
        "--audio-repeat",
        type=int,
        default=0,
        help="make each MP3 N bundled songs long (default 0: as the profile says)",
    )
    parser.add_argument("--token", default="bench-token")
    parser.add_argument("--ttfb", type=float, default=0.0, help="seconds before each media answer's headers")
    parser.add_argument("--rate", type=int, default=0, help="bytes/s per media connection (default 0: unpaced)")
    args = parser.parse_args(argv)
    if args.ttfb < 0 or args.rate < 0:
        parser.error("--ttfb and --rate must be >= 0")
    CountingMediaHandler.ttfb, CountingMediaHandler.rate = args.ttfb, args.rate

    media_dir = tempfile.TemporaryDirectory(prefix="suno-bench-media-")
    media = prepare_media(Path(media_dir.name), args.profile, max(0, args.audio_repeat))
    relay = CountingRelay(token=args.token, media_dir=Path(media_dir.name)).start()
    try:
        task_ids, media_urls = build(relay, args.clips, args.pending)
        hello = {
            "api_url": relay.api_url,
            "token": args.token,
            "task_ids": task_ids,
            "media_urls": media_urls,
            "tasks": len(task_ids),
            "clips": args.clips,
            "media": {**media, "ttfb": args.ttfb, "rate": args.rate},
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                usage = resource.getrusage(resource.RUSAGE_SELF)
                answer = {
                    "api_requests": relay.count.value,
                    "media_requests": relay.media.count.value,
                    "cpu_seconds": usage.ru_utime + usage.ru_stime,  # since start, not since reset
                }
            elif command == "reset":
                relay.count.reset()
                relay.media.count.reset()
                answer = {"ok": True}
            elif command == "quit":
                print(json.dumps({"ok": True}), flush=True)
                break
            else:
                answer = {"error": f"unknown command {command!r}; use stats, reset or quit"}
            print(json.dumps(answer), flush=True)
    finally:
        relay.stop()
        media_dir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
