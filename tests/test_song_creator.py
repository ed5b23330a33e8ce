"""Creating songs from the library: journal first, one send, the task then synced like any other."""

from __future__ import annotations

import time

import pytest
from fault_servers import SubmitFault
from mutagen.id3 import ID3
from sync_helpers import sync

from suno_desktop.library.song_creator import SongCreator
from suno_desktop.library.submission_journal import SubmissionJournal
from suno_desktop.model import ClipState
from suno_desktop.relay.client import RelayClient
from suno_desktop.relay.errors import ConfigurationError, SubmitRefused, SubmitTokenRefused, SubmitUnconfirmed
from suno_desktop.song_request import (
    SENDING_GIVES_UP_SECONDS,
    InvalidSongRequest,
    SongRequest,
    SubmissionState,
    SubmitMode,
)

LYRICS = "[Verse]\nNeon rain on the window\n[Chorus]\nWe run, we run"
SONG = SongRequest.song(title="Night Drive", style="synthwave, dreamy", lyrics=LYRICS, model="chirp-v4")


@pytest.fixture
def creator(library, client):
    return SongCreator(library, client, sleep=lambda seconds: None)


def test_a_song_is_journaled_sent_once_and_synced_with_its_tags(relay, client, library, creator):
    entry = creator.submit(SONG)
    assert entry.state is SubmissionState.ACCEPTED and entry.task_id in relay.task_ids()
    (sent,) = relay.submits
    assert sent["body"]["title"] == "Night Drive" and sent["body"]["make_instrumental"] is False
    assert library.task(entry.task_id) is not None  # tracked from the first second
    report = sync(library, client)  # a plain re-sync picks up the pending task
    assert report.ok and report.clips_done == 2
    fetched = [request.path for request in relay.media.requests]
    assert fetched and not any("/audiopipe/" in path for path in fetched)  # the live stream is never downloaded
    for record in library.clips(task_ids=[entry.task_id]):
        assert record.state == ClipState.READY
        tags = ID3(library.root / record.audio_path)
        assert tags["TIT2"].text == ["Night Drive"]
        assert tags["TCON"].text == ["synthwave, dreamy"]
        assert tags.getall("USLT")[0].text == LYRICS
    assert SubmissionJournal(library).for_task(entry.task_id).request == SONG


def test_an_answer_lost_after_the_task_was_made_is_unconfirmed_and_never_resent(relay, client, library, creator):
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    with pytest.raises(SubmitUnconfirmed) as caught:
        creator.submit(SONG)
    assert len(relay.submits) == 1  # exactly one submit reached the relay
    assert library.task_ids() == []  # no id came back: nothing to track
    (entry,) = SubmissionJournal(library).open()
    assert entry.state is SubmissionState.UNCONFIRMED and entry.request == SONG
    assert entry.error == str(caught.value) and "HTTP 502" in entry.error and "task log" in entry.error


def test_a_rate_limited_submit_is_sent_again_and_makes_one_task(relay, client, library, creator):
    relay.inject_submit_fault(SubmitFault.HTTP_429, retry_after="0")
    entry = creator.submit(SONG)
    assert len(relay.submits) == 2 and [e["task_id"] for e in relay.submits if e["task_id"]] == [entry.task_id]
    assert SubmissionJournal(library).open() == []


def test_a_refused_token_is_journaled_as_refused_and_not_shown_as_open(relay, library):
    with RelayClient(relay.api_url, "wrong-token", timeout=(2, 2)) as bad, pytest.raises(SubmitTokenRefused):
        SongCreator(library, bad).submit(SONG)
    assert len(relay.submits) == 1 and relay.task_ids() == []
    assert SubmissionJournal(library).open() == []


def test_invalid_input_is_refused_before_anything_is_written_or_sent(relay, library, creator):
    nothing = SongRequest(SubmitMode.CUSTOM, title="No words")  # neither lyrics nor instrumental
    with pytest.raises(InvalidSongRequest):
        creator.submit(nothing)
    assert relay.submits == [] and SubmissionJournal(library).open() == []


def test_a_submit_cut_off_by_a_crash_shows_as_unconfirmed(library):
    journal = SubmissionJournal(library)
    entry = journal.write(SONG)  # written, then the app was killed before any answer
    (found,) = journal.open()
    assert found.shown_state(time.time()) is SubmissionState.SENDING  # another process may still be sending
    later = time.time() + SENDING_GIVES_UP_SECONDS + 1
    assert found.shown_state(later) is SubmissionState.UNCONFIRMED
    assert "stopped before the relay confirmed this song" in found.reason(later)
    assert found.submission_id == entry.submission_id


def test_create_again_forgets_the_unconfirmed_entry_and_sends_one_new_submit(relay, client, library, creator):
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    with pytest.raises(SubmitUnconfirmed):
        creator.submit(SONG)
    (entry,) = SubmissionJournal(library).open()
    again = creator.create_again(entry.submission_id)
    assert again.state is SubmissionState.ACCEPTED and len(relay.submits) == 2
    assert SubmissionJournal(library).open() == []
    creator.forget([again.submission_id])
    assert SubmissionJournal(library).get(again.submission_id).state is SubmissionState.FORGOTTEN


def test_create_again_that_cannot_send_keeps_the_unconfirmed_entry(relay, client, library, creator):
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    with pytest.raises(SubmitUnconfirmed):
        creator.submit(SONG)
    (entry,) = SubmissionJournal(library).open()
    creator.client = None  # the relay was taken out of Settings meanwhile
    with pytest.raises(ConfigurationError):
        creator.create_again(entry.submission_id)
    assert SubmissionJournal(library).open() == [entry]  # still there to be created again or forgotten
    assert len(relay.submits) == 1


def test_an_extension_is_checked_against_the_library_and_sends_the_clip(relay, client, library, creator):
    task = relay.add_music_task(title="Original", duration=120.0)
    assert sync(library, client, [task]).ok
    clip = library.clips(task_ids=[task])[0]
    base = SongRequest.song(title="Original, part 2", style="pop", lyrics="[Verse]\nMore")
    with pytest.raises(InvalidSongRequest, match="no song"):
        creator.extension(base, "00000000-0000-0000-0000-000000000000", 10)
    with pytest.raises(InvalidSongRequest, match="only 120 s long"):
        creator.extension(base, clip.clip_id, 500)
    assert creator.extension(base, clip.clip_id).continue_at == 120.0  # from its end by default
    entry = creator.submit(creator.extension(base, clip.clip_id, 80))
    body = relay.submits[-1]["body"]
    assert (body["task_id"], body["continue_clip_id"], body["continue_at"]) == (task, clip.clip_id, 80.0)
    assert isinstance(body["continue_at"], float) and entry.task_id != task


def test_lyrics_come_back_into_the_library(relay, client, library, creator):
    entry = creator.submit(SongRequest.lyrics_for("a night drive through a neon city"))
    assert relay.submits[0]["route"].endswith("/lyrics")
    assert sync(library, client, [entry.task_id]).ok
    lyrics = creator.lyrics_of(entry.task_id)
    assert lyrics is not None and lyrics.title and lyrics.lyrics.strip()


def test_a_refusal_from_the_relay_is_recorded(relay, client, library, creator):
    relay.inject_submit_fault(SubmitFault.HTTP_429, retry_after="0", times=5)  # more than the attempts
    with pytest.raises(SubmitRefused):
        creator.submit(SONG)
    assert relay.task_ids() == [] and SubmissionJournal(library).open() == []
