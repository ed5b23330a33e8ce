"""Icons in both appearances, the video taking turns with the player, and the detail pane at any width."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QPushButton, QTextEdit, QToolButton
from record_helpers import clip_record
from window_helpers import WAIT, synced_window

from suno_desktop.model import ClipKind, ClipState, TaskRecord, TaskStatus
from suno_desktop.playback.player import Player
from suno_desktop.song_request import SongRequest, Submission, SubmissionState
from suno_desktop.ui.clip_rows import NO_FILES, task_row
from suno_desktop.ui.detail_pane import NOTHING_TO_PLAY, ClipDetailPane
from suno_desktop.ui.icons import standard_icon
from suno_desktop.ui.player_bar import PlayerBar
from suno_desktop.ui.theme import ColorScheme, apply_color_scheme
from suno_desktop.ui.video_view import VideoView

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
WAIT_MS = 10_000
ALL_FILES = (True, True, True)
#: the toolbar's icons (window_actions.py, new_song_actions.py)
TOOLBAR_ICONS = ("document-new", "list-add", "view-refresh", "document-save-as", "edit-delete", "preferences-system")


# ---------------------------------------------------------------------- contrast


def luminance(color: QColor) -> float:
    """WCAG relative luminance."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def contrast(first: QColor, second: QColor) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def icon_color(icon: QIcon, size: int = 22, mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The most common colour among the icon's opaque pixels, as it is drawn at *size*."""
    image = icon.pixmap(size, size, mode).toImage()
    opaque = Counter(
        image.pixelColor(x, y).rgb()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() >= 200
    )
    assert opaque, "the icon draws nothing"
    return QColor.fromRgb(opaque.most_common(1)[0][0])


def background_behind(widget, container) -> QColor:
    """The colour actually painted behind *widget* in *container*: a corner of it in a grab of the container."""
    shot = container.grab().toImage()
    corner = widget.mapTo(container, QPoint(1, 1))
    return shot.pixelColor(
        corner.x() * shot.width() // container.width(), corner.y() * shot.height() // container.height()
    )


@pytest.fixture(params=[ColorScheme.LIGHT, ColorScheme.DARK], ids=["light", "dark"])
def scheme(request, qtbot):
    apply_color_scheme(request.param)
    yield request.param
    apply_color_scheme(ColorScheme.SYSTEM)


@pytest.fixture
def player(qtbot):
    audio_player = Player()
    if not audio_player.available:
        pytest.skip(audio_player.unavailable_reason)
    yield audio_player
    audio_player.stop()
    audio_player.deleteLater()


def test_player_bar_icons_stand_out_in_both_appearances(qtbot, scheme, player):
    bar = PlayerBar(player)
    qtbot.addWidget(bar)
    bar.resize(900, bar.height())
    bar.show()
    qtbot.waitExposed(bar)
    for name in ("previousButton", "playPauseButton", "nextButton", "volumeButton"):
        button = bar.findChild(QToolButton, name)
        drawn = icon_color(button.icon(), button.iconSize().width())
        for background in (background_behind(button, bar), button.palette().color(button.backgroundRole())):
            ratio = contrast(drawn, background)
            assert ratio >= 3.0, f"{name} in {scheme}: {drawn.name()} on {background.name()} is {ratio:.1f}:1"


def test_detail_play_button_and_toolbar_icons_stand_out_in_both_appearances(qtbot, scheme):
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    pane.show_clip(clip_record("c1", title="City Lights"), Path("/library"), ALL_FILES)
    pane.resize(380, 800)
    pane.show()
    qtbot.waitExposed(pane)
    button = pane.play_button
    assert button.isEnabled()
    drawn = icon_color(button.icon(), button.iconSize().width())
    for background in (background_behind(button, pane), button.palette().color(QPalette.ColorRole.Button)):
        assert contrast(drawn, background) >= 3.0, f"Play in {scheme}: {drawn.name()} on {background.name()}"
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    for name in TOOLBAR_ICONS:
        assert contrast(icon_color(standard_icon(name)), window) >= 3.0, f"{name} in {scheme}"


def test_an_icon_follows_a_change_of_appearance(qtbot):
    icon = standard_icon("media-playback-start")
    try:
        apply_color_scheme(ColorScheme.LIGHT)
        light = icon_color(icon)
        apply_color_scheme(ColorScheme.DARK)
        dark = icon_color(icon)
    finally:
        apply_color_scheme(ColorScheme.SYSTEM)
    assert luminance(dark) > 0.5 > luminance(light)  # the same icon, drawn light on dark and dark on light


