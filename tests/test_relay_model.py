"""The relay model: both documented shapes, nulls, and every odd value real relays send."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from relay_doc_examples import GET_EXAMPLE, POST_EXAMPLE

from suno_desktop.model import PENDING_CLIP_STATUSES, ClipStatus, TaskAction, TaskStatus
from suno_desktop.relay.errors import MalformedResponse
from suno_desktop.relay.model import parse_duration, parse_task, parse_time


def _flat_clip(**overrides):
    clip = {
        "id": CLIP_ID,
        "mv": "chirp-v4",
        "msg": "",
        "tags": "tags",
        "state": "succeeded",
        "title": "Title",
        "prompt": "Lyrics",
        "status": "complete",
        "clip_id": CLIP_ID,
        "task_id": TASK_ID + "_1",
        "duration": 219,
        "audio_url": "https://cdn1.suno.ai/x.mp3",
        "image_url": "https://cdn2.suno.ai/image_x.jpeg",
        "video_url": "https://cdn1.suno.ai/x.mp4",
        "create_time": "1733717599",
        "image_large_url": "https://cdn2.suno.ai/image_large_x.jpeg",
        "gpt_description_prompt": None,
    }
    clip.update(overrides)
    return clip


def _task(clips, **overrides):
    task = {"task_id": TASK_ID, "action": "MUSIC", "status": "SUCCESS", "fail_reason": "", "data": clips}
    task.update(overrides)
    return task


TASK_ID = "ba46ad15-07ce-41a6-b68d-196321dc00d5"
CLIP_ID = "a06015d0-9e04-4f30-85db-401494940394"


def test_get_example_flat_shape_parses():
    task = parse_task(json.loads(GET_EXAMPLE)["data"])
    assert task.task_id == TASK_ID
    assert task.action == "MUSIC" and task.status == "SUCCESS" and task.is_final
    assert task.progress == "100%" and task.submit_time == 1733717567 and task.finish_time == 1733717767
    first, second = task.clips
    assert first.clip_id == CLIP_ID and second.clip_id == "a6bd6a70-4cde-4f06-a80b-7f199f7dd92e"
    assert first.task_id == TASK_ID  # not the clip's "<task>_1"
    assert first.title == "City Lights" and first.tags == "emotional punk"
    assert first.lyrics.startswith("[Verse]\nWalking down the streets") and "I’m alive" in first.lyrics
    assert first.model == "chirp-v4"
    assert first.duration == 219.0 and second.duration == 201.0
    assert first.relay_status == "complete" and first.is_complete
    assert first.relay_status is ClipStatus.COMPLETE  # an enum member, stored as its text
    assert first.audio_url == f"https://cdn1.suno.ai/{CLIP_ID}.mp3"
    assert first.image_url == f"https://cdn2.suno.ai/image_large_{CLIP_ID}.jpeg"
    assert first.video_url == f"https://cdn1.suno.ai/{CLIP_ID}.mp4"
    assert first.created_at == datetime(2024, 12, 9, 4, 13, 19, tzinfo=UTC)
    assert first.description == "" and first.relay_error == ""


def test_post_example_nested_shape_parses():
    (task,) = [parse_task(raw) for raw in json.loads(POST_EXAMPLE)["data"]]
    assert task.task_id == "346c5d10-a4a1-4f49-a851-66a7dae6cfaf"
    assert task.status is TaskStatus.IN_PROGRESS and not task.is_final
    assert task.finish_time is None  # 0 means "not yet"
    first, second = task.clips
    assert first.clip_id == "e9893d04-6a63-4007-8473-64b706eca4d1"
    assert second.clip_id == "fe69611b-fc72-4f6e-b476-5eef0b88c2e3"
    assert first.title == "Electric Dance Party"
    assert first.tags == "club banger high-energy edm"
    assert first.lyrics.startswith("[Verse]\nEverybody in the place")
    assert first.description == "miku dance"
    assert first.model == "chirp-v3"
    assert first.duration is None
    assert first.relay_status is ClipStatus.STREAMING and first.relay_status in PENDING_CLIP_STATUSES
    assert first.audio_url.startswith("https://audiopipe.suno.ai/?item_id=")
    assert first.video_url == ""
    assert first.image_url == "https://cdn1.suno.ai/image_large_e9893d04-6a63-4007-8473-64b706eca4d1.png"
    assert first.created_at is None


def test_nulls_everywhere_give_empty_fields():
    clip = dict.fromkeys(_flat_clip())
    clip.update(id=CLIP_ID, metadata=None)
    raw = {
        "task_id": TASK_ID, "action": None, "status": None, "fail_reason": None, "submit_time": None,
        "start_time": None, "finish_time": None, "progress": None, "data": [clip],
    }  # fmt: skip
    task = parse_task(raw)
    assert task.action is TaskAction.MUSIC and task.status is TaskStatus.UNKNOWN and task.fail_reason == ""
    assert task.submit_time is None and task.progress == ""
    (parsed,) = task.clips
    assert parsed.clip_id == CLIP_ID
    assert (parsed.title, parsed.tags, parsed.lyrics, parsed.model) == ("", "", "", "")
    assert parsed.duration is None and parsed.created_at is None
    assert parsed.audio_url == parsed.image_url == parsed.video_url == ""


def test_nested_metadata_full_of_nulls():
    clip = {
        "id": CLIP_ID,
        "title": None,
        "status": "complete",
        "metadata": {"tags": None, "prompt": None, "duration": None, "error_type": None, "error_message": None},
    }
    (parsed,) = parse_task(_task([clip])).clips
    assert parsed.tags == "" and parsed.lyrics == "" and parsed.duration is None


def test_task_data_null_while_pending():
    task = parse_task(_task(None, status="NOT_START"))
    assert task.clips == () and not task.is_final


@pytest.mark.parametrize(
    ("value", "expected"),
    [(219, 219.0), (201.5, 201.5), ("187.4", 187.4), (" 12 ", 12.0), (None, None), ("", None),
     ("abc", None), ("3:15", None), ({"s": 1}, None), ([], None), (True, None), (-5, None),
     (float("nan"), None), ("inf", None)],
)  # fmt: skip
def test_duration_in_every_form(value, expected):
    (flat,) = parse_task(_task([_flat_clip(duration=value)])).clips
    assert flat.duration == expected
    assert parse_duration(value) == expected


def test_create_time_string_and_created_at_iso():
    (flat,) = parse_task(_task([_flat_clip(create_time="1733717599")])).clips
    assert flat.created_at == datetime(2024, 12, 9, 4, 13, 19, tzinfo=UTC)
    nested = {"id": CLIP_ID, "status": "complete", "created_at": "2024-05-20T07:56:26.123Z"}
    (parsed,) = parse_task(_task([nested])).clips
    assert parsed.created_at == datetime(2024, 5, 20, 7, 56, 26, 123000, tzinfo=UTC)
    offset = {"id": CLIP_ID, "created_at": "2024-05-20T09:56:26+02:00"}
    (parsed,) = parse_task(_task([offset])).clips
    assert parsed.created_at == datetime(2024, 5, 20, 7, 56, 26, tzinfo=UTC)
    assert parse_time("not a date") is None and parse_time(0) is None
    assert parse_time(1733717599000) == datetime(2024, 12, 9, 4, 13, 19, tzinfo=UTC)  # ms


def test_lyrics_task_is_one_lyrics_entry():
    raw = _task({"id": "l-1", "status": "complete", "title": "Ode", "text": "Verse one\nVerse two"},
                action="LYRICS")  # fmt: skip
    task = parse_task(raw)
    assert task.action == "LYRICS"
    (entry,) = task.clips
    assert entry.kind == "lyrics" and entry.clip_id == "l-1" and entry.title == "Ode"
    assert entry.lyrics == "Verse one\nVerse two" and entry.audio_url == ""
    assert parse_task(_task(None, action="LYRICS", status="IN_PROGRESS")).clips == ()


def test_lyrics_entries_without_ids_in_a_list_are_all_kept():
    raw = _task([{"status": "complete", "text": "One"}, {"status": "complete", "text": "Two"}], action="LYRICS")
    task = parse_task(raw)
    assert [entry.lyrics for entry in task.clips] == ["One", "Two"]
    assert len({entry.clip_id for entry in task.clips}) == 2  # none overwrites the other in the library
    assert task.clips[0].clip_id == f"{task.task_id}-lyrics"  # as before, for the one entry of most relays


def test_error_clip_carries_its_message():
    nested = {"id": CLIP_ID, "status": "error",
              "metadata": {"error_type": "moderation", "error_message": "Lyrics were flagged"}}  # fmt: skip
    (parsed,) = parse_task(_task([nested])).clips
    assert parsed.is_error and parsed.relay_error == "Lyrics were flagged"
    (flat,) = parse_task(_task([_flat_clip(status="error", msg="Audio generation failed")])).clips
    assert flat.is_error and flat.relay_error == "Audio generation failed"
    (bare,) = parse_task(_task([_flat_clip(status="error", msg="")])).clips
    assert bare.relay_error  # never an error without a sentence


def test_image_large_url_is_preferred_and_image_url_is_the_fallback():
    (large,) = parse_task(_task([_flat_clip()])).clips
    assert large.image_url == "https://cdn2.suno.ai/image_large_x.jpeg"
    (small,) = parse_task(_task([_flat_clip(image_large_url=None)])).clips
    assert small.image_url == "https://cdn2.suno.ai/image_x.jpeg"
    (empty,) = parse_task(_task([_flat_clip(image_large_url="", image_url="")])).clips
    assert empty.image_url == ""


def test_failure_task_keeps_its_reason():
    task = parse_task(_task([], status="FAILURE", fail_reason="Lyrics flagged by moderation"))
    assert task.is_final and task.status == "FAILURE" and task.fail_reason == "Lyrics flagged by moderation"


def test_clip_without_id_is_malformed():
    with pytest.raises(MalformedResponse) as caught:
        parse_task(_task([_flat_clip(id=None, clip_id=None)]))
    assert TASK_ID in str(caught.value)
    (parsed,) = parse_task(_task([_flat_clip(id=None)])).clips  # clip_id alone is enough
    assert parsed.clip_id == CLIP_ID


def test_task_without_task_id_or_not_an_object_is_malformed():
    with pytest.raises(MalformedResponse):
        parse_task({"status": "SUCCESS", "data": []})
    with pytest.raises(MalformedResponse):
        parse_task(["not", "a", "task"])
    with pytest.raises(MalformedResponse):
        parse_task(_task({"unexpected": "object"}))
    with pytest.raises(MalformedResponse):
        parse_task(_task(["not a clip"]))


def test_status_case_and_unknown_values_are_normalised():
    task = parse_task(_task([_flat_clip(status="COMPLETE")], status="success"))
    assert task.status == "SUCCESS" and task.clips[0].relay_status == "complete"
    assert parse_task(_task([], status="WEIRD")).status == "UNKNOWN"


# --------------------------------------------------------------------------- camelCase shape
# new-api's copy of the official Suno API (relay/channel/task/suno/suno_official.go): no clip status.

CREATE_MS = 1733717599123  # 2024-12-09T04:13:19.123Z


def _camel_clip(**overrides):
    clip = {
        "id": CLIP_ID,
        "audioUrl": "https://cdn1.suno.ai/x.mp3",
        "streamAudioUrl": "https://audiopipe.suno.ai/?item_id=x",
        "imageUrl": "https://cdn2.suno.ai/image_x.jpeg",
        "prompt": "[Verse]\nLyrics",
        "modelName": "chirp-v4",
        "title": "Title",
        "tags": "tags",
        "createTime": CREATE_MS,
        "duration": 198.44,
    }
    clip.update(overrides)
    return clip


def _camel_task(clips, **overrides):
    """The task envelope new-api builds around them: times in ms, the first clip's audio as ``url``."""
    defaults = {"submit_time": 1733717567000, "start_time": 1733717567000, "finish_time": 1733717767000,
                "progress": "100%", "url": clips[0]["audioUrl"] if clips else ""}  # fmt: skip
    return _task(clips, **{**defaults, **overrides})


