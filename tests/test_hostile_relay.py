"""A hostile relay: values that fit no field, answers too deep or too big, escape sequences, an echoed token.

Everything runs against :class:`fault_servers.HostileRelay` (the project's fault relay,
which can send any field and any bytes) and the real sync engine: one bad answer
spoils nothing, nothing unbounded is kept, nothing the relay says reaches a terminal raw.
"""

from __future__ import annotations

import json
import math
import os
import threading

import pytest
from conftest import TEST_TOKEN
from fault_servers import HostileRelay, gzip_bomb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3
from sync_helpers import FAST, fast, sync

from suno_desktop.library.sync import SyncEngine
from suno_desktop.library.sync_types import SyncObserver, SyncOptions
from suno_desktop.model import ClipState
from suno_desktop.relay.client import RelayClient
from suno_desktop.relay.errors import MalformedResponse, RelayResponseError, SubmitUnconfirmed
from suno_desktop.relay.model import (
    LYRICS_LIMIT,
    MAX_DURATION_SECONDS,
    REASON_LIMIT,
    TITLE_LIMIT,
    parse_duration,
    parse_task,
    parse_time,
)
from suno_desktop.relay.relay_text import TOKEN_MASK, RelayTextCleaner, terminal_block, terminal_line
from suno_desktop.relay.submit import submit
from suno_desktop.song_request import SongRequest

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\r\nSynced 99 task(s): all fine\u202e"
CONTROL = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + ["\u202e", "\u2066", "\u2028"]


