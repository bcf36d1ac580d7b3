"""``StreamingQuery`` (a handle on one running query) and ``StreamingQueryManager``
(``spark.streams``: the session's active queries and listeners).

A StreamingQuery wraps the engine's MicroBatchExecution (runtime/sql/streaming/execution.py),
whose thread runs the batches; the manager hears its lifecycle (started, progress, idle,
terminated) and passes it on to the session's StreamingQueryListeners, keeps the active
queries by id, and wakes ``awaitAnyTermination``.

>>> q = df.writeStream.format("memory").queryName("t").start()
>>> q.processAllAvailable(); spark.sql("select * from t").count()
>>> q.stop()
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from runtime.sql.execution.tracking import SQLListenerEvent
from runtime.sql.errors import (
    IllegalArgumentException, PySparkValueError, StreamingQueryException)
from sparkcli.sql.streaming.listener import (
    QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent,
    StreamingQueryListener, StreamingQueryProgress)

__all__ = ["StreamingQuery", "StreamingQueryManager"]

_LISTENER = "org.apache.spark.sql.streaming.StreamingQueryListener$"


def _now() -> str:
    t = dt.datetime.now(dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _progress(p: dict) -> StreamingQueryProgress:
    return StreamingQueryProgress({k: v for k, v in p.items() if not k.startswith("_")})


class StreamingQuery:
    """A handle to a query that runs in the background as new data arrives."""

    def __init__(self, execution: Any, manager: StreamingQueryManager,
                 on_stop: Any = None):
        self._ex = execution
        self._manager = manager
        self._on_stop = on_stop

    @property
    def id(self) -> str:
        """The query's id, the same across restarts from its checkpoint."""
        return self._ex.id

    @property
    def runId(self) -> str:
        """This run's id (new at every start)."""
        return self._ex.run_id

    @property
    def name(self) -> str | None:
        """The queryName given at start, or None."""
        return self._ex.name

    @property
    def isActive(self) -> bool:
        """True until the query stops or fails."""
        return self._ex.is_active

    @property
    def status(self) -> dict:
        """``{'message': ..., 'isDataAvailable': ..., 'isTriggerActive': ...}``."""
        return dict(self._ex.status)

    @property
    def lastProgress(self) -> StreamingQueryProgress | None:
        """The last batch's progress (Spark's fields), or None before the first batch."""
        p = self._ex.progress
        return _progress(p[-1]) if p else None

    @property
    def recentProgress(self) -> list[StreamingQueryProgress]:
        """The progress of the recent batches (at most 100), oldest first."""
        return [_progress(p) for p in list(self._ex.progress)]

    def awaitTermination(self, timeout: int | float | None = None) -> bool | None:
        """Wait for the query to stop; with ``timeout`` (seconds) return whether it did. A
        failed query raises its StreamingQueryException."""
        if timeout is not None:
            if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or \
                    timeout <= 0:
                raise PySparkValueError(
                    f"[VALUE_NOT_POSITIVE] Value for `timeout` must be positive, got "
                    f"'{timeout}'.", errorClass="VALUE_NOT_POSITIVE")
            return self._ex.await_termination(timeout)
        self._ex.await_termination(None)
        return None

    def processAllAvailable(self) -> None:
        """Block until everything available in the sources now has been processed."""
        self._ex.process_all_available()

    def stop(self) -> None:
        """Stop the query (waits for the running batch to finish)."""
        self._ex.stop()
        if self._on_stop is not None:
            self._on_stop()

    def exception(self) -> StreamingQueryException | None:
        """The StreamingQueryException that stopped the query, or None."""
        return self._ex.exception

    def explain(self, extended: bool = False) -> None:
        """Print the query's plan."""
        plan = self._ex.plan
        if extended:
            print("== Analyzed Logical Plan ==\n" + plan.tree_string())
        print("== Physical Plan ==\n" + plan.tree_string())

    def __repr__(self) -> str:
        return f"<sparkcli.sql.streaming.query.StreamingQuery object at {id(self):#x}>"


