"""What the Streaming tab and ``/api/v1/.../streaming`` show: DStream batches and receivers.

Spark keeps this in ``StreamingJobProgressListener``, a live-only listener (streaming events
are not in the event log, so the history server has no Streaming tab); this is the same.
:class:`StreamingProgress` is fed plain dicts by the streaming side's listener adapter (the
runtime knows nothing of DStream objects):

    streaming_started(start_ms, batch_duration_ms)
    batch_submitted / batch_started / batch_completed(batch)   batch: {"batchTime": ms,
        "submissionTime": ms, "processingStartTime": ms | None, "processingEndTime": ms | None,
        "inputInfo": {stream id: records}, "outputOps": {op id: op}}
    output_op_started / output_op_completed(op)   op: {"batchTime", "id", "name",
        "description", "startTime", "endTime", "failureReason"}
    receiver_started / receiver_error / receiver_stopped(receiver)   receiver: {"streamId",
        "name", "active", "executorId", "location", "lastErrorMessage", "lastError"}

and the application's own listener events (:meth:`on_spark_event`): a job started by an
output operation carries the local properties ``spark.streaming.internal.batchTime`` and
``spark.streaming.internal.outputOpId``, which tie the job ids to the operation.

Memory is bounded as Spark's: ``spark.streaming.ui.retainedBatches`` (1000) completed
batches are kept (with their output operations and job ids); the totals (completed batches,
processed records) keep counting. Queries return the REST API's JSON shapes
(``StreamingStatistics``, ``ReceiverInfo``, ``BatchInfo``, ``OutputOperationInfo``); the
pages render from the same dicts.
"""

from __future__ import annotations

import collections
import threading

from runtime.status.dates import api_date

__all__ = ["BATCH_STATUSES", "StreamingProgress"]

BATCH_STATUSES = ("COMPLETED", "PROCESSING", "QUEUED")
DEFAULT_RETAINED_BATCHES = 1000
BATCH_TIME_PROPERTY = "spark.streaming.internal.batchTime"
OUTPUT_OP_PROPERTY = "spark.streaming.internal.outputOpId"