class Problems(SyncObserver):
    """What a sync said went wrong, as it happened."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def failed(self, error: BaseException) -> None:
        self.errors.append(error)

    def said(self, kind: type, words: str) -> bool:
        return any(isinstance(error, kind) and words in str(error) for error in self.errors)


@pytest.fixture
def hostile():
    """A running :class:`HostileRelay` with its own media server (token ``test-token``)."""
    relay = HostileRelay(token=TEST_TOKEN).start()
    try:
        yield relay
    finally:
        relay.stop()


@pytest.fixture
def client(hostile):
    with RelayClient(hostile.api_url, TEST_TOKEN, timeout=(2, 10), retry=fast(2)) as relay_client:
        yield relay_client


def stored_task(library, task_id):
    (row,) = library.query("SELECT * FROM tasks WHERE task_id=?", (task_id,))
    return row


def assert_ready_with_files(library, record):
    assert record.state == ClipState.READY, (record.state, record.problem)
    for relative in (record.audio_path, record.cover_path, record.video_path):
        assert relative and (library.root / relative).is_file()


def fits_sqlite_integer(value):
    return isinstance(value, int) and -(2**63) <= value < 2**63


def no_control_characters(text):
    return not any(ch in text for ch in CONTROL)


# --------------------------------------------------------------------------- one bad value, one batch

BAD_TASK_FIELDS = [
    {"finish_time": "1e30"},
    {"finish_time": 10**400},
    {"submit_time": -(10**400), "finish_time": float("inf")},
    {"submit_time": float("nan"), "finish_time": [1, 2]},
    {"progress": {"percent": [50]}},
    {"action": ["MUSIC"]},
]
BAD_CLIP_FIELDS = [
    {"duration": float("nan")},
    {"duration": 10**400},
    {"duration": "1e30"},
    {"duration": -5},
    {"duration": MAX_DURATION_SECONDS + 1},  # over a day
    {"title": ["a", "list"]},
    {"title": {"an": "object"}},
    {"tags": [1, 2, 3], "description": {"x": 1}},
    {"created": 10**30},
    {"title": "half \ud800 a surrogate", "lyrics": "lone \udfff"},
    {"audio_url": "http://x/\r\nInjected: yes"},  # no URL holds a line break: the clip has no audio
]


@pytest.mark.parametrize("fields", BAD_TASK_FIELDS + BAD_CLIP_FIELDS, ids=lambda fields: repr(fields)[:40])
def test_one_bad_value_in_a_batch_of_four_spoils_nothing(hostile, client, library, fields):
    tasks = [hostile.add_music_task(clips=1, title=f"Song {n}") for n in range(4)]
    bad = tasks[2]
    if set(fields) & {"finish_time", "submit_time", "progress", "action"}:
        hostile.set_task_fields(bad, **fields)
    else:
        hostile.update_clip(bad, 0, **fields)

    report = sync(library, client, tasks)

    assert report.error is None, report.error
    assert len(hostile.api_requests) <= 2  # one batch answer held all four (and no task was asked again)
    records = {record.task_id: record for record in library.clips()}
    for task_id in tasks:
        if task_id == bad and "audio_url" in fields:
            assert records[bad].state == ClipState.FAILED and "no audio URL" in records[bad].problem
            continue
        assert_ready_with_files(library, records[task_id])  # the bad field is simply missing
    bad_clip = records[bad]
    row = stored_task(library, bad)
    assert row["submit_time"] is None or fits_sqlite_integer(row["submit_time"])
    assert row["finish_time"] is None or 0 < row["finish_time"] <= 253_402_300_799
    assert bad_clip.duration is None or 0 <= bad_clip.duration <= MAX_DURATION_SECONDS
    assert "\ud800" not in bad_clip.title and "\udfff" not in bad_clip.lyrics
    assert library.task(bad).action == "MUSIC"
    if "title" in fields and not isinstance(fields["title"], str):
        assert bad_clip.title == ""
    if "finish_time" in fields:
        assert row["finish_time"] is None


def test_a_task_that_cannot_be_read_fails_alone_with_a_sentence(hostile, client, library):
    tasks = [hostile.add_music_task(clips=1) for _ in range(4)]
    deep: list = []
    for _ in range(100):  # the decoder reads it; no library could keep it
        deep = [deep]
    hostile.set_task_fields(tasks[2], extra=deep)
    hostile.set_task_fields(tasks[3], data=12)  # clips as a number

    report = sync(library, client, tasks)

    assert report.error is None
    assert "nested more than 64 levels" in report.failed_tasks[tasks[2]]
    assert "unexpected shape" in report.failed_tasks[tasks[3]]
    records = {record.task_id: record for record in library.clips()}
    assert set(records) == set(tasks[:2])
    for record in records.values():
        assert_ready_with_files(library, record)
    assert library.task(tasks[2]).describe().startswith("Could not be read: The relay sent task")


def test_one_unreadable_task_fails_alone_when_asked_one_by_one(hostile, client, library):
    hostile.batch_enabled = False  # GET per task, as relays without the batch route
    good = hostile.add_music_task(clips=1)
    bad = hostile.add_music_task(clips=1)
    hostile.set_task_fields(bad, task_id=None)  # the answer about it names no task

    report = sync(library, client, [good, bad])

    assert report.error is None and "without a task_id" in report.failed_tasks[bad]
    (record,) = library.clips()
    assert record.task_id == good and record.state == ClipState.READY


def test_json_nested_200000_deep_is_a_malformed_answer_with_a_sentence(hostile, client, library):
    task_id = hostile.add_music_task(clips=1)
    depth = 200_000
    payload = b'{"code":"success","message":"","data":' + b"[" * depth + b"]" * depth + b"}"
    hostile.answer_raw(payload, times=2)

    with pytest.raises(MalformedResponse) as caught:
        client.fetch_tasks([task_id])
    assert "nested too deeply" in str(caught.value) and hostile.api_url.split("//")[1] in str(caught.value)

    problems = Problems()  # the command line and the window: a sentence, not a traceback; the round after answers
    report = SyncEngine(library, client, SyncOptions(**FAST), observer=problems).sync([task_id])
    assert problems.said(MalformedResponse, "nested too deeply") and report.ok


def test_an_unknown_clip_status_under_a_final_task_fails_that_clip(hostile, client, library):
    task_id = hostile.add_music_task(clips=2)
    hostile.update_clip(task_id, 1, status="weird_state")

    report = sync(library, client, [task_id])

    first, second = sorted(library.clips(), key=lambda record: record.position)
    assert_ready_with_files(library, first)
    assert second.state == ClipState.FAILED and "the relay said 'weird_state'" in second.problem
    assert second.clip_id in report.failed_clips and not report.still_pending


def test_an_unknown_clip_status_under_a_pending_task_is_still_waited_for():
    raw = {"task_id": "t-1", "status": "IN_PROGRESS", "data": [{"id": "c-1", "status": "weird_state"}]}
    (clip,) = parse_task(raw).clips
    assert not clip.is_error and clip.relay_status == "other" and clip.raw["status"] == "weird_state"
    final = parse_task({**raw, "status": "SUCCESS"}).clips[0]
    assert final.is_error and "the relay said 'weird_state'" in final.relay_error
    for status in (None, ["complete"], {"s": 1}):  # no status it can read: it would wait forever
        (clip,) = parse_task({**raw, "status": "SUCCESS", "data": [{"id": "c-1", "status": status}]}).clips
        assert clip.is_error and "sent no status" in clip.relay_error


# --------------------------------------------------------------------------- memory


class PeakRss:
    """The process's resident memory, sampled every few milliseconds on a thread (Linux /proc)."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")
        self.baseline = self.now()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def now(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page

    def _sample(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="samples memory through Linux /proc")
def test_a_gzip_bomb_is_refused_with_a_sentence_in_bounded_memory(hostile, client, library):
    task_id = hostile.add_music_task(clips=1)
    bomb = gzip_bomb(1 << 30)  # about 1 MB that inflates to 1 GB
    assert len(bomb) < 2 << 20
    hostile.answer_raw(bomb, headers={"Content-Encoding": "gzip"}, times=2)

    with PeakRss() as memory, pytest.raises(MalformedResponse) as caught:
        client.fetch_task(task_id)
    assert "larger than 64 MB" in str(caught.value)
    assert memory.growth < 250 * 2**20, f"grew by {memory.growth / 2**20:.0f} MB"

    problems = Problems()
    report = SyncEngine(library, client, SyncOptions(**FAST), observer=problems).sync([task_id])
    assert problems.said(MalformedResponse, "larger than 64 MB")
    assert report.ok and library.clips()[0].state == ClipState.READY  # the round after got a real answer


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="samples memory through Linux /proc")
def test_a_gzip_bomb_answering_a_submit_leaves_it_unconfirmed_in_bounded_memory(hostile, client):
    hostile.raw_answers_submits = True
    hostile.answer_raw(gzip_bomb(384 << 20), headers={"Content-Encoding": "gzip"})
    request = SongRequest.song(title="City Lights", style="punk", lyrics="[Verse]\nla", model="chirp-v4")
    with PeakRss() as memory, pytest.raises(SubmitUnconfirmed) as caught:
        submit(client, request)
    assert "could not be read" in str(caught.value) and len(hostile.submits) == 1  # sent once, never again
    assert memory.growth < 200 * 2**20, f"grew by {memory.growth / 2**20:.0f} MB"


