"""/api/v1 over HTTP: Spark's paths answer the store's dicts; errors are Spark's 404/400."""

from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request

import pytest
from status_fixtures import LOG, SPARK_ANSWERS, replay, strip

from runtime.ui import api
from runtime.ui.server import bind

APP = "local-1796288042100"


class OneApp:
    spark_version = "4.3.0"

    def __init__(self, store):
        self._store = store

    def list_applications(self):
        return [self._store.application()]

    def store(self, app_id):
        return self._store if app_id == self._store.app_id else None


@pytest.fixture(scope="module")
def ui():
    server = bind("127.0.0.1", 0, "SparkUI", api.api_routes(OneApp(replay(LOG))))
    yield server
    server.stop()


def get(ui, path):
    with urllib.request.urlopen(f"{ui.url}/api/v1/{path}", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("application/json")
        return json.loads(r.read())


def status_of(ui, path):
    try:
        get(ui, path)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    return 200, ""


@pytest.mark.parametrize("path", [
    "applications/APP/jobs", "applications/APP/jobs?status=succeeded",
    "applications/APP/jobs?status=failed", "applications/APP/stages?status=skipped",
    "applications/APP/stages/1/0", "applications/APP/stages/1/0/taskSummary",
    "applications/APP/stages/5/0/taskList", "applications/APP/allexecutors",
    "applications/APP/environment", "applications/APP/storage/rdd",
    "applications/APP/stages/0?details=true&withSummaries=true"])
def test_paths_answer_as_spark(ui, path):
    assert strip(get(ui, path.replace("APP", APP))) == strip(SPARK_ANSWERS[path])


def test_queries_and_errors(ui):
    assert get(ui, "version") == {"spark": "4.3.0"}
    assert [a["id"] for a in get(ui, "applications?status=completed")] == [APP]
    assert get(ui, "applications?status=running") == []
    assert get(ui, f"applications/{APP}")["name"] == "ui-fixture"
    tasks = get(ui, f"applications/{APP}/stages/0/0/taskList?length=2&sortBy=-runtime")
    runtimes = [t["taskMetrics"]["executorRunTime"] for t in tasks]
    assert len(tasks) == 2 and runtimes == sorted(runtimes, reverse=True)
    summary = get(ui, f"applications/{APP}/stages/1/0/taskSummary?quantiles=0,1")
    assert summary["quantiles"] == [0.0, 1.0]
    assert get(ui, f"applications/{APP}/jobs?status=SUCCEEDED,failed") == \
        get(ui, f"applications/{APP}/jobs")
    assert status_of(ui, "applications/nope/jobs") == (404, "unknown app: nope\n")
    assert status_of(ui, f"applications/{APP}/jobs/99")[0] == 404
    assert status_of(ui, f"applications/{APP}/jobs?status=bogus")[0] == 400
    assert status_of(ui, f"applications/{APP}/stages/1/0/taskList?sortBy=x")[0] == 400


def test_busy_port_moves_to_the_next_with_sparks_log_line(caplog):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with caplog.at_level(logging.WARNING):
            try:
                server = bind("127.0.0.1", port, "SparkUI", [], max_retries=3)
            except OSError:
                pytest.skip("the next ports are busy too")
        try:
            assert server.port > port
            assert (f"Service 'SparkUI' could not bind on port {port}. Attempting port "
                    f"{port + 1}.") in caplog.text
        finally:
            server.stop()
