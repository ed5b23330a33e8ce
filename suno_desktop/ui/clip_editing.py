"""Saving the user's own title, style, lyrics and description: from the detail pane and F2 on a Title cell.

As ``suno-desktop edit`` does: the change is written into the library
(:mod:`~suno_desktop.library.clip_edits`) on a worker, never on the GUI thread; then
the row and the pane show it and the sync re-tags the clip's files and renames them
by the template (``retag``). Reverting a field, and reading the relay's values that
the pane's "Relay: …" notes show, take the same way.
"""

from __future__ import annotations

import functools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..errors import sentence_of
from ..library.clip_edits import EditField, UnknownClip, cleaned, edit_clip, relay_values, revert_clip
from ..library.store import Library
from ..model import ClipRecord, FilesOnDisk
from .clip_table_model import ClipTableModel
from .detail_pane import ClipDetailPane
from .sync_controller import SyncController
from .workers import WorkerPool

log = logging.getLogger(__name__)

NO_EMPTY_TITLE = "A song needs a title: the title was left as it was."


def save_edit(library: Library, clip_id: str, field: EditField, text: str) -> tuple[ClipRecord, FilesOnDisk]:
    """Write the user's *text* for *field* (on a worker); the clip as the library now reads it, and its files."""
    _still_there(library, clip_id)
    edit_clip(library, clip_id, {field: text})
    return _read_back(library, clip_id)


def revert_edit(library: Library, clip_id: str, field: EditField) -> tuple[ClipRecord, FilesOnDisk]:
    """Go back to the relay's value of *field* (on a worker); the clip as the library now reads it, and its files."""
    _still_there(library, clip_id)
    revert_clip(library, clip_id, [field])
    return _read_back(library, clip_id)


def _still_there(library: Library, clip_id: str) -> ClipRecord:
    record = library.clip(clip_id)
    if record is None or record.removed:
        raise UnknownClip(clip_id)
    return record


def _read_back(library: Library, clip_id: str) -> tuple[ClipRecord, FilesOnDisk]:
    record = _still_there(library, clip_id)
    return record, library.files_present(record)  # the row's files, not stat'ed on the GUI thread