def test_camel_complete_clip_is_normalised():
    task = parse_task(_camel_task([_camel_clip()]))
    assert task.submit_time == 1733717567 and task.finish_time == 1733717767  # ms -> s
    (clip,) = task.clips
    assert clip.clip_id == CLIP_ID and clip.task_id == TASK_ID and clip.kind == "music"
    assert clip.relay_status == "complete" and clip.is_complete and clip.relay_error == ""
    assert clip.audio_url == "https://cdn1.suno.ai/x.mp3"
    assert clip.image_url == "https://cdn2.suno.ai/image_x.jpeg" and clip.video_url == ""
    assert (clip.title, clip.tags, clip.lyrics, clip.model) == ("Title", "tags", "[Verse]\nLyrics", "chirp-v4")
    assert clip.duration == 198.44 and clip.description == ""
    assert clip.created_at == datetime(2024, 12, 9, 4, 13, 19, 123000, tzinfo=UTC)


@pytest.mark.parametrize("status", ["NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS"])
def test_camel_pending_clip_streams_but_its_stream_is_never_the_audio(status):
    raw = _camel_task([_camel_clip(audioUrl="", duration=0)], status=status, finish_time=0, url="")
    task = parse_task(raw)
    assert not task.is_final and task.finish_time is None
    (clip,) = task.clips
    assert clip.relay_status in PENDING_CLIP_STATUSES and clip.relay_status == "streaming" and not clip.is_complete
    assert clip.audio_url == ""  # not streamAudioUrl: a live stream must never be downloaded
    assert clip.duration is None  # Go's 0 for "not known yet"
    (queued,) = parse_task(_camel_task([_camel_clip(audioUrl="", streamAudioUrl="")], status=status)).clips
    assert queued.relay_status is ClipStatus.QUEUED


