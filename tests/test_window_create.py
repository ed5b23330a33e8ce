"""The window creates songs: New Song, what came of a send, and new songs from rows, against the local relay."""

from __future__ import annotations

import time

import pytest
from fault_servers import SubmitFault
from mutagen.id3 import ID3
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QMenu, QMessageBox
from test_new_song_dialog import WRITE, click_send, open_write_mode, type_lines
from window_helpers import WAIT, add_through_dialog, all_ready

from suno_desktop.library.store import Library
from suno_desktop.library.submission_journal import SubmissionJournal
from suno_desktop.model import ClipState
from suno_desktop.song_request import SongRequest
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_STATUS, COL_TITLE
from suno_desktop.ui.new_song_dialog import NewSongDialog

NEW_SONG = (Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
LYRICS = ["[Verse]", "Headlights on the water", "", "[Chorus]", "Drive on, drive on"]


def shown_dialog(window) -> NewSongDialog | None:
    return next((d for d in window.findChildren(NewSongDialog) if d.isVisible()), None)


def open_new_song(qtbot, window) -> NewSongDialog:
    window.activateWindow()  # offscreen, a dialog that closed leaves no window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    qtbot.keyClick(window, *NEW_SONG)
    qtbot.waitUntil(lambda: shown_dialog(window) is not None, timeout=WAIT)
    dialog = shown_dialog(window)
    qtbot.waitExposed(dialog)
    return dialog


def write_song(qtbot, dialog, title="Night Drive", style="synthwave, female vocals") -> None:
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, title)
    qtbot.keyClicks(dialog.style_edit, style)
    type_lines(qtbot, dialog.lyrics_edit, LYRICS)


def submitted(relay, count: int | None = None) -> bool:
    """Whether *count* submits (any, when None) reached the relay and the last one made a task."""
    submits = relay.submits
    return bool(submits) and (count is None or len(submits) == count) and bool(submits[-1]["task_id"])


def current_id(window) -> str:
    return window.table.currentIndex().data(CLIP_ID_ROLE) or ""


def rows_of(window, kind: str) -> list:
    """The table's rows of tasks without clips (*kind* "task") or of unconfirmed submissions ("submission")."""
    return [row for row in window.model.rows() if (row.is_task if kind == "task" else row.is_submission)]


def context_menu(qtbot, window, clip_id: str) -> QMenu:
    row = window.proxy.proxy_row_of(clip_id)
    rect = window.table.visualRect(window.proxy.index(row, COL_TITLE))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window.table.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: window.findChild(QMenu, "tableMenu") is not None)
    menus = window.findChildren(QMenu, "tableMenu")
    return menus[-1]


def trigger(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    assert action.isEnabled()
    action.trigger()
    menu.close()
    menu.deleteLater()


def test_new_song_is_sent_once_shown_selected_then_replaced_by_its_tagged_songs(qtbot, make_window, relay):
    relay.generation_seconds = 3.0  # long enough to see the task's own row
    window = make_window()
    seen_current = []
    window.table.selectionModel().currentRowChanged.connect(lambda *_: seen_current.append(current_id(window)))
    dialog = open_new_song(qtbot, window)
    assert dialog.windowTitle() == "New Song" and dialog.tabs.currentIndex() == 0
    write_song(qtbot, dialog)
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: submitted(relay, 1), timeout=WAIT)
    task_id = relay.submits[0]["task_id"]
    body = relay.submits[0]["body"]
    assert (body["title"], body["tags"], body["prompt"]) == (
        "Night Drive",
        "synthwave, female vocals",
        "\n".join(LYRICS),
    )
    qtbot.waitUntil(lambda: f"task:{task_id}" in seen_current, timeout=WAIT)  # a row at once, selected
    task_rows = [r for r in rows_of(window, "task") if r.task_id == task_id]
    if task_rows:  # (a slow machine may only see its songs by now)
        assert task_rows[0].title == "Night Drive"  # what was asked for, not "Task <id>"
        status = window.model.status_text(window.model.row_of(f"task:{task_id}"))
        assert status.startswith(("Waiting…", "Generating"))
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)
    assert {window.model.record(row).task_id for row in range(2)} == {task_id}
    assert window.model.row_for(current_id(window)).task_id == task_id  # the selection stayed on its song
    for row in range(2):
        record = window.model.record(row)
        tags = ID3(window.library.root / record.audio_path)
        assert tags["TIT2"].text == ["Night Drive"]
        assert tags.getall("USLT")[0].text == "\n".join(LYRICS)
    assert len(relay.submits) == 1
    qtbot.waitUntil(lambda: window.status.count_label.text() == "2 clips", timeout=WAIT)


