"""RelayClient against the local relay over real HTTP on 127.0.0.1."""

from __future__ import annotations

import functools
import logging
import operator
import socket
import threading
import time
import uuid

import pytest
import requests
from fault_servers import RelayFault
from sync_helpers import fast

from suno_desktop.demo.relay_server import ApiRoute
from suno_desktop.relay.client import RelayClient
from suno_desktop.relay.errors import (
    AuthError,
    ConfigurationError,
    MalformedResponse,
    RelayResponseError,
    RelayUnavailable,
    TaskNotFound,
)
from suno_desktop.retry_policy import RetryPolicy

TOKEN = "test-token"


def api_calls(relay, method=None):
    return [r for r in relay.api_requests if method is None or r.method == method]


# ----------------------------------------------------------------------------- happy paths


@pytest.mark.parametrize("shape", ["flat", "nested"])
def test_get_one_task_in_either_shape(relay, client, shape):
    task_id = relay.add_music_task(shape=shape, title="City Lights", tags="emotional punk", model="chirp-v4")
    task = client.fetch_task(task_id)
    assert task.task_id == task_id and task.status == "SUCCESS" and task.is_final
    assert len(task.clips) == 2
    for clip, clip_id in zip(task.clips, relay.clip_ids(task_id)):
        assert clip.clip_id == clip_id and clip.task_id == task_id
        assert clip.title == "City Lights" and clip.tags == "emotional punk" and clip.model == "chirp-v4"
        assert clip.is_complete and clip.duration and clip.duration > 5
        assert clip.audio_url.endswith(f"/cdn1/{clip_id}.mp3")
        assert clip.image_url.endswith(f"/cdn2/image_large_{clip_id}.jpeg")
        assert clip.video_url.endswith(f"/cdn1/{clip_id}.mp4")
        assert clip.created_at is not None
    (request,) = api_calls(relay)
    assert request.method == "GET" and request.path == f"/suno/fetch/{task_id}"


def test_batch_in_both_shapes_and_lyrics(relay, client):
    flat = relay.add_music_task(shape="flat", title="One")
    nested = relay.add_music_task(shape="nested", title="Two", cover="png")
    lyrics = relay.add_lyrics_task(title="Ode", text="Verse one")
    tasks = client.fetch_tasks([flat, nested, lyrics])
    assert set(tasks) == {flat, nested, lyrics}
    assert [c.title for c in tasks[flat].clips] == ["One", "One"]
    assert [c.title for c in tasks[nested].clips] == ["Two", "Two"]
    assert tasks[lyrics].action == "LYRICS" and tasks[lyrics].clips[0].lyrics == "Verse one"
    (request,) = api_calls(relay)
    assert request.method == "POST" and request.path == "/suno/fetch"
    assert request.json_body == {"ids": [flat, nested, lyrics]}  # no "action" key


def test_nulls_everywhere_come_through_as_empty_fields(relay, client):
    task_id = relay.add_music_task(shape="nested", nulls=True)
    (clip, _) = client.fetch_task(task_id).clips
    assert clip.title == "" and clip.tags == "" and clip.duration is None and clip.created_at is None
    assert clip.image_url == "" and clip.video_url == "" and clip.audio_url


def test_every_api_request_carries_the_token_and_accepts_json(relay, client):
    ids = [relay.add_music_task(clips=1) for _ in range(3)]
    client.fetch_task(ids[0])
    client.fetch_tasks(ids)
    relay.batch_enabled = False
    client.fetch_tasks(ids)
    client.check_connection()
    requests_seen = api_calls(relay)
    assert len(requests_seen) == 1 + 1 + 1 + 3 + 1
    assert all(r.authorization == f"Bearer {TOKEN}" for r in requests_seen)
    assert client.requests_sent == len(requests_seen)


def test_task_ids_are_url_quoted(relay, client):
    with pytest.raises(TaskNotFound):
        client.fetch_task("a/b?c")
    assert api_calls(relay)[0].path == "/suno/fetch/a%2Fb%3Fc"


# ----------------------------------------------------------------------------- auth and unknown ids


