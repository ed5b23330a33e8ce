"""The product's demo relay and media server, extended with what only the tests need.

The demo servers in ``suno_desktop.demo`` behave like a real relay and CDN and
nothing else. Tests also have to provoke every failure the app must survive
(rate limits, proxy error pages, broken JSON, slow answers, dropped connections,
cut-off downloads, CDN errors, redirects, servers without range support), look at
the requests the app sent and change what the relay says. That lives here, in
subclasses of the demo servers, so it never ships in the app.
"""

from __future__ import annotations

import functools
import json
import os
import random
import select
import socket
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from suno_desktop.demo.media_server import WRITE_CHUNK, Blob, MediaRequestHandler, MediaServer, route_keys
from suno_desktop.demo.relay_server import LocalRelay, RelayRequestHandler

# --------------------------------------------------------------------------- media

MEDIA_FAULTS = frozenset({"cut", "500", "503", "429", "404", "slow", "reset", "drip", "stall", "no-length"})
MEDIA_STATUS_FAULTS = frozenset({"500", "503", "429", "404"})
SLOW_FAULT_DELAY = 3.0  # seconds; long enough to trip any client read timeout a test sets
#: "drip" and "stall": the first half of the body at full speed, then one byte every
#: DRIP_INTERVAL, or nothing at all, until the client hangs up (at most STALL_MAX seconds)
PACED_FAULTS = frozenset({"drip", "stall"})
DRIP_INTERVAL = 0.5
STALL_MAX = 60.0

#: generated content repeats a seed-dependent block of this many bytes, each copy
#: stamped with its block number, so a resume at a wrong offset is always detected
GENERATED_BLOCK = 1 << 20


@functools.lru_cache(maxsize=8)
def _generated_block(seed: int) -> bytes:
    return random.Random(seed).randbytes(GENERATED_BLOCK)


def iter_generated_bytes(
    size: int, seed: int = 0, start: int = 0, length: int | None = None, chunk_size: int = WRITE_CHUNK
) -> Iterator[bytes]:
    """Yield the deterministic content of a generated blob, or a slice of it, in chunks.

    Byte ``i`` depends only on ``(seed, i)``; nothing larger than one block is ever built.
    """
    end = size if length is None else min(size, start + length)
    position = max(0, start)
    block = _generated_block(seed)
    while position < end:
        index, offset = divmod(position, GENERATED_BLOCK)
        stamped = index.to_bytes(8, "big") + block[8:]
        take = min(end - position, GENERATED_BLOCK - offset, chunk_size)
        yield stamped[offset : offset + take]
        position += take


