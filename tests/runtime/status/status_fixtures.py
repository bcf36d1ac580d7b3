"""Shared by the status, API, event log and UI tests: the PySpark 4.3 fixture log, Spark's
answers for it, and a replay into a store."""

from __future__ import annotations

import json
from pathlib import Path

from runtime.status.store import AppStatusStore

FIXTURES = Path(__file__).parent / "fixtures"
LOG = FIXTURES / "pyspark-4.3-local-1796288042100"
SPARK_ANSWERS = json.loads((FIXTURES / "pyspark-4.3-history-api.json").read_text())

# Fields Spark computes from the JVM or the history server's file system, not from the events:
# peak JVM memory metrics, the log's mtime and path; and in Spark 4.3's history replay the
# driver's executor totalDuration/totalGCTime come from executor metrics (no Python meaning).
NOT_FROM_EVENTS = {"peakMemoryMetrics", "peakExecutorMetrics", "lastUpdated",
                   "lastUpdatedEpoch", "logSourceName", "logSourceFullPath", "totalDuration",
                   "totalGCTime"}


def replay(path: Path = LOG, **kw) -> AppStatusStore:
    store = AppStatusStore(live=False, **kw)
    with open(path) as f:
        for line in f:
            store.post(json.loads(line))
    return store


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in NOT_FROM_EVENTS}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value
