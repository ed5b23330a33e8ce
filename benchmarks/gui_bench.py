"""How the window copes with a big library: 50,000 clips in the database, no media.

Prints the time from ``suno_desktop.app.main()`` to the window shown with the
table filled, the time one filter keystroke takes, the time a sort takes, how
many cover thumbnails scrolling through the table starts to load, and peak RSS.
The library is built in a child process, so that the peak RSS is the window's own;
``suno-desktop list --query`` is timed on it first (a fresh process per query, best of three).
Issue 19's targets at 100,000 clips: shown and filled within 1.0 s, a keystroke (words or
a query) and typing with every row selected within 50 ms, a sort within 100 ms, peak RSS
under 400 MB, ``list --query`` within 0.5 s.

    python benchmarks/gui_bench.py [--clips 50000] [--keep DIR] [--sync-clips 1000] [--only-sync]
                                   [--profile tiny|realistic|1mb|wan] [--ttfb S] [--rate B]
                                   [--pending 0.1] [--jobs N] [--runs N] [--json]

Runs offscreen unless DISPLAY is set and QT_QPA_PLATFORM says otherwise.
A keystroke is timed from the key press to the table filtered and repainted; the
filter pass alone (key press to the model's ``layoutChanged``) is printed beside it.
Everything is measured from outside the window: timers and the parts' Qt signals. Targets (issue 3): shown and filled
within 1.5 s, a keystroke within 50 ms, a sort within 300 ms, peak RSS under 400 MB,
thumbnails only for visible rows.

Then (unless ``--sync-clips 0``; ``--only-sync``: only this) it opens a fresh library and
syncs ``--sync-clips`` new clips from ``bench_relay.py`` in a child process while a 10 ms
timer on the GUI thread records its ticks: the longest gap between two ticks and the 99th
percentile are how long the event loop stood still (issue 18: under 100 ms and 30 ms, during a
loopback sync of 1,000 clips and during a sync from a distant CDN, ``--profile wan``). See
``window_sync.py``; ``--runs N`` repeats it in N fresh processes and prints the ranges.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from window_sync import (
    LAST_SYNC_TICKS,
    PROFILES,
    Scenario,
    first_sync_done,
    remove_work,
    run_repeated,
    run_window_sync,
    summary_lines,
)

__all__ = ["LAST_SYNC_TICKS"]  # the probe's ticks of the last window sync, for a script that imports gui_bench

WORDS = (
    "neon",
    "midnight",
    "river",
    "electric",
    "paper",
    "golden",
    "echo",
    "summer",
    "static",
    "lantern",
    "velvet",
    "harbour",
    "signal",
    "glass",
    "wild",
    "northern",
    "slow",
    "city",
)
STYLES = (
    "emotional punk",
    "dream pop",
    "lofi hip hop",
    "club banger edm",
    "acoustic folk",
    "ambient piano",
    "synthwave",
    "k-pop",
    "drum and bass",
    "jazz ballad",
)


LYRIC_WORDS = (
    "heart",
    "rain",
    "dancing",
    "fire",
    "ocean",
    "shadow",
    "morning",
    "dream",
    "broken",
    "silver",
    "thunder",
    "whisper",
    "highway",
    "window",
    "forever",
    "stranger",
    "candle",
)


def lyrics_for(index: int) -> str:
    """About 700 characters, like the songs in the relay's docs (530-570)."""
    w = LYRIC_WORDS
    lines = [
        f"{w[(index + n) % len(w)]} lights over the {w[(index * 3 + n) % len(w)]} {w[(index * 5 + n) % len(w)]} road"
        for n in range(16)
    ]
    return (
        "[Verse]\n"
        + "\n".join(lines[:6])
        + "\n\n[Chorus]\n"
        + "\n".join(lines[6:10])
        + f"\n\n[Verse 2]\nSong number {index}\n"
        + "\n".join(lines[10:])
    )


