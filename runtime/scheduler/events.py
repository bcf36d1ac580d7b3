"""Listener events: what the driver tells listeners, with Spark's names and fields.

The driver posts these on the listener bus (bus.py); the progress bar, ``statusTracker()``,
the status store, user listeners (``sc.addSparkListener``) and, later, the event log and
the web UI consume them. Class names and attribute names are Spark's (SparkListenerJobStart
with ``jobId``, ``stageInfos``...), since user listeners are written against them.

:meth:`ListenerEvent.to_json` gives Spark's event-log form (JsonProtocol.scala): ``{"Event":
"SparkListenerJobStart", "Job ID": 0, "Stage Infos": [...], ...}``, so an event log written
from these reads like Spark's and a history server can replay it. Times are epoch
milliseconds; sizes bytes; task times (run, deserialize) milliseconds.

Listener dispatch is by ``METHOD``, the SparkListener callback name (``onJobStart``...).
The classes are dataclasses without generated ``__eq__``/``__repr__`` (one shared
``__repr__`` below): every driver imports this module at start-up, and generating methods
for thirty classes costs milliseconds there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from runtime.protocol.executor import TaskCounters


class _Repr:
    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__,
                           ", ".join(f"{k}={v!r}" for k, v in vars(self).items()))


# -- the parts ---------------------------------------------------------------------------------
@dataclass(eq=False, repr=False)
class RDDInfo(_Repr):
    """One RDD of a stage (Spark's RDDInfo): the stage's RDD, then its narrow ancestors.

    ``storageLevel`` is the node's level object (useDisk, useMemory, useOffHeap,
    deserialized, replication) or None; ``scope`` Spark's operation scope as a JSON string
    (``{"id":"3","name":"map"}``) or None; ``callSite`` the creation site."""

    id: int
    name: str
    numPartitions: int
    parentIds: list = field(default_factory=list)
    callSite: str = ""
    scope: str | None = None
    storageLevel: Any = None
    outputDeterministicLevel: str = "DETERMINATE"
    isBarrier: bool = False
    numCachedPartitions: int = 0
    memSize: int = 0
    diskSize: int = 0

    def to_json(self) -> dict:
        level = self.storageLevel
        out: dict = {"RDD ID": self.id, "Name": self.name}
        if self.scope is not None:
            out["Scope"] = self.scope
        out.update({
            "Callsite": self.callSite, "Parent IDs": list(self.parentIds),
            "Storage Level": {
                "Use Disk": bool(getattr(level, "useDisk", False)),
                "Use Memory": bool(getattr(level, "useMemory", False)),
                "Use Off Heap": bool(getattr(level, "useOffHeap", False)),
                "Deserialized": bool(getattr(level, "deserialized", False)),
                "Replication": int(getattr(level, "replication", 1))},
            "Barrier": self.isBarrier, "DeterministicLevel": self.outputDeterministicLevel,
            "Number of Partitions": self.numPartitions,
            "Number of Cached Partitions": self.numCachedPartitions,
            "Memory Size": self.memSize, "Disk Size": self.diskSize})
        return out


@dataclass(eq=False, repr=False)
class StageInfo(_Repr):
    stageId: int
    attemptNumber: int
    name: str
    numTasks: int
    parentIds: list = field(default_factory=list)
    details: str = ""
    submissionTime: int | None = None
    completionTime: int | None = None
    failureReason: str | None = None
    rddInfos: list = field(default_factory=list)  # RDDInfo: the stage's RDD first

    def to_json(self) -> dict:
        out = {"Stage ID": self.stageId, "Stage Attempt ID": self.attemptNumber,
               "Stage Name": self.name, "Number of Tasks": self.numTasks,
               "RDD Info": [r.to_json() for r in self.rddInfos],
               "Parent IDs": list(self.parentIds), "Details": self.details}
        if self.submissionTime is not None:
            out["Submission Time"] = self.submissionTime
        if self.completionTime is not None:
            out["Completion Time"] = self.completionTime
        if self.failureReason is not None:
            out["Failure Reason"] = self.failureReason
        out["Accumulables"] = []
        out["Resource Profile Id"] = 0
        return out


@dataclass(eq=False, repr=False)
class TaskInfo(_Repr):
    taskId: int
    index: int
    attemptNumber: int
    partitionId: int
    launchTime: int
    executorId: str
    host: str
    taskLocality: str = "PROCESS_LOCAL"
    speculative: bool = False
    finishTime: int = 0
    failed: bool = False
    killed: bool = False

    @property
    def status(self) -> str:
        if self.finishTime == 0:
            return "RUNNING"
        return "FAILED" if self.failed else "KILLED" if self.killed else "SUCCESS"

    @property
    def duration(self) -> int:
        return self.finishTime - self.launchTime if self.finishTime else 0

    def to_json(self) -> dict:
        return {"Task ID": self.taskId, "Index": self.index, "Attempt": self.attemptNumber,
                "Partition ID": self.partitionId, "Launch Time": self.launchTime,
                "Executor ID": self.executorId, "Host": self.host,
                "Locality": self.taskLocality, "Speculative": self.speculative,
                "Getting Result Time": 0, "Finish Time": self.finishTime,
                "Failed": self.failed, "Killed": self.killed, "Accumulables": []}


@dataclass(eq=False, repr=False)
class InputMetrics(_Repr):
    bytesRead: int = 0
    recordsRead: int = 0


@dataclass(eq=False, repr=False)
class OutputMetrics(_Repr):
    bytesWritten: int = 0
    recordsWritten: int = 0


@dataclass(eq=False, repr=False)
class ShuffleReadMetrics(_Repr):
    remoteBytesRead: int = 0
    localBytesRead: int = 0
    recordsRead: int = 0

    @property
    def totalBytesRead(self) -> int:
        return self.remoteBytesRead + self.localBytesRead


@dataclass(eq=False, repr=False)
class ShuffleWriteMetrics(_Repr):
    bytesWritten: int = 0
    recordsWritten: int = 0


@dataclass(eq=False, repr=False)
class TaskMetrics(_Repr):
    executorDeserializeTime: int = 0
    executorRunTime: int = 0
    resultSize: int = 0
    memoryBytesSpilled: int = 0
    diskBytesSpilled: int = 0
    inputMetrics: InputMetrics = field(default_factory=InputMetrics)
    outputMetrics: OutputMetrics = field(default_factory=OutputMetrics)
    shuffleReadMetrics: ShuffleReadMetrics = field(default_factory=ShuffleReadMetrics)
    shuffleWriteMetrics: ShuffleWriteMetrics = field(default_factory=ShuffleWriteMetrics)

    @classmethod
    def from_counters(cls, c: TaskCounters) -> TaskMetrics:
        remote = c.shuffle_remote_bytes_read
        return cls(c.executor_deserialize_time, c.executor_run_time, c.result_size,
                   c.memory_bytes_spilled, c.disk_bytes_spilled,
                   InputMetrics(c.input_bytes, c.input_records),
                   OutputMetrics(c.output_bytes, c.output_records),
                   ShuffleReadMetrics(remote, c.shuffle_read_bytes - remote,
                                      c.shuffle_records_read),
                   ShuffleWriteMetrics(c.shuffle_write_bytes, c.shuffle_records_written))

    def to_json(self) -> dict:
        sr, sw = self.shuffleReadMetrics, self.shuffleWriteMetrics
        return {"Executor Deserialize Time": self.executorDeserializeTime,
                "Executor Deserialize CPU Time": 0,
                "Executor Run Time": self.executorRunTime, "Executor CPU Time": 0,
                "Peak Execution Memory": 0, "Result Size": self.resultSize,
                "JVM GC Time": 0, "Result Serialization Time": 0,
                "Memory Bytes Spilled": self.memoryBytesSpilled,
                "Disk Bytes Spilled": self.diskBytesSpilled,
                "Shuffle Read Metrics": {
                    "Remote Blocks Fetched": 0, "Local Blocks Fetched": 0,
                    "Fetch Wait Time": 0, "Remote Bytes Read": sr.remoteBytesRead,
                    "Remote Bytes Read To Disk": 0, "Local Bytes Read": sr.localBytesRead,
                    "Total Records Read": sr.recordsRead},
                "Shuffle Write Metrics": {
                    "Shuffle Bytes Written": sw.bytesWritten, "Shuffle Write Time": 0,
                    "Shuffle Records Written": sw.recordsWritten},
                "Input Metrics": {"Bytes Read": self.inputMetrics.bytesRead,
                                  "Records Read": self.inputMetrics.recordsRead},
                "Output Metrics": {"Bytes Written": self.outputMetrics.bytesWritten,
                                   "Records Written": self.outputMetrics.recordsWritten},
                "Updated Blocks": []}


@dataclass(eq=False, repr=False)
class TaskEndReason(_Repr):
    """``reason`` is Spark's class name: Success, ExceptionFailure, ExecutorLostFailure,
    FetchFailed, TaskKilled. The other fields are filled where they apply."""

    reason: str = "Success"
    className: str = ""
    description: str = ""
    stackTrace: str = ""
    executorId: str = ""
    lossReason: str = ""
    shuffleId: int = -1
    mapId: int = -1
    reduceId: int = -1

    def to_json(self) -> dict:
        out: dict[str, Any] = {"Reason": self.reason}
        if self.reason == "ExceptionFailure":
            out.update({"Class Name": self.className, "Description": self.description,
                        "Stack Trace": [], "Full Stack Trace": self.stackTrace,
                        "Accumulator Updates": []})
        elif self.reason == "ExecutorLostFailure":
            out.update({"Executor ID": self.executorId, "Exit Caused By App": True,
                        "Loss Reason": self.lossReason})
        elif self.reason == "FetchFailed":
            out.update({"Block Manager Address": {"Executor ID": self.executorId},
                        "Shuffle ID": self.shuffleId, "Map ID": self.mapId,
                        "Map Index": self.mapId,  # the map task's partition, as Spark 3+
                        "Reduce ID": self.reduceId, "Message": self.description})
        elif self.reason == "TaskKilled":
            out["Kill Reason"] = self.description
        return out


@dataclass(eq=False, repr=False)
class JobResult(_Repr):
    """Spark's JobSucceeded / JobFailed(exception)."""

    result: str = "JobSucceeded"
    exception: BaseException | None = None

    def to_json(self) -> dict:
        if self.exception is None:
            return {"Result": self.result}
        return {"Result": self.result, "Exception": {
            "Message": f"{type(self.exception).__name__}: {self.exception}",
            "Stack Trace": []}}


