"""The rules behind the window operators (see :mod:`sparkcli.streaming.windowed`; what a
rule is: :mod:`sparkcli.streaming.state`).

:class:`WindowRule` (Spark's WindowedDStream): batch t is the union of the parent's RDDs of
the batches in (t - w, t]; it slides every s.
:class:`ReducedWindowRule` (PySpark's PythonReducedWindowedDStream): window(t) = window(t - s)
minus the batches that left (``inv_reduce_func``) plus those that entered (``reduce_func``);
recomputed from scratch when there is no previous window or the window is shorter than
5 slides. Its RDDs form a chain, cached and checkpointed like updateStateByKey's state.
"""

from __future__ import annotations

from typing import Any, Callable

from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.util import to_datetime

__all__ = ["ReducedWindowRule", "WindowRule"]


class WindowRule:
    kind = "WindowedDStream"
    must_checkpoint = False
    storage_level = None

    def __init__(self, window_ms: int, slide_ms: int):
        self.window_ms = window_ms
        self.slide_ms = slide_ms

    def compute(self, stream: Any, t: int) -> Any:
        parent = stream._parents[0]
        rdds = parent._slice_ms(t - self.window_ms + parent._slide_ms, t)
        return stream._sc.union(rdds)


class ReducedWindowRule:
    kind = "ReducedWindowedDStream"
    must_checkpoint = True
    storage_level = StorageLevel.MEMORY_ONLY

    def __init__(self, reduce_func: Callable, inv_reduce_func: Callable,
                 window_ms: int, slide_ms: int):
        self.reduce_func = reduce_func
        self.inv_reduce_func = inv_reduce_func
        self.window_ms = window_ms
        self.slide_ms = slide_ms

    def compute(self, stream: Any, t: int) -> Any:
        parent, sc = stream._parents[0], stream._sc
        w, s, ps = self.window_ms, self.slide_ms, parent._slide_ms
        begin, prev_end = t - w, t - s
        previous = stream._get_or_compute(prev_end)
        when = to_datetime(t)
        if previous is not None and w >= s * 5:
            old = parent._slice_ms(prev_end - w + ps, begin)
            current = self.inv_reduce_func(when, previous, sc.union(old)) if old else previous
            new = parent._slice_ms(prev_end + ps, t)
            return self.reduce_func(when, current, sc.union(new)) if new else current
        rdds = parent._slice_ms(begin + ps, t)
        return self.reduce_func(when, None, sc.union(rdds)) if rdds else None