def test_camel_audio_url_during_a_pending_task_does_not_make_it_complete():
    (clip,) = parse_task(_camel_task([_camel_clip()], status="IN_PROGRESS")).clips
    assert clip.relay_status == "streaming" and not clip.is_complete


@pytest.mark.parametrize("audio", ["", None, "   "])
def test_camel_success_without_audio_url_is_an_error_that_says_so(audio):
    raw = _camel_task([_camel_clip(audioUrl=audio)])
    (clip,) = parse_task(raw).clips
    assert clip.is_error and clip.audio_url == ""
    assert clip.relay_error == "The relay reported the song finished but sent no audio URL."


def test_camel_failure_task_marks_its_clips_with_the_reason():
    raw = _camel_task([_camel_clip(audioUrl="")], status="FAILURE", fail_reason="Lyrics flagged")
    task = parse_task(raw)
    assert task.fail_reason == "Lyrics flagged"
    (clip,) = task.clips
    assert clip.is_error and clip.relay_error == "Lyrics flagged"
    (bare,) = parse_task(_camel_task([_camel_clip()], status="FAILURE", fail_reason=None)).clips
    assert bare.is_error and bare.relay_error == "Suno reported a failure."


def test_camel_unknown_task_status_leaves_the_clip_undecided():
    (clip,) = parse_task(_camel_task([_camel_clip()], status="WEIRD")).clips
    assert clip.relay_status is ClipStatus.NONE and not clip.is_complete and not clip.is_error


