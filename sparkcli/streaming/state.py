"""StateDStream: the DStream behind updateStateByKey (Spark's PythonStateDStream).

State of batch t = ``reduce_func(t, state of t - slide (or the initial RDD), batch t)``;
when the parent has no RDD for t the previous state carries over unchanged. The chain of
state RDDs is cut by RDD checkpoints every ``_checkpoint_ms`` (10 s rounded up to a multiple
of the slide unless ``checkpoint(interval)`` says otherwise) and every state RDD is cached,
so batch t only reads batch t - slide's cached state, never the whole history.
"""

from __future__ import annotations

from typing import Any, Callable

from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.dstream import DStream
from sparkcli.streaming.util import to_datetime

__all__ = ["StateDStream"]


class StateDStream(DStream):
    def __init__(self, parent: DStream, reduce_func: Callable, initial_rdd: Any = None):
        super().__init__(parent._ssc, [parent])
        self.reduce_func = reduce_func
        self.initial_rdd = initial_rdd
        self._must_checkpoint = True
        self.persist(StorageLevel.MEMORY_ONLY)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        if self.initial_rdd is not None:  # only needed before the first state exists
            state["initial_rdd"] = None
        return state

    def _compute(self, t: int) -> Any:
        last = self._get_or_compute(t - self._slide_ms)
        if last is None and t - self._slide_ms == self._zero_time:
            last = self.initial_rdd
        rdd = self._parents[0]._get_or_compute(t)
        if rdd is None:
            return last
        return self.reduce_func(to_datetime(t), last, rdd)
