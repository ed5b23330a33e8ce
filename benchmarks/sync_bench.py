"""Sync throughput benchmark: SyncEngine against a local relay, compared with curl --parallel.

    python benchmarks/sync_bench.py [--profile realistic|1mb|tiny|wan] [--clips 1000] [--jobs N[,N...]]
                                    [--curl-jobs 4[,16...]] [--ttfb S] [--rate B] [--keep DIR] [--json] [--check]

1. starts ``bench_relay.py`` (LocalRelay + MediaServer) in a child process, so the
   servers do not share this process's GIL, with --clips clips (tasks of 2 clips,
   flat and nested shapes, JPEG and PNG covers, MP3 + cover + MP4 each; by default
   every 10th task is still generating and finishes two poll rounds later); the
   media are real-sized (``--profile realistic``: 3.5 MB MP3s, 1 MB MP4s; ``1mb``:
   1 MB MP3s, 400 clips) or the bundled demo files (``--profile tiny``: about 220 kB
   per clip); ``--profile wan`` is a distant CDN: 120 clips of ``1mb`` media, each media
   answer 100 ms late (``--ttfb``) and paced to 2 MB/s per connection (``--rate``);
2. first sync: all task ids into a fresh library with the options the app's Automatic
   settings give (``SyncOptions.from_settings(Settings(), poll_interval=0)``, what the window
   and the CLI run), or ``SyncOptions(jobs=N, poll_interval=0)`` for a number in --jobs
   (a list such as ``auto,8,16`` syncs once per value into a fresh library, the first
   value being the one the targets judge; ``--profile wan`` defaults to ``auto,8,16``);
3. second sync: a new engine on the reopened library, ``engine.sync()`` (nothing changed);
   the library is then deleted (unless --keep), so only one copy is on disk at a time;
4. baseline: ``curl_baseline.sh`` downloads the same media URLs, 4 at a time (--curl-jobs;
   a list such as ``4,16`` runs curl once per value; the last one is the reference the
   sync/curl target is judged against: ``4`` and 1.2x by default, ``16`` and 1.1x for wan).

Before each timed run, ``os.sync()`` (not timed) writes back what earlier runs left in
the page cache, so one run's writeback does not land in the next one's time.

Prints wall time, clips/s, MB/s, API and media requests, files written and the
peak RSS of this process for each run, the sync/curl ratio and the targets
(see benchmarks/README.md). ``--check`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from suno_desktop.library.polling import FetchResult
from suno_desktop.library.store import Library
from suno_desktop.library.sync import SyncEngine
from suno_desktop.library.sync_types import SyncObserver, SyncOptions
from suno_desktop.relay.client import RelayClient
from suno_desktop.settings import Settings

BATCH = 50  # tasks per API request the client may ask about (RelayClient.batch_size)
TARGET_CURL_RATIO = 1.2
TARGET_RESYNC_SECONDS = 0.3
ONE_MB_REPEAT = 7  # --profile 1mb: a bundled song 7 times is a 0.84-1.18 MB MP3
TARGET_RSS_MB = 150.0
TARGET_WAN_CURL_RATIO = 1.1
#: --profile wan: a CDN far away (issue 18: 100 ms to the first byte, 2 MB/s per connection)
WAN = {"clips": 120, "audio_repeat": ONE_MB_REPEAT, "ttfb": 0.1, "rate": 2_000_000, "jobs": "auto,8,16", "curl": "4,16"}


# --------------------------------------------------------------------------- the server process


class BenchServer:
    """The child process running bench_relay.py; commands go over its stdin/stdout."""

    def __init__(
        self,
        clips: int,
        pending: float,
        profile: str = "realistic",
        audio_repeat: int = 0,
        ttfb: float = 0.0,
        rate: int = 0,
    ) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "bench_relay.py"),
                "--clips",
                str(clips),
                "--profile",
                profile,
                "--pending",
                str(pending),
                "--audio-repeat",
                str(audio_repeat),
                "--ttfb",
                str(ttfb),
                "--rate",
                str(rate),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._lock = threading.Lock()
        hello = self._read_line(timeout=120)
        self.api_url: str = hello["api_url"]
        self.token: str = hello["token"]
        self.task_ids: list[str] = hello["task_ids"]
        self.media_urls: list[str] = hello["media_urls"]
        self.media: dict = hello["media"]

    def _read_line(self, timeout: float) -> dict:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            self.close()
            raise RuntimeError("the benchmark relay process did not answer (see its stderr above)")
        return json.loads(result[0])

    def command(self, name: str) -> dict:
        with self._lock:
            self.process.stdin.write(name + "\n")
            self.process.stdin.flush()
            return self._read_line(timeout=30)

    def stats(self) -> dict:
        return self.command("stats")

    def reset(self) -> None:
        self.command("reset")

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- measuring


@dataclass
class PollRound:
    asked: int  # task ids asked about in this round
    api_requests: int

    @property
    def allowed(self) -> int:
        return math.ceil(self.asked / BATCH)


class RoundCounter(SyncObserver):
    """Counts API requests per poll round: fetch() calls tasks_fetched once per round."""

    def __init__(self, client: RelayClient) -> None:
        self.client = client
        self.last = client.requests_sent
        self.rounds: list[PollRound] = []

    def tasks_fetched(self, result: FetchResult) -> None:
        now = self.client.requests_sent
        self.rounds.append(PollRound(len(result.tasks) + len(result.not_found), now - self.last))
        self.last = now


@dataclass
class RunFigures:
    name: str
    seconds: float
    clips: int
    bytes: int
    api_requests: int | None
    media_requests: int
    files_written: int | None
    peak_rss_mb: float | None
    cpu_seconds: float | None = None  # user + system of this process (for curl: of bash + curl)
    flush_seconds: float = 0.0  # os.sync() right after the run: writing back what it left in the page cache
    server_cpu_seconds: float = 0.0  # the relay + media server process
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    poll_rounds: list[dict] = field(default_factory=list)

    @property
    def clips_per_s(self) -> float:
        return self.clips / self.seconds if self.seconds > 0 else float("inf")

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds > 0 else float("inf")


def peak_rss_mb() -> float:
    """Peak resident set of this process so far, in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


