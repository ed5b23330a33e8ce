"""Asking the relay to create a song or lyrics: ``POST /suno/submit/music`` and ``/suno/submit/lyrics``.

Every accepted submit is a paid generation and the relay has no idempotency key,
so the one rule here is: a submit is sent again only when an answer proves that
nothing was accepted.

* Sent again, after a pause: HTTP 429 (as long as its ``Retry-After`` asks; a
  relay asking for longer than the retry policy's cap is refused at once), and a
  connection that never opened: refused, host not found, not accepted in time
  (requests' ``ConnectTimeout``; any failure caused by urllib3's
  ``NewConnectionError``). Nothing was sent, so nothing was made. How often and after
  what pauses is the :class:`~suno_desktop.retry_policy.RetryPolicy`'s (the client's,
  i.e. the settings', unless one is passed). When the attempts run out it is
  :class:`SubmitRefused`.
* Never sent again, :class:`SubmitUnconfirmed`: anything that may have reached the
  relay. A read timeout (``ReadTimeout``: the request went out), a dropped or reset
  connection, HTTP 5xx (a proxy's 502 may come after the relay made the task), a
  2xx answer without a readable task id. The user is told to check the relay's
  task log before creating it again.
* Never sent again, :class:`SubmitRefused`: any other 4xx, which says the request
  was turned down (400 ``prompt_empty``, ``invalid_action``, "task id is empty";
  401/403 a token without quota or access, as :class:`SubmitTokenRefused`, whose
  kind is AUTH like a fetch's), and redirects, which are not followed.

The client's shared session lets urllib3 retry POSTs on 5xx, 429, timeouts and
dropped connections, because ``POST /suno/fetch`` only reads. A submit must not go
through it: each attempt made here is one :meth:`RelayClient.post_once`, a fresh
connection whose urllib3 ``Retry`` is 0, so exactly one request reaches the wire
per attempt this module decides to make.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from ..http_session import retry_after
from ..retry_policy import RetryPolicy
from ..song_request import SongRequest, SubmitMode
from .client import RelayClient, _json_or_none
from .errors import (
    ConfigurationError,
    RelayError,
    RelayResponseError,
    SubmitCancelled,
    SubmitRefused,
    SubmitTokenRefused,
    SubmitUnconfirmed,
)
from .task_ids import is_task_id
from .transport import TransportFailure, transport_failure

log = logging.getLogger(__name__)

#: a relay creating a task asks its upstream first: give it longer than a fetch
SUBMIT_READ_TIMEOUT = 60.0

#: what new-api's 400s mean, by their code or message
REFUSAL_REASONS = {
    "prompt_empty": "the prompt is empty",
    "invalid_action": "it does not offer this kind of submission (invalid_action)",
    "task id is empty": "the extension names no task for the clip it continues (task id is empty)",
}


def submit(
    client: RelayClient,
    request: SongRequest,
    *,
    retry: RetryPolicy | None = None,
    read_timeout: float | None = None,
    sleep: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> str:
    """Ask the relay to create *request*; returns the new task's id.

    *request* is checked first (:class:`~suno_desktop.song_request.InvalidSongRequest`,
    nothing sent). See :func:`submit_body` for the rest.
    """
    request.check()
    return submit_body(
        client,
        request.mode.route,
        request.body(),
        lyrics=request.mode is SubmitMode.LYRICS,
        retry=retry,
        read_timeout=read_timeout,
        sleep=sleep,
        cancel=cancel,
    )


def submit_body(
    client: RelayClient,
    route: str,
    body: Mapping[str, Any],
    *,
    lyrics: bool = False,
    retry: RetryPolicy | None = None,
    read_timeout: float | None = None,
    sleep: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> str:
    """POST *body* to *route* (``/suno/submit/...``) with the client's token; returns the task id.

    *lyrics* words the messages for lyrics rather than a song. *retry* says how often a
    submit that provably made nothing is sent again, and after what pauses (default:
    the client's policy). *read_timeout* is how
    long to wait for the answer (default: :data:`SUBMIT_READ_TIMEOUT`, or the client's
    read timeout if that is longer). Pauses between attempts use *sleep* when given,
    else wait on *cancel*; setting *cancel* stops before the next attempt
    (:class:`SubmitCancelled`). Raises :class:`SubmitRefused`, :class:`SubmitTokenRefused`,
    :class:`SubmitUnconfirmed` or :class:`SubmitCancelled` (see the module's docstring).
    """
    timeout = read_timeout if read_timeout is not None else max(SUBMIT_READ_TIMEOUT, client.timeout[1])
    return _Submission(client, route, dict(body), lyrics, retry or client.retry, timeout, sleep, cancel).run()


class _Submission:
    """One submit and its attempts."""

    def __init__(
        self,
        client: RelayClient,
        route: str,
        body: dict[str, Any],
        lyrics: bool,
        retry: RetryPolicy,
        read_timeout: float,
        sleep: Callable[[float], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        self.client, self.route, self.body = client, route, body
        self.what, self.it = ("these lyrics", "them") if lyrics else ("this song", "it")
        self.retry, self.attempts, self.read_timeout = retry, retry.attempts, read_timeout
        self.sleep, self.cancel = sleep, cancel
        self.attempt = 0

    def run(self) -> str:
        refusal, status = "", None
        for attempt in range(1, self.attempts + 1):
            self.attempt = attempt
            self._check_cancel()
            asked: float | None = None  # what a 429's Retry-After asks for
            try:
                response = self.client.post_once(self.route, self.body, read_timeout=self.read_timeout)
            except requests.RequestException as error:
                refusal, status = self._never_sent(error), None  # raises when it may have been sent
            else:
                if response.status_code != 429:
                    return self._task_id(response)
                (refusal, asked), status = self._rate_limited(response), 429
            if self.attempt < self.attempts:
                delay = self.retry.wait_before(self.attempt + 1, asked)
                log.info("A submit was not accepted; sending it again in %.1f s (attempt %d)", delay, self.attempt + 1)
                self._wait(delay)
        raise SubmitRefused(refusal, status=status, attempts=self.attempts)

    # ------------------------------------------------------------------ answers

    def _task_id(self, response: requests.Response) -> str:
        """The task id of a 2xx answer; every other answer raises."""
        status = response.status_code
        if not 200 <= status < 300:
            self._raise_for_status(response)
        try:
            data = self.client.envelope_data(response)
        except RelayResponseError:  # a "code" other than success, with HTTP 2xx
            said = self.client.relay_message(_json_or_none(response)) or "an error"
            raise self._unconfirmed(f"HTTP {status}, but it answered {said!r}", status) from None
        except RelayError:
            raise self._unconfirmed(f"HTTP {status}, but its answer could not be read", status) from None
        if isinstance(data, str) and is_task_id(data):
            log.info("The relay accepted a submit as task %s", data.strip())
            return data.strip()
        raise self._unconfirmed(f"HTTP {status}, but no task id came back", status)

    def _raise_for_status(self, response: requests.Response) -> None:
        status = response.status_code
        body = _json_or_none(response)
        message = self.client.relay_message(body)
        code = body.get("code") if isinstance(body, Mapping) and isinstance(body.get("code"), str) else ""
        host = self.client.host
        if status >= 500 or status < 300:  # 5xx (or something stranger): it may have been made
            raise self._unconfirmed(f"HTTP {status}: {message}" if message else f"HTTP {status}", status)
        if status < 400:
            where = urlsplit(response.headers.get("Location", "")).hostname or "another address"
            sentence = (
                f"The relay at {host} redirected the request to {where} (HTTP {status}); nothing was created. "
                "Check the relay URL in Settings: use the address it redirects to."
            )
        elif status in (401, 403):
            detail = f"HTTP {status}: {message}" if message else f"HTTP {status}"
            raise SubmitTokenRefused(
                f"The relay refused the API token ({detail}); nothing was created. "
                "Check the token and its quota in Settings or SUNO_API_TOKEN.",
                status=status,
                attempts=self.attempt,
                code=code,
                relay_message=message,
            )
        elif status in (404, 405):
            sentence = (
                f"The relay at {host} has no {self.route} route (HTTP {status}); nothing was created. "
                "Check the relay URL in Settings: it should be the relay's base address."
            )
        else:
            reason = REFUSAL_REASONS.get(code) or REFUSAL_REASONS.get(message) or message or f"HTTP {status}"
            sentence = f"The relay refused the request: {reason}."
        raise SubmitRefused(sentence, status=status, attempts=self.attempt, code=code, relay_message=message)

    def _rate_limited(self, response: requests.Response) -> tuple[str, float | None]:
        """What to say if 429s outlast the attempts, and the pause the relay asked for (None: none).

        A relay asking for a longer pause than the policy's cap is not waited out: the user hears it at once.
        """
        asked = retry_after(response, float("inf"))
        if asked is not None and self.retry.honour_retry_after and asked > self.retry.cap:
            raise SubmitRefused(
                f"The relay is limiting how fast it is asked (HTTP 429) and asks to wait {asked:.0f} s; "
                "nothing was created. Try again then.",
                status=429,
                attempts=self.attempt,
            )
        sentence = (
            f"The relay is limiting how fast it is asked (HTTP 429) and turned {self.what} down "
            f"{self.attempt} times; nothing was created. Wait a minute and try again."
        )
        return sentence, asked

    # ------------------------------------------------------------------ transport failures

    def _never_sent(self, error: requests.RequestException) -> str:
        """What to say of a connection that never opened; raises for anything that may have been sent."""
        failure = transport_failure(error)
        host, tried = self.client.host, f" (tried {self.attempt} times)" if self.attempt > 1 else ""
        if failure in (TransportFailure.UNUSABLE_URL, TransportFailure.UNUSABLE_HEADER):
            raise ConfigurationError(  # requests refuses these before sending anything
                "The relay URL or API token cannot be used in a request; check them in Settings."
            ) from None
        if failure is TransportFailure.DNS:
            return (
                f"The relay host {host} could not be found (DNS lookup failed){tried}, so nothing was sent. "
                "Check the relay URL in Settings and your internet connection."
            )
        if failure is TransportFailure.REFUSED:
            return (
                f"The relay at {host} refused the connection{tried}, so nothing was sent and nothing was created. "
                "Check that the relay URL (including the port) is right and the relay is running."
            )
        if failure is TransportFailure.UNREACHABLE:
            return (
                f"The relay at {host} could not be reached{tried}, so nothing was sent. "
                "Check the relay URL in Settings and your internet connection."
            )
        if failure is TransportFailure.CONNECT_TIMEOUT:
            return (
                f"The relay at {host} did not accept a connection within {self.client.timeout[0]:g} s{tried}, "
                "so nothing was sent. Check your internet connection, or try again later."
            )
        raise self._unconfirmed(self._lost_reason(error, failure), None) from None

    def _lost_reason(self, error: requests.RequestException, failure: TransportFailure) -> str:
        """Why a request that may have reached the relay got no answer, for the message's brackets."""
        reasons = {
            TransportFailure.READ_TIMEOUT: f"no answer within {self.read_timeout:g} s",
            TransportFailure.BROKEN_ANSWER: "the connection broke while it was answering",
            TransportFailure.TLS: "the secure connection failed",
            TransportFailure.PROXY: "the proxy in between failed",
            TransportFailure.DROPPED: "the connection was dropped",
        }
        return reasons.get(failure, f"the request failed: {type(error).__name__}")

    def _unconfirmed(self, reason: str, status: int | None) -> SubmitUnconfirmed:
        log.warning("A submit was not confirmed (%s); it may have been created.", reason)
        return SubmitUnconfirmed(
            f"The relay did not confirm {self.what} ({reason}). It may still have been created and charged; "
            f"check your relay's task log before creating {self.it} again.",
            reason=reason,
            status=status,
            attempts=self.attempt,
        )

    # ------------------------------------------------------------------ pauses

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            when = "before it was sent" if self.attempt <= 1 else "before it was sent again"
            raise SubmitCancelled(
                f"Creating {self.what} was cancelled {when}; nothing was created.", attempts=self.attempt - 1
            )

    def _wait(self, seconds: float) -> None:
        if self.sleep is not None:
            self.sleep(seconds)
        elif self.cancel is not None:
            self.cancel.wait(seconds)
        else:
            time.sleep(seconds)
