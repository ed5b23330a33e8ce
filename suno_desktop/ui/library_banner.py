"""The bar above the table while the library folder is away (an unplugged drive, an unmounted share)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from .icons import standard_icon


class LibraryBanner(QFrame):
    """A warning-coloured bar with one sentence; hidden until :meth:`say` is called."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryBanner")
        self.setStyleSheet(
            "#libraryBanner { background: #fff3cd; border-bottom: 1px solid #e0c36a; }"
            "#libraryBanner QLabel { color: #5c4300; }"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        icon = QLabel()
        icon.setPixmap(standard_icon("dialog-warning").pixmap(20, 20))
        self.sentence = QLabel()
        self.sentence.setObjectName("libraryBannerText")
        self.sentence.setWordWrap(True)
        row.addWidget(icon)
        row.addWidget(self.sentence, 1)
        self.hide()

    def say(self, sentence: str) -> None:
        self.sentence.setText(sentence)
        self.show()
