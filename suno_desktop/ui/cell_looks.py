"""What the clip table's cells look like, handed to Qt's own delegate as data.

A delegate written in Python is called for every cell it paints and makes a
dozen calls back into Qt from there; during a sync the GUI thread then waits for
the download threads' GIL on each of them (gui_bench: the 99th percentile of the
event loop's gaps). So the cover and the status cells have no Python delegate:
the model gives a ready-made rounded thumbnail as the cover's DecorationRole,
and a download's progress as a small bar in the status cell's DecorationRole,
and Qt's C++ delegate paints both.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

#: the side of a cover thumbnail in the table, in device-independent pixels
COVER_SIDE = 40


class RoundedCovers:
    """Thumbnails scaled and rounded once each, and a placeholder for clips without one."""

    CACHE_SIZE = 512

    def __init__(self, side: int = COVER_SIDE) -> None:
        self.side = side
        self._cache: OrderedDict[tuple, QPixmap] = OrderedDict()

    def pixmap_for(self, source: QPixmap | None) -> QPixmap:
        if source is not None and (not isinstance(source, QPixmap) or source.isNull()):
            source = None
        palette = QGuiApplication.palette()
        ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
        drawn = (
            source.cacheKey()
            if source is not None
            else (palette.color(QPalette.ColorRole.Midlight).rgba(), palette.color(QPalette.ColorRole.Text).rgba())
        )
        key = (source is None, drawn, ratio)
        rounded = self._cache.get(key)
        if rounded is None:
            rounded = _render(source, self.side, ratio, palette)
            self._cache[key] = rounded
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return rounded


def _render(pixmap: QPixmap | None, side: int, ratio: float, palette: QPalette) -> QPixmap:
    rounded = QPixmap(QSize(side, side) * ratio)
    rounded.setDevicePixelRatio(ratio)
    rounded.fill(Qt.GlobalColor.transparent)
    target = QRect(0, 0, side, side)
    painter = QPainter(rounded)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(target), 4, 4)
    painter.setClipPath(path)
    if pixmap is not None:
        scaled = pixmap.scaled(
            target.size() * ratio,
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        painter.drawPixmap(target, scaled)
    else:
        painter.fillRect(target, palette.color(QPalette.ColorRole.Midlight))
        painter.setPen(palette.color(QPalette.ColorRole.Text))  # the note must read (3:1) in both appearances
        font = painter.font()
        font.setPixelSize(int(side * 0.5))
        painter.setFont(font)
        painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "♪")
    painter.end()
    return rounded


class ProgressBars:
    """A small progress bar drawn once per percent, shown before a downloading clip's status text."""

    WIDTH, HEIGHT = 44, 8

    def __init__(self) -> None:
        self._bars: dict[tuple[int, int, float], QPixmap] = {}

    def pixmap_for(self, fraction: float) -> QPixmap:
        percent = max(0, min(100, int(fraction * 100)))
        palette = QGuiApplication.palette()
        ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
        key = (percent, palette.color(QPalette.ColorRole.Highlight).rgba(), ratio)
        bar = self._bars.get(key)
        if bar is None:
            bar = self._bars[key] = _render_bar(percent, ratio, palette)
        return bar


def _render_bar(percent: int, ratio: float, palette: QPalette) -> QPixmap:
    width, height = ProgressBars.WIDTH, ProgressBars.HEIGHT
    bar = QPixmap(QSize(width, height) * ratio)
    bar.setDevicePixelRatio(ratio)
    bar.fill(Qt.GlobalColor.transparent)
    painter = QPainter(bar)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    track = QColor(palette.color(QPalette.ColorRole.Mid))
    track.setAlpha(90)
    painter.setBrush(track)
    painter.drawRoundedRect(QRectF(0, 0, width, height), height / 2, height / 2)
    if percent:
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(QRectF(0, 0, max(height, width * percent / 100), height), height / 2, height / 2)
    painter.end()
    return bar


class PlayingMarks:
    """The mark of the row in the player: ▶ while it plays, ❚❚ while paused, in the palette's text colours.

    A QIcon with a Selected pixmap: Qt's delegate paints that one on a highlighted row,
    so the mark keeps its contrast on the selection as on the base, light or dark.
    """

    SIDE = 14

    def __init__(self) -> None:
        self._icons: dict[tuple, QIcon] = {}

    def icon_for(self, playing: bool) -> QIcon:
        palette = QGuiApplication.palette()
        ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
        normal = palette.color(QPalette.ColorRole.Text)
        selected = palette.color(QPalette.ColorRole.HighlightedText)
        key = (playing, normal.rgba(), selected.rgba(), ratio)
        icon = self._icons.get(key)
        if icon is None:
            icon = QIcon()
            icon.addPixmap(_render_mark(playing, normal, ratio), QIcon.Mode.Normal)
            icon.addPixmap(_render_mark(playing, selected, ratio), QIcon.Mode.Selected)
            self._icons[key] = icon
        return icon


