"""Task input/output metrics and BlockUpdated sizes, end to end: what the executor counts
reaches listeners (Spark's field names), the event log and the REST API (/api/v1)."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from sparkcli.listener import SparkListener
from sparkcli.storagelevel import StorageLevel
from webget import get


class Ends(SparkListener):
    def __init__(self):
        self.tasks = []
        self.blocks = []

    def onTaskEnd(self, e):
        self.tasks.append(e)

    def onBlockUpdated(self, e):
        self.blocks.append(e)

    def of_stage(self, stage_id):
        return [e.taskMetrics for e in self.tasks if e.stageId == stage_id]


@pytest.fixture
def sc_ui(tmp_path, monkeypatch):
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    conf = (SparkConf().setMaster("local[2]").setAppName("io-metrics")
            .set("spark.ui.port", "0").set("spark.eventLog.enabled", "true")
            .set("spark.eventLog.dir", str(tmp_path / "events")))
    context = SparkContext(conf=conf)
    try:
        yield context
    finally:
        context.stop()


def stage_ids(listener, before):
    return sorted({e.stageId for e in listener.tasks[before:]})


def test_input_output_and_block_sizes_reach_listeners_event_log_and_rest(sc_ui, tmp_path):
    sc = sc_ui
    rec = Ends()
    sc.addSparkListener(rec)
    lines = [f"line {i}" for i in range(1000)]
    src = tmp_path / "in.txt"
    src.write_text("\n".join(lines) + "\n")
    size = src.stat().st_size

    # a text file read by 2 tasks: every byte and line counted once
    text = sc.textFile(str(src), 2)
    assert text.count() == 1000
    bus = sc._driver.bus
    assert bus.wait_until_empty(30)
    [read_stage] = stage_ids(rec, 0)
    reads = rec.of_stage(read_stage)
    assert len(reads) == 2
    assert sum(m.inputMetrics.recordsRead for m in reads) == 1000
    assert sum(m.inputMetrics.bytesRead for m in reads) == size
    assert all(m.inputMetrics.bytesRead > 0 for m in reads)
    assert all(m.outputMetrics.bytesWritten == 0 for m in reads)

    # saveAsTextFile: each task's part file, its bytes and records
    out = tmp_path / "out"
    n = len(rec.tasks)
    text.map(str.upper).saveAsTextFile(str(out))
    assert bus.wait_until_empty(30)
    [save_stage] = stage_ids(rec, n)
    writes = rec.of_stage(save_stage)
    parts = sorted(p for p in os.listdir(out) if p.startswith("part-"))
    assert sum(m.outputMetrics.recordsWritten for m in writes) == 1000
    assert sorted(m.outputMetrics.bytesWritten for m in writes) == \
        sorted(os.path.getsize(out / p) for p in parts)
    assert sum(m.inputMetrics.bytesRead for m in writes) == size  # it read the file too

    # a compressed file: its bytes on disk
    gz = tmp_path / "in.txt.gz"
    with gzip.open(gz, "wt") as f:
        f.write("a\nb\nc\n")
    n = len(rec.tasks)
    assert sc.textFile(str(gz)).collect() == ["a", "b", "c"]
    assert bus.wait_until_empty(30)
    [m] = [e.taskMetrics for e in rec.tasks[n:]]
    assert (m.inputMetrics.bytesRead, m.inputMetrics.recordsRead) == (gz.stat().st_size, 3)

    # a cached RDD: BlockUpdated with the blocks' sizes, and a later job reads them as input
    cached = sc.parallelize(range(100), 2).map(lambda x: x * 2).cache()
    n = len(rec.tasks)
    assert cached.count() == 100
    assert bus.wait_until_empty(30)
    blocks = [b for b in rec.blocks if b.blockId.startswith(f"rdd_{cached.id}_")]
    assert sorted(b.blockId for b in blocks) == [f"rdd_{cached.id}_0", f"rdd_{cached.id}_1"]
    assert all(b.useMemory and not b.useDisk and b.memSize > 0 and b.diskSize == 0
               for b in blocks)
    first = [e.taskMetrics for e in rec.tasks[n:]]
    assert all(m.inputMetrics.bytesRead == 0 for m in first)  # computed, not read back
    n = len(rec.tasks)
    assert cached.sum() == 9900
    assert bus.wait_until_empty(30)
    again = [e.taskMetrics for e in rec.tasks[n:]]
    assert sum(m.inputMetrics.recordsRead for m in again) == 100
    assert sum(m.inputMetrics.bytesRead for m in again) == sum(b.memSize for b in blocks)

    # DISK_ONLY: the block's file size
    on_disk = sc.parallelize(range(50), 1).persist(StorageLevel.DISK_ONLY)
    assert on_disk.count() == 50
    assert bus.wait_until_empty(30)
    [disk_block] = [b for b in rec.blocks if b.blockId == f"rdd_{on_disk.id}_0"]
    assert disk_block.useDisk and not disk_block.useMemory
    assert disk_block.memSize == 0 and disk_block.diskSize > 0

    # the REST API: stage totals, the storage tab, the executors' memory
    app = sc.applicationId
    base = f"{sc.uiWebUrl}/api/v1/applications/{app}"
    status, body = get(f"{base}/stages/{read_stage}")
    assert status == 200, body
    [stage] = json.loads(body)
    assert (stage["inputBytes"], stage["inputRecords"]) == (size, 1000)
    status, body = get(f"{base}/stages/{save_stage}")
    [stage] = json.loads(body)
    assert stage["outputRecords"] == 1000
    assert stage["outputBytes"] == sum(os.path.getsize(out / p) for p in parts)
    status, body = get(f"{base}/stages/{read_stage}/0/taskList")
    assert status == 200, body
    assert sum(t["taskMetrics"]["inputMetrics"]["bytesRead"] for t in json.loads(body)) == size
    status, body = get(f"{base}/storage/rdd")
    assert status == 200, body
    rdds = {r["id"]: r for r in json.loads(body)}
    assert rdds[cached.id]["memoryUsed"] == sum(b.memSize for b in blocks)
    assert rdds[on_disk.id]["diskUsed"] == disk_block.diskSize
    status, body = get(f"{base}/executors")
    executors = [e for e in json.loads(body) if e["id"] != "driver"]
    assert sum(e["memoryUsed"] for e in executors) == sum(b.memSize for b in blocks)
    assert sum(e["totalInputBytes"] for e in executors) >= 2 * size

    # the event log: Spark's names for the same numbers
    log_dir = tmp_path / "events"
    sc.stop()
    [log] = os.listdir(log_dir)
    events = [json.loads(line) for line in open(log_dir / log)]
    ends = [e for e in events if e["Event"] == "SparkListenerTaskEnd"
            and e["Stage ID"] == save_stage]
    assert sum(e["Task Metrics"]["Output Metrics"]["Records Written"] for e in ends) == 1000
    assert sum(e["Task Metrics"]["Input Metrics"]["Bytes Read"] for e in ends) == size
