"""The offline player, the player bar and the video view, against the real demo media."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QSlider, QToolButton

from suno_desktop.playback import player as player_module
from suno_desktop.playback.player import DEFAULT_VOLUME, NO_OUTPUT_NOTICE, Player
from suno_desktop.time_formats import format_time
from suno_desktop.ui.player_bar import PlayerBar
from suno_desktop.ui.video_view import NO_VIDEO, VideoView

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
WAIT_MS = 10_000


@pytest.fixture
def song(tmp_path: Path) -> Path:
    target = tmp_path / "City Lights.mp3"
    shutil.copyfile(DEMO / "song-1.mp3", target)
    return target


@pytest.fixture
def player(qtbot):
    audio_player = Player()
    if not audio_player.available:
        pytest.skip(audio_player.unavailable_reason)
    yield audio_player
    audio_player.stop()
    audio_player.deleteLater()


@pytest.fixture
def no_multimedia(monkeypatch):
    """Make Qt Multimedia fail to import, as it does on Linux without libpulse0."""

    def fail(*, widgets: bool = False):
        raise ImportError("libpulse.so.0: cannot open shared object file: No such file or directory")

    monkeypatch.setattr(player_module, "import_multimedia", fail)  # the video view goes through it too


def start(qtbot, audio_player: Player, path: Path, clip_id: str = "clip-1", title: str = "City Lights") -> None:
    audio_player.play(clip_id, path, title)
    qtbot.waitUntil(lambda: audio_player.is_playing and audio_player.position > 0, timeout=WAIT_MS)


# ---------------------------------------------------------------------- Player


def test_play_loads_the_clip_and_advances(qtbot, player, song):
    with qtbot.waitSignal(player.current_changed, timeout=WAIT_MS) as loaded:
        player.play("clip-1", song, "City Lights")
    assert loaded.args == ["clip-1"]
    qtbot.waitUntil(lambda: player.is_playing and player.position > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: player.duration > 0, timeout=WAIT_MS)
    assert player.current_clip_id == "clip-1"
    assert player.current_path == song
    assert 11_000 <= player.duration <= 13_000
    assert player.notice == ("" if player.has_audio_output else NO_OUTPUT_NOTICE)


def test_pause_and_toggle(qtbot, player, song):
    start(qtbot, player, song)
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT_MS) as paused:
        player.pause()
    assert paused.args == [False]
    held = player.position
    qtbot.wait(300)
    assert not player.is_playing
    assert abs(player.position - held) < 100
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT_MS) as resumed:
        player.toggle()
    assert resumed.args == [True]
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT_MS) as toggled:
        player.toggle()
    assert toggled.args == [False]


def test_toggle_with_nothing_loaded_does_nothing(qtbot, player):
    with qtbot.assertNotEmitted(player.playing_changed, wait=200):
        player.toggle()
    assert player.current_clip_id == ""


def test_seek_moves_the_position(qtbot, player, song):
    start(qtbot, player, song)
    player.seek(7_000)
    assert player.position >= 7_000  # reported at once, so a slider does not jump back
    qtbot.waitUntil(lambda: player.position > 7_000, timeout=WAIT_MS)


def test_finished_is_emitted_at_the_end(qtbot, player, song):
    start(qtbot, player, song)
    qtbot.waitUntil(lambda: player.duration > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(player.finished, timeout=WAIT_MS) as finished:
        player.seek(player.duration - 700)
    assert finished.args == ["clip-1"]
    qtbot.waitUntil(lambda: not player.is_playing, timeout=WAIT_MS)


def test_stop_clears_the_current_clip(qtbot, player, song):
    start(qtbot, player, song)
    with qtbot.waitSignal(player.current_changed, timeout=WAIT_MS) as cleared:
        player.stop()
    assert cleared.args == [""]
    assert player.current_clip_id == "" and player.current_path is None
    assert not player.is_playing and player.position == 0


def test_release_lets_go_of_the_file_and_resume_continues(qtbot, player, song, tmp_path):
    start(qtbot, player, song)
    player.seek(5_000)
    qtbot.waitUntil(lambda: player.position >= 5_000, timeout=WAIT_MS)
    assert player.release(tmp_path / "another.mp3") is False
    with qtbot.waitSignal(player.current_changed, timeout=WAIT_MS) as cleared:
        assert player.release(song) is True
    assert cleared.args == [""]
    assert not player.is_playing and player.current_path is None
    assert player.released_clip_id == "clip-1"
    assert player._media_player.source().isEmpty()

    # The app may now rewrite the file and rename it.
    renamed = tmp_path / "City Lights (retagged).mp3"
    song.write_bytes((DEMO / "song-1.mp3").read_bytes())
    song.rename(renamed)

    player.resume_released(renamed)
    qtbot.waitUntil(lambda: player.is_playing and player.position >= 5_000, timeout=WAIT_MS)
    assert player.current_clip_id == "clip-1" and player.current_path == renamed
    assert player.released_clip_id == ""


def test_released_file_can_be_deleted(qtbot, player, song):
    start(qtbot, player, song)
    assert player.release(song)
    song.unlink()
    assert not song.exists()
    assert player.release(song) is False  # nothing loaded any more


def test_missing_file_is_one_clear_sentence(qtbot, player, tmp_path):
    with qtbot.waitSignal(player.error, timeout=WAIT_MS) as failed:
        player.play("clip-9", tmp_path / "gone.mp3", "City Lights")
    assert failed.args == ["Cannot play “City Lights”: the file is missing."]
    assert player.current_clip_id == ""


def test_damaged_file_is_one_clear_sentence(qtbot, player, tmp_path):
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(b"this is not audio\n" * 400)
    with qtbot.waitSignal(player.error, timeout=WAIT_MS) as failed:
        player.play("clip-8", damaged, "Broken Song")
    assert failed.args[0].startswith("Cannot play “Broken Song”: the file is damaged")
    assert failed.args[0].endswith(".")
    qtbot.waitUntil(lambda: player.current_clip_id == "", timeout=WAIT_MS)


def test_volume_is_clamped_and_announced(qtbot, player):
    assert player.volume == DEFAULT_VOLUME == 80
    with qtbot.waitSignal(player.volume_changed) as changed:
        player.set_volume(150)
    assert changed.args == [100] and player.volume == 100
    player.set_volume(-5)
    assert player.volume == 0


def test_player_without_qt_multimedia_says_why(qtbot, no_multimedia, song):
    off = Player()
    assert not off.available
    assert off.unavailable_reason == "Playback is off: Qt Multimedia could not be loaded (libpulse0 is missing)."
    with qtbot.waitSignal(off.error) as failed:
        off.play("clip-1", song, "City Lights")
    assert failed.args == [off.unavailable_reason]
    off.toggle()
    off.seek(1000)
    assert off.release(song) is False


# ---------------------------------------------------------------------- PlayerBar


def test_format_time():
    assert format_time(0) == "0:00"
    assert format_time(65_000) == "1:05"
    assert format_time(219_999) == "3:39"
    assert format_time(3_723_000) == "1:02:03"
    assert format_time(-5) == "0:00"


def test_player_bar_play_button_toggles_playback(qtbot, player, song):
    bar = PlayerBar(player)
    qtbot.addWidget(bar)
    bar.play_pause_requested.connect(player.toggle)  # the window's job
    bar.show()
    button = bar.findChild(QToolButton, "playPauseButton")
    assert button.toolTip() == "Play/Pause (Space)"
    start(qtbot, player, song)
    player.pause()
    qtbot.waitUntil(lambda: not player.is_playing, timeout=WAIT_MS)
    with qtbot.waitSignal(player.playing_changed, timeout=WAIT_MS) as changed:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert changed.args == [True]
    assert button.accessibleName() == "Pause"


def test_player_bar_shows_time_and_seeks_on_release(qtbot, player, song):
    bar = PlayerBar(player)
    qtbot.addWidget(bar)
    start(qtbot, player, song)
    total = bar.findChild(QLabel, "totalLabel")
    elapsed = bar.findChild(QLabel, "elapsedLabel")
    slider = bar.findChild(QSlider, "seekSlider")
    qtbot.waitUntil(lambda: total.text() == "0:12", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: slider.value() > 0, timeout=WAIT_MS)

    slider.setSliderDown(True)  # the user grabs the handle …
    slider.setValue(9_000)
    qtbot.wait(300)
    assert slider.value() == 9_000  # … and position updates leave it alone
    assert elapsed.text() == "0:09"
    assert player.position < 9_000
    slider.setSliderDown(False)  # released: now it seeks
    qtbot.waitUntil(lambda: player.position >= 9_000, timeout=WAIT_MS)


def test_player_bar_volume_and_now_playing(qtbot, player):
    bar = PlayerBar(player)
    qtbot.addWidget(bar)
    volume = bar.findChild(QSlider, "volumeSlider")
    assert volume.value() == player.volume
    volume.setValue(35)
    assert player.volume == 35
    player.set_volume(60)  # e.g. restored from settings by the window
    assert volume.value() == 60

    cover = QPixmap(300, 200)
    cover.fill(Qt.GlobalColor.darkCyan)
    long_title = "A Very Long Song Title That Will Not Fit Into The Player Bar At All " * 3
    bar.set_now_playing(long_title, "synthwave, night drive", cover)
    title = bar.findChild(QLabel, "nowPlayingTitle")
    assert title.text() == long_title and title.toolTip() == long_title
    assert bar.cover.pixmap().deviceIndependentSize().toSize().width() == 48
    bar.set_now_playing("", "", None)
    assert title.text() == "Not playing"
    assert bar.height() == 64
    for name in ("previousButton", "nextButton", "playPauseButton"):
        assert bar.findChild(QToolButton, name) is not None


def test_player_bar_buttons_emit_requests(qtbot, player):
    bar = PlayerBar(player)
    qtbot.addWidget(bar)
    bar.show()
    with qtbot.waitSignal(bar.next_requested):
        qtbot.mouseClick(bar.findChild(QToolButton, "nextButton"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.previous_requested):
        qtbot.mouseClick(bar.findChild(QToolButton, "previousButton"), Qt.MouseButton.LeftButton)


def test_player_bar_without_playback_shows_the_reason(qtbot, no_multimedia):
    off = Player()
    bar = PlayerBar(off)
    qtbot.addWidget(bar)
    assert bar.findChild(QLabel, "nowPlayingTitle").text() == off.unavailable_reason
    for name in ("playPauseButton", "previousButton", "nextButton"):
        assert not bar.findChild(QToolButton, name).isEnabled()
    for name in ("seekSlider", "volumeSlider"):
        assert not bar.findChild(QSlider, name).isEnabled()
    bar.set_now_playing("", "", None)
    assert bar.findChild(QLabel, "nowPlayingTitle").text() == off.unavailable_reason


# ---------------------------------------------------------------------- VideoView


@pytest.fixture
def video(tmp_path: Path) -> Path:
    target = tmp_path / "clip.mp4"
    shutil.copyfile(DEMO / "video-1.mp4", target)
    return target


def test_video_view_plays_a_local_video(qtbot, video):
    view = VideoView()
    qtbot.addWidget(view)
    if not view.available:
        pytest.skip(view.unavailable_reason)
    view.resize(480, 320)
    view.show()
    view.show_video(video, "City Lights")
    assert view.current_path == video
    assert view.stack.currentWidget() is view.cover  # idle: the cover, not a black box
    qtbot.waitUntil(lambda: view.duration > 0, timeout=WAIT_MS)
    assert not view.is_playing
    view.play()
    qtbot.waitUntil(lambda: view.is_playing and view.position > 0, timeout=WAIT_MS)
    assert view.stack.currentWidget() is view.video_widget
    view.stop()
    assert view.release(video) is True
    assert view.current_path is None
    video.unlink()
    view.show_video(None, "City Lights")
    assert view.stack.currentWidget() is view.message
    assert view.message.text() == NO_VIDEO


def test_video_view_without_video_shows_the_label(qtbot, tmp_path):
    view = VideoView()
    qtbot.addWidget(view)
    view.show_video(None, "City Lights")
    assert view.current_path is None
    assert view.findChild(QLabel, "videoMessage").text() == (view.unavailable_reason or NO_VIDEO)
    assert view.release(tmp_path / "clip.mp4") is False
    if view.available:
        view.show_video(tmp_path / "missing.mp4", "City Lights")
        assert view.stack.currentWidget() is view.message
        assert view.message.text() == "Cannot play “City Lights”: the file is missing."


def test_video_view_without_qt_multimedia_says_why(qtbot, no_multimedia):
    view = VideoView()
    qtbot.addWidget(view)
    assert not view.available
    assert view.message.text() == "Video is off: Qt Multimedia could not be loaded (libpulse0 is missing)."
    view.show_video(None, "City Lights")
    view.stop()
    assert view.message.text() == view.unavailable_reason


def test_media_problems_are_one_sentence_each():
    from suno_desktop.playback.player import MediaProblem, media_error_sentence

    assert MediaProblem.of_qt_error("AccessDeniedError") is MediaProblem.UNREADABLE
    assert (
        MediaProblem.of_qt_error("FormatError") is MediaProblem.of_qt_error("ResourceError") is MediaProblem.UNSUPPORTED
    )
    assert MediaProblem.of_qt_error("NetworkError") is MediaProblem.OTHER
    assert media_error_sentence(MediaProblem.UNREADABLE, "Song") == (
        "Cannot play “Song”: the file cannot be read (permission denied)."
    )
    assert (
        media_error_sentence(MediaProblem.OTHER, "Song", "Decoder gave up.") == "Cannot play “Song”: Decoder gave up."
    )
    assert media_error_sentence(MediaProblem.OTHER, "Song") == "Cannot play “Song”: the file could not be played."


# ---------------------------------------------------------------------- counting plays (issue 19, point 2)


def fed(counter, positions, duration_ms):
    """Feed *positions* (ms) one by one; the positions at which a play was counted."""
    return [position for position in positions if counter.feed(position, duration_ms)]


def test_a_play_counts_once_after_half_the_song():
    from suno_desktop.playback.play_counter import PlayCounter

    counter = PlayCounter()
    counter.start("clip-1")
    assert fed(counter, range(0, 10_001, 250), 10_000) == [5000]  # once, at the half; never again this start


def test_a_long_song_counts_after_four_minutes():
    from suno_desktop.playback.play_counter import LONG_SONG_LISTEN_MS, PlayCounter

    counter = PlayCounter()
    counter.start("clip-1")
    assert fed(counter, range(0, 20 * 60_000, 500), 20 * 60_000) == [LONG_SONG_LISTEN_MS]


def test_seeking_is_not_listening():
    from suno_desktop.playback.play_counter import PlayCounter

    counter = PlayCounter()
    counter.start("clip-1")
    assert fed(counter, [0, 500, 1000, 9000, 9500], 10_000) == []  # a jump to the end skips what was not heard
    counter.start("clip-1")
    # 4 s heard, back to the start, 4 s again: the 5th second heard counts (time heard, not the position)
    positions = [*range(0, 4001, 500), *range(0, 1001, 500)]
    assert fed(counter, positions, 10_000) == [1000]
    assert fed(counter, range(1000, 10_001, 500), 10_000) == []  # seeking back: no second play this start


def test_each_start_counts_again_and_an_unknown_length_never():
    from suno_desktop.playback.play_counter import PlayCounter

    counter = PlayCounter()
    assert fed(counter, range(0, 10_001, 500), 10_000) == []  # nothing started
    counter.start("clip-1")
    assert fed(counter, range(0, 10_001, 500), 0) == []  # the length is not known yet
    counter.start("clip-1")
    assert fed(counter, range(0, 10_001, 500), 10_000) == [5000]
    counter.start("clip-1")  # played again from the top after it ended
    assert fed(counter, range(0, 10_001, 500), 10_000) == [5000]


def test_the_player_counts_a_real_song_once_per_start(qtbot, player, song):
    counted = []
    player.play_counted.connect(counted.append)
    start(qtbot, player, song)
    player.seek(player.duration // 4)  # a seek is not listening: past the half, no play yet
    qtbot.waitUntil(lambda: player.position >= player.duration // 2 + 1000, timeout=WAIT_MS)
    assert counted == []  # counted at three quarters: half the song heard since the quarter
    qtbot.waitUntil(lambda: counted == ["clip-1"], timeout=WAIT_MS * 2)
    player.seek(0)  # seeking back does not count twice
    qtbot.waitUntil(lambda: player.position > 600, timeout=WAIT_MS)
    assert counted == ["clip-1"]


def test_a_missing_sound_server_is_logged_not_printed_and_other_qt_messages_still_print(qapp, capfd, caplog):
    from PySide6.QtCore import qWarning

    from suno_desktop.playback.ffmpeg_log import quiet_sound_server_notes

    quiet_sound_server_notes()
    with caplog.at_level("DEBUG", logger="suno_desktop.playback.ffmpeg_log"):
        qWarning("PulseAudioService: pa_context_connect() failed")
        qWarning("Something else went wrong")
    printed = capfd.readouterr().err
    assert "pa_context_connect" not in printed and "Something else went wrong" in printed
    assert "pa_context_connect() failed" in caplog.text
