"""Run one task on one partition, inside an executor process.

A task message names a *stage binary* (cloudpickled once per stage and cached by the
executor) holding either ``("result", node, func)`` — compute the partition of the lineage
node and return ``func(iterator)`` to the driver — or ``("shuffle", node, spec)`` — compute the
partition and write it as shuffle map output, returning a MapStatus (the driver chose the
node: the shuffle dependency's map input, e.g. its pre-combined counting map side). The
narrow transformations of the stage are already fused into ``node.compute``
(runtime.lineage.narrow.MapPartitions), so a task is one pass over one partition with no
intermediate materialisation.

The reply, a :class:`~runtime.protocol.executor.StatusUpdate`, carries: the encoded result
with its format tag ``result_format`` (pickle, or an Arrow IPC stream when ``func`` returned
a pyarrow Table/RecordBatch; see runtime/dataformat.py) or the MapStatus, accumulator values
of this task, the blocks whose place changed while it ran (``(rdd_id, split, memory
size, disk size)``: the ones it persisted, and any it evicted), and its
:class:`~runtime.protocol.executor.TaskCounters` (times, result size, input and output,
shuffle and spill counters). The task takes its memory from the executor's pool (the block store's manager,
sized by the launch message's ``memory_limit`` = spark.executor.memory x
spark.memory.fraction) and gives back whatever it still holds when it ends. A failure
replies with the exception packed by :func:`runtime.serde.pack_exception` (class +
traceback text).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from runtime import serde, task_env
from runtime.blockstore import BlockStore
from runtime.dataformat import encode_result
from runtime.memory import TaskMemory
from runtime.protocol.executor import LaunchTask, StatusUpdate, TaskCounters
from runtime.shuffle.spec import ShuffleMetrics
from runtime.shuffle.writer import write_map_output
from runtime.task_env import InputOutputMetrics


def task_metrics(m: ShuffleMetrics, io: InputOutputMetrics, run_ms: float,
                 deserialize_ms: float, result_size: int) -> dict:
    """The task's TaskCounters, as the dict a StatusUpdate carries."""
    return TaskCounters(
        executor_deserialize_time=round(deserialize_ms), executor_run_time=round(run_ms),
        result_size=result_size, memory_bytes_spilled=m.memory_bytes_spilled,
        disk_bytes_spilled=m.disk_bytes_spilled,
        input_bytes=io.bytes_read, input_records=io.records_read,
        output_bytes=io.bytes_written, output_records=io.records_written,
        shuffle_read_bytes=m.bytes_read, shuffle_records_read=m.records_read,
        shuffle_write_bytes=m.bytes_written, shuffle_records_written=m.records_written,
        spill_count=m.spill_count).as_dict()


def run_task(msg: LaunchTask, binary: tuple, executor_id: str, blocks: BlockStore,
             shuffle_dir: str, fetch: Any = None, send: Any = None,
             running: dict | None = None, deserialize_ms: float = 0.0) -> StatusUpdate:
    kind, rdd, arg = binary
    metrics = ShuffleMetrics()
    pool = blocks.manager
    if msg.memory_limit and msg.memory_limit != pool.total:
        pool.resize(msg.memory_limit)
    memory = TaskMemory(pool)
    tc = task_env.TaskContext(
        stage_id=msg.stage_id, partition_id=msg.partition, attempt_number=msg.attempt,
        task_attempt_id=msg.task_id, executor_id=executor_id, blocks=blocks,
        shuffle_locations=msg.locations or {}, shuffle_dir=shuffle_dir,
        memory=memory, metrics=metrics,
        local_properties=msg.props, fetch=fetch, send=send)
    if running is not None:
        running[msg.task_id] = tc
    registry = task_env.accumulator_registry
    for acc in registry.values():
        acc._reset_for_task()
    task_env.set_current(tc)
    start = time.perf_counter()
    reply = StatusUpdate(msg.task_id, False)
    try:
        it = tc.iterate(rdd, msg.partition)
        if kind == "result":
            reply.result, reply.result_format = encode_result(arg(it))
        else:
            reply.status = write_map_output(it, arg, msg.partition, executor_id,
                                            shuffle_dir, memory, metrics)
        for cb in tc.completion_callbacks:
            cb()
        reply.ok = True
        reply.accums = {aid: acc._task_value() for aid, acc in registry.items()
                        if acc._touched}
    except BaseException as e:  # noqa: BLE001 - everything goes back to the driver
        if isinstance(e, (KeyboardInterrupt, SystemExit)) and not isinstance(e, SystemExit):
            raise
        reply.ok = False
        reply.error = serde.pack_exception(e)
    finally:
        reply.blocks = blocks.drain_changes()
        memory.close()
        task_env.set_current(None)
        if running is not None:
            running.pop(msg.task_id, None)
        sys.stdout.flush()
        sys.stderr.flush()
    reply.duration = time.perf_counter() - start
    reply.metrics = task_metrics(metrics, tc.io, reply.duration * 1000, deserialize_ms,
                                 len(reply.result) if reply.result is not None else 0)
    return reply
