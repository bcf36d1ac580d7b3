"""The SQL / DataFrame tab: each DataFrame action and spark.sql query is one SQL execution
(SparkListenerSQLExecutionStart/End with Spark's fields), its jobs tied to it through the
``spark.sql.execution.id`` local property, per-operator row counts from the tasks, the
REST API's /sql answers, the pages, and the event log replayed by the history server."""

from __future__ import annotations

import json
import sys
import urllib.request

import pytest
from status_fixtures import logged_session

from runtime.eventlog.reader import list_logs, replay
from runtime.status.sql import SQLStatus
from runtime.status.store import AppStatusStore

START = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart"
END = "org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


class Recorder:
    def __init__(self):
        self.events = []

    def onOtherEvent(self, event):
        self.events.append(event.to_json())


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from sparkcli.sql import functions as F

    home = tmp_path_factory.mktemp("sparkcli-home")
    with logged_session(home, "sql-tab") as spark:
        sc = spark.sparkContext
        rec = Recorder()
        sc.addSparkListener(rec)
        df = spark.range(100).withColumn("k", F.col("id") % 5)
        line = sys._getframe().f_lineno + 1
        rows = df.filter("id > 10").groupBy("k").count().collect()  # execution 0
        assert sorted(r["count"] for r in rows) == [17, 18, 18, 18, 18]
        assert spark.sql("SELECT 1 AS a").collect()[0]["a"] == 1  # execution 1
        with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):  # execution 2
            spark.range(3).select(F.lit(1) / (F.col("id") - 1)).collect()
        url = sc.uiWebUrl
        sc._driver.bus.wait_until_empty()
        live = json.loads(get(f"{url}/api/v1/applications/{sc.applicationId}/sql"))
        pages = {p: get(url + p) for p in ("/SQL/", "/SQL/execution/?id=0", "/jobs/")}
        yield {"spark": spark, "events": rec.events, "live": live, "pages": pages,
               "url": url, "home": home, "app_id": sc.applicationId, "line": line}


def test_each_action_is_one_execution_with_sparks_event_fields(app):
    starts = [e for e in app["events"] if e["Event"] == START]
    ends = [e for e in app["events"] if e["Event"] == END]
    assert [e["executionId"] for e in starts] == [0, 1, 2]
    assert [e["executionId"] for e in ends] == [0, 1, 2]
    first = starts[0]
    assert first["description"] == f"collect at {__file__}:{app['line']}"
    assert first["rootExecutionId"] == 0 and isinstance(first["time"], int)
    assert first["physicalPlanDescription"].startswith("== Physical Plan ==\n")
    info = first["sparkPlanInfo"]
    assert info["nodeName"] == "HashAggregate" and info["children"][0]["nodeName"] == "Exchange"
    assert info["metrics"][0]["name"] == "number of output rows"
    assert ends[0]["errorMessage"] == "" and ends[2]["errorMessage"].startswith(
        "[DIVIDE_BY_ZERO]")


def test_rest_api_lists_queries_with_jobs_and_operator_row_counts(app):
    q0, q1, q2 = app["live"]
    assert [q["status"] for q in (q0, q1, q2)] == ["COMPLETED", "COMPLETED", "FAILED"]
    assert list(q0) == ["id", "status", "description", "planDescription", "submissionTime",
                        "duration", "runningJobIds", "successJobIds", "failedJobIds", "nodes",
                        "edges", "queryId", "errorMessage", "rootExecutionId",
                        "modifiedConfigs"]
    assert q0["successJobIds"] and not q0["failedJobIds"] and not q0["runningJobIds"]
    assert q2["failedJobIds"] and q2["errorMessage"].startswith("[DIVIDE_BY_ZERO]")
    counts = [(n["nodeName"], [m["value"] for m in n["metrics"]]) for n in q0["nodes"]]
    # Spark's order (leaves first) and its metrics: no row count on a Project
    assert counts == [("Range", ["100"]), ("Filter", ["89"]), ("Project", []),
                      ("HashAggregate", ["10"]), ("Exchange", ["10"]),
                      ("HashAggregate", ["5"])]
    assert q0["nodes"][0]["desc"].startswith("Range (0, 100")
    assert {(e["fromId"], e["toId"]) for e in q0["edges"]} == {
        (1, 0), (2, 1), (3, 2), (4, 3), (5, 4)}
    one = json.loads(get(f"{app['url']}/api/v1/applications/{app['app_id']}/sql/0"
                         "?details=false&planDescription=false"))
    assert one["id"] == 0 and one["nodes"] == [] and one["planDescription"] == ""


def test_jobs_carry_the_execution_id_and_metrics_are_forgotten(app):
    from sparkcli import shared

    spark = app["spark"]
    assert spark.sparkContext.getLocalProperty("spark.sql.execution.id") is None
    ids = [m["accumulatorId"] for e in app["events"] if e["Event"] == START
           for m in e["sparkPlanInfo"]["metrics"]]
    assert ids and not any(i in shared._driver_accumulators for i in ids)


def test_sql_pages_show_the_queries_and_the_plan_graph(app):
    tab, page = app["pages"]["/SQL/"], app["pages"]["/SQL/execution/?id=0"]
    assert "Completed Queries (2)" in tab and "Failed Queries (1)" in tab
    assert "SQL / DataFrame" in app["pages"]["/jobs/"]
    assert 'class="plan-graph"' in page and page.count('class="plan-node"') == 6
    assert "number of output rows: 89" in page and "== Physical Plan ==" in page


def test_history_replays_the_same_sql_answers(app):
    app["spark"].stop()
    [info] = list_logs(str(app["home"] / "events"))
    store = AppStatusStore(live=False)
    replay(info.path, store)
    assert store.sql_executions() == app["live"]


def test_retention_drops_the_oldest_finished_executions():
    sql = SQLStatus(retained=2)
    for i in range(4):
        sql.on_event({"Event": START, "executionId": i, "time": i, "sparkPlanInfo": {}})
        if i != 1:
            sql.on_event({"Event": END, "executionId": i, "time": i + 1, "errorMessage": ""})
    assert list(sql.executions) == [1, 2, 3]  # 1 still runs
