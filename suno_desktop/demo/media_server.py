"""A small HTTP server for media files on the loopback interface, standing in for Suno's CDN.

The demo relay points its ``audio_url``/``image_url``/``video_url`` fields here.
Like a CDN it speaks HTTP/1.1 with keep-alive and answers single ``Range``
requests (206, 416), because the downloader resumes cut-off downloads with them;
files are streamed from disk with ``sendfile``, never held in memory.

It has no faults of its own: the tests extend it (``tests/fault_servers.py``)
through public doors: :attr:`MediaServer.handler_class` and the handler's methods
(``answer``, ``send_route``, ``write_body``...), and :meth:`MediaServer.register`
for routes of their own kinds.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

log = logging.getLogger(__name__)

WRITE_CHUNK = 1 << 20

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Blob:
    """What one media path serves: bytes kept in memory, or a file read at answer time."""

    content_type: str
    data: bytes | None = None
    file: Path | None = None

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        if self.file is not None:
            return self.file.stat().st_size  # may raise FileNotFoundError: answered as 404
        return 0


def route_keys(raw_path: str) -> list[str]:
    """The keys a request path may be registered under: path+query first, then the path alone."""
    bare = raw_path.split("?", 1)[0]
    return list(dict.fromkeys((raw_path, unquote(raw_path), bare, unquote(bare))))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type, media: MediaServer) -> None:
        self.media = media
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        log.debug("media server: error while answering %s", client_address, exc_info=True)  # noqa: LOG014 - socketserver calls this from its except


class MediaRequestHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for registered blobs, with single byte ranges."""

    protocol_version = "HTTP/1.1"
    server_version = "SunoDesktopMedia/1"
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections are dropped after this many seconds
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.media._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.media._track(self.connection, False)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("media server: " + format, *args)

    def do_GET(self) -> None:
        self._answer_quietly(send_body=True)

    def do_HEAD(self) -> None:
        self._answer_quietly(send_body=False)

    def _answer_quietly(self, send_body: bool) -> None:
        """Clients hanging up mid-answer (timeouts, cancels) are routine here, not errors."""
        try:
            self.answer(send_body)
        except (TimeoutError, BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    # ------------------------------------------------------------------ answering

    def answer(self, send_body: bool) -> None:
        route = self.server.media.lookup(self.path)
        if route is None:
            self.send_status(404, {}, send_body)
        else:
            self.send_route(route, send_body)

    def send_route(self, route: object, send_body: bool) -> None:
        """Answer with what is registered at the path (here always a :class:`Blob`)."""
        assert isinstance(route, Blob)
        self.send_blob(route, send_body)

    def accepts_ranges(self) -> bool:
        return True

    def send_status(self, status: int, extra: dict[str, str], send_body: bool) -> None:
        body = f"{status} {HTTPStatus(status).phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def send_blob(self, blob: Blob, send_body: bool) -> None:
        try:
            size = blob.size()
        except OSError:
            self.send_status(404, {}, send_body)
            return
        ranges = self.accepts_ranges()
        start, length, status = 0, size, 200
        range_header = self.headers.get("Range")
        if ranges and range_header:
            parsed = parse_range(range_header, size)
            if parsed == "unsatisfiable":
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if parsed is not None:
                start, length = parsed
                status = 206
        self.send_response(status)
        self.send_header("Content-Type", blob.content_type)
        self.send_header("Content-Length", str(length))
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{start + length - 1}/{size}")
        self.end_headers()
        if send_body:
            self.write_body(blob, start, length)

    def write_body(self, blob: Blob, start: int, length: int) -> None:
        if blob.data is not None:
            with memoryview(blob.data) as view:
                for offset in range(start, start + length, WRITE_CHUNK):
                    self.wfile.write(view[offset : min(offset + WRITE_CHUNK, start + length)])
        elif blob.file is not None:
            with open(blob.file, "rb") as source:
                if length:
                    self.connection.sendfile(source, start, length)


class MediaServer:
    """Serve registered blobs over HTTP on a local ephemeral port.

    Use as a context manager or call :meth:`start`/:meth:`stop`. :meth:`add`
    may be called before or after starting and returns the full URL.
    """

    #: a subclass of :class:`MediaRequestHandler` changes how requests are answered
    handler_class: type[MediaRequestHandler] = MediaRequestHandler

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._routes: dict[str, object] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MediaServer:
        httpd = self._bind()
        if self._thread is None:
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"MediaServer:{self.port}",
                daemon=True,
            )
            self._thread.start()
            log.debug("media server listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        if thread is not None:
            httpd.shutdown()
            thread.join(timeout=5)
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:  # wake handler threads idling on keep-alive sockets
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd = None
        self._thread = None

    def __enter__(self) -> MediaServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("The media server has no address until it is started.")
        return f"http://{self.host}:{self.port}"

    def _bind(self) -> _Server:
        if self._httpd is None:
            self._httpd = _Server((self.host, self.port), self.handler_class, self)
            self.port = self._httpd.server_address[1]
        return self._httpd

    # ------------------------------------------------------------------ registration

    def add(self, path: str, source: bytes | Path, content_type: str) -> str:
        """Serve *source* (bytes kept in memory, or a file streamed from disk) at *path*."""
        if isinstance(source, (bytes, bytearray, memoryview)):
            blob = Blob(content_type, data=bytes(source))
        else:
            blob = Blob(content_type, file=Path(source))
        return self.register(path, blob)

    def url(self, path: str) -> str:
        self._bind()
        return self.base_url + path

    def register(self, path: str, route: object) -> str:
        """Serve *route* at *path*: a :class:`Blob`, or anything a handler subclass's ``send_route`` knows."""
        if not path.startswith("/"):
            raise ValueError(f"A media path must start with '/', not {path!r}.")
        with self._lock:
            self._routes[path] = route
        return self.url(path)

    def remove(self, path: str) -> None:
        """Stop serving *path*: it answers 404 from now on."""
        with self._lock:
            self._routes.pop(path, None)

    # ------------------------------------------------------------------ used by the handler

    def lookup(self, raw_path: str) -> object | None:
        """What is registered for a request path (see :func:`route_keys`), or None."""
        with self._lock:
            for key in route_keys(raw_path):
                if key in self._routes:
                    return self._routes[key]
        return None

    def _track(self, connection: socket.socket, alive: bool) -> None:
        with self._lock:
            if alive:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """``(start, length)`` for one satisfiable byte range, "unsatisfiable", or None to ignore it."""
    match = _RANGE.match(header)
    if match is None:  # several ranges or another unit: answering 200 with everything is allowed
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix range: the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            return "unsatisfiable"
        count = min(count, size)
        return size - count, count
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # syntactically invalid: ignore
    if start >= size:
        return "unsatisfiable"
    return start, end - start + 1
