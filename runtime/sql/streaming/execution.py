"""The micro-batch loop: one thread per streaming query, in the driver.

:class:`MicroBatchExecution` runs a resolved streaming plan (StreamingRelation leaves) into a
sink. Its thread, per trigger:

1. asks each source for its latest offset; when nothing is new (and no watermark moved),
   the trigger is idle (listeners hear ``idle``);
2. writes ``offsets/N`` (the offsets, the batch's watermark and timestamp, the settings
   that shape state: spark.sql.shuffle.partitions = the number of state partitions);
3. runs the plan over the new rows only: each StreamingRelation becomes its source's leaf
   for ``(committed, latest]``, each stateful operator (a streaming aggregation,
   aggregation.py, or of session windows, session_aggregation.py; a deduplication, dedup.py; a stream-stream join, join.py) becomes the rows it emits this batch, and
   the rest of the plan runs as stages on the runtime like any batch query; the sink takes
   the result (sinks.py);
4. writes ``commits/N`` with the next watermark, lets sources drop committed rows, and
   records the progress (Spark's StreamingQueryProgress fields; ``observedMetrics``: each
   ``df.observe(name, ...)`` in the plan, its metrics over this batch's rows, computed in the
   batch's own job; one below a stateful operator is not computed).

A watermark advance after a batch with stateful operators runs one more batch at once with
no new data (Spark's no-data batch), so append mode emits the windows the watermark passed.

Triggers: ``default`` (next batch as soon as the last ends; polls sources every 10 ms when
idle), ``processingTime`` (batches start on multiples of the interval), ``once`` and
``availableNow`` (what is available at start, then stop; availableNow in several batches
respecting maxFilesPerTrigger). The clock and the wait are injected (``clock``, ``sleep``)
so tests can drive triggers by hand.

Restart: with a checkpoint holding offsets up to N and commits up to M, batch N is run
again with its recorded offsets when M < N (sinks are idempotent per batch id), then the
loop continues with N + 1; the state store loads version N (or M + 1).

State fields: ``status`` (message, isDataAvailable, isTriggerActive), ``progress`` (recent
progress dicts, at most 100), ``exception`` (the error that stopped the query),
``committed`` (per source, the last committed offset), ``batch_id`` (the last batch run),
``watermark_ms``; ``_lock``/``_cond`` guard them and wake processAllAvailable and
awaitTermination.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import tempfile
import threading
import time
import uuid
import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, StreamingQueryException
from runtime.sql.execution.aggregate import HashAggregateExec
from runtime.sql.execution.sessions import session_grouping
from runtime.sql.expressions.base import Alias, AttributeReference, UnresolvedFunction
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.plan import logical as L
from runtime.sql.streaming.aggregation import StatefulAggregate
from runtime.sql.streaming.checkpoint import Checkpoint
from runtime.sql.streaming.dedup import StatefulDeduplicate
from runtime.sql.streaming.join import StatefulStreamJoin
from runtime.sql.streaming.session_aggregation import StatefulSessionAggregate
from runtime.sql.streaming.relation import (
    EventTimeWatermark, StreamingRelation, find, is_streaming, substitute)
from runtime.sql.streaming.sinks import BatchData, Sink, run_per_partition
from runtime.sql.streaming.state_schema import check_state_schema, schema_check_enabled
from runtime.sql.streaming.state_store import StateStoreConf

__all__ = ["MicroBatchExecution", "QueryStatus", "Trigger"]


@dataclass(frozen=True)
class Trigger:
    kind: str = "default"  # default | processingTime | once | availableNow
    interval_ms: int = 0


class QueryStatus(enum.Enum):
    INITIALIZING = "INITIALIZING"
    ACTIVE = "ACTIVE"
    TERMINATED = "TERMINATED"


def _iso(ms: float) -> str:
    return dt.datetime.fromtimestamp(ms / 1000.0, dt.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.") + f"{int(ms) % 1000:03d}Z"


class MicroBatchExecution:
    def __init__(self, session_state: Any, plan: L.LogicalPlan, sink: Sink, mode: str,
                 trigger: Trigger, checkpoint: Checkpoint, name: str | None,
                 listener: Callable[[str, Any], None], state_partitions: int,
                 clock: Callable[[], float] = time.time, stateful_dir: bool = True):
        self.state = session_state
        self.plan = plan
        self.sink = sink
        self.mode = mode
        self.trigger = trigger
        self.checkpoint = checkpoint
        self.name = name
        self.listener = listener
        self.clock = clock
        self.id = checkpoint.query_id()
        self.run_id = str(uuid.uuid4())
        rels: list[StreamingRelation] = []
        for r in find(plan, StreamingRelation):
            if all(r.source is not s.source for s in rels):
                rels.append(r)
        self.relations = rels
        self._index = {id(r.source): i for i, r in enumerate(rels)}
        self.sources = [r.source.fresh() for r in rels]
        for i, s in enumerate(self.sources):
            if hasattr(s, "attach"):
                s.attach(checkpoint.source_dir(i))
        self.watermarks = find(plan, EventTimeWatermark)
        self.state_partitions = state_partitions
        self.operators = _stateful_operators(
            plan, self.watermarks,
            checkpoint.state_dir if stateful_dir else _temporary_dirs(),
            state_partitions, StateStoreConf.from_conf(session_state.conf))
        self._by_node = {id(op.node): op for op in self.operators}
        self.status = {"message": "Initializing sources", "isDataAvailable": False,
                       "isTriggerActive": False}
        self.progress: list[dict] = []
        self.exception: StreamingQueryException | None = None
        self.committed: list[Any] = [None] * len(self.sources)
        self.available: list[Any] = [None] * len(self.sources)
        self.batch_id = -1
        self.watermark_ms = 0
        self._input_watermarks: dict[int, int] = {}  # per watermark node, once it saw rows
        self.lifecycle = QueryStatus.INITIALIZING
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"stream execution thread for {self.name or ''} "
                                             f"[id = {self.id}, runId = {self.run_id}]")
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)

    @property
    def is_active(self) -> bool:
        return self.lifecycle is not QueryStatus.TERMINATED

    def await_termination(self, timeout: float | None) -> bool:
        with self._cond:
            done = self._cond.wait_for(lambda: not self.is_active, timeout)
        if self.exception is not None:
            raise self.exception
        return done

    def process_all_available(self) -> None:
        """Wait until every offset available now is committed (or the query stopped)."""
        with self._cond:
            self._calls += 1
            gen = self._calls
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self.is_active or self._idle_gen >= gen)
        if self.exception is not None:
            raise self.exception

    # -- the loop ---------------------------------------------------------------------------------
    _calls = 0  # processAllAvailable calls so far (a generation number)
    _idle_gen = 0  # the generation the loop had seen when it last found no new data
    _idle_posted = False

    def _run(self) -> None:
        try:
            self.listener("started", self)
            self._recover()
            with self._cond:
                self.lifecycle = QueryStatus.ACTIVE
                self._cond.notify_all()
            while not self._stop.is_set():
                started = self.clock()
                ran = self._trigger_once()
                if self.trigger.kind in ("once", "availableNow") and not ran:
                    break
                if self.trigger.kind == "once":
                    break
                if self.trigger.kind == "processingTime":
                    period = self.trigger.interval_ms / 1000.0
                    elapsed = self.clock() - started
                    wait = period - elapsed if elapsed < period else 0
                    if wait > 0:
                        self._wait(wait)
                elif not ran:
                    self._wait(0.01)
        except BaseException as e:  # noqa: BLE001 - the query's failure is reported
            self.exception = StreamingQueryException(
                f"[STREAM_FAILED] Query [id = {self.id}, runId = {self.run_id}] terminated "
                f"with exception: {_cause_text(e)} SQLSTATE: XXKST",
                errorClass="STREAM_FAILED", cause=e)
        finally:
            for s in self.sources:
                try:
                    s.stop()
                except Exception:  # noqa: BLE001
                    pass
            runner = self._runner_or_none()
            for op in self.operators:
                op.unload(runner)
            with self._cond:
                self.lifecycle = QueryStatus.TERMINATED
                self.status = {"message": "Stopped", "isDataAvailable": False,
                               "isTriggerActive": False}
                self._cond.notify_all()
            self.listener("terminated", self)

    def _runner_or_none(self) -> Any:
        try:
            return self.state.runner()
        except Exception:  # noqa: BLE001 - the context is gone: nothing left to unload
            return None

    def _wait(self, seconds: float) -> None:
        with self._cond:
            if not self._stop.is_set() and self._idle_gen >= self._calls:
                self._cond.wait(seconds)

    def _recover(self) -> None:
        for op in self.operators:
            check_state_schema(op.state_dir, op.recorded_schema(), op.key_count,
                               schema_check_enabled(self.state.conf))
        last = self.checkpoint.latest_offsets()
        if last is None:
            return
        batch_id, meta, offsets = last
        conf = meta.get("conf", {})
        recorded = conf.get("spark.sql.shuffle.partitions")
        if recorded is not None and self.operators:
            self.state_partitions = int(recorded)
            for op in self.operators:
                op.num_partitions = int(recorded)
        if len(offsets) != len(self.sources):
            raise AssertionError(
                f"assertion failed: There are [{len(offsets)}] sources in the checkpoint "
                f"offsets and now there are [{len(self.sources)}] sources requested by the "
                "query. Cannot continue.")
        commit = self.checkpoint.latest_commit()
        committed_id = commit[0] if commit else -1
        self.watermark_ms = int(meta.get("batchWatermarkMs", 0))
        if committed_id >= batch_id:  # everything committed: continue after it
            self.committed = list(offsets)
            self.batch_id = batch_id
            self.watermark_ms = int(commit[1].get("nextBatchWatermarkMs", self.watermark_ms)) \
                if commit else self.watermark_ms
            for op in self.operators:
                op.load(batch_id + 1)
            return
        start = self.checkpoint.offsets(batch_id - 1)[1] if batch_id > 0 else \
            [None] * len(self.sources)
        for op in self.operators:
            op.load(batch_id)
        self.committed = list(start)
        for i, s in enumerate(self.sources):  # the replayed range must be available again
            if offsets[i] is not None and hasattr(s, "ensure"):
                s.ensure(offsets[i])
        self._run_batch(batch_id, list(start), list(offsets), self.watermark_ms, meta)

    def _trigger_once(self) -> bool:
        """Run one batch if there is new data (or a watermark to apply); True if one ran."""
        with self._cond:
            self.status = dict(self.status, message="Getting offsets from sources",
                               isTriggerActive=True)
            gen = self._calls
        t_begin = self.clock()
        latest = [s.latest_offset() for s in self.sources]
        t_latest = self.clock()
        new = [lat is not None and lat != c for lat, c in zip(latest, self.committed)]
        if not any(new):
            with self._cond:
                self.status = {"message": "Waiting for data to arrive", "isDataAvailable": False,
                               "isTriggerActive": False}
                self._idle_gen = gen
                self._cond.notify_all()
            if not self._idle_posted:
                self._idle_posted = True
                self.listener("idle", self)
            return False
        self._idle_posted = False
        with self._cond:
            self.status = dict(self.status, isDataAvailable=True)
        batch_id = self.batch_id + 1
        meta = {"batchWatermarkMs": self.watermark_ms,
                "batchTimestampMs": int(self.clock() * 1000),
                "conf": {"spark.sql.shuffle.partitions": str(self.state_partitions),
                         "spark.sql.streaming.stateStore.providerClass":
                             "org.apache.spark.sql.execution.streaming.state."
                             "HDFSBackedStateStoreProvider"}}
        self.checkpoint.write_offsets(batch_id, meta, latest)
        self._run_batch(batch_id, list(self.committed), latest, self.watermark_ms, meta,
                        (t_begin, t_latest - t_begin, self.clock() - t_latest))
        return True

    def _run_batch(self, batch_id: int, start: list, end: list, watermark_ms: int,
                   meta: dict, before: tuple = ()) -> None:
        """``before``: (when the trigger began, seconds asking the sources for their
        offsets, seconds writing the offset log), as the trigger measured them."""
        t0 = self.clock()
        t_begin, latest_s, wal_s = before or (t0, 0.0, 0.0)
        with self._cond:
            self.status = {"message": "Processing new data", "isDataAvailable": True,
                           "isTriggerActive": True}
        parts = max(1, self.state.default_parallelism())
        index = self._index
        input_rows = [0] * len(self.sources)
        for i, s in enumerate(self.sources):
            if end[i] is not None and end[i] != start[i]:
                n = s.num_rows(start[i], end[i])
                input_rows[i] = n if n is not None else 0

        def leaf_for(rel: StreamingRelation) -> L.LogicalPlan:
            i = index[id(rel.source)]
            if end[i] is None or end[i] == start[i]:
                return L.LocalRelation(rel.attrs, ())
            return self.sources[i].batch(start[i], end[i], rel.attrs, parts)

        t_plan = self.clock()
        ectx = EvalContext(self.state.flag("spark.sql.ansi.enabled"),
                           self.state.conf("spark.sql.session.timeZone"), 0)
        runner = self.state.runner()
        max_event = self._max_event_times(leaf_for, runner) if self.watermarks else []

        stateful = [0.0]  # seconds the stateful operators ran (execution, not planning)
        observed: dict = {}  # df.observe(name, ...)'s metrics of this batch: progress

        def replace(node: L.LogicalPlan) -> L.LogicalPlan | None:
            if isinstance(node, L.CollectMetrics):  # its metrics go to this batch's progress
                return dataclasses.replace(
                    node, publish=lambda row, name=node.name: observed.setdefault(name, row),
                    children=(substitute(node.child, leaf_for, replace),))
            op = self._by_node.get(id(node))
            if op is not None:
                kids = [substitute(c, leaf_for, replace) for c in node.children]
                child = op.input_plan(kids) if isinstance(op, StatefulStreamJoin) else kids[0]
                phys = self.state.execution(child).physical
                started = self.clock()
                out = op.run(phys, runner, self.mode, watermark_ms, ectx)
                stateful[0] += self.clock() - started
                return out
            return None

        batch_plan = substitute(self.plan, leaf_for, replace)
        t_add = self.clock()
        execution = self.state.execution(batch_plan)
        schema_fields = batch_plan.output
        from_attrs = _schema(schema_fields)
        if observed_in(batch_plan):  # one SQL execution, which computes the metrics
            per_partition: Callable = lambda f: execution.map_partitions(  # noqa: E731
                lambda split, batches, io: f(split, batches))
        else:
            per_partition = lambda f: run_per_partition(  # noqa: E731
                self.state.runner(), execution.physical, f)
        data = BatchData(batch_plan, from_attrs, execution.partitions, per_partition)
        self.sink.add_batch(batch_id, data)
        t_commit = self.clock()
        for i, (w, mx) in enumerate(zip(self.watermarks, max_event)):
            if mx is not None:  # each input's own watermark only moves forward
                seen = self._input_watermarks.get(i)
                self._input_watermarks[i] = mx - w.delay_ms if seen is None \
                    else max(seen, mx - w.delay_ms)
        # the query's: the slowest input's (Spark's default multipleWatermarkPolicy, min)
        next_wm = max(watermark_ms, min(self._input_watermarks.values())) \
            if self._input_watermarks else watermark_ms
        self.checkpoint.write_commit(batch_id, next_wm)
        for s, e in zip(self.sources, end):
            if e is not None:
                s.commit(e)
        t_end = self.clock()
        with self._cond:
            self.committed = list(end)
            self.batch_id = batch_id
            self.watermark_ms = next_wm
        self._record_progress(batch_id, start, end, input_rows, data, watermark_ms, max_event,
                              {"addBatch": t_commit - t_add + stateful[0],
                               "queryPlanning": max(0.0, t_add - t_plan - stateful[0]),
                               "latestOffset": latest_s, "getBatch": t_plan - t0,
                               "commitOffsets": t_end - t_commit,
                               "triggerExecution": t_end - t_begin, "walCommit": wal_s}, t0,
                              observed)
        if next_wm != watermark_ms and not self._stop.is_set() and \
                any(op.runs_no_data_batch(self.mode) for op in self.operators):
            nb = batch_id + 1
            meta2 = dict(meta, batchWatermarkMs=next_wm,
                         batchTimestampMs=int(self.clock() * 1000))
            self.checkpoint.write_offsets(nb, meta2, list(end))
            self._run_batch(nb, list(end), list(end), next_wm, meta2)
        with self._cond:
            self._cond.notify_all()

    def _max_event_times(self, leaf_for: Callable, runner: Any) -> list:
        """Per watermark operator, the latest event time (ms) in this batch's rows."""
        import pyarrow.compute as pc

        out = []
        for w in self.watermarks:
            child = substitute(w.child, leaf_for)
            phys = self.state.execution(child).physical
            call = self.state.analyzer_exprs().resolve(
                UnresolvedFunction("max", (w.event_time,)), [w.event_time])
            alias = Alias((call,), "max")
            agg = HashAggregateExec([], [alias], (phys,), "partial")
            vals = [b.column(0) for p in runner.partitions(agg) for b in p if b.num_rows]
            best = None
            for v in vals:
                m = pc.max(v.cast("int64")).as_py()
                if m is not None:
                    best = m if best is None else max(best, m)
            out.append(best // 1000 if best is not None else None)
        return out

    # -- progress -------------------------------------------------------------------------------
    def _record_progress(self, batch_id: int, start: list, end: list, input_rows: list,
                         data: BatchData, watermark_ms: int, max_event: list,
                         durations: dict, t0: float, observed: dict | None = None) -> None:
        total = sum(input_rows)
        secs = max(durations["triggerExecution"], 1e-9)
        prev = self.progress[-1] if self.progress else None
        since = (t0 - prev["_t0"]) if prev else None
        in_rate = total / since if since else 0.0
        progress: dict[str, Any] = {
            "id": self.id, "runId": self.run_id, "name": self.name,
            "timestamp": _iso(t0 * 1000), "batchId": batch_id,
            "batchDuration": int(durations["triggerExecution"] * 1000),
            "numInputRows": total, "inputRowsPerSecond": in_rate,
            "processedRowsPerSecond": total / secs,
            "durationMs": {k: int(v * 1000) for k, v in durations.items()},
        }
        if self.watermarks:
            ev = {}
            known = [m for m in max_event if m is not None]
            if known:
                ev["max"] = _iso(max(known))
            ev["watermark"] = _iso(watermark_ms)
            progress["eventTime"] = ev
        progress["stateOperators"] = []
        for op in self.operators:
            m = op.metrics
            progress["stateOperators"].append({
                "operatorName": op.operator_name, "numRowsTotal": m.get("numRowsTotal", 0),
                "numRowsUpdated": m.get("numRowsUpdated", 0),
                "numRowsRemoved": m.get("numRowsRemoved", 0),
                "numRowsDroppedByWatermark": m.get("numRowsDroppedByWatermark", 0),
                "numShufflePartitions": m.get("numShufflePartitions", 0),
                "numStateStoreInstances": m.get("numStateStoreInstances", 0)})
        progress["sources"] = [{
            "description": s.description(), "startOffset": start[i], "endOffset": end[i],
            "latestOffset": end[i], "numInputRows": input_rows[i],
            "inputRowsPerSecond": input_rows[i] / since if since else 0.0,
            "processedRowsPerSecond": input_rows[i] / secs} for i, s in enumerate(self.sources)]
        progress["sink"] = {"description": self.sink.description(),
                            "numOutputRows": data.num_rows() if data._parts is not None else -1}
        if observed:  # Spark's JSON leaves an empty map out
            progress["observedMetrics"] = dict(observed)
        progress["_t0"] = t0
        with self._cond:
            self.progress.append(progress)
            del self.progress[:-100]
        self.listener("progress", self)


def observed_in(plan: L.LogicalPlan) -> bool:
    """``plan`` holds a ``df.observe(...)`` (a CollectMetrics node)."""
    return isinstance(plan, L.CollectMetrics) or any(observed_in(c) for c in plan.children)


def _temporary_dirs() -> Callable[[int], str]:
    """State directories of a query without a checkpoint (one temporary root)."""
    root = tempfile.mkdtemp(prefix="state-")
    return lambda op: os.path.join(root, str(op))


def _stateful_operators(plan: L.LogicalPlan, watermarks: list,
                        state_dir: Callable[[int], str], parts: int,
                        conf: StateStoreConf) -> list:
    """The plan's stateful operators, top-down (Spark numbers them so: the top one is 0),
    each with its state under ``state/<id>/``."""
    ops: list = []

    def visit(node: L.LogicalPlan) -> None:
        streaming = is_streaming(node)
        op_id = len(ops)
        if streaming and isinstance(node, L.Aggregate):
            ids = {w.event_time.expr_id for w in watermarks}
            kind = StatefulSessionAggregate if session_grouping(list(node.groupings)) \
                is not None else StatefulAggregate
            ops.append(kind(op_id, node, ids, state_dir(op_id), parts, conf))
        elif streaming and isinstance(node, (L.Deduplicate, L.Distinct)):
            ops.append(StatefulDeduplicate(op_id, node, watermarks, state_dir(op_id), parts,
                                           conf))
        elif isinstance(node, L.Join) and is_streaming(node.left) and \
                is_streaming(node.right):
            ops.append(StatefulStreamJoin(op_id, node, watermarks, state_dir(op_id), parts,
                                          conf))
        for c in node.children:
            visit(c)

    visit(plan)
    return ops


def _cause_text(e: BaseException) -> str:
    """Spark's text of a query's failure: an error class's message or an assertion as it
    is, other exceptions with their class name."""
    text = str(e)
    if getattr(e, "_errorClass", None) or text.startswith("assertion failed:"):
        return text  # (an error class's own SQLSTATE stays: Spark prints both)
    return f"{type(e).__name__}: {text}"


def _schema(attrs: list[AttributeReference]) -> T.StructType:
    return T.StructType([T.StructField(a.name, a.dtype, a.nullable) for a in attrs])
