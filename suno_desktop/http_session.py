"""The one HTTP stack: a ``requests.Session`` for the relay API and one for the media hosts.

Both come from :func:`build_session`: pooled keep-alive connections (an
``HTTPAdapter`` sized for the worker threads sharing it), urllib3's ``Retry`` for
what urllib3 can retry by itself, requests' redirect handling, and no cookie jar
(relays and CDNs set none worth keeping, and a jar shared by threads is the one
part of a Session that is not safe to share).

The environment is requests' business. When no proxy is configured (the usual
case) the session stops asking it on every request (``trust_env=False``): it takes
``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` once, as requests would, and a proxy set
up later is used from the next session on. With a proxy configured, requests
reads ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY`` (or the system's settings) on
each request as usual.

:class:`MediaSession` is the session for media hosts, which are third parties:
it never sends credentials, whatever a caller put in ``headers`` or ``auth``, and
never looks in ``~/.netrc``, not even after a redirect.
"""

from __future__ import annotations

import http.cookiejar
import os
import urllib.request
from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import requests.auth
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import __version__

MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = f"SunoDesktop/{__version__}"

SessionT = TypeVar("SessionT", bound=requests.Session)


def build_session(session: SessionT, *, pool_size: int, retries: Retry, headers: Mapping[str, str]) -> SessionT:
    """Configure *session* (a fresh ``requests.Session`` or subclass) and return it."""
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update(headers)
    adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=retries)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if not urllib.request.getproxies():  # what requests itself consults for proxies
        session.trust_env = False
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return session


class _NoCredentials(requests.auth.AuthBase):
    """As a request's auth: wins over ``session.auth`` and ``~/.netrc``, and sends nothing."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


_NO_CREDENTIALS = _NoCredentials()


class RedirectRefused(requests.RequestException):
    """A redirect to an address that is not http(s) (``scheme`` says which), or no address at all."""

    def __init__(self, location: str, scheme: str | None) -> None:
        super().__init__(f"redirect to {location[:80]!r} refused")
        self.location = location
        self.scheme = scheme  # None: the Location could not be read as an address


class MediaSession(requests.Session):
    """A session for media hosts. Thread-safe to share; never sends an ``Authorization``.

    Redirects are followed by requests (at most ``MAX_REDIRECTS``), to http(s) only:
    any other Location raises :class:`RedirectRefused` before anything is sent there.
    """

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        try:
            location = super().get_redirect_target(resp)
            scheme = urlsplit(urljoin(resp.url, location)).scheme.lower() if location else None
        except ValueError:  # not UTF-8, or no URL (an unclosed IPv6 bracket, say)
            resp.close()
            raise RedirectRefused(resp.headers.get("Location", ""), None) from None
        if location and scheme not in ALLOWED_SCHEMES:
            resp.close()
            raise RedirectRefused(location, scheme)
        return location

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        request.auth = _NO_CREDENTIALS
        return super().prepare_request(request)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        prepared_request.headers.pop("Authorization", None)  # and no ~/.netrc entry for the new host


def media_retries() -> Retry:
    """What urllib3 retries on its own for media: failed connects only (nothing was sent yet).

    Statuses, cut-off bodies and read errors are left to ``download_file``, which
    can resume where a body stopped, counts its attempts per download and waits
    (``Retry-After`` included) in a way a cancelled sync interrupts.
    """
    return Retry(
        total=3,
        connect=3,
        read=False,
        status=0,
        other=0,
        backoff_factor=0.2,
        allowed_methods=frozenset({"GET", "HEAD"}),
        raise_on_status=False,
    )


def make_media_session(pool_size: int = 8) -> MediaSession:
    """A session for media hosts: pooled keep-alive connections and no credentials."""
    session = build_session(
        MediaSession(),
        pool_size=pool_size,
        retries=media_retries(),
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
            "Accept-Encoding": "identity",  # byte counts and ranges refer to the stored bytes
        },
    )
    session.max_redirects = MAX_REDIRECTS
    return session


_RETRY_AFTER = Retry(total=0)  # only for urllib3's parser of the header (seconds or an HTTP date)


def retry_after(response: requests.Response, cap: float) -> float | None:
    """The server's Retry-After in seconds (urllib3 reads both forms), at most *cap*; None if absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return min(_RETRY_AFTER.parse_retry_after(value), cap)
    except urllib3.exceptions.InvalidHeader:
        return None
