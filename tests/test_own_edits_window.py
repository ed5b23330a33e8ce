"""Issue 19, point 3 in the window: the user's own title, style, lyrics and description, edited in the detail
pane (and the title with F2 in the table), written into the files and their names at once, kept over the relay's
across a refresh, with "Relay: …" and "Revert to the relay's" beneath each field that is the user's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import ID3
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from record_helpers import clip_record
from window_helpers import WAIT, add_through_dialog, synced_window

from suno_desktop.library.clip_edits import EditField, relay_values
from suno_desktop.model import ClipKind, ClipState
from suno_desktop.ui.clip_editing import NO_EMPTY_TITLE
from suno_desktop.ui.clip_rows import CLIP_ID_ROLE, COL_COVER, COL_TITLE
from suno_desktop.ui.detail_pane import ClipDetailPane

CTRL = Qt.KeyboardModifier.ControlModifier


def shown_clip(qtbot, window, row: int = 0) -> str:
    """Select *row* and wait for the pane to show its clip; its id."""
    window.table.selectRow(row)
    clip_id = window.proxy.index(row, 0).data(CLIP_ID_ROLE)
    qtbot.waitUntil(lambda: window.detail.record is not None and window.detail.record.clip_id == clip_id)
    return clip_id


def type_into(qtbot, editor, text: str) -> None:
    """Click into a pane field, select what it holds and type *text* over it, like a person.

    As a person would, it waits for the field to be editable: a clip's lyrics are read for the pane first.
    """
    qtbot.waitUntil(lambda: not editor.isReadOnly(), timeout=WAIT)
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)


def song_of(window, clip_id: str) -> Path | None:
    record = window.library.clip(clip_id)
    return window.library.root / record.audio_path if record.audio_path else None


def tags_say(window, clip_id: str, frame: str, text: str) -> bool:
    """The clip's MP3 is on disk and its *frame* reads *text* (USLT: the lyrics)."""
    song = song_of(window, clip_id)
    try:
        tags = ID3(song)
    except (TypeError, OSError, MutagenError):  # no file yet, or it is being renamed right now
        return False
    if frame == "USLT":
        return [f.text for f in tags.getall("USLT")] == [text]
    return frame in tags and tags[frame].text == [text]


def named(window, clip_id: str, stem: str) -> bool:
    """The clip's MP3 is named after *stem* by the template (its id follows)."""
    song = song_of(window, clip_id)
    return song is not None and song.name.startswith(f"{stem} [") and song.is_file()


def title_shown(window, clip_id: str) -> str:
    return window.proxy.index(window.proxy.proxy_row_of(clip_id), COL_TITLE).data()


def note(window, field: EditField):
    return window.detail.relay_notes[field]


def test_a_title_typed_into_the_pane_is_saved_tagged_renamed_and_reverted(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    clip = shown_clip(qtbot, window)
    assert window.library.clip(clip).title == "Song 0" and not note(window, EditField.TITLE).isVisible()
    old_song = song_of(window, clip)

    type_into(qtbot, window.detail.title, "Night Drive")
    with qtbot.waitSignal(window.editing.message, timeout=WAIT) as said:
        qtbot.keyClick(window.detail.title, Qt.Key.Key_Return)
    assert said.args == ["Saved your title: “Night Drive”; its files are re-tagged and renamed."]
    assert window.library.clip(clip).title == "Night Drive" and window.library.clip(clip).edited == ("title",)
    qtbot.waitUntil(lambda: title_shown(window, clip) == "Night Drive", timeout=WAIT)
    qtbot.waitUntil(lambda: tags_say(window, clip, "TIT2", "Night Drive"), timeout=WAIT)
    qtbot.waitUntil(lambda: named(window, clip, "Night Drive"), timeout=WAIT)  # renamed by the template
    song = song_of(window, clip)
    assert not old_song.exists()
    qtbot.waitUntil(lambda: note(window, EditField.TITLE).label.full_text() == "Relay: Song 0", timeout=WAIT)
    assert note(window, EditField.TITLE).isVisible() and not note(window, EditField.STYLE).isVisible()

    # typing, then Escape: the stored title comes back and nothing is saved
    type_into(qtbot, window.detail.title, "Scratch that")
    qtbot.keyClick(window.detail.title, Qt.Key.Key_Escape)
    assert window.detail.title.text() == "Night Drive"
    window.table.setFocus()  # leaving the field saves nothing: nothing changed
    assert window.library.clip(clip).title == "Night Drive"

    type_into(qtbot, window.detail.title, "Half typed")  # then Revert: the typing goes with the user's title
    with qtbot.assertNotEmitted(window.detail.edit_requested):
        qtbot.mouseClick(note(window, EditField.TITLE).button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.library.clip(clip).edited == (), timeout=WAIT)
    assert window.library.clip(clip).title == "Song 0"
    qtbot.waitUntil(lambda: named(window, clip, "Song 0") and tags_say(window, clip, "TIT2", "Song 0"), timeout=WAIT)
    assert not song.exists()
    qtbot.waitUntil(lambda: window.detail.title.text() == "Song 0" and title_shown(window, clip) == "Song 0")
    assert not note(window, EditField.TITLE).isVisible()
    window.table.setFocus()  # leaving the field saves nothing
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)
    assert window.library.clip(clip).title == "Song 0"