@dataclass(frozen=True)
class MediaRequest:
    """One request as the media server saw it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class GeneratedBlob(Blob):
    """Bytes made on the fly, for downloads far larger than a test wants in memory."""

    generated_size: int = 0
    seed: int = 0

    def size(self) -> int:
        return self.generated_size


@dataclass(frozen=True)
class Redirect:
    location: str
    status: int


@dataclass(frozen=True)
class Encoded:
    """A body sent with ``Content-Encoding`` whatever the client asked for (its length is the encoded one)."""

    payload: bytes
    content_type: str
    encoding: str


class FaultyMediaHandler(MediaRequestHandler):
    """Logs each request, acts out a pending fault, then answers like the demo server."""

    server: Any
    cut = False  # this answer stops half-way through its body
    pace: str | None = None  # "drip" or "stall": the second half of the body comes that way
    unsized = False  # "no-length": no Content-Length (nor ranges); the body ends when the connection does

    def answer(self, send_body: bool) -> None:
        media: FaultyMediaServer = self.server.media
        media._record(MediaRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        fault = media._take_fault(self.path)
        self.cut = fault == "cut"
        self.pace = fault if fault in PACED_FAULTS else None
        self.unsized = fault == "no-length" or not media.send_lengths
        if self.unsized:
            self.close_connection = True
        if fault == "reset":
            self._reset()
            return
        if fault == "slow":
            time.sleep(SLOW_FAULT_DELAY)
        elif fault in MEDIA_STATUS_FAULTS:
            extra = {"Retry-After": "1"} if fault == "429" else {}
            self.send_status(int(fault), extra, send_body)
            return
        super().answer(send_body)

    def send_route(self, route: object, send_body: bool) -> None:
        if isinstance(route, Redirect):
            self.send_response(route.status)
            self.send_header("Location", route.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif isinstance(route, Encoded):
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Encoding", route.encoding)
            self.send_header("Content-Length", str(len(route.payload)))
            self.end_headers()
            if send_body:
                self.wfile.write(route.payload)
        else:
            super().send_route(route, send_body)

    def accepts_ranges(self) -> bool:
        return self.server.media.range_support and not self.unsized

    def send_header(self, keyword: str, value: str) -> None:
        if self.unsized and keyword.lower() == "content-length":
            return
        super().send_header(keyword, value)

    def write_body(self, blob: Blob, start: int, length: int) -> None:
        if self.cut:  # the headers promised everything; the connection ends half-way
            length //= 2
            self.close_connection = True
        if self.pace is not None:
            self._write_paced(blob, start, length)
            return
        if isinstance(blob, GeneratedBlob):
            for chunk in iter_generated_bytes(blob.generated_size, blob.seed, start, length):
                self.wfile.write(chunk)
        else:
            super().write_body(blob, start, length)

    def _write_paced(self, blob: Blob, start: int, length: int) -> None:
        """The first half at once, then a drip or a stall until the client hangs up."""
        half = length // 2
        self.pace, pace = None, self.pace
        self.write_body(blob, start, half)
        self.close_connection = True
        rest = (
            b"".join(iter_generated_bytes(blob.generated_size, blob.seed, start + half, length - half))
            if isinstance(blob, GeneratedBlob)
            else (blob.data if blob.data is not None else blob.file.read_bytes())[start + half : start + length]
        )
        ends = time.monotonic() + STALL_MAX
        for index in range(len(rest)):
            if self._client_gone(DRIP_INTERVAL) or time.monotonic() > ends:
                return
            if pace == "drip":
                self.wfile.write(rest[index : index + 1])

    def _client_gone(self, seconds: float) -> bool:
        """Wait *seconds*; True when the client closed the connection meanwhile (it turns readable)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], seconds)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def _reset(self) -> None:
        """Drop the connection without a word (RST rather than FIN where the OS allows)."""
        try:
            linger = struct.pack("HH" if os.name == "nt" else "ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        except OSError:
            pass
        self.close_connection = True


class FaultyMediaServer(MediaServer):
    """The demo media server plus a request log, faults, redirects, generated blobs and a range switch."""

    handler_class = FaultyMediaHandler

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.range_support: bool = True
        self.send_lengths: bool = True  # False: every answer as with the "no-length" fault
        self.requests: list[MediaRequest] = []
        self._faults: dict[str, list[str]] = {}

    def add_generated(self, path: str, size: int, content_type: str, seed: int = 0) -> str:
        """Serve *size* deterministic bytes produced on the fly (see :meth:`generated_bytes`)."""
        if size < 0:
            raise ValueError("A generated blob cannot have a negative size.")
        return self._register(path, GeneratedBlob(content_type, generated_size=size, seed=seed))

    def add_redirect(self, path: str, location: str, status: int = 302) -> str:
        if status not in (301, 302, 303, 307, 308):
            raise ValueError(f"HTTP {status} is not a redirect status.")
        return self._register(path, Redirect(location, status))

    def add_encoded(self, path: str, payload: bytes, content_type: str, encoding: str = "gzip") -> str:
        """Serve *payload* as it is with ``Content-Encoding: <encoding>``, even to ``Accept-Encoding: identity``."""
        return self._register(path, Encoded(payload, content_type, encoding))

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)
            self._faults.pop(path, None)

    def inject_fault(self, path: str, fault: str, times: int = 1) -> None:
        """Make the next *times* requests for *path* fail in the way *fault* names."""
        if fault not in MEDIA_FAULTS:
            raise ValueError(f"Unknown fault {fault!r}; use one of {', '.join(sorted(MEDIA_FAULTS))}.")
        with self._lock:
            self._faults.setdefault(path, []).extend([fault] * times)

    def reset_counters(self) -> None:
        """Forget the request log (faults still pending stay armed)."""
        with self._lock:
            self.requests.clear()

    def clear_faults(self) -> None:
        """Disarm every fault still pending: the CDN is healthy again."""
        with self._lock:
            self._faults.clear()

    @staticmethod
    def generated_bytes(size: int, seed: int = 0, start: int = 0, length: int | None = None) -> bytes:
        """The bytes :meth:`add_generated` serves, materialised (use on small slices only)."""
        return b"".join(iter_generated_bytes(size, seed, start, length))

    @staticmethod
    def iter_generated_bytes(size: int, seed: int = 0, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        """The bytes :meth:`add_generated` serves, as chunks of at most 1 MiB."""
        return iter_generated_bytes(size, seed, start, length)

    def _record(self, request: MediaRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_fault(self, raw_path: str) -> str | None:
        with self._lock:
            for key in route_keys(raw_path):
                pending = self._faults.get(key)
                if pending:
                    return pending.pop(0)
        return None


# --------------------------------------------------------------------------- relay

RELAY_FAULTS = frozenset(
    {"429", "500", "502-html", "badjson", "wrong-shape", "code-error", "slow", "reset", "drip", "silent"}
)
FAULT_ROUTES = frozenset({"get", "post", "any"})
#: what a submit (POST /suno/submit/...) can run into; see :meth:`FaultyRelay.inject_submit_fault`
SUBMIT_FAULTS = frozenset({"502", "429", "reset", "slow", "badjson", "no-id"})
#: how long the "slow" fault sleeps: well past the test client's 2 s read timeout
SLOW_FAULT_SECONDS = 3.0

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
class _Fault:
    kind: str
    route: str
    remaining: int


@dataclass
class _SubmitFault:
    kind: str
    remaining: int
    task_made: bool  # "reset": whether the task is made before the line drops
    retry_after: str  # "429": the Retry-After header
    delay: float  # "slow": seconds before the answer


class FaultyRelayHandler(RelayRequestHandler):
    """Logs each request, then routes it; a pending fault replaces or spoils the demo's answer."""

    server: Any
    fault: str | None = None

    def route(self, method: str) -> str | None:
        relay: FaultyRelay = self.server.relay
        self.fault = None  # one handler answers every request of a keep-alive connection
        relay._record(ApiRequest(method, self.path, self.json_body, self.headers.get("Authorization")))
        route = super().route(method)
        if route == "post" and not relay.batch_enabled:
            self.send_api_error(405, "Method Not Allowed", {"Allow": "GET"})
            return None
        if route is not None and route != "submit":  # submits have faults of their own
            self.fault = relay._take_fault(method)
            if self.fault is not None and self._misbehave(self.fault):
                return None
        return route

    def send_tasks(self, data: Any, *, get: bool) -> None:
        if self.fault == "wrong-shape":  # GET wants an object, POST a list: send the other one
            data = [data] if get else {"tasks": data}
        if self.fault == "badjson":
            envelope = {"code": "success", "message": "", "data": data}
            payload = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
            self.send_bytes(200, payload[: max(1, len(payload) // 2)], "application/json; charset=utf-8")
        else:
            super().send_tasks(data, get=get)

    def answer_submit(self) -> None:
        """A submit, spoilt by a pending submit fault: before the task is made, or after."""
        fault = self.server.relay._take_submit_fault()
        if fault is None:
            super().answer_submit()
            return
        if fault.kind == "429":
            headers = {"Retry-After": fault.retry_after}
            self.send_api_error(429, "Too many requests, slow down", headers, error_type="rate_limit")
            return
        if fault.kind == "reset" and not fault.task_made:
            self._reset_connection()
            return
        task_id = self.accept_submit()
        if task_id is None:
            return
        if fault.kind == "502":
            self.send_bytes(502, PROXY_ERROR_PAGE, "text/html")
        elif fault.kind == "reset":
            self._reset_connection()
        elif fault.kind == "slow":
            time.sleep(fault.delay)
            self.send_submitted(task_id)
        elif fault.kind == "badjson":
            payload = json.dumps({"code": "success", "message": "", "data": task_id}).encode()
            self.send_bytes(200, payload[: len(payload) // 2], "application/json; charset=utf-8")
        else:  # "no-id": a success that carries no task
            self.send_json(200, {"code": "success", "message": "", "data": None})

    def _misbehave(self, fault: str) -> bool:
        """Act out *fault*; True when the answer has been sent (or the line dropped)."""
        if fault == "429":
            self.send_api_error(429, "Too many requests, slow down", {"Retry-After": "1"}, error_type="rate_limit")
        elif fault == "500":
            self.send_json(500, {"code": "error", "message": "internal server error", "data": None})
        elif fault == "502-html":
            self.send_bytes(502, PROXY_ERROR_PAGE, "text/html")
        elif fault == "code-error":
            self.send_json(200, {"code": "error", "message": "upstream busy", "data": None})
        elif fault == "slow":
            time.sleep(SLOW_FAULT_SECONDS)
            return False
        elif fault == "reset":
            self._reset_connection()
        elif fault in ("drip", "silent"):
            self._drip(fault == "drip")
        else:  # "badjson" and "wrong-shape" change the normal answer
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
            while time.monotonic() < deadline and not self._client_gone(DRIP_INTERVAL):
                if send_bytes:
                    self.wfile.write(b" ")
                    self.wfile.flush()
        except OSError:
            pass  # the client hung up, as it should

    def _client_gone(self, wait: float) -> bool:
        """Whether the client closed its end within *wait* seconds (a silent answer would not notice otherwise)."""
        readable, _, _ = select.select([self.connection], [], [], wait)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _reset_connection(self) -> None:
        """Drop the connection with a TCP reset, like a crashing proxy."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


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
        self._faults: list[_Fault] = []
        self._submit_faults: list[_SubmitFault] = []
        self._api_requests: list[ApiRequest] = []
        self._poll_counts: dict[str, int] = {}

    # ------------------------------------------------------------------ observations

    @property
    def api_requests(self) -> list[ApiRequest]:
        """Every API request received since the last :meth:`reset_counters`, in order."""
        with self._lock:
            return list(self._api_requests)

    @property
    def poll_counts(self) -> dict[str, int]:
        """How often each task was fetched (GET, or inclusion in a POST)."""
        with self._lock:
            return dict(self._poll_counts)

    def reset_counters(self) -> None:
        """Forget requests and poll counts; tasks keep their progress."""
        with self._lock:
            self._api_requests.clear()
            self._poll_counts.clear()

    # ------------------------------------------------------------------ control

    def inject_fault(self, fault: str, *, route: str = "any", times: int = 1) -> None:
        """Make the next *times* requests on *route* ("get", "post", "any") misbehave."""
        if fault not in RELAY_FAULTS:
            raise ValueError(f"fault must be one of {sorted(RELAY_FAULTS)}")
        if route not in FAULT_ROUTES:
            raise ValueError(f"route must be one of {sorted(FAULT_ROUTES)}")
        with self._lock:
            self._faults.append(_Fault(fault, route, times))

    def inject_submit_fault(
        self,
        fault: str,
        *,
        times: int = 1,
        task_made: bool = True,
        retry_after: str = "1",
        delay: float = SLOW_FAULT_SECONDS,
    ) -> None:
        """Make the next *times* submits misbehave; fetches are not affected.

        "502": the task is made, then a proxy's 502 page. "429": nothing is made; the answer
        carries ``Retry-After: <retry_after>`` (seconds or an HTTP date). "reset": the request is
        read, the task made if *task_made*, and the connection reset. "slow": the task is made
        and the answer sent after *delay* seconds. "badjson": made, then a cut-off 200.
        "no-id": made, then a success envelope whose data is null.
        """
        if fault not in SUBMIT_FAULTS:
            raise ValueError(f"fault must be one of {sorted(SUBMIT_FAULTS)}")
        with self._lock:
            self._submit_faults.append(_SubmitFault(fault, times, task_made, retry_after, delay))

    def task_ids(self) -> list[str]:
        """The ids of every task the relay knows (added or submitted), lower-cased."""
        with self._lock:
            return list(self._tasks)

    def update_clip(self, task_id: str, index: int = 0, **fields: Any) -> None:
        """Change what the relay says about one clip, e.g. ``title="New title"``."""
        unknown = set(fields) - CLIP_FIELDS
        if unknown:
            raise ValueError(f"unknown clip fields: {sorted(unknown)}; allowed: {sorted(CLIP_FIELDS)}")
        with self._lock:
            task = self._tasks[task_id.lower()]
            task.clips[index].update(fields)

    # ------------------------------------------------------------------ used by the handler

    def _record(self, request: ApiRequest) -> None:
        with self._lock:
            self._api_requests.append(request)

    def _take_fault(self, method: str) -> str | None:
        route = method.lower()
        with self._lock:
            for fault in self._faults:
                if fault.route in ("any", route) and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault.kind
        return None

    def _take_submit_fault(self) -> _SubmitFault | None:
        with self._lock:
            if not self._submit_faults:
                return None
            fault = self._submit_faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._submit_faults.pop(0)
            return fault

    def _render_task(self, task_id: str) -> dict[str, Any] | None:
        with self._lock:
            rendered = super()._render_task(task_id)
            if rendered is not None:
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
class _RawAnswer:
    payload: bytes
    headers: dict[str, str]
    remaining: int


class HostileRelayHandler(FaultyRelayHandler):
    """Answers a fetch with the bytes a test set (a bomb, a nest too deep to encode), and JSON in ASCII.

    ASCII JSON carries a lone surrogate escaped (``"\\ud800"``), as a hostile relay can send it.
    """

    def route(self, method: str) -> str | None:
        route = super().route(method)
        if route in ("get", "post") or (route == "submit" and self.server.relay.raw_answers_submits):
            raw = self.server.relay._take_raw_answer()
            if raw is not None:
                self.send_bytes(200, raw.payload, "application/json; charset=utf-8", raw.headers)
                return None
        return route

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=True).encode("ascii")
        self.send_bytes(status, payload, "application/json; charset=utf-8", headers)


class HostileRelay(FaultyRelay):
    """A :class:`FaultyRelay` that sends values no relay should: any field of a task, or raw bytes as an answer."""

    handler_class = HostileRelayHandler

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._task_fields: dict[str, dict[str, Any]] = {}
        self._raw_answers: list[_RawAnswer] = []
        #: True: a submit gets the raw answer too (the request is logged, no task is made)
        self.raw_answers_submits = False

    def set_task_fields(self, task_id: str, /, **fields: Any) -> None:
        """Send these top-level fields in the task's JSON from now on (``finish_time="1e30"``)."""
        with self._lock:
            self._task_fields.setdefault(task_id.lower(), {}).update(fields)

    def answer_raw(self, payload: bytes, *, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next *times* fetches (GET or POST) with *payload*, HTTP 200, and these headers."""
        with self._lock:
            self._raw_answers.append(_RawAnswer(payload, dict(headers or {}), times))

    def _take_raw_answer(self) -> _RawAnswer | None:
        with self._lock:
            if not self._raw_answers:
                return None
            answer = self._raw_answers[0]
            answer.remaining -= 1
            if answer.remaining <= 0:
                self._raw_answers.pop(0)
            return answer

    def _render_task(self, task_id: str) -> dict[str, Any] | None:
        with self._lock:
            rendered = super()._render_task(task_id)
            if rendered is not None:
                rendered.update(self._task_fields.get(task_id.lower(), {}))
            return rendered