def test_a_described_song_becomes_a_task_row_named_after_the_description(qtbot, make_window, relay):
    relay.generation_seconds = 30.0
    window = make_window()
    dialog = open_new_song(qtbot, window)
    qtbot.keyClicks(dialog.description_edit, "an upbeat pop song about summer rain")
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: submitted(relay, 1), timeout=WAIT)
    assert relay.submits[0]["body"]["gpt_description_prompt"] == "an upbeat pop song about summer rain"
    task_id = relay.submits[0]["task_id"]
    qtbot.waitUntil(lambda: current_id(window) == f"task:{task_id}", timeout=WAIT)
    record = window.model.row_for(f"task:{task_id}")
    assert record.title == "an upbeat pop song about summer rain"
    assert window.detail.description.text() == "an upbeat pop song about summer rain"
    qtbot.waitUntil(lambda: window.status.count_label.text() == "0 clips · 1 task(s) without songs", timeout=WAIT)


def test_an_unconfirmed_song_is_a_row_created_again_only_after_asking(qtbot, make_window, relay):
    relay.inject_submit_fault(SubmitFault.PROXY_502)  # the relay makes the task, then a proxy answers 502
    window = make_window()
    dialog = open_new_song(qtbot, window)
    write_song(qtbot, dialog, title="Lost Signal")
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(rows_of(window, "submission")), timeout=WAIT)
    assert len(relay.submits) == 1
    [unconfirmed] = rows_of(window, "submission")
    assert unconfirmed.title == "Lost Signal" and current_id(window) == unconfirmed.row_id
    row = window.model.row_of(unconfirmed.row_id)
    assert window.model.status_text(row) == "Unconfirmed"
    tooltip = window.model.data(window.model.index(row, COL_STATUS), Qt.ItemDataRole.ToolTipRole)
    assert tooltip == (
        "The relay did not confirm this song (HTTP 502). It may still have been created and charged; "
        "check your relay's task log before creating it again."
    )
    assert tooltip in window.detail.fields["Status"].text()
    qtbot.waitUntil(lambda: window.status.count_label.text() == "0 clips · 1 unconfirmed", timeout=WAIT)

    menu = context_menu(qtbot, window, unconfirmed.row_id)
    assert [a.text() for a in menu.actions() if a.text()] == ["Create Again…", "Forget"]
    trigger(menu, "Create Again…")
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "createAgainDialog") is not None)
    box = window.findChild(QMessageBox, "createAgainDialog")
    assert "charged" in box.text() and "Lost Signal" in box.text()
    qtbot.wait(300)
    assert len(relay.submits) == 1  # nothing is sent before the answer
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Create Again"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: submitted(relay, 2), timeout=WAIT)
    task_id = relay.submits[1]["task_id"]
    qtbot.waitUntil(lambda: any(r.task_id == task_id for r in window.model.records()), timeout=WAIT)
    assert not rows_of(window, "submission")
    assert window.model.row_for(current_id(window)).task_id == task_id
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)
    assert len(relay.submits) == 2


def test_forget_removes_an_unconfirmed_row_for_good(qtbot, make_window, relay, tmp_path):
    relay.inject_submit_fault(SubmitFault.PROXY_502, times=2)
    window = make_window()
    for title in ("Keep Me", "Forget Me"):
        dialog = open_new_song(qtbot, window)
        write_song(qtbot, dialog, title=title)
        click_send(qtbot, dialog)
        qtbot.waitUntil(lambda title=title: any(r.title == title for r in rows_of(window, "submission")), timeout=WAIT)
    forget = next(r for r in rows_of(window, "submission") if r.title == "Forget Me")
    trigger(context_menu(qtbot, window, forget.row_id), "Forget")
    qtbot.waitUntil(lambda: window.model.row_for(forget.row_id) is None, timeout=WAIT)
    assert [r.title for r in rows_of(window, "submission")] == ["Keep Me"]
    assert len(relay.submits) == 2
    window.close()
    window.library.close()
    reopened = make_window(library_dir=tmp_path / "Library")
    assert [r.title for r in rows_of(reopened, "submission")] == ["Keep Me"]
    # Remove on such a row is Forget
    keep = rows_of(reopened, "submission")[0]
    reopened.table.selectRow(reopened.proxy.proxy_row_of(keep.row_id))
    qtbot.keyClick(reopened.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: reopened.findChild(QMessageBox, "removeDialog") is not None)
    box = reopened.findChild(QMessageBox, "removeDialog")
    assert "1 request(s)" in box.text()
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Remove"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not rows_of(reopened, "submission"), timeout=WAIT)
    assert SubmissionJournal(reopened.library).open() == []


