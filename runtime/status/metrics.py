"""Task metrics as the status store keeps them: Spark's event-log JSON in, REST API shapes out.

A SparkListenerTaskEnd event carries ``"Task Metrics"`` in JsonProtocol's spelling
(``"Executor Run Time"``, ``"Shuffle Read Metrics": {"Local Bytes Read": ...}``). The store
keeps one *flat* dict per task, keyed by the names below (``FIELDS``: flat name -> path in the
event), because flat dicts add up cheaply into stage, job and executor totals. Three views are
built from a flat dict:

* :func:`task_metrics_api` — the nested ``taskMetrics`` of a task in ``/api/v1`` (TaskMetrics
  in Spark's api.scala: inputMetrics, outputMetrics, shuffleReadMetrics with
  shufflePushReadMetrics, shuffleWriteMetrics);
* :func:`stage_totals_api` — the flat totals of StageData (``shuffleReadBytes`` is local +
  remote bytes, as Spark's);
* :func:`quantiles` — Spark's quantile rule for task summaries: over the *sorted* values of
  the successful tasks, quantile q takes index ``min(int(q * n), n - 1)``.

Missing fields count as zero, so an event from an older writer (or this engine's, which has no JVM
GC time) still parses. Nothing here keeps state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SRM = "Shuffle Read Metrics"
PUSH = "Push Based Shuffle"
SWM = "Shuffle Write Metrics"

# flat name -> path of keys in the event's "Task Metrics"
FIELDS: dict[str, tuple[str, ...]] = {
    "executorDeserializeTime": ("Executor Deserialize Time",),
    "executorDeserializeCpuTime": ("Executor Deserialize CPU Time",),
    "executorRunTime": ("Executor Run Time",),
    "executorCpuTime": ("Executor CPU Time",),
    "resultSize": ("Result Size",),
    "jvmGcTime": ("JVM GC Time",),
    "resultSerializationTime": ("Result Serialization Time",),
    "memoryBytesSpilled": ("Memory Bytes Spilled",),
    "diskBytesSpilled": ("Disk Bytes Spilled",),
    "peakExecutionMemory": ("Peak Execution Memory",),
    "inputBytes": ("Input Metrics", "Bytes Read"),
    "inputRecords": ("Input Metrics", "Records Read"),
    "outputBytes": ("Output Metrics", "Bytes Written"),
    "outputRecords": ("Output Metrics", "Records Written"),
    "shuffleRemoteBlocksFetched": (SRM, "Remote Blocks Fetched"),
    "shuffleLocalBlocksFetched": (SRM, "Local Blocks Fetched"),
    "shuffleFetchWaitTime": (SRM, "Fetch Wait Time"),
    "shuffleRemoteBytesRead": (SRM, "Remote Bytes Read"),
    "shuffleRemoteBytesReadToDisk": (SRM, "Remote Bytes Read To Disk"),
    "shuffleLocalBytesRead": (SRM, "Local Bytes Read"),
    "shuffleReadRecords": (SRM, "Total Records Read"),
    "shuffleRemoteReqsDuration": (SRM, "Remote Requests Duration"),
    "shuffleCorruptMergedBlockChunks": (SRM, PUSH, "Corrupt Merged Block Chunks"),
    "shuffleMergedFetchFallbackCount": (SRM, PUSH, "Merged Fetch Fallback Count"),
    "shuffleMergedRemoteBlocksFetched": (SRM, PUSH, "Merged Remote Blocks Fetched"),
    "shuffleMergedLocalBlocksFetched": (SRM, PUSH, "Merged Local Blocks Fetched"),
    "shuffleMergedRemoteChunksFetched": (SRM, PUSH, "Merged Remote Chunks Fetched"),
    "shuffleMergedLocalChunksFetched": (SRM, PUSH, "Merged Local Chunks Fetched"),
    "shuffleMergedRemoteBytesRead": (SRM, PUSH, "Merged Remote Bytes Read"),
    "shuffleMergedLocalBytesRead": (SRM, PUSH, "Merged Local Bytes Read"),
    "shuffleMergedRemoteReqsDuration": (SRM, PUSH, "Merged Remote Requests Duration"),
    "shuffleWriteBytes": (SWM, "Shuffle Bytes Written"),
    "shuffleWriteTime": (SWM, "Shuffle Write Time"),
    "shuffleWriteRecords": (SWM, "Shuffle Records Written"),
}
NAMES = tuple(FIELDS)

# the order of StageData's metric fields in Spark's JSON (shuffleReadBytes is derived)
STAGE_ORDER = (
    "executorDeserializeTime", "executorDeserializeCpuTime", "executorRunTime",
    "executorCpuTime", "resultSize", "jvmGcTime", "resultSerializationTime",
    "memoryBytesSpilled", "diskBytesSpilled", "peakExecutionMemory", "inputBytes",
    "inputRecords", "outputBytes", "outputRecords", "shuffleRemoteBlocksFetched",
    "shuffleLocalBlocksFetched", "shuffleFetchWaitTime", "shuffleRemoteBytesRead",
    "shuffleRemoteBytesReadToDisk", "shuffleLocalBytesRead", "shuffleReadBytes",
    "shuffleReadRecords", "shuffleCorruptMergedBlockChunks", "shuffleMergedFetchFallbackCount",
    "shuffleMergedRemoteBlocksFetched", "shuffleMergedLocalBlocksFetched",
    "shuffleMergedRemoteChunksFetched", "shuffleMergedLocalChunksFetched",
    "shuffleMergedRemoteBytesRead", "shuffleMergedLocalBytesRead", "shuffleRemoteReqsDuration",
    "shuffleMergedRemoteReqsDuration", "shuffleWriteBytes", "shuffleWriteTime",
    "shuffleWriteRecords",
)

DEFAULT_SUMMARY_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
DISTRIBUTION_QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


def zero() -> dict[str, int]:
    return dict.fromkeys(NAMES, 0)


def _tree(paths: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """FIELDS as a tree: event key -> flat name (a leaf) or the subtree under that key."""
    tree: dict[str, Any] = {}
    for name, path in paths.items():
        node = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = name
    return tree


_TREE = _tree(FIELDS)
_ZERO = dict.fromkeys(NAMES, 0)


def _walk(node: dict, tree: dict, flat: dict[str, int]) -> None:
    for key, value in node.items():
        want = tree.get(key)
        if want is None:
            continue
        if isinstance(want, str):
            if isinstance(value, (int, float)):
                flat[want] = int(value)
        elif isinstance(value, dict):
            _walk(value, want, flat)


def parse(task_metrics: dict | None) -> dict[str, int]:
    """The flat metrics of one TaskEnd's ``"Task Metrics"`` (zeros where absent). Walks the
    event's keys once against :data:`FIELDS` as a tree (a TaskEnd per task reaches the store:
    this runs on the listener thread for every task)."""
    flat = dict(_ZERO)
    if task_metrics:
        _walk(task_metrics, _TREE, flat)
    return flat


def add_into(total: dict[str, int], delta: dict[str, int]) -> None:
    for name in NAMES:
        total[name] += delta[name]


def shuffle_read_bytes(m: dict[str, int]) -> int:
    return m["shuffleLocalBytesRead"] + m["shuffleRemoteBytesRead"]


def stage_totals_api(m: dict[str, int]) -> dict[str, int]:
    """StageData's metric fields, in Spark's order."""
    out = {}
    for name in STAGE_ORDER:
        out[name] = shuffle_read_bytes(m) if name == "shuffleReadBytes" else m[name]
    return out


def task_metrics_api(m: dict[str, int]) -> dict:
    """A task's nested ``taskMetrics`` (Spark's v1.TaskMetrics)."""
    return {
        "executorDeserializeTime": m["executorDeserializeTime"],
        "executorDeserializeCpuTime": m["executorDeserializeCpuTime"],
        "executorRunTime": m["executorRunTime"],
        "executorCpuTime": m["executorCpuTime"],
        "resultSize": m["resultSize"],
        "jvmGcTime": m["jvmGcTime"],
        "resultSerializationTime": m["resultSerializationTime"],
        "memoryBytesSpilled": m["memoryBytesSpilled"],
        "diskBytesSpilled": m["diskBytesSpilled"],
        "peakExecutionMemory": m["peakExecutionMemory"],
        "inputMetrics": {"bytesRead": m["inputBytes"], "recordsRead": m["inputRecords"]},
        "outputMetrics": {"bytesWritten": m["outputBytes"],
                          "recordsWritten": m["outputRecords"]},
        "shuffleReadMetrics": {
            "remoteBlocksFetched": m["shuffleRemoteBlocksFetched"],
            "localBlocksFetched": m["shuffleLocalBlocksFetched"],
            "fetchWaitTime": m["shuffleFetchWaitTime"],
            "remoteBytesRead": m["shuffleRemoteBytesRead"],
            "remoteBytesReadToDisk": m["shuffleRemoteBytesReadToDisk"],
            "localBytesRead": m["shuffleLocalBytesRead"],
            "recordsRead": m["shuffleReadRecords"],
            "remoteReqsDuration": m["shuffleRemoteReqsDuration"],
            "shufflePushReadMetrics": {
                "corruptMergedBlockChunks": m["shuffleCorruptMergedBlockChunks"],
                "mergedFetchFallbackCount": m["shuffleMergedFetchFallbackCount"],
                "remoteMergedBlocksFetched": m["shuffleMergedRemoteBlocksFetched"],
                "localMergedBlocksFetched": m["shuffleMergedLocalBlocksFetched"],
                "remoteMergedChunksFetched": m["shuffleMergedRemoteChunksFetched"],
                "localMergedChunksFetched": m["shuffleMergedLocalChunksFetched"],
                "remoteMergedBytesRead": m["shuffleMergedRemoteBytesRead"],
                "localMergedBytesRead": m["shuffleMergedLocalBytesRead"],
                "remoteMergedReqsDuration": m["shuffleMergedRemoteReqsDuration"],
            },
        },
        "shuffleWriteMetrics": {"bytesWritten": m["shuffleWriteBytes"],
                                "writeTime": m["shuffleWriteTime"],
                                "recordsWritten": m["shuffleWriteRecords"]},
    }


def quantiles(values: Iterable[float], qs: Sequence[float]) -> list[float]:
    """Spark's rule: sorted values, index ``min(int(q * n), n - 1)``; floats as Spark's."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return [0.0 for _ in qs]
    return [float(ordered[min(int(q * n), n - 1)]) for q in qs]