def test_bad_token_is_an_auth_error_that_never_shows_the_token(relay, caplog):
    secret = "sk-WRONG-secret-0123456789"
    relay.add_music_task("11111111-2222-3333-4444-555555555555")
    caplog.set_level(logging.DEBUG)
    with RelayClient(relay.api_url, secret, retry=fast(3)) as bad_client:
        with pytest.raises(AuthError) as caught:
            bad_client.fetch_task("11111111-2222-3333-4444-555555555555")
        assert secret not in repr(bad_client)
    error = caught.value
    message = str(error)
    assert "rejected the API token" in message and "HTTP 401" in message
    assert "Invalid token" in message  # the relay's own words
    assert "SUNO_API_TOKEN" in message and "Settings" in message
    assert secret not in message and secret not in repr(error)
    assert error.status == 401 and error.kind == "auth"
    assert secret not in caplog.text
    assert len(api_calls(relay)) == 1  # 401 is not retried


def test_relay_echoing_the_token_does_not_leak_it(relay):
    secret = "sk-echoed-secret-987654"
    relay.token = secret + "-other"
    relay.add_music_task("11111111-2222-3333-4444-555555555555")
    with RelayClient(relay.api_url, secret, retry=fast(1)) as bad_client:
        message = bad_client.relay_message({"error": {"message": f"token {secret} is invalid"}})
    assert secret not in message and message == "token •••• is invalid"
    with RelayClient(relay.api_url, "t", retry=fast(1)) as short_token_client:  # words stay intact
        assert short_token_client.relay_message({"message": "internal error"}) == "internal error"


def test_unknown_task_is_task_not_found(client):
    missing = str(uuid.uuid4())
    with pytest.raises(TaskNotFound) as caught:
        client.fetch_task(missing)
    assert caught.value.task_id == missing and missing in str(caught.value)


def test_batch_leaves_out_unknown_ids_and_handles_any_order(relay, client):
    known = [relay.add_music_task(clips=1, title=f"Song {n}") for n in range(12)]
    unknown = [str(uuid.uuid4()) for _ in range(5)]
    asked = known[:6] + unknown + known[6:] + known[:2]  # duplicates are asked once
    tasks = client.fetch_tasks(asked)
    assert set(tasks) == set(known)
    for task_id in known:
        assert tasks[task_id].task_id == task_id
        assert tasks[task_id].clips[0].title == f"Song {known.index(task_id)}"
    (request,) = api_calls(relay)
    assert request.json_body["ids"] == list(dict.fromkeys(asked))


def test_results_are_keyed_by_the_ids_as_given(relay, client):
    task_id = relay.add_music_task()
    tasks = client.fetch_tasks([task_id.upper()])
    assert list(tasks) == [task_id.upper()]


def test_empty_batch_sends_nothing(relay, client):
    assert client.fetch_tasks([]) == {}
    assert client.fetch_tasks(["", "  "]) == {}
    assert api_calls(relay) == []


def test_120_ids_take_three_posts_of_at_most_50(relay, client):
    ids = [relay.add_music_task(clips=1, video=False) for _ in range(120)]
    tasks = client.fetch_tasks(ids)
    assert set(tasks) == set(ids)
    posts = api_calls(relay, "POST")
    assert len(posts) == 3 and api_calls(relay, "GET") == []
    assert [len(p.json_body["ids"]) for p in posts] == [50, 50, 20]
    assert functools.reduce(operator.iadd, (p.json_body["ids"] for p in posts), []) == ids


def test_falls_back_to_get_when_there_is_no_batch_route(relay, client):
    relay.batch_enabled = False
    ids = [relay.add_music_task(clips=1) for _ in range(3)]
    missing = str(uuid.uuid4())
    assert set(client.fetch_tasks([*ids, missing])) == set(ids)
    assert set(client.fetch_tasks(ids)) == set(ids)
    assert not client.batch_supported
    posts, gets = api_calls(relay, "POST"), api_calls(relay, "GET")
    assert len(posts) == 1  # the 405 is learnt once, not per call
    assert sorted(r.path for r in gets) == sorted([f"/suno/fetch/{i}" for i in [*ids, missing, *ids]])


# ----------------------------------------------------------------------------- retries and faults


@pytest.mark.parametrize("fault", [RelayFault.HTTP_429, RelayFault.HTTP_500, RelayFault.PROXY_502, RelayFault.RESET])
def test_transient_faults_are_retried(relay, client, fault):
    task_id = relay.add_music_task()
    relay.inject_fault(fault, times=1)
    assert client.fetch_task(task_id).status == "SUCCESS"
    relay.inject_fault(fault, route=ApiRoute.FETCH_MANY, times=1)
    assert set(client.fetch_tasks([task_id])) == {task_id}
    assert len(api_calls(relay, "GET")) == 2 and len(api_calls(relay, "POST")) == 2
    assert client.requests_sent == 2  # one per call, whatever urllib3 repeated