def test_a_20_mb_lyrics_field_is_capped_and_its_raw_json_kept(hostile, client, library):
    lyrics = "la " * 7_000_000
    task_id = hostile.add_music_task(clips=1, lyrics=lyrics)

    report = sync(library, client, [task_id])

    assert report.ok, report
    (record,) = library.clips()
    assert_ready_with_files(library, record)
    assert len(record.lyrics) == LYRICS_LIMIT and record.lyrics.endswith("…")
    lyrics_tag = ID3(library.root / record.audio_path).getall("USLT")
    assert lyrics_tag and len(lyrics_tag[0].text) <= LYRICS_LIMIT
    (row,) = library.query("SELECT raw_json FROM clips WHERE clip_id=?", (record.clip_id,))
    assert json.loads(row["raw_json"])["prompt"] == lyrics  # the relay's answer, as it was


# --------------------------------------------------------------------------- what reaches a terminal


def test_escapes_and_an_echoed_token_are_cleaned_and_masked_before_they_are_stored(hostile, client, library):
    failed = hostile.add_music_task(
        final_status="FAILURE", fail_reason=f"upstream said: key {TEST_TOKEN} has no quota{ESCAPES}"
    )
    songs = hostile.add_music_task(
        clips=2, title=f"Title{ESCAPES}", clip_status="error", clip_error=f"token {TEST_TOKEN} refused{ESCAPES}"
    )

    report = sync(library, client, [failed, songs])

    task = library.task(failed)
    assert "key •••• has no quota" in task.fail_reason and TOKEN_MASK in report.failed_tasks[failed]
    for text in (task.fail_reason, task.describe(), report.failed_tasks[failed]):
        assert TEST_TOKEN not in text and no_control_characters(text)
    for record in library.clips():
        assert record.title.startswith("Title") and no_control_characters(record.title)
        assert "token •••• refused" in record.problem and no_control_characters(record.problem)
    for table in ("tasks", "clips"):  # not even the raw JSON kept holds the token
        for row in library.query(f"SELECT raw_json FROM {table}"):
            assert row["raw_json"] is None or TEST_TOKEN not in row["raw_json"]
    assert "pwned" in library.clips()[0].title  # the words stay; only what would act on a terminal goes


def test_an_echoed_token_in_an_error_answer_is_masked(hostile, client):
    hostile.answer_raw(json.dumps({"code": "quota", "message": f"key {TEST_TOKEN}\x1b[2J is out"}).encode())
    with pytest.raises(RelayResponseError) as caught:
        client.fetch_task(hostile.add_music_task())
    message = str(caught.value)
    assert "could not answer: key ••••\ufffd[2J is out" in message
    assert TEST_TOKEN not in message and no_control_characters(message)


def test_terminal_line_keeps_everything_on_one_clean_line():
    line = terminal_line(f"Title{ESCAPES}\tend\x85")
    assert "\n" not in line and "\r" not in line and no_control_characters(line)
    assert line.startswith("Title\ufffd]0;pwned\ufffd\ufffd[2J Synced 99 task(s): all fine\ufffd")
    assert terminal_line(None) == "" and terminal_line(42) == "42"
    block = terminal_block("[Verse]\r\nOne\ttwo\rthree\x1b[2J")
    assert block == "[Verse]\nOne\ttwo\nthree\ufffd[2J"


