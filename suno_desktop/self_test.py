"""``--self-test``: is this installation (often a frozen bundle) complete?

Runs without showing a window: opens a temporary library, imports every module
the app needs (Qt Multimedia included), loads a bundled sample MP3 in the
player offscreen and waits for it to load, writes and reads back ID3 tags on a
copy. Prints one line per check; exits 0 when all pass, 1 otherwise.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

MODULES = (
    "suno_desktop.relay.client",
    "suno_desktop.relay.task_ids",
    "suno_desktop.library.store",
    "suno_desktop.library.sync",
    "suno_desktop.library.export",
    "suno_desktop.media.download",
    "suno_desktop.media.tagging",
    "suno_desktop.demo.relay_server",
    "suno_desktop.demo.catalog",
    "suno_desktop.settings",
    "suno_desktop.cli",
    "PySide6.QtCore",
    "PySide6.QtGui",
    "PySide6.QtWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtSvg",
    "suno_desktop.playback.player",
    "suno_desktop.ui.main_window",
)


def run_self_test(out=None) -> int:
    out = out or sys.stdout
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="suno-self-test-"))
    failures = 0

    def check(name: str, step: Callable[[], str]) -> None:
        nonlocal failures
        try:
            detail = step()
        except Exception as exc:
            failures += 1
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}", file=out)
            if os.environ.get("SUNO_DESKTOP_DEBUG"):
                traceback.print_exc(file=out)
        else:
            print(f"ok    {name}{': ' + detail if detail else ''}", file=out)

    try:
        check("modules", lambda: _import_modules())
        check("library", lambda: _open_library(work))
        check("bundled media", lambda: _bundled_media())
        check("ID3 tags", lambda: _tag_round_trip(work))
        check("playback", lambda: _play_sample(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"Self-test failed: {failures} check(s) broken.", file=out)
        return 1
    print("Self-test passed.", file=out)
    return 0


def _import_modules() -> str:
    for name in MODULES:
        importlib.import_module(name)
    return f"{len(MODULES)} imported"


def _open_library(work: Path) -> str:
    from .library.store import Library

    with Library(work / "Library", create=True) as library:
        library.add_task_ids(["self-test"])
        assert library.pending_task_ids() == ["self-test"], "the database did not keep a task"
        return f"schema {library.schema_version} in {library.db_path.name}"


def _sample_mp3() -> Path:
    from .resources import resource_path

    path = resource_path("demo", "song-1.mp3")
    if not path.is_file():
        raise FileNotFoundError(f"the bundled sample {path} is missing")
    return path


def _bundled_media() -> str:
    from .resources import resource_path

    wanted = [
        "demo/song-1.mp3",
        "demo/cover-1.jpg",
        "demo/cover-2.png",
        "demo/video-1.mp4",
        "icons/hicolor/256x256/apps/suno-desktop.png",
    ]
    missing = [name for name in wanted if not resource_path(*name.split("/")).is_file()]
    if missing:
        raise FileNotFoundError("missing: " + ", ".join(missing))
    return f"{len(wanted)} files present"


def _tag_round_trip(work: Path) -> str:
    from mutagen.id3 import ID3

    from .media.tagging import TagOptions, load_cover, write_id3_tags
    from .model import Clip, ClipStatus
    from .resources import resource_path

    copy = work / "tagged.mp3"
    shutil.copyfile(_sample_mp3(), copy)
    clip = Clip(
        clip_id="00000000-0000-4000-8000-000000000001",
        task_id="self-test",
        title="Self-test ♫",
        tags="test",
        lyrics="la la la",
        relay_status=ClipStatus.COMPLETE,
        created_at=datetime(2024, 12, 9, tzinfo=UTC),
    )
    write_id3_tags(copy, clip, TagOptions(), load_cover(resource_path("demo", "cover-1.jpg")))
    tags = ID3(copy)
    assert tags["TIT2"].text == ["Self-test ♫"], "the title did not read back"
    assert tags["TXXX:SUNO_CLIP_ID"].text == [clip.clip_id], "the clip id did not read back"
    assert tags.getall("APIC") and tags.getall("APIC")[0].mime == "image/jpeg", "the cover did not read back"
    return f"ID3v2.{tags.version[1]} written and read back"


def _play_sample(work: Path) -> str:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from .playback.player import Player

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "suno-desktop"])
    player = Player()
    if not player.available:
        raise RuntimeError(player.unavailable_reason)
    copy = work / "play.mp3"
    shutil.copyfile(_sample_mp3(), copy)
    errors: list[str] = []
    player.error.connect(errors.append)
    player.play("self-test", copy, "Self-test")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not errors and not (player.duration > 0 and player.position > 0):
        QCoreApplication.processEvents()
        time.sleep(0.01)
    try:
        if errors:
            raise RuntimeError(errors[0])
        if player.duration <= 0:
            raise TimeoutError("the sample MP3 did not load within 15 s")
        detail = f"sample loaded ({player.duration / 1000:.1f} s), position {player.position} ms"
        if player.notice:
            detail += f"; {player.notice}"
        return detail
    finally:
        player.stop()
        del app
