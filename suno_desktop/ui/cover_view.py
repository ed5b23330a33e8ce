"""A cover picture that scales with the space it is given and keeps its aspect ratio.

A fixed-size cover is cropped in a narrow detail pane; this one shrinks with the
pane (its height follows its width), is never stretched, and shows a sentence in
place of a missing picture.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget


class CoverView(QWidget):
    """Draws its pixmap as large as fits (at most *max_side* wide), centred, aspect kept."""

    def __init__(self, placeholder: str = "", *, max_side: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._placeholder = placeholder
        self._max_side = max_side
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(48, 48)

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def placeholder(self) -> str:
        return self._placeholder

    def set_pixmap(self, pixmap: QPixmap | None) -> None:
        self._pixmap = QPixmap() if pixmap is None else pixmap
        self.updateGeometry()
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def _aspect(self) -> float:
        """Height over width of the picture (a square while there is none)."""
        if self._pixmap.isNull() or self._pixmap.width() == 0:
            return 1.0
        return self._pixmap.height() / self._pixmap.width()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        side = min(width, self._max_side) if self._max_side else width
        return max(self.minimumHeight(), round(side * self._aspect()))

    def sizeHint(self) -> QSize:
        width = self._max_side or 260
        return QSize(width, self.heightForWidth(width))

    def shown_rect(self) -> QRect:
        """Where the picture is drawn: the largest rectangle of its aspect that fits, centred."""
        area = self.contentsRect()
        if self._max_side:
            area.setWidth(min(area.width(), self._max_side))
            area.moveLeft(self.contentsRect().x() + (self.contentsRect().width() - area.width()) // 2)
        size = QSize(1000, round(1000 * self._aspect())).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        shown = QRect(0, 0, size.width(), size.height())
        shown.moveCenter(area.center())
        return shown

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.shown_rect()
        if not self._pixmap.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(rect, self._pixmap)
            return
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        painter.drawText(rect.adjusted(12, 12, -12, -12), int(flags), self._placeholder)
