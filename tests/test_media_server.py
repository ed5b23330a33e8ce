"""The loopback media server the demo relay, the download tests and the benchmark rely on,
and the faults the tests add to it (tests/fault_servers.py)."""

from __future__ import annotations

import http.client
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
import urllib3
from fault_servers import DRIP_INTERVAL, FaultyMediaServer, MediaFault, RelayFault

from suno_desktop.demo.media_server import MediaServer
from suno_desktop.demo.relay_server import ApiRoute
from suno_desktop.resources import resource_path

SONG = resource_path("demo", "song-1.mp3")


@pytest.fixture
def demo_media_server():
    """The product's media server, as the demo relay uses it."""
    with MediaServer() as server:
        yield server


def test_serves_file_with_length_and_ranges(demo_media_server):
    url = demo_media_server.add("/song.mp3", SONG, "audio/mpeg")
    assert url == demo_media_server.base_url + "/song.mp3"
    data = SONG.read_bytes()

    whole = requests.get(url, timeout=5)
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["Content-Length"] == str(len(data))
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Content-Type"] == "audio/mpeg"

    tail = requests.get(url, headers={"Range": "bytes=100-"}, timeout=5)
    assert tail.status_code == 206
    assert tail.content == data[100:]
    assert tail.headers["Content-Range"] == f"bytes 100-{len(data) - 1}/{len(data)}"

    middle = requests.get(url, headers={"Range": "bytes=10-19"}, timeout=5)
    assert (middle.status_code, middle.content) == (206, data[10:20])

    beyond = requests.get(url, headers={"Range": f"bytes={len(data)}-"}, timeout=5)
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(data)}"


def test_head_unknown_paths_and_queries(media_server):
    media_server.add("/stream?item_id=x", b"by query", "audio/mpeg")
    media_server.add("/stream", b"plain", "audio/mpeg")
    head = requests.head(media_server.base_url + "/stream?item_id=x", timeout=5)
    assert head.status_code == 200 and head.headers["Content-Length"] == "8" and head.content == b""
    assert requests.get(media_server.base_url + "/stream?item_id=x", timeout=5).content == b"by query"
    assert requests.get(media_server.base_url + "/stream?item_id=y", timeout=5).content == b"plain"
    assert requests.get(media_server.base_url + "/nothing", timeout=5).status_code == 404
    media_server.remove("/stream")
    assert requests.get(media_server.base_url + "/stream", timeout=5).status_code == 404
    assert [r.method for r in media_server.requests] == ["HEAD", "GET", "GET", "GET", "GET"]
    media_server.reset_counters()
    assert media_server.requests == []


def test_range_support_can_be_switched_off(media_server):
    url = media_server.add("/blob", b"0123456789", "application/octet-stream")
    media_server.range_support = False
    response = requests.get(url, headers={"Range": "bytes=5-"}, timeout=5)
    assert response.status_code == 200
    assert response.content == b"0123456789"
    assert "Accept-Ranges" not in response.headers


def test_keep_alive_reuses_one_connection(demo_media_server):
    demo_media_server.add("/a", b"a" * 1000, "text/plain")
    connection = http.client.HTTPConnection("127.0.0.1", demo_media_server.port, timeout=5)
    for _ in range(3):
        connection.request("GET", "/a")
        response = connection.getresponse()
        assert response.read() == b"a" * 1000
    connection.close()


@pytest.mark.parametrize(
    "fault,status",
    [(MediaFault.HTTP_500, 500), (MediaFault.HTTP_503, 503), (MediaFault.HTTP_429, 429), (MediaFault.HTTP_404, 404)],
)
def test_status_faults_fire_the_given_number_of_times(media_server, fault, status):
    url = media_server.add("/x", b"payload", "text/plain")
    media_server.inject_fault("/x", fault, times=2)
    answers = [requests.get(url, timeout=5) for _ in range(3)]
    assert [a.status_code for a in answers] == [status, status, 200]
    if fault is MediaFault.HTTP_429:
        assert answers[0].headers["Retry-After"] == "1"


def test_cut_sends_the_full_length_then_half_the_body(media_server):
    url = media_server.add("/song.mp3", SONG, "audio/mpeg")
    media_server.inject_fault("/song.mp3", MediaFault.CUT)
    response = requests.get(url, stream=True, timeout=5)
    assert response.headers["Content-Length"] == str(SONG.stat().st_size)
    received = response.raw.read(10**7, decode_content=False)
    assert 0 < len(received) < SONG.stat().st_size
    with pytest.raises((urllib3.exceptions.ProtocolError, urllib3.exceptions.IncompleteRead)):
        response.raw.read(10**7, decode_content=False)


def test_reset_and_slow_faults(media_server):
    url = media_server.add("/x", b"payload", "text/plain")
    media_server.inject_fault("/x", MediaFault.RESET)
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)
    media_server.inject_fault("/x", MediaFault.SLOW)
    with pytest.raises(requests.Timeout):
        requests.get(url, timeout=(2, 0.3))
    assert requests.get(url, timeout=5).content == b"payload"