#: a --jobs value: the app's Automatic settings rather than a number
AUTO = "auto"


def sync_options(jobs: int | str) -> SyncOptions:
    """``auto``: the options the app's default (Automatic) settings give; a number: that many jobs."""
    if jobs == AUTO:
        return SyncOptions.from_settings(Settings(), poll_interval=0.0)
    return SyncOptions(jobs=int(jobs), poll_interval=0.0)


def run_sync(server: BenchServer, root: Path, jobs: int | str, task_ids: list[str] | None, name: str) -> RunFigures:
    library = Library(root, create=True)
    options = sync_options(jobs)
    client = RelayClient(server.api_url, server.token, pool_size=max(4, options.jobs))  # as the CLI's make_client
    counter = RoundCounter(client)
    engine = SyncEngine(library, client, options, observer=counter)
    try:
        server.reset()
        _sync_disks()
        server_cpu = server.stats()["cpu_seconds"]
        cpu = cpu_seconds()
        started = time.perf_counter()
        report = engine.sync(task_ids)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds() - cpu
        flush = _sync_disks()
        stats = server.stats()
        clips_in_library = len(library.clips())
    finally:
        engine.close()
        client.close()
        library.close()
    problems = []
    if report.error is not None:
        problems.append(f"relay error: {report.error}")
    for clip_id, (title, reason) in list(report.failed_clips.items())[:5]:
        problems.append(f"clip {clip_id} ({title}) failed: {reason}")
    if report.failed_tasks:
        problems.append(f"{len(report.failed_tasks)} task(s) failed")
    if task_ids is not None and report.clips_done != clips_in_library:
        problems.append(f"only {report.clips_done} of {clips_in_library} clips were synced")
    if report.still_pending:
        problems.append(f"{len(report.still_pending)} task(s) still pending")
    return RunFigures(
        name=name,
        seconds=seconds,
        clips=clips_in_library,
        bytes=report.bytes_downloaded,
        api_requests=report.api_requests,
        media_requests=stats["media_requests"],
        files_written=report.files_written,
        peak_rss_mb=peak_rss_mb(),
        cpu_seconds=cpu,
        server_cpu_seconds=stats["cpu_seconds"] - server_cpu,
        flush_seconds=flush,
        ok=report.ok,
        problems=problems,
        poll_rounds=[{**asdict(r), "allowed": r.allowed} for r in counter.rounds],
    )


def _sync_disks() -> float:
    """Write back the page cache (see the module docstring); returns the seconds it took."""
    started = time.perf_counter()
    if hasattr(os, "sync"):
        os.sync()
    return time.perf_counter() - started


def drop_page_cache() -> bool:
    """Start from an empty page cache where allowed (root on Linux); True if it was dropped.

    Earlier runs of the benchmark leave the cache full; then every page written first has
    to be reclaimed, which made curl 10-30% slower here from one run to the next.
    """
    _sync_disks()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as control:
            control.write("1\n")
    except OSError:
        return False
    return True


