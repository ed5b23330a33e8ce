"""FFmpeg's own warnings ("stream 0, timescale not set"), and the sound server's absence, kept off the terminal.

Unless --verbose.

Qt Multimedia's FFmpeg backend routes its own messages through Qt's logging
categories (silenced by the app's filter rules), but FFmpeg's libraries print
through ``av_log`` straight to stderr. Its level is a process-wide setting of
libavutil, the one Qt ships beside itself: set once before anything plays.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

#: av_log's levels (libavutil/log.h): errors still reach the terminal, warnings and below do not
AV_LOG_ERROR = 16


def _libavutil_candidates() -> list[Path]:
    import PySide6

    qt = Path(PySide6.__file__).resolve().parent
    if sys.platform == "win32":
        return sorted(qt.glob("avutil-*.dll"))
    if sys.platform == "darwin":
        return sorted((qt / "Qt" / "lib").glob("libavutil*.dylib"))
    return sorted((qt / "Qt" / "lib").glob("libavutil.so*"))


def quiet_ffmpeg(level: int = AV_LOG_ERROR) -> bool:
    """Raise libavutil's log threshold to *level*; False when the library is not where Qt keeps it."""
    for path in _libavutil_candidates():
        try:
            library = ctypes.CDLL(str(path))
            library.av_log_set_level(ctypes.c_int(level))
        except (OSError, AttributeError) as exc:
            log.debug("could not quiet FFmpeg through %s: %s", path, exc)
            continue
        return True
    return False


#: what Qt Multimedia prints, uncategorised, on a machine without a sound server: the player says it
#: in the app's own words (the status bar's "Playback is off" or "playing silently"), and the log keeps it
SOUND_SERVER_NOTES = ("PulseAudioService: pa_context_connect() failed", "No audio device detected")
_quieted: list = []  # the handler, once installed (Qt keeps one per process)


def quiet_sound_server_notes() -> None:
    """Send Qt Multimedia's notes about a missing sound server to the log instead of the terminal.

    Every other Qt message goes on to the handler before this one, or to stderr as Qt would print it.
    """
    if _quieted:
        return
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode, context, message: str) -> None:
        if message.startswith(SOUND_SERVER_NOTES):
            log.debug("Qt Multimedia: %s", message)
        elif previous is not None:
            previous(mode, context, message)
        else:  # as Qt's own handler prints it: "category: message"
            category = getattr(context, "category", None)
            sys.stderr.write(f"{category}: {message}\n" if category and category != "default" else f"{message}\n")

    _quieted.append(handler)
    previous = qInstallMessageHandler(handler)
