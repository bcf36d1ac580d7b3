"""The DStreams behind the window operators (see :mod:`sparkcli.streaming.windowed`)."""

from __future__ import annotations

from typing import Any, Callable

from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.dstream import DStream
from sparkcli.streaming.util import to_datetime

__all__ = ["ReducedWindowedDStream", "WindowedDStream"]


class WindowedDStream(DStream):
    def __init__(self, parent: Any, window_ms: int, slide_ms: int):
        super().__init__(parent._ssc, [parent])
        self.window_ms = window_ms
        self.window_slide_ms = slide_ms
        if parent._storage_level is None:
            parent.persist(StorageLevel.MEMORY_ONLY)  # read by several windows

    @property
    def _slide_ms(self) -> int:
        return self.window_slide_ms

    def _parent_remember_ms(self) -> int:
        return self._remember_ms + self.window_ms

    def _compute(self, t: int) -> Any:
        parent = self._parents[0]
        rdds = parent._slice_ms(t - self.window_ms + parent._slide_ms, t)
        return self._sc.union(rdds)


class ReducedWindowedDStream(DStream):
    def __init__(self, parent: Any, reduce_func: Callable, inv_reduce_func: Callable,
                 window_ms: int, slide_ms: int):
        super().__init__(parent._ssc, [parent])
        self.reduce_func = reduce_func
        self.inv_reduce_func = inv_reduce_func
        self.window_ms = window_ms
        self.window_slide_ms = slide_ms
        self._must_checkpoint = True
        self.persist(StorageLevel.MEMORY_ONLY)

    @property
    def _slide_ms(self) -> int:
        return self.window_slide_ms

    def _parent_remember_ms(self) -> int:
        return self._remember_ms + self.window_ms

    def _compute(self, t: int) -> Any:
        parent, sc = self._parents[0], self._sc
        w, s, ps = self.window_ms, self.window_slide_ms, parent._slide_ms
        begin, prev_end = t - w, t - s
        previous = self._get_or_compute(prev_end)
        when = to_datetime(t)
        if previous is not None and w >= s * 5:
            old = parent._slice_ms(prev_end - w + ps, begin)
            current = self.inv_reduce_func(when, previous, sc.union(old)) if old else previous
            new = parent._slice_ms(prev_end + ps, t)
            return self.reduce_func(when, current, sc.union(new)) if new else current
        rdds = parent._slice_ms(begin + ps, t)
        return self.reduce_func(when, None, sc.union(rdds)) if rdds else None
