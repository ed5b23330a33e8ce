"""download_file against a real loopback HTTP server that fails on purpose."""

from __future__ import annotations

import email.utils
import errno
import hashlib
import os
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from fault_servers import FaultyMediaServer, MediaFault
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from sync_helpers import QUICK, fast, quick

from suno_desktop import __version__
from suno_desktop.http_session import MAX_REDIRECTS, MediaSession, retry_after
from suno_desktop.media import download, durable_writes, part_file
from suno_desktop.media.download import (
    DownloadCancelled,
    DownloadError,
    DownloadPlan,
    UnsafeURL,
    download_file,
    make_media_session,
    part_path,
)
from suno_desktop.media.leading_tag import finish_mp3, id3_prefix
from suno_desktop.media.tagging import TagOptions, read_clip_id, write_id3_tags
from suno_desktop.model import Clip
from suno_desktop.resources import resource_path
from suno_desktop.retry_policy import DEFAULT_RETRY, RetryPolicy

DEMO = resource_path("demo")
SONG = DEMO / "song-1.mp3"


def assert_nothing_left(folder: Path, target: Path) -> None:
    assert not target.exists()
    assert list(folder.iterdir()) == [], "a failed download must not leave files behind"


def test_happy_path_reports_progress_and_leaves_no_part_file(media_server, session, song_url, tmp_path):
    calls: list[tuple[int, int | None]] = []
    result = download_file(
        session,
        song_url,
        tmp_path / "song.mp3",
        quick(chunk_size=16 * 1024),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result.path == tmp_path / "song.mp3"
    assert result.path.read_bytes() == SONG.read_bytes()
    assert result.size == SONG.stat().st_size
    assert (result.content_type, result.resumed) == ("audio/mpeg", False)
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]
    assert calls[-1] == (result.size, result.size)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert media_server.requests[0].headers["user-agent"] == f"SunoDesktop/{__version__}"


def test_creates_the_target_folder(session, song_url, tmp_path):
    result = download_file(session, song_url, tmp_path / "a" / "b" / "song.mp3", QUICK)
    assert result.path.read_bytes() == SONG.read_bytes()


def test_short_body_is_detected_against_content_length(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    with pytest.raises(DownloadError) as caught:
        download_file(session, song_url, tmp_path / "song.mp3", quick(attempts=1))
    assert re.fullmatch(
        r"The download of 127\.0\.0\.1:\d+/media/song\.mp3 was cut off after 72\.4 kB of 144\.8 kB"
        r" \(1 attempt\); it will be retried\.",
        caught.value.message,
    )
    assert_nothing_left(tmp_path, tmp_path / "song.mp3")


def test_cut_off_resumes_with_range(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    result = download_file(session, song_url, tmp_path / "song.mp3", QUICK)
    size = SONG.stat().st_size
    assert result.resumed
    assert result.path.read_bytes() == SONG.read_bytes()
    first, second = media_server.requests
    assert "range" not in first.headers
    assert second.headers["range"] == f"bytes={size // 2}-"


def test_server_without_range_support_starts_over(media_server, session, song_url, tmp_path):
    media_server.range_support = False
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    result = download_file(session, song_url, tmp_path / "song.mp3", QUICK)
    assert not result.resumed
    assert result.path.read_bytes() == SONG.read_bytes()
    assert [("range" in r.headers) for r in media_server.requests] == [False, False]


def test_server_ignoring_range_makes_the_download_start_over(media_server, session, song_url, tmp_path):
    """It advertises ranges on the first answer, then answers 200 to the resume."""
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    original = media_server.lookup

    def lookup(raw_path):
        if len(media_server.requests) == 2:
            media_server.range_support = False
        return original(raw_path)

    media_server.lookup = lookup
    result = download_file(session, song_url, tmp_path / "song.mp3", QUICK)
    assert media_server.requests[1].headers["range"].startswith("bytes=")
    assert not result.resumed
    assert result.path.read_bytes() == SONG.read_bytes()


def test_cut_off_on_every_attempt_gives_up_cleanly(media_server, session, song_url, tmp_path):
    media_server.range_support = False
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT, times=10)
    with pytest.raises(DownloadError, match=r"cut off .*\(3 attempts\)"):
        download_file(session, song_url, tmp_path / "song.mp3", quick(attempts=3))
    assert len(media_server.requests) == 3
    assert_nothing_left(tmp_path, tmp_path / "song.mp3")


def test_existing_target_survives_a_failed_download(media_server, session, song_url, tmp_path):
    target = tmp_path / "song.mp3"
    target.write_bytes(b"the old, complete file")
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT, times=2)
    with pytest.raises(DownloadError):
        download_file(session, song_url, target, quick(attempts=2))
    assert target.read_bytes() == b"the old, complete file"
    assert not part_path(target).exists()
    download_file(session, song_url, target, QUICK)
    assert target.read_bytes() == SONG.read_bytes()


