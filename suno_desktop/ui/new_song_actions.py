"""Creating songs from the window: the New Song dialog, what came of a send, and songs made from rows.

The window puts these actions in its toolbar, menus and the table's context menu;
the relay work runs in :class:`.create_controller.CreateController` on a worker.
What the user wrote is never lost: a refused request reopens the dialog with it,
and one that may have been made stays a row until the user creates it again
(after being reminded that it may already have been charged) or forgets it.
"""

from __future__ import annotations

import dataclasses
import functools

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import sentence_of
from ..library.store import Library
from ..library.submission_journal import SubmissionJournal
from ..model import ClipKind
from ..playback.player import Player
from ..settings import remembered_models
from ..song_request import SongRequest, Submission, SubmitMode
from .clip_rows import COL_TITLE
from .clip_table import ClipTable
from .create_controller import CreateController, SubmitResult
from .detail_pane import ClipDetailPane
from .error_reports import SETTINGS_ERRORS
from .new_song_dialog import NewSongDialog
from .settings_holder import SettingsHolder
from .table_rows import ClipRow, SubmissionRow, TableRow
from .window_actions import make_action
from .workers import WorkerPool

#: a refusal the user fixes in Settings: the dialog offers to open them
#: lyrics that mean "no singing" (what Suno writes for an instrumental made from a description)
INSTRUMENTAL_MARK = "[instrumental]"
GONE = "That clip is no longer in the library."


