"""The sinks that call user code: ``foreachBatch(func)`` gets each batch as a DataFrame and
its batch id, in the driver's query thread; ``foreach(f)`` gets every row (a function, or an
object with ``open``, ``process`` and ``close``) in the executors, as Spark: the writer is
pickled into one task per partition of the batch's result, which calls ``open(partition_id,
epoch_id)`` (the batch id), then ``process(row)`` for each row unless open returned False,
then ``close(error)`` (None, or the exception that ended the partition, which then fails the
task and stops the query)."""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql.arrow_types import batch_to_rows
from runtime.sql.streaming.sinks import BatchData, Sink

__all__ = ["ForeachBatchSink", "ForeachSink", "foreach_partition"]


class ForeachBatchSink(Sink):
    def __init__(self, func: Callable[[Any, int], None], to_dataframe: Callable[[Any], Any]):
        self.func = func
        self.to_dataframe = to_dataframe

    def add_batch(self, batch_id: int, data: BatchData) -> None:
        self.func(self.to_dataframe(data.plan), batch_id)

    def description(self) -> str:
        return "ForeachBatchSink"


class ForeachSink(Sink):
    def __init__(self, writer: Any):
        self.writer = writer

    def add_batch(self, batch_id: int, data: BatchData) -> None:
        w, schema = self.writer, data.schema
        data.foreach_partition(
            lambda pid, batches: foreach_partition(w, pid, batch_id, batches, schema))

    def description(self) -> str:
        return "ForeachSink"


def foreach_partition(w: Any, pid: int, epoch_id: int, batches: Any, schema: Any) -> None:
    """One partition of a batch through the foreach writer ``w`` (in a task)."""
    if callable(w) and not hasattr(w, "process"):
        for b in batches:
            for row in batch_to_rows(b, schema):
                w(row)
        return
    opened = w.open(pid, epoch_id) if hasattr(w, "open") else True
    error = None
    try:
        if opened is None or opened:
            for b in batches:
                for row in batch_to_rows(b, schema):
                    w.process(row)
    except BaseException as e:
        error = e
        raise
    finally:
        if hasattr(w, "close"):
            w.close(error)
