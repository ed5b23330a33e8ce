"""The New Song dialog, driven through its real widgets: what is typed is exactly what is sent."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from suno_desktop.song_request import DEFAULT_MODEL, KNOWN_MODELS, InvalidSongRequest, SongRequest, SubmitMode
from suno_desktop.ui.new_song_dialog import ASK_FOR_A_PROMPT, NewSongDialog
from suno_desktop.ui.style_completer import split_last_term, style_terms

LIBRARY_STYLES = ["emotional punk", "synthwave, female vocals", "Synthwave, 80s", "lofi hip hop"]
TASK_ID = "7e3f7c52-0a64-4b4e-9d51-2f8f1c6b9a10"
CLIP_ID = "a06015d0-9e04-4f30-85db-401494940394"
LYRICS_LINES = ["[Verse]", "Streetlights humming, the city's awake", "", "[Chorus]", "Drive  on, drive on"]

DESCRIBE, WRITE = 0, 1


@pytest.fixture
def dialog(qtbot):
    new_song = NewSongDialog(styles=LIBRARY_STYLES, models=[*KNOWN_MODELS, "chirp-v5"])
    qtbot.addWidget(new_song)
    new_song.show()
    qtbot.waitExposed(new_song)
    return new_song


class Sent:
    """Collects what a signal carried."""

    def __init__(self, signal) -> None:
        self.items: list = []
        signal.connect(lambda *args: self.items.append(args[0] if args else None))


def open_write_mode(qtbot, dialog) -> None:
    tab_bar = dialog.tabs.tabBar()
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(WRITE).center())
    assert dialog.tabs.currentIndex() == WRITE


def type_lines(qtbot, edit, lines: list[str]) -> None:
    for index, line in enumerate(lines):
        if index:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def tick(qtbot, check_box) -> None:
    qtbot.mouseClick(check_box, Qt.MouseButton.LeftButton, pos=check_box.rect().center())


def click_send(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)


# ---------------------------------------------------------------------- the two modes


def test_describe_mode_sends_an_inspiration_request(qtbot, dialog):
    submitted = Sent(dialog.submit_requested)
    assert dialog.windowTitle() == "New Song"
    assert dialog.tabs.currentIndex() == DESCRIBE
    assert dialog.description_edit.placeholderText() == "an upbeat dance track about a night out"

    qtbot.keyClicks(dialog.description_edit, "a slow jazz song about rain")
    tick(qtbot, dialog.instrumental_check)
    assert dialog.instrumental_check.isChecked()
    assert dialog.send_button.isEnabled()
    click_send(qtbot, dialog)

    expected = SongRequest.song(description="a slow jazz song about rain", instrumental=True, model=DEFAULT_MODEL)
    assert submitted.items == [expected]
    assert expected.mode is SubmitMode.INSPIRATION
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.request() == expected
    assert not dialog.isVisible()


def test_write_mode_sends_the_lyrics_exactly_as_typed(qtbot, dialog):
    submitted = Sent(dialog.submit_requested)
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Night Drive")
    qtbot.keyClicks(dialog.style_edit, "synthwave")
    type_lines(qtbot, dialog.lyrics_edit, LYRICS_LINES)
    assert dialog.lyrics_tools.count_label.text() == f"{len(chr(10).join(LYRICS_LINES))} characters"
    click_send(qtbot, dialog)

    (request,) = submitted.items
    assert request.mode is SubmitMode.CUSTOM
    assert request.lyrics == "\n".join(LYRICS_LINES)
    assert request.lyrics.splitlines() == LYRICS_LINES
    assert (request.title, request.style, request.model) == ("Night Drive", "synthwave", DEFAULT_MODEL)
    assert not request.instrumental and not request.description
    assert dialog.request() == request


def test_an_instrumental_needs_no_lyrics(qtbot, dialog):
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.style_edit, "ambient drone")
    assert not dialog.send_button.isEnabled()
    tick(qtbot, dialog.instrumental_check)
    assert dialog.send_button.isEnabled()
    assert not dialog.problem_label.isVisible()
    assert "instrumental" in dialog.lyrics_edit.placeholderText().lower()
    assert "Vocals: none (instrumental)" in dialog.send_button.toolTip()
    click_send(qtbot, dialog)
    request = dialog.request()
    assert request is not None and request.instrumental and request.lyrics == ""
    assert request.mode is SubmitMode.CUSTOM


def test_nothing_typed_disables_send_with_the_core_sentence(qtbot, dialog):
    sentence = "Describe the song: the description is empty."
    assert not dialog.send_button.isEnabled()
    assert dialog.problem_label.isVisible() and dialog.problem_label.text() == sentence
    assert dialog.problem_label.property("state") == "muted"  # nothing done wrong yet

    open_write_mode(qtbot, dialog)
    with pytest.raises(InvalidSongRequest) as empty:
        SongRequest.song()
    assert dialog.problem_label.text() == str(empty.value)
    assert not dialog.send_button.isEnabled()
    assert dialog.problem() == str(empty.value)

    qtbot.keyClicks(dialog.title_edit, "Only a title")
    assert dialog.problem_label.text() == str(empty.value)
    assert dialog.problem_label.property("state") == "error"
    assert dialog.send_button.toolTip().startswith(str(empty.value))
    click_send(qtbot, dialog)  # a disabled button: nothing happens
    assert dialog.isVisible() and dialog.request() is None


# ---------------------------------------------------------------------- nothing is sent by accident


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter], ids=["Return", "Enter"])
def test_enter_in_a_field_sends_nothing(qtbot, dialog, key):
    submitted = Sent(dialog.submit_requested)
    qtbot.keyClicks(dialog.description_edit, "a song")
    qtbot.keyClick(dialog.description_edit, key)
    assert dialog.description_edit.toPlainText() == "a song\n"  # Enter is a line break there
    open_write_mode(qtbot, dialog)
    tick(qtbot, dialog.instrumental_check)
    qtbot.keyClicks(dialog.title_edit, "Ready to send")
    assert dialog.send_button.isEnabled()

    for field in (dialog.title_edit, dialog.style_edit, dialog.model_combo.lineEdit()):
        field.setFocus()
        qtbot.keyClick(field, key)
    qtbot.keyClick(dialog.send_button, key)  # even on the focused send button: Space or a click only
    qtbot.keyClick(dialog, key)

    assert submitted.items == []
    assert dialog.isVisible() and dialog.result() == 0 and dialog.request() is None
    buttons = dialog.findChildren(QPushButton)
    assert buttons and not any(button.isDefault() or button.autoDefault() for button in buttons)


def test_space_on_the_focused_send_button_sends(qtbot, dialog):
    submitted = Sent(dialog.submit_requested)
    qtbot.keyClicks(dialog.description_edit, "a lullaby for a cat")
    dialog.send_button.setFocus()
    qtbot.keyClick(dialog.send_button, Qt.Key.Key_Space)
    assert [request.description for request in submitted.items] == ["a lullaby for a cat"]
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_escape_cancels(qtbot, dialog):
    submitted = Sent(dialog.submit_requested)
    qtbot.keyClicks(dialog.description_edit, "a song")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert submitted.items == [] and dialog.request() is None


# ---------------------------------------------------------------------- what will be sent


def test_the_summary_shows_what_will_be_sent_as_it_is_typed(qtbot, dialog):
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Night Drive")
    qtbot.keyClicks(dialog.style_edit, "synthwave, 80s")
    type_lines(qtbot, dialog.lyrics_edit, ["[Verse]", "Neon on the water", "Engines low", "[Chorus]"])
    summary, tooltip = dialog.summary_label.text(), dialog.send_button.toolTip()
    shown = ("Song with your lyrics", DEFAULT_MODEL, "Night Drive", "synthwave, 80s", "[Verse] / Neon on the water")
    assert all(value in summary for value in shown)
    assert tooltip.splitlines() == [
        "Mode: Song with your lyrics",
        f"Model: {DEFAULT_MODEL}",
        "Title: Night Drive",
        "Style: synthwave, 80s",
        "Lyrics: [Verse] / Neon on the water",
    ]
    assert "Engines low" not in summary  # only the first lines
    assert dialog.send_button.text() == f"&Create “Night Drive” · {DEFAULT_MODEL}"  # the button says it too

    dialog.model_combo.setCurrentText("chirp-v5")
    assert "Model: chirp-v5" in dialog.send_button.toolTip()
    assert dialog.send_button.text() == "&Create “Night Drive” · chirp-v5"
    qtbot.keyClicks(dialog.title_edit, " <b>&")
    assert "Night Drive &lt;b&gt;&amp;" in dialog.summary_label.text()  # typed text is never markup
    assert dialog.send_button.text() == "&Create “Night Drive <b>&&” · chirp-v5"  # nor a mnemonic


def test_a_description_is_not_sent_with_your_own_lyrics(qtbot, dialog):
    """The relay cannot take both; the open mode is sent and the other one is named as left out."""
    with pytest.raises(InvalidSongRequest, match="cannot be combined"):
        SongRequest.song(description="a song about rain", lyrics="[Verse]\nrain")
    qtbot.keyClicks(dialog.description_edit, "a song about rain")
    assert not dialog.left_out_label.isVisible()
    open_write_mode(qtbot, dialog)
    type_lines(qtbot, dialog.lyrics_edit, ["[Verse]", "rain"])
    assert dialog.left_out_label.isVisible()
    assert "description" in dialog.left_out_label.text() and "not be sent" in dialog.left_out_label.text()
    assert "Song with your lyrics" in dialog.summary_label.text()
    assert "a song about rain" not in dialog.summary_label.text()

    dialog.tabs.setCurrentIndex(DESCRIBE)
    assert dialog.left_out_label.text() == "Your lyrics in “Write it yourself” will not be sent with a description."
    click_send(qtbot, dialog)
    request = dialog.request()
    assert request is not None and request.mode is SubmitMode.INSPIRATION and request.lyrics == ""


# ---------------------------------------------------------------------- style and model


def test_the_style_field_suggests_library_styles_term_by_term(qtbot, dialog):
    open_write_mode(qtbot, dialog)
    completer = dialog.style_completer
    qtbot.mouseClick(dialog.style_edit, Qt.MouseButton.LeftButton)
    assert dialog.style_edit.hasFocus()
    qtbot.keyClicks(dialog.style_edit, "PUN")
    assert completer.currentCompletion() == "emotional punk"  # inside the term, any case
    assert completer.popup().isVisible()

    dialog.style_edit.clear()
    qtbot.keyClicks(dialog.style_edit, "lofi hip hop, synth")
    suggestions = completer.completionModel()
    assert [suggestions.index(row, 0).data() for row in range(suggestions.rowCount())] == ["synthwave"]  # once
    assert completer.currentCompletion() == "lofi hip hop, synthwave"  # what came before the comma stays
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Down)
    qtbot.keyClick(completer.popup(), Qt.Key.Key_Return)
    assert dialog.style_edit.text() == "lofi hip hop, synthwave"
    assert dialog.isVisible() and dialog.request() is None


def test_style_terms_and_the_term_being_typed():
    assert style_terms(LIBRARY_STYLES) == ["synthwave", "80s", "emotional punk", "female vocals", "lofi hip hop"]
    assert split_last_term("synthwave, fem") == ("synthwave, ", "fem")
    assert split_last_term("synthwave,") == ("synthwave, ", "")
    assert split_last_term("pun") == ("", "pun")


def test_the_model_list_is_editable_and_preselects_the_default(qtbot):
    dialog = NewSongDialog(models=["chirp-v3-5", "my-model", "chirp-v3-5"], default_model="my-model")
    qtbot.addWidget(dialog)
    combo = dialog.model_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["chirp-v3-5", "my-model"]
    assert dialog.used_model() == "my-model"

    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "chirp-v9-preview")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    assert dialog.used_model() == "chirp-v9-preview"
    qtbot.keyClicks(dialog.description_edit, "a song")
    assert "Model: chirp-v9-preview" in dialog.send_button.toolTip()
    click_send(qtbot, dialog)
    assert dialog.request().model == "chirp-v9-preview"


# ---------------------------------------------------------------------- lyrics written for you


def test_write_lyrics_for_me_asks_about_the_title_and_waits(qtbot, dialog):
    asked, cancelled = Sent(dialog.lyrics_requested), Sent(dialog.lyrics_cancelled)
    tools = dialog.lyrics_tools
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.style_edit, "emotional punk")
    assert tools.source_hint.text() == "about the style"
    qtbot.keyClicks(dialog.title_edit, "City Lights")
    assert tools.source_hint.text() == "about the title"

    qtbot.mouseClick(tools.write_button, Qt.MouseButton.LeftButton)
    assert asked.items == [SongRequest.lyrics_for("City Lights")]
    assert asked.items[0].mode is SubmitMode.LYRICS
    assert dialog.is_writing_lyrics()
    assert tools.busy_bar.isVisible() and tools.cancel_button.isVisible() and not tools.write_button.isVisible()
    assert tools.busy_label.text().startswith("Writing lyrics…")
    assert not dialog.send_button.isEnabled()
    dialog.lyrics_progress("Waiting for the relay (3 s)")
    assert tools.busy_label.text() == "Waiting for the relay (3 s)"

    qtbot.mouseClick(tools.cancel_button, Qt.MouseButton.LeftButton)
    assert cancelled.items == [None]
    assert not dialog.is_writing_lyrics() and tools.write_button.isVisible() and not tools.busy_bar.isVisible()

    qtbot.mouseClick(tools.write_button, Qt.MouseButton.LeftButton)
    assert len(asked.items) == 2
    dialog.show_lyrics("Another Title", "[Verse]\nLights\n\n[Chorus]\nCity")
    assert dialog.lyrics_edit.toPlainText() == "[Verse]\nLights\n\n[Chorus]\nCity"
    assert dialog.title_edit.text() == "City Lights"  # a typed title stays
    assert not dialog.is_writing_lyrics() and dialog.send_button.isEnabled()
    assert cancelled.items == [None]


def test_written_lyrics_fill_an_empty_title_and_can_be_undone(qtbot, dialog):
    qtbot.keyClicks(dialog.description_edit, "a sea shanty about debugging")
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.lyrics_edit, "my own line")
    assert dialog.lyrics_tools.source_hint.text() == "about the description"
    asked = Sent(dialog.lyrics_requested)
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    assert asked.items[0].description == "a sea shanty about debugging"
    dialog.show_lyrics("Stack Trace Shanty", "[Verse]\nHeave ho")
    assert dialog.title_edit.text() == "Stack Trace Shanty"
    assert dialog.lyrics_edit.toPlainText() == "[Verse]\nHeave ho"
    dialog.lyrics_edit.undo()
    assert dialog.lyrics_edit.toPlainText() == "my own line"


def test_write_lyrics_for_me_with_nothing_to_go_on_asks_for_a_title(qtbot, dialog):
    asked = Sent(dialog.lyrics_requested)
    open_write_mode(qtbot, dialog)
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    assert asked.items == []
    assert dialog.lyrics_tools.message.isVisible()
    assert dialog.lyrics_tools.message.text() == ASK_FOR_A_PROMPT
    assert not dialog.is_writing_lyrics()


def test_failed_lyrics_show_the_sentence(qtbot, dialog):
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "City Lights")
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    dialog.lyrics_failed("The relay did not answer in 60 s.")
    message = dialog.lyrics_tools.message
    assert message.isVisible() and message.text() == "The relay did not answer in 60 s."
    assert message.property("state") == "error"
    assert not dialog.is_writing_lyrics() and dialog.lyrics_tools.write_button.isVisible()
    assert dialog.lyrics_edit.toPlainText() == ""


def test_closing_while_lyrics_are_written_cancels_them(qtbot, dialog):
    cancelled = Sent(dialog.lyrics_cancelled)
    open_write_mode(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "City Lights")
    qtbot.mouseClick(dialog.lyrics_tools.write_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert cancelled.items == [None] and not dialog.isVisible()


# ---------------------------------------------------------------------- the other entry points


def test_create_again_opens_the_mode_that_was_used(qtbot):
    again = NewSongDialog.prefilled(
        title="City Lights", style="emotional punk", lyrics="[Verse]\nabc", model="chirp-v3-5", instrumental=True
    )
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == WRITE
    assert (again.title_edit.text(), again.style_edit.text(), again.lyrics_edit.toPlainText()) == (
        "City Lights",
        "emotional punk",
        "[Verse]\nabc",
    )
    assert again.used_model() == "chirp-v3-5" and again.instrumental_check.isChecked()
    assert again.send_button.isEnabled() and again.problem_label.property("state") == "muted"

    described = NewSongDialog.prefilled(description="rain on a tin roof", model="my-model")
    qtbot.addWidget(described)
    assert described.tabs.currentIndex() == DESCRIBE
    assert described.description_edit.toPlainText() == "rain on a tin roof"
    assert described.used_model() == "my-model"
    assert described.model_combo.findText("my-model") >= 0


def test_extend_from_here_limits_the_start_to_the_clip(qtbot):
    submitted_from = NewSongDialog.for_extension(
        None,
        clip_title="City Lights",
        style="emotional punk",
        lyrics="[Verse]\nold words",
        model="chirp-v3-5",
        task_id=TASK_ID,
        clip_id=CLIP_ID,
        clip_length=185.3,
        start_at=120.0,
        styles=LIBRARY_STYLES,
        models=KNOWN_MODELS,
    )
    dialog = submitted_from
    qtbot.addWidget(dialog)
    dialog.show()
    submitted = Sent(dialog.submit_requested)
    spin = dialog.start_at_spin
    assert dialog.windowTitle() == "Extend “City Lights”"
    assert not dialog.tabs.isTabVisible(DESCRIBE) and dialog.tabs.currentIndex() == WRITE
    assert spin.isVisible() and (spin.minimum(), spin.maximum(), spin.value()) == (0.0, 185.3, 120.0)
    assert "3:05" in dialog.clip_length_hint.text()
    assert "Extends: clip a06015d0 from 120 s" in dialog.send_button.toolTip()

    spin.selectAll()
    qtbot.keyClicks(spin, "999")
    assert spin.value() <= 185.3
    spin.setValue(90.5)
    assert "from 90.5 s" in dialog.summary_label.text()
    dialog.lyrics_edit.selectAll()
    type_lines(qtbot, dialog.lyrics_edit, ["[Bridge]", "new words"])
    click_send(qtbot, dialog)

    (request,) = submitted.items
    expected = SongRequest.song(
        title="City Lights", style="emotional punk", lyrics="[Bridge]\nnew words", model="chirp-v3-5"
    ).extending(TASK_ID, CLIP_ID, 90.5)
    assert request == expected
    assert (request.mode, request.extend_task_id, request.extend_clip_id, request.continue_at) == (
        SubmitMode.EXTEND,
        TASK_ID,
        CLIP_ID,
        90.5,
    )
    assert request.body()["continue_clip_id"] == CLIP_ID and request.body()["continue_at"] == 90.5


def test_extend_an_unknown_length_clip(qtbot):
    dialog = NewSongDialog.for_extension(
        None,
        clip_title="",
        style="",
        lyrics="",
        model="",
        task_id=TASK_ID,
        clip_id=CLIP_ID,
        clip_length=None,
        start_at=30,
        styles=[],
        models=KNOWN_MODELS,
    )
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Extend “Untitled”"
    assert dialog.start_at_spin.maximum() > 3600 and dialog.start_at_spin.value() == 30
    assert dialog.clip_length_hint.text() == "clip length unknown"
    assert dialog.used_model() == DEFAULT_MODEL
    assert not dialog.send_button.isEnabled()  # no lyrics and not instrumental
    assert dialog.send_button.text().startswith("&Extend from ")