def test_drip_and_stall_send_half_the_body_then_a_byte_at_a_time_or_nothing(media_server):
    body = bytes(range(256)) * 8
    half = len(body) // 2
    url = media_server.add("/x", body, "application/octet-stream")
    address = (urlsplit(url).hostname, urlsplit(url).port)
    for fault in (MediaFault.DRIP, MediaFault.STALL):
        media_server.inject_fault("/x", fault)
        with socket.create_connection(address, timeout=5) as sock:
            sock.sendall(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = http.client.HTTPResponse(sock)
            answer.begin()
            assert answer.getheader("Content-Length") == str(len(body))  # it promises everything
            received = b""
            while len(received) < half:
                received += answer.read1(len(body))
            halfway = time.monotonic()
            if fault is MediaFault.DRIP:
                while len(received) < half + 2:
                    received += answer.read1(len(body))
                assert time.monotonic() - halfway >= DRIP_INTERVAL * 0.9  # two bytes: 2 intervals, less any lag
                assert received == body[: len(received)]
            else:
                sock.settimeout(0.3)
                with pytest.raises(TimeoutError):
                    answer.read1(len(body))
                assert received == body[:half]
    assert requests.get(url, timeout=5).content == body  # the faults are used up


def test_no_length_answers_without_a_length_and_ranges(media_server):
    url = media_server.add("/song.mp3", SONG, "audio/mpeg")
    media_server.inject_fault("/song.mp3", MediaFault.NO_LENGTH)
    response = requests.get(url, timeout=5, headers={"Range": "bytes=10-"})
    assert response.status_code == 200 and response.content == SONG.read_bytes()
    assert "Content-Length" not in response.headers and "Accept-Ranges" not in response.headers
    media_server.send_lengths = False
    assert "Content-Length" not in requests.get(url, timeout=5).headers


def test_redirects(media_server):
    media_server.add("/target", b"here", "text/plain")
    url = media_server.add_redirect("/moved", "/target", status=301)
    response = requests.get(url, timeout=5)
    assert response.content == b"here"
    assert response.history[0].status_code == 301


def test_generated_content_is_deterministic_and_range_exact(media_server):
    size = 3 * (1 << 20) + 12345
    url = media_server.add_generated("/gen.bin", size, "application/octet-stream", seed=7)
    body = requests.get(url, timeout=10).content
    assert len(body) == size
    assert body == FaultyMediaServer.generated_bytes(size, seed=7)
    assert body != FaultyMediaServer.generated_bytes(size, seed=8)
    # every 1 MiB block differs, so a resume at a wrong offset cannot go unnoticed
    assert body[: 1 << 20] != body[1 << 20 : 2 << 20]
    start = (1 << 20) - 5
    part = requests.get(url, headers={"Range": f"bytes={start}-{start + 99}"}, timeout=10)
    assert part.content == body[start : start + 100] == FaultyMediaServer.generated_bytes(size, 7, start, 100)
    assert b"".join(FaultyMediaServer.iter_generated_bytes(size, 7, start=size - 10)) == body[-10:]


def test_stop_closes_idle_keep_alive_connections():
    server = MediaServer().start()
    server.add("/a", b"a", "text/plain")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while not answer.endswith(b"\r\n\r\na"):
        answer += sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200")
    server.stop()
    assert sock.recv(4096) == b""  # the server hung up instead of leaving a thread behind
    sock.close()


def test_the_demo_servers_that_ship_have_no_faults():
    """Fault injection lives in tests/fault_servers.py; the app's demo servers only do what a relay does."""
    from suno_desktop.demo.relay_server import LocalRelay

    for server_class in (MediaServer, LocalRelay):
        assert not any("fault" in name for name in dir(server_class)), server_class


def test_a_fault_is_named_by_its_enum_member_not_a_string(media_server, relay):
    with pytest.raises(TypeError):
        media_server.inject_fault("/x", "cut")
    with pytest.raises(TypeError):
        relay.inject_fault("429")
    with pytest.raises(TypeError):
        relay.inject_submit_fault(RelayFault.HTTP_429)  # a fetch's fault is no submit's
    with pytest.raises(ValueError):
        relay.inject_fault(RelayFault.HTTP_429, route=ApiRoute.SUBMIT)


def test_the_demo_relays_public_hooks_answer_read_and_change_a_task():
    """A subclass answers in ``intercept`` before auth; ``edit_task`` changes what ``render_task`` sends."""
    from suno_desktop.demo.relay_server import LocalRelay, RelayRequestHandler

    class TeapotHandler(RelayRequestHandler):
        def intercept(self, route: ApiRoute) -> bool:
            if route is not ApiRoute.FETCH_ONE:
                return False
            self.send_api_error(418, "I'm a teapot")
            return True

    class TeapotRelay(LocalRelay):
        handler_class = TeapotHandler

    with TeapotRelay(token="t") as relay:
        task_id = relay.add_music_task(clips=1)
        assert requests.get(f"{relay.api_url}/suno/fetch/{task_id}", timeout=5).status_code == 418  # no token
        assert requests.post(f"{relay.api_url}/suno/fetch", json={"ids": [task_id]}, timeout=5).status_code == 401
        with relay.edit_task(task_id) as task:
            task.clips[0]["title"] = "Edited"
        assert relay.task_ids() == [task_id.lower()]
        assert relay.render_task(task_id)["data"][0]["title"] == "Edited"
