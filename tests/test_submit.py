"""Creating songs and lyrics: relay.submit against the local relay over real HTTP on 127.0.0.1.

A submit costs money, so besides what is sent and what comes back these tests
count what reached the relay: a submit that may have arrived is never sent again.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from email.utils import formatdate

import pytest
import requests
from conftest import TEST_TOKEN
from fault_servers import RelayFault, SubmitFault

from suno_desktop.demo.relay_server import ApiRoute, LocalRelay
from suno_desktop.errors import ErrorKind, kind_of
from suno_desktop.relay.client import RelayClient
from suno_desktop.relay.errors import AuthError, SubmitCancelled, SubmitRefused, SubmitTokenRefused, SubmitUnconfirmed
from suno_desktop.relay.submit import submit, submit_body
from suno_desktop.relay.task_ids import is_task_id
from suno_desktop.retry_policy import FAST_RETRY, RetryPolicy
from suno_desktop.song_request import InvalidSongRequest, SongRequest, SubmitMode

LYRICS = "[Verse]\nWalking down the streets\nBeneath the city lights"
CUSTOM = SongRequest.song(title="City Lights", style="emotional punk", lyrics=LYRICS, model="chirp-v4")
#: 3 tries, 1 s doubling, no jitter: pauses these tests can predict (the sleep is a fake)
PATIENT = RetryPolicy(attempts=3, backoff=1.0, cap=30.0, jitter=0.0)
UNCONFIRMED_502 = (
    "The relay did not confirm this song (HTTP 502). It may still have been created and charged; "
    "check your relay's task log before creating it again."
)


class Waits(list):
    """Records the pauses between attempts instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def made(relay) -> list[str]:
    """The ids of the tasks the relay's submits made."""
    return [entry["task_id"] for entry in relay.submits if entry["task_id"]]


def poll(client, task_id, times):
    return [client.fetch_tasks([task_id])[task_id] for _ in range(times)]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ----------------------------------------------------------------------------- what is sent


def test_custom_song_is_sent_once_field_by_field(relay, client):
    task_id = submit(client, CUSTOM)
    assert task_id.startswith("task_") and len(task_id) == 37 and is_task_id(task_id)
    (entry,) = relay.submits
    assert entry["route"] == "/suno/submit/music" and entry["task_id"] == task_id
    assert entry["body"] == {
        "prompt": LYRICS,
        "title": "City Lights",
        "tags": "emotional punk",
        "mv": "chirp-v4",
        "make_instrumental": False,
    }
    (request,) = relay.api_requests
    assert request.method == "POST" and request.authorization == f"Bearer {TEST_TOKEN}"
    assert client.requests_sent == 1


def test_inspiration_sends_only_the_description_and_gets_a_made_up_song(relay, client):
    request = SongRequest.song(description="a chill lofi song about a rainy evening", instrumental=True)
    task_id = submit(client, request)
    (entry,) = relay.submits
    assert entry["body"] == {
        "gpt_description_prompt": "a chill lofi song about a rainy evening",
        "make_instrumental": True,
        "mv": "chirp-v4",
    }
    task = poll(client, task_id, 4)[-1]
    assert task.status == "SUCCESS" and len(task.clips) == 2
    clip = task.clips[0]
    assert clip.title == "Rainy Evening" and clip.tags == "chill, lofi" and clip.lyrics == "[Instrumental]"
    assert clip.description == "a chill lofi song about a rainy evening" and clip.model == "chirp-v4"


def test_extension_sends_the_clip_and_a_number_and_keeps_its_title(relay, client):
    source = relay.add_music_task(title="Harbour at Dawn", tags="acoustic folk", model="chirp-v3-5")
    clip_id = relay.clip_ids(source)[0]
    request = SongRequest.song(lyrics="[Bridge]\nRow me home").extending(source, clip_id, 80)
    task_id = submit(client, request)
    body = relay.submits[0]["body"]
    assert body["task_id"] == source and body["continue_clip_id"] == clip_id
    assert body["continue_at"] == 80 and type(body["continue_at"]) is float  # a JSON number, not "80"
    assert body["make_instrumental"] is False and body["prompt"] == "[Bridge]\nRow me home"
    clip = poll(client, task_id, 4)[-1].clips[0]
    assert clip.title == "Harbour at Dawn" and clip.tags == "acoustic folk" and clip.lyrics == "[Bridge]\nRow me home"
    assert clip.model == "chirp-v4"  # the request's model
    assert clip.raw["continue_clip_id"] == clip_id and clip.raw["continue_at"] == 80


