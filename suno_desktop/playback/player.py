"""The offline audio player: plays the library's local files, never a URL over the network.

Qt Multimedia is imported lazily and defensively: on a machine where it cannot load
(typically Linux without libpulse0) or has no backend, the player reports itself as
unavailable with one sentence saying why, and the rest of the app keeps working.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import Q_ARG, QCoreApplication, QMetaObject, QObject, Qt, QUrl, Signal

from .ffmpeg_log import quiet_ffmpeg, quiet_sound_server_notes
from .play_counter import PlayCounter

logger = logging.getLogger(__name__)

DEFAULT_VOLUME = 80
NO_OUTPUT_NOTICE = "No audio output device: playing silently."


def import_multimedia(*, widgets: bool = False) -> SimpleNamespace:
    """The Qt Multimedia classes, imported only when a player is made (raises if they cannot load)."""
    from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

    try:
        from PySide6.QtMultimedia import QtAudio
    except ImportError:  # older Qt names the namespace QAudio
        from PySide6.QtMultimedia import QAudio as QtAudio
    modules = SimpleNamespace(
        QAudioOutput=QAudioOutput, QMediaDevices=QMediaDevices, QMediaPlayer=QMediaPlayer, QtAudio=QtAudio
    )
    if widgets:
        from PySide6.QtMultimediaWidgets import QVideoWidget

        modules.QVideoWidget = QVideoWidget
    return modules


def unavailable_sentence(exc: BaseException, what: str = "Playback") -> str:
    """One sentence for the user about why Qt Multimedia could not be loaded."""
    detail = str(exc)
    if "libpulse" in detail:
        return f"{what} is off: Qt Multimedia could not be loaded (libpulse0 is missing)."
    if "libEGL" in detail or "libGL" in detail:
        return f"{what} is off: Qt Multimedia could not be loaded (the OpenGL/EGL libraries are missing)."
    return f"{what} is off: Qt Multimedia could not be loaded."


class MediaUnavailable(Exception):
    """Qt Multimedia cannot play here; ``str()`` is the sentence to show."""


def create_media_player(owner: QObject, what: str, *, widgets: bool = False, volume: int = DEFAULT_VOLUME):
    """(modules, QMediaPlayer, QAudioOutput) owned by *owner*, or :class:`MediaUnavailable`.

    Shared by the audio player and the video view: both must degrade to one sentence
    saying why ("Playback is off: …", "Video is off: …") instead of failing.
    """
    try:
        mm = import_multimedia(widgets=widgets)
    except Exception as exc:
        logger.warning("Qt Multimedia could not be loaded: %s", exc)
        raise MediaUnavailable(unavailable_sentence(exc, what)) from exc
    verbose = logging.getLogger().isEnabledFor(logging.DEBUG)  # --verbose keeps the backends' own chatter
    if not verbose:
        quiet_sound_server_notes()
    try:
        media_player = mm.QMediaPlayer(owner)
        if not verbose:
            quiet_ffmpeg()  # after the first player: loading the backend sets FFmpeg's level anew
        if not media_player.isAvailable():
            media_player.deleteLater()
            logger.warning("QMediaPlayer reports no available backend")
            raise MediaUnavailable(f"{what} is off: Qt Multimedia has no working media backend.")
        audio_output = mm.QAudioOutput(owner)
        media_player.setAudioOutput(audio_output)
    except MediaUnavailable:
        raise
    except Exception as exc:
        logger.warning("QMediaPlayer could not be created: %s", exc)
        raise MediaUnavailable(f"{what} is off: the media player could not be created.") from exc
    set_output_volume(audio_output, volume)
    return mm, media_player, audio_output


def perceptual_to_linear(percent: int) -> float:
    """Map a 0–100 slider value to the output's linear gain so equal steps sound equal."""
    fraction = max(0, min(100, percent)) / 100
    try:
        from PySide6.QtMultimedia import QtAudio

        return float(
            QtAudio.convertVolume(
                fraction, QtAudio.VolumeScale.LogarithmicVolumeScale, QtAudio.VolumeScale.LinearVolumeScale
            )
        )
    except Exception:
        return fraction