def _render_mark(playing: bool, color: QColor, ratio: float) -> QPixmap:
    side = PlayingMarks.SIDE
    mark = QPixmap(QSize(side, side) * ratio)
    mark.setDevicePixelRatio(ratio)
    mark.fill(Qt.GlobalColor.transparent)
    painter = QPainter(mark)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    if playing:
        painter.drawPolygon(QPolygonF([QPointF(2, 1), QPointF(side - 1, side / 2), QPointF(2, side - 1)]))
    else:
        painter.drawRect(QRectF(2.5, 1.5, 3.5, side - 3))
        painter.drawRect(QRectF(side - 6, 1.5, 3.5, side - 3))
    painter.end()
    return mark


class TakeMarks:
    """The take of a clip in a task of several (a faint numbered badge) and a clip made from another (↳).

    Drawn once per distinct mark in the palette's text colours, the ▶/❚❚ of the
    playing row in front when it is that row, as a QIcon with a Selected pixmap
    (see :class:`PlayingMarks`): Qt's delegate paints it beside the title.
    """

    HEIGHT, GAP, ARROW = 14, 4, 12

    def __init__(self) -> None:
        self._icons: dict[tuple, QIcon] = {}

    def icon_for(self, playing: bool | None, take: int, derived: bool) -> QIcon:
        """*playing*: None when the row is not in the player; *take* 0 for no badge."""
        palette = QGuiApplication.palette()
        ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
        key = (playing, take, derived, palette.cacheKey(), ratio)
        icon = self._icons.get(key)
        if icon is None:
            icon = QIcon()
            for mode, role in (
                (QIcon.Mode.Normal, QPalette.ColorRole.Text),
                (QIcon.Mode.Selected, QPalette.ColorRole.HighlightedText),
            ):
                icon.addPixmap(self._render(playing, take, derived, palette.color(role), ratio), mode)
            self._icons[key] = icon
        return icon

    def _render(self, playing: bool | None, take: int, derived: bool, color: QColor, ratio: float) -> QPixmap:
        font = QFont(QGuiApplication.font())
        font.setPixelSize(10)
        font.setBold(True)
        label = str(take) if take else ""
        badge = max(self.HEIGHT, QFontMetrics(font).horizontalAdvance(label) + 6) if label else 0
        parts = [PlayingMarks.SIDE if playing is not None else 0, badge, self.ARROW if derived else 0]
        width = sum(parts) + self.GAP * (sum(1 for part in parts if part) - 1)
        mark = QPixmap(QSize(width, self.HEIGHT) * ratio)
        mark.setDevicePixelRatio(ratio)
        mark.fill(Qt.GlobalColor.transparent)
        painter = QPainter(mark)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        x = 0
        if playing is not None:
            painter.drawPixmap(0, 0, _render_mark(playing, color, ratio))
            x += PlayingMarks.SIDE + self.GAP
        faint = QColor(color)
        faint.setAlpha(170)  # quieter than the title, still 3:1 on the base and the selection
        painter.setPen(QPen(faint, 1.2))
        if label:
            painter.drawRoundedRect(QRectF(x + 0.6, 0.6, badge - 1.2, self.HEIGHT - 1.2), 4, 4)
            painter.setFont(font)
            painter.drawText(QRectF(x, 0, badge, self.HEIGHT), Qt.AlignmentFlag.AlignCenter, label)
            x += badge + self.GAP
        if derived:  # ↳: goes on from another clip
            pen = QPen(faint, 1.5)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            corner = QPointF(x + 2.5, self.HEIGHT - 4)
            tip = QPointF(x + self.ARROW - 1.5, self.HEIGHT - 4)
            painter.drawLine(QLineF(QPointF(x + 2.5, 2), corner))
            painter.drawLine(QLineF(corner, tip))
            painter.drawLine(QLineF(tip, tip + QPointF(-3, -3)))
            painter.drawLine(QLineF(tip, tip + QPointF(-3, 3)))
        painter.end()
        return mark


def paint_take_separators(view, update: QRect) -> None:
    """Group Takes' quiet line above each row that begins another task: 1 px of the palette's mid colour.

    Called once per paint of the table's viewport (after Qt's delegate painted the
    cells), for the rows in *update*: one call into Python per paint, not per cell.
    The proxy passes rows through, so its rows are the model's.
    """
    proxy = view.model()
    model = proxy.sourceModel() if proxy is not None else None
    if model is None or not model.group_takes:
        return
    first, last = view.rowAt(update.top()), view.rowAt(update.bottom())
    if first < 0:
        return
    breaks = model.group_breaks(first, last if last >= 0 else proxy.rowCount() - 1)
    if not breaks:
        return
    viewport = view.viewport()
    painter = QPainter(viewport)
    painter.setPen(QPen(view.palette().color(QPalette.ColorRole.Mid), 0))  # a cosmetic pen: 1 px at any scale
    for row in breaks:
        y = view.rowViewportPosition(row)
        painter.drawLine(0, y, viewport.width(), y)
    painter.end()
