"""A faithful local stand-in for a Suno API relay, on 127.0.0.1.

Used by the tests, the benchmarks and the app's ``--demo`` mode. It answers the
two documented routes in three clip shapes (``flat`` like the GET example,
``nested`` like the POST example, ``camel`` like new-api's copy of the official
Suno API: camelCase, no clip status, no video, times in ms), sends ``null`` where
real relays do, leaves unknown ids out of a batch and shuffles it, walks tasks through their
pending states poll by poll, and can be told to misbehave (rate limits, proxy
error pages, broken JSON, slow answers, dropped connections).

Media (mp3, covers, mp4, live streams) is served by a
:class:`~suno_desktop.demo.media_server.MediaServer` on another port, so a test
can check that the API token never reaches a media host.
"""

from __future__ import annotations

import json
import logging
import random
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..resources import resource_path
from .media_server import MediaServer

log = logging.getLogger(__name__)

FETCH_PATH = "/suno/fetch"

DEFAULT_LYRICS = (
    "[Verse]\nWalking down the streets\nBeneath the city lights\n"
    "Neon signs flickering\nLighting up the night\n\n"
    "[Chorus]\nHeart beating faster\nLike a drum in my chest\n"
    "I'm alive in this moment\nFeeling so blessed"
)
DEFAULT_LYRICS_TITLE = "Paper Boats"
DEFAULT_LYRICS_TEXT = (
    "[Verse]\nFolded all my worries into paper boats\nSent them down the gutter where the rainwater goes\n\n"
    "[Chorus]\nSail away, sail away\nTake the grey skies with you today"
)
DEFAULT_DURATION = 12.0
#: how long the "slow" fault sleeps: well past the test client's 2 s read timeout
SLOW_FAULT_SECONDS = 3.0
#: bytes a streaming clip's live URL serves before the "stream" ends
STREAM_CHUNK_BYTES = 16 * 1024

FAULTS = frozenset({"429", "500", "502-html", "badjson", "wrong-shape", "code-error", "slow", "reset"})
FAULT_ROUTES = frozenset({"get", "post", "any"})
SHAPES = frozenset({"flat", "nested", "camel"})
COVER_FILES = {"jpeg": ("cover-1.jpg", "cover-3.jpg"), "png": ("cover-2.png",)}
COVER_TYPES = {"jpeg": "image/jpeg", "png": "image/png"}
SONG_FILES = ("song-1.mp3", "song-2.mp3", "song-3.mp3")
VIDEO_FILE = "video-1.mp4"

PROXY_ERROR_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

#: fields of a clip that :meth:`LocalRelay.update_clip` may change
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
class _DemoTask:
    """What the relay knows about a task; rendered into either shape at fetch time."""

    task_id: str
    action: str
    shape: str
    clips: list[dict[str, Any]]
    polls_until_success: int
    final_status: str
    fail_reason: str
    nulls: bool
    created: float
    lyrics_title: str = ""
    lyrics_text: str = ""
    fetches: int = 0  # drives the pending → final progression; never reset
    extra: dict[str, Any] = field(default_factory=dict)


