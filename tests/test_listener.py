"""The listener bus end to end: the events of real jobs, their JSON form, user listeners,
statusTracker, and the progress bar replaying a recorded stream."""

from __future__ import annotations

import io
import json
import operator
import os
import threading
from collections import Counter
from functools import partial

import pytest

from runtime.scheduler.bus import ListenerBus
from runtime.status.live import LiveStatus
from runtime.status.store import AppStatusStore
from sparkcli.listener import SparkListener, call_site
from sparkcli.progress import ConsoleProgressBar, render
from gate import PASS_GATE, Gate
from waiting import wait_for


class Recorder(SparkListener):
    """Records every event, in delivery order."""

    def __init__(self):
        self.events = []
        self.lock = threading.Lock()

    def __getattribute__(self, name):
        if name.startswith("on"):
            return self._record
        return super().__getattribute__(name)

    def _record(self, event):
        with self.lock:
            self.events.append(event)

    def names(self):
        return [type(e).__name__.removeprefix("SparkListener") for e in self.events]


def fail_once(it, port=None):
    """Partition 0's first attempt in stage 0 raises ValueError (once gate ``port`` opens:
    when partition 1 has started, so both ran at once whatever the load); the retry
    succeeds. (Not in a later stage: when the lost executor held the cached partition 0,
    the count job recomputes it, and which executor held it depends on scheduling.)"""
    from sparkcli.taskcontext import TaskContext

    tc = TaskContext.get()
    if tc.stageId() == 0 and tc.partitionId() == 0 and tc.attemptNumber() == 0:
        if port is not None:
            namespace: dict = {}
            exec(PASS_GATE, namespace)
            namespace["pass_gate"](port)
        raise ValueError("first attempt fails")
    return it


def lose_executor_once(it):
    """Partition 1's first attempt kills its executor process (a lost executor)."""
    from sparkcli.taskcontext import TaskContext

    tc = TaskContext.get()
    if tc.partitionId() == 1 and tc.attemptNumber() == 0:
        os._exit(3)
    return it


@pytest.fixture
def sc2(tmp_path, monkeypatch):
    from sparkcli.context import SparkContext

    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    context = SparkContext("local[2,2]", "events")
    try:
        yield context
    finally:
        context.stop()


class OpenWhenStarted(SparkListener):
    """Opens ``gate`` when stage 0's partition 1 starts."""

    def __init__(self, gate):
        self.gate = gate

    def onTaskStart(self, taskStart):
        if taskStart.stageId == 0 and taskStart.taskInfo.partitionId == 1:
            self.gate.open()


