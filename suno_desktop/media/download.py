"""Downloading media files so that a file under its final name is always complete.

Songs, covers and videos come from CDN URLs the relay hands out. Those links
break in every way a network can: bodies cut short, resets, stalls, drips, 5xx, 429,
redirects to other hosts, web pages instead of media. :func:`download_file` streams
into a hidden ``.part`` file beside the target (:mod:`.part_file`), checks the byte
count against what the server announced, resumes with ``Range`` where the server
allows it, and only once :mod:`.content_check` found the body to be what the name
says gives it its name atomically (or leaves it staged for a batch to commit: see
:mod:`.durable_writes`). A size beyond any real song, video or cover is refused
before a byte is written, and a body without a size is cut there. Nothing here ever
sends the relay token: media hosts are third parties, and
:class:`~suno_desktop.http_session.MediaSession` sends no credentials.

The HTTP is requests' (see :mod:`suno_desktop.http_session`): its adapter pools connections and retries
failed connects, it follows redirects. What is ours is what requests does not do:
a resume after a body was cut off, the check against ``Content-Length`` and
``Content-Range``, and the attempts between, counted and paced by the
:class:`~suno_desktop.retry_policy.RetryPolicy` (``Retry-After``, parsed by urllib3,
honoured up to its cap) in a way a cancelled sync interrupts. What one download is to
be is a :class:`DownloadPlan`.

Every attempt is held to the session's :class:`~suno_desktop.http_session.StallLimit`
(fewer than 16 kB in 30 s, a drip included, cuts it; the next attempt resumes), and
a cancel cuts the connection at once (see :func:`~suno_desktop.http_session.guard_transfers`).
A cancelled download leaves its ``.part`` for the next one to go on from (:mod:`.part_resume`).
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from ..errors import causes_of
from ..http_session import (
    ALLOWED_SCHEMES,
    MAX_REDIRECTS,
    MediaSession,
    RedirectRefused,
    StallLimit,
    TransferGuard,
    guard_transfers,
    make_media_session,
    retry_after,
)
from ..retry_policy import RetryPolicy
from .content_check import max_size_of
from .durable_writes import StagedFile, free_path, part_path, sync_directory
from .part_file import FLUSH_BEHIND_BYTES, DownloadCancelled, DownloadError, HeadRewrite, PartFile
from .response_headers import describe_url, format_size, non_negative_int, parse_content_range

__all__ = [
    "FLUSH_BEHIND_BYTES",
    "DownloadCancelled",
    "DownloadError",
    "DownloadPlan",
    "DownloadResult",
    "MediaSession",
    "UnsafeURL",
    "download_file",
    "free_path",
    "make_media_session",
    "part_path",
    "sync_directory",
]

log = logging.getLogger(__name__)

# what reading a body raises: urllib3's own errors (the body is read raw, see _chunks)
_BODY_ERRORS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)


class UnsafeURL(DownloadError):
    """The URL (or a redirect) points somewhere other than http:// or https://."""


@dataclass(frozen=True)
class DownloadResult:
    path: Path  # the real final path (its suffix may differ from the target's, see suffix_from_content)
    size: int
    content_type: str  # the sniffed image type if suffix_from_content found one, else the server's
    resumed: bool  # part of the body came from a Range request after an interruption
    staged: StagedFile | None = None  # download_file(staged=True): still to be committed