# -- the events ----------------------------------------------------------------------------------
class ListenerEvent(_Repr):
    METHOD: ClassVar[str] = "onOtherEvent"
    FIELDS: ClassVar[tuple] = ()  # (attribute, JSON name) for plain fields

    def to_json(self) -> dict:
        out: dict[str, Any] = {"Event": type(self).__name__}
        for attr, name in self.FIELDS:
            value = getattr(self, attr)
            out[name] = value.to_json() if hasattr(value, "to_json") else value
        return out


@dataclass(eq=False, repr=False)
class SparkListenerApplicationStart(ListenerEvent):
    appName: str
    appId: str
    time: int
    sparkUser: str
    METHOD = "onApplicationStart"
    FIELDS = (("appName", "App Name"), ("appId", "App ID"), ("time", "Timestamp"),
              ("sparkUser", "User"))


@dataclass(eq=False, repr=False)
class SparkListenerApplicationEnd(ListenerEvent):
    time: int
    METHOD = "onApplicationEnd"
    FIELDS = (("time", "Timestamp"),)


@dataclass(eq=False, repr=False)
class SparkListenerEnvironmentUpdate(ListenerEvent):
    environmentDetails: dict  # section name -> {key: value}
    METHOD = "onEnvironmentUpdate"

    def to_json(self) -> dict:
        out: dict[str, Any] = {"Event": type(self).__name__}
        out.update({k: dict(v) for k, v in self.environmentDetails.items()})
        return out


