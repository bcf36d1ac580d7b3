"""The listener bus: listener events from the scheduler loop to listeners, asynchronously.

Spark's LiveListenerBus. The scheduler loop calls :meth:`ListenerBus.post`, which only puts
the event on a bounded queue (spark.scheduler.listenerbus.eventqueue.capacity, 10000): the
loop never waits for a listener. One daemon thread (``spark-listener-group-shared``) takes
events in order and calls each listener's callback for it (``listener.onJobStart(event)``,
by the event's METHOD); a listener that raises is logged and keeps receiving events. When
the queue is full the event is dropped and counted (``dropped``), as Spark does, with one
warning per minute, so a slow listener costs events, never scheduling.

State: ``listeners`` (a copy-on-write tuple, so adding or removing one from any thread never
disturbs a dispatch in progress), ``queue``, ``dropped``, the thread. :meth:`wait_until_empty`
lets tests and SparkContext.stop() see every event posted so far delivered. :meth:`stop`
delivers what is queued, then ends the thread; later posts are ignored.

:class:`SparkListener` is the base class listeners extend, with Spark's callback names, each
a no-op.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

log = logging.getLogger("LiveListenerBus")

DEFAULT_CAPACITY = 10000
_STOP = object()


class SparkListener:
    """Override the callbacks you need (Spark's SparkListener; PySpark spelling)."""

    def onApplicationStart(self, applicationStart: Any) -> None: ...
    def onApplicationEnd(self, applicationEnd: Any) -> None: ...
    def onEnvironmentUpdate(self, environmentUpdate: Any) -> None: ...
    def onJobStart(self, jobStart: Any) -> None: ...
    def onJobEnd(self, jobEnd: Any) -> None: ...
    def onStageSubmitted(self, stageSubmitted: Any) -> None: ...
    def onStageCompleted(self, stageCompleted: Any) -> None: ...
    def onTaskStart(self, taskStart: Any) -> None: ...
    def onTaskEnd(self, taskEnd: Any) -> None: ...
    def onExecutorAdded(self, executorAdded: Any) -> None: ...
    def onExecutorRemoved(self, executorRemoved: Any) -> None: ...
    def onBlockUpdated(self, blockUpdated: Any) -> None: ...
    def onUnpersistRDD(self, unpersistRDD: Any) -> None: ...
    def onOtherEvent(self, event: Any) -> None: ...


class ListenerBus:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.listeners: tuple = ()
        self.queue: queue.Queue = queue.Queue(capacity)
        self.dropped = 0
        self._last_drop_warning = 0.0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0  # posted, not yet delivered
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="spark-listener-group-shared",
                                        daemon=True)
        self._thread.start()

    def add_listener(self, listener: Any) -> None:
        with self._lock:
            self.listeners = self.listeners + (listener,)

    def remove_listener(self, listener: Any) -> None:
        with self._lock:
            self.listeners = tuple(x for x in self.listeners if x is not listener)

    def post(self, event: Any) -> None:
        """Queue ``event`` for the listeners; never blocks (drops when full)."""
        if self._stopped:
            return
        with self._lock:
            self._pending += 1
        try:
            self.queue.put_nowait(event)
        except queue.Full:
            with self._lock:
                self._pending -= 1
                self.dropped += 1
                self._idle.notify_all()
            now = time.monotonic()
            if now - self._last_drop_warning > 60:
                self._last_drop_warning = now
                log.warning("Dropped %d events from the shared queue since the application "
                            "started: a listener is too slow", self.dropped)

    def wait_until_empty(self, timeout: float = 10.0) -> bool:
        """Block until every event posted so far was delivered; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def stop(self, timeout: float = 10.0) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.queue.put(_STOP)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            event = self.queue.get()
            if event is _STOP:
                return
            self.deliver(event)
            with self._lock:
                self._pending -= 1
                if not self._pending:
                    self._idle.notify_all()

    def deliver(self, event: Any) -> None:
        method = event.METHOD
        for listener in self.listeners:
            fn = getattr(listener, method, None)
            if fn is None:
                continue
            try:
                fn(event)
            except Exception as e:  # noqa: BLE001 - one listener must not stop the others
                log.error("Listener %s threw an exception in %s: %r",
                          type(listener).__name__, method, e, exc_info=True)