def build_library(root: Path, clips: int, shared_lyrics: bool = False) -> None:
    from suno_desktop.library.store import Library

    now = time.time()
    with Library(root, create=True) as library, library.transaction() as conn:
        task_rows, clip_rows = [], []
        for n in range(clips // 2):
            task_id = str(uuid.UUID(int=n + 1))
            task_rows.append((task_id, "MUSIC", "SUCCESS", now))
            for position in range(2):
                index = n * 2 + position
                title = f"{WORDS[index % len(WORDS)].title()} {WORDS[(index * 7) % len(WORDS)].title()} {index}"
                lyrics = lyrics_for(n * 2 if shared_lyrics else index)  # a task's takes: one prompt
                clip_rows.append(
                    (
                        str(uuid.UUID(int=10**9 + index)),
                        task_id,
                        position,
                        title,
                        STYLES[index % len(STYLES)],
                        lyrics,
                        "chirp-v4",
                        120 + index % 180,
                        time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(now - index * 60)),
                        "complete",
                        "ready",
                        f"covers/{index}.jpg",
                        now,
                    )
                )
        conn.executemany("INSERT INTO tasks(task_id, action, status, added_at) VALUES (?,?,?,?)", task_rows)
        conn.executemany(
            """INSERT INTO clips(clip_id, task_id, position, title, tags, lyrics, model, duration,
                   created_at, relay_status, state, cover_path, updated_at)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            clip_rows,
        )


def build_apart(root: Path, clips: int, shared_lyrics: bool = False) -> None:
    """Build the library in a child process: its rows would otherwise count in the window's peak RSS."""
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=build_library, args=(root, clips, shared_lyrics))
    child.start()
    child.join()
    if child.exitcode:
        raise SystemExit(f"building the library failed ({child.exitcode})")


LIST_QUERIES = (
    "echo",
    'lyrics:"song number 7"',
    "rating:>=4",
    "neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30",
)


def time_list_queries(library: Path, work: Path) -> dict[str, float]:
    """Seconds ``suno-desktop list --query`` takes, from the process's start to its end (best of three)."""
    import subprocess

    env = dict(os.environ, SUNO_DESKTOP_CONFIG_DIR=str(work / "list-config"))
    figures = {}
    for query in LIST_QUERIES:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "suno_desktop", "list", "--library", str(library), "--query", query],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
                check=True,
            )
            runs.append(time.perf_counter() - started)
        figures[query] = round(min(runs), 3)
    return figures


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def until_quiet(app, events: list, seconds: float = 0.5) -> None:
    """Run the event loop until *events* has not grown for *seconds*."""
    from PySide6.QtCore import QEventLoop

    quiet_since, seen = time.perf_counter(), len(events)
    while time.perf_counter() - quiet_since < seconds:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if len(events) != seen:
            quiet_since, seen = time.perf_counter(), len(events)


def compile_the_app() -> None:
    """Write the app's bytecode first, as an installed or packaged app has it.

    A checkout run with PYTHONDONTWRITEBYTECODE (this machine sets it) would otherwise compile
    every module from source at each start: ~0.12 s of "main() to filled" and of each ``list``.
    """
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "suno_desktop"), quiet=1)


