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
    assert json.loads(first["Scope"]) == {"id": str(pairs.id), "name": "map"}
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

