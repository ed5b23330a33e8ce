"""Light and dark appearance.

Qt follows the desktop's colour scheme where the platform reports one; where it
does not (a bare X session, older desktops), "Light" and "Dark" fall back to the
Fusion style with an explicit palette, so the choice always takes effect.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory


class ColorScheme(StrEnum):
    """View → Appearance; saved by value in the window's QSettings."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"

    @classmethod
    def saved(cls, value: object) -> ColorScheme:
        """The scheme a settings file holds; anything else (a hand edit, none yet) follows the system."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.SYSTEM


_original: dict[str, object] = {}


def dark_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#1f2023",
        QPalette.ColorRole.ToolTipBase: "#2d2e31",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.PlaceholderText: "#8a8d91",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b2c2f",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#3c3d40",
        QPalette.ColorRole.Midlight: "#333437",
        QPalette.ColorRole.Mid: "#55575b",
        QPalette.ColorRole.Dark: "#111214",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Highlight: "#3d7ee0",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7276"))
    return palette


def apply_color_scheme(scheme: ColorScheme) -> None:
    app = QApplication.instance()
    if app is None:
        return
    if not _original:
        _original["style"] = app.style().name()
        _original["palette"] = QPalette(app.palette())
    hints = QGuiApplication.styleHints()
    wanted = {ColorScheme.LIGHT: Qt.ColorScheme.Light, ColorScheme.DARK: Qt.ColorScheme.Dark}.get(
        scheme, Qt.ColorScheme.Unknown
    )
    if hasattr(hints, "setColorScheme"):
        hints.setColorScheme(wanted)
    if scheme == ColorScheme.DARK:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
    elif scheme == ColorScheme.LIGHT:
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(app.style().standardPalette())
    else:
        app.setStyle(QStyleFactory.create(str(_original["style"])))
        app.setPalette(_original["palette"])
