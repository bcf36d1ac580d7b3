"""The rule behind updateStateByKey (Spark's PythonStateDStream).

State of batch t = ``reduce_func(t, state of t - slide (or the initial RDD), batch t)``;
when the parent has no RDD for t the previous state carries over unchanged. The chain of
state RDDs is cut by RDD checkpoints every ``_checkpoint_ms`` (10 s rounded up to a multiple
of the slide unless ``checkpoint(interval)`` says otherwise) and every state RDD is cached,
so batch t only reads batch t - slide's cached state, never the whole history.

A rule is what makes a :class:`~sparkcli.streaming.dstream.DerivedDStream` that kind of
stream: its ``compute(stream, t)`` makes the RDD of batch t, reading the stream's own
earlier batches (``stream._get_or_compute``) and its parent's. Fields of a rule, which the
DerivedDStream reads: ``kind`` (the stream's name in messages), ``must_checkpoint`` (its RDDs
form a chain that RDD checkpoints must cut), ``storage_level`` (persisted at creation, or
None), ``slide_ms`` (None: the parent's) and ``window_ms`` (how much longer than this stream
the parent must remember its RDDs). Rules never name a DStream class, so the operator mixins
build them without importing dstream.py (which imports the mixins).
"""

from __future__ import annotations

from typing import Any, Callable

from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.util import to_datetime

__all__ = ["StateRule"]


class StateRule:
    kind = "StateDStream"
    must_checkpoint = True
    storage_level = StorageLevel.MEMORY_ONLY
    slide_ms: int | None = None
    window_ms = 0

    def __init__(self, reduce_func: Callable, initial_rdd: Any = None):
        self.reduce_func = reduce_func
        self.initial_rdd = initial_rdd

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["initial_rdd"] = None  # only needed before the first state exists
        return state

    def compute(self, stream: Any, t: int) -> Any:
        last = stream._get_or_compute(t - stream._slide_ms)
        if last is None and t - stream._slide_ms == stream._zero_time:
            last = self.initial_rdd
        rdd = stream._parents[0]._get_or_compute(t)
        if rdd is None:
            return last
        return self.reduce_func(to_datetime(t), last, rdd)
