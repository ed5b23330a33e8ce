"""What each row of the clip table is and can do: a song, lyrics, a task without clips, an unconfirmed request."""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, Qt
from window_helpers import WAIT, add_through_dialog

from suno_desktop.library.store import Library
from suno_desktop.model import ClipKind, ClipRecord, ClipState, ClipStatus, TaskAction, TaskRecord, TaskStatus
from suno_desktop.song_request import SongRequest, Submission, SubmissionState
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_STATUS, NO_FILES, submission_row, task_row
from suno_desktop.ui.clip_table_model import ClipTableModel
from suno_desktop.ui.table_rows import UNCONFIRMED_COLOR, ClipRow

REQUEST = SongRequest.song(title="Harbour Lights", style="sea shanty", lyrics="[Verse]\nRopes and tar")


def clip(clip_id: str = "c1", **fields) -> ClipRecord:
    """A finished, downloaded song; *fields* override."""
    values = dict.fromkeys(("audio_path", "cover_path", "video_path", "file_stem", "tag_key", "duration", "created_at"))
    values.update(
        clip_id=clip_id, task_id="t1", position=0, kind=ClipKind.MUSIC, title="Song", tags="pop", lyrics="", model="",
        description="", relay_status=ClipStatus.COMPLETE, error="", audio_url="https://cdn/a.mp3", image_url="",
        video_url="", state=ClipState.READY, removed=False, updated_at=0.0,
    )  # fmt: skip
    return ClipRecord(**{**values, **fields})


def task(status: TaskStatus, error: str = "", task_id: str = "t9") -> TaskRecord:
    return TaskRecord(task_id, TaskAction.MUSIC, status, "Content filter.", "", 1.0, 2.0, error, False, 2.0)


def submission(state: SubmissionState = SubmissionState.UNCONFIRMED) -> Submission:
    return Submission(7, REQUEST, state, "", "The relay did not confirm this song.", 1.0, 1.0)


def test_a_song_row_plays_exports_and_is_extended_only_once_finished():
    row = ClipRow(clip())
    assert (row.row_id, row.title, row.state) == ("c1", "Song", ClipState.READY)
    assert row.can_play and row.can_export and row.can_extend and not row.is_placeholder
    assert not (row.is_lyrics or row.is_task or row.is_submission or row.can_send_again)
    streaming = ClipRow(clip(relay_status=ClipStatus.STREAMING, state=ClipState.PENDING))
    assert streaming.can_play and not streaming.can_extend  # the relay extends only a finished song
    assert streaming.status() == "Generating…"
    failed = ClipRow(clip(state=ClipState.FAILED, error="The download kept failing."))
    assert failed.status() == "Failed: The download kept failing." and failed.note == "The download kept failing."


def test_a_lyrics_row_makes_a_song_but_has_nothing_to_play_or_export():
    row = ClipRow(clip(kind=ClipKind.LYRICS, state=ClipState.LYRICS, audio_url=""))
    assert row.is_lyrics and row.status() == "Lyrics only"
    assert not (row.can_play or row.can_export or row.can_extend or row.is_placeholder)


def test_task_and_submission_rows_stand_for_no_clip_and_say_where_they_stand():
    waiting = task_row(task(TaskStatus.QUEUED))
    assert (waiting.row_id, waiting.title, waiting.status()) == ("task:t9", "Task t9", "Waiting…")
    assert waiting.is_placeholder and waiting.is_task and waiting.record is None and waiting.duration is None
    assert waiting.task_status is TaskStatus.QUEUED and waiting.state == ClipState.PENDING
    failed_here = task_row(task(TaskStatus.FAILURE), Submission(1, REQUEST, SubmissionState.ACCEPTED, "t9", "", 1, 1))
    added_by_id = task_row(task(TaskStatus.FAILURE))
    assert failed_here.title == "Harbour Lights" and failed_here.lyrics == "[Verse]\nRopes and tar"
    assert failed_here.status() == "Failed: Content filter." and failed_here.state == ClipState.FAILED
    assert failed_here.can_send_again and not added_by_id.can_send_again  # the relay does not say what was sent
    assert not waiting.can_send_again  # not failed
    unconfirmed = submission_row(submission(), now=2.0)
    assert unconfirmed.is_submission and unconfirmed.submission_id == 7 and unconfirmed.task_id == ""
    assert unconfirmed.status() == "Unconfirmed" and unconfirmed.color == UNCONFIRMED_COLOR
    assert submission_row(submission(SubmissionState.SENDING), now=2.0).status() == "Sending…"
    for row in (waiting, failed_here, unconfirmed):
        assert not (row.can_play or row.can_export or row.can_extend or row.is_lyrics), row


