"""The sync engine against the local relay + media server, files and tags read back with mutagen."""

import os
import shutil
import threading
import time

import pytest
from fault_servers import MediaFault
from mutagen.id3 import ID3, TSSE, Encoding
from mutagen.mp4 import MP4
from sync_helpers import FAST, make_engine

from suno_desktop.library.clip_edits import EditField, edit_clip
from suno_desktop.library.store import Library, LibraryUnavailable
from suno_desktop.library.sync import SyncEngine
from suno_desktop.library.sync_session import RequestKind, SyncSession
from suno_desktop.library.sync_types import SyncObserver, SyncOptions
from suno_desktop.media.tagging import TagOptions
from suno_desktop.model import ClipState
from suno_desktop.resources import resource_path

SONG = resource_path("demo") / "song-1.mp3"


def media_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".suno" not in p.parts)


def snapshot(root):
    return {p: (os.stat(root / p).st_mtime_ns, os.stat(root / p).st_size) for p in media_files(root)}


def test_first_sync_downloads_and_tags_both_clip_shapes(relay, client, library):
    flat = relay.add_music_task(shape="flat", title="City Lights", tags="emotional punk", model="chirp-v4")
    nested = relay.add_music_task(
        shape="nested", title="Electric Dance Party", cover="png", description="miku dance", model="chirp-v3"
    )
    report = make_engine(library, client).sync([flat, nested])
    assert report.ok, report
    assert report.clips_done == 4 and report.tasks_synced == 2
    records = {r.clip_id: r for r in library.clips()}
    assert len(records) == 4 and all(r.state == ClipState.READY for r in records.values())
    for record in records.values():
        audio = library.root / record.audio_path
        cover = library.root / record.cover_path
        video = library.root / record.video_path
        assert audio.suffix == ".mp3" and video.suffix == ".mp4"
        assert record.clip_id[:8] in audio.name
        tags = ID3(audio)
        assert tags.version == (2, 3, 0)
        assert tags["TIT2"].text == [record.title]
        assert tags["TXXX:SUNO_CLIP_ID"].text == [record.clip_id]
        assert tags["TXXX:SUNO_TASK_ID"].text == [record.task_id]
        apic = tags.getall("APIC")[0]
        assert apic.mime == ("image/png" if record.task_id == nested else "image/jpeg")
        assert cover.suffix == (".png" if record.task_id == nested else ".jpg")
        assert apic.data == cover.read_bytes()
        assert MP4(video).tags["\xa9nam"] == [record.title]
    nested_audio = next(library.root / r.audio_path for r in records.values() if r.task_id == nested)
    assert ID3(nested_audio).getall("COMM")[0].text == ["miku dance"]


def test_token_goes_to_the_api_only(relay, client, library):
    task = relay.add_music_task()
    make_engine(library, client).sync([task])
    assert relay.api_requests and all(r.authorization == "Bearer test-token" for r in relay.api_requests)
    assert relay.media.requests
    assert all("authorization" not in r.headers for r in relay.media.requests)


def test_second_sync_with_nothing_new_touches_nothing(relay, client, library):
    task = relay.add_music_task(clips=2)
    assert make_engine(library, client).sync([task]).ok
    before = snapshot(library.root)
    relay.reset_counters()
    relay.media.reset_counters()
    report = make_engine(library, client).sync()
    assert report.ok
    assert (report.api_requests, report.files_written, report.files_downloaded) == (0, 0, 0)
    assert relay.api_requests == [] and relay.media.requests == []
    assert snapshot(library.root) == before


def test_pending_tasks_are_polled_until_final(relay, client, library):
    slow = relay.add_music_task(polls_until_success=3)
    quick = relay.add_music_task()
    report = make_engine(library, client).sync([slow, quick])
    assert report.ok, report
    assert relay.poll_counts[slow] == 4
    # a round asks only about what is still pending, in one request
    bodies = [r.json_body for r in relay.api_requests if r.method == "POST"]
    assert sorted(bodies[0]["ids"]) == sorted([slow, quick])
    assert all(b["ids"] == [slow] for b in bodies[1:])
    # the streaming URL is a live stream: never downloaded
    assert not any("audiopipe" in r.path for r in relay.media.requests)
    assert len([c for c in library.clips() if c.state == ClipState.READY]) == 4


