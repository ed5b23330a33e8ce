"""The window's action icons as simple one-colour shapes, drawn with QPainter.

Style pixmaps and many theme icons are drawn for a light background: dark grey
strokes that all but vanish in the dark appearance. A shape drawn in the palette's
text colour at paint time has the contrast of text in both appearances. Each glyph
is drawn on a 24×24 grid, with a 2-unit round pen unless it is filled.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

GRID = 24.0


def _points(*xy: tuple[float, float]) -> QPolygonF:
    return QPolygonF([QPointF(x, y) for x, y in xy])


def _filled(p: QPainter) -> None:
    """Fill with the pen's colour; the round pen keeps the filled corners soft."""
    p.setBrush(p.pen().color())


def _play(p: QPainter) -> None:
    _filled(p)
    p.drawPolygon(_points((8, 5), (19, 12), (8, 19)))


def _pause(p: QPainter) -> None:
    _filled(p)
    p.drawRect(QRectF(7, 5.5, 2.5, 13))
    p.drawRect(QRectF(14.5, 5.5, 2.5, 13))


def _stop(p: QPainter) -> None:
    _filled(p)
    p.drawRect(QRectF(6.5, 6.5, 11, 11))


def _skip_forward(p: QPainter) -> None:
    _filled(p)
    p.drawPolygon(_points((5.5, 6), (14.5, 12), (5.5, 18)))
    p.drawRect(QRectF(16.5, 6, 1.5, 12))


def _skip_backward(p: QPainter) -> None:
    p.translate(GRID, 0)
    p.scale(-1, 1)
    _skip_forward(p)


def _speaker(p: QPainter) -> None:
    p.save()
    _filled(p)
    p.drawPolygon(_points((3.5, 9.5), (7, 9.5), (11.5, 5.5), (11.5, 18.5), (7, 14.5), (3.5, 14.5)))
    p.restore()


def _volume(p: QPainter) -> None:
    _speaker(p)
    p.drawArc(QRectF(10, 8, 8, 8), -55 * 16, 110 * 16)
    p.drawArc(QRectF(8, 4.5, 15, 15), -55 * 16, 110 * 16)


def _volume_muted(p: QPainter) -> None:
    _speaker(p)
    p.drawLine(QPointF(15, 9), QPointF(21, 15))
    p.drawLine(QPointF(21, 9), QPointF(15, 15))


def _plus(p: QPainter) -> None:
    p.drawLine(QPointF(12, 5), QPointF(12, 19))
    p.drawLine(QPointF(5, 12), QPointF(19, 12))


def _minus(p: QPainter) -> None:
    p.drawLine(QPointF(5, 12), QPointF(19, 12))


def _refresh(p: QPainter) -> None:
    p.drawArc(QRectF(5, 5, 14, 14), 90 * 16, 270 * 16)  # from the top, round the left, to the right
    _filled(p)
    p.drawPolygon(_points((11.5, 2), (15.5, 5), (11.5, 8)))


def _save(p: QPainter) -> None:
    p.drawLine(QPointF(12, 4), QPointF(12, 14))
    p.drawPolyline(_points((7.5, 9.5), (12, 14), (16.5, 9.5)))
    p.drawPolyline(_points((4, 15), (4, 19.5), (20, 19.5), (20, 15)))


def _folder(p: QPainter) -> None:
    p.drawPolygon(_points((3.5, 6), (9.5, 6), (11.5, 8.5), (20.5, 8.5), (20.5, 18.5), (3.5, 18.5)))


def _page(p: QPainter) -> None:
    p.drawPolygon(_points((6, 3.5), (13.5, 3.5), (18.5, 8.5), (18.5, 20.5), (6, 20.5)))
    p.drawPolyline(_points((13.5, 3.5), (13.5, 8.5), (18.5, 8.5)))


def _copy(p: QPainter) -> None:
    p.drawPolyline(_points((4.5, 15.5), (4.5, 3.5), (15, 3.5), (15, 7.5)))
    p.drawRoundedRect(QRectF(8.5, 8.5, 11, 12), 1.5, 1.5)