def test_event_stream_of_a_shuffle_job_with_a_cache_a_retry_and_a_lost_executor(sc2):
    rec = Recorder()
    sc2.addSparkListener(rec)
    gate = Gate()
    sc2.addSparkListener(OpenWhenStarted(gate))
    cached = sc2.parallelize(range(100), 2).mapPartitions(
        partial(fail_once, port=gate.port)).cache()
    pairs = cached.map(lambda x: (x % 10, x)).reduceByKey(operator.add)
    try:
        result = pairs.mapPartitions(lose_executor_once).collect()  # line of the call site
    finally:
        gate.open()
        gate.close()
    assert sorted(result) == [(k, sum(range(k, 100, 10))) for k in range(10)]
    assert cached.count() == 100  # a second job reads the cache, skipping nothing else
    cached.unpersist()  # a command to the scheduler loop, which then posts UnpersistRDD
    wait_for(lambda: "UnpersistRDD" in rec.names(), 30, "UnpersistRDD")
    wait_for(lambda: rec.names().count("ExecutorAdded") == 3, 30, "the replacement executor")
    assert sc2._driver.bus.wait_until_empty(30)
    events = rec.events

    # the job, stage and application events, in order (task events interleave between them)
    skeleton = [n for n in rec.names()
                if n in ("JobStart", "JobEnd", "StageSubmitted", "StageCompleted",
                         "UnpersistRDD")]
    assert skeleton == ["JobStart", "StageSubmitted", "StageCompleted", "StageSubmitted",
                        "StageCompleted", "JobEnd", "JobStart", "StageSubmitted",
                        "StageCompleted", "JobEnd", "UnpersistRDD"]
    by = {}
    for e in events:
        by.setdefault(type(e).__name__.removeprefix("SparkListener"), []).append(e)
    start0, start1 = by["JobStart"]
    assert [s.stageId for s in start0.stageInfos] == [0, 1]
    assert start0.stageInfos[1].parentIds == [0]
    assert start0.properties["callSite.short"] == \
        f"collect at {__file__}:{_line_of('# line of the call site')}"
    assert start1.properties["callSite.short"].startswith(f"count at {__file__}:")
    assert [e.stageInfo.stageId for e in by["StageSubmitted"]] == [0, 1, 2]
    assert by["StageSubmitted"][1].stageInfo.name == start0.properties["callSite.short"]
    completed = [e.stageInfo for e in by["StageCompleted"]]
    assert all(i.failureReason is None and i.completionTime >= i.submissionTime
               for i in completed)
    assert [e.jobResult.result for e in by["JobEnd"]] == ["JobSucceeded", "JobSucceeded"]

    # every task: TaskStart, then its TaskEnd, both inside its stage's submitted..completed
    pos = {id(e): i for i, e in enumerate(events)}
    span = {e.stageInfo.stageId: [pos[id(e)]] for e in by["StageSubmitted"]}
    for e in by["StageCompleted"]:
        span[e.stageInfo.stageId].append(pos[id(e)])
    starts = {e.taskInfo.taskId: e for e in by["TaskStart"]}
    ends = {e.taskInfo.taskId: e for e in by["TaskEnd"]}
    assert starts.keys() == ends.keys()
    for tid, end in ends.items():
        lo, hi = span[end.stageId]
        assert lo < pos[id(starts[tid])] < pos[id(end)] < hi

    reasons = {sid: Counter(e.reason.reason for e in by["TaskEnd"] if e.stageId == sid)
               for sid in (0, 1, 2)}
    assert reasons == {0: Counter(Success=2, ExceptionFailure=1),
                       1: Counter(Success=2, ExecutorLostFailure=1),
                       2: Counter(Success=2)}
    [failed] = [e for e in by["TaskEnd"] if e.reason.reason == "ExceptionFailure"]
    assert failed.reason.className == "ValueError"
    assert "first attempt fails" in failed.reason.description
    assert failed.taskInfo.failed and failed.taskInfo.partitionId == 0
    [retry] = [e for e in by["TaskEnd"] if e.stageId == 0 and e.taskInfo.partitionId == 0
               and e.reason.reason == "Success"]
    assert retry.taskInfo.attemptNumber == 1

    # the lost executor: removed, its task failed, a replacement added and the task rerun
    [lost] = [e for e in by["TaskEnd"] if e.reason.reason == "ExecutorLostFailure"]
    [removed] = by["ExecutorRemoved"]
    assert removed.executorId == lost.taskInfo.executorId == lost.reason.executorId
    assert "exited with code 3" in removed.reason
    assert pos[id(removed)] < pos[id(lost)]
    added = [e.executorId for e in by["ExecutorAdded"]]
    assert len(added) == 3 and removed.executorId in added[:2]
    assert pos[id(by["ExecutorAdded"][2])] > pos[id(removed)]

    # task metrics filled: map tasks write the shuffle, reduce tasks read all of it
    ok = [e for e in by["TaskEnd"] if e.reason.reason == "Success"]
    assert all(e.taskMetrics.executorRunTime >= 0 and e.taskInfo.finishTime >=
               e.taskInfo.launchTime for e in ok)
    maps = [e.taskMetrics for e in ok if e.stageId == 0]
    reduces = [e.taskMetrics for e in ok if e.stageId == 1]
    assert all(e.taskType == "ShuffleMapTask" for e in ok if e.stageId == 0)
    assert all(m.shuffleWriteMetrics.recordsWritten > 0 and
               m.shuffleWriteMetrics.bytesWritten > 0 and m.resultSize == 0 for m in maps)
    assert sum(m.shuffleWriteMetrics.recordsWritten for m in maps) == \
        sum(m.shuffleReadMetrics.recordsRead for m in reduces) == 20  # 10 keys x 2 maps
    assert sum(m.shuffleReadMetrics.totalBytesRead for m in reduces) == \
        sum(m.shuffleWriteMetrics.bytesWritten for m in maps)
    assert all(m.resultSize > 0 for m in reduces)
    assert sum(m.executorDeserializeTime >= 0 for m in maps + reduces) == 4

    # the cached partitions: one BlockUpdated each (again if a lost executor held one)
    blocks = {e.blockId for e in by["BlockUpdated"]}
    assert blocks == {f"rdd_{cached.id}_0", f"rdd_{cached.id}_1"}
    assert all(e.useMemory for e in by["BlockUpdated"])
    assert by["UnpersistRDD"][0].rddId == cached.id

    # the JSON form: Spark's event-log names, and it all serialises
    lines = [json.dumps(e.to_json()) for e in events]
    first = json.loads(lines[pos[id(start0)]])
    assert first["Event"] == "SparkListenerJobStart" and first["Job ID"] == start0.jobId
    assert [s["Stage ID"] for s in first["Stage Infos"]] == [0, 1]
    end = json.loads(lines[pos[id(retry)]])
    assert end["Task End Reason"] == {"Reason": "Success"}
    assert end["Task Metrics"]["Shuffle Write Metrics"]["Shuffle Records Written"] == \
        retry.taskMetrics.shuffleWriteMetrics.recordsWritten
    assert json.loads(lines[pos[id(failed)]])["Task End Reason"]["Class Name"] == "ValueError"
    assert json.loads(lines[pos[id(lost)]])["Task End Reason"]["Reason"] == \
        "ExecutorLostFailure"

    # the UI's status store reads the JSON form as it reads a Spark event log
    ui = AppStatusStore()
    ui.post_all(json.loads(line) for line in lines)
    jobs = {j["jobId"]: j for j in ui.jobs()}
    assert {j: d["status"] for j, d in jobs.items()} == {start0.jobId: "SUCCEEDED",
                                                         start1.jobId: "SUCCEEDED"}
    assert jobs[start0.jobId]["name"] == start0.properties["callSite.short"]
    assert jobs[start0.jobId]["numFailedTasks"] == 2

    # statusTracker follows the same events
    tracker = sc2.statusTracker()
    assert tracker.getJobInfo(start0.jobId) == (start0.jobId, [0, 1], "SUCCEEDED")
    assert tracker.getStageInfo(1)[3:] == (2, 0, 2, 1)  # tasks, active, completed, failed
    assert tracker.getActiveJobsIds() == [] and tracker.getActiveStageIds() == []

    # the progress bar, driven by the recorded stream replayed into a fresh store
    store = LiveStatus()
    bar = ConsoleProgressBar(stream=io.StringIO(), width=60, first_delay=0.0,
                             clock=lambda: 1e9, wall_clock=lambda: 1e12)
    bar._store = store
    drawn = []
    bus = ListenerBus()
    bus.add_listener(store)
    try:
        for e in events:
            bus.deliver(e)  # in order, on this thread
            before = bar._last_bar
            bar.refresh()
            if bar._last_bar and bar._last_bar != before:
                drawn.append(bar._last_bar)
    finally:
        bus.stop()
    assert drawn[0] == render([_S(0, 2, 0, 0)], 60)  # StageSubmitted: (0 + 0) / 2
    assert any(d.startswith("[Stage 0:") and "(0 + 2) / 2]" in d for d in drawn)
    assert any(d.startswith("[Stage 0:") and "(1 + 1) / 2]" in d for d in drawn)
    assert any(d.startswith("[Stage 1:") and "(1 + 1) / 2]" in d for d in drawn)
    assert any(d.startswith("[Stage 2:") for d in drawn)
    assert bar._last_bar == ""  # wiped when the last job ended


