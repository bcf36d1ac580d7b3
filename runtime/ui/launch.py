"""Starting the driver UI off the SparkContext's critical path.

A SparkContext calls :func:`start_driver_ui` and goes on at once: a starter thread waits
half a second (or until ``uiWebUrl`` is asked for), then imports
:mod:`runtime.ui.driver` (the status store, the event log writer, ``http.server`` and the
REST API: tens of milliseconds that a hello world run by the ``submit`` command must not wait
for; the ``DRIVER_UI`` handle of runtime/lazy.py), builds the
:class:`~runtime.ui.driver.DriverUI` and binds its port. This module itself imports only the
standard library and runtime.config, so importing it costs nothing.

:class:`DriverUIHandle` is what the context keeps and registers on the driver's listener bus
(each ``on<Event>`` callback posts ``event.to_json()``, Spark's event-log dict; the bus posts
ApplicationStart, EnvironmentUpdate and ApplicationEnd too, so the UI announces nothing of its
own). :meth:`~DriverUIHandle.post` queues events until the UI exists, then forwards them in
order; :attr:`~DriverUIHandle.url` starts the UI now if it was not yet, waits for it (two
seconds at most) and is None without a UI; :meth:`~DriverUIHandle.stop` stops the UI
(ApplicationEnd, event log renamed, server closed): a UI not started yet is never started, and
one still starting stops once up, without the context waiting for it — unless an event log has
to be finished first. A failure to start is logged and leaves the application running without
a UI.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from runtime import config as rconfig
from runtime.lazy import DRIVER_UI
from runtime.status.streaming import DEFAULT_RETAINED_BATCHES, StreamingProgress

START_WAIT = 2.0
START_DELAY = 0.5  # seconds before the UI starts unless asked for (an app this short has no
#                    time to look at it, and its start-up is not slowed by the UI's imports)
log = logging.getLogger("org.apache.spark.ui.SparkUI")


class DriverUIHandle:
    """The context's handle on a driver UI being started in the background."""

    def __init__(self, kwargs: dict[str, Any], wait_on_stop: bool = False) -> None:
        self._ui: Any = None
        self._wait_on_stop = wait_on_stop
        self._stop_code: tuple | None = None  # (exit code,) once stop() was called
        self._pending: list[dict] = []
        self._streaming: StreamingProgress | None = None
        self._kwargs = kwargs
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._go = threading.Event()  # start now (uiWebUrl asked, or the application stops)
        self._thread = threading.Thread(target=self._run, args=(kwargs,),
                                        name="SparkUI-start", daemon=True)
        self._thread.start()

    def _run(self, kwargs: dict[str, Any]) -> None:
        self._go.wait(START_DELAY)
        with self._lock:
            if self._stop_code is not None and not self._wait_on_stop:
                self._pending = []  # stopped before the UI was needed: nothing to start
                self._ready.set()
                return
        try:
            ui = DRIVER_UI.DriverUI(**kwargs)  # off the critical path (module docstring)
            ui.start(background=False)
        except Exception:  # the application must run on without its UI
            log.exception("The SparkUI could not start; the application runs without it")
            ui = None
        while True:  # forward what was posted meanwhile, in order, then go direct
            with self._lock:
                self._ui = ui
                pending, self._pending = self._pending, []
                if not pending:
                    self._ready.set()
                    stop_code = self._stop_code
                    if ui is not None and self._streaming is not None:
                        ui.set_streaming(self._streaming)
                    break
            if ui is not None:
                for event in pending:
                    ui.post(event)
        if stop_code is not None and ui is not None:  # the application stopped meanwhile
            ui.stop(*stop_code)

    def __getattr__(self, name: str) -> Any:
        """The listener bus's callbacks (``onJobStart(event)``, ...): each event goes on as
        its Spark event-log JSON (``event.to_json()``)."""
        if not name.startswith("on") or name.startswith("__"):
            raise AttributeError(name)
        return lambda event: self.post(event.to_json())

    def post(self, event: dict) -> None:
        with self._lock:
            if not self._ready.is_set():
                self._pending.append(event)
                return
            ui = self._ui
        if ui is not None:
            ui.post(event)

    @property
    def ui(self) -> Any:
        self._go.set()
        self._ready.wait(START_WAIT)
        return self._ui

    @property
    def url(self) -> str | None:
        ui = self.ui
        return ui.url if ui is not None else None

    def attach_streaming(self) -> StreamingProgress:
        """The Streaming tab's progress store, shown by the UI once it is up (a streaming
        context's start does not wait for the UI)."""
        props = self._kwargs["props"]
        try:
            retained = int(props.get("spark.streaming.ui.retainedBatches",
                                     DEFAULT_RETAINED_BATCHES))
        except ValueError:
            retained = DEFAULT_RETAINED_BATCHES
        progress = StreamingProgress(self._kwargs["app_name"], retained)
        self._set_streaming(progress)
        return progress

    def detach_streaming(self) -> None:
        self._set_streaming(None)

    def _set_streaming(self, progress: StreamingProgress | None) -> None:
        with self._lock:
            self._streaming = progress
            ui = self._ui if self._ready.is_set() else None
        if ui is not None:
            ui.set_streaming(progress)

    def stop(self, exit_code: int | None = 0) -> None:
        """Stop the UI; one still starting stops as soon as it is up (the context does not
        wait for it, unless an event log must be finished and renamed first)."""
        with self._lock:
            if not self._ready.is_set():
                self._stop_code = (exit_code,)
                self._go.set()
                if not self._wait_on_stop:
                    return
        self._thread.join(START_WAIT * 5)
        if self._ui is not None:
            self._ui.stop(exit_code)


def start_driver_ui(app_id: str, app_name: str, config: rconfig.Config, home: str,
                    spark_version: str, start_ms: int, app_dir: str | None = None,
                    thread_dump: Callable[[str], list | None] | None = None,
                    on_bound: Callable[[str], None] | None = None) -> DriverUIHandle:
    """Start the driver UI of one application (see the module docstring)."""
    props, sources = {}, {}
    for key, value, layer in config.items_with_source():
        props[key] = value
        sources[key] = rconfig.source_label(layer)
    props.setdefault("spark.app.id", app_id)
    props.setdefault("spark.app.startTime", str(start_ms))
    log_events = str(props.get("spark.eventLog.enabled", "")).strip().lower() == "true"
    return DriverUIHandle({"app_id": app_id, "app_name": app_name, "props": props,
                           "sources": sources, "home": home, "spark_version": spark_version,
                           "start_ms": start_ms, "announce": False, "app_dir": app_dir,
                           "thread_dump": thread_dump, "on_bound": on_bound},
                          wait_on_stop=log_events)
