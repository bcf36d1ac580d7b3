"""Window operators (PySpark's DStream window methods) and the windowed DStreams.

``window(w, s)`` -> a stream derived with a ``WindowRule`` (``self._derive(rule)``; the rules
are in :mod:`sparkcli.streaming.window_dstreams`): at batch t, the union of the parent's RDDs of
the batches in (t - w, t]; it slides every s (its batch times are zero + k*s).

``reduceByKeyAndWindow(func, invFunc, w, s)`` reduces each batch by key first, then:
  * without invFunc: window of the reduced batches, reduced again (full recompute);
  * with invFunc: a ``ReducedWindowRule`` (PySpark's PythonReducedWindowedDStream):
    window(t) = previous window (t - s), minus the batches that left (invFunc, through a
    leftOuterJoin), plus the batches that entered (func). Like Spark it recomputes the
    window from scratch when there is no previous window or the window is shorter than
    5 slides (two passes cost more than one there). Keys whose value drops to the "zero"
    stay unless ``filterFunc`` removes them. The chain of window RDDs is cached and
    checkpointed like updateStateByKey's state.

Durations are seconds; one that is not a multiple of the parent's slide (batch) duration
fails at once with PySpark's ValueError.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

from sparkcli.rdd_pairs import ResultIterable
from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.util import to_ms
from sparkcli.streaming.window_dstreams import ReducedWindowRule, WindowRule

__all__ = ["WindowOpsMixin"]


class WindowOpsMixin:
    def _validate_window_param(self, window: Any, slide: Any) -> tuple[int, int]:
        duration = self._slide_ms
        w = to_ms(window, "windowDuration")
        if w % duration != 0:
            raise ValueError("windowDuration must be multiple of the parent "
                             f"dstream's slide (batch) duration ({duration} ms), "
                             f"got {w} ms")
        if slide is None:
            return w, duration
        s = to_ms(slide, "slideDuration")
        if s % duration != 0:
            raise ValueError("slideDuration must be multiple of the parent "
                             f"dstream's slide (batch) duration ({duration} ms), "
                             f"got {s} ms")
        return w, s

    def window(self, windowDuration: float, slideDuration: float | None = None):
        """A DStream whose batch t holds every element of this DStream's batches in the
        last ``windowDuration`` seconds, computed every ``slideDuration`` seconds."""
        w, s = self._validate_window_param(windowDuration, slideDuration)
        return self._windowed(w, s)

    def _windowed(self, w: int, s: int):
        if self._storage_level is None:
            self.persist(StorageLevel.MEMORY_ONLY)  # read by several windows
        return self._derive(WindowRule(w, s))

    def reduceByWindow(self, reduceFunc: Callable, invReduceFunc: Callable | None,
                       windowDuration: float, slideDuration: float):
        keyed = self.map(lambda x: (1, x))
        reduced = keyed.reduceByKeyAndWindow(reduceFunc, invReduceFunc, windowDuration,
                                             slideDuration, 1)
        return reduced.map(lambda kv: kv[1])

    def countByWindow(self, windowDuration: float, slideDuration: float):
        return self.map(lambda x: 1).reduceByWindow(operator.add, operator.sub,
                                                    windowDuration, slideDuration)

    def countByValueAndWindow(self, windowDuration: float, slideDuration: float,
                              numPartitions: int | None = None):
        keyed = self.map(lambda x: (x, 1))
        counted = keyed.reduceByKeyAndWindow(operator.add, operator.sub, windowDuration,
                                             slideDuration, numPartitions)
        return counted.filter(lambda kv: kv[1] > 0)

    def groupByKeyAndWindow(self, windowDuration: float, slideDuration: float,
                            numPartitions: int | None = None):
        # never mutate the lists: they may come from a cached batch
        ls = self.mapValues(lambda x: [x])
        grouped = ls.reduceByKeyAndWindow(lambda a, b: a + b, lambda a, b: a[len(b):],
                                          windowDuration, slideDuration, numPartitions)
        return grouped.mapValues(ResultIterable)

    def reduceByKeyAndWindow(self, func: Callable, invFunc: Callable | None,
                             windowDuration: float, slideDuration: float | None = None,
                             numPartitions: int | None = None,
                             filterFunc: Callable | None = None):
        """Reduce the values of each key over a sliding window (see the module doc)."""
        w, s = self._validate_window_param(windowDuration, slideDuration)
        if numPartitions is None:
            numPartitions = self._sc.defaultParallelism
        reduced = self.reduceByKey(func, numPartitions)
        if invFunc is None:
            return reduced._windowed(w, s).reduceByKey(func, numPartitions)

        def reduceFunc(t: Any, a: Any, b: Any) -> Any:
            b = b.reduceByKey(func, numPartitions)
            r = a.union(b).reduceByKey(func, numPartitions) if a is not None else b
            if filterFunc:
                r = r.filter(filterFunc)
            return r

        def invReduceFunc(t: Any, a: Any, b: Any) -> Any:
            b = b.reduceByKey(func, numPartitions)
            joined = a.leftOuterJoin(b, numPartitions)
            return joined.mapValues(lambda kv: invFunc(kv[0], kv[1])
                                    if kv[1] is not None else kv[0])

        return reduced._derive(ReducedWindowRule(reduceFunc, invReduceFunc, w, s))