def test_style_lyrics_and_description_are_saved_on_leaving_or_ctrl_enter(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    clip = shown_clip(qtbot, window, 1)
    detail = window.detail
    (relay_lyrics,) = [frame.text for frame in ID3(song_of(window, clip)).getall("USLT")]  # as tagging writes them

    qtbot.mouseClick(detail.title.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(detail.title, Qt.Key.Key_Tab)  # Tab goes from field to field
    qtbot.waitUntil(detail.tags.hasFocus)
    qtbot.keyClick(detail.tags, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(detail.tags, "  dark   synth ")
    qtbot.keyClick(detail.tags, Qt.Key.Key_Tab)  # leaving the field saves it, cleaned
    qtbot.waitUntil(lambda: window.library.clip(clip).tags == "dark synth", timeout=WAIT)
    qtbot.waitUntil(lambda: tags_say(window, clip, "TCON", "dark synth"), timeout=WAIT)

    type_into(qtbot, detail.lyrics, "[Verse]")
    qtbot.keyClick(detail.lyrics, Qt.Key.Key_Return)  # a new line, not a save
    qtbot.keyClicks(detail.lyrics, "My own words")
    assert window.library.clip(clip).lyrics != "[Verse]\nMy own words"
    qtbot.keyClick(detail.lyrics, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: window.library.clip(clip).lyrics == "[Verse]\nMy own words", timeout=WAIT)
    qtbot.waitUntil(lambda: tags_say(window, clip, "USLT", "[Verse]\nMy own words"), timeout=WAIT)

    type_into(qtbot, detail.description, "a quiet song for the night")
    window.table.setFocus()
    qtbot.waitUntil(lambda: window.library.clip(clip).description == "a quiet song for the night", timeout=WAIT)
    assert window.library.clip(clip).edited == ("description", "lyrics", "tags")
    relay_said = relay_values(window.library, clip)
    for field in (EditField.STYLE, EditField.LYRICS, EditField.DESCRIPTION):
        line = " / ".join(part.strip() for part in relay_said[field].splitlines() if part.strip()) or "(empty)"
        qtbot.waitUntil(lambda f=field, w=line: note(window, f).label.full_text() == f"Relay: {w}", timeout=WAIT)
    assert note(window, EditField.LYRICS).label.toolTip()  # the whole of it on hover
    assert not note(window, EditField.TITLE).isVisible()

    qtbot.mouseClick(note(window, EditField.LYRICS).button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.library.clip(clip).edited == ("description", "tags"), timeout=WAIT)
    qtbot.waitUntil(lambda: tags_say(window, clip, "USLT", relay_lyrics), timeout=WAIT)  # edits in quick succession
    assert window.library.clip(clip).lyrics == relay_said[EditField.LYRICS]
    assert window.library.clip(window.proxy.index(0, 0).data(CLIP_ID_ROLE)).edited == ()  # only the clip shown


def test_f2_edits_the_title_in_the_table_and_a_double_click_still_plays(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    table = window.table
    clip = shown_clip(qtbot, window)
    table.setFocus()
    table.setCurrentIndex(
        window.proxy.index(0, COL_COVER)
    )  # the last cell clicked was the cover: F2 still edits the title
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert editor.text() == "Song 0"
    editor.selectAll()
    qtbot.keyClicks(editor, "Table Title")
    window.model.upsert([replace(window.model.record_for(clip), plays=1)])  # the row changes (a sync, a play)
    assert editor.text() == "Table Title"  # and the typing stays
    with qtbot.assertNotEmitted(table.activated_clip):  # Return ends the editing: it does not play the row
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()
    qtbot.waitUntil(lambda: window.library.clip(clip).title == "Table Title", timeout=WAIT)
    qtbot.waitUntil(lambda: title_shown(window, clip) == "Table Title", timeout=WAIT)
    qtbot.waitUntil(lambda: tags_say(window, clip, "TIT2", "Table Title"), timeout=WAIT)
    qtbot.waitUntil(lambda: named(window, clip, "Table Title"), timeout=WAIT)
    qtbot.waitUntil(lambda: window.detail.title.text() == "Table Title")  # the pane shows the same clip

    cell = table.visualRect(window.proxy.index(window.proxy.proxy_row_of(clip), COL_TITLE)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    with qtbot.waitSignal(table.activated_clip) as played:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert played.args == [clip] and table.state() != QAbstractItemView.State.EditingState


def test_a_refresh_of_a_retitled_clip_keeps_the_users_title_and_shows_the_relays(qtbot, make_window, relay):
    window, (task,) = synced_window(qtbot, make_window, relay, tasks=1)
    clip = shown_clip(qtbot, window)
    position = window.library.clip(clip).position
    type_into(qtbot, window.detail.title, "Night Drive")
    qtbot.keyClick(window.detail.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tags_say(window, clip, "TIT2", "Night Drive"), timeout=WAIT)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)

    relay.update_clip(task, position, title="Song 0 (Remastered)")  # the relay retitles its clip
    window.commands.refresh_all_action.trigger()
    qtbot.waitUntil(lambda: relay_values(window.library, clip)[EditField.TITLE] == "Song 0 (Remastered)", timeout=WAIT)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)
    qtbot.waitUntil(
        lambda: note(window, EditField.TITLE).label.full_text() == "Relay: Song 0 (Remastered)", timeout=WAIT
    )
    assert title_shown(window, clip) == "Night Drive" and window.detail.title.text() == "Night Drive"
    assert window.library.clip(clip).title == "Night Drive" and tags_say(window, clip, "TIT2", "Night Drive")

    qtbot.mouseClick(note(window, EditField.TITLE).button, Qt.MouseButton.LeftButton)  # the relay's latest
    qtbot.waitUntil(lambda: title_shown(window, clip) == "Song 0 (Remastered)", timeout=WAIT)
    qtbot.waitUntil(lambda: tags_say(window, clip, "TIT2", "Song 0 (Remastered)"), timeout=WAIT)


def test_an_empty_title_or_a_clip_removed_meanwhile_is_one_sentence(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    clip = shown_clip(qtbot, window)
    type_into(qtbot, window.detail.title, "")
    qtbot.keyClick(window.detail.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.status.error_label.text() == NO_EMPTY_TITLE, timeout=WAIT)
    qtbot.waitUntil(lambda: window.detail.title.text() == "Song 0")  # the stored title again
    assert window.library.clip(clip).title == "Song 0" and window.library.clip(clip).edited == ()

    window.library.remove_clips([clip])  # another window of the library removed it
    type_into(qtbot, window.detail.title, "Too Late")
    qtbot.keyClick(window.detail.title, Qt.Key.Key_Return)
    sentence = "Your title could not be saved: that clip is no longer in the library."
    qtbot.waitUntil(lambda: window.status.error_label.text() == sentence, timeout=WAIT)
    qtbot.waitUntil(lambda: window.detail.title.text() == "Song 0")
    assert window.library.clip(clip).edited == ()


def test_a_task_row_shows_its_words_read_only(qtbot, make_window, relay):
    window = make_window()
    task = relay.add_music_task(clips=0, final_status="FAILURE", fail_reason="moderation")
    add_through_dialog(qtbot, window, task)
    qtbot.waitUntil(lambda: window.detail.row is not None and window.detail.row.is_task, timeout=WAIT)
    detail = window.detail
    assert detail.title.isReadOnly() and detail.lyrics.isReadOnly() and detail.tags.isReadOnly()
    assert not any(n.isVisible() for n in detail.relay_notes.values())


def test_a_lyrics_only_row_is_edited_in_place_typing_survives_a_refresh_and_no_change_saves_nothing(qtbot):
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    record = clip_record("l1", kind=ClipKind.LYRICS, state=ClipState.LYRICS, title="Lantern Song", lyrics="[Verse]\nla")
    pane.show_clip(record, Path("/library"), (False, False, False))
    pane.show()
    pane.activateWindow()
    qtbot.waitActive(pane)
    assert not pane.lyrics.isReadOnly() and not pane.title.isReadOnly()

    type_into(qtbot, pane.lyrics, "[Verse]")
    qtbot.keyClick(pane.lyrics, Qt.Key.Key_Return)
    qtbot.keyClicks(pane.lyrics, "new words")
    pane.show_clip(record, Path("/library"), (False, False, False))  # the same clip shown again (a sync)
    assert pane.lyrics.text() == "[Verse]\nnew words"
    with qtbot.waitSignal(pane.edit_requested) as asked:
        qtbot.keyClick(pane.lyrics, Qt.Key.Key_Return, CTRL)
    assert asked.args == ["l1", EditField.LYRICS, "[Verse]\nnew words"]

    with qtbot.assertNotEmitted(pane.edit_requested):
        type_into(qtbot, pane.title, "  Lantern   Song ")  # cleans to the stored title: nothing to save
        qtbot.keyClick(pane.title, Qt.Key.Key_Return)
    assert pane.title.text() == "Lantern Song"


def test_words_typed_when_the_window_closes_are_kept(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    clip = shown_clip(qtbot, window)
    type_into(qtbot, window.detail.lyrics, "Last words")
    window.close()
    assert window.library.clip(clip).lyrics == "Last words"


def test_the_pane_reads_a_table_rows_lyrics_and_keeps_words_typed_while_they_are_read_again(qtbot):
    """The table keeps no lyrics (table_search.lean_row): the pane asks for them, read-only until they come."""
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    full = clip_record("c1", title="Harbour", lyrics="[Verse]\nsalt and rope", updated_at=1.0)
    lean = replace(full, lyrics=None)
    with qtbot.waitSignal(pane.lyrics_wanted) as asked:
        pane.show_clip(lean, Path("/library"), (True, False, False))
    assert asked.args == ["c1"]
    assert pane.lyrics.isReadOnly() and pane.lyrics.text() == "" and "Reading" in pane.lyrics.placeholderText()
    pane.show_lyrics_read(full)
    assert not pane.lyrics.isReadOnly() and pane.lyrics.text() == "[Verse]\nsalt and rope"
    with qtbot.assertNotEmitted(pane.lyrics_wanted):  # shown again as it was: no second read
        pane.show_clip(lean, Path("/library"), (True, False, False))
    assert pane.lyrics.text() == "[Verse]\nsalt and rope" and not pane.lyrics.isReadOnly()
    with qtbot.waitSignal(pane.lyrics_wanted):  # the row changed (a rating): read again, editable meanwhile
        pane.show_clip(replace(lean, rating=2, updated_at=1.5), Path("/library"), (True, False, False))
    assert pane.lyrics.text() == "[Verse]\nsalt and rope" and not pane.lyrics.isReadOnly()

    pane.show()
    pane.activateWindow()
    qtbot.waitActive(pane)
    type_into(qtbot, pane.lyrics, "my own")
    with qtbot.waitSignal(pane.lyrics_wanted):  # the clip changed (a sync): its lyrics are read again
        pane.show_clip(replace(lean, rating=3, updated_at=2.0), Path("/library"), (True, False, False))
    assert pane.lyrics.text() == "my own" and not pane.lyrics.isReadOnly()  # the typing stays, editable
    pane.show_lyrics_read(replace(full, updated_at=2.0))
    assert pane.lyrics.text() == "my own"

    other = clip_record("c2", title="Other", lyrics=None)
    pane.show_clip(other, Path("/library"), (True, False, False))
    pane.show_lyrics_read(full)  # a late answer for the clip shown before
    assert pane.lyrics.text() == "" and pane.lyrics.isReadOnly()


def test_the_window_keeps_no_lyrics_in_its_rows_and_still_finds_and_shows_them(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=2)
    assert all(record.lyrics is None for record in window.model.records())
    clip = shown_clip(qtbot, window, 1)
    lyrics = window.library.clip(clip).lyrics
    assert lyrics
    qtbot.waitUntil(lambda: window.detail.lyrics.text() == lyrics and not window.detail.lyrics.isReadOnly())
    line = next(part for part in lyrics.splitlines() if part.strip() and not part.startswith("["))
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search, f'lyrics:"{line.upper()}"')
    qtbot.waitUntil(lambda: window.proxy.rowCount() > 0, timeout=WAIT)
    expected = {r.clip_id for r in window.library.clips() if line.casefold() in r.lyrics.casefold()}
    assert {window.proxy.index(r, 0).data(CLIP_ID_ROLE) for r in range(window.proxy.rowCount())} == expected
    assert clip in expected
