"""The Video tab: plays a clip's local MP4 with its own player, apart from the audio player bar.

One thing plays at a time (:meth:`VideoView.take_turns_with`): starting the video
pauses the song in the player bar, and starting a song pauses the video. A video
that has not started, has ended or was stopped shows the clip's cover, not the
black box the video widget leaves; one paused midway keeps its frame.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..playback.player import (
    MediaProblem,
    MediaUnavailable,
    Player,
    call_slot,
    create_media_player,
    file_problem,
    media_error_sentence,
    same_file,
    seek_media,
)
from ..time_formats import format_time
from .cover_view import CoverView
from .icons import standard_icon
from .seek_slider import SeekSlider

logger = logging.getLogger(__name__)

NO_VIDEO = "No video for this clip"
VIDEO_CLOSED = "The video was closed while its file changes."


class VideoView(QWidget):
    """A QVideoWidget with play/pause and seek; the cover while idle, a centred label when there is no video."""

    playing_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoView")
        self.current_path: Path | None = None
        self.title = ""
        self.unavailable_reason = ""
        self._released: tuple[Path, str, int, str] | None = None  # path, title, position, clip id
        self._pending_seek: int | None = None
        self._other: Player | None = None  # the audio player this view takes turns with
        self._started = False  # played since it was loaded, and not ended or stopped: its frame is worth showing
        self._mm = None
        self._media_player = None
        self._audio_output = None
        self.video_widget: QWidget | None = None

        self.message = QLabel(NO_VIDEO)
        self.message.setObjectName("videoMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setMargin(16)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.cover = CoverView()
        self.cover.setObjectName("videoCover")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.cover)

        self.play_pause_button = QToolButton()
        self.play_pause_button.setObjectName("videoPlayPauseButton")
        self.play_pause_button.setAutoRaise(True)
        self.play_pause_button.setIconSize(QSize(20, 20))
        self.play_pause_button.setToolTip("Play/Pause video")
        self.play_pause_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.play_pause_button.clicked.connect(self.toggle)
        self.seek_slider = SeekSlider()
        self.seek_slider.setObjectName("videoSeekSlider")
        self.time_label = QLabel()
        self.time_label.setObjectName("videoTimeLabel")
        self.time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.time_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:00 / 00:00") + 4)
        self.seek_slider.valueChanged.connect(self._show_time)
        self.seek_slider.seek_requested.connect(self.seek)
        controls = QHBoxLayout()
        controls.setContentsMargins(6, 4, 8, 4)
        controls.setSpacing(6)
        controls.addWidget(self.play_pause_button)
        controls.addWidget(self.seek_slider, 1)
        controls.addWidget(self.time_label)
        self.controls = QWidget()
        self.controls.setObjectName("videoControls")
        self.controls.setLayout(controls)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.controls)

        self._create_backend()
        self._show_playing(False)
        self._show_time()
        self._show_message(self.unavailable_reason or NO_VIDEO)

    def _create_backend(self) -> None:
        try:
            mm, media_player, audio_output = create_media_player(self, "Video", widgets=True)
            video_widget = mm.QVideoWidget()
            video_widget.setObjectName("videoWidget")
            media_player.setVideoOutput(video_widget)
        except MediaUnavailable as exc:
            self.unavailable_reason = str(exc)
            return
        except Exception as exc:
            self.unavailable_reason = "Video is off: the video player could not be created."
            logger.warning("Video player could not be created: %s", exc)
            return
        self._mm = mm
        self._media_player = media_player
        self._audio_output = audio_output
        self.video_widget = video_widget
        self.stack.addWidget(video_widget)
        media_player.playbackStateChanged.connect(self._on_state_changed)
        media_player.positionChanged.connect(lambda ms: self.seek_slider.show_position(int(ms)))
        media_player.durationChanged.connect(self._show_duration)
        media_player.mediaStatusChanged.connect(self._on_status_changed)
        media_player.errorOccurred.connect(self._on_error)
        app = QCoreApplication.instance()
        if app is not None:  # unload before Qt tears the player down, so no decoder thread outlives it
            app.aboutToQuit.connect(self._unload)

    # ------------------------------------------------------------------ state

    @property
    def available(self) -> bool:
        return self._media_player is not None

    @property
    def is_playing(self) -> bool:
        return self._media_player is not None and self._media_player.isPlaying()

    @property
    def position(self) -> int:
        return int(self._media_player.position()) if self._media_player is not None and self.current_path else 0

    @property
    def duration(self) -> int:
        return int(self._media_player.duration()) if self._media_player is not None and self.current_path else 0

    # ------------------------------------------------------------------ commands

    def take_turns_with(self, player: Player) -> None:
        """One thing plays at a time: the video pauses *player* when it starts, and *player* pauses the video."""
        self._other = player
        # At once, not queued: a pause still queued from an earlier start would stop a later one.
        self.playing_changed.connect(self._pause_the_other)
        player.playing_changed.connect(self._pause_for_the_other)

    def _pause_the_other(self, playing: bool) -> None:
        if playing and self._other is not None:
            self._other.pause()

    def _pause_for_the_other(self, playing: bool) -> None:
        if playing:
            self.pause()

    def set_cover(self, pixmap: QPixmap | None) -> None:
        """The clip's cover, shown while the video is idle or has ended (none: its title in a frame)."""
        self.cover.set_pixmap(pixmap if pixmap is not None and not pixmap.isNull() else None)

    def show_video(self, path: Path | None, title: str) -> None:
        """Load ``path`` paused, showing the cover until it plays, or show why there is nothing to play."""
        self._released = None
        self._load(Path(path) if path is not None else None, title, position=0)

    def play(self) -> None:
        if self._media_player is not None and self.current_path is not None:
            call_slot(self._media_player, "play")

    def pause(self) -> None:
        if self._media_player is not None and self.current_path is not None:
            call_slot(self._media_player, "pause")

    def toggle(self) -> None:
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def seek(self, ms: int) -> None:
        if self._media_player is not None and self.current_path is not None:
            seek_media(self._media_player, ms)

    def stop(self) -> None:
        if self._media_player is not None:
            call_slot(self._media_player, "stop")
        self._started = False
        self._show_page()

    @property
    def released_clip_id(self) -> str:
        """The clip whose video :meth:`release` closed and nothing reloaded since ("" when none)."""
        return self._released[3] if self._released else ""

    def release(self, path: Path, clip_id: str = "") -> bool:
        """Close ``path`` if it is loaded, so the app can rename or delete it; True if it was."""
        if self._media_player is None or not same_file(self.current_path, Path(path)):
            return False
        assert self.current_path is not None
        self._released = (self.current_path, self.title, self.position, clip_id)
        logger.info("Releasing video %s", self.current_path)
        self._unload()
        self._show_message(VIDEO_CLOSED)
        return True

    def resume_released(self, path: Path | None = None) -> None:
        """Reload the video :meth:`release` closed, paused where it was (``path``: its new name, if renamed)."""
        released, self._released = self._released, None
        if released is not None:
            old_path, title, position, _clip_id = released
            self._load(Path(path) if path is not None else old_path, title, position=position)

    # ------------------------------------------------------------------ internals

    def _load(self, path: Path | None, title: str, *, position: int) -> None:
        self.title = title or (path.stem if path else "")
        if self._media_player is None:
            self.current_path = path
            self._show_message(self.unavailable_reason)
            return
        self._unload()
        if path is None:
            self._show_message(NO_VIDEO)
            return
        display_title = self.title or "Untitled"
        problem = file_problem(path)
        if problem is not None:
            self._fail(media_error_sentence(problem, display_title))
            return
        self.current_path = path
        self._pending_seek = position or None
        self._started = bool(position)  # a video let go of midway comes back on its frame
        self.cover.set_placeholder(display_title)
        self._show_page()
        self.controls.setEnabled(True)
        logger.info("Loading video %s", path)
        self._media_player.setSource(QUrl.fromLocalFile(str(path.resolve())))
        # Not paused here to decode a frame: a pause asked for while the file loads is applied once it
        # has loaded, and would stop a Play pressed in between. The cover shows until it plays.

    def _unload(self) -> None:
        self.current_path = None
        self._pending_seek = None
        self._started = False
        if self._media_player is not None:
            call_slot(self._media_player, "stop")
            self._media_player.setSource(QUrl())
        self._show_duration(0)
        self.seek_slider.show_position(0)

    def _fail(self, sentence: str) -> None:
        logger.warning("%s", sentence)
        self._unload()
        self._show_message(sentence)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self.controls.setEnabled(False)

    def _show_page(self) -> None:
        """The video's frame once it has played; before that, after its end or a stop, the cover."""
        if self.current_path is not None and self.video_widget is not None:
            self.stack.setCurrentWidget(self.video_widget if self._started else self.cover)

    def _on_state_changed(self, state) -> None:
        playing = state == self._mm.QMediaPlayer.PlaybackState.PlayingState
        if playing:
            self._started = True
        elif state == self._mm.QMediaPlayer.PlaybackState.StoppedState:
            self._started = False
        self._show_page()
        self._show_playing(playing)
        self.playing_changed.emit(playing)

    def _show_playing(self, playing: bool) -> None:
        self.play_pause_button.setIcon(standard_icon("media-playback-pause" if playing else "media-playback-start"))
        self.play_pause_button.setAccessibleName("Pause video" if playing else "Play video")

    def _show_duration(self, ms: int) -> None:
        self.seek_slider.show_duration(int(ms))
        self._show_time()

    def _show_time(self, *_args) -> None:
        self.time_label.setText(f"{format_time(self.seek_slider.value())} / {format_time(self.seek_slider.maximum())}")

    def _on_status_changed(self, status) -> None:
        statuses = self._mm.QMediaPlayer.MediaStatus
        if status in (statuses.LoadedMedia, statuses.BufferingMedia, statuses.BufferedMedia):
            stopped = self._media_player.playbackState() == self._mm.QMediaPlayer.PlaybackState.StoppedState
            if self._started and stopped:  # a video let go of midway comes back paused on its frame
                call_slot(self._media_player, "pause")
            if self._pending_seek is not None:  # a seek before loading is ignored, so apply it now
                position, self._pending_seek = self._pending_seek, None
                seek_media(self._media_player, position)
        elif status == statuses.EndOfMedia:
            self._started = False
            self._show_page()
        elif status == statuses.InvalidMedia and self.current_path is not None:
            self._fail(media_error_sentence(MediaProblem.DAMAGED, self.title or "Untitled"))

    def _on_error(self, error, error_string: str) -> None:
        if error == self._mm.QMediaPlayer.Error.NoError or self.current_path is None:
            return
        problem = MediaProblem.of_qt_error(error.name) if self.current_path.exists() else MediaProblem.MISSING
        self._fail(media_error_sentence(problem, self.title or "Untitled", error_string))

    def hideEvent(self, event) -> None:
        """A video playing in a tab nobody sees is just noise."""
        self.pause()
        super().hideEvent(event)
