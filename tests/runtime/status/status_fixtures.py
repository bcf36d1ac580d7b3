"""Shared by the status, API, event log and UI tests: the PySpark 4.3 fixture log, Spark's
answers for it, and a replay into a store."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@contextlib.contextmanager
def logged_session(home: Path, name: str) -> Iterator:
    """A local[2] SparkSession with its UI on a free port and its event log in
    ``home/events`` (SPARKCLI_HOME=home while it lives)."""
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    rc._launch_layers.clear()
    spark = (SparkSession.builder.master("local[2]").appName(name)
             .config("spark.ui.port", "0").config("spark.eventLog.enabled", "true")
             .config("spark.eventLog.dir", str(home / "events")).getOrCreate())
    try:
        yield spark
    finally:
        spark.stop()
        mp.undo()
