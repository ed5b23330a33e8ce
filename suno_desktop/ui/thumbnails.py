"""Cover thumbnails, decoded off the GUI thread and cached.

The table asks for a thumbnail only when a cell is painted, so scrolling loads
only what becomes visible. Decoding happens into a ``QImage`` on a pool thread
(``QPixmap`` may only be made on the GUI thread); the pixmap is cached by
(path, size) so a re-tagged or renamed clip does not show a stale cover.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from .workers import WorkerPool

log = logging.getLogger(__name__)


def load_scaled_image(path: Path, size: int) -> QImage | None:
    """Decode *path* scaled down to fit *size*×*size*; runs on a worker thread."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and (original.width() > size or original.height() > size):
        reader.setScaledSize(original.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        log.debug("cannot decode cover %s: %s", path, reader.errorString())
        return None
    return image


class ThumbnailCache(QObject):
    """Pixmaps by (path, size); ``ready(key)`` when one finished loading."""

    ready = Signal(str)  # the caller's key (a clip id)

    def __init__(self, workers: WorkerPool, *, limit: int = 3000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.limit = limit
        self._cache: OrderedDict[tuple[str, int], QPixmap | None] = OrderedDict()
        self._loading: set[tuple[str, int]] = set()

    def get(self, key: str, path: Path | None, size: int) -> QPixmap | None:
        """The pixmap if cached; otherwise start loading it and return None for now."""
        if path is None:
            return None
        cache_key = (str(path), size)
        if cache_key in self._cache:
            self._cache.move_to_end(cache_key)
            return self._cache[cache_key]
        if cache_key not in self._loading:
            self._loading.add(cache_key)
            self.workers.submit(
                load_scaled_image,
                path,
                size,
                on_result=lambda image, k=cache_key, key=key: self._loaded(k, key, image),
                on_error=lambda exc, k=cache_key, key=key: self._loaded(k, key, None),
            )
        return None

    def _loaded(self, cache_key: tuple[str, int], key: str, image: QImage | None) -> None:
        self._loading.discard(cache_key)
        self._cache[cache_key] = QPixmap.fromImage(image) if image is not None else None
        while len(self._cache) > self.limit:
            self._cache.popitem(last=False)
        self.ready.emit(key)

    def forget(self, path: Path) -> None:
        for cache_key in [k for k in self._cache if k[0] == str(path)]:
            del self._cache[cache_key]