def test_the_model_gives_rows_without_a_clip_no_record_no_drag_and_no_files(qtbot, tmp_path):
    library = Library(tmp_path / "Library", create=True)
    (library.root / "Song.mp3").write_bytes(b"ID3")
    song = clip(audio_path="Song.mp3")
    model = ClipTableModel(library)
    placeholders = [
        task_row(task(TaskStatus.UNKNOWN, error="The relay does not know it.")),
        submission_row(submission(), 2.0),
    ]
    model.set_records([song, *placeholders], [(True, False, False), NO_FILES, NO_FILES])
    assert [model.index(r, 0).data(CLIP_ID_ROLE) for r in range(3)] == ["c1", "task:t9", "submission:7"]
    kept = replace(song, lyrics=None)  # the table keeps a clip's lyrics in its search text only
    assert model.records() == [kept] and model.record(0) == kept and model.record(1) is model.record(2) is None
    assert model.record_for("task:t9") is None and model.row_for("task:t9") is placeholders[0]
    assert [row.row_id for row in model.rows()] == ["c1", "task:t9", "submission:7"]
    assert (model.clip_count(), model.task_row_count(), model.submission_row_count()) == (1, 1, 1)
    draggable = [bool(model.flags(model.index(r, 0)) & Qt.ItemFlag.ItemIsDragEnabled) for r in range(3)]
    assert draggable == [True, False, False]
    urls = model.mimeData([model.index(r, 0) for r in range(3)]).urls()
    assert [url.toLocalFile() for url in urls] == [str(library.root / "Song.mp3")]  # only the song has a file
    assert model.data(model.index(1, COL_STATUS)) == "Could not be read: The relay does not know it."
    assert model.data(model.index(2, COL_STATUS), Qt.ItemDataRole.ForegroundRole) == UNCONFIRMED_COLOR
    model.mark_downloading(["task:t9", "c1"])  # a row without a clip has nothing to download
    assert model.row(1) is placeholders[0] and model.record(0).state == ClipState.DOWNLOADING
    library.close()


def test_in_the_window_a_task_row_offers_no_play_export_or_copy_until_a_song_is_selected(qtbot, make_window, relay):
    unknown = str(uuid.uuid4())
    song_task = relay.add_music_task(clips=1, title="Tide")
    window = make_window()
    add_through_dialog(qtbot, window, f"{unknown}\n{song_task}")
    model, proxy, commands = window.model, window.proxy, window.commands

    def ready() -> bool:
        rows = {row.task_id: row for row in model.rows()}
        return (
            rows.get(unknown) is not None
            and rows[unknown].note.startswith("Not found")
            and all(row.state == ClipState.READY for row in rows.values() if row.task_id == song_task)
            and song_task in rows
        )

    qtbot.waitUntil(ready, timeout=WAIT)
    task_at = proxy.proxy_row_of(f"task:{unknown}")
    song_at = next(r for r in range(proxy.rowCount()) if model.row(proxy.source_row(r)).can_play)
    rect = window.table.visualRect(proxy.index(task_at, 1))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.detail.row is not None and window.detail.row.is_task)
    assert window.detail.record is None  # a task's row has no clip behind it
    assert not commands.export_action.isEnabled() and not commands.copy_action.isEnabled()
    assert commands.refresh_action.isEnabled()  # a task can be asked about again
    assert not window.detail.play_button.isEnabled() and not window.detail.cover.isVisible()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    window.table.selectionModel().select(proxy.index(song_at, 0), flags)
    qtbot.waitUntil(commands.export_action.isEnabled)  # a song in the selection can be exported
    assert commands.copy_action.isEnabled()