@pytest.mark.parametrize(("cap", "waited"), [(30.0, 1.0), (0.25, 0.25)])
def test_rate_limit_honours_retry_after_up_to_the_cap(relay, cap, waited):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.HTTP_429)  # asks for 1 s
    pauses: list[float] = []
    policy = RetryPolicy(attempts=3, backoff=5.0, cap=cap)
    with RelayClient(relay.api_url, TOKEN, retry=policy, sleep=pauses.append) as patient:
        assert patient.fetch_task(task_id).status == "SUCCESS"
    assert pauses == [waited]


def test_the_policy_counts_the_attempts_and_backs_off_between_them(relay):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.HTTP_500, times=5)
    pauses: list[float] = []
    policy = RetryPolicy(attempts=4, backoff=0.5, cap=1.5, jitter=0.0)
    with (
        RelayClient(relay.api_url, TOKEN, retry=policy, sleep=pauses.append) as doubting,
        pytest.raises(RelayUnavailable, match="after 4 attempts"),
    ):
        doubting.fetch_task(task_id)
    assert pauses == [0.5, 1.0, 1.5] and len(api_calls(relay)) == 4


def test_persistent_proxy_error_page_is_a_clear_unavailable_error(relay, client):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.PROXY_502, times=3)  # the first try and both retries
    with pytest.raises(RelayUnavailable) as caught:
        client.fetch_task(task_id)
    message = str(caught.value)
    assert "127.0.0.1" in message and "HTTP 502" in message and "after 3 attempts" in message
    assert "<html" not in message and "try again" in message.lower()
    assert caught.value.status == 502 and len(api_calls(relay)) == 3


def test_persistent_rate_limit_says_so(relay):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.HTTP_429, times=2)
    with RelayClient(relay.api_url, TOKEN, retry=fast(2)) as quick, pytest.raises(RelayUnavailable) as caught:
        quick.fetch_task(task_id)
    assert "HTTP 429" in str(caught.value) and "wait" in str(caught.value)


@pytest.mark.parametrize("route", [ApiRoute.FETCH_ONE, ApiRoute.FETCH_MANY])
def test_truncated_json_is_malformed(relay, client, route):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.BAD_JSON, route=route)
    with pytest.raises(MalformedResponse) as caught:
        client.fetch_task(task_id) if route is ApiRoute.FETCH_ONE else client.fetch_tasks([task_id])
    assert "not valid JSON" in str(caught.value) and "127.0.0.1" in str(caught.value)


def test_html_page_with_http_200_is_malformed(relay):
    # a captive portal or a web server that is not the relay answers 200 with a page
    from suno_desktop.relay.client import RelayClient as Client

    with Client(relay.media.base_url, TOKEN, retry=fast(1)) as confused:
        relay.media.add("/suno/fetch/abc", b"<!doctype html><html><body>Log in</body></html>", "text/html")
        with pytest.raises(MalformedResponse) as caught:
            confused.fetch_task("abc")
    assert "an HTML page instead of JSON (HTTP 200)" in str(caught.value)


@pytest.mark.parametrize("route", [ApiRoute.FETCH_ONE, ApiRoute.FETCH_MANY])
def test_wrong_shape_is_malformed(relay, client, route):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.WRONG_SHAPE, route=route)
    with pytest.raises(MalformedResponse) as caught:
        client.fetch_task(task_id) if route is ApiRoute.FETCH_ONE else client.fetch_tasks([task_id])
    assert "where" in str(caught.value)


def test_relay_error_code_carries_the_relays_message(relay, client):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.CODE_ERROR, route=ApiRoute.FETCH_MANY)
    with pytest.raises(RelayResponseError) as caught:
        client.fetch_tasks([task_id])
    assert "upstream busy" in str(caught.value)
    assert len(api_calls(relay)) == 1  # an answer, not a failure: not retried


def test_slow_relay_times_out(relay):
    task_id = relay.add_music_task()
    relay.inject_fault(RelayFault.SLOW, times=2)
    with RelayClient(relay.api_url, TOKEN, timeout=(1, 0.5), retry=fast(2)) as impatient:
        started = time.monotonic()
        with pytest.raises(RelayUnavailable) as caught:
            impatient.fetch_task(task_id)
    assert time.monotonic() - started < 1.9
    assert "did not answer within 0.5 s" in str(caught.value)


def test_relay_down_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        RelayClient(f"http://127.0.0.1:{port}", TOKEN, retry=fast(2)) as lonely,
        pytest.raises(RelayUnavailable) as caught,
    ):
        lonely.fetch_tasks([str(uuid.uuid4())])
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "refused the connection" in message