def test_extension_in_the_nested_shape_carries_its_history(relay, client):
    relay.submitted_shape = "nested"
    source = relay.add_music_task()
    clip_id = relay.clip_ids(source)[1]
    task_id = submit(client, SongRequest.song(instrumental=True).extending(source, clip_id, 12.5))
    clip = poll(client, task_id, 4)[-1].clips[0]
    assert clip.raw["metadata"]["history"][0] == {"id": clip_id, "continue_at": 12.5, "type": "gen", "source": "web"}


def test_lyrics_are_a_lyrics_task_like_any_fetched_one(relay, client):
    task_id = submit(client, SongRequest.lyrics_for("a lighthouse keeper"))
    (entry,) = relay.submits
    assert entry["route"] == "/suno/submit/lyrics" and entry["body"] == {"prompt": "a lighthouse keeper"}
    pending, *_, done = poll(client, task_id, 4)
    assert pending.action == "LYRICS" and not pending.is_final and not pending.clips
    assert done.action == "LYRICS" and done.status == "SUCCESS"
    (lyrics,) = done.clips
    assert set(lyrics.raw) == {"id", "status", "title", "text"}
    assert lyrics.kind == "lyrics" and lyrics.title == "Lighthouse Keeper" and "lighthouse keeper" in lyrics.lyrics


def test_a_request_that_cannot_make_a_song_is_never_sent(relay, client):
    with pytest.raises(InvalidSongRequest):
        submit(client, SongRequest(SubmitMode.LYRICS, description="  "))
    assert relay.submits == [] and client.requests_sent == 0


# ----------------------------------------------------------------------------- the task it makes