def test_404_fails_at_once(media_server, session, tmp_path):
    with pytest.raises(DownloadError) as caught:
        download_file(session, media_server.base_url + "/missing.mp3", tmp_path / "x.mp3", QUICK)
    assert caught.value.status == 404
    assert "HTTP 404 (Not Found)" in caught.value.message
    assert len(media_server.requests) == 1
    assert_nothing_left(tmp_path, tmp_path / "x.mp3")


@pytest.mark.parametrize("fault", [MediaFault.HTTP_404, MediaFault.HTTP_500])
def test_status_failures_use_their_own_rules(media_server, session, song_url, tmp_path, fault):
    media_server.inject_fault("/media/song.mp3", fault, times=10)
    with pytest.raises(DownloadError):
        download_file(session, song_url, tmp_path / "song.mp3", quick(attempts=3))
    assert len(media_server.requests) == (1 if fault is MediaFault.HTTP_404 else 3)


class PauseRecorder(threading.Event):
    """A cancel event that is never set and records the pauses waited on it instead of waiting them."""

    def __init__(self) -> None:
        super().__init__()
        self.pauses: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.pauses.append(timeout)
        return False


@pytest.mark.parametrize(("cap", "pauses"), [(30.0, [0.25, 1.0]), (0.5, [0.25, 0.5])])
def test_429_and_503_are_retried_honouring_retry_after_up_to_the_cap(
    media_server, session, song_url, tmp_path, cap, pauses
):
    media_server.inject_fault("/media/song.mp3", MediaFault.HTTP_503)
    media_server.inject_fault("/media/song.mp3", MediaFault.HTTP_429)  # Retry-After: 1
    policy, clock = RetryPolicy(attempts=3, backoff=0.25, cap=cap, jitter=0.0), PauseRecorder()
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(retry=policy), cancel=clock)
    assert clock.pauses == pauses  # the backoff after the 503, the Retry-After after the 429
    assert result.path.read_bytes() == SONG.read_bytes()
    assert len(media_server.requests) == 3


def test_the_attempts_are_the_policys_and_the_session_gives_the_default(media_server, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.HTTP_500, times=10)
    with make_media_session(retry=fast(4)) as session, pytest.raises(DownloadError, match=r"\(4 attempts\)"):
        download_file(session, song_url, tmp_path / "song.mp3", DownloadPlan(timeout=(2.0, 2.0)))
    assert len(media_server.requests) == 4


def test_connection_reset_is_retried(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.RESET, times=2)
    result = download_file(session, song_url, tmp_path / "song.mp3", QUICK)
    assert result.path.read_bytes() == SONG.read_bytes()


def test_read_timeout_is_retried_then_reported(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.SLOW)
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(timeout=(2, 0.3)))
    assert result.path.read_bytes() == SONG.read_bytes()

    media_server.inject_fault("/media/song.mp3", MediaFault.SLOW, times=2)
    with pytest.raises(DownloadError, match=r"timed out \(2 attempts\)"):
        download_file(session, song_url, tmp_path / "again.mp3", quick(timeout=(2, 0.3), attempts=2))
    assert not (tmp_path / "again.mp3").exists()


def test_redirects_are_followed(media_server, session, song_url, tmp_path):
    hop = media_server.add_redirect("/r1", "/r2", status=307)
    media_server.add_redirect("/r2", song_url, status=302)
    result = download_file(session, hop, tmp_path / "song.mp3", QUICK)
    assert result.path.read_bytes() == SONG.read_bytes()
    assert [r.path for r in media_server.requests] == ["/r1", "/r2", "/media/song.mp3"]


