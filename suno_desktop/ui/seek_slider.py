"""The seek slider the player bar and the video view share."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QWidget


class SeekSlider(QSlider):
    """A position slider in ms that jumps where clicked and seeks once, on release, when dragged.

    Position updates from the player go through :meth:`show_position`, which leaves the handle
    alone while the user holds it, so dragging never fights playback.
    """

    seek_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setRange(0, 0)
        self.setSingleStep(5000)
        self.setPageStep(15000)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.sliderReleased.connect(lambda: self.seek_requested.emit(self.value()))
        self.actionTriggered.connect(self._keyboard_or_wheel)

    def show_position(self, ms: int) -> None:
        if not self.isSliderDown():
            self.setValue(ms)

    def show_duration(self, ms: int) -> None:
        self.setMaximum(max(0, ms))

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            option = QStyleOptionSlider()
            self.initStyleOption(option)
            handle = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self
            )
            point = event.position().toPoint()
            if not handle.contains(point):
                groove = self.style().subControlRect(
                    QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self
                )
                span = max(1, groove.width() - handle.width())
                offset = point.x() - groove.x() - handle.width() // 2
                # Move the handle under the pointer: the base class then starts a drag from there.
                self.setValue(
                    QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), offset, span, option.upsideDown)
                )
        super().mousePressEvent(event)

    def _keyboard_or_wheel(self, action: int) -> None:
        action = int(getattr(action, "value", action))
        if not self.isSliderDown() and action != QSlider.SliderAction.SliderMove.value:
            self.seek_requested.emit(self.sliderPosition())
