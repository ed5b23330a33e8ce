"""The floor under sync_bench.py: the same media fetched by the HTTP stacks alone, against curl.

    python benchmarks/http_floor.py [--clips 400] [--audio-repeat 7] [--rounds 2]

Starts the bench's relay and media server (``bench_relay.py``, another process), then
downloads every media URL with 4 threads and no tags, fsync, names or database:

* through the app's ``MediaSession`` (requests, as the sync does);
* through a bare ``urllib3.PoolManager``;
* with ``curl_baseline.sh`` (one curl, ``--parallel-max 4``).

Prints the wall and CPU time of each, per round. What the sync adds on top of the
first line is its own work; where the first line is already above a target ratio to
curl, no sync written over requests can reach it on that machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import urllib3
from sync_bench import ONE_MB_REPEAT, BenchServer

from suno_desktop.http_session import make_media_session

CHUNK = 256 * 1024
JOBS = 4


def timed(label: str, fetch: Callable[[str, Path], None], urls: list[str], out: Path) -> None:
    out.mkdir()
    os.sync()
    wall, cpu = time.monotonic(), time.process_time()
    with ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(lambda item: fetch(item[1], out / str(item[0])), enumerate(urls)))
    print(f"{label:26s} wall {time.monotonic() - wall:6.3f} s   CPU {time.process_time() - cpu:6.3f} s", flush=True)
    shutil.rmtree(out)


def curl(urls: list[str], out: Path) -> None:
    out.mkdir()
    listing = out.parent / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    os.sync()
    wall = time.monotonic()
    subprocess.run(
        ["bash", str(HERE / "curl_baseline.sh"), str(listing), str(out), str(JOBS)], check=True, capture_output=True
    )
    print(f"{'curl --parallel-max 4':26s} wall {time.monotonic() - wall:6.3f} s", flush=True)
    shutil.rmtree(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=400)
    parser.add_argument("--audio-repeat", type=int, default=ONE_MB_REPEAT, help="0: the realistic 3.5 MB MP3s")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    session = make_media_session(pool_size=JOBS)
    pool = urllib3.PoolManager(maxsize=JOBS)

    def with_requests(url: str, path: Path) -> None:
        response = session.get(url, stream=True, timeout=(10, 60))
        with open(path, "wb") as out:
            while chunk := response.raw.read(CHUNK):
                out.write(chunk)
        response.close()

    def with_urllib3(url: str, path: Path) -> None:
        response = pool.request("GET", url, preload_content=False)
        with open(path, "wb") as out:
            while chunk := response.read(CHUNK):
                out.write(chunk)
        response.release_conn()

    with BenchServer(args.clips, 0.0, "realistic", args.audio_repeat) as server, tempfile.TemporaryDirectory() as work:
        print(f"{len(server.media_urls)} files, {args.clips} clips, {JOBS} at a time")
        for _ in range(args.rounds):
            timed("requests (MediaSession)", with_requests, server.media_urls, Path(work, "requests"))
            timed("urllib3 PoolManager", with_urllib3, server.media_urls, Path(work, "urllib3"))
            curl(server.media_urls, Path(work, "curl"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
