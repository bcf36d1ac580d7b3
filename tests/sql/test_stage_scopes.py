"""A DataFrame query's stages as Spark shows them: every stage named by the action's call
site (``collect at app.py:12``, map stages too, as Spark names a SQL query's stages), and the
RDDs of each physical operator under one operation scope ``{"id":"spark_plan_N","name":
"HashAggregate"}`` (StageInfo's RDD infos, the web UI's DAG boxes)."""

from __future__ import annotations

import json

from sparkcli.listener import SparkListener


class Stages(SparkListener):
    def __init__(self):
        self.submitted = []

    def onStageSubmitted(self, e):
        self.submitted.append(e.stageInfo)


def test_stage_names_and_operator_scopes(spark):
    bus = spark.sparkContext._driver.bus
    assert bus.wait_until_empty(30)
    rec = Stages()
    spark.sparkContext.addSparkListener(rec)
    df = spark.range(0, 100, 1, 4)
    rows = df.groupBy((df.id % 3).alias("k")).count().filter("count > 33").collect()  # (q)
    assert bus.wait_until_empty(30)
    spark.sparkContext.removeSparkListener(rec)
    assert sorted(tuple(r) for r in rows) == [(0, 34)]
    line = next(n for n, text in enumerate(open(__file__), 1) if "# (q)" in text
                and "next(" not in text)
    assert {s.name for s in rec.submitted} == {f"collect at {__file__}:{line}"}
    mapped, result = rec.submitted[-2:]
    scopes = {r.id: json.loads(r.scope) for s in (mapped, result) for r in s.rddInfos}
    assert all(s["id"].startswith("spark_plan_") for s in scopes.values())
    assert {s["name"] for s in scopes.values()} >= {"Range", "HashAggregate", "Exchange"}
    # one scope per operator: the Range's RDDs share one id, the two HashAggregates differ
    by_name: dict = {}
    for s in scopes.values():
        by_name.setdefault(s["name"], set()).add(s["id"])
    assert len(by_name["Range"]) == 1 and len(by_name["HashAggregate"]) == 2
