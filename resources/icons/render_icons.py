"""Regenerate the app icon's PNG, ICO and ICNS files from ``suno-desktop.svg``.

Run from anywhere with the project's venv: ``python resources/icons/render_icons.py``.
Every size is rendered straight from the SVG (not scaled from a big PNG) so small
sizes stay crisp. Qt's ICO plugin writes only one image per file and the ICNS
layout wanted here is fixed, so both containers are written by hand with PNG entries.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SVG = HERE / "suno-desktop.svg"
NAME = "suno-desktop"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS types that hold PNG data: 128, 256, 512 and 512@2x
ICNS_TYPES = {b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024}


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG.")
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNGs (understood since Windows Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    directory, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        dimension = 0 if size >= 256 else size  # 0 means 256
        directory += struct.pack("<BBBBHHII", dimension, dimension, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + directory + payload


def icns_bytes(entries: dict[bytes, bytes]) -> bytes:
    """'icns' + total length, then (type, length including its 8-byte header, PNG) per entry."""
    body = b"".join(kind + struct.pack(">I", len(data) + 8) + data for kind, data in entries.items())
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts, plugins
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"Cannot read {SVG}.", file=sys.stderr)
        return 1
    pngs = {
        size: png_bytes(render(renderer, size))
        for size in set(HICOLOR_SIZES) | set(ICO_SIZES) | set(ICNS_TYPES.values())
    }
    for size in HICOLOR_SIZES:
        target = HERE / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    (HERE / f"{NAME}.ico").write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    (HERE / f"{NAME}.icns").write_bytes(icns_bytes({kind: pngs[size] for kind, size in ICNS_TYPES.items()}))
    print(f"Wrote {len(HICOLOR_SIZES)} PNGs, {NAME}.ico and {NAME}.icns in {HERE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
