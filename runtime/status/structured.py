"""What the Structured Streaming tab shows: the streaming queries and their progress.

Spark's StreamingQueryStatusListener, fed the StreamingQueryListener events as the event
log writes them (so the history server replays them too):

* ``...StreamingQueryListener$QueryStartedEvent`` (``id``, ``runId``, ``name``,
  ``timestamp`` as ISO text) adds a RUNNING query, keyed by its run id;
* ``...$QueryProgressEvent`` (``progress``: the StreamingQueryProgress JSON) appends the
  progress to its run, keeping the last ``spark.sql.streaming.ui.retainedProgressUpdates``
  (100);
* ``...$QueryTerminatedEvent`` (``exception`` text or null) ends the run: FINISHED, or
  FAILED with the exception.

At most ``spark.sql.streaming.ui.retainedQueries`` (100) ended runs are kept (the oldest
go first). :meth:`StructuredStreamingStatus.queries` gives the rows of the tab: name,
status, id, run id, start time, duration, average input and process rates over the retained
progress, the latest batch id and the error; :meth:`progress` the retained progress of one
run, for its statistics page.
"""

from __future__ import annotations

import collections
import datetime as dt
from typing import Any, Callable

__all__ = ["StructuredStreamingStatus", "parse_timestamp"]

_P = "org.apache.spark.sql.streaming.StreamingQueryListener$"
STARTED = _P + "QueryStartedEvent"
PROGRESS = _P + "QueryProgressEvent"
TERMINATED = _P + "QueryTerminatedEvent"
DEFAULT_RETAINED_QUERIES = 100
DEFAULT_RETAINED_PROGRESS = 100


def parse_timestamp(text: Any) -> int | None:
    """Epoch ms of a progress timestamp (``2026-12-03T14:04:49.118Z``)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return int(t.timestamp() * 1000)


def _mean(values: list) -> float | None:
    vals = [float(v) for v in values if isinstance(v, (int, float)) and v == v]
    return sum(vals) / len(vals) if vals else None


class _Run:
    def __init__(self, e: dict, retained: int) -> None:
        self.id = e.get("id")
        self.run_id = e.get("runId")
        self.name = e.get("name")
        self.start = parse_timestamp(e.get("timestamp"))
        self.end: int | None = None
        self.active = True
        self.exception: str | None = None
        self.progress: collections.deque[dict] = collections.deque(maxlen=retained)


class StructuredStreamingStatus:
    """The streaming queries of one application (the store's lock guards it)."""

    def __init__(self, retained_queries: int = DEFAULT_RETAINED_QUERIES,
                 retained_progress: int = DEFAULT_RETAINED_PROGRESS) -> None:
        self.retained_queries = max(1, int(retained_queries))
        self.retained_progress = max(1, int(retained_progress))
        self.runs: collections.OrderedDict[str, _Run] = collections.OrderedDict()

    def on_event(self, e: dict, clock: Callable[[], int] | None = None) -> None:
        """Apply one event; ``clock`` (live stores) times a run's end, else (a replay) its
        last progress does."""
        kind = e.get("Event")
        if kind == STARTED:
            run = _Run(e, self.retained_progress)
            self.runs[run.run_id] = run
        elif kind == PROGRESS:
            p = e.get("progress") or {}
            run = self.runs.get(p.get("runId"))
            if run is not None:
                run.progress.append(dict(p))
        elif kind == TERMINATED:
            run = self.runs.get(e.get("runId"))
            if run is None:
                return
            run.active = False
            run.exception = e.get("exception")
            last = run.progress[-1] if run.progress else {}
            run.end = clock() if clock is not None else \
                parse_timestamp(last.get("timestamp")) or run.start
            ended = [k for k, r in self.runs.items() if not r.active]
            for k in ended[:max(0, len(ended) - self.retained_queries)]:
                del self.runs[k]

    def __bool__(self) -> bool:
        return bool(self.runs)

    def _row(self, run: _Run, now: int) -> dict:
        progress = list(run.progress)
        end = run.end if not run.active else now
        return {"name": run.name, "status": "RUNNING" if run.active else (
                    "FAILED" if run.exception else "FINISHED"),
                "id": run.id, "runId": run.run_id, "startTime": run.start,
                "duration": max(0, (end or 0) - (run.start or 0)),
                "avgInputRate": _mean([p.get("inputRowsPerSecond") for p in progress]),
                "avgProcessRate": _mean([p.get("processedRowsPerSecond") for p in progress]),
                "latestBatch": progress[-1].get("batchId") if progress else None,
                "exception": run.exception, "numProgress": len(progress)}

    def queries(self, now: int) -> list[dict]:
        """Every retained run, newest start first."""
        return sorted((self._row(r, now) for r in self.runs.values()),
                      key=lambda q: -(q["startTime"] or 0))

    def query(self, run_id: str, now: int) -> dict | None:
        run = self.runs.get(run_id)
        if run is None:
            return None
        return {**self._row(run, now), "progress": [dict(p) for p in run.progress]}