def test_a_rate_limit_once_is_waited_out_and_makes_one_task(qtbot, make_window, relay):
    relay.inject_submit_fault(SubmitFault.HTTP_429, retry_after="1")
    window = make_window(retry_cap=1.0)  # a Retry-After the settings' policy honours
    dialog = open_new_song(qtbot, window)
    write_song(qtbot, dialog, title="Patience")
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: submitted(relay, 2), timeout=WAIT)
    assert relay.submits[0]["task_id"] is None  # the 429 made nothing
    qtbot.waitUntil(lambda: all_ready(window, 2), timeout=WAIT)
    assert {r.task_id for r in window.model.records()} == {relay.submits[1]["task_id"]}
    assert not rows_of(window, "submission") and not rows_of(window, "task")


def test_a_refused_token_says_so_and_gives_the_text_back(qtbot, make_window, relay):
    window = make_window(token="wrong")
    dialog = open_new_song(qtbot, window)
    write_song(qtbot, dialog, title="Locked Out")
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: shown_dialog(window) is not None and bool(shown_dialog(window).notice.text()), timeout=WAIT)
    again = shown_dialog(window)
    assert "refused the API token" in again.notice.text() and "nothing was created" in again.notice.text()
    assert again.notice_settings_button.isVisible()  # an auth problem points to Settings
    assert again.tabs.currentIndex() == WRITE
    assert again.title_edit.text() == "Locked Out"
    assert again.style_edit.text() == "synthwave, female vocals"
    assert again.lyrics_edit.toPlainText() == "\n".join(LYRICS)
    assert "token" in window.status.error_label.text()  # the status bar's error line
    assert window.model.rowCount() == 0 and all(entry["task_id"] is None for entry in relay.submits)
    qtbot.mouseClick(again.notice_settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QComboBox, "defaultModelCombo") is not None, timeout=WAIT)


def test_write_lyrics_for_me_fills_the_editor_and_cancel_stops_waiting(qtbot, make_window, relay):
    window = make_window()
    dialog = open_new_song(qtbot, window)
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Paper Moon")
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "I wrote your name on the window, Paper Moon" in dialog.lyrics_edit.toPlainText(), timeout=WAIT
    )
    assert relay.submits[-1]["route"] == "/suno/submit/lyrics" and relay.submits[-1]["body"] == {"prompt": "Paper Moon"}
    assert not dialog.is_writing_lyrics() and dialog.send_button.isEnabled()
    assert dialog.title_edit.text() == "Paper Moon"

    relay.generation_seconds = 2.0  # long enough to cancel while it is queued or generating
    before = dialog.lyrics_edit.toPlainText()
    qtbot.keyClicks(dialog.title_edit, " Again")
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.lyrics_tools.busy_label.text().startswith("Writing lyrics… "), timeout=WAIT)
    qtbot.waitUntil(lambda: submitted(relay, 2), timeout=WAIT)
    task_id = relay.submits[1]["task_id"]
    qtbot.waitUntil(lambda: dialog.lyrics_tools.busy_label.text() in QUEUED_OR_GENERATING, timeout=WAIT)
    qtbot.mouseClick(dialog.lyrics_tools.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.is_writing_lyrics()
    # the lyrics task stays in the library: the normal sync finishes it, and the editor is left alone
    qtbot.waitUntil(
        lambda: any(r.task_id == task_id and r.kind == "lyrics" for r in window.model.records()), timeout=WAIT
    )
    qtbot.wait(200)
    assert dialog.lyrics_edit.toPlainText() == before
    assert len(relay.submits) == 2


QUEUED_OR_GENERATING = ("Writing lyrics… queued", "Writing lyrics… generating")


def test_lyrics_written_after_their_dialog_closed_open_nothing_and_stay_a_row(qtbot, make_window, relay):
    relay.generation_seconds = 1.0
    window = make_window()
    dialog = open_new_song(qtbot, window)
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Paper Moon")
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: submitted(relay, 1), timeout=WAIT)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closed while the relay writes them
    qtbot.waitUntil(lambda: shown_dialog(window) is None, timeout=WAIT)
    task_id = relay.submits[0]["task_id"]
    qtbot.waitUntil(
        lambda: any(r.task_id == task_id and r.kind == "lyrics" for r in window.model.records()), timeout=WAIT
    )
    assert shown_dialog(window) is None  # the answer found no dialog, and opened none
    assert window.status.error_label.text() == ""