def test_the_token_is_masked_only_as_itself():
    cleaner = RelayTextCleaner("sk-0123456789")
    assert cleaner.line("a sk-0123456789b and Xsk-0123456789", 100) == f"a {TOKEN_MASK}b and X{TOKEN_MASK}"
    short = RelayTextCleaner("t")  # a short token only where it stands alone: words stay whole
    assert short.line("internal t error", 100) == f"internal {TOKEN_MASK} error"
    long_text = "x" * (REASON_LIMIT - 3) + "sk-0123456789"  # across the cut, still masked
    assert "sk-0" not in cleaner.line(long_text, REASON_LIMIT)
    assert "sk-0123456789" not in repr(cleaner)


# --------------------------------------------------------------------------- any JSON at all


def test_every_text_field_has_a_cap_and_the_raw_json_keeps_it_all():
    clip = {"id": "c-1", "status": "complete", "audio_url": "http://x/a.mp3", "title": "t" * 5_000,
            "tags": "g, " * 1_000, "prompt": "la\n" * 100_000, "model_name": "m" * 1_000,
            "image_url": "http://x/" + "i" * 20_000}  # fmt: skip
    task = parse_task({"task_id": "t-1", "status": "SUCCESS", "fail_reason": "r" * 9_000, "data": [clip]})
    (parsed,) = task.clips
    assert len(parsed.title) == TITLE_LIMIT and parsed.title.endswith("…")
    assert len(parsed.tags) <= 1_000 and len(parsed.lyrics) == LYRICS_LIMIT and len(parsed.model) <= 200
    assert parsed.image_url == ""  # a cut URL would point elsewhere: none at all
    assert len(task.fail_reason) == REASON_LIMIT
    assert parsed.raw["title"] == clip["title"] and task.raw["fail_reason"] == "r" * 9_000
    with pytest.raises(MalformedResponse, match="an id of 300 characters"):
        parse_task({"task_id": "t-1", "status": "SUCCESS", "data": [{**clip, "id": "c" * 300}]})


def test_numbers_that_fit_no_field_are_missing():
    for value in ("1e30", 10**400, -(10**400), float("nan"), float("inf"), "inf", "9" * 500, [1], {"a": 1}, True):
        assert parse_time(value) is None, value
        assert parse_duration(value) is None, value
    assert parse_duration(86_401) is None and parse_duration(86_400) == 86_400.0
    assert parse_time("9999-12-31T23:59:59-05:00") is None  # a real ISO time that no datetime holds in UTC


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(["SUCCESS", "FAILURE", "complete", "error", "queued", "1e30", "-1", "", "LYRICS", ESCAPES])
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
TASK_KEYS = ["task_id", "action", "status", "fail_reason", "progress", "submit_time", "finish_time", "data"]
CLIP_KEYS = [
    "id", "clip_id", "status", "title", "tags", "prompt", "duration", "audio_url", "image_url", "video_url",
    "created_at", "create_time", "metadata", "msg", "audioUrl", "createTime", "text", "model_name",
]  # fmt: skip
clips = st.dictionaries(st.sampled_from(CLIP_KEYS), json_values, max_size=10)
tasks = st.fixed_dictionaries(
    {"task_id": st.one_of(st.just("task-1"), json_values)},
    optional={
        **dict.fromkeys(TASK_KEYS[1:-1], json_values),
        "data": st.one_of(st.lists(st.one_of(clips, json_values), max_size=3), clips, json_values),
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(tasks, json_values))
def test_parse_task_raises_nothing_but_malformed_response_and_keeps_every_field_in_range(raw):
    try:
        task = parse_task(raw, cleaner=RelayTextCleaner("sk-secret-token"))
    except MalformedResponse as exc:
        assert str(exc) and no_control_characters(str(exc))
        return
    for time_value in (task.submit_time, task.finish_time):
        assert time_value is None or fits_sqlite_integer(time_value)
    texts = [task.fail_reason, task.progress, task.status, task.action]
    for clip in task.clips:
        assert clip.duration is None or (math.isfinite(clip.duration) and 0 <= clip.duration <= MAX_DURATION_SECONDS)
        assert len(clip.title) <= TITLE_LIMIT and len(clip.lyrics) <= LYRICS_LIMIT
        texts += [clip.title, clip.tags, clip.model, clip.relay_status, clip.relay_error, clip.clip_id, clip.audio_url]
        assert no_control_characters(clip.lyrics.replace("\n", "").replace("\t", ""))
    for text in texts:
        assert no_control_characters(text) and "sk-secret-token" not in text