def test_redirect_loops_stop(media_server, session, tmp_path):
    url = media_server.add_redirect("/loop", "/loop")
    with pytest.raises(DownloadError, match="redirected more than 5 times"):
        download_file(session, url, tmp_path / "x.mp3", QUICK)
    assert len(media_server.requests) == 6
    assert_nothing_left(tmp_path, tmp_path / "x.mp3")


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/song.mp3", "javascript:alert(1)"])
def test_redirect_to_a_non_http_address_is_refused(media_server, session, tmp_path, location):
    url = media_server.add_redirect("/evil", location)
    with pytest.raises(UnsafeURL, match=r"redirected to a .* address; only http and https are allowed"):
        download_file(session, url, tmp_path / "x.mp3", QUICK)
    assert_nothing_left(tmp_path, tmp_path / "x.mp3")


@pytest.mark.parametrize("location", ["http://[::1/song.mp3", "http://[not-an-address]/x.mp3"])
def test_redirect_to_an_unreadable_address_is_an_error(media_server, session, tmp_path, location):
    url = media_server.add_redirect("/odd", location)
    with pytest.raises(DownloadError, match="was redirected to an invalid address") as caught:
        download_file(session, url, tmp_path / "x.mp3", QUICK)
    assert not isinstance(caught.value, UnsafeURL)
    assert_nothing_left(tmp_path, tmp_path / "x.mp3")