def call_slot(target: QObject, slot: str, *arguments) -> None:
    """Call a Qt slot on ``target`` right now, with Python's GIL released while it runs.

    Qt's FFmpeg backend stops and starts its decoder threads inside play/pause/stop/setPosition,
    and those threads may need the GIL (PySide checks every wrapped QtMultimedia object for
    Python overrides). PySide keeps the GIL during a plain method call, so ``player.stop()``
    can deadlock the app; QMetaObject.invokeMethod releases it.
    """
    if not QMetaObject.invokeMethod(target, slot, Qt.ConnectionType.DirectConnection, *arguments):
        logger.warning("Could not call %s on %s", slot, type(target).__name__)


def seek_media(media_player: QObject, ms: int) -> None:
    call_slot(media_player, "setPosition", Q_ARG("qint64", max(0, int(ms))))


def set_output_volume(audio_output: QObject, percent: int) -> None:
    call_slot(audio_output, "setVolume", Q_ARG("float", perceptual_to_linear(percent)))


def same_file(first: Path | None, second: Path | None) -> bool:
    """Whether two paths name the same file, whether or not it still exists."""
    if first is None or second is None:
        return False
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(first)) == os.path.normcase(os.path.abspath(second))


class MediaProblem(Enum):
    """Why a file cannot be played, as the sentence says it (the value)."""

    MISSING = "the file is missing"
    UNREADABLE = "the file cannot be read (permission denied)"
    UNSUPPORTED = "the file is damaged or not in a supported format"
    DAMAGED = "the file is damaged"
    OTHER = ""  # Qt's own words, or a general sentence

    @classmethod
    def of_qt_error(cls, error_name: str) -> MediaProblem:
        """The problem a ``QMediaPlayer.Error`` (by name: the enum differs across Qt versions) stands for."""
        return {
            "AccessDeniedError": cls.UNREADABLE,
            "FormatError": cls.UNSUPPORTED,
            "ResourceError": cls.UNSUPPORTED,
        }.get(error_name, cls.OTHER)


def file_problem(path: Path) -> MediaProblem | None:
    """Why *path* cannot be loaded at all (missing, unreadable), or None: checked before Qt is asked."""
    if not path.is_file():
        return MediaProblem.MISSING
    if not os.access(path, os.R_OK):
        return MediaProblem.UNREADABLE
    return None


def media_error_sentence(problem: MediaProblem, title: str, detail: str = "") -> str:
    """The sentence shown when a file cannot be played; *detail* is Qt's text, said for OTHER."""
    reason = problem.value or (detail.rstrip(".") if detail else "the file could not be played")
    return f"Cannot play “{title}”: {reason}."


@dataclass
class ReleasedClip:
    """What was loaded before :meth:`Player.release`, so playback can continue afterwards."""

    clip_id: str
    path: Path
    title: str
    position: int
    was_playing: bool