def test_camel_nulls_everywhere():
    clip = dict.fromkeys(_camel_clip())
    clip["id"] = CLIP_ID
    raw = {"task_id": TASK_ID, "action": None, "status": "SUCCESS", "fail_reason": None, "submit_time": None,
           "start_time": None, "finish_time": None, "progress": None, "url": None, "data": [clip]}  # fmt: skip
    task = parse_task(raw)
    assert task.submit_time is None and task.finish_time is None
    (parsed,) = task.clips
    assert parsed.clip_id == CLIP_ID
    assert (parsed.title, parsed.tags, parsed.lyrics, parsed.model) == ("", "", "", "")
    assert parsed.duration is None and parsed.created_at is None
    assert parsed.audio_url == parsed.image_url == parsed.video_url == ""
    assert parsed.is_error  # SUCCESS but no audioUrl
    with pytest.raises(MalformedResponse):
        parse_task(_camel_task([_camel_clip(id=None)]))


def test_camel_clip_with_only_some_camel_keys_is_still_camel():
    (clip,) = parse_task(_task([{"id": CLIP_ID, "audioUrl": "https://cdn1.suno.ai/x.mp3"}])).clips
    assert clip.is_complete and clip.audio_url == "https://cdn1.suno.ai/x.mp3"
    assert clip.image_url == "" and clip.duration is None and clip.created_at is None


@pytest.mark.parametrize(("value", "expected"), [
    (CREATE_MS, datetime(2024, 12, 9, 4, 13, 19, 123000, tzinfo=UTC)),
    (str(CREATE_MS), datetime(2024, 12, 9, 4, 13, 19, 123000, tzinfo=UTC)),
    (86_400_000, datetime(1970, 1, 2, tzinfo=UTC)),  # small, still milliseconds
    ("2024-12-09T04:13:19Z", datetime(2024, 12, 9, 4, 13, 19, tzinfo=UTC)),
    (0, None), ("", None), ("soon", None), (True, None), ({"ms": 1}, None), (float("nan"), None)])  # fmt: skip