def test_one_request_per_fifty_tasks_per_round(relay, client, library):
    ids = [relay.add_music_task(clips=1, video=False) for _ in range(120)]
    report = make_engine(library, client, jobs=4).sync(ids)
    assert report.ok
    assert report.api_requests == 3
    assert len(library.clips()) == 120


def test_failures_lyrics_and_error_clips_are_kept_with_reasons(relay, client, library):
    failed = relay.add_music_task(final_status="FAILURE", fail_reason="Lyrics flagged by moderation")
    lyrics = relay.add_lyrics_task(title="Ode", text="Verse one\nVerse two")
    broken = relay.add_music_task(clips=1, clip_status="error", clip_error="Audio generation failed")
    unknown = "00000000-0000-4000-8000-000000000000"
    relay.media.reset_counters()
    report = make_engine(library, client).sync([failed, lyrics, broken, unknown])
    assert not report.ok
    assert report.failed_tasks[failed] == "Lyrics flagged by moderation"
    assert "does not know" in report.failed_tasks[unknown]
    ((title, reason),) = report.failed_clips.values()
    assert reason == "Audio generation failed"
    errored = next(c for c in library.clips() if c.task_id == broken)
    assert (errored.relay_error, errored.error, errored.problem) == ("Audio generation failed", "", reason)
    entry = next(c for c in library.clips() if c.task_id == lyrics)
    assert (entry.kind, entry.state, entry.lyrics) == ("lyrics", ClipState.LYRICS, "Verse one\nVerse two")
    assert relay.media.requests == []


def test_deleted_file_is_marked_missing_and_downloaded_again(relay, client, library):
    task = relay.add_music_task(clips=1)
    make_engine(library, client).sync([task])
    record = library.clips()[0]
    (library.root / record.audio_path).unlink()
    engine = make_engine(library, client)
    jobs = engine.plan()
    assert library.clips()[0].state == ClipState.MISSING
    assert [(j.audio, j.cover, j.video) for j in jobs] == [(True, False, False)]
    relay.media.reset_counters()
    assert engine.sync().ok
    assert [r.path for r in relay.media.requests if r.method == "GET"] == [
        p for p in [r.path for r in relay.media.requests] if p.endswith(".mp3")
    ]
    again = library.clips()[0]
    assert again.state == ClipState.READY and (library.root / again.audio_path).is_file()
    assert ID3(library.root / again.audio_path)["TXXX:SUNO_CLIP_ID"].text == [again.clip_id]


def test_removed_clip_stays_removed(relay, client, library):
    task = relay.add_music_task(clips=2)
    make_engine(library, client).sync([task])
    first = library.clips()[0]
    for path in (first.audio_path, first.cover_path, first.video_path):
        (library.root / path).unlink()
    library.remove_clips([first.clip_id])
    relay.media.reset_counters()
    assert make_engine(library, client).sync([task]).ok
    assert relay.media.requests == []
    assert [c.clip_id for c in library.clips()] != [] and first.clip_id not in {c.clip_id for c in library.clips()}


def test_changed_title_renames_and_retags_without_downloading(relay, client, library):
    task = relay.add_music_task(clips=1, title="Old Name")
    make_engine(library, client).sync([task])
    old = library.clips()[0]
    relay.update_clip(task, 0, title="New Name")
    relay.media.reset_counters()
    report = make_engine(library, client).sync([task])
    assert report.ok and report.files_downloaded == 0
    assert relay.media.requests == []
    new = library.clips()[0]
    assert new.audio_path.startswith("New Name [") and not (library.root / old.audio_path).exists()
    assert new.video_path.startswith("New Name [") and new.cover_path.startswith("New Name [")
    assert ID3(library.root / new.audio_path)["TIT2"].text == ["New Name"]
    assert MP4(library.root / new.video_path).tags["\xa9nam"] == ["New Name"]


def test_a_clip_retitled_between_its_plan_and_its_job_is_named_after_its_new_title(relay, client, library):
    """The job reads the clip afresh: its name must follow the title its tags and tag key get."""
    task = relay.add_music_task(clips=1, title="Old Name")
    make_engine(library, client).sync([task])
    clip_id = library.clips()[0].clip_id
    edit_clip(library, clip_id, {EditField.TITLE: "Half typed"})
    engine = make_engine(library, client)
    try:
        (job,) = engine.plan([clip_id])
        assert job.retag and job.stem.startswith("Half typed")
        edit_clip(library, clip_id, {EditField.TITLE: "Whole Title"})  # saved again before the job ran
        engine.run_job(job)
        engine.commit_writes()
        record = library.clip(clip_id)
        assert record.audio_path.startswith("Whole Title [") and record.file_stem.startswith("Whole Title [")
        assert ID3(library.root / record.audio_path)["TIT2"].text == ["Whole Title"]
        assert engine.plan([clip_id]) == []  # name, tags and tag key agree: nothing left to do
    finally:
        engine.close()