ProgressCallback = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class DownloadPlan:
    """How one :func:`download_file` goes: what to make of the bytes, and the limits it is held to.

    ``suffix_from_content``: the suffix of the final name comes from the bytes themselves
    (a PNG behind a ``.jpeg`` URL is saved as ``<stem>.png``).

    ``timeout`` is (connect, read) in seconds. ``retry`` is how often and after what
    pauses a failed attempt is tried again (None: the session's, i.e. the settings').

    ``staged``: the complete file keeps its temporary name and its write-back is only
    started; ``DownloadResult.staged`` is then for the caller to commit with others
    (:func:`.durable_writes.commit_staged`), and ``DownloadResult.path`` is where it is
    meant to go.

    ``before_commit`` is called with the complete temporary file before it is fsync'ed
    and renamed, e.g. to write tags into it with mutagen: a failure or crash while
    tagging never leaves a damaged file under the final name. An exception it raises
    fails the download (the temporary file is removed).

    ``prefix`` is written at the start of the file, before the body (a tag rendered by
    mutagen, say: see :mod:`.leading_tag`). The size checks, a resume and
    ``DownloadResult.size`` count the body only.

    ``head`` is ``(size, rewrite)``: the body's first bytes, at least *size* of them
    (whole chunks) or all of a shorter body, are kept in memory and ``rewrite(them)``
    is written instead, or they themselves when it returns None (an MP4's tags put
    into its ``moov``, say). A download picked up from a cancelled one's ``.part`` whose
    head was written already does not call it: ``before_commit`` tags the whole file then.

    ``max_size`` is the most the body may weigh (None: what the name says the file is
    may, :func:`.content_check.max_size_of`), ``stall_limit`` what the transfer must keep
    up (None: the session's).
    """

    suffix_from_content: bool = False
    timeout: tuple[float, float] = (10.0, 60.0)
    retry: RetryPolicy | None = None
    chunk_size: int = 256 * 1024
    staged: bool = False
    before_commit: Callable[[Path], object] | None = None
    prefix: bytes = b""
    head: tuple[int, HeadRewrite] | None = None
    max_size: int | None = None
    stall_limit: StallLimit | None = None


