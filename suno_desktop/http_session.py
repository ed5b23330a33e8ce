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

Every connection of these sessions can be cut from outside: a request made inside
:func:`guard_transfers` belongs to that :class:`TransferGuard`, whose watcher shuts
its socket down when the caller cancels, when an overall deadline passes, or when an
armed :class:`StallLimit` sees too little arrive. requests' own read timeout is per
``recv()``: a server that sends one byte every few seconds never trips it, and a
cancelled transfer would wait it out.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
import requests.auth
import urllib3.connection
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import ProxyManager
from urllib3.util.retry import Retry

from . import __version__
from .retry_policy import DEFAULT_RETRY, RetryPolicy

MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")
USER_AGENT = f"SunoDesktop/{__version__}"

SessionT = TypeVar("SessionT", bound=requests.Session)


def build_session(session: SessionT, *, pool_size: int, retries: Retry, headers: Mapping[str, str]) -> SessionT:
    """Configure *session* (a fresh ``requests.Session`` or subclass) and return it."""
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update(headers)
    adapter = _GuardedAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=retries)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if not urllib.request.getproxies():  # what requests itself consults for proxies
        session.trust_env = False
        session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return session


# --------------------------------------------------------------------------- cutting transfers from outside

WATCH_TICK = 0.05  # seconds between two looks of the watcher at the transfers it guards: a cancel cuts at once


class GuardCut(Enum):
    """Why a :class:`TransferGuard` cut its connections."""

    CANCELLED = "cancelled"
    DEADLINE = "deadline"
    STALLED = "stalled"


@dataclass(frozen=True)
class StallLimit:
    """A transfer that moves fewer than *min_bytes* in *window* seconds is stalled and cut.

    One rule for both a server that went silent and one that drips a byte every few
    seconds; the default passes a line of 0.5 kB/s and cuts anything slower.
    """

    window: float = 30.0
    min_bytes: int = 16 * 1024


class TransferGuard:
    """The requests made inside :func:`guard_transfers`, and when to cut their connections.

    Cancel and deadline cut every connection the guard's requests use, for as long as
    the guard lasts; a stall cuts the current attempt once (:meth:`arm_stall` again
    for the next). The owner reports progress with :meth:`moved`.
    """

    def __init__(self, *, cancel: threading.Event | None = None, deadline: float | None = None) -> None:
        self.cancel = cancel
        self.deadline = deadline  # time.monotonic() by which everything must be over
        self.cut: GuardCut | None = None  # the last reason it cut for
        self._sockets: list[tuple[Any, socket.socket | None]] = []  # (urllib3 connection, its socket then)
        self._lock = threading.Lock()
        self._stall: StallLimit | None = None
        self._moved = 0
        self._window_start = 0.0
        self._window_moved = 0

    def moved(self, count: int) -> None:
        """*count* more bytes arrived (or went out)."""
        self._moved += count

    def arm_stall(self, limit: StallLimit | None) -> None:
        """Watch the next *limit.window* seconds (and each after) for too little progress."""
        self._window_start, self._window_moved = time.monotonic(), self._moved
        self._stall = limit
        if self.cut is GuardCut.STALLED:
            self.cut = None

    def disarm_stall(self) -> None:
        self._stall = None

    def stalled(self) -> bool:
        """Whether a stall cut the current attempt (what a failed read then means)."""
        return self.cut is GuardCut.STALLED

    def expired(self) -> bool:
        """Whether the deadline has passed (a failed request then means "too late")."""
        return self.deadline is not None and time.monotonic() >= self.deadline

    def attach(self, connection: Any, sock: socket.socket | None) -> None:
        """*connection* carries a request made inside this guard, on *sock* (called by the connection).

        The socket is kept: http.client lets go of a connection's socket as soon as an
        answer says it will close the connection, and only the answer reads it then.
        """
        with self._lock:
            if not any(known is connection and known_sock is sock for known, known_sock in self._sockets):
                self._sockets.append((connection, sock))

    def check(self, now: float) -> None:
        """The watcher's look: cut the connections if cancelled, past the deadline or stalled."""
        if self.cancel is not None and self.cancel.is_set():
            reason = GuardCut.CANCELLED
        elif self.deadline is not None and now >= self.deadline:
            reason = GuardCut.DEADLINE
        elif self._stall is not None and now - self._window_start >= self._stall.window:
            if self._moved - self._window_moved >= self._stall.min_bytes:
                self._window_start, self._window_moved = now, self._moved
                return
            reason, self._stall = GuardCut.STALLED, None  # once per attempt
        else:
            return
        self.cut = reason
        with self._lock:  # the sockets as they are now: a connection cut may reconnect for the next attempt at once
            mine = [
                (sock, getattr(c, "sock", None)) for c, sock in self._sockets if getattr(c, "suno_guard", None) is self
            ]
        for sock, current in mine:
            _shut_down(sock)
            _shut_down(current)

    def close(self) -> None:
        with self._lock:
            self._sockets.clear()


def _shut_down(sock: socket.socket | None) -> None:
    """Wake whoever waits on *sock*: the read fails at once and the connection is not reused.

    ``socket.socket.shutdown`` also for a TLS socket: ``SSLSocket.shutdown`` would drop
    its TLS state under the thread still reading it.
    """
    if sock is None:
        return
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:  # closed meanwhile, or never connected
        pass


