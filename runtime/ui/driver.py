"""The driver's UI: one status store, the event log and the web UI of a running application.

:class:`DriverUI` is what a SparkContext starts. It is the *listener* side of the driver's
event bus: :meth:`DriverUI.post` takes each listener event as Spark's event-log JSON dict and
hands it to the status store (pages, ``/api/v1``) and, with ``spark.eventLog.enabled``, to
the event log writer — one source of truth for both. At start (``announce``) it posts what
the context already knows (SparkListenerApplicationStart, EnvironmentUpdate with every Spark property and
the *source* of its value — an extension field ``"Spark Property Sources"`` that
Spark ignores — and the driver's BlockManagerAdded); the bus posts the rest.

The web server (``spark.ui.enabled``, default true) binds ``spark.ui.port`` (4040; the next
port when busy, with Spark's warning) on the driver's host (``spark.driver.bindAddress``,
else ``spark.driver.host``, else 127.0.0.1) in a background thread, so the context's start
does not wait for imports and binding; :attr:`DriverUI.url` waits for that thread (a second
at most) and is None when the UI is disabled or no port was free (then an error is logged
and the application runs on, without a UI). Once bound it logs Spark's line ``Bound SparkUI
to 127.0.0.1, and started at http://127.0.0.1:4040``.

:meth:`DriverUI.stop` posts SparkListenerApplicationEnd unless the bus did, closes and renames
the event log and shuts the server down. With ``announce=False`` (a context with a listener
bus, which posts ApplicationStart and EnvironmentUpdate itself) the UI posts only the driver's
BlockManagerAdded; it adds the properties' sources to the bus's EnvironmentUpdate. ``post``
is thread-safe (one lock serialises the store and the log).

Once bound, ``on_bound(url)`` tells whoever needs the address (a spark:// application's
master, whose application page links the driver UI: the app registers before its UI is up).

Thread dumps (the Executors tab's links, ``/api/v1/.../executors/{id}/threads``): the
driver's are this process's (runtime/threaddump.py); an executor's come from the
``thread_dump`` callable the context passes (the scheduler asks the executor over its
connection).

With the application's work dir (``app_dir``), each executor's ``Log Urls`` point at this UI's
``/logPage/?executorId=N&logType=stdout|stderr`` (Spark's worker-UI parameters), which serves
``<app_dir>/<executor id>/stdout|stderr``; the event log keeps the event as posted.
"""

from __future__ import annotations

import getpass
import logging
import os
import platform
import re
import sys
import threading
import time
import urllib.parse
from typing import Callable

from runtime import log as rlog
from runtime.eventlog.writer import EventLogWriter
from runtime.status.store import AppStatusStore
from runtime.status.streaming import StreamingProgress
from runtime.threaddump import thread_dump
from runtime.ui import api, pages
from runtime.ui.server import Response, WebUI, bind, text_response

DEFAULT_PORT = 4040
URL_WAIT = 1.0  # seconds uiWebUrl waits for the background bind