def test_the_pauses_between_retries_end_by_the_commands_deadline():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pauses: list[float] = []
    policy = RetryPolicy(attempts=5, backoff=20.0, jitter=0.0)  # 20, 30, 30, 30 s if nothing cut them
    with RelayClient(f"http://127.0.0.1:{port}", TOKEN, retry=policy, sleep=pauses.append) as lonely:
        lonely.stop_at = time.monotonic() + 0.5
        with pytest.raises(RelayUnavailable):
            lonely.fetch_task("abc")
    assert len(pauses) == 4 and all(0 <= pause <= 0.5 for pause in pauses)


def test_wrong_base_url_says_to_check_it(relay):
    with (
        RelayClient(relay.api_url + "/suno/fetch", TOKEN, retry=fast(1)) as misconfigured,
        pytest.raises(RelayResponseError) as caught,
    ):
        misconfigured.fetch_task(str(uuid.uuid4()))
    assert "HTTP 404" in str(caught.value) and "relay URL" in str(caught.value)


# ----------------------------------------------------------------------------- connection check


def test_check_connection_ok(relay, client):
    sentence = client.check_connection()
    assert sentence == f"Connected to {relay.api_url}: the relay accepted the token."
    assert TOKEN not in sentence


def test_check_connection_with_bad_token(relay):
    with RelayClient(relay.api_url, "nope", retry=fast(1)) as bad_client, pytest.raises(AuthError):
        bad_client.check_connection()


def test_check_connection_to_an_html_page(relay, client):
    relay.inject_fault(RelayFault.PROXY_502, times=3)
    with pytest.raises(RelayUnavailable):
        client.check_connection()


# ----------------------------------------------------------------------------- task progress


def test_task_moves_from_not_start_to_success(relay, client):
    task_id = relay.add_music_task(shape="nested", polls_until_success=3)
    seen = [client.fetch_tasks([task_id])[task_id] for _ in range(4)]
    assert [t.status for t in seen] == ["NOT_START", "SUBMITTED", "IN_PROGRESS", "SUCCESS"]
    assert seen[0].clips == ()
    streaming = seen[1].clips[0]
    assert streaming.relay_status == "streaming" and "audiopipe" in streaming.audio_url
    assert streaming.duration is None and streaming.video_url == ""
    done = seen[3].clips[0]
    assert done.is_complete and done.audio_url.endswith(".mp3") and done.duration
    assert relay.poll_counts[task_id] == 4


def test_failed_task_keeps_its_reason(relay, client):
    task_id = relay.add_music_task(final_status="FAILURE", fail_reason="Lyrics flagged by moderation")
    task = client.fetch_task(task_id)
    assert task.status == "FAILURE" and task.fail_reason == "Lyrics flagged by moderation" and task.clips == ()


def test_error_clip_keeps_its_message(relay, client):
    for shape in ("flat", "nested"):
        task_id = relay.add_music_task(shape=shape, clips=1, clip_status="error", clip_error="Audio failed")
        (clip,) = client.fetch_task(task_id).clips
        assert clip.is_error and clip.relay_error == "Audio failed"


# ----------------------------------------------------------------------------- configuration, threads


@pytest.mark.parametrize(
    ("base_url", "token"),
    [("", TOKEN), ("relay.example.com", TOKEN), ("ftp://relay.example.com", TOKEN),
     ("https://relay.example.com", ""), ("https://relay.example.com", "   "),
     ("https://relay.example.com", "two words"), ("https://relay.example.com", "line\nbreak")],
)  # fmt: skip
def test_bad_configuration_is_refused_up_front(base_url, token):
    with pytest.raises(ConfigurationError) as caught:
        RelayClient(base_url, token)
    assert str(caught.value).endswith(".")
    if token.strip():
        assert token not in str(caught.value)


def test_base_url_and_token_are_tidied():
    with RelayClient(" https://relay.example.com/ ", " Bearer abc ") as tidy:
        assert tidy.base_url == "https://relay.example.com"
        prepared = tidy._session.prepare_request(requests.Request("GET", tidy.base_url))
        assert prepared.headers["Authorization"] == "Bearer abc"
        assert "abc" not in repr(tidy._session.auth)