def _avg(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _avg_ms(values: list[int]) -> int | None:
    return sum(values) // len(values) if values else None


def _delay(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else max(0, b - a)


class StreamingProgress:
    """The live state of one StreamingContext (thread-safe, bounded)."""

    def __init__(self, app_name: str, retained_batches: int = DEFAULT_RETAINED_BATCHES):
        self.app_name = app_name
        self.retained = max(1, int(retained_batches))
        self._lock = threading.Lock()
        self.start_ms: int | None = None
        self.batch_duration_ms = 0
        self._waiting: dict[int, dict] = {}
        self._running: dict[int, dict] = {}
        self._completed: collections.deque[dict] = collections.deque(maxlen=self.retained)
        self._total_completed = 0
        self._total_received = 0
        self._total_processed = 0
        self._receivers: dict[int, dict] = {}
        self._receiver_errors: dict[int, int] = {}  # stream id -> time of the last error
        self._jobs: dict[tuple[int, int], list[int]] = {}  # (batch ms, op id) -> job ids

    # -- feeding -------------------------------------------------------------------------------
    def streaming_started(self, start_ms: int, batch_duration_ms: int) -> None:
        with self._lock:
            self.start_ms = int(start_ms)
            self.batch_duration_ms = int(batch_duration_ms)

    def batch_submitted(self, batch: dict) -> None:
        with self._lock:
            b = self._batch(batch)
            self._waiting[b["batchTime"]] = b
            self._total_received += sum(b["inputInfo"].values())

    def batch_started(self, batch: dict) -> None:
        with self._lock:
            b = self._batch(batch)
            self._waiting.pop(b["batchTime"], None)
            self._running[b["batchTime"]] = b

    def batch_completed(self, batch: dict) -> None:
        with self._lock:
            b = self._batch(batch)
            t = b["batchTime"]
            self._waiting.pop(t, None)
            self._running.pop(t, None)
            if len(self._completed) == self._completed.maxlen:
                old = self._completed[0]
                for op_id in old["outputOps"]:
                    self._jobs.pop((old["batchTime"], op_id), None)
            self._completed.append(b)
            self._total_completed += 1
            self._total_processed += sum(b["inputInfo"].values())

    def output_op_started(self, op: dict) -> None:
        self._output_op(op)

    def output_op_completed(self, op: dict) -> None:
        self._output_op(op)

    def receiver_started(self, receiver: dict) -> None:
        self._receiver(receiver)

    def receiver_error(self, receiver: dict, time_ms: int) -> None:
        self._receiver(receiver)
        with self._lock:
            self._receiver_errors[int(receiver["streamId"])] = int(time_ms)

    def receiver_stopped(self, receiver: dict) -> None:
        self._receiver(receiver)

    def on_spark_event(self, event: dict) -> None:
        """Tie a job started by an output operation to that operation."""
        if event.get("Event") != "SparkListenerJobStart":
            return
        props = event.get("Properties") or {}
        t, op = props.get(BATCH_TIME_PROPERTY), props.get(OUTPUT_OP_PROPERTY)
        if t is None or op is None:
            return
        try:
            key = (int(t), int(op))
        except ValueError:
            return
        with self._lock:
            self._jobs.setdefault(key, []).append(int(event.get("Job ID", -1)))

    def _batch(self, batch: dict) -> dict:
        t = int(batch["batchTime"])
        known = self._running.get(t) or self._waiting.get(t) or {}
        ops = dict(known.get("outputOps") or {})
        ops.update({int(k): dict(v) for k, v in (batch.get("outputOps") or {}).items()})
        return {"batchTime": t, "submissionTime": batch.get("submissionTime"),
                "processingStartTime": batch.get("processingStartTime"),
                "processingEndTime": batch.get("processingEndTime"),
                "inputInfo": {int(k): int(v) for k, v in
                              (batch.get("inputInfo") or {}).items()},
                "outputOps": ops}

    def _output_op(self, op: dict) -> None:
        with self._lock:
            t = int(op["batchTime"])
            b = self._running.get(t) or self._waiting.get(t)
            if b is not None:
                b["outputOps"][int(op["id"])] = dict(op)

    def _receiver(self, receiver: dict) -> None:
        with self._lock:
            self._receivers[int(receiver["streamId"])] = dict(receiver)

    # -- queries (the REST API's shapes) -------------------------------------------------------
    def statistics(self) -> dict:
        with self._lock:
            done = list(self._completed)
            receivers = list(self._receivers.values())
            secs = self.batch_duration_ms / 1000.0
            active = sum(1 for r in receivers if r.get("active"))
            return {
                "startTime": api_date(self.start_ms or 0),
                "batchDuration": self.batch_duration_ms,
                "numReceivers": len(receivers),
                "numActiveReceivers": active,
                "numInactiveReceivers": len(receivers) - active,
                "numTotalCompletedBatches": self._total_completed,
                "numRetainedCompletedBatches": len(done),
                "numActiveBatches": len(self._waiting) + len(self._running),
                "numProcessedRecords": self._total_processed,
                "numReceivedRecords": self._total_received,
                "avgInputRate": _avg([sum(b["inputInfo"].values()) / secs for b in done])
                if secs else None,
                "avgSchedulingDelay": _avg_ms(self._values(done, "schedulingDelay")),
                "avgProcessingTime": _avg_ms(self._values(done, "processingTime")),
                "avgTotalDelay": _avg_ms(self._values(done, "totalDelay")),
            }

    def receivers(self) -> list[dict]:
        with self._lock:
            done = list(self._completed)
            out = []
            for sid in sorted(self._receivers):
                r = self._receivers[sid]
                rates = self._event_rates(done, sid)
                err_time = self._receiver_errors.get(sid)
                out.append({
                    "streamId": sid, "streamName": r.get("name", f"stream-{sid}"),
                    "isActive": bool(r.get("active")), "executorId": r.get("executorId"),
                    "executorHost": r.get("location"),
                    "lastErrorTime": api_date(err_time) if err_time is not None else None,
                    "lastErrorMessage": r.get("lastErrorMessage") or None,
                    "lastError": r.get("lastError") or None,
                    "avgEventRate": _avg([rate for _t, rate in rates]),
                    "eventRates": [[t, rate] for t, rate in rates],
                })
            return out

    def receiver(self, stream_id: int) -> dict | None:
        return next((r for r in self.receivers() if r["streamId"] == stream_id), None)

    def batches(self, statuses: list[str] | None = None) -> list[dict]:
        wanted = set(statuses or BATCH_STATUSES)
        with self._lock:
            rows = [(b, "QUEUED") for b in self._waiting.values()] + \
                [(b, "PROCESSING") for b in self._running.values()] + \
                [(b, "COMPLETED") for b in self._completed]
            out = [self._batch_info(b, s) for b, s in rows if s in wanted]
        return sorted(out, key=lambda b: -b["batchId"])

    def batch(self, batch_id: int) -> dict | None:
        return next((b for b in self.batches() if b["batchId"] == batch_id), None)

    def operations(self, batch_id: int) -> list[dict] | None:
        with self._lock:
            b = self._find(batch_id)
            if b is None:
                return None
            return [self._op_info(b["batchTime"], op_id, op)
                    for op_id, op in sorted(b["outputOps"].items())]

    def charts(self) -> list[dict]:
        """Per completed batch: time, input rate (records/s) and the three delays (ms)."""
        with self._lock:
            secs = self.batch_duration_ms / 1000.0 or 1.0
            return [{"batchTime": b["batchTime"],
                     "inputRate": sum(b["inputInfo"].values()) / secs,
                     "schedulingDelay": self._delays(b)[0],
                     "processingTime": self._delays(b)[1],
                     "totalDelay": self._delays(b)[2]} for b in self._completed]

    # -- helpers (under the lock) --------------------------------------------------------------
    def _find(self, batch_id: int) -> dict | None:
        b = self._waiting.get(batch_id) or self._running.get(batch_id)
        return b or next((c for c in self._completed if c["batchTime"] == batch_id), None)

    @staticmethod
    def _delays(b: dict) -> tuple[int | None, int | None, int | None]:
        sub, start, end = (b["submissionTime"], b["processingStartTime"],
                           b["processingEndTime"])
        return _delay(sub, start), _delay(start, end), _delay(sub, end)

    def _values(self, done: list[dict], which: str) -> list[int]:
        index = {"schedulingDelay": 0, "processingTime": 1, "totalDelay": 2}[which]
        return [v for v in (self._delays(b)[index] for b in done) if v is not None]

    def _event_rates(self, done: list[dict], sid: int) -> list[tuple[int, float]]:
        secs = self.batch_duration_ms / 1000.0 or 1.0
        return [(b["batchTime"], b["inputInfo"].get(sid, 0) / secs) for b in done]

    def _batch_info(self, b: dict, status: str) -> dict:
        ops = b["outputOps"].values()
        failures = [op.get("failureReason") for op in ops if op.get("failureReason")]
        sched, proc, total = self._delays(b)
        return {
            "batchId": b["batchTime"], "batchTime": api_date(b["batchTime"]),
            "status": status, "batchDuration": self.batch_duration_ms,
            "inputSize": sum(b["inputInfo"].values()),
            "schedulingDelay": sched, "processingTime": proc, "totalDelay": total,
            "numActiveOutputOps": sum(1 for op in ops if op.get("startTime") is not None
                                      and op.get("endTime") is None),
            "numCompletedOutputOps": sum(1 for op in ops if op.get("endTime") is not None
                                         and not op.get("failureReason")),
            "numFailedOutputOps": len(failures),
            "numTotalOutputOps": len(b["outputOps"]),
            "firstFailureReason": failures[0] if failures else None,
        }

    def _op_info(self, batch_time: int, op_id: int, op: dict) -> dict:
        start, end = op.get("startTime"), op.get("endTime")
        return {"outputOpId": op_id, "name": op.get("name", ""),
                "description": op.get("description", op.get("name", "")),
                "startTime": api_date(start) if start is not None else None,
                "endTime": api_date(end) if end is not None else None,
                "duration": _delay(start, end),
                "failureReason": op.get("failureReason"),
                "jobIds": sorted(self._jobs.get((batch_time, op_id), []))}

    def retained_sizes(self) -> dict[str, int]:
        """How much is held (for the bounded-memory test)."""
        with self._lock:
            return {"completed": len(self._completed), "jobs": len(self._jobs),
                    "waiting": len(self._waiting), "running": len(self._running)}

    def __repr__(self) -> str:
        return (f"StreamingProgress({self.app_name!r}, completed={self._total_completed}, "
                f"retained={len(self._completed)})")