def _truthy(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return str(value).strip().lower() == "true"


def _user() -> str:
    try:
        return os.environ.get("SPARK_USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not an error
        return "unknown"


class _OneApp:
    """The ``Apps`` the REST API needs, for the one running application (and its threads:
    ``thread_dump(executor id)``)."""

    def __init__(self, store: AppStatusStore, version: str,
                 thread_dump: Callable[[str], list | None] | None = None) -> None:
        self._store = store
        self.spark_version = version
        self.thread_dump = thread_dump

    def list_applications(self) -> list[dict]:
        return [self._store.application()]

    def store(self, app_id: str) -> AppStatusStore | None:
        return self._store if app_id == self._store.app_id else None


def environment_event(props: dict[str, str], sources: dict[str, str]) -> dict:
    return {"Event": "SparkListenerEnvironmentUpdate",
            "JVM Information": {"Java Version": f"none (Python {platform.python_version()})",
                                "Java Home": sys.prefix, "Scala Version": "none"},
            "Spark Properties": dict(props), "Spark Property Sources": dict(sources),
            "Hadoop Properties": {},
            "System Properties": {"python.version": sys.version.replace("\n", " "),
                                  "python.executable": sys.executable,
                                  "os.name": platform.system(), "os.arch": platform.machine(),
                                  "user.name": _user(), "user.dir": os.getcwd(),
                                  "pid": str(os.getpid())},
            "Metrics Properties": {}, "Classpath Entries": {p: "sys.path" for p in sys.path
                                                            if p}}


LOG_PAGE_BYTES = 1 << 20


def with_log_urls(event: dict) -> dict:
    """ExecutorAdded with ``Log Urls`` pointing at this UI's /logPage (the executor's stdout
    and stderr in the application's work dir), unless it has some."""
    info = dict(event.get("Executor Info") or {})
    if info.get("Log Urls"):
        return event
    exec_id = urllib.parse.quote(str(event.get("Executor ID", "")))
    info["Log Urls"] = {kind: f"/logPage/?executorId={exec_id}&logType={kind}"
                        for kind in ("stdout", "stderr")}
    return {**event, "Executor Info": info}


def executor_log(app_dir: str | None, query: dict) -> Response:
    """An executor's stdout or stderr from the work dir: the last MiB, or ``byteLength``
    bytes from ``offset`` (Spark's logPage parameters)."""
    exec_id = (query.get("executorId") or [""])[-1]
    kind = (query.get("logType") or ["stdout"])[-1]
    if not app_dir or kind not in ("stdout", "stderr") or \
            not re.fullmatch(r"[A-Za-z0-9_.-]+", exec_id) or exec_id.startswith("."):
        return text_response("no such log (executorId and logType=stdout|stderr)\n", 404)
    path = os.path.join(app_dir, exec_id, kind)
    try:
        size = os.path.getsize(path)
        length = int((query.get("byteLength") or [LOG_PAGE_BYTES])[-1])
        offset = int((query.get("offset") or [max(0, size - length)])[-1])
        with open(path, "rb") as f:
            f.seek(max(0, offset))
            data = f.read(max(0, length))
    except ValueError:
        return text_response("offset and byteLength must be integers\n", 400)
    except OSError:
        return text_response(f"executor {exec_id} has no {kind} yet\n", 404)
    return text_response(data.decode("utf-8", "replace"))


class DriverUI:
    """Status store + event log + web UI of one running application."""

    def __init__(self, app_id: str, app_name: str, props: dict[str, str],
                 sources: dict[str, str], home: str, spark_version: str,
                 start_ms: int | None = None, logger: logging.Logger | None = None,
                 clock: Callable[[], float] = time.time, announce: bool = True,
                 app_dir: str | None = None,
                 thread_dump: Callable[[str], list | None] | None = None,
                 on_bound: Callable[[str], None] | None = None) -> None:
        self.log = logger or rlog.get_logger("SparkUI")
        self._on_bound = on_bound
        self._executor_threads = thread_dump
        self.app_id = app_id
        self.app_dir = app_dir
        self._clock = clock
        self._lock = threading.Lock()
        self.store = AppStatusStore(props)
        self.enabled = _truthy(props.get("spark.ui.enabled"), True)
        self.host = (props.get("spark.driver.bindAddress") or props.get("spark.driver.host")
                     or "127.0.0.1")
        try:
            self.port = int(props.get("spark.ui.port", DEFAULT_PORT))
        except ValueError:
            self.port = DEFAULT_PORT
        self._server: WebUI | None = None
        self._bound = threading.Event()
        self._stopped = False
        self._event_log: EventLogWriter | None = None
        if _truthy(props.get("spark.eventLog.enabled"), False):
            try:
                self._event_log = EventLogWriter(app_id, props, home,
                                                 spark_version=spark_version)
            except OSError as e:
                self.log.error("Cannot write the event log to %s: %s; event logging is off",
                               props.get("spark.eventLog.dir"), e)
        self._version = spark_version
        now = int(start_ms if start_ms is not None else clock() * 1000)
        self.post({"Event": "SparkListenerLogStart", "Spark Version": spark_version},
                   log=False)
        self._sources = dict(sources)
        self.post({"Event": "SparkListenerBlockManagerAdded",
                   "Block Manager ID": {"Executor ID": "driver", "Host": self.host,
                                        "Port": None},
                   "Maximum Memory": 0, "Timestamp": now})
        if announce:  # without the driver's bus (which posts these itself)
            self.post(environment_event(props, sources))
            self.post({"Event": "SparkListenerApplicationStart", "App Name": app_name,
                       "App ID": app_id, "Timestamp": now, "User": _user()})

    # -- the listener ----------------------------------------------------------------------------
    def post(self, event: dict, log: bool = True) -> None:
        """Feed one event (Spark's JSON dict) to the store and the event log."""
        if event.get("Event") == "SparkListenerEnvironmentUpdate" and \
                "Spark Property Sources" not in event:
            props = event.get("Spark Properties") or {}
            event = {**event, "Spark Property Sources": {k: v for k, v in self._sources.items()
                                                         if k in props}}
        logged = event
        if self.app_dir and event.get("Event") == "SparkListenerExecutorAdded":
            event = with_log_urls(event)  # the store's copy only: the URLs are this UI's
        with self._lock:
            self.store.post(event)
            event = logged
            if log and self._event_log is not None:
                try:
                    self._event_log.write(event)
                except (OSError, ValueError) as e:
                    self.log.error("Event log write failed (%s); event logging is off", e)
                    self._event_log = None

    # -- thread dumps -----------------------------------------------------------------------------
    def thread_dump(self, executor_id: str) -> list | None:
        """The threads of the driver (``driver``: this process) or of an active executor
        (asked over its connection); None when there is no such executor."""
        if executor_id == "driver":
            return thread_dump()
        if self._executor_threads is None:
            return None
        return self._executor_threads(executor_id)

    # -- the Streaming tab ------------------------------------------------------------------------
    def set_streaming(self, progress: StreamingProgress | None) -> None:
        """Show (or, with None, remove) the Streaming tab of a running StreamingContext."""
        with self._lock:
            self.store.streaming = progress

    @property
    def event_log_path(self) -> str | None:
        return self._event_log.path if self._event_log else None

    # -- the web server --------------------------------------------------------------------------
    def routes(self) -> list:
        return (api.api_routes(_OneApp(self.store, self._version, self.thread_dump))
                + pages.static_routes()
                + pages.page_routes(lambda m: self.store, thread_dump=self.thread_dump)
                + [("/logPage", lambda m, q: executor_log(self.app_dir, q))])

    def start(self, background: bool = True) -> None:
        if not self.enabled:
            self._bound.set()
            return
        if background:
            threading.Thread(target=self._bind, name="SparkUI-start", daemon=True).start()
        else:
            self._bind()

    def _bind(self) -> None:
        try:
            server = bind(self.host, self.port, "SparkUI", self.routes(),
                          rlog.get_logger("Utils"))
        except OSError as e:
            self.log.error("Failed to bind SparkUI on %s:%d and the next ports (%s); the "
                           "application runs without a web UI", self.host, self.port, e)
            self._bound.set()
            return
        with self._lock:
            if self._stopped:
                server.stop()
            else:
                self._server = server
                self.log.info("Bound SparkUI to %s, and started at %s", self.host, server.url)
        self._bound.set()
        if self._server is not None and self._on_bound is not None:
            try:
                self._on_bound(server.url)  # e.g. the standalone master links the UI
            except Exception:  # noqa: BLE001 - telling others must not break the UI
                self.log.warning("Could not announce the UI's address", exc_info=True)

    @property
    def url(self) -> str | None:
        self._bound.wait(URL_WAIT)
        server = self._server
        return server.url if server is not None else None

    def stop(self, exit_code: int | None = 0) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        if self.store.app_start_end()[1] is None:  # the bus did not post it
            end = {"Event": "SparkListenerApplicationEnd",
                   "Timestamp": int(self._clock() * 1000)}
            if exit_code is not None:
                end["ExitCode"] = exit_code
            self.post(end)
        with self._lock:
            if self._event_log is not None:
                try:
                    self._event_log.stop()
                except OSError as e:
                    self.log.error("Could not finish the event log: %s", e)
                self._event_log = None
            server, self._server = self._server, None
        if server is not None:
            server.stop(wait=False)  # the application's stop does not wait for the loop