class LocalRelay:
    """A relay on 127.0.0.1 with tasks you add. Thread-safe; ``with LocalRelay() as relay:``."""

    batch_enabled: bool

    def __init__(
        self,
        token: str = "demo-token",
        media: MediaServer | None = None,
        media_dir: Path | None = None,
    ) -> None:
        self.token = token
        self.media_dir = Path(media_dir) if media_dir is not None else resource_path("demo")
        self._owns_media = media is None
        self.media = media if media is not None else MediaServer()
        self.batch_enabled = True
        self._lock = threading.RLock()
        self._tasks: dict[str, _DemoTask] = {}
        self._faults: list[_Fault] = []
        self._api_requests: list[ApiRequest] = []
        self._poll_counts: dict[str, int] = {}
        self._song_turn = 0
        self._cover_turn = 0
        self._random = random.Random()
        self._durations: dict[Path, float | None] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> "LocalRelay":
        if self._server is not None:
            return self
        if self._owns_media:
            self.media.start()
        server = _RelayHTTPServer(("127.0.0.1", 0), _RelayRequestHandler)
        server.relay = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-relay", daemon=True
        )
        self._thread.start()
        log.debug("Local relay listening on %s", self.api_url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            with self._lock:
                connections = list(self._connections)
                self._connections.clear()
            for connection in connections:  # keep-alive connections would outlive the server
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            if self._thread is not None:
                self._thread.join(timeout=5)
                self._thread = None
        if self._owns_media:
            self.media.stop()

    def __enter__(self) -> "LocalRelay":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """The base URL to give :class:`~suno_desktop.relay.client.RelayClient`."""
        if self._server is None:
            raise RuntimeError("The local relay is not running; call start() first.")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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

    # ------------------------------------------------------------------ tasks

    def add_music_task(
        self,
        task_id: str | None = None,
        *,
        shape: str = "flat",
        clips: int = 2,
        title: str = "City Lights",
        tags: str = "emotional punk",
        lyrics: str = DEFAULT_LYRICS,
        description: str | None = None,
        model: str | None = None,
        polls_until_success: int = 0,
        final_status: str = "SUCCESS",
        fail_reason: str = "",
        clip_status: str = "complete",
        clip_error: str | None = None,
        video: bool = True,
        cover: str | None = "jpeg",
        audio: bytes | Path | None = None,
        duration: float | int | str | None | object = ...,
        nulls: bool = False,
        created: float | None = None,
    ) -> str:
        """Add a MUSIC task whose clips' media is served by :attr:`media`; returns its id.

        ``duration=...`` (the default) means "the audio file's length, else 12 s";
        ``None`` sends null. ``cover`` is "jpeg", "png" or None (no cover). The ``camel``
        shape has no clip status and no video, so ``clip_status``/``video`` do not show in it.
        """
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {sorted(SHAPES)}")
        if cover is not None and cover not in COVER_FILES:
            raise ValueError(f"cover must be one of {sorted(COVER_FILES)} or None")
        if clips < 0:
            raise ValueError("clips must be >= 0")
        task_id = task_id or str(uuid.uuid4())
        created = time.time() if created is None else float(created)
        if model is None:
            model = "chirp-v3" if shape == "nested" else "chirp-v4"
        clip_list = []
        for _ in range(clips):
            clip_id = str(uuid.uuid4())
            audio_source = audio if audio is not None else self._next_song()
            clip_list.append(
                {
                    "id": clip_id,
                    "title": title,
                    "tags": tags,
                    "lyrics": lyrics,
                    "description": description,
                    "model": model,
                    "duration": self._duration_of(audio_source) if duration is ... else duration,
                    "status": clip_status,
                    "error": clip_error if clip_error is not None else (
                        "Suno could not generate this song." if clip_status == "error" else None
                    ),
                    "created": created,
                    **self._register_media(clip_id, audio_source, cover=cover, video=video),
                }
            )
        task = _DemoTask(
            task_id=task_id,
            action="MUSIC",
            shape=shape,
            clips=clip_list,
            polls_until_success=max(0, polls_until_success),
            final_status=final_status.upper(),
            fail_reason=fail_reason or ("Generation failed." if final_status.upper() == "FAILURE" else ""),
            nulls=nulls,
            created=created,
        )
        with self._lock:
            self._tasks[task_id.lower()] = task
        return task_id

    def add_lyrics_task(
        self,
        task_id: str | None = None,
        *,
        title: str = DEFAULT_LYRICS_TITLE,
        text: str = DEFAULT_LYRICS_TEXT,
        polls_until_success: int = 0,
    ) -> str:
        """Add a LYRICS task (its data is one ``{id, status, title, text}`` object)."""
        task_id = task_id or str(uuid.uuid4())
        task = _DemoTask(
            task_id=task_id,
            action="LYRICS",
            shape="flat",
            clips=[],
            polls_until_success=max(0, polls_until_success),
            final_status="SUCCESS",
            fail_reason="",
            nulls=False,
            created=time.time(),
            lyrics_title=title,
            lyrics_text=text,
            extra={"lyrics_id": str(uuid.uuid4())},
        )
        with self._lock:
            self._tasks[task_id.lower()] = task
        return task_id

    def update_clip(self, task_id: str, index: int = 0, **fields: Any) -> None:
        """Change what the relay says about one clip, e.g. ``title="New title"``."""
        unknown = set(fields) - CLIP_FIELDS
        if unknown:
            raise ValueError(f"unknown clip fields: {sorted(unknown)}; allowed: {sorted(CLIP_FIELDS)}")
        with self._lock:
            task = self._tasks[task_id.lower()]
            task.clips[index].update(fields)

    def clip_ids(self, task_id: str) -> list[str]:
        """The ids of a task's clips, in order."""
        with self._lock:
            return [clip["id"] for clip in self._tasks[task_id.lower()].clips]

    def clip_media(self, task_id: str) -> list[dict[str, str | None]]:
        """Each clip's final media URLs (audio, covers, video, live stream), in clip order."""
        keys = ("audio_url", "image_url", "image_large_url", "video_url", "stream_url")
        with self._lock:
            clips = self._tasks[task_id.lower()].clips
            return [{"clip_id": clip["id"], **{key: clip[key] for key in keys}} for clip in clips]

    def remove_task(self, task_id: str) -> None:
        with self._lock:
            self._tasks.pop(task_id.lower(), None)

    def inject_fault(self, fault: str, *, route: str = "any", times: int = 1) -> None:
        """Make the next *times* requests on *route* ("get", "post", "any") misbehave."""
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of {sorted(FAULTS)}")
        if route not in FAULT_ROUTES:
            raise ValueError(f"route must be one of {sorted(FAULT_ROUTES)}")
        with self._lock:
            self._faults.append(_Fault(fault, route, times))

    # ------------------------------------------------------------------ media

    def _next_song(self) -> Path:
        with self._lock:
            name = SONG_FILES[self._song_turn % len(SONG_FILES)]
            self._song_turn += 1
        return self.media_dir / name

    def _next_cover(self, kind: str) -> Path:
        with self._lock:
            names = COVER_FILES[kind]
            name = names[self._cover_turn % len(names)]
            self._cover_turn += 1
        return self.media_dir / name

    def _duration_of(self, source: bytes | Path) -> float:
        if isinstance(source, bytes):
            return DEFAULT_DURATION
        path = Path(source)
        with self._lock:
            if path not in self._durations:
                self._durations[path] = _mp3_length(path)
            length = self._durations[path]
        return round(length, 2) if length else DEFAULT_DURATION

    def _register_media(
        self, clip_id: str, audio: bytes | Path, *, cover: str | None, video: bool
    ) -> dict[str, Any]:
        """Put a clip's files on the media server under CDN-like paths; returns their URLs."""
        media = self.media
        urls: dict[str, Any] = {
            "audio_url": media.add(f"/cdn1/{clip_id}.mp3", audio, "audio/mpeg"),
            "stream_url": media.add(
                f"/audiopipe/?item_id={clip_id}", _stream_chunk(audio), "audio/mpeg"
            ),
            "image_url": None,
            "image_large_url": None,
            "video_url": None,
        }
        if cover is not None:
            # Like the real relay can, a PNG cover is served under a .jpeg name.
            cover_file = self._next_cover(cover)
            urls["image_url"] = media.add(f"/cdn2/image_{clip_id}.jpeg", cover_file, COVER_TYPES[cover])
            urls["image_large_url"] = media.add(
                f"/cdn2/image_large_{clip_id}.jpeg", cover_file, COVER_TYPES[cover]
            )
        if video:
            urls["video_url"] = media.add(f"/cdn1/{clip_id}.mp4", self.media_dir / VIDEO_FILE, "video/mp4")
        return urls

    # ------------------------------------------------------------------ answering

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

    def _render_task(self, task_id: str) -> dict[str, Any] | None:
        """The task as the relay would send it now; counts one poll."""
        with self._lock:
            task = self._tasks.get(task_id.lower())
            if task is None:
                return None
            phase = task.fetches
            task.fetches += 1
            self._poll_counts[task.task_id] = self._poll_counts.get(task.task_id, 0) + 1
            return _render(task, phase)

    def _shuffled(self, items: list[Any]) -> list[Any]:
        with self._lock:
            self._random.shuffle(items)
        return items


# --------------------------------------------------------------------------- rendering


def _render(task: _DemoTask, phase: int) -> dict[str, Any]:
    """One task in the relay's JSON, *phase* fetches after it was added."""
    pending = phase < task.polls_until_success
    if pending:
        status = "NOT_START" if phase == 0 else ("SUBMITTED" if phase == 1 else "IN_PROGRESS")
        progress = {"NOT_START": "0%", "SUBMITTED": "10%"}.get(status, f"{min(90, 10 + 30 * (phase - 1))}%")
    else:
        status = task.final_status
        progress = "100%"
    unit = 1000 if task.shape == "camel" else 1  # new-api's official-Suno channel stores ms
    submit = int(task.created * unit)
    body: dict[str, Any] = {
        "task_id": task.task_id,
        "action": task.action,
        "status": status,
        "fail_reason": task.fail_reason if status == "FAILURE" else "",
        "submit_time": submit,
        "start_time": 0 if status == "NOT_START" else submit + unit,
        "finish_time": 0 if pending else submit + 200 * unit,
        "progress": progress,
    }
    if task.shape == "nested":
        body = {"task_id": task.task_id, "notify_hook": "", **{k: v for k, v in body.items() if k != "task_id"}}

    if task.action == "LYRICS":
        body["data"] = None if pending else {
            "id": task.extra["lyrics_id"],
            "status": "complete",
            "title": task.lyrics_title,
            "text": task.lyrics_text,
        }
        return body

    if status == "NOT_START" or status == "FAILURE":
        clips: list[dict[str, Any]] = []
    else:
        render_clip = {"flat": _flat_clip, "nested": _nested_clip, "camel": _camel_clip}[task.shape]
        clips = [render_clip(task, index, clip, streaming=pending) for index, clip in enumerate(task.clips)]
    body["data"] = clips
    if task.shape == "camel":  # the first clip's audio, once there is one
        body["url"] = clips[0]["audioUrl"] if status == "SUCCESS" and clips else ""
    if task.nulls:
        for key in ("fail_reason", "progress", "start_time", "finish_time", "url"):
            if key in body and not body[key]:
                body[key] = None
        if "notify_hook" in body:
            body["notify_hook"] = None
        if not clips:
            body["data"] = None
    return body


def _clip_values(task: _DemoTask, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """The clip's current values, with what a streaming clip does not have yet removed."""
    values = dict(clip)
    if streaming:
        values.update(status="streaming", error=None, duration=None, video_url="", audio_url=clip["stream_url"])
    if task.nulls:
        for key in ("title", "tags", "lyrics", "description", "model", "duration", "image_url",
                    "image_large_url", "video_url", "created"):  # fmt: skip
            values[key] = None
    return values


def _flat_clip(task: _DemoTask, index: int, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """The GET example's shape: ``mv``, ``tags``, ``prompt``, ``create_time`` as a string."""
    v = _clip_values(task, clip, streaming=streaming)
    created = None if v["created"] is None else str(int(v["created"]))
    status = v["status"]
    return {
        "id": v["id"],
        "mv": v["model"],
        "msg": (v["error"] or "") if status == "error" else "",
        "tags": v["tags"],
        "state": {"complete": "succeeded", "error": "failed"}.get(status, "running"),
        "title": v["title"],
        "prompt": v["lyrics"],
        "status": status,
        "clip_id": v["id"],
        "task_id": f"{task.task_id}_{index + 1}",
        "duration": v["duration"],
        "audio_url": v["audio_url"],
        "image_url": v["image_url"],
        "video_url": v["video_url"],
        "continue_at": None,
        "create_time": created,
        "update_time": None if created is None else str(int(v["created"]) + 180),
        "image_large_url": v["image_large_url"],
        "continue_clip_id": None,
        "gpt_description_prompt": v["description"],
    }


def _nested_clip(task: _DemoTask, index: int, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """The POST example's shape: ``metadata.{tags,prompt,duration,...}``, ``model_name``."""
    v = _clip_values(task, clip, streaming=streaming)
    status = v["status"]
    model = v["model"]
    return {
        "id": v["id"],
        "title": v["title"],
        "status": status,
        "metadata": {
            "tags": v["tags"],
            "prompt": v["lyrics"],
            "duration": v["duration"],
            "error_type": "generation_failed" if status == "error" else None,
            "error_message": v["error"] if status == "error" else None,
            "audio_prompt_id": None,
            "gpt_description_prompt": v["description"],
        },
        "audio_url": v["audio_url"],
        "image_url": v["image_url"],
        "video_url": v["video_url"],
        "model_name": model,
        "image_large_url": v["image_large_url"],
        "major_model_version": None if model is None else model.removeprefix("chirp-"),
        "created_at": None if v["created"] is None else _iso(v["created"]),
    }


def _camel_clip(task: _DemoTask, index: int, clip: dict[str, Any], *, streaming: bool) -> dict[str, Any]:
    """new-api's suno_official.go clip: no status, audioUrl "" until SUCCESS, Go's "" and 0 for unknowns."""
    v = _clip_values(task, clip, streaming=streaming)

    def go(value: Any, zero: Any) -> Any:
        return zero if value is None and not task.nulls else value

    duration = float(v["duration"]) if type(v["duration"]) is int else v["duration"]  # Go's float64
    return {
        "id": v["id"],
        "audioUrl": go(None if streaming else v["audio_url"], ""),
        "streamAudioUrl": go(v["stream_url"], ""),
        "imageUrl": go(v["image_url"], ""),
        "prompt": go(v["lyrics"], ""),
        "modelName": go(v["model"], ""),
        "title": go(v["title"], ""),
        "tags": go(v["tags"], ""),
        "createTime": go(None if v["created"] is None else int(v["created"] * 1000), 0),
        "duration": go(duration, 0.0),
    }


def _iso(unix_seconds: float) -> str:
    moment = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _mp3_length(path: Path) -> float | None:
    try:
        from mutagen import File as MutagenFile

        info = MutagenFile(path)
        return float(info.info.length) if info is not None and info.info else None
    except Exception:  # a demo file that cannot be read just gets the default length
        log.debug("Could not read the length of %s", path, exc_info=True)
        return None


def _stream_chunk(audio: bytes | Path) -> bytes:
    """The first bytes of a song: what a live stream has sent so far."""
    if isinstance(audio, bytes):
        return audio[:STREAM_CHUNK_BYTES]
    with open(audio, "rb") as handle:
        return handle.read(STREAM_CHUNK_BYTES)


# --------------------------------------------------------------------------- HTTP


class _RelayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    relay: LocalRelay

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet: clients hang up
        log.debug("Local relay: error while handling a request", exc_info=True)


class _RelayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalRelay/1.0"
    timeout = 30  # idle keep-alive connections give their thread back eventually
    server: _RelayHTTPServer

    # connection tracking, so stop() can close keep-alive connections
    def setup(self) -> None:
        super().setup()
        with self.server.relay._lock:
            self.server.relay._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.relay._lock:
            self.server.relay._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    # ------------------------------------------------------------------

    def _answer(self, method: str) -> None:
        relay = self.server.relay
        raw_body = self._read_body()
        try:
            json_body = json.loads(raw_body) if raw_body else None
        except ValueError:
            json_body = None
        path = self.path.split("?", 1)[0]
        relay._record(ApiRequest(method, self.path, json_body, self.headers.get("Authorization")))

        task_segment = path[len(FETCH_PATH) + 1 :] if path.startswith(FETCH_PATH + "/") else ""
        is_get = method == "GET" and bool(task_segment) and "/" not in task_segment  # one path segment
        is_post = method == "POST" and path.rstrip("/") == FETCH_PATH
        if not (is_get or is_post):
            if path.rstrip("/") == FETCH_PATH:
                return self._send_error(405, f"{method} is not allowed here", {"Allow": "POST"})
            return self._send_error(404, f"Invalid URL ({method} {path})")
        if is_post and not relay.batch_enabled:
            return self._send_error(405, "Method Not Allowed", {"Allow": "GET"})

        fault = relay._take_fault(method)
        if fault is not None and self._misbehave(fault):
            return

        auth = self.headers.get("Authorization")
        if auth != f"Bearer {relay.token}":
            problem = "Invalid token" if auth else "No token provided"
            request_id = uuid.uuid4().hex[:20]
            return self._send_error(401, f"{problem} (request id: {request_id})", error_type="new_api_error")

        wrong_shape, truncate = fault == "wrong-shape", fault == "badjson"
        if is_get:
            rendered = relay._render_task(unquote(task_segment))
            if rendered is None:
                return self._send_json(400, {"code": "task_not_exist", "message": "task_not_exist", "data": None})
            return self._send_json(200, _envelope(rendered, wrong_shape=wrong_shape, get=True), truncate=truncate)

        ids = json_body.get("ids") if isinstance(json_body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            message = 'The body must be {"ids": ["task id", ...]}.'
            return self._send_json(400, {"code": "invalid_request", "message": message, "data": None})
        found = [task for task in map(relay._render_task, dict.fromkeys(ids)) if task is not None]
        relay._shuffled(found)
        return self._send_json(200, _envelope(found, wrong_shape=wrong_shape, get=False), truncate=truncate)

    def _misbehave(self, fault: str) -> bool:
        """Act out *fault*; True when the answer has been sent (or the line dropped)."""
        if fault == "429":
            self._send_error(429, "Too many requests, slow down", {"Retry-After": "1"}, error_type="rate_limit")
        elif fault == "500":
            self._send_json(500, {"code": "error", "message": "internal server error", "data": None})
        elif fault == "502-html":
            self._send_bytes(502, PROXY_ERROR_PAGE, "text/html")
        elif fault == "code-error":
            self._send_json(200, {"code": "error", "message": "upstream busy", "data": None})
        elif fault == "slow":
            time.sleep(SLOW_FAULT_SECONDS)
            return False
        elif fault == "reset":
            self._reset_connection()
        else:  # "badjson" and "wrong-shape" change the normal answer
            return False
        return True

    def _reset_connection(self) -> None:
        """Drop the connection with a TCP reset, like a crashing proxy."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send_error(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        error_type: str = "invalid_request_error",
    ) -> None:
        """The error body new-api style relays send outside the task envelope."""
        self._send_json(status, {"error": {"message": message, "type": error_type}}, headers)

    def _send_json(
        self, status: int, body: Any, headers: dict[str, str] | None = None, *, truncate: bool = False
    ) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if truncate:
            payload = payload[: max(1, len(payload) // 2)]
        self._send_bytes(status, payload, "application/json; charset=utf-8", headers)

    def _send_bytes(
        self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up (e.g. after its timeout)
            self.close_connection = True


def _envelope(data: Any, *, wrong_shape: bool, get: bool) -> dict[str, Any]:
    if wrong_shape:  # GET wants an object, POST a list: send the other one
        data = [data] if get else {"tasks": data}
    return {"code": "success", "message": "", "data": data}


