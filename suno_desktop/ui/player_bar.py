"""The player bar along the bottom of the main window: what is playing and the transport controls."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..playback.player import DEFAULT_VOLUME, Player
from ..time_formats import format_time
from .icons import standard_icon
from .seek_slider import SeekSlider

logger = logging.getLogger(__name__)

BAR_HEIGHT = 64
COVER_SIZE = 48
BUTTON_ICON_SIZE = QSize(22, 22)
PLAY_ICON_SIZE = QSize(28, 28)
NOT_PLAYING = "Not playing"


def shortcut_text(sequence: str) -> str:
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


class ElidedLabel(QLabel):
    """A one-line label that elides with "…" instead of clipping, and keeps its full text in text()."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("…") * 3, super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        elided = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(
            painter, rect, int(self.alignment()), self.palette(), self.isEnabled(), elided, self.foregroundRole()
        )


class PlayerBar(QWidget):
    """Cover, title, transport buttons, seek and volume for the one :class:`Player`."""

    previous_requested = Signal()
    next_requested = Signal()
    play_pause_requested = Signal()

    def __init__(self, player: Player, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playerBar")
        self.player = player
        self._volume_before_mute = DEFAULT_VOLUME
        self._cover: QPixmap | None = None
        self.setFixedHeight(BAR_HEIGHT)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        text_box = self._build_now_playing()
        self._build_transport()
        self._build_seek()
        self._build_volume()
        self._lay_out(text_box)
        self._follow(player)

    def _build_now_playing(self) -> QWidget:
        """The cover and, beside it, the title over the tags."""
        self.cover = QLabel()
        self.cover.setObjectName("nowPlayingCover")
        self.cover.setFixedSize(COVER_SIZE, COVER_SIZE)
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.title = ElidedLabel()
        self.title.setObjectName("nowPlayingTitle")
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.subtitle = ElidedLabel()
        self.subtitle.setObjectName("nowPlayingSubtitle")
        self.subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        text_column = QVBoxLayout()
        text_column.setContentsMargins(0, 0, 0, 0)
        text_column.setSpacing(2)
        text_column.addStretch(1)
        text_column.addWidget(self.title)
        text_column.addWidget(self.subtitle)
        text_column.addStretch(1)
        text_box = QWidget()
        text_box.setLayout(text_column)
        text_box.setMinimumWidth(140)
        text_box.setMaximumWidth(360)
        text_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        return text_box

    def _build_transport(self) -> None:
        self.previous_button = self._tool_button(
            "previousButton",
            "media-skip-backward",
            f"Previous ({shortcut_text('Ctrl+Left')})",
            BUTTON_ICON_SIZE,
        )
        self.play_pause_button = self._tool_button(
            "playPauseButton", "media-playback-start", "Play/Pause (Space)", PLAY_ICON_SIZE
        )
        self.next_button = self._tool_button(
            "nextButton",
            "media-skip-forward",
            f"Next ({shortcut_text('Ctrl+Right')})",
            BUTTON_ICON_SIZE,
        )
        self.previous_button.clicked.connect(self.previous_requested)
        self.play_pause_button.clicked.connect(self.play_pause_requested)
        self.next_button.clicked.connect(self.next_requested)

    def _build_seek(self) -> None:
        time_width = self.fontMetrics().horizontalAdvance("00:00:00")
        self.elapsed_label = QLabel(format_time(0))
        self.elapsed_label.setObjectName("elapsedLabel")
        self.elapsed_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.elapsed_label.setFixedWidth(time_width)
        self.total_label = QLabel(format_time(0))
        self.total_label.setObjectName("totalLabel")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.total_label.setFixedWidth(time_width)
        self.seek_slider = SeekSlider()
        self.seek_slider.setObjectName("seekSlider")
        self.seek_slider.setToolTip("Seek")
        self.seek_slider.setMinimumWidth(120)
        self.seek_slider.valueChanged.connect(lambda ms: self.elapsed_label.setText(format_time(ms)))
        self.seek_slider.seek_requested.connect(self.player.seek)

    def _build_volume(self) -> None:
        self.volume_button = self._tool_button("volumeButton", "audio-volume-high", "Mute", QSize(18, 18))
        self.volume_button.clicked.connect(self._toggle_mute)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setObjectName("volumeSlider")
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setSingleStep(5)
        self.volume_slider.setPageStep(10)
        self.volume_slider.setFixedWidth(96)
        self.volume_slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.volume_slider.setValue(self.player.volume)
        self.volume_slider.valueChanged.connect(self.player.set_volume)

    def _lay_out(self, text_box: QWidget) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self.cover)
        layout.addWidget(text_box, 3)
        layout.addSpacing(4)
        for button in (self.previous_button, self.play_pause_button, self.next_button):
            layout.addWidget(button)
        layout.addSpacing(4)
        layout.addWidget(self.elapsed_label)
        layout.addWidget(self.seek_slider, 4)
        layout.addWidget(self.total_label)
        layout.addSpacing(4)
        layout.addWidget(self.volume_button)
        layout.addWidget(self.volume_slider)

    def _follow(self, player: Player) -> None:
        """Show the player's state now and whenever it changes; controls off without audio."""
        player.playing_changed.connect(self._show_playing)
        player.position_changed.connect(self.seek_slider.show_position)
        player.duration_changed.connect(self._show_duration)
        player.volume_changed.connect(self._show_volume)
        player.notice_changed.connect(lambda _notice: self._show_volume(player.volume))
        self.set_now_playing("", "", None)
        self._show_playing(player.is_playing)
        self._show_duration(player.duration)
        self.seek_slider.show_position(player.position)
        self._show_volume(player.volume)
        if not player.available:
            for control in (
                self.previous_button,
                self.play_pause_button,
                self.next_button,
                self.seek_slider,
                self.volume_button,
                self.volume_slider,
            ):
                control.setEnabled(False)
            self.title.setText(player.unavailable_reason)
            self.title.setFont(self.font())

    def paintEvent(self, event) -> None:
        """A hairline along the top edge separates the bar from the table above it."""
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawLine(0, 0, self.width(), 0)

    def _tool_button(self, name: str, icon: str, tip: str, icon_size: QSize) -> QToolButton:
        """An icon button; its glyph is drawn in the palette's text colour, so it shows in both appearances."""
        button = QToolButton()
        button.setObjectName(name)
        button.setIcon(standard_icon(icon))
        button.setIconSize(icon_size)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click must not steal Space from the window
        return button

    # ------------------------------------------------------------------ public

    def set_now_playing(self, title: str, subtitle: str, cover: QPixmap | None) -> None:
        """Show what is loaded; empty title means nothing is."""
        if not self.player.available:
            return
        self.title.setText(title or NOT_PLAYING)
        self.subtitle.setText(subtitle)
        self._cover = cover
        self.cover.setPixmap(self._cover_pixmap(cover))
        self.cover.setToolTip(title)

    def changeEvent(self, event) -> None:
        """The placeholder cover is a glyph in the palette's colour: drawn again in the new one."""
        super().changeEvent(event)
        built = hasattr(self, "cover")  # setBackgroundRole() in __init__ changes the palette before the cover exists
        if event.type() == QEvent.Type.PaletteChange and built and self.player.available:
            self.cover.setPixmap(self._cover_pixmap(self._cover))

    # ------------------------------------------------------------------ updates

    def _cover_pixmap(self, cover: QPixmap | None) -> QPixmap:
        ratio = self.devicePixelRatioF()
        if cover is None or cover.isNull():
            return standard_icon("audio-x-generic").pixmap(QSize(32, 32), ratio)
        side = round(COVER_SIZE * ratio)
        scaled = cover.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation
        )
        cropped = scaled.copy((scaled.width() - side) // 2, (scaled.height() - side) // 2, side, side)
        cropped.setDevicePixelRatio(ratio)
        return cropped

    def _show_playing(self, playing: bool) -> None:
        self.play_pause_button.setIcon(standard_icon("media-playback-pause" if playing else "media-playback-start"))
        self.play_pause_button.setAccessibleName("Pause" if playing else "Play")

    def _show_duration(self, ms: int) -> None:
        self.seek_slider.show_duration(ms)
        self.seek_slider.setEnabled(self.player.available and ms > 0)
        self.total_label.setText(format_time(ms))

    def _show_volume(self, percent: int) -> None:
        if self.volume_slider.value() != percent:
            self.volume_slider.blockSignals(True)
            self.volume_slider.setValue(percent)
            self.volume_slider.blockSignals(False)
        muted = percent == 0
        self.volume_button.setIcon(standard_icon("audio-volume-muted" if muted else "audio-volume-high"))
        tip = self.player.notice or ("Unmute" if muted else "Mute")
        self.volume_button.setToolTip(tip)
        self.volume_slider.setToolTip(f"Volume {percent}%" + (f"\n{self.player.notice}" if self.player.notice else ""))

    def _toggle_mute(self) -> None:
        if self.player.volume > 0:
            self._volume_before_mute = self.player.volume
            self.player.set_volume(0)
        else:
            self.player.set_volume(self._volume_before_mute or DEFAULT_VOLUME)
