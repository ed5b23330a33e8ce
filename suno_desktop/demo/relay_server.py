"""A faithful local stand-in for a Suno API relay, on 127.0.0.1.

Used by ``--demo``, the tests and the benchmarks. It answers the documented
routes (GET /suno/fetch/{id}, POST /suno/fetch, POST /suno/submit/{music,lyrics})
with Bearer auth, in the three clip shapes of :mod:`.task_json`, sends ``null``
where real relays do, leaves unknown ids out of a batch and answers it in any
order, and walks tasks through their pending states poll by poll (or, for the
tasks a submit made, second by second when ``generation_seconds`` is set). It
never misbehaves on purpose. The tests' fault injection (``tests/fault_servers.py``)
extends it through public doors only: :attr:`LocalRelay.handler_class`, the
handler's :meth:`~RelayRequestHandler.intercept` (the fault hook: a broken proxy
or relay answers there instead) and its ``send_*`` methods, and the relay's
:meth:`~LocalRelay.render_task`, :meth:`~LocalRelay.task_ids` and
:meth:`~LocalRelay.edit_task`.

Media (mp3, covers, mp4, live streams) is served by a
:class:`~suno_desktop.demo.media_server.MediaServer` on another port, so a test
can check that the API token never reaches a media host.
"""

from __future__ import annotations

import json
import logging
import random
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..resources import resource_path
from .clip_media import COVER_FILES, ClipMedia
from .clip_media import SONG_FILES as SONG_FILES  # re-exported: the benchmarks' relay serves them too
from .clip_media import VIDEO_FILE as VIDEO_FILE
from .media_server import MediaServer
from .submissions import SUBMIT_PATH, extension_of, invent_lyrics, new_task_id, refusal, song_fields
from .task_json import SHAPES, DemoTask
from .task_json import render_task as render_task_json

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
#: pending fetches (NOT_START, SUBMITTED, IN_PROGRESS) before a submitted task is complete
GENERATION_POLLS = 3


# --------------------------------------------------------------------------- HTTP


class ApiRoute(Enum):
    """The relay's routes: what a request asks for, once its method and path are read."""

    FETCH_ONE = "GET /suno/fetch/{id}"
    FETCH_MANY = "POST /suno/fetch"
    SUBMIT = "POST /suno/submit/{action}"


class _RelayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    relay: LocalRelay

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet: clients hang up
        log.debug("Local relay: error while handling a request", exc_info=True)  # noqa: LOG014 - called from an except


