"""The camelCase clip shape (new-api's copy of the official Suno API) end to end, against the local relay.

Its clips have no status of their own (the task's says it all), ``createTime`` in ms, and while the
task runs ``audioUrl`` is "" and ``streamAudioUrl`` a live stream that must never be downloaded.
"""

from datetime import UTC, datetime

from mutagen.id3 import ID3
from sync_helpers import sync

from suno_desktop.model import ClipState

CREATED = 1733717599.25  # 2024-12-09T04:13:19.250Z


def assert_normalised(task, relay, task_id):
    """The task as the client returns it matches what the relay was told, in the model's terms."""
    assert task.task_id == task_id and task.status == "SUCCESS" and task.action == "MUSIC"
    assert (task.submit_time, task.finish_time) == (int(CREATED), int(CREATED) + 200)  # ms -> s
    media = relay.clip_media(task_id)
    assert [clip.clip_id for clip in task.clips] == [m["clip_id"] for m in media] == relay.clip_ids(task_id)
    for clip, urls in zip(task.clips, media):
        assert "status" not in clip.raw and clip.raw["streamAudioUrl"] == urls["stream_url"]
        assert clip.relay_status == "complete" and clip.is_complete and clip.relay_error == ""
        assert clip.audio_url == urls["audio_url"] and clip.image_url == urls["image_url"]
        assert clip.video_url == ""  # the camel shape has no video
        assert (clip.title, clip.tags, clip.model) == ("Neon Rain", "synthwave", "chirp-v4")
        assert clip.lyrics.startswith("[Verse]") and isinstance(clip.duration, float) and clip.duration > 0
        assert clip.created_at == datetime(2024, 12, 9, 4, 13, 19, 250000, tzinfo=UTC)
    assert task.raw["url"] == media[0]["audio_url"]


def test_camel_task_by_get_and_by_post_batch(relay, client):
    task_id = relay.add_music_task(shape="camel", title="Neon Rain", tags="synthwave", created=CREATED)
    other = relay.add_music_task(shape="flat")
    assert_normalised(client.fetch_task(task_id), relay, task_id)
    tasks = client.fetch_tasks([task_id, other])
    assert set(tasks) == {task_id, other}
    assert_normalised(tasks[task_id], relay, task_id)
    assert all(t.clips[0].is_complete for t in tasks.values())
    assert [r.method for r in relay.api_requests] == ["GET", "POST"]


def test_pending_camel_task_streams_without_an_audio_url(relay, client):
    task_id = relay.add_music_task(shape="camel", clips=1, polls_until_success=2)
    first = client.fetch_task(task_id)
    assert first.status == "NOT_START" and first.clips == ()
    second = client.fetch_task(task_id)
    (clip,) = second.clips
    assert not second.is_final and clip.relay_status == "streaming"
    assert clip.audio_url == "" and clip.raw["audioUrl"] == ""
    assert clip.raw["streamAudioUrl"] == relay.clip_media(task_id)[0]["stream_url"]
    assert second.raw["url"] == "" and second.finish_time is None
    (done,) = client.fetch_task(task_id).clips
    assert done.is_complete and done.audio_url == relay.clip_media(task_id)[0]["audio_url"]


def test_sync_of_a_pending_camel_task_downloads_and_tags_and_never_touches_the_stream(relay, client, library):
    task_id = relay.add_music_task(shape="camel", title="Neon Rain", polls_until_success=2)
    report = sync(library, client, [task_id])
    assert report.ok, report
    assert report.clips_done == 2 and report.tasks_synced == 1
    assert relay.poll_counts[task_id] == 3  # NOT_START, SUBMITTED (streaming), SUCCESS
    records = {r.clip_id: r for r in library.clips()}
    assert sorted(records) == sorted(relay.clip_ids(task_id))
    for record in records.values():
        assert record.state == ClipState.READY and record.relay_status == "complete"
        audio, cover = library.root / record.audio_path, library.root / record.cover_path
        assert audio.is_file() and audio.suffix == ".mp3" and record.clip_id[:8] in audio.name
        assert cover.is_file() and cover.suffix == ".jpg"
        tags = ID3(audio)
        assert tags["TIT2"].text == ["Neon Rain"]
        assert tags["TXXX:SUNO_CLIP_ID"].text == [record.clip_id]
        assert tags.getall("APIC")[0].data == cover.read_bytes()
        assert record.video_path is None  # no videoUrl in this shape: nothing to fetch
    served = [r.path for r in relay.media.requests]
    for urls in relay.clip_media(task_id):
        stream_path = urls["stream_url"].removeprefix(relay.media.base_url)
        assert stream_path.startswith("/audiopipe/") and stream_path not in served
        assert urls["audio_url"].removeprefix(relay.media.base_url) in served
    assert not any("audiopipe" in path or path.endswith(".mp4") for path in served)


def test_camel_success_without_audio_url_fails_the_clip_with_a_clear_reason(relay, client, library):
    task_id = relay.add_music_task(shape="camel", clips=2)
    relay.update_clip(task_id, 0, audio_url="")
    report = sync(library, client, [task_id])
    assert not report.ok
    missing, fine = relay.clip_ids(task_id)
    assert report.failed_clips[missing][1] == "The relay reported the song finished but sent no audio URL."
    records = {r.clip_id: r for r in library.clips()}
    assert records[missing].state == ClipState.FAILED and records[missing].audio_path is None
    assert records[fine].state == ClipState.READY
    assert not any("audiopipe" in r.path or missing in r.path for r in relay.media.requests)


def test_camel_task_full_of_nulls_still_gets_its_song(relay, client, library):
    task_id = relay.add_music_task(shape="camel", clips=1, nulls=True)
    report = sync(library, client, [task_id])
    assert report.ok, report
    (record,) = library.clips()
    assert record.state == ClipState.READY and (library.root / record.audio_path).is_file()
    assert record.cover_path is None and record.title == "" and record.duration is None
    assert ID3(library.root / record.audio_path)["TXXX:SUNO_CLIP_ID"].text == [record.clip_id]
