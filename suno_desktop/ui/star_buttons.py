"""Five star buttons: the detail pane's rating of the clip it shows."""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from ..model import MAX_STARS
from .rating_cells import EMPTY_STAR, FULL_STAR, toggled


class StarButtons(QWidget):
    """★★★☆☆ as five flat buttons; clicking the n-th asks for n stars (the current rating's own star: none)."""

    chosen = Signal(int)  # 0-5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stars = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.buttons: list[QToolButton] = []
        for star in range(1, MAX_STARS + 1):
            button = QToolButton()
            button.setAutoRaise(True)
            button.setObjectName(f"star{star}")
            button.setToolTip(f"{star} star{'s' if star > 1 else ''} (click the rating's own star to clear it)")
            button.clicked.connect(functools.partial(self._clicked, star))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        self.set_stars(0)

    @property
    def stars(self) -> int:
        return self._stars

    def set_stars(self, stars: int) -> None:
        self._stars = stars
        for star, button in enumerate(self.buttons, start=1):
            button.setText(FULL_STAR if star <= stars else EMPTY_STAR)
        self.setAccessibleName(f"Rating: {stars} of {MAX_STARS} stars" if stars else "Rating: none")

    def _clicked(self, star: int) -> None:
        self.chosen.emit(toggled(self._stars, star))
