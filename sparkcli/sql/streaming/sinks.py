"""The sinks that call user code: ``foreachBatch(func)`` gets each batch as a DataFrame and
its batch id; ``foreach(f)`` gets every row (a function, or an object with ``open``,
``process`` and ``close``). Both run in the driver's query thread (Spark runs foreach in the
executors; here a batch's partitions are iterated in the driver, one ``open``/``close`` per
partition with Spark's arguments)."""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql.arrow_types import batch_to_rows
from runtime.sql.streaming.sinks import BatchData, Sink

__all__ = ["ForeachBatchSink", "ForeachSink"]


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
        w = self.writer
        if callable(w) and not hasattr(w, "process"):
            for row in data.rows():
                w(row)
            return
        for pid, part in enumerate(data.partitions()):
            opened = w.open(pid, batch_id) if hasattr(w, "open") else True
            error = None
            try:
                if opened is None or opened:
                    for b in part:
                        for row in batch_to_rows(b, data.schema):
                            w.process(row)
            except BaseException as e:
                error = e
                raise
            finally:
                if hasattr(w, "close"):
                    w.close(error)

    def description(self) -> str:
        return "ForeachSink"
