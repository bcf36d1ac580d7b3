"""The listener bus: listener events from the scheduler loop to listeners, asynchronously.

Spark's LiveListenerBus. The scheduler loop calls :meth:`ListenerBus.post`, which only appends
the event to a bounded queue (spark.scheduler.listenerbus.eventqueue.capacity, 10000): the
loop never waits for a listener. One daemon thread (``spark-listener-group-shared``) takes
events in order and calls each listener's callback for it (``listener.onJobStart(event)``,
by the event's METHOD); a listener that raises is logged and keeps receiving events. When
the queue is full the event is dropped and counted (``dropped``), as Spark does, with one
warning per minute, so a slow listener costs events, never scheduling.

Batches, not one wake-up per event: in Python a thread woken for every event fights the
scheduler loop for the GIL on every task (measured: 10x the context switches, twice the
driver CPU per task). So the thread, once woken, delivers what is queued, then sleeps
``interval`` (20 ms) and delivers the next batch, until a batch finds the queue empty; then
it waits for the next post to wake it. Listeners see events at most ~20 ms late, in order.
A queue past half its capacity wakes the thread at once.

State: ``listeners`` (a copy-on-write tuple, so adding or removing one from any thread never
disturbs a dispatch in progress), ``queue`` (a deque: appends need no lock), ``dropped``,
``_idle`` (the thread waits without timeout), ``_busy`` (delivering), the thread.
:meth:`wait_until_empty` lets tests and SparkContext.stop() see every event posted so far
delivered. :meth:`stop` delivers what is queued, then ends the thread; later posts are
ignored.

:class:`SparkListener` is the base class listeners extend, with Spark's callback names, each
a no-op.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Any

log = logging.getLogger("LiveListenerBus")

DEFAULT_CAPACITY = 10000
BATCH_INTERVAL = 0.02


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
    def __init__(self, capacity: int = DEFAULT_CAPACITY, interval: float = BATCH_INTERVAL):
        self.listeners: tuple = ()
        self.capacity = capacity
        self.interval = interval
        self.queue: collections.deque = collections.deque()
        self.dropped = 0
        self._last_drop_warning = 0.0
        self._lock = threading.Lock()  # guards listeners (copy-on-write)
        self._kick = threading.Event()
        self._done = threading.Condition()
        self._idle = True  # the thread waits for a kick (no timeout): nothing was queued
        self._busy = False  # delivering a batch now
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
        if len(self.queue) >= self.capacity:
            self.dropped += 1
            now = time.monotonic()
            if now - self._last_drop_warning > 60:
                self._last_drop_warning = now
                log.warning("Dropped %d events from the shared queue since the application "
                            "started: a listener is too slow", self.dropped)
            return
        self.queue.append(event)
        if self._idle or len(self.queue) > self.capacity // 2:
            self._kick.set()

    def wait_until_empty(self, timeout: float = 10.0) -> bool:
        """Block until every event posted so far was delivered; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._done:
            while self.queue or self._busy:
                self._kick.set()
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._done.wait(min(left, 0.05))
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Deliver what is queued, then end the thread; later posts are ignored."""
        if self._stopped:
            return
        self._stopped = True
        self._kick.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        queue = self.queue
        while True:
            self._kick.wait(None if self._idle else self.interval)
            self._kick.clear()
            with self._done:
                self._busy = True
            self._idle = not queue
            while queue:
                self.deliver(queue.popleft())
            with self._done:
                self._busy = False
                self._done.notify_all()
            if self._stopped and not queue:
                return

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
