"""A TaskEnd written to the event log and read back by the history server keeps every
field: the JSON line is the event's JSON, and the replayed store answers /api/v1 exactly as
the live store fed the same events does, with each task counter where Spark puts it."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from runtime.eventlog.reader import read_events, replay
from runtime.eventlog.writer import EventLogWriter
from runtime.protocol.executor import TaskCounters
from runtime.scheduler.events import (
    SparkListenerApplicationStart, SparkListenerStageSubmitted, SparkListenerTaskEnd,
    SparkListenerTaskStart, StageInfo, TaskEndReason, TaskInfo,
)
from runtime.status.store import AppStatusStore

APP = "local-1796300000000"
T0 = 1796300000000


def counters(seed: int) -> dict:
    """Every TaskCounters field a different non-zero value (remote reads within reads)."""
    c = {f.name: seed * 100 + i + 1 for i, f in enumerate(fields(TaskCounters))}
    c["shuffle_remote_bytes_read"] = c["shuffle_read_bytes"] // 3
    return c


REASONS = [
    TaskEndReason(),
    TaskEndReason("ExceptionFailure", className="ValueError", description="bad row 7",
                  stackTrace="Traceback (most recent call last):\n  ...\nValueError: bad row 7"),
    TaskEndReason("ExecutorLostFailure", executorId="1", lossReason="Command exited with code 137"),
    TaskEndReason("FetchFailed", executorId="0", shuffleId=3, mapId=1, reduceId=2,
                  description="shuffle_3_1_2 is gone"),
    TaskEndReason("TaskKilled", description="Stage cancelled: job 4 cancelled"),
]


def events() -> list:
    stage = StageInfo(5, 1, "collect at app.py:9", len(REASONS), [], submissionTime=T0)
    out: list = [SparkListenerApplicationStart("roundtrip", APP, T0 - 10, "me"),
                 SparkListenerStageSubmitted(stage, {"spark.job.description": "d"})]
    for i, reason in enumerate(REASONS):
        info = TaskInfo(40 + i, i, i % 2, i, T0 + 10 * i, str(i % 2), f"host{i}",
                        ["PROCESS_LOCAL", "NODE_LOCAL", "ANY"][i % 3], i == 1)
        out.append(SparkListenerTaskStart(5, 1, info))
    for i, reason in enumerate(REASONS):
        info = out[2 + i].taskInfo
        done = TaskInfo(info.taskId, info.index, info.attemptNumber, info.partitionId,
                        info.launchTime, info.executorId, info.host, info.taskLocality,
                        info.speculative, T0 + 1000 + 7 * i, reason.reason not in (
                            "Success", "TaskKilled"), reason.reason == "TaskKilled")
        lost = reason.reason == "ExecutorLostFailure"  # its executor took the counters along
        out.append(SparkListenerTaskEnd(5, 1, "ShuffleMapTask" if i % 2 else "ResultTask",
                                        reason, done, None if lost else counters(i)))
    return out


def test_task_end_round_trips_through_the_event_log(tmp_path):
    evs = events()
    writer = EventLogWriter(APP, {"spark.eventLog.dir": f"file://{tmp_path}"},
                            home=str(tmp_path), spark_version="4.3.0")
    for e in evs:
        writer.write(e.to_json())
    path = writer.stop()
    read = [e for e in read_events(path) if e["Event"] != "SparkListenerLogStart"]
    # every JSON field written is read back as it was
    assert read == [json.loads(json.dumps(e.to_json())) for e in evs]
    assert "Map Index" in read[-2]["Task End Reason"]  # FetchFailed: Spark's field names

    live = AppStatusStore(live=False)
    for e in evs:
        live.post(e.to_json())
    history = replay(path, AppStatusStore(live=False))
    tasks = history.task_list(5, 1, length=100)
    assert tasks == live.task_list(5, 1, length=100)
    assert history.stage_attempt(5, 1) == live.stage_attempt(5, 1)

    by_id = {t["taskId"]: t for t in tasks}
    for e in evs[-len(REASONS):]:
        t, info = by_id[e.taskInfo.taskId], e.taskInfo
        assert (t["index"], t["attempt"], t["partitionId"], t["executorId"], t["host"],
                t["taskLocality"], t["speculative"]) == (
            info.index, info.attemptNumber, info.partitionId, info.executorId, info.host,
            info.taskLocality, info.speculative)
        assert t["duration"] == info.finishTime - info.launchTime
        assert t["status"] == {"Success": "SUCCESS", "TaskKilled": "KILLED"}.get(
            e.reason.reason, "FAILED")
        if e.reason.reason == "Success":
            assert "errorMessage" not in t or not t["errorMessage"]
        else:
            text = {"ExceptionFailure": "ValueError: bad row 7",
                    "ExecutorLostFailure": "Command exited with code 137",
                    "FetchFailed": "mapIndex=1, reduceId=2",
                    "TaskKilled": "Stage cancelled: job 4 cancelled"}[e.reason.reason]
            assert text in t["errorMessage"], t["errorMessage"]
        if e.counters is None:
            assert "taskMetrics" not in t or t["taskMetrics"]["executorRunTime"] == 0
            continue
        c, m = e.counters, t["taskMetrics"]
        assert (m["executorDeserializeTime"], m["executorRunTime"], m["resultSize"],
                m["memoryBytesSpilled"], m["diskBytesSpilled"]) == (
            c["executor_deserialize_time"], c["executor_run_time"], c["result_size"],
            c["memory_bytes_spilled"], c["disk_bytes_spilled"])
        assert m["inputMetrics"] == {"bytesRead": c["input_bytes"],
                                     "recordsRead": c["input_records"]}
        assert m["outputMetrics"] == {"bytesWritten": c["output_bytes"],
                                      "recordsWritten": c["output_records"]}
        sr = m["shuffleReadMetrics"]
        assert (sr["remoteBytesRead"], sr["localBytesRead"], sr["recordsRead"]) == (
            c["shuffle_remote_bytes_read"],
            c["shuffle_read_bytes"] - c["shuffle_remote_bytes_read"], c["shuffle_records_read"])
        sw = m["shuffleWriteMetrics"]
        assert (sw["bytesWritten"], sw["recordsWritten"]) == (
            c["shuffle_write_bytes"], c["shuffle_records_written"])
    assert Path(path).exists()