class _S:
    def __init__(self, stage_id, num_tasks, completed, active):
        self.stage_id, self.num_tasks = stage_id, num_tasks
        self.completed, self.active = completed, active


def _line_of(marker: str) -> int:
    with open(__file__) as f:
        for n, line in enumerate(f, 1):
            if marker in line and "_line_of" not in line:
                return n
    raise AssertionError(marker)


def test_user_listener_add_remove_and_a_failing_listener_does_not_stop_others(sc):
    class Boom(SparkListener):
        def onJobStart(self, jobStart):
            raise RuntimeError("listener bug")

    rec = Recorder()
    boom = Boom()
    sc.addSparkListener(boom)
    sc.addSparkListener(rec)
    assert sc.parallelize([1, 2, 3], 3).count() == 3
    assert sc._driver.bus.wait_until_empty(30)
    assert rec.names().count("JobEnd") == 1 and rec.names().count("TaskEnd") == 3
    sc.removeSparkListener(rec)
    sc.removeSparkListener(boom)
    n = len(rec.events)
    sc.parallelize([1]).count()
    assert sc._driver.bus.wait_until_empty(30)
    assert len(rec.events) == n


def test_failed_job_end_and_status_tracker_groups(sc):
    rec = Recorder()
    sc.addSparkListener(rec)
    sc.setJobGroup("g1", "a failing job")
    try:
        with pytest.raises(ZeroDivisionError):
            sc.parallelize([1], 1).map(lambda x: x / 0).collect()
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
        assert sc._driver.bus.wait_until_empty(30)  # delivered, then the listener leaves
        sc.removeSparkListener(rec)
    [end] = [e for e in rec.events if type(e).__name__ == "SparkListenerJobEnd"]
    assert end.jobResult.result == "JobFailed"
    assert end.to_json()["Job Result"]["Result"] == "JobFailed"
    [completed] = [e for e in rec.events if type(e).__name__ == "SparkListenerStageCompleted"]
    assert completed.stageInfo.failureReason
    tracker = sc.statusTracker()
    assert tracker.getJobIdsForGroup("g1") == [end.jobId]
    assert tracker.getJobInfo(end.jobId).status == "FAILED"


def test_call_site_names_the_action_and_the_user_line():
    def api_like():
        return call_site(1)

    short, long = api_like()  # frames of this test file are user frames
    assert short.startswith(f"api_like at {__file__}:") or \
        short.startswith(f"runJob at {__file__}:")
    assert "test_listener.py" in long


def test_bus_never_blocks_the_poster_and_counts_drops():
    gate = threading.Event()

    class Slow(SparkListener):
        def onJobEnd(self, jobEnd):
            gate.wait(10)

    from runtime.scheduler.events import JobResult, SparkListenerJobEnd

    bus = ListenerBus(capacity=2)
    bus.add_listener(Slow())
    try:
        for i in range(10):
            bus.post(SparkListenerJobEnd(i, 0, JobResult()))  # returns at once
        assert bus.dropped >= 7
    finally:
        gate.set()
        assert bus.wait_until_empty(10)
        bus.stop()