def test_a_retag_asked_while_the_clips_job_runs_is_planned_again_when_it_ends(relay, client, library):
    """An edit saved while the clip's last job is under way (it read the clip before) reaches the file after it."""
    task = relay.add_music_task(clips=1, title="Old Name")
    make_engine(library, client).sync([task])
    clip_id = library.clips()[0].clip_id
    started, go = threading.Event(), threading.Event()

    class Holding(SyncObserver):
        def clip_started(self, job):  # the job has read the clip: hold it there until the second ask is planned
            started.set()
            go.wait(20)

    engine = SyncEngine(library, client, SyncOptions(**FAST), observer=Holding())
    plans = []
    plan = engine.plan
    engine.plan = lambda *args, **kwargs: plans.append(plan(*args, **kwargs)) or plans[-1]
    session = SyncSession(engine)
    try:
        edit_clip(library, clip_id, {EditField.TITLE: "First Edit"})
        session.ask(RequestKind.RETAG, [clip_id])
        assert started.wait(20)
        edit_clip(library, clip_id, {EditField.TITLE: "Second Edit"})
        session.ask(RequestKind.RETAG, [clip_id])
        deadline = time.monotonic() + 20
        while len(plans) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(plans) == 2 and plans[1]  # planned, then dropped: its job was still running
        go.set()
        assert session.wait_idle(20)
        record = library.clip(clip_id)
        assert record.audio_path.startswith("Second Edit [")
        assert ID3(library.root / record.audio_path)["TIT2"].text == ["Second Edit"]
    finally:
        go.set()
        session.close()
        engine.close()


def test_file_moved_inside_the_library_is_found_by_its_clip_id(relay, client, library):
    task = relay.add_music_task(clips=1)
    make_engine(library, client).sync([task])
    record = library.clips()[0]
    (library.root / "Favourites").mkdir()
    moved = library.root / "Favourites" / "my song.mp3"
    shutil.move(library.root / record.audio_path, moved)
    relay.media.reset_counters()
    report = make_engine(library, client).sync()
    assert report.ok and report.files_downloaded == 0 and relay.media.requests == []
    assert library.clips()[0].audio_path == "Favourites/my song.mp3"
    assert len(list(library.root.rglob("*.mp3"))) == 1


def test_unavailable_library_stops_and_marks_nothing(relay, client, tmp_path):
    root = tmp_path / "USB" / "Library"
    root.parent.mkdir()
    library = Library(root, create=True)
    task = relay.add_music_task(clips=1)
    make_engine(library, client).sync([task])
    os.rename(tmp_path / "USB", tmp_path / "unplugged")  # the drive goes away
    with pytest.raises(LibraryUnavailable, match="not available"):
        make_engine(library, client).sync()
    os.rename(tmp_path / "unplugged", tmp_path / "USB")
    assert [c.state for c in library.clips()] == [ClipState.READY]
    library.close()


def test_cut_off_download_never_leaves_a_complete_looking_file(relay, client, library):
    task = relay.add_music_task(clips=1, video=False)
    audio_path = f"/cdn1/{relay.clip_ids(task)[0]}.mp3"
    relay.media.inject_fault(audio_path, MediaFault.CUT, times=5)  # as many as one download's attempts
    report = make_engine(library, client).sync([task])
    assert not report.ok
    ((title, reason),) = report.failed_clips.values()
    assert "cut off" in reason
    assert list(library.root.glob("*.mp3")) == [] and list(library.root.glob(".*.part")) == []
    assert library.clips()[0].state == ClipState.FAILED
    assert make_engine(library, client).sync().ok
    assert library.clips()[0].state == ClipState.READY


def test_a_new_mp3_is_written_once_with_its_tag_in_front_of_the_audio(relay, client, library):
    task = relay.add_music_task(clips=1, audio=SONG)
    assert make_engine(library, client).sync([task]).ok
    audio = library.root / library.clips()[0].audio_path
    tags = ID3(audio)
    assert tags["TIT2"].text == ["City Lights"] and tags.getall("APIC")
    assert audio.read_bytes()[tags.size :] == SONG.read_bytes()  # one tag, then the audio as served
    assert list(library.root.glob(".*.part")) == []


