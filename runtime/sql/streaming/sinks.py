"""Streaming sinks: where each micro-batch's result goes.

A sink gets ``add_batch(batch_id, data)`` once per batch (again, with the same batch id,
when a restarted query replays a batch that had no commit entry), where ``data`` is a
:class:`BatchData`: the batch's resolved plan, its schema, and its result partitions
(computed on first use). Sinks here: ``console`` (Spark's ``Batch: N`` header and the
``show()`` table of the first ``numRows`` rows), ``memory`` (all rows kept in the driver,
served as a temporary view named by queryName), and files (csv, json, text, parquet, with
partitionBy) with the ``_spark_metadata`` log that makes file output exactly once (batch
readers read only the files it lists: runtime/sql/io/sink_log.py): batch N's
files are written under a staging directory, moved into place, and listed in
``_spark_metadata/N``; a batch whose log entry exists is skipped, and a replayed batch first
removes the files an interrupted attempt left behind (their names carry the batch's token).
The foreach and foreachBatch sinks, which call user code with DataFrames, are in the API
package.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from typing import Any, Callable

from runtime.lineage.narrow import MapPartitions
from runtime.sql import types as T
from runtime.sql.arrow_types import batch_to_rows, to_arrow_schema
from runtime.sql.execution.lineage_runner import LineageRunner
from runtime.sql.formatting.show import show_string
from runtime.sql.io.writer import _write_all
from runtime.sql.local_data import attributes_for
from runtime.sql.plan.logical import LocalRelation
from runtime.sql.streaming.checkpoint import read_log, write_log

__all__ = ["BatchData", "ConsoleSink", "FileSink", "MemorySink", "NoopSink", "Sink",
           "run_per_partition"]


class BatchData:
    def __init__(self, plan: Any, schema: T.StructType, compute: Callable[[], list],
                 per_partition: Callable[[Callable], None] | None = None):
        self.plan = plan
        self.schema = schema
        self._compute = compute
        self._parts: list | None = None
        self._per_partition = per_partition

    def foreach_partition(self, func: Callable[[int, Any], None]) -> None:
        """``func(partition id, iterator of record batches)`` per partition of the batch's
        result: in a task per partition on the executors when the batch runs there (the
        foreach sink), else here."""
        if self._per_partition is not None:
            self._per_partition(func)
            return
        for pid, part in enumerate(self.partitions()):
            func(pid, iter(part))

    def partitions(self) -> list[list[Any]]:
        if self._parts is None:
            self._parts = self._compute()
        return self._parts

    def batches(self) -> list[Any]:
        return [b for p in self.partitions() for b in p]

    def rows(self) -> list:
        return [r for b in self.batches() for r in batch_to_rows(b, self.schema)]

    def num_rows(self) -> int:
        return sum(b.num_rows for b in self.batches())


class Sink:
    def add_batch(self, batch_id: int, data: BatchData) -> None:
        raise NotImplementedError

    def description(self) -> str:
        return type(self).__name__


class ConsoleSink(Sink):
    def __init__(self, options: dict, out: Callable[[str], None] = print):
        low = {k.lower(): v for k, v in options.items()}
        self.num_rows = int(low.get("numrows", 20))
        t = str(low.get("truncate", "true")).lower()
        self.truncate = 20 if t == "true" else 0 if t == "false" else int(t)
        self.out = out

    def add_batch(self, batch_id: int, data: BatchData) -> None:
        rows = data.rows()[:self.num_rows + 1]
        line = "-" * 43
        self.out(f"{line}\nBatch: {batch_id}\n{line}\n"
                 + show_string(data.schema, rows, self.num_rows, self.truncate, False))

    def description(self) -> str:
        return f"org.apache.spark.sql.execution.streaming.ConsoleTable$@{id(self):x}"


class NoopSink(Sink):
    """Spark's ``noop`` format: each batch's result is computed (in the executors when it
    runs there) and dropped; for benchmarks."""

    def add_batch(self, batch_id: int, data: BatchData) -> None:
        data.foreach_partition(lambda _pid, batches: _drain(batches))

    def description(self) -> str:
        return f"org.apache.spark.sql.execution.datasources.noop.NoopTable$@{id(self):x}"


class MemorySink(Sink):
    """Every row in the driver; ``register(relation)`` publishes them as a temp view."""

    def __init__(self, name: str, schema: T.StructType, mode: str,
                 register: Callable[[LocalRelation], None]):
        self.name, self.schema, self.mode = name, schema, mode
        self.attrs = attributes_for(schema)
        self.register = register
        self.batches: list[Any] = []
        self.done: set[int] = set()
        register(LocalRelation(self.attrs, ()))

    def add_batch(self, batch_id: int, data: BatchData) -> None:
        if batch_id in self.done:
            return
        got = [b for b in data.batches() if b.num_rows]
        self.batches = got if self.mode == "complete" else self.batches + got
        self.done.add(batch_id)
        self.register(LocalRelation(self.attrs, tuple(self.batches)))

    def description(self) -> str:
        return "MemorySink"


class FileSink(Sink):
    def __init__(self, path: str, fmt: str, options: dict, partition_by: list[str],
                 query_id: str):
        self.path = os.path.abspath(path[len("file:"):] if path.startswith("file:") else path)
        self.fmt, self.options, self.partition_by = fmt, dict(options), list(partition_by)
        self.query_id = query_id
        self.log = os.path.join(self.path, "_spark_metadata")

    def _token(self, batch_id: int) -> str:
        return str(uuid.uuid5(uuid.UUID(self.query_id), str(batch_id)))

    def add_batch(self, batch_id: int, data: BatchData) -> None:
        entry = os.path.join(self.log, str(batch_id))
        if os.path.exists(entry):
            read_log(entry)  # already committed: nothing to do (replayed batch)
            return
        import pyarrow as pa

        token = self._token(batch_id)
        self._remove_leftovers(token)
        staging = os.path.join(self.path, "_temporary", token)
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(staging, exist_ok=True)
        arrow_schema = to_arrow_schema(data.schema)  # the plan's nullability, not a batch's
        parts = [[pa.RecordBatch.from_arrays(b.columns, schema=arrow_schema) for b in part]
                 for part in data.partitions()]
        written = _write_all(parts, data.schema, self.fmt, staging,
                             self.options, self.partition_by, token)
        statuses = []
        for rel in written:
            dest = os.path.join(self.path, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            os.replace(os.path.join(staging, rel), dest)
            st = os.stat(dest)
            statuses.append(json.dumps({
                "path": "file://" + dest, "size": st.st_size, "isDir": False,
                "modificationTime": int(st.st_mtime * 1000), "blockReplication": 1,
                "blockSize": 33554432, "action": "add"}, separators=(",", ":")))
        shutil.rmtree(os.path.join(self.path, "_temporary"), ignore_errors=True)
        write_log(entry, statuses)

    def _remove_leftovers(self, token: str) -> None:
        if not os.path.isdir(self.path):
            return
        for root, _dirs, files in os.walk(self.path):
            if "_spark_metadata" in root:
                continue
            for f in files:
                if token in f:
                    os.remove(os.path.join(root, f))

    def description(self) -> str:
        return f"FileSink[file:{self.path}]"


def run_per_partition(runner: Any, plan: Any, func: Callable[[int, Any], None]) -> None:
    """``func(split, batches)`` once per partition of the physical ``plan``: as a job's
    tasks on the executors (a lineage runner), else in this process."""
    if isinstance(runner, LineageRunner):
        hooks = runner.hooks

        def run(split: int, it: Any) -> Any:
            func(split, it)
            return iter(())

        node = MapPartitions(hooks.new_rdd_id(), runner.build(plan), run)
        hooks.run_job(node, _drain, None)
        return
    for split, part in enumerate(runner.partitions(plan)):
        func(split, iter(part))


def _drain(it: Any) -> None:
    for _ in it:
        pass
