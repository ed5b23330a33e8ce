"""The app icon and the few action icons the window needs.

Freedesktop theme icons look native on Linux, and since Qt 6.7 ``fromTheme`` also
reaches the platform's own symbols on Windows and macOS. Where no theme answers
(a bare container, the offscreen platform in tests) the style's standard pixmaps
stand in, so no toolbar button is ever blank.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from ..resources import resource_path

log = logging.getLogger(__name__)

APP_ICON_NAME = "suno-desktop"
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_SP = QStyle.StandardPixmap
#: freedesktop icon name -> the closest standard pixmap every style provides
STANDARD_FALLBACKS: dict[str, QStyle.StandardPixmap] = {
    "list-add": _SP.SP_FileDialogNewFolder,
    "list-remove": _SP.SP_DialogDiscardButton,
    "view-refresh": _SP.SP_BrowserReload,
    "document-save-as": _SP.SP_DialogSaveButton,
    "document-save": _SP.SP_DialogSaveButton,
    "document-export": _SP.SP_DialogSaveButton,
    "document-open": _SP.SP_DialogOpenButton,
    "document-new": _SP.SP_FileIcon,
    "edit-delete": _SP.SP_TrashIcon,
    "edit-copy": _SP.SP_FileIcon,
    "edit-clear": _SP.SP_LineEditClearButton,
    "preferences-system": _SP.SP_FileDialogDetailedView,
    "application-exit": _SP.SP_DialogCloseButton,
    "media-playback-start": _SP.SP_MediaPlay,
    "media-playback-pause": _SP.SP_MediaPause,
    "media-playback-stop": _SP.SP_MediaStop,
    "media-skip-forward": _SP.SP_MediaSkipForward,
    "media-skip-backward": _SP.SP_MediaSkipBackward,
    "folder-open": _SP.SP_DirOpenIcon,
    "dialog-information": _SP.SP_MessageBoxInformation,
    "dialog-warning": _SP.SP_MessageBoxWarning,
    "dialog-error": _SP.SP_MessageBoxCritical,
    "help-about": _SP.SP_MessageBoxInformation,
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


def standard_icon(name: str) -> QIcon:
    """The theme's icon for a freedesktop *name*, else the style's closest pixmap.

    Returns a null icon only for a name that neither the theme nor
    :data:`STANDARD_FALLBACKS` knows.
    """
    icon = QIcon.fromTheme(name)
    if not icon.isNull():
        return icon
    fallback = STANDARD_FALLBACKS.get(name)
    app = QApplication.instance()
    if fallback is None or not isinstance(app, QApplication):
        log.debug("no icon for %r", name)
        return QIcon()
    return app.style().standardIcon(fallback)