def test_audio_with_a_tag_of_its_own_ends_up_with_one_merged_tag(relay, client, library, tmp_path):
    tagged = tmp_path / "tagged.mp3"
    tagged.write_bytes(SONG.read_bytes())
    own = ID3()
    own.add(TSSE(encoding=Encoding.UTF8, text=["Lavf60.3.100"]))
    own.save(tagged)
    task = relay.add_music_task(clips=1, audio=tagged.read_bytes(), title="Merged")
    assert make_engine(library, client).sync([task]).ok
    audio = library.root / library.clips()[0].audio_path
    tags = ID3(audio)
    assert tags["TIT2"].text == ["Merged"] and tags["TSSE"].text == ["Lavf60.3.100"]
    assert audio.read_bytes()[tags.size :] == SONG.read_bytes()


def test_a_failed_cover_does_not_cost_the_song_and_is_fetched_next_time(relay, client, library):
    task = relay.add_music_task(clips=1)
    clip_id = relay.clip_ids(task)[0]
    relay.media.inject_fault(f"/cdn2/image_large_{clip_id}.jpeg", MediaFault.HTTP_404)
    report = make_engine(library, client).sync([task])
    assert not report.ok
    ((title, reason),) = report.failed_clips.values()
    assert "HTTP 404" in reason and "image_large" in reason
    record = library.clips()[0]
    assert record.state == ClipState.FAILED and record.cover_path is None
    assert "HTTP 404" in record.error and record.relay_error == ""  # ours, not the relay's
    make_engine(library, client).fetch([task])  # the relay saying the clip is fine again...
    assert library.clips()[0].error == record.error  # ...does not wipe out what went wrong here
    audio = library.root / record.audio_path
    assert ID3(audio)["TIT2"].text == ["City Lights"] and not ID3(audio).getall("APIC")
    assert (library.root / record.video_path).is_file()

    relay.media.reset_counters()
    assert make_engine(library, client).sync().ok
    record = library.clips()[0]
    assert record.state == ClipState.READY and (library.root / record.cover_path).is_file()
    assert ID3(audio).getall("APIC")[0].data == (library.root / record.cover_path).read_bytes()
    assert [r.path for r in relay.media.requests] == [f"/cdn2/image_large_{clip_id}.jpeg"]  # not the song again


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body>502 Bad Gateway</body></html>" * 20,
        "\ufeff<html><body>502 Bad Gateway</body></html>".encode("utf-16-le") * 20,  # FF FE: looks like a frame sync
    ],
)
def test_audio_that_is_not_an_mp3_fails_by_its_name_and_leaves_no_file(relay, client, library, page):
    task = relay.add_music_task(clips=1, audio=page)
    report = make_engine(library, client).sync([task])
    ((title, reason),) = report.failed_clips.values()
    record = library.clips()[0]
    name = f"City Lights [{record.clip_id[:8]}].mp3"
    assert reason.startswith(f"The CDN answered with a web page instead of the song {name};")
    assert ".part" not in reason and record.state == ClipState.FAILED
    assert list(library.root.glob("*.mp3")) == [] and list(library.root.glob(".*.part")) == []


def test_no_video_and_id3v24_settings(relay, client, library):
    task = relay.add_music_task(clips=1)
    options = {"download_video": False, "tag_options": TagOptions(id3_version=4, artist="Me", album="Demos")}
    assert make_engine(library, client, **options).sync([task]).ok
    record = library.clips()[0]
    assert record.video_path is None
    tags = ID3(library.root / record.audio_path)
    assert tags.version == (2, 4, 0)
    assert (tags["TPE1"].text, tags["TALB"].text) == (["Me"], ["Demos"])


def test_timeout_leaves_tasks_pending(relay, client, library):
    task = relay.add_music_task(polls_until_success=10_000)
    report = make_engine(library, client, timeout=0.2).sync([task])
    assert report.still_pending == [task] and not report.ok
    assert library.pending_task_ids() == [task]