def test_extend_from_here_starts_at_the_end_or_where_the_player_is(qtbot, make_window, relay):
    task_id = relay.add_music_task(clips=1, title="Harbour", tags="sea shanty", lyrics="[Verse]\nRopes and tar")
    window = make_window()
    add_through_dialog(qtbot, window, task_id)
    qtbot.waitUntil(lambda: all_ready(window, 1), timeout=WAIT)
    song = window.model.record(0)
    trigger(context_menu(qtbot, window, song.clip_id), "Extend from Here…")
    qtbot.waitUntil(lambda: shown_dialog(window) is not None, timeout=WAIT)
    dialog = shown_dialog(window)
    assert dialog.windowTitle() == "Extend “Harbour”"
    assert abs(dialog.start_at_spin.value() - song.duration) <= 0.05  # the clip's end
    assert (dialog.title_edit.text(), dialog.style_edit.text()) == ("Harbour", "sea shanty")
    assert dialog.lyrics_edit.toPlainText() == "[Verse]\nRopes and tar"
    assert dialog.model_combo.currentText() == song.model
    dialog.reject()

    if window.player.available:  # the player's position, when this clip is the one playing
        window.activateWindow()
        window.table.selectRow(0)
        qtbot.keyClick(window.table, Qt.Key.Key_Return)  # plays the selected song
        qtbot.waitUntil(lambda: window.player.is_playing and window.player.position > 1500, timeout=WAIT)
        qtbot.keyClick(window.table, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not window.player.is_playing, timeout=WAIT)
        qtbot.mouseClick(window.detail.extend_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: shown_dialog(window) is not None, timeout=WAIT)
        dialog = shown_dialog(window)
        assert abs(dialog.start_at_spin.value() - window.player.position / 1000) <= 0.1
        assert dialog.start_at_spin.value() < song.duration - 0.5
    start_at = dialog.start_at_spin.value()
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: submitted(relay), timeout=WAIT)
    body = relay.submits[-1]["body"]
    assert (body["task_id"], body["continue_clip_id"]) == (task_id, song.clip_id)
    assert body["continue_at"] == pytest.approx(start_at)
    new_task = relay.submits[-1]["task_id"]
    qtbot.waitUntil(lambda: any(r.task_id == new_task for r in window.model.records()), timeout=WAIT)


def test_create_again_with_these_settings_fills_the_dialog_from_a_song(qtbot, make_window, relay):
    task_id = relay.add_music_task(clips=1, title="Echoes", tags="lofi", lyrics="[Verse]\nHum", model="chirp-v3-5")
    window = make_window()
    add_through_dialog(qtbot, window, task_id)
    qtbot.waitUntil(lambda: all_ready(window, 1), timeout=WAIT)
    trigger(context_menu(qtbot, window, window.model.record(0).clip_id), "Create Again with These Settings…")
    qtbot.waitUntil(lambda: shown_dialog(window) is not None, timeout=WAIT)
    dialog = shown_dialog(window)
    assert dialog.tabs.currentIndex() == WRITE and dialog.windowTitle() == "New Song"
    assert (dialog.title_edit.text(), dialog.style_edit.text(), dialog.lyrics_edit.toPlainText()) == (
        "Echoes",
        "lofi",
        "[Verse]\nHum",
    )
    assert dialog.model_combo.currentText() == "chirp-v3-5" and not dialog.instrumental_check.isChecked()
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: submitted(relay), timeout=WAIT)
    assert relay.submits[-1]["body"]["mv"] == "chirp-v3-5" and "continue_clip_id" not in relay.submits[-1]["body"]


