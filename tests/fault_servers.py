"""The product's demo relay and media server, extended with what only the tests need.

The demo servers in ``suno_desktop.demo`` behave like a real relay and CDN and
nothing else. Tests also have to provoke every failure the app must survive
(rate limits, proxy error pages, broken JSON, slow answers, dropped connections,
cut-off downloads, CDN errors, redirects, servers without range support), look at
the requests the app sent and change what the relay says. That lives here (the
media server's half in ``fault_media.py``, whose names this module passes on), in
subclasses of the demo servers, so it never ships in the app. They go through the
demo's public doors only: the relay handler's ``intercept`` (the fault hook) and
``send_*`` methods, ``LocalRelay.render_task``/``edit_task``, and the media
handler's ``answer``/``send_route``/``write_body`` with ``MediaServer.register``.
A fault is named by an enum member (:class:`MediaFault`, :class:`RelayFault`,
:class:`SubmitFault`), never a string.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from fault_media import (
    DRIP_INTERVAL,
    SLOW_FAULT_DELAY,
    STALL_MAX,
    FaultyMediaServer,
    client_gone,
    reset_connection,
)
from fault_media import MediaFault as MediaFault

from suno_desktop.demo.relay_server import ApiRoute, LocalRelay, RelayRequestHandler

# --------------------------------------------------------------------------- relay


class RelayFault(Enum):
    """How the relay spoils the next fetches (:meth:`FaultyRelay.inject_fault`); submits have :class:`SubmitFault`."""

    HTTP_429 = "429"  # rate limited, Retry-After: 1
    HTTP_500 = "500"  # the relay's own error envelope
    PROXY_502 = "502-html"  # a proxy's HTML error page
    BAD_JSON = "badjson"  # a success cut off half-way
    WRONG_SHAPE = "wrong-shape"  # GET answered with a list, POST with an object
    CODE_ERROR = "code-error"  # HTTP 200 with {"code": "error"}
    SLOW = "slow"  # SLOW_FAULT_DELAY, then the answer
    RESET = "reset"  # no answer: the connection is reset
    DRIP = "drip"  # headers, then a space every DRIP_INTERVAL: an answer that never ends
    SILENT = "silent"  # headers, then nothing


class SubmitFault(Enum):
    """How the relay spoils the next submits (:meth:`FaultyRelay.inject_submit_fault`)."""

    PROXY_502 = "502"  # the task is made, then a proxy's 502 page
    HTTP_429 = "429"  # nothing is made; Retry-After as given
    RESET = "reset"  # the request is read, the task made or not, the connection reset
    SLOW = "slow"  # the task is made, the answer sent after a delay
    BAD_JSON = "badjson"  # made, then a success cut off half-way
    NO_ID = "no-id"  # made, then a success envelope whose data is null


PROXY_ERROR_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

#: fields of a clip that :meth:`FaultyRelay.update_clip` may change
CLIP_FIELDS = frozenset(
    {
        "id", "title", "tags", "lyrics", "description", "model", "duration", "status", "error",
        "audio_url", "stream_url", "image_url", "image_large_url", "video_url", "created",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ApiRequest:
    """One request the relay received, as the tests want to inspect it."""

    method: str
    path: str
    json_body: Any
    authorization: str | None


@dataclass
class PendingFault:
    kind: RelayFault
    route: ApiRoute | None  # None: either fetch route
    remaining: int


@dataclass
class PendingSubmitFault:
    kind: SubmitFault
    remaining: int
    task_made: bool  # RESET: whether the task is made before the line drops
    retry_after: str  # HTTP_429: the Retry-After header
    delay: float  # SLOW: seconds before the answer


class FaultyRelayHandler(RelayRequestHandler):
    """Logs each request; a pending fault replaces or spoils the demo's answer (the demo's ``intercept`` hook)."""

    server: Any
    fault: RelayFault | None = None

    def route(self, method: str) -> ApiRoute | None:
        relay: FaultyRelay = self.server.relay
        relay.record(ApiRequest(method, self.path, self.json_body, self.headers.get("Authorization")))
        return super().route(method)

    def intercept(self, route: ApiRoute) -> bool:
        relay: FaultyRelay = self.server.relay
        self.fault = None  # one handler answers every request of a keep-alive connection
        if route is ApiRoute.FETCH_MANY and not relay.batch_enabled:
            self.send_api_error(405, "Method Not Allowed", {"Allow": "GET"})
            return True
        if route is ApiRoute.SUBMIT:  # submits have faults of their own: see answer_submit
            return False
        self.fault = relay.take_fault(route)
        return self.fault is not None and self._misbehave(self.fault)

    def send_tasks(self, data: Any, *, get: bool) -> None:
        if self.fault is RelayFault.WRONG_SHAPE:  # GET wants an object, POST a list: send the other one
            data = [data] if get else {"tasks": data}
        if self.fault is RelayFault.BAD_JSON:
            envelope = {"code": "success", "message": "", "data": data}
            payload = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
            self.send_bytes(200, payload[: max(1, len(payload) // 2)], "application/json; charset=utf-8")
        else:
            super().send_tasks(data, get=get)

    def answer_submit(self) -> None:
        """A submit, spoilt by a pending submit fault: before the task is made, or after."""
        fault = self.server.relay.take_submit_fault()
        if fault is None:
            super().answer_submit()
            return
        if fault.kind is SubmitFault.HTTP_429:
            headers = {"Retry-After": fault.retry_after}
            self.send_api_error(429, "Too many requests, slow down", headers, error_type="rate_limit")
            return
        if fault.kind is SubmitFault.RESET and not fault.task_made:
            self._reset()
            return
        task_id = self.accept_submit()
        if task_id is None:
            return
        if fault.kind is SubmitFault.PROXY_502:
            self.send_bytes(502, PROXY_ERROR_PAGE, "text/html")
        elif fault.kind is SubmitFault.RESET:
            self._reset()
        elif fault.kind is SubmitFault.SLOW:
            time.sleep(fault.delay)
            self.send_submitted(task_id)
        elif fault.kind is SubmitFault.BAD_JSON:
            payload = json.dumps({"code": "success", "message": "", "data": task_id}).encode()
            self.send_bytes(200, payload[: len(payload) // 2], "application/json; charset=utf-8")
        else:  # NO_ID: a success that carries no task
            self.send_json(200, {"code": "success", "message": "", "data": None})

    def _misbehave(self, fault: RelayFault) -> bool:
        """Act out *fault*; True when the answer has been sent (or the line dropped)."""
        if fault is RelayFault.HTTP_429:
            self.send_api_error(429, "Too many requests, slow down", {"Retry-After": "1"}, error_type="rate_limit")
        elif fault is RelayFault.HTTP_500:
            self.send_json(500, {"code": "error", "message": "internal server error", "data": None})
        elif fault is RelayFault.PROXY_502:
            self.send_bytes(502, PROXY_ERROR_PAGE, "text/html")
        elif fault is RelayFault.CODE_ERROR:
            self.send_json(200, {"code": "error", "message": "upstream busy", "data": None})
        elif fault is RelayFault.SLOW:
            time.sleep(SLOW_FAULT_DELAY)
            return False
        elif fault is RelayFault.RESET:
            self._reset()
        elif fault in (RelayFault.DRIP, RelayFault.SILENT):
            self._drip(fault is RelayFault.DRIP)
        else:  # BAD_JSON and WRONG_SHAPE change the normal answer
            return False
        return True

    def _drip(self, send_bytes: bool) -> None:
        """Headers, then a space every DRIP_INTERVAL (or nothing) until the client hangs up: an answer never ending."""
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            deadline = time.monotonic() + STALL_MAX
            while time.monotonic() < deadline and not client_gone(self.connection, DRIP_INTERVAL):
                if send_bytes:
                    self.wfile.write(b" ")
                    self.wfile.flush()
        except OSError:
            pass  # the client hung up, as it should

    def _reset(self) -> None:
        self.close_connection = True
        reset_connection(self.connection)


class FaultyRelay(LocalRelay):
    """The demo relay plus switchable faults, a request log, poll counts and clip edits.

    Its media server is a :class:`FaultyMediaServer` unless one is given.
    """

    handler_class = FaultyRelayHandler
    media_server_class = FaultyMediaServer
    media: FaultyMediaServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: False: POST /suno/fetch answers 405, like relays that only have the GET route
        self.batch_enabled = True
        self._fault_lock = threading.Lock()  # the faults, the request log and the poll counts
        self._faults: list[PendingFault] = []
        self._submit_faults: list[PendingSubmitFault] = []
        self._api_requests: list[ApiRequest] = []
        self._poll_counts: dict[str, int] = {}

    # ------------------------------------------------------------------ observations

    @property
    def api_requests(self) -> list[ApiRequest]:
        """Every API request received since the last :meth:`reset_counters`, in order."""
        with self._fault_lock:
            return list(self._api_requests)

    @property
    def poll_counts(self) -> dict[str, int]:
        """How often each task was fetched (GET, or inclusion in a POST)."""
        with self._fault_lock:
            return dict(self._poll_counts)

    def reset_counters(self) -> None:
        """Forget requests and poll counts; tasks keep their progress."""
        with self._fault_lock:
            self._api_requests.clear()
            self._poll_counts.clear()

    # ------------------------------------------------------------------ control

    def inject_fault(self, fault: RelayFault, *, route: ApiRoute | None = None, times: int = 1) -> None:
        """Make the next *times* fetches on *route* (None: either fetch route) misbehave."""
        if not isinstance(fault, RelayFault):
            raise TypeError(f"fault must be a RelayFault, not {fault!r}")
        if route not in (None, ApiRoute.FETCH_ONE, ApiRoute.FETCH_MANY):
            raise ValueError("route must be a fetch route or None (submits: inject_submit_fault)")
        with self._fault_lock:
            self._faults.append(PendingFault(fault, route, times))

    def inject_submit_fault(
        self,
        fault: SubmitFault,
        *,
        times: int = 1,
        task_made: bool = True,
        retry_after: str = "1",
        delay: float = SLOW_FAULT_DELAY,
    ) -> None:
        """Make the next *times* submits misbehave (see :class:`SubmitFault`); fetches are not affected.

        HTTP_429 answers ``Retry-After: <retry_after>`` (seconds or an HTTP date); RESET makes
        the task first if *task_made*; SLOW answers after *delay* seconds.
        """
        if not isinstance(fault, SubmitFault):
            raise TypeError(f"fault must be a SubmitFault, not {fault!r}")
        with self._fault_lock:
            self._submit_faults.append(PendingSubmitFault(fault, times, task_made, retry_after, delay))

    def update_clip(self, task_id: str, index: int = 0, **fields: Any) -> None:
        """Change what the relay says about one clip, e.g. ``title="New title"``."""
        unknown = set(fields) - CLIP_FIELDS
        if unknown:
            raise ValueError(f"unknown clip fields: {sorted(unknown)}; allowed: {sorted(CLIP_FIELDS)}")
        with self.edit_task(task_id) as task:
            task.clips[index].update(fields)

    # ------------------------------------------------------------------ used by the handler

    def record(self, request: ApiRequest) -> None:
        with self._fault_lock:
            self._api_requests.append(request)

    def take_fault(self, route: ApiRoute) -> RelayFault | None:
        """The next pending fault for a fetch on *route*, counted down; None: answer normally."""
        with self._fault_lock:
            for fault in self._faults:
                if fault.route in (None, route) and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault.kind
        return None

    def take_submit_fault(self) -> PendingSubmitFault | None:
        with self._fault_lock:
            if not self._submit_faults:
                return None
            fault = self._submit_faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._submit_faults.pop(0)
            return fault

    def render_task(self, task_id: str) -> dict[str, Any] | None:
        rendered = super().render_task(task_id)
        if rendered is not None:
            with self._fault_lock:
                self._poll_counts[rendered["task_id"]] = self._poll_counts.get(rendered["task_id"], 0) + 1
        return rendered


# --------------------------------------------------------------------------- hostile relay


def gzip_bomb(inflated_size: int, member_size: int = 16 << 20) -> bytes:
    """A gzip body of JSON whitespace that inflates to *inflated_size* bytes, built without holding them.

    Made of identical gzip members (decoders read them one after another), so only one
    member is ever compressed: a 1 GB bomb is about 1 MB and takes a fraction of a second.
    """
    import gzip

    member = gzip.compress(b" " * member_size, compresslevel=9)
    count, rest = divmod(inflated_size, member_size)
    return member * count + (gzip.compress(b" " * rest) if rest else b"")


@dataclass
class RawAnswer:
    payload: bytes
    headers: dict[str, str]
    remaining: int


class HostileRelayHandler(FaultyRelayHandler):
    """Answers a fetch with the bytes a test set (a bomb, a nest too deep to encode), and JSON in ASCII.

    ASCII JSON carries a lone surrogate escaped (``"\\ud800"``), as a hostile relay can send it.
    """

    def intercept(self, route: ApiRoute) -> bool:
        if super().intercept(route):
            return True
        relay: HostileRelay = self.server.relay
        if route is ApiRoute.SUBMIT and not relay.raw_answers_submits:
            return False
        raw = relay.take_raw_answer()
        if raw is None:
            return False
        self.send_bytes(200, raw.payload, "application/json; charset=utf-8", raw.headers)
        return True

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=True).encode("ascii")
        self.send_bytes(status, payload, "application/json; charset=utf-8", headers)


class HostileRelay(FaultyRelay):
    """A :class:`FaultyRelay` that sends values no relay should: any field of a task, or raw bytes as an answer."""

    handler_class = HostileRelayHandler

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._task_fields: dict[str, dict[str, Any]] = {}
        self._raw_answers: list[RawAnswer] = []
        #: True: a submit gets the raw answer too (the request is logged, no task is made)
        self.raw_answers_submits = False

    def set_task_fields(self, task_id: str, /, **fields: Any) -> None:
        """Send these top-level fields in the task's JSON from now on (``finish_time="1e30"``)."""
        with self._fault_lock:
            self._task_fields.setdefault(task_id.lower(), {}).update(fields)

    def answer_raw(self, payload: bytes, *, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next *times* fetches (GET or POST) with *payload*, HTTP 200, and these headers."""
        with self._fault_lock:
            self._raw_answers.append(RawAnswer(payload, dict(headers or {}), times))

    def take_raw_answer(self) -> RawAnswer | None:
        with self._fault_lock:
            if not self._raw_answers:
                return None
            answer = self._raw_answers[0]
            answer.remaining -= 1
            if answer.remaining <= 0:
                self._raw_answers.pop(0)
            return answer

    def render_task(self, task_id: str) -> dict[str, Any] | None:
        rendered = super().render_task(task_id)
        if rendered is not None:
            with self._fault_lock:
                rendered.update(self._task_fields.get(task_id.lower(), {}))
        return rendered
