"""Run one task on one partition, inside an executor process.

A task message names a *stage binary* (cloudpickled once per stage and cached by the
executor) holding either ``("result", rdd, func)`` — compute the partition and return
``func(iterator)`` to the driver — or ``("shuffle", rdd, spec)`` — compute the partition and
write it as shuffle map output, returning a MapStatus. The narrow transformations of the
stage are already fused into ``rdd.compute`` (PipelinedRDD), so a task is one pass over one
partition with no intermediate materialisation.

The reply carries: the pickled result (or MapStatus), accumulator values of this task, the
(rdd_id, split) blocks it persisted, and shuffle/spill metrics. A failure replies with the
exception packed by :func:`runtime.serde.pack_exception` (class + traceback text).
"""

from __future__ import annotations

import pickle
import sys
import time
from typing import Any

from runtime import serde, task_env
from runtime.shuffle.spec import ShuffleMetrics


def metrics_dict(m: ShuffleMetrics) -> dict:
    return {k: getattr(m, k) for k in ("records_written", "bytes_written", "records_read",
                                       "memory_bytes_spilled", "disk_bytes_spilled",
                                       "spill_count")}


def run_task(msg: dict, binary: tuple, executor_id: str, blocks: task_env.BlockStore,
             shuffle_dir: str, fetch: Any = None, send: Any = None,
             running: dict | None = None) -> dict:
    kind, rdd, arg = binary
    metrics = ShuffleMetrics()
    tc = task_env.TaskContext(
        stage_id=msg["stage_id"], partition_id=msg["partition"], attempt_number=msg["attempt"],
        task_attempt_id=msg["task_id"], executor_id=executor_id, blocks=blocks,
        shuffle_locations=msg.get("locations") or {}, shuffle_dir=shuffle_dir,
        memory_limit=msg["memory_limit"], metrics=metrics,
        local_properties=msg.get("props"), fetch=fetch, send=send)
    if running is not None:
        running[msg["task_id"]] = tc
    registry = task_env.accumulator_registry
    for acc in registry.values():
        acc._reset_for_task()
    task_env.set_current(tc)
    start = time.perf_counter()
    reply: dict = {"op": "status", "task_id": msg["task_id"]}
    try:
        fast = getattr(rdd, "combine_locally", None) if kind == "shuffle" else None
        it = fast(msg["partition"], tc, arg) if fast is not None else None
        if it is None:
            it = tc.iterate(rdd, msg["partition"])
        if kind == "result":
            value = arg(it)
            try:
                data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            except Exception:
                data = serde.dumps_closure(value)
            reply["result"] = data
        else:
            from runtime.shuffle.writer import write_map_output

            reply["status"] = write_map_output(it, arg, msg["partition"], executor_id,
                                               shuffle_dir, msg["memory_limit"], metrics)
        for cb in tc.completion_callbacks:
            cb()
        reply["ok"] = True
        reply["accums"] = {aid: acc._task_value() for aid, acc in registry.items()
                           if acc._touched}
        reply["blocks"] = tc.new_blocks
    except BaseException as e:  # noqa: BLE001 - everything goes back to the driver
        if isinstance(e, (KeyboardInterrupt, SystemExit)) and not isinstance(e, SystemExit):
            raise
        reply["ok"] = False
        reply["error"] = serde.pack_exception(e)
        reply["blocks"] = tc.new_blocks
    finally:
        task_env.set_current(None)
        if running is not None:
            running.pop(msg["task_id"], None)
        sys.stdout.flush()
        sys.stderr.flush()
    reply["metrics"] = metrics_dict(metrics)
    reply["duration"] = time.perf_counter() - start
    return reply
