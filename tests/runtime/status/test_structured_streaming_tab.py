"""The Structured Streaming tab: a query's StreamingQueryListener events go on the listener
bus with Spark's event-log names, the tab lists active and completed runs with their rates
and latest batch, a run's page charts its progress, and the event log replays the same."""

from __future__ import annotations

import urllib.request

import pytest
from status_fixtures import logged_session

from runtime.eventlog.reader import list_logs, replay
from runtime.status.store import AppStatusStore
from runtime.status.structured import StructuredStreamingStatus

P = "org.apache.spark.sql.streaming.StreamingQueryListener$"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    home = tmp_path_factory.mktemp("sparkcli-home")
    with logged_session(home, "ss-tab") as spark:
        sc = spark.sparkContext
        q = (spark.readStream.format("rate").option("rowsPerSecond", 10).load()
             .writeStream.format("memory").queryName("rates").start())
        try:
            q.processAllAvailable()
            url = sc.uiWebUrl
            sc._driver.bus.wait_until_empty()
            running = get(url + "/StreamingQuery/")
            stats = get(url + f"/StreamingQuery/statistics/?id={q.runId}")
            batches = len(q.recentProgress)
        finally:
            q.stop()
        sc._driver.bus.wait_until_empty()
        done = get(url + "/StreamingQuery/")
        yield {"spark": spark, "q": q, "running": running, "stats": stats, "done": done,
               "home": home, "batches": batches, "url": url}


def test_the_tab_lists_running_then_completed_runs(app):
    q = app["q"]
    assert "Active Streaming Queries (1)" in app["running"] and q.runId in app["running"]
    assert "Active Streaming Queries (0)" in app["done"]
    assert "Completed Streaming Queries (1)" in app["done"] and "FINISHED" in app["done"]
    assert 'id="tab-StreamingQuery"' in app["running"]


def test_a_runs_page_charts_its_progress(app):
    page = app["stats"]
    assert f"RunId:</strong> {app['q'].runId}" in page
    for label in ("Input Rate", "Process Rate", "Input Rows", "Batch Duration",
                  "Operation Duration"):
        assert f"<strong>{label}</strong>" in page
    assert page.count('class="stream-line"') >= 5  # four metrics + operation durations
    assert "triggerExecution" in page


def test_the_event_log_replays_the_run(app):
    app["spark"].stop()
    [info] = list_logs(str(app["home"] / "events"))
    store = AppStatusStore(live=False)
    replay(info.path, store)
    [row] = store.streaming_queries()
    assert row["runId"] == app["q"].runId and row["name"] == "rates"
    assert row["status"] == "FINISHED" and row["numProgress"] >= app["batches"]


def test_failed_runs_and_retention():
    status = StructuredStreamingStatus(retained_queries=2, retained_progress=2)
    for i in range(4):
        status.on_event({"Event": P + "QueryStartedEvent", "id": "q", "runId": f"r{i}",
                         "name": None, "timestamp": f"2026-12-03T10:00:0{i}.000Z"})
        for b in range(3):
            status.on_event({"Event": P + "QueryProgressEvent", "progress": {
                "runId": f"r{i}", "batchId": b, "timestamp": f"2026-12-03T10:00:0{i}.500Z",
                "inputRowsPerSecond": 2.0 * b, "processedRowsPerSecond": 10.0}})
    status.on_event({"Event": P + "QueryTerminatedEvent", "id": "q", "runId": "r0",
                     "exception": "boom"})
    for run in ("r1", "r2"):
        status.on_event({"Event": P + "QueryTerminatedEvent", "id": "q", "runId": run,
                         "exception": None})
    rows = {r["runId"]: r for r in status.queries(now=0)}
    assert set(rows) == {"r1", "r2", "r3"}  # two ended runs kept: the newest
    assert rows["r1"]["status"] == "FINISHED" and rows["r3"]["status"] == "RUNNING"
    assert rows["r3"]["latestBatch"] == 2 and rows["r3"]["avgInputRate"] == 3.0  # (2 + 4) / 2
    status = StructuredStreamingStatus()
    status.on_event({"Event": P + "QueryStartedEvent", "id": "q", "runId": "x", "name": "n",
                     "timestamp": "2026-12-03T10:00:00.000Z"})
    status.on_event({"Event": P + "QueryTerminatedEvent", "id": "q", "runId": "x",
                     "exception": "[STREAM_FAILED] boom"})
    [row] = status.queries(now=0)
    assert row["status"] == "FAILED" and row["exception"] == "[STREAM_FAILED] boom"
    assert rows["r1"]["duration"] == 500
