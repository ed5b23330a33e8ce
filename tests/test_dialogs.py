"""The add-tasks, settings and welcome dialogs, driven through their real widgets."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
)

from suno_desktop.settings import AUTOMATIC_JOBS, MAX_JOBS, Settings, TokenLocation, automatic_jobs
from suno_desktop.ui.add_tasks_dialog import AddTasksDialog
from suno_desktop.ui.icons import APP_ICON_SIZES, app_icon, standard_icon
from suno_desktop.ui.settings_dialog import SettingsDialog
from suno_desktop.ui.welcome_dialog import WelcomeChoice, WelcomeDialog
from suno_desktop.ui.workers import WorkerPool

ID_A = "0b6f6a3e-6b1c-4f7e-9d2a-1c3b5e7f9a01"
ID_B = "1c7a7b4f-7c2d-4a8f-8e3b-2d4c6f8a0b12"
ID_C = "2d8b8c50-8d3e-4b90-9f4c-3e5d7a9b1c23"
CLIP_ID = "a06015d0-9e04-4f30-85db-401494940394"
CLOSED_PORT_URL = "http://127.0.0.1:9"


def child(dialog, kind, name):
    widget = dialog.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def ok_button(dialog) -> QPushButton:
    return child(dialog, QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Ok)


def replace_text(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


# ---------------------------------------------------------------------- add tasks


def test_add_dialog_counts_ids_as_they_are_typed(qtbot):
    dialog = AddTasksDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    edit = child(dialog, QPlainTextEdit, "taskIdsEdit")
    count = child(dialog, QLabel, "taskIdsCount")
    assert dialog.windowTitle() == "Add tasks"
    assert edit.placeholderText()
    assert count.text() == "No task ids found yet"
    assert not ok_button(dialog).isEnabled()

    qtbot.keyClicks(edit, ID_A[:20])
    assert count.text() == "No task ids found yet"
    qtbot.keyClicks(edit, ID_A[20:])
    assert count.text() == "1 task id found"
    assert ok_button(dialog).isEnabled()
    assert ok_button(dialog).text() == "Add 1 task"

    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, f"{ID_B}, {ID_C} , {ID_A}")
    assert count.text() == "3 distinct task ids found"
    assert ok_button(dialog).text() == "Add 3 tasks"
    assert dialog.task_ids() == [ID_A, ID_B, ID_C]

    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert count.text() == "No task ids found yet"
    assert not ok_button(dialog).isEnabled()


def test_add_dialog_reads_pasted_json_and_urls(qtbot):
    dialog = AddTasksDialog()
    qtbot.addWidget(dialog)
    edit = child(dialog, QPlainTextEdit, "taskIdsEdit")
    response = {
        "code": "success",
        "data": [
            {"task_id": ID_A, "status": "SUCCESS", "data": [{"id": CLIP_ID, "title": "City Lights"}]},
            {"task_id": ID_B, "status": "IN_PROGRESS", "data": []},
        ],
    }
    edit.setPlainText(json.dumps(response, indent=2))  # what a paste does
    assert dialog.task_ids() == [ID_A, ID_B]  # the clip id is not a task id
    assert child(dialog, QLabel, "taskIdsCount").text() == "2 distinct task ids found"

    edit.setPlainText(f"https://relay.example.com/suno/fetch/{ID_C.upper()}")
    assert dialog.task_ids() == [ID_C]


def test_add_dialog_notes_and_excludes_known_ids(qtbot):
    dialog = AddTasksDialog(initial_text=f"{ID_A}\n{ID_B}\n{ID_C}", known_ids={ID_B.upper()})
    qtbot.addWidget(dialog)
    assert child(dialog, QLabel, "taskIdsCount").text() == "3 distinct task ids found (1 already in the library)"
    assert ok_button(dialog).text() == "Add 2 tasks"
    assert dialog.task_ids() == [ID_A, ID_C]

    child(dialog, QPlainTextEdit, "taskIdsEdit").setPlainText(ID_B)
    assert child(dialog, QLabel, "taskIdsCount").text() == "1 task id found (already in the library)"
    assert not ok_button(dialog).isEnabled()


def test_add_dialog_knows_a_relays_own_task_ids_by_their_case(qtbot):
    relay_id = "task_AbCdEf0123456789AbCdEf0123456789"
    dialog = AddTasksDialog(initial_text=relay_id, known_ids={relay_id})
    qtbot.addWidget(dialog)
    assert child(dialog, QLabel, "taskIdsCount").text() == "1 task id found (already in the library)"
    assert dialog.task_ids() == []


def test_add_dialog_accepts_with_the_ok_button(qtbot):
    dialog = AddTasksDialog(initial_text=ID_A)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.task_ids() == [ID_A]


# ---------------------------------------------------------------------- settings


@pytest.fixture
def workers(qtbot):
    pool = WorkerPool(max_threads=2)
    yield pool
    pool.wait(15000)


def make_settings_dialog(qtbot, settings=None, workers=None, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(settings or Settings(), workers=workers, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()  # laid out, so clicks land where a user's would
    return dialog


def test_settings_dialog_round_trips_every_field(qtbot, workers):
    original = Settings(base_url="https://old.example", token="old", poll_interval=7.5)
    dialog = make_settings_dialog(qtbot, original, workers)
    assert dialog.windowTitle() == "Settings"
    assert dialog.settings() == original  # unchanged edits give the same values

    replace_text(qtbot, child(dialog, QLineEdit, "baseUrlEdit"), "https://relay.example.com/")
    replace_text(qtbot, child(dialog, QLineEdit, "tokenEdit"), "sk-secret")
    replace_text(qtbot, child(dialog, QLineEdit, "libraryEdit"), "/music/suno")
    qtbot.mouseClick(child(dialog, QCheckBox, "downloadVideoCheck"), Qt.MouseButton.LeftButton)
    jobs = child(dialog, QSpinBox, "jobsSpin")
    jobs.selectAll()
    qtbot.keyClicks(jobs, "9")
    replace_text(qtbot, child(dialog, QLineEdit, "templateEdit"), "{year} - {title} ({clip_id})")
    child(dialog, QComboBox, "id3VersionCombo").setCurrentIndex(1)
    replace_text(qtbot, child(dialog, QLineEdit, "artistEdit"), "Me")
    replace_text(qtbot, child(dialog, QLineEdit, "albumEdit"), "Demos")
    languages = child(dialog, QComboBox, "lyricsLanguageCombo")
    languages.setCurrentIndex(languages.findData("jpn"))

    result = dialog.settings()
    assert result == Settings(
        base_url="https://relay.example.com/",
        token="sk-secret",
        library="/music/suno",
        download_video=False,
        jobs=9,
        filename_template="{year} - {title} ({clip_id})",
        id3_version=4,
        artist="Me",
        album="Demos",
        lyrics_language="jpn",
        poll_interval=7.5,  # not in the dialog: copied
    )
    assert original.token == "old"  # the input is never modified


def test_parallel_downloads_start_automatic_and_go_back_to_it(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(), workers)
    jobs = child(dialog, QSpinBox, "jobsSpin")
    assert jobs.text() == f"Automatic ({automatic_jobs()}–{MAX_JOBS})"
    assert dialog.settings().jobs == AUTOMATIC_JOBS
    qtbot.keyClick(jobs, Qt.Key.Key_Up)
    assert (jobs.text(), dialog.settings().jobs) == ("1", 1)
    qtbot.keyClick(jobs, Qt.Key.Key_Down)
    assert dialog.settings().jobs == AUTOMATIC_JOBS
    assert dialog.settings().download_jobs == automatic_jobs()


def test_settings_dialog_default_model_is_an_editable_choice(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(models=["chirp-v5"]), workers)
    combo = child(dialog, QComboBox, "defaultModelCombo")
    assert [combo.itemText(n) for n in range(combo.count())] == ["chirp-v4", "chirp-v3-5", "chirp-v3-0", "chirp-v5"]
    assert combo.currentText() == "chirp-v4"
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "chirp-v6")
    result = dialog.settings()
    assert (result.default_model, result.models) == ("chirp-v6", ["chirp-v5", "chirp-v6"])


def test_settings_dialog_keeps_an_unlisted_lyrics_language(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(lyrics_language="ita", id3_version=4), workers)
    assert dialog.settings().lyrics_language == "ita"
    assert dialog.settings().id3_version == 4
    assert child(dialog, QComboBox, "lyricsLanguageCombo").itemData(0) == "auto"


def test_token_is_masked_until_shown(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(token="abc"), workers, token_location=TokenLocation.KEYRING)
    token = child(dialog, QLineEdit, "tokenEdit")
    assert token.echoMode() == QLineEdit.EchoMode.Password
    qtbot.mouseClick(child(dialog, QToolButton, "showTokenButton"), Qt.MouseButton.LeftButton)
    assert token.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.findChild(QLabel, "tokenHint").text() == "Stored in the system keyring"

    other = make_settings_dialog(qtbot, Settings(), workers)
    assert other.findChild(QLabel, "tokenHint").text() == "Stored in the settings file, readable only by you"


def test_template_example_updates_and_invalid_template_blocks_ok(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(), workers)
    template = child(dialog, QLineEdit, "templateEdit")
    example = child(dialog, QLabel, "templateExample")
    assert example.text() == "Example: City Lights [a06015d0].mp3"
    assert ok_button(dialog).isEnabled()

    replace_text(qtbot, template, "{year} {title} - {tags} [{model}] {short_id}")
    assert example.text() == "Example: 2024 City Lights - emotional punk [chirp-v4] a06015d0.mp3"

    replace_text(qtbot, template, "{title} {singer} {short_id}")
    assert not ok_button(dialog).isEnabled()
    assert example.property("state") == "error"
    assert "unknown field {singer}" in example.text()

    replace_text(qtbot, template, "{title}")
    assert not ok_button(dialog).isEnabled()
    assert "{short_id} or {clip_id}" in example.text()

    qtbot.keyClicks(template, " {short_id}")
    assert ok_button(dialog).isEnabled()
    assert example.text() == "Example: City Lights a06015d0.mp3"
    assert example.property("state") == ""


def test_test_connection_to_a_closed_port_shows_an_error_without_freezing(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(base_url=CLOSED_PORT_URL, token="test-token"), workers)
    button = child(dialog, QPushButton, "testConnectionButton")
    result = child(dialog, QLabel, "connectionResult")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # The click returned at once: the event loop is free while the worker waits.
    assert result.text() == "Testing…"
    assert not button.isEnabled()
    qtbot.waitUntil(lambda: result.text() != "Testing…", timeout=20000)
    assert result.property("state") == "error"
    assert result.text().endswith(".") and "\n" not in result.text()
    assert "test-token" not in result.text()
    assert button.isEnabled()


def test_test_connection_reports_a_bad_url_as_a_sentence(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(base_url="relay.example.com", token="t"), workers)
    qtbot.mouseClick(child(dialog, QPushButton, "testConnectionButton"), Qt.MouseButton.LeftButton)
    result = child(dialog, QLabel, "connectionResult")
    qtbot.waitUntil(lambda: result.property("state") == "error", timeout=5000)
    assert "http://" in result.text()


def test_test_connection_succeeds_against_the_local_relay(qtbot, workers):
    relay_server = pytest.importorskip("suno_desktop.demo.relay_server")
    relay = relay_server.LocalRelay(token="test-token").start()
    try:
        dialog = make_settings_dialog(qtbot, Settings(base_url=relay.api_url, token="test-token"), workers)
        result = child(dialog, QLabel, "connectionResult")
        qtbot.mouseClick(child(dialog, QPushButton, "testConnectionButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: result.property("state") in ("ok", "error"), timeout=15000)
        assert result.property("state") == "ok", result.text()

        # a wrong token is an error sentence, not a success
        replace_text(qtbot, child(dialog, QLineEdit, "tokenEdit"), "wrong-token")
        assert result.text() == ""  # editing clears the stale result
        qtbot.mouseClick(child(dialog, QPushButton, "testConnectionButton"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: result.property("state") in ("ok", "error"), timeout=15000)
        assert result.property("state") == "error"
        assert "wrong-token" not in result.text()
    finally:
        workers.wait(15000)
        relay.stop()


def test_settings_names_the_relay_url_as_the_welcome_does(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(), workers)
    edit = child(dialog, QLineEdit, "baseUrlEdit")
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.buddy() is edit]
    assert labels == ["&Relay URL:"]


def test_template_with_a_folder_separator_is_refused_with_a_sentence(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(), workers)
    template = child(dialog, QLineEdit, "templateEdit")
    example = child(dialog, QLabel, "templateExample")
    for separator in ("/", "\\"):
        replace_text(qtbot, template, f"{{year}}{separator}{{title}} {{short_id}}")
        assert not ok_button(dialog).isEnabled()
        assert example.property("state") == "error"
        assert example.text().startswith(f"A file name cannot contain “{separator}”")
        assert example.text().endswith(".")
    replace_text(qtbot, template, "{year} - {title} {short_id}")
    assert ok_button(dialog).isEnabled()
    assert example.text() == "Example: 2024 - City Lights a06015d0.mp3"


def test_settings_dialog_shrinks_back_when_an_error_goes(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(), workers)
    qtbot.waitExposed(dialog)
    height = dialog.height()
    template = child(dialog, QLineEdit, "templateEdit")
    for _ in range(2):  # and again: it must not creep
        replace_text(qtbot, template, "{title} {singer}")  # the longest error: it lists every field
        qtbot.waitUntil(lambda: dialog.height() > height)
        replace_text(qtbot, template, "{title} [{short_id}]")
        qtbot.waitUntil(lambda: dialog.height() == height)

    # The connection test's error row comes and goes the same way.
    replace_text(qtbot, child(dialog, QLineEdit, "baseUrlEdit"), "relay.example.com")
    qtbot.mouseClick(child(dialog, QPushButton, "testConnectionButton"), Qt.MouseButton.LeftButton)
    result = child(dialog, QLabel, "connectionResult")
    qtbot.waitUntil(lambda: result.property("state") == "error", timeout=5000)
    qtbot.waitUntil(lambda: dialog.height() > height)
    qtbot.keyClicks(child(dialog, QLineEdit, "baseUrlEdit"), "/")  # editing clears the stale result
    assert result.text() == ""
    qtbot.waitUntil(lambda: dialog.height() == height)


def test_settings_dialog_keeps_the_height_the_user_gave_it(qtbot, workers):
    dialog = make_settings_dialog(qtbot, Settings(), workers)
    qtbot.waitExposed(dialog)
    tall = dialog.height() + 200
    dialog.resize(dialog.width(), tall)
    qtbot.waitUntil(lambda: dialog.height() == tall)
    template = child(dialog, QLineEdit, "templateEdit")
    replace_text(qtbot, template, "{title} {singer}")
    replace_text(qtbot, template, "{title} [{short_id}]")
    assert dialog.height() == tall  # the error fitted into room the user made: nothing to give back


def test_settings_dialog_shows_a_whole_address_and_library_path(qtbot, workers):
    settings = Settings(base_url="https://suno-relay.example.com/api", library="/home/someone/Music/Suno Desktop")
    dialog = make_settings_dialog(qtbot, settings, workers)
    qtbot.waitExposed(dialog)
    for name in ("baseUrlEdit", "libraryEdit"):
        edit = child(dialog, QLineEdit, name)
        assert edit.contentsRect().width() > edit.fontMetrics().horizontalAdvance(edit.text()), name  # none cut off


# ---------------------------------------------------------------------- welcome


def test_welcome_demo_choice(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.choice is WelcomeChoice.CANCELLED
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(child(dialog, QPushButton, "demoButton"), Qt.MouseButton.LeftButton)
    assert dialog.choice is WelcomeChoice.DEMO


def test_welcome_continue_needs_a_url_and_a_token(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    url = child(dialog, QLineEdit, "welcomeBaseUrl")
    token = child(dialog, QLineEdit, "welcomeToken")
    button = child(dialog, QPushButton, "continueButton")
    assert token.echoMode() == QLineEdit.EchoMode.Password
    assert not button.isEnabled()

    qtbot.keyClicks(url, "ftp://relay.example.com")
    qtbot.keyClicks(token, "sk-123")
    assert not button.isEnabled()  # not a scheme a relay speaks
    assert "http://" in button.toolTip()
    url.clear()
    qtbot.keyClicks(url, "https://relay.example.com/api?key=1")
    assert not button.isEnabled() and "'?'" in button.toolTip()  # the client's own rule
    hint = child(dialog, QLabel, "welcomeUrlHint")
    assert hint.isVisible() and "'?'" in hint.text() and "Settings" not in hint.text()  # said, not only hovered
    url.clear()
    qtbot.keyClicks(url, "https://relay.example.com ")
    assert button.isEnabled()

    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.choice is WelcomeChoice.CONFIGURED
    assert dialog.base_url() == "https://relay.example.com"
    assert dialog.token() == "sk-123"


def test_welcome_takes_a_bare_host_as_https_and_says_so(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    hint = child(dialog, QLabel, "welcomeUrlHint")
    button = child(dialog, QPushButton, "continueButton")
    assert not hint.isVisible()
    qtbot.keyClicks(child(dialog, QLineEdit, "welcomeBaseUrl"), "relay.example")
    qtbot.keyClicks(child(dialog, QLineEdit, "welcomeToken"), "sk-123")
    assert button.isEnabled()
    assert hint.isVisible() and "https://relay.example" in hint.text() and "No scheme" in hint.text()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.base_url() == "https://relay.example"


def test_welcome_grows_for_a_url_problem_and_shrinks_back(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    url, hint = child(dialog, QLineEdit, "welcomeBaseUrl"), child(dialog, QLabel, "welcomeUrlHint")
    height = dialog.height()
    qtbot.keyClicks(url, "ftp://relay.example.com")
    assert dialog.height() > height and hint.height() >= hint.heightForWidth(hint.width()) > 0  # whole, not cut
    assert hint.geometry().bottom() < child(dialog, QLineEdit, "welcomeToken").geometry().top()
    url.clear()
    assert dialog.height() == height and not hint.isVisible()


def test_welcome_closed_is_no_choice(qtbot):
    dialog = WelcomeDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.choice is WelcomeChoice.CANCELLED


# ---------------------------------------------------------------------- icons


def test_app_icon_has_every_size(qtbot):
    icon = app_icon()
    assert not icon.isNull()
    sizes = set(icon.availableSizes())
    for size in APP_ICON_SIZES:
        assert QSize(size, size) in sizes
    assert not icon.pixmap(48, 48).isNull()


@pytest.mark.parametrize(
    "name",
    [
        "list-add",
        "view-refresh",
        "document-save-as",
        "document-export",
        "edit-delete",
        "preferences-system",
        "application-exit",
        "media-playback-start",
        "folder-open",
        "edit-copy",
    ],
)
def test_standard_icons_are_never_blank(qtbot, name):
    assert not standard_icon(name).isNull()


def test_a_plain_http_relay_beyond_this_machine_is_warned_about_in_the_welcome_and_settings(qtbot, workers):
    welcome = WelcomeDialog()
    qtbot.addWidget(welcome)
    welcome.show()
    hint = child(welcome, QLabel, "welcomeUrlHint")
    url = child(welcome, QLineEdit, "welcomeBaseUrl")
    qtbot.keyClicks(url, "http://relay.example.com")
    assert hint.isVisible() and "unencrypted" in hint.text() and "relay.example.com" in hint.text()
    url.clear()
    qtbot.keyClicks(url, "http://127.0.0.1:8080")
    assert not hint.isVisible() or "unencrypted" not in hint.text()  # loopback never leaves the machine

    dialog = make_settings_dialog(qtbot, Settings(base_url="http://relay.example.com"), workers)
    result = child(dialog, QLabel, "connectionResult")
    assert result.isVisible() and "unencrypted" in result.text()
    replace_text(qtbot, child(dialog, QLineEdit, "baseUrlEdit"), "https://relay.example.com")
    assert "unencrypted" not in result.text()