def drawn_contrast(widget, container) -> float:
    """In a grab of *container*: the contrast of *widget*'s most common colour (its background) with its strongest."""
    shot = container.grab().toImage()
    ratio = shot.width() / container.width()
    top_left = widget.mapTo(container, QPoint(0, 0))
    colors = Counter(
        shot.pixelColor(round((top_left.x() + x) * ratio), round((top_left.y() + y) * ratio)).rgb()
        for x in range(widget.width())
        for y in range(widget.height())
    )
    background = QColor.fromRgb(colors.most_common(1)[0][0])
    return max(contrast(background, QColor.fromRgb(rgb)) for rgb, count in colors.items() if count >= 8)


def test_the_player_bar_draws_its_icons_again_when_the_appearance_changes(qtbot, player):
    try:
        apply_color_scheme(ColorScheme.LIGHT)
        bar = PlayerBar(player)
        qtbot.addWidget(bar)
        bar.resize(900, bar.height())
        bar.show()
        qtbot.waitExposed(bar)
        apply_color_scheme(ColorScheme.DARK)  # the same widgets, now on a dark background
        dark_base = QApplication.palette().color(QPalette.ColorRole.Base)
        qtbot.waitUntil(lambda: bar.palette().color(QPalette.ColorRole.Base) == dark_base)  # delivered by events
        for name in ("previousButton", "playPauseButton", "nextButton", "volumeButton"):
            button = bar.findChild(QToolButton, name)
            assert drawn_contrast(button, bar) >= 3.0, f"{name} after switching to dark"
        assert drawn_contrast(bar.cover, bar) >= 3.0  # the placeholder cover too
    finally:
        apply_color_scheme(ColorScheme.SYSTEM)


# ---------------------------------------------------------------------- video and player


@pytest.fixture
def media(tmp_path: Path) -> tuple[Path, Path]:
    song, video = tmp_path / "song.mp3", tmp_path / "clip.mp4"
    shutil.copyfile(DEMO / "song-1.mp3", song)
    shutil.copyfile(DEMO / "video-1.mp4", video)
    return song, video


@pytest.fixture
def video_view(qtbot, player):
    view = VideoView()
    qtbot.addWidget(view)
    if not view.available:
        pytest.skip(view.unavailable_reason)
    view.take_turns_with(player)
    view.resize(480, 360)
    view.show()
    yield view
    view.stop()


def test_starting_the_video_pauses_the_player_and_the_other_way_round(qtbot, player, video_view, media):
    song, video = media
    player.play("clip-1", song, "City Lights")
    qtbot.waitUntil(lambda: player.is_playing and player.position > 0, timeout=WAIT_MS)
    video_view.show_video(video, "City Lights")
    qtbot.mouseClick(video_view.play_pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: video_view.is_playing and not player.is_playing, timeout=WAIT_MS)
    assert player.current_clip_id == "clip-1"  # paused, not stopped: it plays on from there

    player.toggle()
    qtbot.waitUntil(lambda: player.is_playing and not video_view.is_playing, timeout=WAIT_MS)


def test_an_idle_or_ended_video_shows_the_cover(qtbot, video_view, media):
    _song, video = media
    cover = QPixmap(300, 300)
    cover.fill(Qt.GlobalColor.darkCyan)
    video_view.set_cover(cover)
    video_view.show_video(video, "City Lights")
    assert video_view.stack.currentWidget() is video_view.cover
    assert video_view.cover.pixmap().cacheKey() == cover.cacheKey()
    qtbot.waitUntil(lambda: video_view.duration > 0, timeout=WAIT_MS)

    video_view.play()
    qtbot.waitUntil(lambda: video_view.stack.currentWidget() is video_view.video_widget, timeout=WAIT_MS)
    video_view.pause()
    qtbot.waitUntil(lambda: not video_view.is_playing, timeout=WAIT_MS)
    assert video_view.stack.currentWidget() is video_view.video_widget  # paused midway: its frame stays

    video_view.seek(video_view.duration - 400)
    video_view.play()
    qtbot.waitUntil(lambda: video_view.stack.currentWidget() is video_view.cover, timeout=WAIT_MS)
    assert not video_view.is_playing


