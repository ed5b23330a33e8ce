"""The window's playback commands as actions: Play/Pause, Play (the row under the mouse), Stop, Next, Previous,
Shuffle and Repeat; the last two remembered for the next start."""

from __future__ import annotations

import functools

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QWidget

from ..playback.player import Player
from .clip_table import ClipTable
from .play_order import RepeatMode
from .play_queue import PlayQueue
from .table_rows import TableRow
from .window_actions import make_action
from .window_layout import window_state


class PlaybackActions(QObject):
    """What plays, as commands of the window (*owner*, so their shortcuts work anywhere in it).

    Space is Play/Pause's own shortcut: a text field that has the focus takes the
    key first (Qt asks it with a ShortcutOverride), so typing a space still works.
    """

    def __init__(self, owner: QWidget, queue: PlayQueue, player: Player, table: ClipTable) -> None:
        super().__init__(owner)
        self.queue, self.player, self.table = queue, player, table
        action = functools.partial(make_action, owner)
        self.play_action = action(
            "Play/Pause", "media-playback-start", Qt.Key.Key_Space, queue.play_pause, name="playAction"
        )
        self.play_selected_action = action(
            "Play", "media-playback-start", None, self.play_or_pause_selected, name="playSelectedAction"
        )
        self.stop_action = action("Stop", "media-playback-stop", "Ctrl+.", queue.stop, name="stopAction")
        self.next_action = action("Next", None, "Ctrl+Right", lambda: queue.play_next(1), name="nextAction")
        self.previous_action = action("Previous", None, "Ctrl+Left", lambda: queue.play_next(-1), name="previousAction")
        state = window_state()
        self.shuffle_action = action(
            "Shuffle", None, "Ctrl+U", None, tip="Play the list in random order", name="shuffleAction"
        )
        self.shuffle_action.setCheckable(True)
        self.shuffle_action.setChecked(state.value("playback/shuffle", False, type=bool))
        queue.order.set_shuffle(self.shuffle_action.isChecked())
        self.shuffle_action.toggled.connect(self._remember_shuffle)
        self.repeat_group = QActionGroup(owner)
        chosen = RepeatMode.saved(state.value("playback/repeat", RepeatMode.OFF.value))
        queue.order.repeat = chosen
        for mode in RepeatMode:
            choice = QAction(mode.label, owner)
            choice.setCheckable(True)
            choice.setChecked(mode is chosen)
            choice.setData(mode.value)
            choice.setObjectName(f"repeat_{mode.value}")
            self.repeat_group.addAction(choice)
        self.repeat_group.triggered.connect(lambda choice: self._remember_repeat(RepeatMode(choice.data())))
        self.space_for_buttons = SpaceForButtons(self)

    def _remember_shuffle(self, on: bool) -> None:
        self.queue.order.set_shuffle(on)
        window_state().setValue("playback/shuffle", on)

    def _remember_repeat(self, mode: RepeatMode) -> None:
        self.queue.order.repeat = mode
        window_state().setValue("playback/repeat", mode.value)

    def play_or_pause_selected(self) -> None:
        """The context menu's Play (or Pause, on the clip that is playing) for the row under the mouse."""
        records = self.table.view.selected_records()
        if len(records) != 1:
            return
        clip_id = records[0].clip_id
        if self.player.current_clip_id == clip_id:
            self.player.toggle()
        else:
            self.queue.play_clip(clip_id)

    def can_play(self, item: TableRow) -> bool:
        """A song whose MP3 is on disk (a lyrics-only row, a task or a song not downloaded yet cannot play)."""
        model = self.table.model
        row = model.row_of(item.row_id)
        return item.can_play and row is not None and model.files_on_disk(row)[0]

    def play_label(self, clip_id: str) -> str:
        """ "Pause" on the clip that is playing, "Play" on any other."""
        player = self.player
        return "Pause" if player.current_clip_id == clip_id and player.is_playing else "Play"

    def prepare_for(self, rows: list[TableRow]) -> QAction:
        """The context menu's Play for *rows*: says Pause on the clip that plays, works on one playable song."""
        play = self.play_selected_action
        play.setText(self.play_label(rows[0].row_id))
        play.setEnabled(len(rows) == 1 and self.can_play(rows[0]))
        return play


class SpaceForButtons(QObject):
    """A focused button or list box keeps Space (it presses it, as the keyboard expects); elsewhere Space plays.

    Only the widget that has the focus is watched, so the app's other events never pass through Python here.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._watched: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None and shiboken6.isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = None
        if isinstance(new, (QAbstractButton, QComboBox)):
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            event.accept()  # the widget's key, not the window's shortcut
        return False
