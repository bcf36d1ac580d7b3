"""The web layer's HTTP server: one small threaded server on the standard library.

A :class:`WebUI` binds ``host:port`` (``ThreadingHTTPServer``, one daemon thread per request)
and routes ``GET`` requests through an ordered list of ``(regex, handler)`` pairs; the first
regex that matches the whole path wins. A handler takes ``(match, query)`` (``query`` maps
each parameter to the list of its values, as ``parse_qs``) and returns a :class:`Response`.
Static assets ship inside the package (``runtime/ui/static``) and are served under
``/static/`` from the package data, never from the internet.

Binding follows Spark's Utils.startServiceOnPort: a busy port logs ``Service 'SparkUI' could
not bind on port 4040. Attempting port 4041.`` and tries the next one, up to
spark.port.maxRetries (16) times; port 0 takes any free port. A handler's exception becomes a
500 answer with the exception's class name (the application must never die of a UI bug).
"""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, Callable

MAX_RETRIES = 16  # spark.port.maxRetries
POLL_INTERVAL = 0.1  # seconds; how soon the serving loop notices a shutdown
STATIC_PACKAGE = "runtime.ui"

log = logging.getLogger("org.apache.spark.ui.SparkUI")


@dataclass
class Response:
    status: int
    body: bytes | str
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(value: Any, status: int = 200) -> Response:
    # compact: json's C encoder only runs without indent (Spark pretty-prints; 15x slower here)
    return Response(status, json.dumps(value), "application/json")


def text_response(text: str, status: int = 200) -> Response:
    return Response(status, text, "text/plain; charset=utf-8")


def redirect(location: str) -> Response:
    return Response(302, "", "text/plain", {"Location": location})


Handler = Callable[["re.Match[str]", dict], Response]
Routes = list  # list[tuple[str, Handler]]


def static_asset(name: str) -> Response:
    """A file shipped in runtime/ui/static (no directories, no '..')."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.startswith("."):
        return text_response("not found\n", 404)
    try:
        data = resources.files(STATIC_PACKAGE).joinpath("static", name).read_bytes()
    except (FileNotFoundError, OSError):
        return text_response("not found\n", 404)
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype.endswith("javascript"):
        ctype += "; charset=utf-8"
    return Response(200, data, ctype, {"Cache-Control": "max-age=3600"})


class _RequestHandler(BaseHTTPRequestHandler):
    routes: list = []  # noqa: RUF012 - replaced per server
    server_version = "Spark"  # bind(product=...) puts the caller's program name here

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parsed.path)
        if len(path) > 1:
            path = path.rstrip("/")
        query = urllib.parse.parse_qs(parsed.query)
        response = None
        try:
            for pattern, handler in self.routes:
                m = pattern.fullmatch(path)
                if m is not None:
                    response = handler(m, query)
                    break
            if response is None:
                response = text_response(f"no page at {path}\n", 404)
        except Exception as e:
            log.debug("UI request %s failed", path, exc_info=True)
            response = text_response(f"internal error: {type(e).__name__}\n", 500)
        body = response.body.encode("utf-8") if isinstance(response.body, str) else response.body
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class WebUI:
    """A bound, serving web UI; :meth:`stop` shuts it down and closes the socket."""

    def __init__(self, server: ThreadingHTTPServer, name: str, host: str) -> None:
        self._server = server
        self.name = name
        self.host = host
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, args=(POLL_INTERVAL,),
                                        name=f"{name}-http", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self, wait: bool = True) -> None:
        """Shut down (the serving loop notices within POLL_INTERVAL); ``wait=False`` returns
        at once and lets a daemon thread finish the shutdown."""
        if not wait:
            threading.Thread(target=self.stop, name=f"{self.name}-stop", daemon=True).start()
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def compile_routes(routes: list) -> list:
    return [(re.compile(p) if isinstance(p, str) else p, h) for p, h in routes]


def bind(host: str, port: int, name: str, routes: list,
         logger: logging.Logger | None = None, max_retries: int = MAX_RETRIES,
         product: str | None = None) -> WebUI:
    """Serve ``routes`` on ``host:port``, moving to the next ports when busy (Spark's log
    line); raises OSError when no port in the range is free. ``product`` (the program name
    the caller passes in) is the HTTP Server header."""
    logger = logger or log
    attrs: dict = {"routes": compile_routes(routes)}
    if product:
        attrs["server_version"] = product
    handler = type(f"{name}Handler", (_RequestHandler,), attrs)
    attempt = 0
    while True:
        try_port = port + attempt if port else 0
        try:
            server = ThreadingHTTPServer((host, try_port), handler)
            break
        except OSError:
            if port == 0 or attempt >= max_retries:
                raise
            logger.warning("Service '%s' could not bind on port %d. Attempting port %d.",
                           name, try_port, try_port + 1)
            attempt += 1
    server.daemon_threads = True
    return WebUI(server, name, host)
