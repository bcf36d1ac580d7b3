"""Stage names and StageInfo's RDD infos come from where the user made each RDD, as
PySpark shows them: ``reduceByKey at /path/app.py:11`` for a map stage, the action's call site for
the result stage, and each RDD's creation site, parents, level and determinism."""

from __future__ import annotations

import json
import operator

from sparkcli.listener import SparkListener
from sparkcli.storagelevel import StorageLevel
from webget import get


class Stages(SparkListener):
    def __init__(self):
        self.submitted = []

    def onStageSubmitted(self, e):
        self.submitted.append(e.stageInfo)


def line_of(marker: str) -> int:
    with open(__file__) as f:
        for n, line in enumerate(f, 1):
            if marker in line and "line_of(" not in line:
                return n
    raise AssertionError(marker)


def site(op: str, marker: str) -> str:
    return f"{op} at {__file__}:{line_of(marker)}"


def test_stage_names_and_rdd_infos_of_a_word_count(sc, tmp_path):
    src = tmp_path / "words.txt"
    src.write_text("a b\nc a\n")
    rec = Stages()
    sc.addSparkListener(rec)
    lines = sc.textFile(str(src), 2)  # (textFile)
    words = lines.flatMap(str.split)  # (flatMap)
    pairs = words.map(lambda w: (w, 1)).persist(StorageLevel.MEMORY_AND_DISK)  # (map)
    counts = pairs.reduceByKey(operator.add)  # (reduceByKey)
    assert sorted(counts.collect()) == [("a", 2), ("b", 1), ("c", 1)]  # (collect)
    assert sc._driver.bus.wait_until_empty(30)
    sc.removeSparkListener(rec)
    mapped, result = rec.submitted
    assert mapped.name == site("reduceByKey", "# (reduceByKey)")
    assert result.name == site("collect", "# (collect)")

    # the map stage: its RDD (the one the shuffle reads) first, then its narrow ancestors;
    # flatMap and map are pipelined into one RDD, as PySpark's PipelinedRDD
    infos = {r.id: r for r in mapped.rddInfos}
    assert [r.id for r in mapped.rddInfos] == [pairs.id, lines.id]
    assert words._node.creation_site == site("flatMap", "# (flatMap)")
    assert infos[lines.id].callSite == site("textFile", "# (textFile)")
    assert infos[lines.id].name == str(src) and infos[lines.id].parentIds == []
    assert infos[pairs.id].callSite == site("map", "# (map)")
    assert infos[pairs.id].parentIds == [lines.id]
    assert infos[pairs.id].name == "PipelinedRDD" and infos[pairs.id].numPartitions == 2
    assert all(r.outputDeterministicLevel == "DETERMINATE" for r in mapped.rddInfos)
    [first] = [r.to_json() for r in mapped.rddInfos[:1]]
    assert first["Storage Level"] == {"Use Disk": True, "Use Memory": True,
                                      "Use Off Heap": False, "Deserialized": False,
                                      "Replication": 1}
    assert json.loads(first["Scope"])["name"] == "map"
    assert list(first) == ["RDD ID", "Name", "Scope", "Callsite", "Parent IDs",
                           "Storage Level", "Barrier", "DeterministicLevel",
                           "Number of Partitions", "Number of Cached Partitions",
                           "Memory Size", "Disk Size"]

    # the result stage reads the shuffle: its RDDs are UNORDERED, the shuffled one's parent
    # is the map side's RDD
    [top] = result.rddInfos[:1]
    assert top.callSite == site("reduceByKey", "# (reduceByKey)")
    shuffled = [r for r in result.rddInfos if r.name == "ShuffledRDD"]
    assert len(shuffled) == 1 and shuffled[0].parentIds == [pairs.id]
    assert all(r.outputDeterministicLevel == "UNORDERED" for r in result.rddInfos)
    assert mapped.to_json()["RDD Info"][0]["RDD ID"] == pairs.id

    # toDebugString names the creation sites too
    debug = counts.toDebugString().decode()
    assert site("map", "# (map)") in debug and site("textFile", "# (textFile)") in debug

    # and the REST API lists the stage's RDDs under its name
    base = f"{sc.uiWebUrl}/api/v1/applications/{sc.applicationId}"
    status, body = get(f"{base}/stages/{mapped.stageId}")
    assert status == 200, body
    [stage] = json.loads(body)
    assert stage["name"] == mapped.name
    assert stage["rddIds"] == [pairs.id, lines.id]
    pairs.unpersist()


def test_a_shuffle_made_inside_another_call_is_named_by_the_user_call(sc):
    rec = Stages()
    sc.addSparkListener(rec)
    assert sorted(sc.parallelize([3, 1, 3], 2).distinct().collect()) == [1, 3]  # (distinct)
    assert sc._driver.bus.wait_until_empty(30)
    sc.removeSparkListener(rec)
    assert [s.name for s in rec.submitted] == [site("distinct", "# (distinct)"),
                                               site("collect", "# (distinct)")]



class Jobs(SparkListener):
    def __init__(self):
        self.props = []

    def onJobStart(self, e):
        self.props.append(e.properties)


def test_rdds_carry_the_scope_of_the_operation_that_made_them(sc):
    """Spark's RDDOperationScope: one scope per API call (a new id each call), named after
    the method, shared by every RDD the call made (reduceByKey's map side, shuffle and
    result); the action's scope is in the job's properties; the stage page's DAG draws one
    box per scope."""
    rec, jobs = Stages(), Jobs()
    sc.addSparkListener(rec)
    sc.addSparkListener(jobs)
    nums = sc.parallelize(range(10), 2)
    once = nums.map(lambda x: (x % 3, x))
    twice = once.map(lambda kv: kv)
    sums = twice.reduceByKey(operator.add)
    assert sorted(sums.collect()) == [(0, 18), (1, 12), (2, 15)]
    assert sc._driver.bus.wait_until_empty(30)
    sc.removeSparkListener(rec)
    sc.removeSparkListener(jobs)

    def scope(node):
        return json.loads(node.scope)

    assert scope(nums._node)["name"] == "parallelize"
    assert (scope(once._node)["name"], scope(twice._node)["name"]) == ("map", "map")
    assert scope(once._node)["id"] != scope(twice._node)["id"]  # a new scope per call
    mapped, result = rec.submitted
    red = [json.loads(r.scope) for r in result.rddInfos]
    assert {s["name"] for s in red} == {"reduceByKey"} and len({s["id"] for s in red}) == 1
    # the map stage: the two maps, pipelined into one RDD (the later one's), over parallelize
    assert [json.loads(r.scope) for r in mapped.rddInfos] == [scope(twice._node),
                                                              scope(nums._node)]
    assert json.loads(jobs.props[-1]["spark.rdd.scope"])["name"] == "collect"

    # the DAG of the result stage: one dashed box for reduceByKey around its RDDs
    status, body = get(f"{sc.uiWebUrl}/stages/stage/?id={result.stageId}&attempt=0")
    assert status == 200, body
    assert body.count('class="dag-scope"') == 1 and ">reduceByKey</text>" in body