def main() -> int:
    args = parse_args()
    compile_the_app()
    scenario = Scenario(args.profile, args.sync_clips, args.ttfb, args.rate, args.pending, args.jobs)
    if args.runs > 1:
        return run_repeated(scenario, args.runs, args.json)
    if args.only_sync:
        work = Path(tempfile.mkdtemp(prefix="suno-gui-bench-"))
        try:
            return print_figures(args, run_sync_phase(work, scenario))
        finally:
            remove_work(work)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="suno-gui-bench-"))
    os.environ["SUNO_DESKTOP_CONFIG_DIR"] = str(work / "config")
    library_dir = args.keep or work / "Library"

    started = time.perf_counter()
    build_apart(Path(library_dir), args.clips, args.shared_lyrics)
    build_seconds = time.perf_counter() - started
    list_seconds = time_list_queries(Path(library_dir), work)

    from suno_desktop.settings import Settings, SettingsStore

    SettingsStore(use_keyring=False).save(Settings(base_url="http://127.0.0.1:9", token="bench"))
    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(["gui_bench"])
    rss_before = peak_rss_mb()
    from suno_desktop import app as suno_app

    heartbeat = QTimer()  # wakes the waiting loops below at least every 10 ms
    heartbeat.start(10)
    t0 = time.perf_counter()
    suno_app.main(["--library", str(library_dir)])
    main_returned = time.perf_counter() - t0
    window = suno_app.open_windows[-1]
    synced = first_sync_done(window)  # main() has only asked for the library: the sync starts after it
    # wait in the event loop (as app.exec() would), not in a busy loop that starves the workers
    while not (window.isVisible() and window.model.rowCount() == args.clips):
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if time.perf_counter() - t0 > 60:
            raise SystemExit("the table did not fill within 60 s")
    app.processEvents()
    shown = time.perf_counter() - t0
    while not window.model.searchable:  # the search's words are read after the rows, on a worker
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    searchable = time.perf_counter() - t0

    settle = time.perf_counter()
    while not synced():  # the first sync's pass over every clip, on a worker
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    startup_sync_s = time.perf_counter() - settle + shown

    search = window.search

    painted = []  # the table's paint events, seen by an event filter (the paint follows the filter)

    class PaintSeen(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint:
                painted.append(True)
            return False

    paint_seen = PaintSeen()
    window.table.viewport().installEventFilter(paint_seen)

    def until_repainted(action) -> float:
        """Seconds from *action* to the table filtered and repainted (once: by Qt, or here when Qt did not)."""
        painted.clear()
        t = time.perf_counter()
        action()
        app.processEvents()  # the posted repaint is done before this returns
        if not painted:
            window.table.viewport().repaint()
        return time.perf_counter() - t

    window.table.viewport().repaint()
    filtered_at = []  # the model's layout change ends a search pass
    window.model.layoutChanged.connect(lambda: filtered_at.append(time.perf_counter()))
    keystrokes, passes, matches, texts_typed = [], [], [], []
    # typing narrows (only the previous matches are searched); Backspace widens (all clips)
    typed_keys = [*"echo", Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, *"cho"]
    for key in typed_keys:
        filtered_at.clear()
        pressed = time.perf_counter()
        keystrokes.append(until_repainted(lambda key=key: QTest.keyClick(search, key)))
        passes.append(filtered_at[0] - pressed if filtered_at else 0.0)
        matches.append(window.proxy.rowCount())
        texts_typed.append(search.text())
    assert window.proxy.filter_text == "echo"
    clear_seconds = until_repainted(search.clear)

    window.table.selectAll()  # Ctrl+A: the search has to carry a selection of every row
    app.processEvents()
    selected_keystrokes = [
        until_repainted(lambda key=key: QTest.keyClick(search, key))
        for key in ("e", "c", Qt.Key.Key_Backspace, Qt.Key.Key_Backspace)
    ]
    window.table.clearSelection()

    def settled(seconds: float = 0.15) -> None:
        """Events handled for a while, as between a person's actions (the detail pane's reads come back)."""
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)

    # queries put whole (as pasted), each in the emptied box: every row is asked (no narrowing)
    query_ms = {}
    for query in QUERIES:
        search.clear()
        settled()
        query_ms[query] = until_repainted(lambda query=query: search.setText(query))
    # and typed key by key: the slowest key of each (a query's comparisons ask every row at each key)
    query_typed_ms = {}
    for query in TYPED_QUERIES:
        search.clear()
        settled()
        query_typed_ms[query] = max(until_repainted(lambda key=key: QTest.keyClicks(search, key)) for key in query)
        assert search.text() == query
    search.clear()
    app.processEvents()

    sorts = {}
    from suno_desktop.ui.clip_rows import COL_CREATED, COL_DURATION, COL_TITLE

    for name, column in (("title", COL_TITLE), ("duration", COL_DURATION), ("created", COL_CREATED)):
        t = time.perf_counter()
        window.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        app.processEvents()
        sorts[name] = time.perf_counter() - t

    # the same keys in a table sorted by created (the texts are then read out of the rows' order)
    sorted_keystrokes = [until_repainted(lambda key=key: QTest.keyClick(search, key)) for key in typed_keys]
    search.clear()
    app.processEvents()

    loaded = []  # the cache says ready once per cover it finished loading (or failed to)
    window.thumbnails.ready.connect(loaded.append)
    until_quiet(app, loaded)  # covers of the rows shown before scrolling
    loaded.clear()
    bar = window.table.verticalScrollBar()
    pages = 20
    for step in range(1, pages + 1):
        bar.setValue(bar.maximum() * step // pages)
        app.processEvents()
    visible_rows = window.table.viewport().height() // window.table.verticalHeader().defaultSectionSize() + 1
    until_quiet(app, loaded)
    thumbnail_loads = len(loaded)

    figures = {
        "clips": args.clips,
        "build_library_s": round(build_seconds, 2),
        "list_query_s": list_seconds,
        "main_returned_window_shown_s": round(main_returned, 3),
        "window_shown_and_filled_s": round(shown, 3),
        "search_words_read_s": round(searchable, 3),
        "startup_sync_pass_done_s": round(startup_sync_s, 3),
        "filter_keystroke_ms": [round(k * 1000, 1) for k in keystrokes],
        "filter_keystroke_max_ms": round(max(keystrokes) * 1000, 1),
        "filter_pass_ms": [round(p * 1000, 1) for p in passes],
        "search_box_after_each_key": texts_typed,
        "rows_matching": matches,
        "filter_clear_ms": round(clear_seconds * 1000, 1),
        "filter_keystroke_sorted_table_ms": [round(k * 1000, 1) for k in sorted_keystrokes],
        "keystrokes_with_every_row_selected_ms": [round(k * 1000, 1) for k in selected_keystrokes],
        "query_ms": {query: round(seconds * 1000, 1) for query, seconds in query_ms.items()},
        "query_typed_slowest_key_ms": {query: round(seconds * 1000, 1) for query, seconds in query_typed_ms.items()},
        "sort_ms": {k: round(v * 1000, 1) for k, v in sorts.items()},
        "thumbnail_loads_after_scrolling": thumbnail_loads,
        "scroll_positions_visited": pages,
        "visible_rows_per_page": visible_rows,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_main_mb": round(rss_before, 1),
    }
    window.close()
    if args.sync_clips != 0:
        figures.update(run_window_sync(app, work, scenario))
    remove_work(work)  # the settings and the synced library (--keep's library lives elsewhere)
    return print_figures(args, figures)


#: a query of each kind, put in the search box of the 100,000-clip window
QUERIES = (
    "rating:>=4",
    "plays:>3",
    "duration:>2:30",
    "added:7d",
    "created:>2026-01-01",
    "is:unplayed",
    "-is:extension",
    "title:neon",
    "style:pop",
    "lyrics:rain",
    '"song number 7"',
    'lyrics:"song number 7"',
    "id:0000",
    "model:chirp",
    "playlist:road",
    "neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30",
)


#: queries typed key by key into the search box
TYPED_QUERIES = (
    "neon -is:extension (rating:>=4 OR plays:>3) duration:>2:30",
    'lyrics:"song number 7"',
    "added:<2w style:pop",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=50_000)
    parser.add_argument(
        "--shared-lyrics",
        action="store_true",
        help="the two takes of a task sing the same lyrics, as Suno makes them (default: every clip its own)",
    )
    parser.add_argument("--keep", type=Path, help="build the library here and keep it")
    parser.add_argument("--only-sync", action="store_true", help="only the window during a sync")
    parser.add_argument(
        "--sync-clips", type=int, help="clips the window syncs (default: 1000, 120 for wan, 400 for 1mb; 0: skip)"
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="tiny",
        help="media of the window's sync: tiny (default: the bundled demo files, ~220 kB a clip), realistic "
        "(~4.5 MB a clip), 1mb (~2 MB a clip) or wan (1mb media from a distant CDN: 120 clips, "
        "100 ms to the first byte, 2 MB/s a connection)",
    )
    parser.add_argument("--ttfb", type=float, help="seconds before each media answer (default: the profile's)")
    parser.add_argument("--rate", type=int, help="bytes/s per media connection (default: the profile's; 0: unpaced)")
    parser.add_argument("--pending", type=float, default=0.1, help="fraction of tasks still generating (default 0.1)")
    parser.add_argument("--jobs", type=int, default=0, help="the Parallel downloads setting (default 0: Automatic)")
    parser.add_argument(
        "--runs", type=int, default=1, help="window syncs, each in a fresh process (implies --only-sync)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if (args.ttfb or 0) < 0 or (args.rate or 0) < 0 or args.jobs < 0 or args.runs < 1 or (args.sync_clips or 0) < 0:
        parser.error("--ttfb, --rate, --jobs and --sync-clips must be >= 0, --runs >= 1")
    return args


def run_sync_phase(work: Path, scenario: Scenario) -> dict:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["SUNO_DESKTOP_CONFIG_DIR"] = str(work / "config")
    from PySide6.QtWidgets import QApplication

    app = QApplication(["gui_bench"])
    return run_window_sync(app, work, scenario)


def print_figures(args, figures: dict) -> int:
    if args.json:
        print(json.dumps(figures, indent=2))
    elif "scenario" in figures and args.only_sync:
        print("\n".join(summary_lines(figures)))
    else:
        for key, value in figures.items():
            print(f"{key:34} {value}")
        if "scenario" in figures:
            print("\n".join(summary_lines(figures)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