@dataclass(eq=False, repr=False)
class SparkListenerJobStart(ListenerEvent):
    jobId: int
    time: int
    stageInfos: list
    properties: dict = field(default_factory=dict)
    METHOD = "onJobStart"

    @property
    def stageIds(self) -> list[int]:
        return [s.stageId for s in self.stageInfos]

    def to_json(self) -> dict:
        return {"Event": type(self).__name__, "Job ID": self.jobId,
                "Submission Time": self.time,
                "Stage Infos": [s.to_json() for s in self.stageInfos],
                "Stage IDs": self.stageIds, "Properties": _props(self.properties)}


@dataclass(eq=False, repr=False)
class SparkListenerJobEnd(ListenerEvent):
    jobId: int
    time: int
    jobResult: JobResult
    METHOD = "onJobEnd"
    FIELDS = (("jobId", "Job ID"), ("time", "Completion Time"), ("jobResult", "Job Result"))


@dataclass(eq=False, repr=False)
class SparkListenerStageSubmitted(ListenerEvent):
    stageInfo: StageInfo
    properties: dict = field(default_factory=dict)
    METHOD = "onStageSubmitted"

    def to_json(self) -> dict:
        return {"Event": type(self).__name__, "Stage Info": self.stageInfo.to_json(),
                "Properties": _props(self.properties)}


