"""Take the README's screenshots from the real window on the demo library, light and dark, small and large.

Run it under a real X server so fonts and styles are the ones a user sees::

    xvfb-run -a -s "-screen 0 1920x1200x24" .venv/bin/python packaging/screenshots.py [--out DIR]

It opens the window as ``suno-desktop --demo`` does (a fresh library in a temporary folder,
its settings in a scratch folder), waits until the demo's songs are downloaded and tagged,
selects a song with lyrics, starts it playing and saves one PNG per appearance and size.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {"large": (1600, 1000), "small": (900, 600)}


def wait_until(app, condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def pause(app, seconds: float) -> None:
    wait_until(app, lambda: False, seconds)


def songs_ready(window) -> bool:
    from suno_desktop.model import ClipKind, ClipState

    records = window.model.records()
    songs = [r for r in records if r.kind is ClipKind.MUSIC]
    return len(songs) >= 6 and all(r.state in (ClipState.READY, ClipState.FAILED) for r in songs)


def select_song(window, title: str) -> None:
    proxy, model = window.proxy, window.model
    for row in range(proxy.rowCount()):
        record = model.record(proxy.mapToSource(proxy.index(row, 0)).row())
        if record.title == title:
            window.table.selectRow(row)
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--song", default="Harbour at Dawn", help="the song selected and playing")
    parser.add_argument("--small", action="store_true", help="also at 900×600, to look at (the README shows the large)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="suno-shots-"))
    os.environ["SUNO_DESKTOP_CONFIG_DIR"] = str(scratch / "config")
    os.environ["SUNO_DESKTOP_KEYRING"] = "0"
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")

    from PySide6.QtWidgets import QApplication

    from suno_desktop import app as entry
    from suno_desktop.ui.theme import ColorScheme

    qt_app = QApplication([sys.argv[0]])
    entry.main(["--demo", "--library", str(scratch / "Demo Library")])
    window = entry.open_windows[-1]
    if not wait_until(qt_app, lambda: songs_ready(window), 90):
        print("the demo's songs did not arrive in 90 s", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    window.activateWindow()
    road_trip = add_playlists(window)
    wait_until(qt_app, lambda: window.sidebar.count_text(road_trip) not in ("", "0"), 10)
    select_song(window, args.song)
    window.play_queue.play_clip(window.detail.record.clip_id)
    wait_until(qt_app, lambda: window.player.position > 1500, 10)
    window.player.pause()
    for scheme in (ColorScheme.LIGHT, ColorScheme.DARK):
        window.set_color_scheme(scheme)
        for size_name, (width, height) in SIZES.items():
            if size_name == "small" and not args.small:
                continue
            window.resize(width, height)
            pause(qt_app, 0.6)
            suffix = "" if size_name == "large" else f"-{size_name}"
            path = args.out / f"main-window-{scheme.value}{suffix}.png"
            window.grab().save(str(path))
            print(path)
    window.set_color_scheme(ColorScheme.LIGHT)
    window.resize(*SIZES["large"])
    window.sidebar.select_source(road_trip)  # a playlist, in its order, with its # column
    wait_until(qt_app, lambda: window.proxy.rowCount() == 3, 10)
    pause(qt_app, 0.6)
    path = args.out / "playlist-light.png"
    window.grab().save(str(path))
    print(path)
    window.set_color_scheme(ColorScheme.SYSTEM)
    window.close()
    return 0


def add_playlists(window) -> tuple:
    """A playlist of three songs and a smart one, as a user would have them; the playlist's sidebar key."""
    from suno_desktop.library.playlists import Playlists, SmartOrder
    from suno_desktop.ui.source_sidebar import playlist_source

    store = Playlists(window.library)
    clips = [record.clip_id for record in window.model.records()]
    trip = store.create("Road Trip")
    store.add(trip, [clips[4], clips[0], clips[2]])
    store.create_smart("Longest", "duration:>=0:12", SmartOrder.LONGEST, 25)
    store.create("Ideas")
    window.library.set_rating(clips[:2], 5)
    window.playlists.refresh()
    return playlist_source(trip).key


if __name__ == "__main__":
    sys.exit(main())