class _Watcher:
    """One daemon thread that looks at every active guard each WATCH_TICK; idle when there is none."""

    def __init__(self) -> None:
        self._guards: set[TransferGuard] = set()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, guard: TransferGuard) -> None:
        with self._changed:
            self._guards.add(guard)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="transfer-watch", daemon=True)
                self._thread.start()
            self._changed.notify()

    def remove(self, guard: TransferGuard) -> None:
        with self._changed:
            self._guards.discard(guard)

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._guards:
                    self._changed.wait()
                guards = list(self._guards)
            now = time.monotonic()
            for guard in guards:
                guard.check(now)
            time.sleep(WATCH_TICK)


_WATCHER = _Watcher()
_current = threading.local()  # .guard: the TransferGuard of this thread's requests, if any


@contextmanager
def guard_transfers(*, cancel: threading.Event | None = None, deadline: float | None = None) -> Iterator[TransferGuard]:
    """Requests made by this thread inside the block can be cut: see :class:`TransferGuard`.

    *deadline* is a ``time.monotonic()`` value: an API call wrapped in
    ``with guard_transfers(deadline=time.monotonic() + 20):`` ends within about 20 s
    whatever the server does: a cut shows as a ``requests.ConnectionError`` (or a
    ``ChunkedEncodingError`` while the body was being read), and the guard's ``cut``
    says why. Guards nest; the innermost one owns the requests. Not cut: a connect in
    progress (its socket does not exist yet; the connect timeout bounds it) and
    urllib3's own pauses between retries (the relay client keeps them within the deadline: :func:`time_left`).
    """
    guard = TransferGuard(cancel=cancel, deadline=deadline)
    outer = getattr(_current, "guard", None)
    _current.guard = guard
    _WATCHER.add(guard)
    try:
        yield guard
    finally:
        _WATCHER.remove(guard)
        _current.guard = outer
        guard.close()


def time_left() -> float | None:
    """Seconds until the deadline of this thread's innermost :func:`guard_transfers`, or None without one.

    urllib3's pauses between retries are not cut by the guard: the relay client's
    retries wait no longer than this, so a command's timeout holds whatever the backoff.
    """
    guard = getattr(_current, "guard", None)
    if guard is None or guard.deadline is None:
        return None
    return max(0.0, guard.deadline - time.monotonic())


class PolicyRetry(Retry):
    """urllib3's ``Retry`` whose pauses are a :class:`RetryPolicy`'s (Retry-After honoured and capped by it).

    A pause never outlasts the deadline of the thread's :func:`guard_transfers` (:func:`time_left`).
    """

    policy: RetryPolicy = DEFAULT_RETRY
    pause: Callable[[float], None] = staticmethod(time.sleep)

    @classmethod
    def of(cls, policy: RetryPolicy, sleep: Callable[[float], None], **options: Any) -> PolicyRetry:
        """urllib3's *options* (``total``, ``status_forcelist``, ...), pausing as *policy* says with *sleep*."""
        retry = cls(**options)
        retry.policy, retry.pause = policy, sleep
        return retry

    def new(self, **kw: Any) -> PolicyRetry:
        retry = super().new(**kw)
        retry.policy, retry.pause = self.policy, self.pause
        return retry

    def sleep(self, response: Any = None) -> None:
        asked = None
        if response is not None and self.respect_retry_after_header:
            try:
                asked = self.get_retry_after(response)
            except urllib3.exceptions.InvalidHeader:  # unreadable: the policy's own backoff
                asked = None
        wait = self.policy.wait_before(len(self.history) + 1, asked)
        left = time_left()  # a pause the guard cannot cut must not outlast its deadline
        self.pause(wait if left is None else min(wait, left))


class _GuardedConnection:
    """Mixed into urllib3's connections: each request belongs to the calling thread's guard."""

    suno_guard: TransferGuard | None = None

    sock: socket.socket | None

    def request(self, *args: Any, **kwargs: Any) -> None:
        guard = getattr(_current, "guard", None)
        self.suno_guard = guard
        if guard is not None:
            guard.attach(self, self.sock)  # None until it connects, below
        super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        guard = self.suno_guard
        if guard is not None and self.sock is not None:
            guard.attach(self, self.sock)  # connected now: the socket the answer will be read from
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_GuardedConnection, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_GuardedConnection, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_GUARDED_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter, with pools whose connections a :class:`TransferGuard` can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _GUARDED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is ProxyManager:  # not SOCKS: its pools have connections of their own
            manager.pool_classes_by_scheme = _GUARDED_POOLS
        return manager


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

    stall_limit: StallLimit = StallLimit()  # see make_media_session
    retry: RetryPolicy = DEFAULT_RETRY  # how download_file tries again, see make_media_session

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
    """What urllib3 retries on its own for media: nothing.

    Every try, a failed connect included, is ``download_file``'s: it can resume where
    a body stopped, counts its attempts per download by the session's
    :class:`~suno_desktop.retry_policy.RetryPolicy` and waits (``Retry-After``
    included) in a way a cancelled sync interrupts.
    """
    return Retry(0, read=False, redirect=False, raise_on_status=False)


def make_media_session(
    pool_size: int = 8, *, stall_limit: StallLimit | None = None, retry: RetryPolicy = DEFAULT_RETRY
) -> MediaSession:
    """A session for media hosts: pooled keep-alive connections and no credentials.

    *stall_limit* is what ``download_file`` holds every transfer of this session to
    (tests make it short); the default allows a very slow line, not a drip. *retry* is
    how ``download_file`` tries each download of this session again (the settings' policy).
    """
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
    session.stall_limit = stall_limit or StallLimit()
    session.retry = retry
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