class ClipEditing(QObject):
    """Saves the pane's and the table's edits and reverts; tells the window what changed and what failed."""

    message = Signal(str)  # a sentence for the status bar
    error = Signal(str)  # a sentence the user must not miss
    changed = Signal(list)  # clip ids whose row or pane shows a new value (or its stored one again, after a refusal)

    def __init__(
        self,
        owner: QWidget,
        library: Library,
        model: ClipTableModel,
        pane: ClipDetailPane,
        workers: WorkerPool,
        sync: SyncController,
    ) -> None:
        super().__init__(owner)
        self.library, self.model, self.pane, self.workers, self.sync = library, model, pane, workers, sync
        self._turns: deque[tuple[Callable, Callable, Callable]] = deque()  # edits waiting, the first one running
        self._closing = False
        model.title_editor = functools.partial(self.save, field=EditField.TITLE)  # F2 on a Title cell
        pane.edit_requested.connect(lambda clip_id, field, text: self.save(clip_id, text, field=field))
        pane.revert_requested.connect(self.revert)
        pane.relay_values_wanted.connect(self.read_relay_values)
        pane.lyrics_wanted.connect(self.read_lyrics)

    def save(self, clip_id: str, text: str, *, field: EditField) -> None:
        """Store *text* as the user's *field* of the clip, unless it is empty (a title) or says what is stored."""
        record = self.model.record_for(clip_id)
        if record is None:
            self.error.emit(f"Your {field.label} could not be saved: that clip is no longer in the library.")
            return
        value = cleaned(field, text)
        if field is EditField.TITLE and not value:
            self.error.emit(NO_EMPTY_TITLE)
            self.changed.emit([clip_id])  # the pane shows the stored title again
            return
        if value == getattr(record, field.value):
            self.changed.emit([clip_id])
            return
        self._in_turn(
            functools.partial(save_edit, self.library, clip_id, field, value),
            functools.partial(self._stored, field, f"Saved your {field.label}"),
            functools.partial(self._failed, clip_id, f"Your {field.label} could not be saved"),
        )

    def revert(self, clip_id: str, field: EditField) -> None:
        """The relay's value of *field* again; the user's is forgotten."""
        self._in_turn(
            functools.partial(revert_edit, self.library, clip_id, field),
            functools.partial(self._stored, field, f"The relay's {field.label} is back"),
            functools.partial(self._failed, clip_id, f"The relay's {field.label} could not be restored"),
        )

    def close(self) -> None:
        """The window closes: edits asked from now on, and those still waiting, are written at once, here.

        The workers stop delivering when the window goes, and the last words typed in the pane
        must not wait behind them (a worker busy for long would lose them).
        """
        self._closing = True
        waiting = list(self._turns)[1:]  # (the first one is running on a worker)
        self._turns.clear()
        for work, _on_result, _on_error in waiting:
            self._write_now(work)

    def _write_now(self, work: Callable[[], object]) -> None:
        try:
            work()
        except Exception:  # the window is going: the log keeps what could not be saved
            log.exception("saving an edit as the window closed failed")

    def _in_turn(self, work: Callable[[], object], on_result: Callable, on_error: Callable) -> None:
        """Run *work* on a worker after the edits asked before it: typing then Revert must not end as the typing."""
        if self._closing:
            self._write_now(work)
            return
        self._turns.append((work, on_result, on_error))
        if len(self._turns) == 1:
            self._next_turn()

    def _next_turn(self) -> None:
        work, on_result, on_error = self._turns[0]
        self.workers.submit(
            work,
            on_result=lambda result: self._turn_done(on_result, result),
            on_error=lambda exc: self._turn_done(on_error, exc),
        )

    def _turn_done(self, callback: Callable, value: object) -> None:
        self._turns.popleft()
        try:
            callback(value)
        finally:
            if self._turns:
                self._next_turn()

    def read_relay_values(self, clip_id: str) -> None:
        """The relay's values for the pane's notes, read on a worker."""
        self.workers.submit(
            relay_values,
            self.library,
            clip_id,
            on_result=lambda values: self.pane.show_relay_values(clip_id, values),
            on_error=lambda exc: log.warning("reading the relay's values of %s failed: %s", clip_id, exc),
        )

    def read_lyrics(self, clip_id: str) -> None:
        """A clip's lyrics for the pane (the table keeps none), read on a worker."""
        self.workers.submit(
            self.library.clip,
            clip_id,
            on_result=lambda record: None if record is None else self.pane.show_lyrics_read(record),
            on_error=lambda exc: self.error.emit(f"The lyrics could not be read: {sentence_of(exc)}"),
        )

    def _stored(self, field: EditField, done: str, result: tuple[ClipRecord, FilesOnDisk]) -> None:
        """The row takes the clip's words as the library now reads them; the files follow at once."""
        stored, files = result
        current = self.model.record_for(stored.clip_id)
        if current is None:
            return  # removed from the window meanwhile
        words = {f.value: getattr(stored, f.value) for f in EditField}
        self.model.upsert([replace(current, **words, edits=stored.edits, updated_at=stored.updated_at)], [files])
        self.changed.emit([stored.clip_id])
        self._retag(stored.clip_id)
        value = getattr(stored, field.value)
        shown = f": “{_one_line(value)}”" if field in (EditField.TITLE, EditField.STYLE) and value else ""
        files = "; its files are re-tagged and renamed" if current.audio_path else ""
        self.message.emit(f"{done}{shown}{files}.")

    def _retag(self, clip_id: str) -> None:
        """Re-tag and rename the clip's files now (asked while its last job runs, the session plans it again after)."""
        self.sync.retag([clip_id])

    def _failed(self, clip_id: str, what: str, exc: BaseException) -> None:
        if isinstance(exc, UnknownClip):
            reason = "that clip is no longer in the library"
        else:
            log.error("%s (clip %s)", what, clip_id, exc_info=exc)
            reason = sentence_of(exc)
        log.warning("%s for clip %s: %s", what, clip_id, reason)
        self.error.emit(f"{what}: {reason.rstrip('.')}.")
        self.changed.emit([clip_id])  # the pane shows the stored value again


def _one_line(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