class RelayRequestHandler(BaseHTTPRequestHandler):
    """Answers the two fetch routes like a new-api relay; its methods are what subclasses change."""

    protocol_version = "HTTP/1.1"
    server_version = "LocalRelay/1.0"
    timeout = 30  # idle keep-alive connections give their thread back eventually
    server: _RelayHTTPServer
    #: the request's body as JSON (None when empty or not JSON), set before :meth:`route`
    json_body: Any = None
    #: a submit's entry in :attr:`LocalRelay.submits`, set by :meth:`route`
    submit_entry: dict[str, Any] | None = None

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
        self.answer("GET")

    def do_POST(self) -> None:
        self.answer("POST")

    def do_PUT(self) -> None:
        self.answer("PUT")

    def do_DELETE(self) -> None:
        self.answer("DELETE")

    # ------------------------------------------------------------------ answering

    def answer(self, method: str) -> None:
        raw_body = self._read_body()
        try:
            self.json_body = json.loads(raw_body) if raw_body else None
        except ValueError:
            self.json_body = None
        route = self.route(method)
        if route is None or self.intercept(route) or not self.authorized():
            return
        if route is ApiRoute.FETCH_ONE:
            self.answer_get()
        elif route is ApiRoute.FETCH_MANY:
            self.answer_post()
        else:
            self.answer_submit()

    def route(self, method: str) -> ApiRoute | None:
        """The API route asked for; anything else is answered 404/405 here (None)."""
        path = self.path.split("?", 1)[0]
        action = path[len(SUBMIT_PATH) + 1 :] if path.startswith(SUBMIT_PATH + "/") else ""
        if method == "POST" and action and "/" not in action:  # logged before auth: what was received
            self.submit_entry = self.server.relay._log_submit(path, self.json_body)
            return ApiRoute.SUBMIT
        task_segment = path[len(FETCH_PATH) + 1 :] if path.startswith(FETCH_PATH + "/") else ""
        if method == "GET" and task_segment and "/" not in task_segment:  # one path segment
            return ApiRoute.FETCH_ONE
        if method == "POST" and path.rstrip("/") == FETCH_PATH:
            return ApiRoute.FETCH_MANY
        if path.rstrip("/") == FETCH_PATH:
            self.send_api_error(405, f"{method} is not allowed here", {"Allow": "POST"})
        else:
            self.send_api_error(404, f"Invalid URL ({method} {path})")
        return None

    def intercept(self, route: ApiRoute) -> bool:
        """The fault hook: True when this request has been answered here instead (before auth).

        The demo relay never intercepts; a subclass answers as a broken proxy or relay would
        (an error page, a reset connection, an answer that never ends) and returns True, or
        returns False to let the request be answered, perhaps spoilt by its ``send_*`` methods.
        """
        return False

    def authorized(self) -> bool:
        """Whether the request carries ``Bearer <token>``; answers 401 when it does not."""
        auth = self.headers.get("Authorization")
        if auth == f"Bearer {self.server.relay.token}":
            return True
        problem = "Invalid token" if auth else "No token provided"
        request_id = uuid.uuid4().hex[:20]
        self.send_api_error(401, f"{problem} (request id: {request_id})", error_type="new_api_error")
        return False

    def answer_get(self) -> None:
        """GET /suno/fetch/{id}: the task, or 400 ``task_not_exist``."""
        task_id = unquote(self.path.split("?", 1)[0][len(FETCH_PATH) + 1 :])
        rendered = self.server.relay.render_task(task_id)
        if rendered is None:
            self.send_json(400, {"code": "task_not_exist", "message": "task_not_exist", "data": None})
        else:
            self.send_tasks(rendered, get=True)

    def answer_post(self) -> None:
        """POST /suno/fetch: the known tasks among ``ids``, in any order; unknown ids are left out."""
        relay = self.server.relay
        body = self.json_body
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            message = 'The body must be {"ids": ["task id", ...]}.'
            self.send_json(400, {"code": "invalid_request", "message": message, "data": None})
            return
        found = [task for task in map(relay.render_task, dict.fromkeys(ids)) if task is not None]
        self.send_tasks(relay._shuffled(found), get=False)

    def answer_submit(self) -> None:
        """POST /suno/submit/{action}: a new task's id, or new-api's 400."""
        task_id = self.accept_submit()
        if task_id is not None:
            self.send_submitted(task_id)

    def accept_submit(self) -> str | None:
        """Check the submit like new-api and make its task; None when it was refused (the 400 is sent)."""
        action = self.path.split("?", 1)[0][len(SUBMIT_PATH) + 1 :]
        refused = refusal(action, self.json_body)
        if refused is not None:
            self.send_json(400, refused)
            return None
        return self.server.relay.create_submitted_task(action, self.json_body, self.submit_entry)

    # ------------------------------------------------------------------ sending

    def send_submitted(self, task_id: str) -> None:
        self.send_json(200, {"code": "success", "message": "", "data": task_id})

    def send_tasks(self, data: Any, *, get: bool) -> None:
        """The success envelope around one task (*get*) or a list of them (POST)."""
        self.send_json(200, {"code": "success", "message": "", "data": data})

    def send_api_error(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        error_type: str = "invalid_request_error",
    ) -> None:
        """The error body new-api style relays send outside the task envelope."""
        self.send_json(status, {"error": {"message": message, "type": error_type}}, headers)

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_bytes(status, payload, "application/json; charset=utf-8", headers)

    def send_bytes(self, status: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
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

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""


class LocalRelay:
    """A relay on 127.0.0.1 with tasks you add. Thread-safe; ``with LocalRelay() as relay:``."""

    #: a subclass of :class:`RelayRequestHandler` changes how requests are answered
    handler_class: type[RelayRequestHandler] = RelayRequestHandler
    #: the media server made when none is given
    media_server_class: type[MediaServer] = MediaServer

    def __init__(
        self,
        token: str = "demo-token",
        media: MediaServer | None = None,
        media_dir: Path | None = None,
        *,
        generation_polls: int = GENERATION_POLLS,
        generation_seconds: float | None = None,
        submitted_shape: str = "flat",
    ) -> None:
        if submitted_shape not in SHAPES:
            raise ValueError(f"submitted_shape must be one of {sorted(SHAPES)}")
        self.token = token
        #: a submitted task is pending for this many fetches (NOT_START, then streaming clips) ...
        self.generation_polls = max(0, generation_polls)
        #: ... or, when set, for this many seconds however often it is fetched (the demo: a person watches)
        self.generation_seconds = generation_seconds
        #: the clip shape of the tasks submits make
        self.submitted_shape = submitted_shape
        self._submits: list[dict[str, Any]] = []
        self.media_dir = Path(media_dir) if media_dir is not None else resource_path("demo")
        self._owns_media = media is None
        self.media = media if media is not None else self.media_server_class()
        self._clip_media = ClipMedia(self.media, self.media_dir)
        self._lock = threading.RLock()
        self._tasks: dict[str, DemoTask] = {}
        self._random = random.Random()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> LocalRelay:
        if self._server is not None:
            return self
        if self._owns_media:
            self.media.start()
        server = _RelayHTTPServer(("127.0.0.1", 0), self.handler_class)
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

    def __enter__(self) -> LocalRelay:
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
        duration: float | int | str | object | None = ...,
        nulls: bool = False,
        created: float | None = None,
        phase_seconds: float | None = None,
    ) -> str:
        """Add a MUSIC task whose clips' media is served by :attr:`media`; returns its id.

        ``duration=...`` (the default) means "the audio file's length, else 12 s";
        ``None`` sends null. ``cover`` is "jpeg", "png" or None (no cover). The ``camel``
        shape has no clip status and no video, so ``clip_status``/``video`` do not show in it.
        ``phase_seconds`` set: each pending phase lasts that long, however often it is fetched.
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
            audio_source = audio if audio is not None else self._clip_media.next_song()
            clip_list.append(
                {
                    "id": clip_id,
                    "title": title,
                    "tags": tags,
                    "lyrics": lyrics,
                    "description": description,
                    "model": model,
                    "duration": self._clip_media.duration_of(audio_source) if duration is ... else duration,
                    "status": clip_status,
                    "error": clip_error
                    if clip_error is not None
                    else ("Suno could not generate this song." if clip_status == "error" else None),
                    "created": created,
                    **self._clip_media.register(clip_id, audio_source, cover=cover, video=video),
                }
            )
        task = DemoTask(
            task_id=task_id,
            action="MUSIC",
            shape=shape,
            clips=clip_list,
            polls_until_success=max(0, polls_until_success),
            final_status=final_status.upper(),
            fail_reason=fail_reason or ("Generation failed." if final_status.upper() == "FAILURE" else ""),
            nulls=nulls,
            created=created,
            phase_seconds=phase_seconds,
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
        phase_seconds: float | None = None,
    ) -> str:
        """Add a LYRICS task (its data is one ``{id, status, title, text}`` object)."""
        task_id = task_id or str(uuid.uuid4())
        task = DemoTask(
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
            phase_seconds=phase_seconds,
        )
        with self._lock:
            self._tasks[task_id.lower()] = task
        return task_id

    def create_submitted_task(self, action: str, body: dict[str, Any], entry: dict[str, Any] | None = None) -> str:
        """Make the task an accepted submit asks for (noted in *entry* of :attr:`submits`); returns its id."""
        task_id = new_task_id()
        timing: dict[str, Any] = {"polls_until_success": self.generation_polls, "phase_seconds": None}
        if self.generation_seconds is not None:
            timing["phase_seconds"] = self.generation_seconds / max(1, self.generation_polls)
        if action == "lyrics":
            title, text = invent_lyrics(body["prompt"])
            self.add_lyrics_task(task_id, title=title, text=text, **timing)
        else:
            extension = extension_of(body)
            continued = self._find_clip(*extension[:2]) if extension else None
            self.add_music_task(task_id, shape=self.submitted_shape, **song_fields(body, continued), **timing)
            if extension is not None:
                with self.edit_task(task_id) as task:
                    for clip in task.clips:
                        clip.update(continue_clip_id=extension[1], continue_at=extension[2])
        with self._lock:
            if entry is not None:
                entry["task_id"] = task_id
        return task_id

    @property
    def submits(self) -> list[dict[str, Any]]:
        """Every submit received, refused ones too: ``{"route", "body", "task_id"}`` (None: no task made)."""
        with self._lock:
            return [dict(entry) for entry in self._submits]

    def clip_ids(self, task_id: str) -> list[str]:
        """The ids of a task's clips, in order."""
        with self._lock:
            return [clip["id"] for clip in self._tasks[task_id.lower()].clips]

    def task_ids(self) -> list[str]:
        """The ids of every task the relay knows (added or submitted), lower-cased."""
        with self._lock:
            return list(self._tasks)

    @contextmanager
    def edit_task(self, task_id: str) -> Iterator[DemoTask]:
        """``with relay.edit_task(task_id) as task:`` reads or changes what the relay knows of a task.

        The relay is locked meanwhile, so no fetch sees half a change. KeyError for an unknown id.
        """
        with self._lock:
            yield self._tasks[task_id.lower()]

    def clip_media(self, task_id: str) -> list[dict[str, str | None]]:
        """Each clip's final media URLs (audio, covers, video, live stream), in clip order."""
        keys = ("audio_url", "image_url", "image_large_url", "video_url", "stream_url")
        with self._lock:
            clips = self._tasks[task_id.lower()].clips
            return [{"clip_id": clip["id"], **{key: clip[key] for key in keys}} for clip in clips]

    # ------------------------------------------------------------------ answering

    def _log_submit(self, route: str, body: Any) -> dict[str, Any]:
        entry = {"route": route, "body": body, "task_id": None}
        with self._lock:
            self._submits.append(entry)
        return entry

    def _find_clip(self, task_id: str, clip_id: str) -> dict[str, Any] | None:
        with self._lock:
            task = self._tasks.get(task_id.lower())
            return next((dict(clip) for clip in task.clips if clip["id"] == clip_id), None) if task else None

    def render_task(self, task_id: str) -> dict[str, Any] | None:
        """The task's JSON as a fetch gets it now (None: unknown id); counts one poll.

        Both fetch routes answer with it: a subclass may count or change what is sent.
        """
        with self._lock:
            task = self._tasks.get(task_id.lower())
            if task is None:
                return None
            phase = task.phase(time.time())
            task.fetches += 1
            return render_task_json(task, phase)

    def _shuffled(self, items: list[Any]) -> list[Any]:
        with self._lock:
            self._random.shuffle(items)
        return items