@pytest.mark.parametrize("shape", ["flat", "nested", "camel"])
def test_a_submitted_task_goes_queued_streaming_complete(relay, client, shape):
    relay.submitted_shape = shape
    task_id = submit(client, CUSTOM)
    queued, submitted, generating, done = poll(client, task_id, 4)
    assert queued.status == "NOT_START" and not queued.is_final and not queued.clips
    for task in (submitted, generating):
        assert not task.is_final and len(task.clips) == 2
        for clip in task.clips:
            assert clip.relay_status == "streaming" and not clip.is_complete
            stream = clip.raw.get("streamAudioUrl") or clip.raw.get("audio_url")
            assert "/audiopipe/" in stream  # a live stream, never to be downloaded
            assert clip.audio_url == ("" if shape == "camel" else stream)  # no final audio yet
    assert generating.status == "IN_PROGRESS"
    assert done.status == "SUCCESS" and [clip.relay_status for clip in done.clips] == ["complete", "complete"]
    media = relay.clip_media(task_id)
    for clip, urls in zip(done.clips, media):
        assert clip.clip_id == urls["clip_id"] and clip.audio_url == urls["audio_url"]
        assert clip.title == "City Lights" and clip.tags == "emotional punk" and clip.lyrics == LYRICS
    answer = requests.get(done.clips[0].audio_url, timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "audio/mpeg" and len(answer.content) > 1000
    assert not any("audiopipe" in request.path for request in relay.media.requests)


def test_the_shipped_relay_can_take_seconds_instead_of_polls():
    with (
        LocalRelay(token=TEST_TOKEN, generation_seconds=0.4) as relay,
        RelayClient(relay.api_url, TEST_TOKEN) as client,
    ):
        task_id = submit(client, CUSTOM)
        assert client.fetch_task(task_id).status == "NOT_START"
        assert client.fetch_task(task_id).status == "NOT_START"  # fetching does not hurry it
        time.sleep(0.45)
        assert client.fetch_task(task_id).status == "SUCCESS"
        assert [entry["task_id"] for entry in relay.submits] == [task_id]


def test_the_local_relay_refuses_a_body_that_is_not_an_object(relay):
    for payload in (b"[1, 2]", b"not json", b""):
        answer = requests.post(
            relay.api_url + "/suno/submit/music",
            data=payload,
            headers={"Authorization": f"Bearer {TEST_TOKEN}", "Content-Type": "application/json"},
            timeout=5,
        )
        assert answer.status_code == 400 and answer.json()["code"] == "invalid_request"
    assert made(relay) == []


# ----------------------------------------------------------------------------- refusals: nothing made


@pytest.mark.parametrize(
    "route,body,lyrics,code,sentence",
    [
        ("/suno/submit/lyrics", {"prompt": ""}, True, "prompt_empty", "the prompt is empty"),
        ("/suno/submit/video", {"prompt": "x"}, False, "invalid_action", "it does not offer this kind"),
        (
            "/suno/submit/music",
            {"continue_clip_id": "abc", "make_instrumental": True},
            False,
            "invalid_request",
            "the extension names no task for the clip it continues (task id is empty)",
        ),
    ],
)
def test_a_400_is_refused_and_sent_once(relay, client, route, body, lyrics, code, sentence):
    waits = Waits()
    with pytest.raises(SubmitRefused) as caught:
        submit_body(client, route, body, lyrics=lyrics, sleep=waits)
    error = caught.value
    assert error.status == 400 and error.code == code and sentence in str(error)
    assert str(error).startswith("The relay refused the request: ")
    assert not error.may_have_been_created and kind_of(error) is ErrorKind.RELAY
    assert len(relay.submits) == 1 and made(relay) == [] and waits == []


def test_prompt_empty_reads_plainly(relay, client):
    with pytest.raises(SubmitRefused) as caught:
        submit_body(client, "/suno/submit/lyrics", {"prompt": "   "}, lyrics=True)
    assert str(caught.value) == "The relay refused the request: the prompt is empty."


def test_a_bad_token_is_an_auth_error_sent_once(relay):
    secret = "wrong-token-123456"
    with RelayClient(relay.api_url, secret) as stranger, pytest.raises(SubmitTokenRefused) as caught:
        submit(stranger, CUSTOM, sleep=Waits())
    error = caught.value
    assert isinstance(error, AuthError) and kind_of(error) is ErrorKind.AUTH and error.status == 401
    assert "refused the API token" in str(error) and "nothing was created" in str(error)
    assert secret not in str(error)
    assert len(relay.submits) == 1 and made(relay) == []


def test_a_relay_without_the_route_is_refused(relay):
    with RelayClient(relay.api_url + "/v1", TEST_TOKEN) as lost, pytest.raises(SubmitRefused) as caught:
        submit(lost, CUSTOM)
    assert caught.value.status == 404 and "has no /suno/submit/music route" in str(caught.value)


# ----------------------------------------------------------------------------- sent again: nothing was made


def test_429_is_sent_again_after_its_retry_after(relay, client):
    relay.inject_submit_fault(SubmitFault.HTTP_429, retry_after="1")
    waits = Waits()
    task_id = submit(client, CUSTOM, retry=PATIENT, sleep=waits)
    assert waits == [1.0]
    assert len(relay.submits) == 2 and made(relay) == [task_id]
    assert relay.task_ids() == [task_id]


def test_429_with_an_http_date(relay, client):
    relay.inject_submit_fault(SubmitFault.HTTP_429, retry_after=formatdate(time.time() + 2, usegmt=True))
    waits = Waits()
    submit(client, CUSTOM, retry=PATIENT, sleep=waits)
    assert len(waits) == 1 and 0 <= waits[0] <= 2.5


def test_429_asking_for_too_long_is_not_waited_out(relay, client):
    relay.inject_submit_fault(SubmitFault.HTTP_429, retry_after="3600")  # more than PATIENT's cap
    waits = Waits()
    with pytest.raises(SubmitRefused) as caught:
        submit(client, CUSTOM, retry=PATIENT, sleep=waits)
    assert "asks to wait 3600 s" in str(caught.value) and "nothing was created" in str(caught.value)
    assert waits == [] and len(relay.submits) == 1 and made(relay) == []


def test_429_every_time_ends_refused_not_unconfirmed(relay, client):
    relay.inject_submit_fault(SubmitFault.HTTP_429, times=3, retry_after="1")
    waits = Waits()
    with pytest.raises(SubmitRefused) as caught:
        submit(client, CUSTOM, retry=PATIENT, sleep=waits)
    error = caught.value
    assert not isinstance(error, SubmitUnconfirmed) and not error.may_have_been_created
    assert error.status == 429 and error.attempts == 3 and "turned this song down 3 times" in str(error)
    assert waits == [1.0, 1.0] and len(relay.submits) == 3 and made(relay) == []


def test_a_refused_connection_is_tried_again_then_refused():
    port = closed_port()
    waits = Waits()
    with RelayClient(f"http://127.0.0.1:{port}", TEST_TOKEN) as lonely, pytest.raises(SubmitRefused) as caught:
        submit(lonely, CUSTOM, retry=PATIENT, sleep=waits)
    error = caught.value
    assert not error.may_have_been_created and error.attempts == 3 and lonely.requests_sent == 3
    assert waits == [1.0, 2.0]
    message = str(error)
    assert f"127.0.0.1:{port} refused the connection (tried 3 times)" in message
    assert "nothing was created" in message


def test_the_clients_policy_is_the_default_and_never_waits_when_fast():
    port = closed_port()
    waits = Waits()
    with (
        RelayClient(f"http://127.0.0.1:{port}", TEST_TOKEN, retry=replace(FAST_RETRY, attempts=4)) as lonely,
        pytest.raises(SubmitRefused) as caught,
    ):
        submit(lonely, CUSTOM, sleep=waits)
    assert caught.value.attempts == 4 and lonely.requests_sent == 4 and waits == [0.0, 0.0, 0.0]


def test_cancel_stops_before_sending_again():
    cancel = threading.Event()
    with RelayClient(f"http://127.0.0.1:{closed_port()}", TEST_TOKEN) as lonely:
        with pytest.raises(SubmitCancelled) as caught:
            submit(lonely, CUSTOM, sleep=lambda seconds: cancel.set(), cancel=cancel)
        assert lonely.requests_sent == 1
    assert "cancelled before it was sent again" in str(caught.value) and caught.value.attempts == 1


# ----------------------------------------------------------------------------- unconfirmed: never sent again


def test_502_after_the_task_was_made_reaches_the_relay_once(relay, client):
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    with pytest.raises(SubmitUnconfirmed) as caught:
        submit(client, CUSTOM, sleep=Waits())
    error = caught.value
    assert str(error) == UNCONFIRMED_502
    assert error.may_have_been_created and error.status == 502 and error.reason == "HTTP 502"
    assert kind_of(error) is ErrorKind.RELAY and error.attempts == 1
    assert len(relay.submits) == 1 and len(made(relay)) == 1
    assert [r.path for r in relay.api_requests] == ["/suno/submit/music"]
    # the same client's shared session would have sent a POST /suno/fetch again after a 500
    relay.inject_fault(RelayFault.HTTP_500, route=ApiRoute.FETCH_MANY)
    client.fetch_tasks(made(relay))
    assert [r.path for r in relay.api_requests].count("/suno/fetch") == 2


@pytest.mark.parametrize("task_made", [True, False])
def test_a_reset_connection_reaches_the_relay_once(relay, client, task_made):
    relay.inject_submit_fault(SubmitFault.RESET, task_made=task_made)
    with pytest.raises(SubmitUnconfirmed) as caught:
        submit(client, CUSTOM, sleep=Waits())
    assert "(the connection was dropped)" in str(caught.value) and caught.value.status is None
    assert len(relay.submits) == 1 and len(made(relay)) == int(task_made)
    assert len(relay.api_requests) == 1


def test_an_answer_slower_than_the_timeout_is_unconfirmed(relay, client):
    relay.inject_submit_fault(SubmitFault.SLOW, delay=1.5)
    started = time.monotonic()
    with pytest.raises(SubmitUnconfirmed) as caught:
        submit(client, CUSTOM, read_timeout=0.3, sleep=Waits())
    assert time.monotonic() - started < 1.2
    assert "(no answer within 0.3 s)" in str(caught.value)
    assert len(relay.submits) == 1 and len(made(relay)) == 1


@pytest.mark.parametrize(
    "fault,reason",
    [(SubmitFault.BAD_JSON, "its answer could not be read"), (SubmitFault.NO_ID, "no task id came back")],
)
def test_an_unreadable_200_is_unconfirmed(relay, client, fault, reason):
    relay.inject_submit_fault(fault)
    with pytest.raises(SubmitUnconfirmed) as caught:
        submit(client, CUSTOM, sleep=Waits())
    assert f"(HTTP 200, but {reason})" in str(caught.value) and caught.value.status == 200
    assert len(relay.submits) == 1


def test_unconfirmed_lyrics_say_so(relay, client):
    relay.inject_submit_fault(SubmitFault.PROXY_502)
    with pytest.raises(SubmitUnconfirmed) as caught:
        submit(client, SongRequest.lyrics_for("the sea"))
    message = str(caught.value)
    assert message.startswith("The relay did not confirm these lyrics (HTTP 502).")
    assert message.endswith("before creating them again.")