def download_file(
    session: MediaSession,
    url: str,
    target: Path,
    plan: DownloadPlan = DownloadPlan(),
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> DownloadResult:
    """Download *url* to *target* as *plan* says, retrying and resuming; see the module docstring.

    Raises :class:`DownloadError` (or a subclass); *target* is then untouched. The
    file's data is fsync'ed before the rename, and the folder after it, so a crash never
    leaves a short file under the final name. *progress* hears of every chunk (bytes so
    far, the total if known); setting *cancel* cuts the transfer (:class:`DownloadCancelled`).
    """
    if not isinstance(session, MediaSession):
        raise TypeError(f"download_file needs the MediaSession of make_media_session(), not {type(session).__name__}")
    _check_url(url)
    return _Transfer(session, url, Path(target), plan, progress, cancel).run()


# --------------------------------------------------------------------------- the transfer


class _Retryable(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None, stale: bool = False
    ):
        super().__init__(reason)
        self.reason = reason  # completes "The download of X ..."
        self.status = status
        self.retry_after = retry_after
        self.stale = stale  # a kept-alive connection the server had closed: no try of this download


def closed_while_idle(exc: BaseException) -> bool:
    """Whether *exc* looks like a kept-alive connection that was closed under the request.

    A CDN closes idle connections when it likes (and a cut transfer's connection may
    still be in the pool); a request that happens to reuse one fails with
    ``RemoteDisconnected``, a reset or a broken pipe before the server has seen it.
    Browsers send such a request again at once, uncounted.
    """
    stale = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
    return any(isinstance(cause, stale) for cause in causes_of(exc))


class _Transfer(PartFile):
    """One download_file call: its .part file (see :class:`.part_file.PartFile`) and the attempts to fill it."""

    def __init__(
        self,
        session: MediaSession,
        url: str,
        target: Path,
        plan: DownloadPlan,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        super().__init__(url, target, prefix=plan.prefix, head=plan.head)
        self.session, self.plan, self.progress, self.cancel = session, plan, progress, cancel
        self.retry = plan.retry or session.retry
        self.stall_limit = plan.stall_limit or session.stall_limit
        self.max_size = plan.max_size if plan.max_size is not None else max_size_of(target)
        self.guard = TransferGuard()  # replaced by the one watching the transfer, see run
        self.encoded = False  # the server compressed the body despite Accept-Encoding: identity

    def run(self) -> DownloadResult:
        finished = keep_part = False
        try:
            with self.open():
                if not self.pick_up():
                    self.start_over()  # writes the prefix
                try:
                    with guard_transfers(cancel=self.cancel) as self.guard:
                        self._transfer_with_retries()
                except DownloadCancelled:
                    keep_part = self.leave()
                    raise
                first = self.finish(self.plan.before_commit, staged=self.plan.staged)
            final, content_type, staged = self.commit(
                first, suffix_from_content=self.plan.suffix_from_content, staged=self.plan.staged
            )
            finished = True
            log.debug("downloaded %s to %s (%d bytes)", self.label, final, self.have)
            return DownloadResult(final, self.have, content_type, self.resumed, staged)
        finally:
            if not finished and not keep_part:
                self.remove()

    def _transfer_with_retries(self) -> None:
        attempts = self.retry.attempts
        stale_again = True  # one request on a connection the server had closed is sent again, uncounted
        attempt = 1
        while attempt <= attempts:
            self._check_cancel()
            try:
                self._attempt()
                return
            except _Retryable as problem:
                self._check_cancel()  # the cut was the cancel's
                if problem.stale and stale_again:
                    stale_again = False
                    log.info("download of %s: a kept-alive connection was closed; sending again", self.label)
                    continue
                if attempt >= attempts:
                    tries = "1 attempt" if attempt == 1 else f"{attempt} attempts"
                    raise DownloadError(
                        f"The download of {self.label} {problem.reason} ({tries}); it will be retried.",
                        url=self.url,
                        status=problem.status,
                    ) from problem
                delay = self.retry.wait_before(attempt + 1, problem.retry_after)
                log.info(
                    "download of %s %s; attempt %d of %d in %.1f s",
                    self.label,
                    problem.reason,
                    attempt + 1,
                    attempts,
                    delay,
                )
                self._sleep(delay)
                attempt += 1

    def _attempt(self) -> None:
        resume_from = self.have if (self.have and self.can_resume) else 0
        if self.have and not resume_from:
            self.start_over()
        headers: dict[str, str] = {}  # on top of session.headers (Accept-Encoding: identity, no Authorization)
        if resume_from:
            headers["Range"] = f"bytes={resume_from}-"
            if self.validator:
                headers["If-Range"] = self.validator
        self.guard.arm_stall(self.stall_limit)
        try:
            response = self._open(headers)
            try:
                if self._body_wanted(response, resume_from):
                    self._receive(response)
            finally:
                _close(response)
        finally:
            self.guard.disarm_stall()

    def _open(self, headers: dict[str, str]) -> requests.Response:
        """GET the URL with the body left unread; requests follows the redirects (http(s) only)."""
        try:
            return self.session.get(self.url, headers=headers, timeout=self.plan.timeout, stream=True)
        except RedirectRefused as exc:
            if exc.scheme is None:
                raise DownloadError(
                    f"The download of {self.label} was redirected to an invalid address.", url=self.url
                ) from exc
            raise UnsafeURL(
                f"The download of {self.label} was redirected to a {exc.scheme or 'relative'} address;"
                " only http and https are allowed.",
                url=self.url,
            ) from exc
        except requests.TooManyRedirects as exc:
            raise DownloadError(
                f"The download of {self.label} was redirected more than {MAX_REDIRECTS} times.", url=self.url
            ) from exc
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema) as exc:
            where = exc.request.url if exc.request is not None else self.url
            raise DownloadError(f"{describe_url(where)} is not a valid web address.", url=self.url) from exc
        except requests.RequestException as exc:
            self._check_cancel()
            if self.guard.stalled():
                reason = self._stall_reason()
            elif isinstance(exc, requests.Timeout):
                reason = "timed out"
            else:
                reason = "failed because the server could not be reached"
            raise _Retryable(reason, stale=closed_while_idle(exc)) from exc

    def _body_wanted(self, response: requests.Response, resume_from: int) -> bool:
        """Whether to take the body; False when a resume finds everything already here."""
        status = response.status_code
        if status == 206 and resume_from:
            span = parse_content_range(response.headers.get("Content-Range", ""))
            if span is None or span[0] != resume_from or (span[2] is not None and span[2] != self.total):
                self.can_resume = False  # the server resumed somewhere else or the file changed
                raise _Retryable("got a partial answer that did not fit the part already downloaded")
            self.resumed = True
            return True
        if status == 200 or (status == 206 and not resume_from):
            if self.have:
                log.info("%s: the server sent the whole file again; starting over", self.label)
                self.start_over()
            self._take_metadata(response)
            return True
        if status == 416 and resume_from:
            if self.total is not None and self.have >= self.total:
                return False
            self.can_resume = False
            raise _Retryable("was refused a resume by the server", status=status)
        if status in (408, 429) or 500 <= status <= 599:
            raise _Retryable(
                f"got HTTP {status} ({response.reason or 'error'}) from the server",
                status=status,
                retry_after=retry_after(response, float("inf")),  # the policy caps it
            )
        if 400 <= status <= 499:
            raise DownloadError(
                f"The server refused the download of {self.label} with HTTP {status} ({response.reason or 'error'}).",
                url=self.url,
                status=status,
            )
        raise DownloadError(
            f"The server answered the download of {self.label} with an unexpected HTTP {status}.",
            url=self.url,
            status=status,
        )

    def _take_metadata(self, response: requests.Response) -> None:
        headers = response.headers
        self.content_type = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        encoded = headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")
        self.encoded = encoded
        self.total = None
        if response.status_code == 206:
            span = parse_content_range(headers.get("Content-Range", ""))
            if span is None or span[0] != 0:
                self.can_resume = False
                raise _Retryable("got a partial answer nobody asked for")
            self.total = span[2] if span[2] is not None else span[1] + 1
        elif not encoded:
            self.total = non_negative_int(headers.get("Content-Length"))
        if self.total is not None and self.total > self.max_size:
            raise DownloadError(
                f"The server announced {format_size(self.total)} for {self.noun} at {self.label},"
                f" more than {self._any()} can be ({format_size(self.max_size)} at most); it was not downloaded.",
                url=self.url,
            )
        self.can_resume = not encoded and self.total is not None and "bytes" in headers.get("Accept-Ranges", "").lower()
        etag = headers.get("ETag", "")
        self.validator = etag if etag and not etag.startswith("W/") else headers.get("Last-Modified")

    def _receive(self, response: requests.Response) -> None:
        chunks = self._chunks(response)
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                break
            except _BODY_ERRORS as exc:
                self._check_cancel()
                raise _Retryable(self._stall_reason() if self.guard.stalled() else self._cut_reason(exc)) from exc
            self._check_cancel()
            if not chunk:
                continue
            self.guard.moved(len(chunk))
            if self.have + len(chunk) > self.max_size:
                raise DownloadError(
                    f"The server sent more than {format_size(self.max_size)} for {self.noun} at {self.label},"
                    f" more than {self._any()} can be; the download was stopped there.",
                    url=self.url,
                )
            try:
                self.write(chunk)
            except OSError as exc:
                raise self.disk_error(exc) from exc
            if self.progress is not None:
                self.progress(self.have, self.total)
        self._check_cancel()  # a cut body without a length ends like a whole one: never take it for that
        if self.guard.stalled():
            raise _Retryable(self._stall_reason())
        if self.total is not None and self.have < self.total:
            raise _Retryable(self._cut_reason(None))
        if self.total is not None and self.have > self.total:
            self.can_resume = False
            raise _Retryable(f"got more bytes than the {format_size(self.total)} the server announced")

    def _chunks(self, response: requests.Response) -> Iterator[bytes]:
        """The body in chunks, read from urllib3's response under requests' (``response.raw``).

        Not ``iter_content``: raw reads hand over the bytes that arrived before a
        cut-off, which a resume then continues from. ``read1`` returns what has
        arrived rather than waiting for a whole chunk, so the progress the stall limit
        watches is the line's (and urllib3 inflates an encoded body a chunk at a time).
        """
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read  # read1: urllib3 2.3 and later
        while True:
            chunk = read(self.plan.chunk_size, decode_content=self.encoded)
            if not chunk:
                return
            yield chunk

    def _cut_reason(self, exc: BaseException | None) -> str:
        if isinstance(exc, (urllib3.exceptions.TimeoutError, TimeoutError)):
            return f"stalled after {format_size(self.have)}{self.of_total()} and timed out"
        return f"was cut off after {format_size(self.have)}{self.of_total()}"

    def _stall_reason(self) -> str:
        limit = self.stall_limit
        return (
            f"stalled after {format_size(self.have)}{self.of_total()}"
            f" (less than {format_size(limit.min_bytes)} in {limit.window:g} s)"
        )

    def _any(self) -> str:
        return self.noun.replace("the ", "any ", 1) if self.expected is not None else "any download"

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise DownloadCancelled(f"The download of {self.label} was cancelled.", url=self.url)

    def _sleep(self, seconds: float) -> None:
        if self.cancel is None:
            time.sleep(seconds)
        elif self.cancel.wait(seconds):
            self._check_cancel()


# --------------------------------------------------------------------------- helpers


def _close(response: requests.Response) -> None:
    """Done with *response*: a fully read body already gave its connection back to the pool;
    otherwise the connection is closed (unread bytes would confuse the next request)."""
    response.close()


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise DownloadError(f"{url[:80]!r} is not a valid web address.", url=url) from exc
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURL(
            f"Refusing to download {describe_url(url)}: only http and https addresses are allowed.", url=url
        )
    if not parts.hostname:
        raise DownloadError(f"{describe_url(url)} is not a valid web address: it names no host.", url=url)