def test_a_redirect_to_another_host_gets_no_netrc_credentials(media_server, song_url, tmp_path, monkeypatch):
    """requests would look the new host up in ~/.netrc after a redirect; a media session does not."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login user password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    other_host = song_url.replace("127.0.0.1", "localhost")
    url = media_server.add_redirect("/elsewhere", other_host)
    with make_media_session() as session:
        download_file(session, url, tmp_path / "song.mp3", QUICK)
    assert [r.path for r in media_server.requests] == ["/elsewhere", "/media/song.mp3"]
    assert all("authorization" not in r.headers for r in media_server.requests)


def test_download_file_takes_only_a_media_session(song_url, tmp_path):
    with requests.Session() as plain, pytest.raises(TypeError, match="needs the MediaSession"):
        download_file(plain, song_url, tmp_path / "song.mp3", QUICK)


def test_the_media_session_is_requests_with_a_pool_per_job(no_proxy_environment, tmp_path):
    no_proxy_environment.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    with make_media_session(pool_size=7) as session:
        assert isinstance(session, (MediaSession, requests.Session))
        adapter = session.get_adapter("https://cdn.example/song.mp3")
        assert adapter is session.get_adapter("http://cdn.example/song.mp3")
        assert adapter._pool_maxsize == 7 and adapter._pool_connections == 7
        assert adapter.max_retries.total == 0  # every try, a failed connect included, is the policy's
        assert session.max_redirects == MAX_REDIRECTS
        # no proxy configured: the environment was read once, here
        assert session.trust_env is False and session.verify == str(tmp_path / "ca.pem")


def test_with_a_proxy_configured_requests_reads_the_environment(no_proxy_environment):
    no_proxy_environment.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    with make_media_session() as session:
        assert session.trust_env is True and session.verify is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        (" 7 ", 7.0),
        ("3600", DEFAULT_RETRY.cap),
        ("soon", None),
        ("", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: at once
    ],
)
def test_retry_after_in_both_forms(value, expected):
    response = requests.Response()
    response.headers["Retry-After"] = value
    assert retry_after(response, DEFAULT_RETRY.cap) == expected


def test_retry_after_as_a_date_to_come():
    response = requests.Response()
    response.headers["Retry-After"] = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 8 <= retry_after(response, DEFAULT_RETRY.cap) <= 10


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/song.mp3", "file:///etc/passwd", "/relative/path.mp3", ""])
def test_non_http_urls_are_refused(session, tmp_path, url):
    with pytest.raises(UnsafeURL, match="only http and https addresses are allowed"):
        download_file(session, url, tmp_path / "x.mp3")
    assert_nothing_left(tmp_path, tmp_path / "x.mp3")


def test_url_without_host_is_an_error(session, tmp_path):
    with pytest.raises(DownloadError, match="names no host"):
        download_file(session, "http:///song.mp3", tmp_path / "x.mp3")


def test_messages_never_show_the_query_string(media_server, session, tmp_path):
    url = media_server.base_url + "/missing.mp3?token=SECRET"
    with pytest.raises(DownloadError) as caught:
        download_file(session, url, tmp_path / "x.mp3", QUICK)
    assert "SECRET" not in caught.value.message


def test_no_authorization_header_ever_reaches_the_media_host(media_server, song_url, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login user password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    requests.get(song_url, timeout=5)  # control: plain requests would send the netrc credentials
    assert "authorization" in media_server.requests[-1].headers
    media_server.reset_counters()

    session = make_media_session()
    assert "Authorization" not in session.headers
    session.headers["Authorization"] = "Bearer relay-token"  # a careless caller
    session.auth = ("user", "password")
    redirect = media_server.add_redirect("/hop", song_url)
    download_file(session, redirect, tmp_path / "a.mp3", QUICK)
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    download_file(session, song_url, tmp_path / "b.mp3", QUICK)
    session.close()
    assert len(media_server.requests) == 4
    for request in media_server.requests:
        assert "authorization" not in request.headers


def test_session_defaults_ask_for_the_stored_bytes(media_server, session, song_url, tmp_path):
    assert session.headers["accept-encoding"] == "identity"  # in the session, not in every request
    download_file(session, song_url, tmp_path / "song.mp3", QUICK)
    headers = media_server.requests[0].headers
    assert headers["accept-encoding"] == "identity"
    assert "cookie" not in headers and "authorization" not in headers


def test_connections_are_kept_alive(media_server, session, song_url, tmp_path):
    opened = []
    track = media_server._track
    media_server._track = lambda connection, alive: (
        opened.append(connection) if alive else None,
        track(connection, alive),
    )
    for index in range(5):
        download_file(session, song_url, tmp_path / f"song-{index}.mp3", QUICK)
    assert len(media_server.requests) == 5
    assert len(opened) == 1


def test_refused_connection_is_not_called_a_timeout(session, tmp_path):
    with pytest.raises(DownloadError, match=r"failed because the server could not be reached \(1 attempt\)"):
        download_file(session, "http://127.0.0.1:9/song.mp3", tmp_path / "x.mp3", quick(attempts=1))


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/song.mp3", "http://exa mple.com/song.mp3"])
def test_invalid_addresses_fail_at_once(session, tmp_path, url):
    with pytest.raises(DownloadError, match="is not a valid web address"):
        download_file(session, url, tmp_path / "x.mp3", QUICK)


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def no_proxy_environment(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)
    return monkeypatch


def test_proxy_from_the_environment_is_used(media_server, tmp_path, no_proxy_environment):
    no_proxy_environment.setenv("HTTP_PROXY", media_server.base_url)  # the media server plays the proxy
    media_server.add("/media/song.mp3", SONG, "audio/mpeg")
    lookup = media_server.lookup
    media_server.lookup = lambda raw_path: lookup(urlsplit(raw_path).path if "://" in raw_path else raw_path)
    with make_media_session() as session:
        session.headers["Authorization"] = "Bearer relay-token"
        result = download_file(session, "http://media.invalid/media/song.mp3", tmp_path / "song.mp3", QUICK)
    assert result.path.read_bytes() == SONG.read_bytes()
    (request,) = media_server.requests
    assert request.path == "http://media.invalid/media/song.mp3"  # absolute form: a proxy request
    assert "authorization" not in request.headers


def test_no_proxy_bypasses_the_proxy(song_url, tmp_path, no_proxy_environment):
    no_proxy_environment.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    no_proxy_environment.setenv("NO_PROXY", "127.0.0.1,localhost")
    with make_media_session() as session:
        assert download_file(session, song_url, tmp_path / "song.mp3", QUICK).size == SONG.stat().st_size


def test_the_environment_is_read_when_the_session_is_made(song_url, tmp_path, no_proxy_environment):
    with make_media_session() as session:
        no_proxy_environment.setenv("HTTP_PROXY", "http://127.0.0.1:9")
        assert download_file(session, song_url, tmp_path / "song.mp3", QUICK).size == SONG.stat().st_size


def test_a_download_is_fsynced_and_its_folder_too_before_it_returns(
    media_server, session, song_url, tmp_path, monkeypatch
):
    synced: list[Path] = []
    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(part_file, "sync_directory", synced.append)
    monkeypatch.setattr(part_file.os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd)))
    download_file(session, song_url, tmp_path / "a.mp3", QUICK)
    assert (synced, len(fsyncs)) == ([tmp_path], 1)


def test_suffix_comes_from_the_bytes(media_server, session, tmp_path):
    png_url = media_server.add("/image/cover.jpeg", DEMO / "cover-2.png", "image/jpeg")
    result = download_file(session, png_url, tmp_path / "cover.jpeg", quick(suffix_from_content=True))
    assert result.path == tmp_path / "cover.png"
    assert result.content_type == "image/png"
    assert result.path.read_bytes() == (DEMO / "cover-2.png").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["cover.png"]

    jpeg_url = media_server.add("/image/cover", DEMO / "cover-1.jpg", "application/octet-stream")
    result = download_file(session, jpeg_url, tmp_path / "other.img", quick(suffix_from_content=True))
    assert (result.path.name, result.content_type) == ("other.jpg", "image/jpeg")

    odd_url = media_server.add("/image/odd", b"not an image at all", "image/jpeg")
    with pytest.raises(DownloadError, match=r"^The CDN answered with text instead of the cover odd\.jpg;"):
        download_file(session, odd_url, tmp_path / "odd.jpg", quick(suffix_from_content=True))
    assert not (tmp_path / "odd.jpg").exists()  # a header saying image is not enough: the bytes must


def test_a_sniffed_name_never_overwrites_another_file(media_server, session, tmp_path):
    (tmp_path / "cover.png").write_bytes(b"somebody else's picture")
    png_url = media_server.add("/image/cover.jpeg", DEMO / "cover-2.png", "image/jpeg")
    result = download_file(session, png_url, tmp_path / "cover.jpg", quick(suffix_from_content=True))
    assert result.path == tmp_path / "cover (2).png"
    assert (tmp_path / "cover.png").read_bytes() == b"somebody else's picture"
    assert result.path.read_bytes() == (DEMO / "cover-2.png").read_bytes()


def test_cancel_leaves_a_part_file_the_next_download_goes_on_from(media_server, session, tmp_path):
    size = 50_000_000
    url = media_server.add_generated("/big.bin", size, "application/octet-stream")
    cancel = threading.Event()

    def progress(done, total):
        if done >= 1_000_000:
            cancel.set()

    target = tmp_path / "big.bin"
    with pytest.raises(DownloadCancelled, match="was cancelled"):
        download_file(session, url, target, quick(chunk_size=64 * 1024), progress=progress, cancel=cancel)
    assert [p.name for p in tmp_path.iterdir()] == [part_path(target).name]  # never the real name

    media_server.reset_counters()
    result = download_file(session, url + "?signature=new", target, QUICK)  # signed URLs change
    assert result.resumed and result.size == size
    (request,) = media_server.requests
    assert int(re.fullmatch(r"bytes=(\d+)-", request.headers["range"]).group(1)) >= 1_000_000
    expected = hashlib.sha256()
    for chunk in FaultyMediaServer.iter_generated_bytes(size):
        expected.update(chunk)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == expected.hexdigest()
    assert [p.name for p in tmp_path.iterdir()] == ["big.bin"]


def test_a_cancelled_download_that_cannot_resume_leaves_nothing(media_server, session, tmp_path):
    media_server.range_support = False
    url = media_server.add_generated("/big.bin", 20_000_000, "application/octet-stream")
    cancel = threading.Event()
    with pytest.raises(DownloadCancelled):
        download_file(
            session, url, tmp_path / "big.bin", QUICK, progress=lambda done, total: cancel.set(), cancel=cancel
        )
    assert_nothing_left(tmp_path, tmp_path / "big.bin")


@pytest.mark.parametrize("change", ["prefix", "path"])
def test_a_part_left_for_another_prefix_or_address_is_started_over(media_server, session, tmp_path, change):
    size = 5_000_000
    url = media_server.add_generated("/a/big.bin", size, "application/octet-stream")
    other = media_server.add_generated("/b/big.bin", size, "application/octet-stream")
    cancel = threading.Event()
    target = tmp_path / "big.bin"
    with pytest.raises(DownloadCancelled):
        download_file(
            session, url, target, quick(prefix=b"OLD"), progress=lambda done, total: cancel.set(), cancel=cancel
        )
    assert part_path(target).exists()
    media_server.reset_counters()
    prefix = b"NEW" if change == "prefix" else b"OLD"
    result = download_file(session, other if change == "path" else url, target, quick(prefix=prefix))
    assert not result.resumed and "range" not in media_server.requests[0].headers
    assert target.read_bytes() == prefix + FaultyMediaServer.generated_bytes(size)


def test_a_part_file_that_does_not_fit_is_started_over(media_server, session, song_url, tmp_path):
    target = tmp_path / "song.mp3"
    part_path(target).write_bytes(b"left by a crash, with no word about what it holds")
    result = download_file(session, song_url, target, QUICK)
    assert not result.resumed and target.read_bytes() == SONG.read_bytes()
    assert "range" not in media_server.requests[0].headers


def test_cancel_interrupts_the_backoff_wait(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.HTTP_500, times=10)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(DownloadCancelled):
        download_file(session, song_url, tmp_path / "song.mp3", quick(retry=RetryPolicy(backoff=20)), cancel=cancel)
    assert time.monotonic() - started < 5
    assert_nothing_left(tmp_path, tmp_path / "song.mp3")


def test_full_disk_is_a_clear_error(media_server, session, song_url, tmp_path, monkeypatch):
    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(part_file.os, "fsync", no_space)
    with pytest.raises(DownloadError, match=r"^The disk is full: song\.mp3 could not be saved"):
        download_file(session, song_url, tmp_path / "song.mp3", QUICK)
    monkeypatch.undo()
    assert_nothing_left(tmp_path, tmp_path / "song.mp3")


def test_concurrent_downloads_share_one_session(media_server, session, tmp_path):
    sources = {
        "song-1.mp3": DEMO / "song-1.mp3",
        "song-2.mp3": DEMO / "song-2.mp3",
        "song-3.mp3": DEMO / "song-3.mp3",
        "video-1.mp4": DEMO / "video-1.mp4",
        "cover-1.jpg": DEMO / "cover-1.jpg",
        "cover-2.png": DEMO / "cover-2.png",
    }
    urls = {name: media_server.add(f"/m/{name}", path, "application/octet-stream") for name, path in sources.items()}
    generated = {f"gen-{i}.bin": (3_000_000 + i, i) for i in range(6)}
    for name, (size, seed) in generated.items():
        urls[name] = media_server.add_generated(f"/m/{name}", size, "application/octet-stream", seed=seed)
    for name, fault in zip(
        urls,
        [MediaFault.CUT, MediaFault.HTTP_500, MediaFault.RESET, MediaFault.CUT, MediaFault.HTTP_503, MediaFault.CUT],
    ):
        media_server.inject_fault(f"/m/{name}", fault)

    results: dict[str, Path] = {}
    errors: list[BaseException] = []

    def fetch(name: str) -> None:
        try:
            results[name] = download_file(session, urls[name], tmp_path / name, QUICK).path
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fetch, args=(name,)) for name in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for name, path in sources.items():
        assert results[name].read_bytes() == path.read_bytes()
    for name, (size, seed) in generated.items():
        assert results[name].read_bytes() == FaultyMediaServer.generated_bytes(size, seed)


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field}:\s+(\d+) kB", status.read(), re.MULTILINE).group(1))


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc to measure peak memory")
def test_big_download_keeps_memory_flat(media_server, session, tmp_path):
    size = int(os.environ.get("SUNO_BIG_DOWNLOAD_MB", "1024")) * 1024 * 1024
    if shutil.disk_usage(tmp_path).free < size * 1.5:
        pytest.skip("not enough free disk space for the big download")
    url = media_server.add_generated("/big.bin", size, "application/octet-stream", seed=42)
    media_server.inject_fault("/big.bin", MediaFault.CUT)  # also resume once, half-way through
    target = tmp_path / "big.bin"
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")  # reset the peak (VmHWM) to the current RSS
    except OSError:
        pytest.skip("cannot reset the peak memory counter here")
    before = _memory_kb("VmRSS")
    try:
        result = download_file(session, url, target, QUICK)
        peak = _memory_kb("VmHWM")
        assert result.size == size and result.resumed
        assert (peak - before) < 20 * 1024, f"peak memory grew by {(peak - before) // 1024} MB"
        expected, actual = hashlib.sha256(), hashlib.sha256()
        for chunk in FaultyMediaServer.iter_generated_bytes(size, seed=42):
            expected.update(chunk)
        with open(target, "rb") as downloaded:
            for chunk in iter(lambda: downloaded.read(1 << 20), b""):
                actual.update(chunk)
        assert actual.hexdigest() == expected.hexdigest()
    finally:
        target.unlink(missing_ok=True)


# --------------------------------------------------------------------------- before_commit


def test_before_commit_sees_the_whole_body_once_after_a_resume(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    seen: list[bytes] = []
    result = download_file(
        session, song_url, tmp_path / "song.mp3", quick(before_commit=lambda part: seen.append(part.read_bytes()))
    )
    assert result.resumed and seen == [SONG.read_bytes()]


def test_before_commit_sees_only_the_new_body_when_the_download_starts_over(media_server, session, song_url, tmp_path):
    media_server.range_support = False
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    seen: list[bytes] = []
    result = download_file(
        session, song_url, tmp_path / "song.mp3", quick(before_commit=lambda part: seen.append(part.read_bytes()))
    )
    assert not result.resumed and seen == [SONG.read_bytes()]


def test_a_resumed_download_tagged_before_commit_reads_back_with_mutagen(media_server, session, song_url, tmp_path):
    """What the sync does: the .part is tagged with mutagen once the whole body is there."""
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    clip = Clip(clip_id="clip-1", task_id="task-1", title="Midnight Drive", relay_status="complete", audio_url=song_url)
    target = tmp_path / "song.mp3"
    result = download_file(
        session,
        song_url,
        target,
        quick(before_commit=lambda part: write_id3_tags(part, clip, TagOptions(), None, name=target.name)),
    )
    assert result.resumed and result.size == SONG.stat().st_size  # the body's size, as served
    tags = ID3(target)
    assert tags["TIT2"].text == ["Midnight Drive"] and read_clip_id(target) == "clip-1"
    assert target.read_bytes()[tags.size :] == SONG.read_bytes()
    assert MP3(target).info.length == pytest.approx(MP3(SONG).info.length)


def test_prefix_goes_in_front_of_the_body_and_survives_a_resume(media_server, session, song_url, tmp_path):
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(prefix=b"TAG!" * 4))
    assert result.resumed and result.size == SONG.stat().st_size  # the body only
    assert result.path.read_bytes() == b"TAG!" * 4 + SONG.read_bytes()
    assert media_server.requests[1].headers["range"] == f"bytes={SONG.stat().st_size // 2}-"  # body offsets


def test_prefix_is_written_again_when_the_download_starts_over(media_server, session, song_url, tmp_path):
    media_server.range_support = False
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(prefix=b"[room]"))
    assert not result.resumed
    assert result.path.read_bytes() == b"[room]" + SONG.read_bytes()


def test_a_resumed_download_with_a_leading_tag_reads_back_with_mutagen(media_server, session, song_url, tmp_path):
    """What the sync does with a new MP3: its tag goes in front as the audio arrives."""
    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)
    clip = Clip(clip_id="clip-2", task_id="task-1", title="Night Drive", relay_status="complete", audio_url=song_url)
    target = tmp_path / "song.mp3"
    prefix = id3_prefix(clip, TagOptions(), None)
    result = download_file(
        session,
        song_url,
        target,
        quick(
            prefix=prefix,
            before_commit=lambda part: finish_mp3(part, len(prefix), clip, TagOptions(), None, name=target.name),
        ),
    )
    assert result.resumed and target.read_bytes() == prefix + SONG.read_bytes()
    assert ID3(target)["TIT2"].text == ["Night Drive"] and read_clip_id(target) == "clip-2"
    assert write_id3_tags(target, clip, TagOptions(), None) is False


def test_before_commit_sees_the_complete_file_before_it_gets_its_name(media_server, session, song_url, tmp_path):
    target = tmp_path / "song.mp3"
    seen: list[tuple[str, bytes, bool]] = []

    def before_commit(part: Path) -> None:
        seen.append((part.name, part.read_bytes(), target.exists()))
        with open(part, "ab") as handle:
            handle.write(b"TAG")

    download_file(session, song_url, target, quick(before_commit=before_commit))
    assert seen == [(part_path(target).name, SONG.read_bytes(), False)]
    assert target.read_bytes() == SONG.read_bytes() + b"TAG"


def test_a_failing_before_commit_leaves_nothing_behind(media_server, session, song_url, tmp_path):
    target = tmp_path / "song.mp3"
    target.write_bytes(b"the user's old file")

    def before_commit(part: Path) -> None:
        raise ValueError("tagging failed")

    with pytest.raises(ValueError, match="tagging failed"):
        download_file(session, song_url, target, quick(before_commit=before_commit))
    assert target.read_bytes() == b"the user's old file"
    assert [p.name for p in tmp_path.iterdir()] == ["song.mp3"]


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this platform")
def test_written_data_is_flushed_behind_in_windows(media_server, session, tmp_path, monkeypatch):
    size = 5 * download.FLUSH_BEHIND_BYTES + 1234
    url = media_server.add_generated("/media/big.bin", size, "application/octet-stream", seed=3)
    calls: list[tuple[int, int, int]] = []

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        calls.append((offset, length, advice))
        os.posix_fadvise(fd, offset, length, advice)

    monkeypatch.setattr(durable_writes, "_fadvise", fadvise)
    result = download_file(session, url, tmp_path / "big.bin", quick(chunk_size=64 * 1024))
    assert result.size == size
    assert (
        hashlib.sha256(result.path.read_bytes()).hexdigest()
        == hashlib.sha256(requests.get(url, timeout=5).content).hexdigest()
    )
    assert len(calls) == 5 and {advice for _, _, advice in calls} == {os.POSIX_FADV_DONTNEED}
    ends = [offset + length for offset, length, _ in calls]
    assert ends == [n * download.FLUSH_BEHIND_BYTES for n in range(1, 6)]
    # each call also covers the window before it, written back by then, so it leaves the cache
    assert [offset for offset, _, _ in calls] == [0, 0, *ends[:3]]


def test_without_fadvise_the_fsync_does_it_all(media_server, session, song_url, tmp_path, monkeypatch):
    monkeypatch.setattr(durable_writes, "_fadvise", None)
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(chunk_size=16 * 1024))
    assert result.path.read_bytes() == SONG.read_bytes()


@pytest.mark.parametrize("head_size", [16 * 1024, 100 * 1024, 1024 * 1024])  # cut after, in, or all head
def test_a_head_is_rewritten_once_whole_and_a_resume_still_lands_right(
    media_server, session, song_url, tmp_path, head_size
):
    seen: list[int] = []

    def rewrite(head: bytes) -> bytes:
        seen.append(len(head))
        return b"[tagged]" + head

    media_server.inject_fault("/media/song.mp3", MediaFault.CUT)  # at half the body, then resumed with Range
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(head=(head_size, rewrite)))
    body = SONG.read_bytes()
    assert result.resumed and result.size == len(body)
    assert result.path.read_bytes() == b"[tagged]" + body  # the head rewritten, the rest behind it
    (given,) = seen  # once, with the head whole: at least head_size bytes (whole chunks), or all the body
    assert min(head_size, len(body)) <= given <= len(body)


def test_a_head_left_alone_is_written_as_it_came(media_server, session, song_url, tmp_path):
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(head=(4096, lambda head: None)))
    assert result.path.read_bytes() == SONG.read_bytes()


def test_a_request_on_a_connection_the_server_closed_is_sent_again_uncounted(
    media_server, session, song_url, tmp_path, monkeypatch
):
    import http.client

    import urllib3.exceptions

    calls = []
    real_get = session.get

    def get(*args, **kwargs):
        calls.append(kwargs.get("headers"))
        if len(calls) == 1:  # what urllib3 raises when it reused a connection the server had closed
            closed = http.client.RemoteDisconnected("Remote end closed connection without response")
            raise requests.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", closed))
        return real_get(*args, **kwargs)

    monkeypatch.setattr(session, "get", get)
    result = download_file(session, song_url, tmp_path / "song.mp3", quick(attempts=1))
    assert result.path.is_file() and len(calls) == 2  # one attempt allowed, and it was not used up


def test_a_server_that_refuses_connections_still_fails_within_its_attempts(session, tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match=r"could not be reached \(2 attempts\)"):
        download_file(session, f"http://127.0.0.1:{port}/x.mp3", tmp_path / "x.mp3", quick(attempts=2))
