"""FFmpeg's own warnings ("stream 0, timescale not set"), kept off the terminal unless --verbose.

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