class StreamingQueryManager:
    """``spark.streams``: the active queries of a session and its listeners."""

    def __init__(self, post: Any = None) -> None:
        self._post = post  # the application's listener bus: the UI and the event log hear it
        self._lock = threading.Condition()
        self._active: dict[str, StreamingQuery] = {}
        self._listeners: list[StreamingQueryListener] = []
        self._terminated: StreamingQuery | None = None

    @property
    def active(self) -> list[StreamingQuery]:
        """The queries running now."""
        with self._lock:
            return list(self._active.values())

    def get(self, id: str) -> StreamingQuery | None:
        """The active query with that id (or None)."""
        with self._lock:
            return self._active.get(str(id))

    def awaitAnyTermination(self, timeout: int | None = None) -> bool | None:
        """Wait until any query of the session stops (since the last resetTerminated)."""
        with self._lock:
            done = self._lock.wait_for(lambda: self._terminated is not None, timeout)
            q = self._terminated
        if q is not None and q.exception() is not None:
            raise q.exception()  # type: ignore[misc]
        return done if timeout is not None else None

    def resetTerminated(self) -> None:
        """Forget the terminated queries, so awaitAnyTermination waits for a new one."""
        with self._lock:
            self._terminated = None

    def addListener(self, listener: StreamingQueryListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def removeListener(self, listener: StreamingQueryListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # -- from the queries -------------------------------------------------------------------------
    def _check_name(self, name: str | None, query_id: str) -> None:
        with self._lock:
            for q in self._active.values():
                if name is not None and q.name == name:
                    raise IllegalArgumentException(
                        f"Cannot start query with name {name} as a query with that name is "
                        "already active in this SparkSession")
                if q.id == query_id:
                    raise IllegalArgumentException(
                        f"Cannot start query with id {query_id} as another query with same id "
                        "is already active. Perhaps you are attempting to restart a query from "
                        "checkpoint that is already active.")

    def _register(self, query: StreamingQuery) -> None:
        with self._lock:
            self._active[query.id] = query

    def _post_event(self, kind: str, execution: Any) -> None:
        """The event on the listener bus as Spark's event log writes it."""
        if kind == "started":
            payload = {"id": execution.id, "runId": execution.run_id, "name": execution.name,
                       "timestamp": _now(), "jobTags": []}
        elif kind == "progress":
            payload = {"progress": dict(_progress(execution.progress[-1]))}
        elif kind == "terminated":
            exc = execution.exception
            payload = {"id": execution.id, "runId": execution.run_id,
                       "exception": str(exc) if exc else None,
                       "errorClassOnException": exc.getErrorClass() if exc else None}
        else:
            return
        name = {"started": "QueryStartedEvent", "progress": "QueryProgressEvent",
                "terminated": "QueryTerminatedEvent"}[kind]
        self._post(SQLListenerEvent({"Event": _LISTENER + name, **payload}))

    def _event(self, kind: str, execution: Any, query: StreamingQuery | None) -> None:
        if kind == "terminated" and query is not None:
            with self._lock:
                if self._active.get(query.id) is query:
                    del self._active[query.id]
                self._terminated = query
                self._lock.notify_all()
        if self._post is not None:
            self._post_event(kind, execution)
        with self._lock:
            listeners = list(self._listeners)
        if not listeners:
            return
        if kind == "started":
            event: Any = QueryStartedEvent(execution.id, execution.run_id, execution.name,
                                           _now())
        elif kind == "progress":
            event = QueryProgressEvent(_progress(execution.progress[-1]))
        elif kind == "idle":
            event = QueryIdleEvent(execution.id, execution.run_id, _now())
        else:
            exc = execution.exception
            event = QueryTerminatedEvent(execution.id, execution.run_id,
                                         str(exc) if exc else None,
                                         exc.getErrorClass() if exc else None)
        method = {"started": "onQueryStarted", "progress": "onQueryProgress",
                  "idle": "onQueryIdle", "terminated": "onQueryTerminated"}[kind]
        for listener in listeners:
            try:
                getattr(listener, method)(event)
            except Exception:  # noqa: BLE001 - a listener's error does not stop the query
                pass