def test_a_video_let_go_of_midway_comes_back_paused_on_its_frame(qtbot, video_view, media):
    _song, video = media
    video_view.show_video(video, "City Lights")
    video_view.play()
    qtbot.waitUntil(lambda: video_view.is_playing, timeout=WAIT_MS)
    video_view.seek(2_000)
    qtbot.waitUntil(lambda: video_view.position >= 2_000, timeout=WAIT_MS)
    video_view.pause()
    qtbot.waitUntil(lambda: not video_view.is_playing, timeout=WAIT_MS)
    assert video_view.release(video, "c1")
    assert video_view.stack.currentWidget() is video_view.message
    video_view.resume_released()
    assert video_view.stack.currentWidget() is video_view.video_widget
    qtbot.waitUntil(lambda: video_view.position >= 2_000, timeout=WAIT_MS)
    assert not video_view.is_playing


def test_the_video_shows_the_cover_the_detail_pane_shows(qtbot, media):
    """The window passes the detail pane's cover to the Video tab (cover_shown -> set_cover)."""
    pane, view = ClipDetailPane(), VideoView()
    qtbot.addWidget(pane)
    qtbot.addWidget(view)
    pane.cover_shown.connect(view.set_cover)
    cover = QPixmap(64, 48)
    cover.fill(Qt.GlobalColor.red)
    pane.show_clip(clip_record("c1", title="City Lights"), Path("/library"), ALL_FILES)
    pane.set_cover(cover)
    assert view.cover.pixmap().size() == cover.size()
    pane.show_clip(clip_record("c2", title="No Cover"), Path("/library"), ALL_FILES)
    assert view.cover.pixmap().isNull()


# ---------------------------------------------------------------------- the detail pane at any width

LONG_TITLE = "A Very Long Song Title About Harbour Lights And Paper Satellites Drifting Over The Night"
LONG_REASON = (
    "The relay refused the lyrics because they contain words its moderation does not accept; "
    "edit them and create the song again."
)


def visible_buttons(pane: ClipDetailPane) -> list[QPushButton]:
    return [button for button in pane.findChildren(QPushButton) if button.isVisible()]


def test_a_narrow_detail_pane_wraps_text_and_cuts_no_button_or_cover(qtbot):
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    record = clip_record(
        "c1", title=LONG_TITLE, tags="synthwave", audio_url="https://x/a.mp3", state=ClipState.FAILED, error=LONG_REASON
    )
    pane.show_clip(record, Path("/library"), ALL_FILES)
    cover = QPixmap(400, 300)
    cover.fill(Qt.GlobalColor.darkCyan)
    pane.set_cover(cover)
    pane.resize(240, 900)
    pane.show()
    qtbot.waitExposed(pane)
    qtbot.waitUntil(lambda: pane.title.width() <= pane.width())

    line = pane.title.fontMetrics().height()
    assert pane.title.lineWrapMode() == QTextEdit.LineWrapMode.WidgetWidth and pane.title.text() == LONG_TITLE
    assert pane.title.height() >= 2 * line  # wrapped onto more lines, not cut
    assert pane.title.heightForWidth(pane.title.width()) > pane.title.heightForWidth(2000)
    assert pane.title.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse

    status = pane.fields["Status"]
    assert status.text().endswith(LONG_REASON) and status.wordWrap()
    assert status.height() >= 2 * status.fontMetrics().height()
    assert status.mapTo(pane, QPoint(status.width(), 0)).x() <= pane.width()

    texts = {"detailPlayButton": "Play", "detailFolderButton": "Show in folder", "detailUrlButton": "Copy audio URL"}
    buttons = visible_buttons(pane)
    assert {b.objectName() for b in buttons} >= set(texts)
    for button in buttons:
        assert button.width() >= button.sizeHint().width(), f"{button.text()} is squeezed"
        assert button.mapTo(pane, QPoint(button.width(), 0)).x() <= pane.width(), f"{button.text()} is cut off"
        if button.objectName() in texts:
            assert button.text() == texts[button.objectName()]
    rows = {button.mapTo(pane, QPoint(0, 0)).y() for button in buttons}
    assert len(rows) > 1  # they flowed onto a second row

    shown = pane.cover.shown_rect()
    assert abs(shown.width() / shown.height() - 400 / 300) < 0.03
    assert shown.width() <= pane.cover.width() and pane.cover.height() >= shown.height()
    assert pane.cover.mapTo(pane, QPoint(shown.right(), 0)).x() <= pane.width()


def test_a_wide_detail_pane_keeps_the_buttons_on_one_row(qtbot):
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    pane.show_clip(clip_record("c1", title="City Lights", audio_url="https://x/a.mp3"), Path("/library"), ALL_FILES)
    pane.resize(900, 900)
    pane.show()
    qtbot.waitExposed(pane)
    buttons = [pane.play_button, pane.folder_button, pane.url_button]
    qtbot.waitUntil(lambda: len({b.mapTo(pane, QPoint(0, 0)).y() for b in buttons}) == 1)
    assert pane.cover.shown_rect().width() == 260  # as large as it goes, not wider