def test_camel_create_time_is_milliseconds(value, expected):
    (clip,) = parse_task(_camel_task([_camel_clip(createTime=value)])).clips
    assert clip.created_at == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(198.44, 198.44), (200, 200.0), ("187.4", 187.4), (0, None), (0.0, None), (None, None), (-1, None)],
)
def test_camel_duration(value, expected):
    (clip,) = parse_task(_camel_task([_camel_clip(duration=value)])).clips
    assert clip.duration == expected


def test_camel_extra_fields_are_kept_in_raw():
    extra = {"is_liked": True, "play_count": 3, "display_name": "me", "sourceAudioUrl": "https://x/y.mp3"}
    raw = _camel_task([_camel_clip(**extra)])
    task = parse_task(raw)
    (clip,) = task.clips
    assert all(clip.raw[key] == value for key, value in extra.items())
    assert clip.raw["streamAudioUrl"] == "https://audiopipe.suno.ai/?item_id=x"
    assert task.raw["url"] == "https://cdn1.suno.ai/x.mp3" and task.raw["submit_time"] == 1733717567000
    assert json.loads(json.dumps(dict(clip.raw))) == raw["data"][0]


def test_parse_clip_keeps_working_without_the_task_status():
    from suno_desktop.relay.model import parse_clip

    flat = parse_clip(_flat_clip(), TASK_ID)
    assert flat.is_complete and flat.audio_url == "https://cdn1.suno.ai/x.mp3"
    camel = parse_clip(_camel_clip(), TASK_ID)
    assert camel.relay_status == "" and camel.audio_url == "https://cdn1.suno.ai/x.mp3"
    assert parse_clip(_camel_clip(), TASK_ID, task_status="success").is_complete


def test_task_times_in_seconds_stay_seconds():
    task = parse_task(_task([], submit_time="1733717567", finish_time=1733717767.9))
    assert (task.submit_time, task.finish_time) == (1733717567, 1733717767)


def test_statuses_and_actions_are_enums_and_an_unknown_word_is_kept_where_it_is_shown():
    pending = {"task_id": "t-1", "action": "music", "status": "in_progress", "data": [{"id": "c-1", "status": "Odd"}]}
    task = parse_task(pending)
    assert task.action is TaskAction.MUSIC and task.status is TaskStatus.IN_PROGRESS
    (clip,) = task.clips
    assert clip.relay_status is ClipStatus.OTHER and not clip.is_error  # still waited for
    assert clip.raw["status"] == "Odd"  # the relay's own word stays in the raw JSON the library keeps
    final = parse_task({**pending, "status": "SUCCESS"}).clips[0]
    assert final.relay_status is ClipStatus.ERROR and "the relay said 'odd'" in final.relay_error
    assert parse_task({**pending, "status": "NOT_FETCHED"}).status is TaskStatus.UNKNOWN  # our word, not the relay's
    assert parse_task({**pending, "action": "remix"}).action is TaskAction.MUSIC  # made like a song, as before
    assert parse_task({**pending, "action": "lyrics", "data": {"text": "la"}}).action is TaskAction.LYRICS


def test_the_library_stores_the_enums_as_the_relays_text_and_reads_unknown_text_back_safely(tmp_path):
    import sqlite3

    from suno_desktop.library.store import DB_DIR_NAME, DB_FILE_NAME, Library

    raw = {"task_id": "t-1", "action": "LYRICS", "status": "IN_PROGRESS", "data": {"id": "l-1", "status": "Odd"}}
    with Library(tmp_path / "Lib", create=True) as library:
        library.save_task(parse_task(raw))
        (task,) = library.tasks()
        (lyrics,) = library.clips()
        assert task.action is TaskAction.LYRICS and task.status is TaskStatus.IN_PROGRESS
        assert lyrics.relay_status is ClipStatus.OTHER
    conn = sqlite3.connect(tmp_path / "Lib" / DB_DIR_NAME / DB_FILE_NAME)
    with conn:  # the schema holds plain text, as before: what an older or newer app wrote is read safely
        assert conn.execute("SELECT action, status FROM tasks").fetchone() == ("LYRICS", "IN_PROGRESS")
        assert conn.execute("SELECT relay_status FROM clips").fetchone() == ("other",)
        conn.execute("UPDATE tasks SET action='REMIX', status='PAUSED'")
        conn.execute("UPDATE clips SET relay_status='weird_state'")
    conn.close()
    with Library(tmp_path / "Lib") as library:
        (task,) = library.tasks()
        assert task.action is TaskAction.MUSIC and task.status is TaskStatus.UNKNOWN
        assert library.clips()[0].relay_status is ClipStatus.OTHER