@dataclass(eq=False, repr=False)
class SparkListenerStageCompleted(ListenerEvent):
    stageInfo: StageInfo
    METHOD = "onStageCompleted"
    FIELDS = (("stageInfo", "Stage Info"),)


@dataclass(eq=False, repr=False)
class SparkListenerTaskStart(ListenerEvent):
    stageId: int
    stageAttemptId: int
    taskInfo: TaskInfo
    METHOD = "onTaskStart"
    FIELDS = (("stageId", "Stage ID"), ("stageAttemptId", "Stage Attempt ID"),
              ("taskInfo", "Task Info"))


@dataclass(eq=False, repr=False)
class SparkListenerTaskEnd(ListenerEvent):
    """``counters``: the executor's TaskCounters dict (None for a task its executor took
    down with it); ``taskMetrics`` is built from it on first read, so the scheduler loop
    never pays for metrics no listener looks at."""

    stageId: int
    stageAttemptId: int
    taskType: str  # ResultTask | ShuffleMapTask
    reason: TaskEndReason
    taskInfo: TaskInfo
    counters: dict | None
    METHOD = "onTaskEnd"

    @property
    def taskMetrics(self) -> TaskMetrics | None:
        metrics = self.__dict__.get("_metrics")
        if metrics is None and self.counters is not None:
            metrics = self._metrics = TaskMetrics.from_counters(
                TaskCounters.from_dict(self.counters))
        return metrics

    def to_json(self) -> dict:
        out = {"Event": type(self).__name__, "Stage ID": self.stageId,
               "Stage Attempt ID": self.stageAttemptId, "Task Type": self.taskType,
               "Task End Reason": self.reason.to_json(), "Task Info": self.taskInfo.to_json(),
               "Task Executor Metrics": {}}
        if self.taskMetrics is not None:
            out["Task Metrics"] = self.taskMetrics.to_json()
        return out


@dataclass(eq=False, repr=False)
class SparkListenerExecutorAdded(ListenerEvent):
    time: int
    executorId: str
    host: str
    totalCores: int
    logUrls: dict = field(default_factory=dict)
    METHOD = "onExecutorAdded"

    def to_json(self) -> dict:
        return {"Event": type(self).__name__, "Timestamp": self.time,
                "Executor ID": self.executorId,
                "Executor Info": {"Host": self.host, "Total Cores": self.totalCores,
                                  "Log Urls": dict(self.logUrls), "Attributes": {},
                                  "Resources": {}, "Resource Profile Id": 0}}


@dataclass(eq=False, repr=False)
class SparkListenerExecutorRemoved(ListenerEvent):
    time: int
    executorId: str
    reason: str
    METHOD = "onExecutorRemoved"
    FIELDS = (("time", "Timestamp"), ("executorId", "Executor ID"),
              ("reason", "Removed Reason"))


@dataclass(eq=False, repr=False)
class SparkListenerBlockUpdated(ListenerEvent):
    executorId: str
    host: str
    blockId: str  # rdd_<rdd id>_<partition>
    useDisk: bool
    useMemory: bool
    deserialized: bool
    memSize: int = 0
    diskSize: int = 0
    METHOD = "onBlockUpdated"

    def to_json(self) -> dict:
        return {"Event": type(self).__name__, "Block Updated Info": {
            "Block Manager ID": {"Executor ID": self.executorId, "Host": self.host,
                                 "Port": 0},
            "Block ID": self.blockId,
            "Storage Level": {"Use Disk": self.useDisk, "Use Memory": self.useMemory,
                              "Use Off Heap": False, "Deserialized": self.deserialized,
                              "Replication": 1},
            "Memory Size": self.memSize, "Disk Size": self.diskSize}}


@dataclass(eq=False, repr=False)
class SparkListenerUnpersistRDD(ListenerEvent):
    rddId: int
    METHOD = "onUnpersistRDD"
    FIELDS = (("rddId", "RDD ID"),)


def _props(props: dict) -> dict:
    return {str(k): str(v) for k, v in (props or {}).items()}