def test_a_lyrics_only_row_cannot_be_played_and_offers_a_song_from_its_lyrics(qtbot):
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    record = clip_record("l1", kind=ClipKind.LYRICS, state=ClipState.LYRICS, title="Lantern Song", lyrics="[Verse]\nla")
    pane.show_clip(record, Path("/library"), (True, False, False))  # even if a file seemed to be there
    pane.show()
    assert not pane.play_button.isEnabled()
    assert pane.play_button.toolTip() == NOTHING_TO_PLAY
    assert not pane.folder_button.isEnabled() and not pane.url_button.isEnabled()
    assert pane.lyrics.toPlainText() == "[Verse]\nla"
    assert pane.recreate_button.isVisible() and pane.recreate_button.text() == "Create a Song from These Lyrics…"
    with qtbot.waitSignal(pane.recreate_requested) as asked:
        qtbot.mouseClick(pane.recreate_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["l1"]


def failed_task(task_id: str = "t-failed") -> TaskRecord:
    return TaskRecord(
        task_id=task_id,
        action="MUSIC",
        status=TaskStatus.FAILURE,
        fail_reason="moderation",
        progress="",
        added_at=1_700_000_000.0,
        fetched_at=None,
        error="",
        removed=False,
        updated_at=None,
    )


def test_a_failed_task_made_here_shows_the_lyrics_sent_and_offers_edit_again(qtbot):
    request = SongRequest.song(title="Harbour Song", style="folk", lyrics="[Verse]\nsalt and rope")
    sent = Submission(1, request, SubmissionState.ACCEPTED, "t-failed", "", 1_700_000_000.0, 1_700_000_000.0)
    row = task_row(failed_task(), sent)
    assert row.state == ClipState.FAILED
    pane = ClipDetailPane()
    qtbot.addWidget(pane)
    pane.show_clip(row, Path("/library"), NO_FILES)
    pane.show()
    assert pane.lyrics.toPlainText() == "[Verse]\nsalt and rope"
    assert pane.lyrics_heading.text() == "Lyrics sent"
    assert not pane.play_button.isEnabled()
    assert pane.edit_again_button.isVisible() and pane.edit_again_button.isEnabled()
    assert not pane.findChild(QToolButton, "detailClipIdCopy").isEnabled()  # a task has no clip id to copy
    with qtbot.waitSignal(pane.edit_again_requested) as asked:
        qtbot.mouseClick(pane.edit_again_button, Qt.MouseButton.LeftButton)
    assert asked.args == [row.row_id]

    added_by_id = task_row(failed_task("t-other"))
    pane.show_clip(added_by_id, Path("/library"), NO_FILES)
    assert pane.edit_again_button.isVisible() and not pane.edit_again_button.isEnabled()
    assert "not known" in pane.lyrics.toPlainText()


def test_in_the_window_the_video_shows_the_cover_and_takes_turns_with_the_player(qtbot, make_window, relay):
    window, _ = synced_window(qtbot, make_window, relay, tasks=1)
    if not (window.player.available and window.video.available):
        pytest.skip(window.player.unavailable_reason or window.video.unavailable_reason)
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.player.is_playing, timeout=WAIT)
    window.side_tabs.setCurrentWidget(window.video)
    qtbot.waitUntil(lambda: window.video.current_path is not None, timeout=WAIT)
    assert window.video.stack.currentWidget() is window.video.cover
    qtbot.waitUntil(lambda: not window.video.cover.pixmap().isNull(), timeout=WAIT)  # the clip's own cover

    qtbot.mouseClick(window.video.play_pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.video.is_playing and not window.player.is_playing, timeout=WAIT)
    qtbot.mouseClick(window.player_bar.play_pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.player.is_playing and not window.video.is_playing, timeout=WAIT)


def test_the_tables_placeholder_note_reads_in_both_appearances(qtbot, scheme):
    from suno_desktop.ui.cell_looks import RoundedCovers

    image = RoundedCovers(40).pixmap_for(None).toImage()
    colours = Counter(
        image.pixelColor(x, y).rgb()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    )
    (ground, _), *rest = colours.most_common()
    note = max((QColor.fromRgb(rgb) for rgb, _ in rest), key=lambda c: contrast(c, QColor.fromRgb(ground)))
    assert contrast(note, QColor.fromRgb(ground)) >= 3.0
