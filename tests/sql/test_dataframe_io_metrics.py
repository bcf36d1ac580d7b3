"""DataFrame file scans and writes fill the tasks' input/output metrics (Spark's
InputMetrics/OutputMetrics): writes run in the tasks, each counting the bytes of the files
it wrote and its rows; scans count the bytes of the file pieces they read and the rows
they produced. Listeners, /api/v1, the stage page and the event log see them with Spark's
names."""

from __future__ import annotations

import json
import os

import pytest

from sparkcli.listener import SparkListener
from webget import get


class Ends(SparkListener):
    def __init__(self):
        self.tasks = []

    def onTaskEnd(self, e):
        self.tasks.append(e)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    rc._launch_layers.clear()
    session = (SparkSession.builder.master("local[2]").appName("df-io-metrics")
               .config("spark.ui.port", "0").config("spark.eventLog.enabled", "true")
               .config("spark.eventLog.dir", str(home / "events"))
               .config("spark.sql.warehouse.dir", str(home / "wh")).getOrCreate())
    try:
        yield session
    finally:
        session.stop()
        mp.undo()


def listen(spark):
    """A new recorder, registered after the events of earlier tests were delivered."""
    assert spark.sparkContext._driver.bus.wait_until_empty(30)
    rec = Ends()
    spark.sparkContext.addSparkListener(rec)
    return rec


def _since(spark, rec, n):
    assert spark.sparkContext._driver.bus.wait_until_empty(30)
    return [e.taskMetrics for e in rec.tasks[n:]]


def _parts(path):
    return sorted(p for p in os.listdir(path) if p.startswith("part-"))


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "text", "orc"])
def test_write_then_read_counts_bytes_and_records(spark, tmp_path, fmt):
    rec = listen(spark)
    df = spark.range(0, 1000, 1, 2).selectExpr("cast(id * 7 as string) AS s")
    out = str(tmp_path / fmt)
    n = len(rec.tasks)
    getattr(df.write, fmt)(out)
    wrote = _since(spark, rec, n)
    parts = _parts(out)
    assert [p[:10] for p in parts] == ["part-00000", "part-00001"]  # one file per task
    sizes = sorted(os.path.getsize(os.path.join(out, p)) for p in parts)
    assert sorted(m.outputMetrics.bytesWritten for m in wrote) == sizes
    assert sorted(m.outputMetrics.recordsWritten for m in wrote) == [500, 500]

    n = len(rec.tasks)
    assert getattr(spark.read, fmt)(out).count() == 1000
    read = _since(spark, rec, n)
    assert sum(m.inputMetrics.bytesRead for m in read) == sum(sizes)
    assert sum(m.inputMetrics.recordsRead for m in read) == 1000
    assert all(m.outputMetrics.bytesWritten == 0 for m in read)


def test_partition_zero_writes_a_file_for_an_empty_result(spark, tmp_path):
    # as Spark's FileFormatWriter: partition 0 always writes (the schema of an empty result)
    rec = listen(spark)
    empty = spark.range(0, 10, 1, 2).filter("id > 100")
    n = len(rec.tasks)
    empty.write.parquet(str(tmp_path / "pq"))
    wrote = _since(spark, rec, n)
    [part] = _parts(tmp_path / "pq")
    assert part.startswith("part-00000-")
    assert sum(m.outputMetrics.bytesWritten for m in wrote) == \
        os.path.getsize(tmp_path / "pq" / part)
    assert sum(m.outputMetrics.recordsWritten for m in wrote) == 0
    back = spark.read.parquet(str(tmp_path / "pq"))
    assert (back.columns, back.count()) == (["id"], 0)
    empty.write.csv(str(tmp_path / "csv"), header=True)
    [part] = _parts(tmp_path / "csv")
    assert (tmp_path / "csv" / part).read_text() == "id\n"
    # a non-empty partition 1 with an empty partition 0: both files, as Spark
    spark.range(0, 10, 1, 2).filter("id > 6").write.json(str(tmp_path / "js"))
    assert [p[:10] for p in _parts(tmp_path / "js")] == ["part-00000", "part-00001"]
    assert sorted(r.id for r in spark.read.json(str(tmp_path / "js")).collect()) == [7, 8, 9]


def test_stage_totals_in_the_rest_api_and_the_stage_page(spark, tmp_path):
    rec = listen(spark)
    out = str(tmp_path / "t")
    n = len(rec.tasks)
    spark.range(0, 300, 1, 3).selectExpr("id", "id * 2 AS d").write.parquet(out)
    spark.read.parquet(out).collect()
    assert spark.sparkContext._driver.bus.wait_until_empty(30)
    ends = rec.tasks[n:]
    [write_stage] = {e.stageId for e in ends if e.taskMetrics.outputMetrics.recordsWritten}
    [read_stage] = {e.stageId for e in ends if e.taskMetrics.inputMetrics.recordsRead}
    size = sum(os.path.getsize(os.path.join(out, p)) for p in _parts(out))
    sc = spark.sparkContext
    base = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}"
    status, body = get(f"{base}/stages/{write_stage}")
    assert status == 200, body
    [stage] = json.loads(body)
    assert (stage["outputBytes"], stage["outputRecords"]) == (size, 300)
    status, body = get(f"{base}/stages/{read_stage}")
    [stage] = json.loads(body)
    assert (stage["inputBytes"], stage["inputRecords"]) == (size, 300)
    status, body = get(f"{base}/stages/{read_stage}/0/taskList")
    assert sum(t["taskMetrics"]["inputMetrics"]["recordsRead"] for t in json.loads(body)) == 300
    status, body = get(f"{sc.uiWebUrl}/stages/stage/?id={write_stage}&attempt=0")
    assert status == 200 and "Output Size / Records" in body

    # the event log (flushed per line) carries the same numbers under Spark's names
    [log] = [p for p in os.listdir(spark.conf.get("spark.eventLog.dir"))
             if p.startswith(sc.applicationId)]
    ends = [e for e in map(json.loads, open(os.path.join(
        spark.conf.get("spark.eventLog.dir"), log))) if e["Event"] == "SparkListenerTaskEnd"]
    def stage_total(stage, group, key):
        return sum(e["Task Metrics"][group][key] for e in ends if e["Stage ID"] == stage)
    assert (stage_total(write_stage, "Output Metrics", "Bytes Written"),
            stage_total(write_stage, "Output Metrics", "Records Written")) == (size, 300)
    assert (stage_total(read_stage, "Input Metrics", "Bytes Read"),
            stage_total(read_stage, "Input Metrics", "Records Read")) == (size, 300)

    # saveAsTable runs its write in tasks too
    n = len(rec.tasks)
    spark.range(0, 40, 1, 2).write.saveAsTable("metrics_t")
    wrote = _since(spark, rec, n)
    assert sum(m.outputMetrics.recordsWritten for m in wrote) == 40
    assert spark.table("metrics_t").count() == 40
