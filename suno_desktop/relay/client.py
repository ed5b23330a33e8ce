"""HTTP client for the relay's two read-only routes.

``GET /suno/fetch/{task_id}`` asks about one task, ``POST /suno/fetch`` with
``{"ids": [...]}`` about many. Retries, back-off and ``Retry-After`` are left to
urllib3 on one pooled session, built like the media session by
:func:`suno_desktop.http_session.build_session`; this module turns what finally comes back into a
:class:`~suno_desktop.relay.model.Task` or one of the typed errors in
:mod:`~suno_desktop.relay.errors`, each with a sentence a person can act on.

Submits (:mod:`~suno_desktop.relay.submit`) go through :meth:`RelayClient.post_once`
instead, which urllib3 never retries: a submit costs money.

One client is meant to be shared by several worker threads: urllib3's pool is
thread-safe, the session keeps no cookies, and the client's own state (a request
counter, whether the batch route exists) sits behind a lock.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit

import requests
import requests.auth
from urllib3.util.retry import Retry

from ..http_session import USER_AGENT, PolicyRetry, build_session, guard_transfers
from ..model import Task
from ..retry_policy import DEFAULT_RETRY, RetryPolicy
from .errors import (
    AuthError,
    ConfigurationError,
    MalformedResponse,
    RelayResponseError,
    RelayUnavailable,
    TaskNotFound,
)
from .model import parse_task
from .relay_text import RelayTextCleaner, cut
from .transport import (
    MAX_ANSWER_BYTES,
    AnswerTooLarge,
    TransportFailure,
    UnreadableJson,
    decode_json,
    fetch_failure_sentence,
    read_answer,
    transport_failure,
)

log = logging.getLogger(__name__)

FETCH_PATH = "/suno/fetch"
SUCCESS_CODE = "success"
TASK_NOT_EXIST_CODE = "task_not_exist"

#: statuses worth another try: rate limiting and a relay (or its proxy) in trouble
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: a batch route that answers these does not exist on this relay; use GET instead
BATCH_UNSUPPORTED_STATUSES = frozenset({404, 405})
RELAY_MESSAGE_LIMIT = 200
#: the longest one API answer may take, retries included, however slowly the relay sends it
ANSWER_SECONDS = 120.0


def build_retry_policy(policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> Retry:
    """urllib3's retries for the relay, as *policy* says, pausing with *sleep*.

    POST is retried too: ``POST /suno/fetch`` only reads, so repeating it is safe.
    ``raise_on_status=False`` hands back the last 5xx/429 answer once retries run
    out, so the caller can say what the relay actually answered.
    """
    retries = policy.retries
    return PolicyRetry.of(
        policy,
        sleep,
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"POST"},
        respect_retry_after_header=policy.honour_retry_after,
        raise_on_status=False,
    )


#: urllib3 sends the request once and raises what went wrong: total=0 leaves no retry of any kind
SEND_ONCE = Retry(0, read=False, redirect=False, respect_retry_after_header=False, raise_on_status=False)


class FetchedTasks(dict):
    """The tasks the relay sent, by the id they were asked by (ids it does not know are left out).

    ``unreadable`` holds the tasks it sent in a shape that could not be read, with
    why: they are neither found nor unknown, and one of them must not hide the rest.
    """

    def __init__(self) -> None:
        super().__init__()
        self.unreadable: dict[str, str] = {}


class RelayClient:
    """Asks a relay about tasks. Thread-safe; close it (or use ``with``) when done.

    *retry* is how a request is tried again (the settings' policy; submits wait by it
    too); *sleep* makes the pauses between tries (tests pass one that records them).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: tuple[float, float] | float = (5.0, 30.0),
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Callable[[float], None] = time.sleep,
        batch_size: int = 50,
        pool_size: int = 4,
    ) -> None:
        self.base_url = _normalise_base_url(base_url)
        self._token = _normalise_token(token)
        self._host = _display_host(self.base_url)
        # cleans what the relay says and masks the token wherever it echoes it, before anything keeps it
        self._cleaner = RelayTextCleaner(self._token)
        if isinstance(timeout, (int, float)):
            timeout = (float(timeout), float(timeout))
        self.timeout = (float(timeout[0]), float(timeout[1]))
        if min(self.timeout) <= 0:
            raise ValueError("timeout must be positive")
        if batch_size < 1 or pool_size < 1:
            raise ValueError("batch_size and pool_size must be >= 1")
        self.retry = retry  # also what submits (relay.submit) wait by
        self.batch_size = batch_size
        self.pool_size = pool_size

        self._lock = threading.Lock()
        self.answer_seconds = ANSWER_SECONDS
        self.stop_at: float | None = None  # a time.monotonic() past which no request may go on (a command's timeout)
        self._requests_sent = 0
        self._batch_supported = True

        self._session = build_session(
            requests.Session(),
            pool_size=pool_size,
            retries=build_retry_policy(retry, sleep),
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )
        # As the session's auth (not a plain header) so a ~/.netrc entry cannot replace it;
        # requests drops it by itself if the relay redirects to another host.
        self._session.auth = _BearerToken(self._token)

    def __repr__(self) -> str:  # the token must never show up in logs or tracebacks
        return f"RelayClient({self.base_url!r})"

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> RelayClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def requests_sent(self) -> int:
        """API requests sent so far; urllib3's own retries of one request count once."""
        with self._lock:
            return self._requests_sent

    @property
    def host(self) -> str:
        """The relay's host (and port) as messages name it."""
        return self._host

    @property
    def batch_supported(self) -> bool:
        """False once the relay has shown it has no ``POST /suno/fetch``."""
        with self._lock:
            return self._batch_supported

    # ------------------------------------------------------------------ public calls

    def fetch_task(self, task_id: str) -> Task:
        """One task by id; :class:`TaskNotFound` if the relay does not know it."""
        task_id = task_id.strip()
        if not task_id:
            raise ValueError("task_id must not be empty")
        response = self._send("GET", f"{FETCH_PATH}/{quote(task_id, safe='')}")
        data = self.envelope_data(response, task_id=task_id)
        if data is None:  # some relays say "success" with no task rather than task_not_exist
            raise TaskNotFound(
                f"The relay does not know task {task_id}; check the id for typos.",
                status=response.status_code,
                task_id=task_id,
            )
        if not isinstance(data, Mapping):
            raise MalformedResponse(
                f"The relay at {self._host} answered about task {task_id} with "
                f"{_describe_json_type(data)} where the task should be; it may not be a Suno relay.",
                status=response.status_code,
                task_id=task_id,
            )
        try:
            return parse_task(data, cleaner=self._cleaner)
        except MalformedResponse as exc:  # whatever it lacks, it is the answer about this task
            if exc.task_id is None:
                exc.task_id = task_id
            raise

    def fetch_tasks(self, task_ids: Iterable[str]) -> FetchedTasks:
        """Many tasks, keyed by the ids as given; ids the relay does not know are left out.

        Uses ``POST /suno/fetch`` in chunks of ``batch_size``; if the relay has no
        such route, falls back to one GET per id for this and every later call.
        """
        ids = list(dict.fromkeys(i.strip() for i in task_ids if i and i.strip()))
        answers = FetchedTasks()
        for start in range(0, len(ids), self.batch_size):
            chunk = ids[start : start + self.batch_size]
            if not (self.batch_supported and self._fetch_batch(chunk, answers)):
                self._fetch_one_by_one(chunk, answers)
        return answers

    def check_connection(self) -> str:
        """Prove the URL and token work by asking about an id no relay can know."""
        probe = str(uuid.uuid4())
        try:
            self.fetch_task(probe)
        except TaskNotFound:
            pass
        return f"Connected to {_display_url(self.base_url)}: the relay accepted the token."

    # ------------------------------------------------------------------ batches

    def _fetch_batch(self, chunk: list[str], answers: FetchedTasks) -> bool:
        """One POST for *chunk*; False when this relay has no batch route."""
        response = self._send("POST", FETCH_PATH, json={"ids": chunk})
        if response.status_code in BATCH_UNSUPPORTED_STATUSES:
            with self._lock:
                self._batch_supported = False
            log.info(
                "The relay at %s has no batch route (HTTP %s); asking about tasks one by one.",
                self._host,
                response.status_code,
            )
            return False
        try:
            data = self.envelope_data(response)
        except TaskNotFound:  # a relay that reports "none of these" as an error
            return True
        if data is None:
            data = []
        if not isinstance(data, list):
            raise MalformedResponse(
                f"The relay at {self._host} answered a batch request with "
                f"{_describe_json_type(data)} where a list of tasks should be; it may not be a Suno relay.",
                status=response.status_code,
            )
        wanted = {task_id.lower(): task_id for task_id in chunk}
        for raw in data:
            try:
                task = parse_task(raw, cleaner=self._cleaner)
            except MalformedResponse as exc:
                # one broken task must not hide the other 49 of its batch
                task_id = raw.get("task_id") if isinstance(raw, dict) else None
                if isinstance(task_id, str) and task_id.lower() in wanted:
                    answers.unreadable[wanted[task_id.lower()]] = exc.message
                log.warning("skipping a task the relay sent in an unexpected shape: %s", exc.message)
                continue
            requested_as = wanted.get(task.task_id.lower())
            if requested_as is None:
                log.debug("The relay sent task %s, which was not asked for; ignoring it.", task.task_id)
                continue
            answers[requested_as] = task
        return True

    def _fetch_one_by_one(self, chunk: list[str], answers: FetchedTasks) -> None:
        """GET each id, a few at a time; unknown ids are left out."""

        def fetch_or_none(task_id: str) -> Task | str | None:
            try:
                return self.fetch_task(task_id)
            except TaskNotFound:
                return None
            except MalformedResponse as exc:  # as in a batch: one broken task hides no other
                if exc.task_id is None:
                    raise
                return exc.message

        if len(chunk) == 1:
            results = [fetch_or_none(chunk[0])]
        else:
            with ThreadPoolExecutor(self.pool_size, thread_name_prefix="relay-get") as pool:
                results = list(pool.map(fetch_or_none, chunk))
        for task_id, answer in zip(chunk, results, strict=True):
            if isinstance(answer, Task):
                answers[task_id] = answer
            elif answer is not None:
                answers.unreadable[task_id] = answer

    # ------------------------------------------------------------------ HTTP

    def _send(self, method: str, path: str, *, json: Any = None) -> requests.Response:
        """Send one API request; transport failures become :class:`RelayUnavailable`."""
        url = self.base_url + path
        with self._lock:
            self._requests_sent += 1
        started = time.monotonic()
        deadline = started + self.answer_seconds
        if self.stop_at is not None:
            deadline = min(deadline, self.stop_at)
        try:
            with guard_transfers(deadline=deadline):  # a relay that drips or stalls is cut, whatever it sends
                response = self._session.request(method, url, json=json, timeout=self.timeout, stream=True)
                with response:
                    read_answer(response)
        except AnswerTooLarge:
            raise MalformedResponse(
                f"The relay at {self._host} sent an answer larger than {MAX_ANSWER_BYTES // 2**20} MB once "
                "decompressed, which no list of tasks needs; it was refused. Check the relay URL in Settings."
            ) from None
        except requests.RequestException as error:
            log.debug("%s %s failed: %s", method, path, type(error).__name__)
            self._raise_transport_error(error)
        log.debug(
            "%s %s -> HTTP %s in %.0f ms",
            method,
            path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response

    def post_once(self, path: str, body: Any, *, read_timeout: float | None = None) -> requests.Response:
        """POST *body* to *path* exactly once, on a new connection, with this client's token.

        For requests that must never be repeated behind the caller's back: a submit costs money.
        The shared session lets urllib3 retry POSTs on 5xx, 429, timeouts and dropped connections
        (``POST /suno/fetch`` only reads); this request's session has ``Retry(0)``, so urllib3
        sends it once and raises whatever went wrong. A new connection also means a keep-alive
        connection the relay has already closed cannot make a request look lost. Redirects are
        not followed (requests would turn the POST into a GET). Failures are requests' own
        exceptions: only the caller knows what one means for its request.
        """
        with self._lock:
            self._requests_sent += 1
        session = build_session(requests.Session(), pool_size=1, retries=SEND_ONCE, headers=self._session.headers)
        session.auth = self._session.auth
        timeout = (self.timeout[0], read_timeout or self.timeout[1])
        with session:
            response = session.post(
                self.base_url + path, json=body, timeout=timeout, allow_redirects=False, stream=True
            )
            try:
                read_answer(response)
            except AnswerTooLarge:  # an answer, but one that cannot be read: the caller says so
                response._content = b""
            finally:
                response.close()
            return response

    def _raise_transport_error(self, error: requests.RequestException) -> NoReturn:
        failure = transport_failure(error)
        if failure is TransportFailure.UNUSABLE_URL:
            message = f"The relay URL {_display_url(self.base_url)} cannot be used; check it in Settings."
            raise ConfigurationError(message) from None
        if failure is TransportFailure.UNUSABLE_HEADER:
            message = "The API token cannot be sent in an HTTP header; paste it again in Settings."
            raise ConfigurationError(message) from None
        message = fetch_failure_sentence(failure, self._host, self.timeout, type(error).__name__)
        raise RelayUnavailable(message) from None

    def envelope_data(self, response: requests.Response, *, task_id: str | None = None) -> Any:
        """The ``data`` of a successful envelope; every other answer becomes a typed error (also used by submits)."""
        status = response.status_code
        body, unreadable = decode_json(response)
        if body is not None and self._cleaner.echoed_in(response.content):  # nothing kept may hold it
            self._cleaner.mask_strings(body)
        relay_message = self.relay_message(body)
        host = self._host

        if status in (401, 403):
            detail = f"HTTP {status}: {relay_message}" if relay_message else f"HTTP {status}"
            raise AuthError(
                f"The relay rejected the API token ({detail}). Check the token in Settings or SUNO_API_TOKEN.",
                status=status,
                task_id=task_id,
            )
        if isinstance(body, Mapping) and body.get("code") == TASK_NOT_EXIST_CODE:
            raise TaskNotFound(
                f"The relay does not know task {task_id}; check the id for typos."
                if task_id
                else "The relay does not know these tasks.",
                status=status,
                task_id=task_id,
            )
        if status in RETRY_STATUSES or status >= 500:
            attempts = _attempts(response)
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            what = f"HTTP {status} {response.reason or ''}".strip()
            if body is None and _looks_like_html(response):
                detail = " (an error page, probably from a proxy in front of it)"
            else:
                detail = f' ("{relay_message}")' if relay_message else ""
            advice = (
                "It is limiting how fast it is asked; wait a minute and try again."
                if status == 429
                else "It may be down or overloaded; try again in a few minutes."
            )
            raise RelayUnavailable(
                f"The relay at {host} answered {what}{tries}{detail}. {advice}", status=status, task_id=task_id
            )
        if status == 404:
            raise RelayResponseError(
                f"The relay at {host} has no {FETCH_PATH} route (HTTP 404). Check the relay URL in "
                "Settings: it should be the relay's base address, without /suno/fetch.",
                status=status,
                task_id=task_id,
            )
        if not 200 <= status < 300:
            detail = f": {relay_message}" if relay_message else ""
            raise RelayResponseError(
                f"The relay at {host} answered HTTP {status}{detail}.", status=status, task_id=task_id
            )
        if body is None:
            raise MalformedResponse(_unreadable_sentence(response, unreadable, host), status=status, task_id=task_id)
        if not isinstance(body, Mapping) or "code" not in body:
            raise MalformedResponse(
                f"The relay at {host} answered with JSON that is not the relay's usual envelope "
                '(no "code"); check the relay URL in Settings.',
                status=status,
                task_id=task_id,
            )
        if body.get("code") != SUCCESS_CODE:
            code = self._cleaner.line(body.get("code"), 80)
            detail = relay_message or (f"code {code!r}" if code else "an answer without a usable code")
            raise RelayResponseError(f"The relay at {host} could not answer: {detail}.", status=status, task_id=task_id)
        return body.get("data")

    def relay_message(self, body: Any) -> str:
        """The human part of a relay's error body, cleaned and with the token blanked."""
        if not isinstance(body, Mapping):
            return ""
        candidates = [body.get("message"), body.get("detail"), body.get("msg")]
        error = body.get("error")
        if isinstance(error, Mapping):
            candidates.insert(0, error.get("message"))
        elif isinstance(error, str):
            candidates.insert(0, error)
        for candidate in candidates:
            if isinstance(candidate, str) and candidate.strip():
                text = " ".join(self._cleaner.line(candidate, RELAY_MESSAGE_LIMIT * 2).split())
                return cut(text, RELAY_MESSAGE_LIMIT).rstrip(".")
        return ""


# --------------------------------------------------------------------------- helpers


class _BearerToken(requests.auth.AuthBase):
    """Adds ``Authorization: Bearer <token>`` to every request."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self._header
        return request

    def __repr__(self) -> str:
        return "_BearerToken(***)"


def base_url_problem(base_url: str) -> str | None:
    """Why *base_url* cannot be a relay's address (the sentence the client would raise), or None."""
    try:
        _normalise_base_url(base_url)
    except ConfigurationError as exc:
        return str(exc)
    return None


def _normalise_base_url(base_url: str) -> str:
    text = (base_url or "").strip().rstrip("/")
    if not text:
        raise ConfigurationError("No relay URL is set; enter the relay's address in Settings.")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            "The relay URL must start with http:// or https:// and name a host, "
            "for example https://relay.example.com; fix it in Settings."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(
            "The relay URL must not contain '?' or '#'; use only the relay's base address in Settings."
        )
    return text


def _normalise_token(token: str) -> str:
    text = (token or "").strip()
    if text.lower().startswith("bearer "):  # pasted together with the header's scheme
        text = text[len("bearer ") :].strip()
    if not text:
        raise ConfigurationError("No API token is set; enter it in Settings or set SUNO_API_TOKEN.")
    if not text.isascii() or not text.isprintable() or any(ch.isspace() for ch in text):
        raise ConfigurationError(
            "The API token contains spaces, line breaks or non-ASCII characters, "
            "which cannot be sent to the relay; paste it again in Settings."
        )
    return text


def _display_host(base_url: str) -> str:
    parts = urlsplit(base_url)
    host = parts.hostname or parts.netloc
    return f"{host}:{parts.port}" if parts.port else host


def _display_url(base_url: str) -> str:
    """The base URL without any user:password part."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{_display_host(base_url)}{parts.path}"


def _json_or_none(response: requests.Response) -> Any:
    return decode_json(response)[0]


def _unreadable_sentence(response: requests.Response, unreadable: UnreadableJson | None, host: str) -> str:
    """What to say about a 2xx answer whose body gave no JSON."""
    status = response.status_code
    if _looks_like_html(response):
        return (
            f"The relay at {host} answered with an HTML page instead of JSON (HTTP {status}). "
            "Check the relay URL in Settings; a proxy or captive portal may be in the way."
        )
    if unreadable is UnreadableJson.TOO_DEEP:
        return (
            f"The relay at {host} sent an answer nested too deeply to be read (HTTP {status}); "
            "it may not be a Suno relay. Check the relay URL in Settings."
        )
    return (
        f"The relay at {host} sent an answer that is not valid JSON (HTTP {status}); it may have "
        "been cut off. Try again, and if it keeps happening check the relay URL in Settings."
    )


def _looks_like_html(response: requests.Response) -> bool:
    content_type = response.headers.get("Content-Type", "").lower()
    return "html" in content_type or response.content.lstrip()[:1] == b"<"


def _describe_json_type(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _attempts(response: requests.Response) -> int:
    """How many times urllib3 sent the request that produced *response*."""
    retry = getattr(response.raw, "retries", None)
    history = getattr(retry, "history", None) or ()
    return len(history) + 1