def run_curl(server: BenchServer, out_dir: Path, jobs: int, clips: int) -> RunFigures:
    url_list = out_dir.parent / "media-urls.txt"
    url_list.write_text("\n".join(server.media_urls) + "\n", encoding="utf-8")
    server.reset()
    _sync_disks()
    server_cpu = server.stats()["cpu_seconds"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(
        ["bash", str(HERE / "curl_baseline.sh"), str(url_list), str(out_dir), str(jobs)],
        capture_output=True,
        text=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # bash + curl (the server is not reaped yet)
    flush = _sync_disks()
    stats = server.stats()
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines or not lines[-1].startswith("curl_seconds="):
        raise RuntimeError(f"curl_baseline.sh failed ({completed.returncode}): {completed.stderr.strip()[-2000:]}")
    seconds = float(lines[-1].split("=", 1)[1])
    size = sum(entry.stat().st_size for entry in os.scandir(out_dir) if entry.is_file())
    files = sum(1 for entry in os.scandir(out_dir) if entry.is_file())
    return RunFigures(
        name=f"curl -P{jobs}",
        seconds=seconds,
        clips=clips,
        bytes=size,
        api_requests=None,
        media_requests=stats["media_requests"],
        files_written=files,
        peak_rss_mb=None,
        cpu_seconds=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        server_cpu_seconds=stats["cpu_seconds"] - server_cpu,
        flush_seconds=flush,
    )


# --------------------------------------------------------------------------- reporting


def evaluate(
    first: RunFigures,
    second: RunFigures,
    curl: RunFigures,
    tasks: int,
    clips: int,
    target_ratio: float = TARGET_CURL_RATIO,
) -> dict:
    ratio = first.seconds / curl.seconds if curl.seconds > 0 else float("inf")
    bound = math.ceil(tasks / BATCH)
    worst_round = max((r["api_requests"] for r in first.poll_rounds), default=0)
    per_round_ok = all(r["api_requests"] <= r["allowed"] for r in first.poll_rounds) and worst_round <= bound
    checks = {
        "first sync complete": (
            first.ok and first.clips == clips and not first.problems,
            f"{first.clips}/{clips} clips",
        ),
        f"{first.name} <= {target_ratio}x {curl.name}": (ratio <= target_ratio, f"ratio {ratio:.2f}"),
        f"API requests per poll round <= ceil(tasks/{BATCH})": (
            per_round_ok,
            f"max {worst_round} <= ceil({tasks}/{BATCH}) = {bound}; rounds "
            + ", ".join(f"{r['api_requests']} for {r['asked']}" for r in first.poll_rounds),
        ),
        "second sync: 0 media requests": (second.media_requests == 0, str(second.media_requests)),
        "second sync: 0 files written": (second.files_written == 0, str(second.files_written)),
        f"second sync < {TARGET_RESYNC_SECONDS:g} s": (
            second.seconds < TARGET_RESYNC_SECONDS,
            f"{second.seconds:.3f} s",
        ),
        f"peak RSS < {TARGET_RSS_MB:g} MiB": (
            (first.peak_rss_mb or 0) < TARGET_RSS_MB,
            f"{first.peak_rss_mb:.1f} MiB after the first sync",
        ),
    }
    return {
        "sync_over_curl": ratio,
        "checks": {name: {"pass": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }


def describe_media(media: dict) -> str:
    """One line: the served file sizes of the profile."""
    sizes = media["file_bytes"]

    def span(suffix: str) -> str:
        values = sorted(size for name, size in sizes.items() if name.endswith(suffix))
        low, high = values[0] / 1e6, values[-1] / 1e6
        return f"{low:.2f} MB" if high - low < 0.005 else f"{low:.2f}-{high:.2f} MB"

    repeat = f", MP3s = bundled songs x{media['audio_repeat']}" if media.get("audio_repeat") else ""
    return (
        f"profile {media['profile']}{repeat}: MP3 {span('.mp3')}, cover "
        f"{min(v for k, v in sizes.items() if not k.endswith(('.mp3', '.mp4'))) / 1e3:.0f}-"
        f"{max(v for k, v in sizes.items() if not k.endswith(('.mp3', '.mp4'))) / 1e3:.0f} kB, MP4 {span('.mp4')}"
    )


def print_table(args: argparse.Namespace, tasks: int, runs: list[RunFigures], verdict: dict, media: dict) -> None:
    print(
        f"Suno Desktop sync benchmark: {args.clips} clips in {tasks} tasks, jobs={args.jobs} (curl {args.curl_jobs}), "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)"
    )
    print(describe_media(media))
    if media.get("ttfb") or media.get("rate"):
        print(
            f"media answers: {media['ttfb'] * 1000:.0f} ms to the first byte, "
            f"{media['rate'] / 1e6:g} MB/s per connection"
        )
    header = (
        f"{'run':<22}{'wall s':>9}{'clips/s':>9}{'MB/s':>8}{'MB':>8}{'API req':>9}{'media req':>11}"
        f"{'files written':>15}{'peak RSS MiB':>14}{'CPU s':>7}{'server CPU s':>14}{'then sync s':>13}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:

        def cell(value: object, spec: str) -> str:
            return "-" if value is None else format(value, spec)

        print(
            f"{run.name:<22}{run.seconds:>9.3f}{run.clips_per_s:>9.1f}{run.mb_per_s:>8.1f}{run.bytes / 1e6:>8.1f}"
            f"{cell(run.api_requests, 'd'):>9}{run.media_requests:>11d}{cell(run.files_written, 'd'):>15}"
            f"{cell(run.peak_rss_mb, '.1f'):>14}{cell(run.cpu_seconds, '.2f'):>7}"
            f"{run.server_cpu_seconds:>14.2f}{run.flush_seconds:>13.2f}"
        )
    first, curl = runs[0], runs[-1]
    print()
    for run in runs:
        if run.name.startswith("sync"):
            print(
                f"{run.name} / {curl.name} wall time: {run.seconds / curl.seconds:.2f} "
                f"({run.seconds:.2f} s / {curl.seconds:.2f} s for {run.bytes / 1e9:.2f} GB / {curl.bytes / 1e9:.2f} GB)"
            )
    durable = curl.seconds + curl.flush_seconds
    print(
        f"sync / (curl + os.sync()) wall time: {first.seconds / durable:.2f} "
        f"(curl leaves its {curl.bytes / 1e9:.2f} GB in the page cache; the sync fsyncs every file: "
        f"writing curl's copy back took {curl.flush_seconds:.2f} s more)"
    )
    for name, check in verdict["checks"].items():
        print(f"  [{'PASS' if check['pass'] else 'FAIL'}] {name}: {check['detail']}")
    for run in runs:
        for problem in run.problems:
            print(f"  ! {run.name}: {problem}")


def job_list(text: str, auto: bool = True) -> list[int | str]:
    """``"auto,8,16"`` -> ``["auto", 8, 16]``; raises ValueError on anything else (on auto if not *auto*)."""
    values: list[int | str] = [AUTO if auto and part.strip() == AUTO else int(part) for part in text.split(",")]
    if not values or min((v for v in values if v != AUTO), default=1) < 1:
        raise ValueError(text)
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark SyncEngine against curl --parallel on a local relay.")
    parser.add_argument("--clips", type=int, help="clips to create (default 1000; 400 for 1mb, 120 for wan)")
    parser.add_argument(
        "--jobs",
        help=f"the sync's parallel downloads, or a list such as auto,8,16 (default: auto, the app's Automatic "
        f"settings, here {sync_options(AUTO).jobs} downloads; {WAN['jobs']} for wan)",
    )
    parser.add_argument("--curl-jobs", help="curl's --parallel-max, or a list; the last is the reference (default 4)")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="put the library and curl's files in DIR and keep them"
    )
    parser.add_argument(
        "--pending", type=float, default=0.1, help="fraction of tasks still generating at the first poll (default 0.1)"
    )
    parser.add_argument(
        "--profile",
        choices=("realistic", "1mb", "tiny", "wan"),
        default="realistic",
        help="media sizes: realistic (default: 3.5 MB MP3, 1 MB MP4, ~4.5 MB per clip), "
        "1mb (1 MB MP3s: a bundled song 7 times, 1 MB MP4, 400 clips unless --clips), "
        "tiny (the bundled demo files, ~220 kB per clip: per-file overhead) "
        "or wan (1mb media from a distant CDN: 120 clips, 100 ms to the first byte, 2 MB/s per connection)",
    )
    parser.add_argument(
        "--audio-repeat",
        type=int,
        default=0,
        metavar="K",
        help="override the profile's MP3s: each is a bundled song K times (120-170 kB each)",
    )
    parser.add_argument("--ttfb", type=float, help="seconds before each media answer (default 0; 0.1 for wan)")
    parser.add_argument("--rate", type=int, help="bytes/s per media connection (default 0: unpaced; 2e6 for wan)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    args.wan = args.profile == "wan"
    if args.wan:
        args.clips = args.clips or WAN["clips"]
        args.jobs, args.curl_jobs = args.jobs or WAN["jobs"], args.curl_jobs or WAN["curl"]
        args.ttfb = WAN["ttfb"] if args.ttfb is None else args.ttfb
        args.rate = WAN["rate"] if args.rate is None else args.rate
        args.profile = "1mb"
    if args.profile == "1mb":
        args.profile, args.audio_repeat = "realistic", args.audio_repeat or ONE_MB_REPEAT
        args.clips = args.clips or 400
    args.clips = args.clips or 1000
    args.ttfb, args.rate = args.ttfb or 0.0, args.rate or 0
    try:
        args.jobs, args.curl_jobs = job_list(args.jobs or AUTO), job_list(args.curl_jobs or "4", auto=False)
    except ValueError:
        parser.error("--jobs and --curl-jobs take numbers >= 1 (or auto for --jobs), separated by commas")
    if args.clips < 1 or args.audio_repeat < 0 or args.ttfb < 0 or args.rate < 0:
        parser.error("--clips must be >= 1, --audio-repeat, --ttfb and --rate >= 0")
    if not 0 <= args.pending <= 1:
        parser.error("--pending must be between 0 and 1")
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder must be empty or not exist yet")
    return args


def run_all(args: argparse.Namespace, work: Path) -> tuple[int, dict, list[RunFigures]]:
    """Every sync of --jobs (the first one synced a second time), then every curl of --curl-jobs.

    The page cache is dropped (where allowed) before each of them: otherwise a run reclaims the
    pages of the runs before it (curl took 14.9 s after three realistic syncs, 7.6-9.7 s alone).
    """
    runs: list[RunFigures] = []
    with BenchServer(args.clips, args.pending, args.profile, args.audio_repeat, args.ttfb, args.rate) as server:
        for index, jobs in enumerate(args.jobs):
            root = work / f"library-{index}"
            name = f"sync auto ({sync_options(AUTO).jobs})" if jobs == AUTO else f"sync jobs={jobs}"
            drop_page_cache()
            runs.append(run_sync(server, root, jobs, server.task_ids, name))
            if index == 0:
                runs.append(run_sync(server, root, jobs, None, "second sync"))
            if args.keep is None:  # one copy at a time on disk (~4.5 GB each for 1,000 realistic clips)
                shutil.rmtree(root)
        for jobs in args.curl_jobs:
            curl_dir = work / f"curl-{jobs}"
            curl_dir.mkdir()
            drop_page_cache()
            runs.append(run_curl(server, curl_dir, jobs, args.clips))
            if args.keep is None:
                shutil.rmtree(curl_dir)
        return len(server.task_ids), server.media, runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        work, cleanup = args.keep.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="suno-sync-bench-")
        work = Path(cleanup.name)
    rss_before = peak_rss_mb()
    try:
        cache_dropped = drop_page_cache()
        tasks, media, runs = run_all(args, work)
    finally:
        if cleanup is not None:
            cleanup.cleanup()
    target = TARGET_WAN_CURL_RATIO if args.wan else TARGET_CURL_RATIO
    verdict = evaluate(runs[0], runs[1], runs[-1], tasks, args.clips, target)
    if args.json:
        out = {
            "clips": args.clips,
            "tasks": tasks,
            "jobs": args.jobs,
            "curl_jobs": args.curl_jobs,
            "pending_fraction": args.pending,
            "profile": "wan" if args.wan else args.profile,
            "audio_repeat": args.audio_repeat,
            "media": media,
            "rss_before_mb": rss_before,
            "runs": [{**asdict(run), "clips_per_s": run.clips_per_s, "mb_per_s": run.mb_per_s} for run in runs],
            **verdict,
            "kept_in": str(work) if args.keep is not None else None,
            "page_cache_dropped_at_start": cache_dropped,
        }
        print(json.dumps(out, indent=2))
    else:
        print_table(args, tasks, runs, verdict, media)
        print(
            "page cache: "
            + (
                "dropped at the start"
                if cache_dropped
                else "not dropped (needs root): figures depend on what earlier runs left cached"
            )
        )
        print(
            f"\n(peak RSS before the first sync: {rss_before:.1f} MiB"
            + (f"; files kept in {work})" if args.keep is not None else ")")
        )
    if args.check and not all(check["pass"] for check in verdict["checks"].values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