def test_one_client_shared_by_many_threads(relay, client):
    ids = [relay.add_music_task(clips=1, video=False) for _ in range(20)]
    results: list[dict] = []
    errors: list[BaseException] = []

    def worker(chunk):
        try:
            for _ in range(5):
                results.append(client.fetch_tasks(chunk))
                client.fetch_task(chunk[0])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(ids[i : i + 5],)) for i in range(0, 20, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 20 and all(len(r) == 5 for r in results)
    assert client.requests_sent == 40 == len(api_calls(relay))


# ----------------------------------------------------------------------------- the local relay itself


def test_local_relay_rejects_a_batch_body_that_is_not_a_list_of_ids(relay):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for body in ({"ids": "abc"}, {"ids": [1, 2]}, ["abc"], {}):
        answer = requests.post(relay.api_url + "/suno/fetch", json=body, headers=headers, timeout=5)
        assert answer.status_code == 400 and answer.json()["code"] != "success"
    missing_token = requests.get(relay.api_url + "/suno/fetch/abc", timeout=5)
    assert missing_token.status_code == 401 and missing_token.json()["error"]["type"] == "new_api_error"


def test_local_relay_serves_media_on_another_port(relay, client):
    task_id = relay.add_music_task(clips=1, cover="png", polls_until_success=2)
    client.fetch_task(task_id)
    streaming = client.fetch_task(task_id).clips[0]
    done = client.fetch_task(task_id).clips[0]
    assert done.audio_url.startswith(relay.media.base_url) and relay.media.base_url != relay.api_url
    assert streaming.audio_url == f"{relay.media.base_url}/audiopipe/?item_id={done.clip_id}"
    live = requests.get(streaming.audio_url, timeout=5)
    song = requests.get(done.audio_url, timeout=5)
    assert live.ok and song.ok and 0 < len(live.content) < len(song.content)  # a stream's first bytes
    cover = requests.get(done.image_url, timeout=5)
    assert done.image_url.endswith(".jpeg") and cover.content.startswith(b"\x89PNG")  # like real relays
    assert all("authorization" not in r.headers for r in relay.media.requests)
    (media,) = relay.clip_media(task_id)
    assert media["audio_url"] == done.audio_url and media["stream_url"] == streaming.audio_url


def test_demo_catalog_tasks_all_parse():
    from suno_desktop.demo.catalog import start_demo_relay

    demo_relay, ids = start_demo_relay(token="demo")
    try:
        with RelayClient(demo_relay.api_url, "demo", retry=fast(1)) as demo_client:
            tasks = demo_client.fetch_tasks(ids)
    finally:
        demo_relay.stop()
    assert set(tasks) == set(ids) and len(ids) >= 8
    assert {t.action for t in tasks.values()} == {"MUSIC", "LYRICS"}
    assert {t.status for t in tasks.values()} == {"SUCCESS", "FAILURE", "NOT_START"}
    models = {c.model for t in tasks.values() for c in t.clips if c.kind == "music"}
    assert {"chirp-v3", "chirp-v4", "chirp-v3-5"} <= models


def test_a_netrc_entry_does_not_replace_the_token(relay, client, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    client.fetch_task(relay.add_music_task())
    assert [r.authorization for r in relay.api_requests] == [f"Bearer {TOKEN}"]


def test_the_relay_session_comes_from_the_shared_http_stack(relay):
    """The same builder as the media session: a pool per worker, urllib3's Retry, no cookies."""
    with RelayClient(relay.api_url, TOKEN, pool_size=6, retry=fast(3)) as pooled:
        session = pooled._session
        adapter = session.get_adapter(relay.api_url)
        assert adapter._pool_maxsize == 6 and adapter._pool_connections == 6
        assert adapter.max_retries.total == 2 and adapter.max_retries.respect_retry_after_header
        assert list(session.cookies.get_policy().allowed_domains()) == []  # the jar takes no cookie
        assert pooled.fetch_task(relay.add_music_task()).task_id


def test_transport_failures_are_told_apart_from_the_real_exceptions():
    import socket

    import requests

    from suno_desktop.relay.transport import TransportFailure, transport_failure

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def failure_of(url, **kwargs):
        try:
            requests.get(url, timeout=2, **kwargs)
        except requests.RequestException as exc:
            return transport_failure(exc)
        raise AssertionError("the request was answered")

    assert failure_of(f"http://127.0.0.1:{port}/") is TransportFailure.REFUSED
    assert failure_of("http://[::1/") is TransportFailure.UNUSABLE_URL
    assert failure_of("ftp://127.0.0.1/") is TransportFailure.UNUSABLE_URL
    assert failure_of(f"http://127.0.0.1:{port}/", headers={"X": "a\nb"}) is TransportFailure.UNUSABLE_HEADER
