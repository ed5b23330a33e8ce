"""The app icon and the action icons the window needs.

The action icons (play, skip, volume, the toolbar's) are one-colour glyphs drawn in
the palette's button-text colour each time they are painted (:class:`PaletteIconEngine`):
theme icons and style pixmaps are drawn for one background, and in the other
appearance a dark grey play button all but vanishes. Since the colour is taken at
paint time, every icon follows a change of appearance without being set again.
Other names (the dialogs' coloured signs) come from the theme, else from the style's
standard pixmaps, so no button is ever blank.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from ..resources import resource_path
from .glyphs import GLYPHS, draw_glyph

log = logging.getLogger(__name__)

APP_ICON_NAME = "suno-desktop"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_SP = QStyle.StandardPixmap
#: freedesktop icon name -> the closest standard pixmap every style provides, for the names without a glyph
STANDARD_FALLBACKS: dict[str, QStyle.StandardPixmap] = {
    "dialog-information": _SP.SP_MessageBoxInformation,
    "dialog-warning": _SP.SP_MessageBoxWarning,
    "dialog-error": _SP.SP_MessageBoxCritical,
}


def app_icon() -> QIcon:
    """Every rendered size plus the SVG, so each platform picks a crisp one."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        png = resource_path("icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ICON_NAME}.png")
        if png.is_file():
            icon.addFile(str(png))
    svg = resource_path("icons", f"{APP_ICON_NAME}.svg")
    if svg.is_file():
        icon.addFile(str(svg))
    if icon.isNull():
        log.warning("app icon not found under %s", resource_path("icons"))
    return icon


def glyph_color(mode: QIcon.Mode) -> QColor:
    """The colour of a glyph: the application palette's button text, as text is drawn in that mode."""
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)


#: engines made by clone(): Python must keep them until the QIcon that owns one deletes it
_cloned: list[PaletteIconEngine] = []


class PaletteIconEngine(QIconEngine):
    """Draws one glyph in the palette's colour whenever the icon is painted, at any size."""

    def __init__(self, glyph: str) -> None:
        super().__init__()
        self.glyph = glyph

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        draw_glyph(painter, QRectF(rect), self.glyph, glyph_color(mode))

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        """A transparent pixmap with the glyph (the base class leaves the background undefined)."""
        device = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        image = QImage(device, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self.paint(painter, QRect(QPoint(0, 0), device), mode, state)
        painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def key(self) -> str:
        return "suno-desktop-glyph"

    def clone(self) -> QIconEngine:
        """A copy for a QIcon that detaches; kept referenced here, since the returned wrapper is Python's."""
        _cloned[:] = [engine for engine in _cloned if shiboken6.isValid(engine)]
        engine = PaletteIconEngine(self.glyph)
        _cloned.append(engine)
        return engine


def palette_icon(name: str) -> QIcon:
    """The glyph for a freedesktop *name* (one of :data:`~.glyphs.GLYPHS`), drawn in the palette's colour."""
    return QIcon(PaletteIconEngine(name))  # the QIcon owns the engine


def standard_icon(name: str) -> QIcon:
    """A palette-coloured glyph for an action *name*; else the theme's icon, else the style's closest pixmap.

    Returns a null icon only for a name that neither the glyphs, the theme nor
    :data:`STANDARD_FALLBACKS` knows.
    """
    if name in GLYPHS:
        return palette_icon(name)
    icon = QIcon.fromTheme(name)
    if not icon.isNull():
        return icon
    fallback = STANDARD_FALLBACKS.get(name)
    app = QApplication.instance()
    if fallback is None or not isinstance(app, QApplication):
        log.debug("no icon for %r", name)
        return QIcon()
    return app.style().standardIcon(fallback)