def test_cancel_stops_promptly(relay, client, library):
    task = relay.add_music_task(polls_until_success=10_000)
    cancel = threading.Event()

    class CancelWhileWaiting(SyncObserver):
        def waiting(self, pending, seconds):
            cancel.set()

    engine = SyncEngine(library, client, SyncOptions(**FAST), observer=CancelWhileWaiting(), cancel=cancel)
    report = engine.sync([task])
    assert report.cancelled and not report.ok


def test_progress_is_reported_per_clip_and_overall(relay, client, library):
    task = relay.add_music_task(clips=2)
    seen = {"progress": set(), "finished": [], "overall": []}

    class Recorder(SyncObserver):
        def clip_progress(self, clip_id, done, total):
            seen["progress"].add(clip_id)

        def clip_finished(self, outcome):
            seen["finished"].append(outcome.ok)

        def overall_progress(self, done, total):
            seen["overall"].append((done, total))

    SyncEngine(library, client, SyncOptions(**FAST), observer=Recorder()).sync([task])
    assert len(seen["progress"]) == 2 and seen["finished"] == [True, True]
    assert seen["overall"][-1] == (2, 2)


def test_one_malformed_task_does_not_hide_the_rest_of_its_batch(relay, client, library):
    good = relay.add_music_task(clips=1)
    broken = relay.add_music_task(clips=1)
    relay.update_clip(broken, 0, id=None)  # a clip without an id: not what the docs say
    report = make_engine(library, client).sync([good, broken])
    assert "without an id" in report.failed_tasks[broken]
    assert [c.task_id for c in library.clips()] == [good]
    assert library.clips()[0].state == ClipState.READY
    assert broken in library.pending_task_ids()  # asked about again on the next sync


@pytest.mark.parametrize("title", ["A" * 240, "夜の街に光る" * 12, "城市之光在夜空中闪烁" * 7, "🎸" * 80])
def test_long_titles_cost_no_clip(relay, client, library, title):
    tasks = [relay.add_music_task(title=title, clips=2) for _ in range(4)]
    report = make_engine(library, client).sync(tasks)
    assert report.ok, report
    records = library.clips()
    assert len(records) == 8 and all(r.state == ClipState.READY for r in records)
    paths = [p for r in records for p in (r.audio_path, r.cover_path, r.video_path)]
    assert all(paths) and len(set(paths)) == 24
    for record in records:
        name = (library.root / record.audio_path).name
        assert f"[{record.clip_id.replace('-', '')[:8]}]" in name and len(name.encode()) <= 255
        assert ID3(library.root / record.audio_path)["TIT2"].text == [title]
        assert (library.root / record.cover_path).is_file()


def test_a_new_mp4_is_tagged_in_its_head_and_never_rewritten_after(relay, client, library, monkeypatch):
    import suno_desktop.library.clip_work as clip_work

    rewrites = []
    real = clip_work.write_mp4_tags
    monkeypatch.setattr(clip_work, "write_mp4_tags", lambda *a, **k: rewrites.append(a[0]) or real(*a, **k))
    task = relay.add_music_task(clips=2, title="Head First")
    assert make_engine(library, client).sync([task]).ok
    assert rewrites == []  # the tags went in as the head arrived
    for record in library.clips():
        video = MP4(library.root / record.video_path)
        assert video.tags["\xa9nam"] == ["Head First"] and video.info.length > 0


def test_a_clip_job_that_breaks_unexpectedly_fails_by_itself_and_leaves_no_temporary_files(
    relay, client, library, monkeypatch
):
    from suno_desktop.library import clip_work

    task = relay.add_music_task(clips=2, title="Fragile")
    real_tag_files = clip_work.ClipWorker._tag_files
    broken = []

    def tag_files(self, clip, tagged):
        if not broken:
            broken.append(clip.outcome.clip_id)
            raise RuntimeError("a bug in tagging")
        return real_tag_files(self, clip, tagged)

    monkeypatch.setattr(clip_work.ClipWorker, "_tag_files", tag_files)
    report = make_engine(library, client, jobs=1).sync([task])
    assert list(report.failed_clips) == broken
    assert "Something went wrong: a bug in tagging" in report.failed_clips[broken[0]][1]
    assert not list(library.root.rglob("*.part"))
    states = {r.clip_id: r.state for r in library.clips()}
    assert states[broken[0]] == ClipState.FAILED and list(states.values()).count(ClipState.READY) == 1
    assert make_engine(library, client).sync().ok  # and the next sync brings it
    assert all(r.state == ClipState.READY for r in library.clips())