def _trash(p: QPainter) -> None:
    p.drawLine(QPointF(4, 6.5), QPointF(20, 6.5))
    p.drawPolyline(_points((9.5, 6.5), (9.5, 3.5), (14.5, 3.5), (14.5, 6.5)))
    p.drawPolyline(_points((6, 6.5), (7.2, 20.5), (16.8, 20.5), (18, 6.5)))
    p.drawLine(QPointF(10.5, 10.5), QPointF(10.5, 16.5))
    p.drawLine(QPointF(13.5, 10.5), QPointF(13.5, 16.5))


def _cross(p: QPainter) -> None:
    p.drawLine(QPointF(6.5, 6.5), QPointF(17.5, 17.5))
    p.drawLine(QPointF(17.5, 6.5), QPointF(6.5, 17.5))


def _gear(p: QPainter) -> None:
    outline = QPainterPath()
    points: list[QPointF] = []
    for tooth in range(8):
        middle = tooth * 45.0
        for radius, offset in ((7.4, -16.0), (10.0, -8.0), (10.0, 8.0), (7.4, 16.0)):
            angle = math.radians(middle + offset)
            points.append(QPointF(12 + radius * math.cos(angle), 12 - radius * math.sin(angle)))
    outline.addPolygon(QPolygonF(points))
    outline.closeSubpath()
    outline.addEllipse(QPointF(12, 12), 3.2, 3.2)
    outline.setFillRule(Qt.FillRule.OddEvenFill)
    color = p.pen().color()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    p.drawPath(outline)


def _exit(p: QPainter) -> None:
    p.drawPolyline(_points((13, 4.5), (5, 4.5), (5, 19.5), (13, 19.5)))
    p.drawLine(QPointF(10, 12), QPointF(20, 12))
    p.drawPolyline(_points((16.5, 8.5), (20, 12), (16.5, 15.5)))


def _info(p: QPainter) -> None:
    p.drawEllipse(QPointF(12, 12), 8.5, 8.5)
    p.drawLine(QPointF(12, 11), QPointF(12, 16.5))
    _filled(p)
    p.drawEllipse(QPointF(12, 7.7), 0.6, 0.6)


def _music(p: QPainter) -> None:
    p.drawLine(QPointF(10.2, 17.5), QPointF(10.2, 6.5))
    p.drawLine(QPointF(19.2, 15.5), QPointF(19.2, 4.5))
    _filled(p)
    p.drawPolygon(_points((10.2, 6.5), (19.2, 4.5), (19.2, 6.5), (10.2, 8.5)))
    p.drawEllipse(QPointF(7.6, 17.6), 2.6, 2.0)
    p.drawEllipse(QPointF(16.6, 15.6), 2.6, 2.0)


#: freedesktop icon name -> its glyph
GLYPHS: dict[str, Callable[[QPainter], None]] = {
    "media-playback-start": _play,
    "media-playback-pause": _pause,
    "media-playback-stop": _stop,
    "media-skip-forward": _skip_forward,
    "media-skip-backward": _skip_backward,
    "audio-volume-high": _volume,
    "audio-volume-muted": _volume_muted,
    "audio-x-generic": _music,
    "list-add": _plus,
    "list-remove": _minus,
    "view-refresh": _refresh,
    "document-save": _save,
    "document-save-as": _save,
    "document-export": _save,
    "document-open": _folder,
    "folder-open": _folder,
    "document-new": _page,
    "edit-copy": _copy,
    "edit-delete": _trash,
    "edit-clear": _cross,
    "preferences-system": _gear,
    "application-exit": _exit,
    "help-about": _info,
}


def draw_glyph(painter: QPainter, rect: QRectF, name: str, color: QColor) -> None:
    """Draw glyph *name* in *color*, centred in *rect* as large as it fits."""
    side = min(rect.width(), rect.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    painter.scale(side / GRID, side / GRID)
    pen = QPen(color, 2.0)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    GLYPHS[name](painter)
    painter.restore()