def task_summary(tasks: Sequence[Any], qs: Sequence[float]) -> dict:
    """TaskMetricDistributions over ``tasks`` (each with ``.metrics``, ``.duration``,
    ``.scheduler_delay`` and ``.getting_result_time``)."""
    def q(values: Iterable[float]) -> list[float]:
        return quantiles(values, qs)

    def field(name: str) -> list[float]:
        return q(t.metrics[name] for t in tasks)

    return {
        "quantiles": [float(x) for x in qs],
        "duration": q(t.duration or 0 for t in tasks),
        "executorDeserializeTime": field("executorDeserializeTime"),
        "executorDeserializeCpuTime": field("executorDeserializeCpuTime"),
        "executorRunTime": field("executorRunTime"),
        "executorCpuTime": field("executorCpuTime"),
        "resultSize": field("resultSize"),
        "jvmGcTime": field("jvmGcTime"),
        "resultSerializationTime": field("resultSerializationTime"),
        "gettingResultTime": q(t.getting_result_time for t in tasks),
        "schedulerDelay": q(t.scheduler_delay for t in tasks),
        "peakExecutionMemory": field("peakExecutionMemory"),
        "memoryBytesSpilled": field("memoryBytesSpilled"),
        "diskBytesSpilled": field("diskBytesSpilled"),
        "inputMetrics": {"bytesRead": field("inputBytes"),
                         "recordsRead": field("inputRecords")},
        "outputMetrics": {"bytesWritten": field("outputBytes"),
                          "recordsWritten": field("outputRecords")},
        "shuffleReadMetrics": {
            "readBytes": q(shuffle_read_bytes(t.metrics) for t in tasks),
            "readRecords": field("shuffleReadRecords"),
            "remoteBlocksFetched": field("shuffleRemoteBlocksFetched"),
            "localBlocksFetched": field("shuffleLocalBlocksFetched"),
            "fetchWaitTime": field("shuffleFetchWaitTime"),
            "remoteBytesRead": field("shuffleRemoteBytesRead"),
            "remoteBytesReadToDisk": field("shuffleRemoteBytesReadToDisk"),
            "totalBlocksFetched": q(t.metrics["shuffleRemoteBlocksFetched"]
                                    + t.metrics["shuffleLocalBlocksFetched"] for t in tasks),
            "remoteReqsDuration": field("shuffleRemoteReqsDuration"),
            "shufflePushReadMetricsDist": {
                "corruptMergedBlockChunks": field("shuffleCorruptMergedBlockChunks"),
                "mergedFetchFallbackCount": field("shuffleMergedFetchFallbackCount"),
                "remoteMergedBlocksFetched": field("shuffleMergedRemoteBlocksFetched"),
                "localMergedBlocksFetched": field("shuffleMergedLocalBlocksFetched"),
                "remoteMergedChunksFetched": field("shuffleMergedRemoteChunksFetched"),
                "localMergedChunksFetched": field("shuffleMergedLocalChunksFetched"),
                "remoteMergedBytesRead": field("shuffleMergedRemoteBytesRead"),
                "localMergedBytesRead": field("shuffleMergedLocalBytesRead"),
                "remoteMergedReqsDuration": field("shuffleMergedRemoteReqsDuration"),
            },
        },
        "shuffleWriteMetrics": {"writeBytes": field("shuffleWriteBytes"),
                                "writeRecords": field("shuffleWriteRecords"),
                                "writeTime": field("shuffleWriteTime")},
    }