def test_a_submit_cut_off_by_a_killed_app_shows_as_unconfirmed_on_start(qtbot, make_window, relay, tmp_path):
    library = Library(tmp_path / "Library", create=True)
    entry = SubmissionJournal(library).write(SongRequest.song(title="Half Sent", lyrics="[Verse]\nGone"))
    fresh = SubmissionJournal(library).write(SongRequest.song(title="Still Sending", lyrics="[Verse]\nNow"))
    with library.transaction() as conn:
        conn.execute(
            "UPDATE submissions SET updated_at=? WHERE submission_id=?", (time.time() - 3600, entry.submission_id)
        )
    library.close()
    window = make_window(library_dir=tmp_path / "Library")
    row, sending = sorted(rows_of(window, "submission"), key=lambda r: r.row_id)
    assert (row.title, row.row_id) == ("Half Sent", f"submission:{entry.submission_id}")
    assert window.model.status_text(window.model.row_of(row.row_id)) == "Unconfirmed"
    assert row.note.startswith("Suno Desktop stopped before the relay confirmed this song.")
    # one still being sent (by another process, say) is shown too: nothing asked for is hidden
    assert (sending.title, sending.row_id) == ("Still Sending", f"submission:{fresh.submission_id}")
    assert window.model.status_text(window.model.row_of(sending.row_id)) == "Sending…"
    assert "Being sent to the relay" in sending.note
    assert relay.submits == []


def test_the_settings_default_model_and_typed_models_reach_the_dialog(qtbot, make_window, relay, tmp_path):
    relay.generation_seconds = 30.0
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QComboBox, "defaultModelCombo") is not None, timeout=WAIT)
    combo = window.findChild(QComboBox, "defaultModelCombo")
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "chirp-v3-5")
    box = combo.window().findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.settings.default_model == "chirp-v3-5", timeout=WAIT)
    dialog = open_new_song(qtbot, window)
    assert dialog.model_combo.currentText() == "chirp-v3-5"
    dialog.model_combo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.model_combo.lineEdit(), "chirp-v9")  # a model the list does not have
    qtbot.keyClicks(dialog.description_edit, "a calm piano piece")
    click_send(qtbot, dialog)
    qtbot.waitUntil(lambda: submitted(relay), timeout=WAIT)
    assert relay.submits[-1]["body"]["mv"] == "chirp-v9"
    from suno_desktop.settings import SettingsStore

    store = SettingsStore(tmp_path / "config", use_keyring=False)
    qtbot.waitUntil(lambda: store.load().models == ["chirp-v9"], timeout=WAIT)
    assert store.load().default_model == "chirp-v3-5"
    dialog = open_new_song(qtbot, window)
    models = [dialog.model_combo.itemText(n) for n in range(dialog.model_combo.count())]
    assert "chirp-v9" in models and dialog.model_combo.currentText() == "chirp-v3-5"
    qtbot.waitUntil(  # the request's row is selected once its rows settle (a timer after they arrive)
        lambda: (row := window.model.row_for(current_id(window))) is not None and row.state == ClipState.PENDING,
        timeout=WAIT,
    )


def test_create_again_from_a_clip_gone_from_the_library_meanwhile_says_so(qtbot, make_window, relay):
    """The table keeps no lyrics: Create Again reads them first, and a clip gone by then is one sentence."""
    task_id = relay.add_music_task(clips=1, title="Echoes", lyrics="[Verse]\nHum")
    window = make_window()
    add_through_dialog(qtbot, window, task_id)
    qtbot.waitUntil(lambda: all_ready(window, 1), timeout=WAIT)
    clip_id = window.model.record(0).clip_id
    menu = context_menu(qtbot, window, clip_id)
    with window.library.transaction() as conn:  # another process (a rebuild) dropped it
        conn.execute("DELETE FROM clips WHERE clip_id=?", (clip_id,))
    trigger(menu, "Create Again with These Settings…")
    qtbot.waitUntil(lambda: "no longer in the library" in window.status.error_label.text(), timeout=WAIT)
    assert shown_dialog(window) is None