class NewSongActions(QObject):
    """New Song, Extend from Here, Create Again (with these settings), Forget; one New Song dialog at a time.

    Its dialogs and actions belong to *owner* (the window); it acts on *table*'s rows
    and reads *settings*, and says what happened through :attr:`message` and
    :attr:`error`. The buttons of *detail* ask it too.
    """

    message = Signal(str)  # a sentence for the status bar
    error = Signal(str)  # a sentence for the status bar's error line
    settings_requested = Signal()  # a refusal the user fixes in Settings

    def __init__(
        self,
        owner: QWidget,
        creator: CreateController,
        *,
        settings: SettingsHolder,
        table: ClipTable,
        detail: ClipDetailPane,
        player: Player,
        library: Library,
        workers: WorkerPool,
    ) -> None:
        super().__init__(owner)
        self.owner = owner
        self.creator = creator
        self.settings = settings
        self.table = table
        self.player = player
        self.library = library
        self.workers = workers
        self.dialog: NewSongDialog | None = None
        self._build_actions()
        creator.submitted.connect(self._accepted)
        creator.unconfirmed.connect(self._unconfirmed)
        creator.refused.connect(self._refused)
        creator.forgotten.connect(self._forgotten)
        creator.error.connect(self.error)
        creator.lyrics_ready.connect(self._lyrics_ready)
        creator.lyrics_failed.connect(self._lyrics_failed)
        creator.lyrics_progress.connect(self._lyrics_progress)
        detail.extend_requested.connect(lambda row_id: self._for_row(row_id, self.extend))
        detail.recreate_requested.connect(lambda row_id: self._for_row(row_id, self.recreate))
        detail.forget_requested.connect(lambda row_id: self._for_row(row_id, lambda row: self.forget([row])))
        detail.edit_again_requested.connect(lambda row_id: self._for_row(row_id, self.edit_again))

    def _build_actions(self) -> None:
        action = functools.partial(make_action, self.owner)
        self.new_song_action = action(
            "New Song…", "document-new", "Ctrl+Shift+N", self.open_new_song, tip="Create a song", name="newSongAction"
        )
        self.extend_action = action(
            "Extend from Here…", None, None, lambda: self._for_selected(self.extend), name="extendAction"
        )
        self.extend_action.setToolTip("A new song that continues this one, from the player's position or its end")
        self.recreate_action = action(
            "Create Again with These Settings…",
            None,
            None,
            lambda: self._for_selected(self.recreate),
            name="recreateAction",
        )
        self.create_again_action = action(
            "Create Again…", None, None, lambda: self._for_selected(self.recreate), name="createAgainAction"
        )
        self.create_again_action.setToolTip("Send the request again, after you checked the relay's task log")
        self.forget_action = action(
            "Forget", None, None, lambda: self.forget(self.table.view.selected_rows()), name="forgetAction"
        )
        self.forget_action.setToolTip("Remove the row of a request the relay did not confirm; nothing is sent")
        self.edit_again_action = action(
            "Edit and Create Again…", None, None, lambda: self._for_selected(self.edit_again), name="editAgainAction"
        )
        self.edit_again_action.setToolTip("The New Song dialog with what was sent for this task, to change and send")
        self.from_lyrics_action = action(
            "Create a Song from These Lyrics…",
            None,
            None,
            lambda: self._for_selected(self.song_from_lyrics),
            name="songFromLyricsAction",
        )
        self.from_lyrics_action.setToolTip("The New Song dialog with these lyrics and their title")

    def menu_actions(self, rows: list[TableRow]) -> list[QAction]:
        """What the table's context menu offers for *rows* to create from."""
        if rows and all(row.is_submission for row in rows):
            self.create_again_action.setEnabled(len(rows) == 1)
            return [self.create_again_action, self.forget_action]
        if len(rows) == 1 and rows[0].is_lyrics:
            return [self.from_lyrics_action]
        one_song = len(rows) == 1 and rows[0].can_play
        self.extend_action.setEnabled(one_song and rows[0].can_extend)
        self.recreate_action.setEnabled(one_song)
        return [self.extend_action, self.recreate_action]

    def task_actions(self, rows: list[TableRow]) -> list[QAction]:
        """What the context menu offers for tasks without songs: a failed one made here can be edited and sent again."""
        return [self.edit_again_action] if len(rows) == 1 and rows[0].can_send_again else []

    # ------------------------------------------------------------------ opening the dialog

    def open_new_song(self) -> NewSongDialog:
        settings = self.settings.current
        dialog = NewSongDialog(
            self.owner, styles=self._styles(), models=settings.offered_models, default_model=settings.default_model
        )
        return self._open(dialog)

    def extend(self, record: TableRow) -> NewSongDialog:
        """Extend from here: from the player's position when this clip is the one loaded, else from its end."""
        player = self.player
        start_at = record.duration or 0.0
        if player.current_clip_id == record.row_id and player.position > 0:
            start_at = player.position / 1000
            if record.duration:
                start_at = min(start_at, record.duration)
        dialog = NewSongDialog.for_extension(
            self.owner,
            clip_title=record.title,
            style=record.tags,
            lyrics=record.lyrics,
            model=record.model,
            task_id=record.task_id,
            clip_id=record.row_id,
            clip_length=record.duration,
            start_at=start_at,
            styles=self._styles(),
            models=self.settings.current.offered_models,
        )
        return self._open(dialog)

    def recreate(self, record: TableRow) -> NewSongDialog | QMessageBox | None:
        """Create again: a submission is sent as it was (after asking); a song, failed task or lyrics fill a dialog."""
        if record.is_submission:
            return self._confirm_create_again(record)
        if record.is_lyrics:
            return self.song_from_lyrics(record)
        if record.is_task:  # a failed task: what was sent, from the journal, when it opens
            self.edit_again(record)
            return None
        instrumental = _sounds_instrumental(record)
        dialog = NewSongDialog.prefilled(
            self.owner,
            title=record.title,
            style=record.tags,
            lyrics="" if record.lyrics.strip().casefold() == INSTRUMENTAL_MARK else record.lyrics,
            model=record.model,
            instrumental=instrumental,
            description=record.description,
            styles=self._styles(),
            models=self.settings.current.offered_models,
        )
        return self._open(dialog)

    def song_from_lyrics(self, record: TableRow) -> NewSongDialog:
        """A lyrics-only row: the dialog's Write it yourself, with these lyrics and their title."""
        dialog = NewSongDialog.prefilled(
            self.owner,
            title=record.title,
            lyrics=record.lyrics,
            styles=self._styles(),
            models=self.settings.current.offered_models,
        )
        return self._open(dialog)

    def edit_again(self, record: TableRow) -> None:
        """A failed task: the dialog with what was sent for it (the journal is read on a worker), and why it failed."""
        library = self.library
        self.workers.submit(
            lambda: SubmissionJournal(library).for_task(record.task_id),
            on_result=lambda submission: self._edit_again(record, submission),
            on_error=lambda exc: self.error.emit(f"Could not read what was sent: {sentence_of(exc)}"),
        )

    def _edit_again(self, record: TableRow, submission: Submission | None) -> NewSongDialog:
        if submission is not None and submission.request.mode is not SubmitMode.LYRICS:
            dialog = self._reopen(submission.request)
        else:  # what the row knows: its title, style, lyrics and model
            dialog = self._open(
                NewSongDialog.prefilled(
                    self.owner,
                    title=record.title,
                    style=record.tags,
                    lyrics=record.lyrics,
                    model=record.model,
                    description=record.description,
                    styles=self._styles(),
                    models=self.settings.current.offered_models,
                )
            )
        reason = record.note.rstrip(".") or "The relay made nothing"
        dialog.show_notice(f"{reason}. Edit what you asked for, then create it again.")
        return dialog

    def _reopen(self, request: SongRequest) -> NewSongDialog:
        """The dialog again, with exactly what was sent in it."""
        styles, models = self._styles(), self.settings.current.offered_models
        if request.mode is SubmitMode.EXTEND:
            clip = self.table.model.record_for(request.extend_clip_id)
            dialog = NewSongDialog.for_extension(
                self.owner,
                clip_title=request.title,
                style=request.style,
                lyrics=request.lyrics,
                model=request.model,
                task_id=request.extend_task_id,
                clip_id=request.extend_clip_id,
                clip_length=clip.duration if clip is not None else None,
                start_at=request.continue_at or 0.0,
                styles=styles,
                models=models,
            )
        else:
            fields = ("title", "style", "lyrics", "model", "instrumental", "description")
            values = {name: getattr(request, name) for name in fields}
            dialog = NewSongDialog.prefilled(self.owner, styles=styles, models=models, **values)
        return self._open(dialog)

    def _open(self, dialog: NewSongDialog) -> NewSongDialog:
        if self._dialog_open():
            self.dialog.close()  # one at a time: the answers of lyrics go to the one that asked
        dialog.setObjectName("newSongDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submit_requested.connect(lambda request: self._send(request, dialog.used_model()))
        dialog.lyrics_requested.connect(self.creator.write_lyrics)
        dialog.lyrics_cancelled.connect(self.creator.cancel_lyrics)
        dialog.settings_requested.connect(self.settings_requested)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_open(self) -> bool:
        return self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible()

    def _open_dialog(self) -> NewSongDialog | None:
        """The dialog the answers about lyrics go to; None once the user closed it."""
        return self.dialog if self._dialog_open() else None

    def _lyrics_ready(self, title: str, text: str) -> None:
        if (dialog := self._open_dialog()) is not None:
            dialog.show_lyrics(title, text)

    def _lyrics_failed(self, sentence: str) -> None:
        if (dialog := self._open_dialog()) is not None:
            dialog.lyrics_failed(sentence)

    def _lyrics_progress(self, text: str) -> None:
        if (dialog := self._open_dialog()) is not None:
            dialog.lyrics_progress(text)

    def _styles(self) -> list[str]:
        """The styles of the library's songs, read off the table's records (no database on this thread)."""
        tags = (record.tags.strip() for record in self.table.model.records() if record.kind == ClipKind.MUSIC)
        return list(dict.fromkeys(tag for tag in tags if tag))

    # ------------------------------------------------------------------ sending and what came of it

    def _send(self, request: SongRequest, model: str) -> None:
        self._remember_model(model)
        self.message.emit(f"Sending “{_headline(request)}” to the relay…")
        self.creator.submit(request)

    def _remember_model(self, name: str) -> None:
        """A model name typed in the dialog is offered the next time (saved on a worker)."""
        holder = self.settings
        models = remembered_models(holder.current.models, adding=name)
        if models == holder.current.models:
            return
        holder.replace(dataclasses.replace(holder.current, models=models))
        if holder.store is not None:
            self.workers.submit(
                holder.store.save,
                dataclasses.replace(holder.current),  # a copy for the worker
                on_error=lambda exc: self.error.emit(f"Could not save the settings: {sentence_of(exc)}"),
            )

    def _accepted(self, result: SubmitResult) -> None:
        self._place_row(result)
        if result.request.mode is SubmitMode.LYRICS:
            return  # the dialog waits for them; the row is in the table like any task
        self.message.emit(
            f"The relay accepted “{_headline(result.request)}”: its songs replace the selected row as they are made."
        )
        if result.row is not None:
            self.reveal(result.row.row_id)

    def _unconfirmed(self, result: SubmitResult) -> None:
        self._place_row(result)
        self.error.emit(result.sentence)
        if result.row is not None and result.request.mode is not SubmitMode.LYRICS:
            self.reveal(result.row.row_id)

    def _refused(self, result: SubmitResult) -> None:
        """Nothing was made: say why, once, and give the user back what they wrote."""
        if result.replacing:
            self.table.model.remove_ids([result.replacing])  # its entry was forgotten when it was sent again
        self.error.emit(result.sentence)
        dialog = self._reopen(result.request)
        dialog.show_notice(result.sentence, settings=result.kind in SETTINGS_ERRORS)

    def _place_row(self, result: SubmitResult) -> None:
        model = self.table.model
        if result.row is None:
            if result.replacing:
                model.remove_ids([result.replacing])
        elif result.replacing:
            model.replace_row(result.replacing, result.row)
        else:
            model.upsert([result.row])

    def reveal(self, row_id: str) -> None:
        """Select the row and scroll to it, so the user sees where their song went."""
        table = self.table
        if table.model.row_of(row_id) is None and table.model.row_for(row_id) is not None:
            table.search.clear()  # the search hides it
        row = table.proxy.proxy_row_of(row_id)
        if row is None:
            return
        table.view.selectRow(row)
        table.view.scrollTo(table.proxy.index(row, COL_TITLE))

    # ------------------------------------------------------------------ unconfirmed submissions

    def _confirm_create_again(self, record: SubmissionRow) -> QMessageBox:
        """Ask first: it may have been made and charged already."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Create again",
            f"Create “{record.title}” again?\n\n{record.note}\n\n"
            "If it was created, creating it again makes a second song and is charged again.",
            QMessageBox.StandardButton.Cancel,
            self.owner,
        )
        box.setObjectName("createAgainDialog")
        again = box.addButton("Create Again", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: button is again and self._create_again(record))
        box.open()
        return box

    def _create_again(self, row: SubmissionRow) -> None:
        self.message.emit(f"Sending “{row.title}” again…")
        self.creator.create_again(row)

    def forget(self, rows: list[TableRow]) -> None:
        """Forget unconfirmed submissions (the journal says so; nothing is sent)."""
        submissions = [row for row in rows if row.is_submission]
        if submissions:
            self.creator.forget(submissions)

    def _forgotten(self, row_ids: list[str]) -> None:
        self.table.model.remove_ids(row_ids)
        self.message.emit(f"Forgot {len(row_ids)} unconfirmed request(s).")

    # ------------------------------------------------------------------ helpers

    def _for_selected(self, act) -> None:
        rows = self.table.view.selected_rows()
        if len(rows) == 1:
            self._with_lyrics(rows[0], act)

    def _for_row(self, row_id: str, act) -> None:
        row = self.table.model.row_for(row_id)
        if row is not None:
            self._with_lyrics(row, act)

    def _with_lyrics(self, row: TableRow, act) -> None:
        """*act* on the row, a clip's lyrics read first (on a worker): the table keeps none, the dialogs show them."""
        if row.lyrics is not None:
            act(row)
            return
        self.workers.submit(
            self.library.clip,
            row.row_id,
            on_result=lambda record: act(ClipRow(record)) if record is not None else self.error.emit(GONE),
            on_error=lambda exc: self.error.emit(f"The clip's lyrics could not be read: {sentence_of(exc)}"),
        )


def _headline(request: SongRequest) -> str:
    text = request.title.strip() if request.mode is not SubmitMode.INSPIRATION else ""
    line = next((line.strip() for line in request.description.splitlines() if line.strip()), "")
    return text or (line[:59] + "…" if len(line) > 60 else line) or request.mode.label


def _sounds_instrumental(record: TableRow) -> bool:
    """A fair guess: no words sung (none, or Suno's "[Instrumental]"), and no description that explains why."""
    words = record.lyrics.strip().casefold()
    return words == INSTRUMENTAL_MARK or (not words and not record.description.strip())
