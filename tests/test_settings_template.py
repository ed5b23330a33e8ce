"""New file names from Settings, opened from the real window with Ctrl+,: asked first, then renamed or not."""

from __future__ import annotations

from mutagen.id3 import ID3
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QLineEdit, QMessageBox
from window_helpers import WAIT, synced_window

from suno_desktop.library.store import DB_DIR_NAME
from suno_desktop.settings import SettingsStore
from suno_desktop.ui.settings_dialog import SettingsDialog


def open_settings(qtbot, window) -> SettingsDialog:
    window.activateWindow()  # back from a closed dialog, activation comes a moment later
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown_settings(window) is not None)
    return shown_settings(window)


def shown_settings(window) -> SettingsDialog | None:
    return next((d for d in window.findChildren(SettingsDialog, "settingsDialog") if d.isVisible()), None)


def type_into(qtbot, dialog, name: str, text: str) -> None:
    edit = dialog.findChild(QLineEdit, name)
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def press_ok(qtbot, dialog) -> None:
    ok = dialog.findChild(QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def rename_question(qtbot, dialog) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "renameQuestion") is not None, timeout=WAIT)
    return dialog.findChild(QMessageBox, "renameQuestion")


def answer(qtbot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def files_on_disk(window) -> list[str]:
    root = window.library.root
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and DB_DIR_NAME not in path.relative_to(root).parts
    )


def names_by(window, stem_of) -> list[str]:
    """The files the library's clips should have on disk when *stem_of(clip)* names them."""
    names = []
    for row in range(window.model.rowCount()):
        record = window.model.record(row)
        for path in (record.audio_path, record.cover_path, record.video_path):
            suffix = path[path.rindex(".") :]
            names.append(stem_of(record.to_clip()) + suffix)
    return sorted(names)


def settle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: shown_settings(window) is None, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT)


def test_new_template_asks_with_the_count_not_now_keeps_names_rename_renames(qtbot, make_window, relay, tmp_path):
    window, _ = synced_window(qtbot, make_window, relay)
    before = files_on_disk(window)
    assert before == names_by(window, lambda clip: f"{clip.title} [{clip.short_id}]")
    assert len(before) == 12  # 4 songs: MP3, cover and MP4 each

    dialog = open_settings(qtbot, window)
    type_into(qtbot, dialog, "templateEdit", "{short_id} - {title}")
    press_ok(qtbot, dialog)
    # The click returned before anything was counted: the count runs on a worker.
    assert dialog.findChild(QLabel, "templateExample").text().startswith("Counting")
    assert dialog.findChild(QMessageBox, "renameQuestion") is None
    box = rename_question(qtbot, dialog)
    assert box.text() == "Rename 12 files now?"
    assert "4 songs" in box.informativeText()
    assert "Not Now keeps the current file-name template" in box.informativeText()
    answer(qtbot, box, "Not Now")
    settle(qtbot, window)
    assert window.settings.filename_template == "{title} [{short_id}]"
    assert SettingsStore(tmp_path / "config", use_keyring=False).load().filename_template == "{title} [{short_id}]"
    window.refresh_all()
    settle(qtbot, window)
    assert files_on_disk(window) == before

    dialog = open_settings(qtbot, window)
    type_into(qtbot, dialog, "templateEdit", "{short_id} - {title}")
    press_ok(qtbot, dialog)
    answer(qtbot, rename_question(qtbot, dialog), "Rename")
    expected = names_by(window, lambda clip: f"{clip.short_id} - {clip.title}")
    qtbot.waitUntil(lambda: files_on_disk(window) == expected, timeout=WAIT)
    assert SettingsStore(tmp_path / "config", use_keyring=False).load().filename_template == "{short_id} - {title}"


def test_artist_field_in_the_example_the_names_and_the_tags(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    dialog = open_settings(qtbot, window)
    type_into(qtbot, dialog, "artistEdit", "My Band")
    type_into(qtbot, dialog, "templateEdit", "{artist} - {title} [{short_id}]")
    example = dialog.findChild(QLabel, "templateExample")
    assert example.text() == "Example: My Band - City Lights [a06015d0].mp3"
    press_ok(qtbot, dialog)
    answer(qtbot, rename_question(qtbot, dialog), "Rename")
    expected = names_by(window, lambda clip: f"My Band - {clip.title} [{clip.short_id}]")
    qtbot.waitUntil(lambda: files_on_disk(window) == expected, timeout=WAIT)
    mp3 = next(name for name in expected if name.endswith(".mp3"))
    qtbot.waitUntil(lambda: ID3(window.library.root / mp3)["TPE1"].text == ["My Band"], timeout=WAIT)
    settle(qtbot, window)

    # Another artist renames too, so it is asked about; Not Now keeps the artist with the names.
    dialog = open_settings(qtbot, window)
    type_into(qtbot, dialog, "artistEdit", "Other Band")
    assert dialog.findChild(QLabel, "templateExample").text() == "Example: Other Band - City Lights [a06015d0].mp3"
    press_ok(qtbot, dialog)
    box = rename_question(qtbot, dialog)
    assert box.text() == "Rename 6 files now?"
    assert "template and artist" in box.informativeText()
    answer(qtbot, box, "Not Now")
    settle(qtbot, window)
    assert window.settings.artist == "My Band"
    assert files_on_disk(window) == expected


def test_new_template_with_nothing_to_rename_asks_nothing(qtbot, make_window, tmp_path):
    window = make_window()
    dialog = open_settings(qtbot, window)
    type_into(qtbot, dialog, "templateEdit", "{date} {title} {short_id}")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.settings.filename_template == "{date} {title} {short_id}", timeout=WAIT)
    assert window.findChild(QMessageBox, "renameQuestion") is None  # nothing was asked
    assert SettingsStore(tmp_path / "config", use_keyring=False).load().filename_template == "{date} {title} {short_id}"