class Player(QObject):
    """One QMediaPlayer + QAudioOutput, addressed by clip id, with errors as sentences."""

    current_changed = Signal(str)  # clip id now loaded ("" when stopped/cleared)
    playing_changed = Signal(bool)
    position_changed = Signal(int)  # ms
    duration_changed = Signal(int)  # ms
    finished = Signal(str)  # clip id that reached its end
    error = Signal(str)  # one clear sentence
    volume_changed = Signal(int)  # 0..100, so every volume control follows set_volume()
    notice_changed = Signal(str)  # e.g. the audio output device went away ("" when fine)
    play_counted = Signal(str)  # clip id heard for half its length or 4 minutes since it started

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.unavailable_reason = ""
        self._clip_id = ""
        self._path: Path | None = None
        self._title = ""
        self._playing = False
        self._position = 0
        self._duration = 0
        self._volume = DEFAULT_VOLUME
        self._pending_seek: int | None = None
        self._error_reported = False
        self._released: ReleasedClip | None = None
        self._has_audio_output = False
        self._mm: SimpleNamespace | None = None
        self._media_player = None
        self._audio_output = None
        self._devices = None
        self._counter = PlayCounter()
        self._create_backend()

    # ------------------------------------------------------------------ setup

    def _create_backend(self) -> None:
        try:
            mm, media_player, audio_output = create_media_player(self, "Playback", volume=self._volume)
            devices = mm.QMediaDevices(self)
        except MediaUnavailable as exc:
            self.unavailable_reason = str(exc)
            return
        self._mm = mm
        self._media_player = media_player
        self._audio_output = audio_output
        self._devices = devices
        media_player.playbackStateChanged.connect(self._on_state_changed)
        media_player.mediaStatusChanged.connect(self._on_status_changed)
        media_player.positionChanged.connect(self._on_position_changed)
        media_player.durationChanged.connect(self._on_duration_changed)
        media_player.errorOccurred.connect(self._on_error)
        devices.audioOutputsChanged.connect(self._on_outputs_changed)
        app = QCoreApplication.instance()
        if app is not None:  # unload before Qt tears the player down, so no decoder thread outlives it
            app.aboutToQuit.connect(self.stop)
        self._has_audio_output = bool(mm.QMediaDevices.audioOutputs())
        if not self._has_audio_output:
            logger.info("No audio output device; playback will be silent")

    # ------------------------------------------------------------------ state

    @property
    def available(self) -> bool:
        return self._media_player is not None

    @property
    def has_audio_output(self) -> bool:
        return self._has_audio_output

    @property
    def notice(self) -> str:
        """A non-error remark for the status bar ("" when there is nothing to say)."""
        return NO_OUTPUT_NOTICE if self.available and not self._has_audio_output else ""

    @property
    def current_clip_id(self) -> str:
        return self._clip_id

    @property
    def current_path(self) -> Path | None:
        return self._path

    @property
    def is_playing(self) -> bool:
        return self._playing

    @property
    def position(self) -> int:
        return self._position

    @property
    def duration(self) -> int:
        return self._duration

    @property
    def volume(self) -> int:
        return self._volume

    @property
    def released_clip_id(self) -> str:
        """The clip let go of by :meth:`release` and not yet resumed ("" when none)."""
        return self._released.clip_id if self._released else ""

    # ------------------------------------------------------------------ commands

    def play(self, clip_id: str, path: Path, title: str = "") -> None:
        """Load a local file and play it; the same clip again restarts it (and may count as a play again)."""
        self._counter.start(clip_id)
        self._start(clip_id, Path(path), title, position=0, autoplay=True)

    def toggle(self) -> None:
        if self._media_player is None or not self._clip_id:
            return
        if self._playing:
            self.pause()
        else:
            call_slot(self._media_player, "play")

    def pause(self) -> None:
        if self._media_player is not None and self._clip_id:
            call_slot(self._media_player, "pause")

    def stop(self) -> None:
        """Stop and unload, so nothing is current any more."""
        self._released = None
        self._unload()

    def seek(self, ms: int) -> None:
        if self._media_player is None or not self._clip_id:
            return
        ms = max(0, int(ms))
        if self._duration:
            ms = min(ms, self._duration)
        seek_media(self._media_player, ms)
        self._set_position(ms)

    def set_volume(self, percent: int) -> None:
        volume = max(0, min(100, int(percent)))
        if self._audio_output is not None:
            set_output_volume(self._audio_output, volume)
        if volume != self._volume:
            self._volume = volume
            self.volume_changed.emit(volume)

    def release(self, path: Path) -> bool:
        """Let go of ``path`` if it is loaded, so the app can rewrite its tags, rename or delete it."""
        if self._media_player is None or not self._clip_id or not same_file(self._path, Path(path)):
            return False
        assert self._path is not None
        self._released = ReleasedClip(self._clip_id, self._path, self._title, self._position, self._playing)
        logger.info("Releasing %s at %d ms", self._path, self._position)
        self._unload()
        return True

    def resume_released(self, path: Path | None = None) -> None:
        """Reload what :meth:`release` let go of and continue where it was (``path``: its new name, if renamed)."""
        released, self._released = self._released, None
        if released is None:
            return
        self._start(
            released.clip_id,
            Path(path) if path is not None else released.path,
            released.title,
            position=released.position,
            autoplay=released.was_playing,
        )

    # ------------------------------------------------------------------ internals

    def _start(self, clip_id: str, path: Path, title: str, *, position: int, autoplay: bool) -> None:
        title = title or path.stem or "Untitled"
        if self._media_player is None:
            self.error.emit(self.unavailable_reason)
            return
        problem = file_problem(path)
        if problem is not None:
            logger.warning("Cannot play %s: %s", path, problem.name.lower())
            self.error.emit(media_error_sentence(problem, title))
            return
        self._released = None
        url = QUrl.fromLocalFile(str(path.resolve()))
        if clip_id == self._clip_id and url == self._media_player.source():
            seek_media(self._media_player, position)  # same source: setSource would do nothing
        else:
            self._clip_id, self._path, self._title = clip_id, path, title
            self._error_reported = False
            self._pending_seek = position or None
            self._set_position(0)
            self._set_duration(0)
            logger.info("Loading %s (%s)", path, clip_id)
            self.current_changed.emit(clip_id)  # before setSource, which may fail (and clear it) at once
            self._media_player.setSource(url)
        if self._clip_id and autoplay:  # an error while loading may already have cleared it
            call_slot(self._media_player, "play")

    def _unload(self) -> None:
        had_clip = bool(self._clip_id)
        self._clip_id, self._path, self._title = "", None, ""
        self._pending_seek = None
        if self._media_player is not None:
            call_slot(self._media_player, "stop")
            self._media_player.setSource(QUrl())
        self._set_playing(False)
        self._set_position(0)
        self._set_duration(0)
        if had_clip:
            self.current_changed.emit("")

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    def _set_position(self, ms: int) -> None:
        if ms != self._position:
            self._position = ms
            self.position_changed.emit(ms)
            if self._clip_id == self._counter.clip_id and self._counter.feed(ms, self._duration):
                self.play_counted.emit(self._clip_id)

    def _set_duration(self, ms: int) -> None:
        if ms != self._duration:
            self._duration = ms
            self.duration_changed.emit(ms)

    def _on_state_changed(self, state) -> None:
        self._set_playing(state == self._mm.QMediaPlayer.PlaybackState.PlayingState)

    def _on_position_changed(self, ms: int) -> None:
        if self._clip_id:
            self._set_position(int(ms))

    def _on_duration_changed(self, ms: int) -> None:
        if self._clip_id:
            self._set_duration(int(ms))

    def _on_status_changed(self, status) -> None:
        statuses = self._mm.QMediaPlayer.MediaStatus
        if status in (statuses.LoadedMedia, statuses.BufferingMedia, statuses.BufferedMedia):
            if self._pending_seek is not None:  # a seek before loading is ignored, so apply it now
                position, self._pending_seek = self._pending_seek, None
                seek_media(self._media_player, position)
        elif status == statuses.EndOfMedia and self._clip_id:
            logger.info("Finished %s", self._clip_id)
            self._counter.start(self._clip_id)  # played again from the top (the play button, Repeat): counts again
            self.finished.emit(self._clip_id)
        elif status == statuses.InvalidMedia and self._clip_id and not self._error_reported:
            self._report_failure(MediaProblem.DAMAGED, "")

    def _on_error(self, error, error_string: str) -> None:
        if error == self._mm.QMediaPlayer.Error.NoError or not self._clip_id:
            return
        self._report_failure(MediaProblem.of_qt_error(error.name), error_string)

    def _report_failure(self, problem: MediaProblem, detail: str) -> None:
        path, title = self._path, self._title
        if path is not None and not path.exists():
            problem = MediaProblem.MISSING
        logger.warning("Cannot play %s: %s (%s)", path, problem.name, detail)
        self._error_reported = True
        sentence = media_error_sentence(problem, title, detail)
        self._released = None
        self._unload()
        self.error.emit(sentence)

    def _on_outputs_changed(self) -> None:
        """Follow the system's default output as devices come and go (a plugged-in headset, say)."""
        has_output = bool(self._mm.QMediaDevices.audioOutputs())
        if self._audio_output is not None and has_output:
            self._audio_output.setDevice(self._mm.QMediaDevices.defaultAudioOutput())
        if has_output != self._has_audio_output:
            self._has_audio_output = has_output
            logger.info("Audio output %s", "available" if has_output else "gone; playing silently")
            self.notice_changed.emit(self.notice)
