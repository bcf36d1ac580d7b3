"""``StreamingQueryListener`` and its events (PySpark's pyspark.sql.streaming.listener).

Listeners added with ``spark.streams.addListener`` hear every query of the session: started
(from the query's thread, before its first batch), progress (after each batch, with the
StreamingQueryProgress), idle (a trigger found no new data) and terminated (with the
exception's text when the query failed). They are called in the query's thread, in order.
"""

from __future__ import annotations

import json
from typing import Any

from runtime.sql.row import Row

__all__ = ["QueryIdleEvent", "QueryProgressEvent", "QueryStartedEvent",
           "QueryTerminatedEvent", "StreamingQueryListener", "StreamingQueryProgress"]


class StreamingQueryProgress(dict):
    """One batch's progress: Spark's JSON fields, readable as a dict (``p["batchId"]``) or
    as attributes (``p.batchId``); ``json``/``prettyJson`` give the JSON text.
    ``observedMetrics`` maps each ``df.observe(name, ...)`` to a Row of its metrics over
    the batch (``{}`` without one; left out of the JSON then, as Spark's)."""

    def __init__(self, fields: dict):
        super().__init__(fields)
        self["observedMetrics"] = {name: Row(**metrics) for name, metrics in
                                   (fields.get("observedMetrics") or {}).items()}

    def _json_fields(self) -> dict:
        out = dict(self)
        observed = out.pop("observedMetrics", None)
        if observed:
            out["observedMetrics"] = {name: row.asDict() for name, row in observed.items()}
        return out

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def json(self) -> str:  # type: ignore[override]
        return json.dumps(self._json_fields(), separators=(",", ":"))

    @property
    def prettyJson(self) -> str:
        return json.dumps(self._json_fields(), indent=4)

    def __str__(self) -> str:
        return self.prettyJson


class QueryStartedEvent:
    def __init__(self, id: str, runId: str, name: str | None, timestamp: str):
        self.id, self.runId, self.name, self.timestamp = id, runId, name, timestamp


class QueryProgressEvent:
    def __init__(self, progress: StreamingQueryProgress):
        self.progress = progress


class QueryIdleEvent:
    def __init__(self, id: str, runId: str, timestamp: str):
        self.id, self.runId, self.timestamp = id, runId, timestamp


class QueryTerminatedEvent:
    def __init__(self, id: str, runId: str, exception: str | None,
                 errorClassOnException: str | None):
        self.id, self.runId = id, runId
        self.exception, self.errorClassOnException = exception, errorClassOnException


class StreamingQueryListener:
    """Subclass and override the callbacks; register with ``spark.streams.addListener``."""

    def onQueryStarted(self, event: QueryStartedEvent) -> None:
        pass

    def onQueryProgress(self, event: QueryProgressEvent) -> None:
        pass

    def onQueryIdle(self, event: QueryIdleEvent) -> None:
        pass

    def onQueryTerminated(self, event: QueryTerminatedEvent) -> None:
        pass
