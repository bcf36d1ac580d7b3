"""DStream: a discretized stream, one RDD per batch (PySpark's pyspark.streaming.dstream).

A DStream operator is a function from the batch's RDD(s) to a new RDD: every DStream
implements ``_compute(t)`` (t = batch time in integer ms) returning an RDD or None, and the
base class turns that into Spark's DStream machinery:

    _get_or_compute(t)  the RDD of batch t: served from ``_generated`` (the cache of RDDs
                        already made, so a DStream feeding two outputs computes once per
                        batch), else computed if t is a valid time for this stream
                        (t > zero time and (t - zero) a multiple of its slide), then
                        persisted (``persist``/``cache``) and marked for RDD checkpointing
                        every ``_checkpoint_ms`` (stateful streams).
    _slice_ms(a, b)     the RDDs of every valid time in [a, b] (windows).
    _clear_metadata(t)  forget (and unpersist) RDDs older than ``t - _remember_ms``.

Fields: ``_ssc`` (StreamingContext), ``_sc``, ``_parents`` (DStreams this one reads),
``_creation_site`` (``map at app.py:12``: the call that made it; its batches' RDDs are
made with it as the thread's ``callSite.short``, so their stages are named after it, as
Spark's DStream.creationSite),
``_zero_time`` (ms; batch times are zero + k * slide), ``_slide_ms`` (a property: the
parent's slide unless a window changes it), ``_remember_ms`` (how long generated RDDs are
kept: at least one slide, twice the checkpoint interval for stateful streams, plus the
window for a window's parent), ``_storage_level``, ``_checkpoint_ms`` and
``_must_checkpoint`` (stateful streams need RDD checkpoints to cut their lineage),
``_generated`` (ms -> RDD). ``_restored`` (ms -> (checkpoint dir, partitions,
partitioner)) holds the RDDs a recovered context reads back from the checkpoint directory.

Checkpoint data (Spark's DStreamCheckpointData), kept on the job generator's thread:
``_update_checkpoint_data(t)`` runs before the metadata checkpoint of time t is pickled and
notes the RDD checkpoints it saves (``_checkpoint_data``, ms -> (dir, partitions,
partitioner), which ``__getstate__`` writes as ``_restored``); every RDD checkpoint dir
ever saved is remembered in ``_checkpoint_files`` (ms -> dir) and the oldest time the
checkpoint of t references in ``_oldest_saved`` (t -> ms). Once that checkpoint is on disk,
``_cleanup_checkpoint_data(t)`` deletes the saved dirs older than that oldest time: neither
it nor any later checkpoint can refer to them (RDDs only leave ``_generated``, oldest
first), so recovery from the newest checkpoint still finds every file it needs. The
bookkeeping is not pickled (Spark's @transient): a recovered context starts it afresh from
the restored RDDs, and so deletes the previous run's files once they are no longer needed.

Graph set-up happens at ``StreamingContext.start()`` through the DStreamGraph: outputs call
``_initialize(zero)`` then ``_remember(d)`` then ``_validate_at_start()`` on their lineage.
All generation and metadata clearing runs on the job generator's single thread under the
graph lock; output functions run later on the job thread, on the RDDs made for their batch.

The public operators live here (stateless, output) and in the mixins
:class:`~sparkcli.streaming.dstream_pairs.PairOpsMixin` (key-value, joins, state) and
:class:`~sparkcli.streaming.windowed.WindowOpsMixin` (windows). Every DStream an operator
makes is defined here, so the modules form no circle: a TransformedDStream (a function of
the parents' RDDs of the same batch) or a :class:`DerivedDStream`, whose *rule* (state.py,
window_dstreams.py: plain objects that import no DStream) computes batch t from the
parent's batches and its own earlier ones; the mixins make one with ``self._derive(rule)``.
An output operation asks the graph (``ssc._graph.add_output``) for its ForEachDStream, and
sources subclass InputDStream (graph.py); both modules import this one, never the reverse.
"""

from __future__ import annotations

import logging
import operator
import os
import shutil
from collections.abc import Iterable
from typing import Any, Callable, Generic, TypeVar

from sparkcli.callsite import creation_site
from sparkcli.errors import IllegalArgumentException
from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.checkpoint import checkpoint_file_rdd
from sparkcli.streaming.dstream_pairs import PairOpsMixin
from sparkcli.streaming.util import from_timestamp, rddToFileName, to_datetime, to_ms, with_time
from sparkcli.streaming.windowed import WindowOpsMixin

__all__ = ["DStream", "DerivedDStream", "TransformedDStream"]

log = logging.getLogger("DStreamCheckpointData")


T_co = TypeVar("T_co", covariant=True)


class DStream(PairOpsMixin, WindowOpsMixin, Generic[T_co]):
    def __init__(self, ssc: Any, parents: Iterable[DStream] = ()):
        ssc._check_can_add_operations()
        self._ssc = ssc
        self._sc = ssc._sc
        self._parents: list[DStream] = list(parents)
        self._creation_site = creation_site(2)
        self._zero_time: int | None = None
        self._remember_ms: int | None = None
        self._storage_level: StorageLevel | None = None
        self._checkpoint_ms: int | None = None
        self._must_checkpoint = False
        self._generated: dict[int, Any] = {}
        self._restored: dict[int, tuple[str, int, Any]] = {}
        self._checkpoint_data: dict[int, tuple[str, int, Any]] = {}
        self._reset_checkpoint_bookkeeping()
        self.is_cached = False
        self.is_checkpointed = False

    # -- what subclasses provide -----------------------------------------------------------
    @property
    def _slide_ms(self) -> int:
        return self._parents[0]._slide_ms

    @property
    def _slideDuration(self) -> float:
        return self._slide_ms / 1000.0

    def _compute(self, t: int) -> Any:
        raise NotImplementedError

    def _parent_remember_ms(self) -> int:
        return self._remember_ms  # type: ignore[return-value]

    @property
    def _kind(self) -> str:
        """The stream's name in messages (Spark's DStream class names)."""
        return type(self).__name__

    def _derive(self, rule: Any) -> DerivedDStream:
        return DerivedDStream(self, rule)

    # -- pickling (metadata checkpoints) ---------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_ssc"] = state["_sc"] = None
        state["_restored"] = dict(self._checkpoint_data)
        state["_checkpoint_data"] = state["_generated"] = {}
        state.pop("_checkpoint_files", None)  # driver-side bookkeeping, not saved
        state.pop("_oldest_saved", None)
        return state

    def _attach(self, ssc: Any) -> None:
        """After unpickling: reconnect to the new context, re-read checkpointed RDDs."""
        self._ssc, self._sc = ssc, ssc._sc
        self._reset_checkpoint_bookkeeping()
        for t, (path, n, partitioner) in sorted(self._restored.items()):
            self._generated[t] = checkpoint_file_rdd(self._sc, path, n, partitioner)

    # -- checkpoint data (DStreamCheckpointData; see the module doc) -------------------------
    def _reset_checkpoint_bookkeeping(self) -> None:
        self._checkpoint_files: dict[int, str] = {}
        self._oldest_saved: dict[int, int] = {}

    def _update_checkpoint_data(self, t: int) -> None:
        """Before the metadata checkpoint of time t is pickled: note the RDD checkpoints
        it saves."""
        saved = dict(self._restored)
        for k, rdd in self._generated.items():
            path = rdd.getCheckpointFile() if rdd.checkpointed else None
            if path:
                path = path.removeprefix("file:")
                saved[k] = (path, rdd.num_partitions, rdd.partitioner)
        self._checkpoint_data = saved
        if saved:
            self._checkpoint_files.update((k, v[0]) for k, v in saved.items())
            self._oldest_saved[t] = min(saved)

    def _cleanup_checkpoint_data(self, t: int) -> None:
        """After the metadata checkpoint of time t is written: delete the RDD checkpoint
        dirs older than the oldest one it references."""
        oldest = self._oldest_saved.get(t)
        # checkpoints up to t are superseded (those written at generation are never cleaned)
        self._oldest_saved = {k: v for k, v in self._oldest_saved.items() if k > t}
        if oldest is None:
            return
        for k in sorted(k for k in self._checkpoint_files if k < oldest):
            path = self._checkpoint_files.pop(k)
            shutil.rmtree(path, ignore_errors=True)
            log.info("Deleted checkpoint file '%s' for time %d ms", path, k)
            parent = os.path.dirname(path)
            if parent != self._sc.getCheckpointDir():  # a previous run's, once emptied
                try:
                    os.rmdir(parent)
                except OSError:
                    pass

    # -- graph set-up (DStreamGraph.start) ---------------------------------------------------
    def _initialize(self, zero_time: int) -> None:
        if self._zero_time is not None and self._zero_time != zero_time:
            raise RuntimeError(f"ZeroTime is already initialized to {self._zero_time}, "
                               f"cannot initialize it again to {zero_time}")
        self._zero_time = zero_time
        if self._must_checkpoint and self._checkpoint_ms is None:
            slide = self._slide_ms
            self._checkpoint_ms = slide * -(-10000 // slide)  # >= 10 s, a multiple of slide
        minimum = self._slide_ms
        if self._checkpoint_ms is not None and minimum <= self._checkpoint_ms:
            minimum = self._checkpoint_ms * 2
        if self._remember_ms is None or self._remember_ms < minimum:
            self._remember_ms = minimum
        for p in self._parents:
            p._initialize(zero_time)

    def _remember(self, ms: int | None) -> None:
        if ms is not None and (self._remember_ms is None or ms > self._remember_ms):
            self._remember_ms = ms
        for p in self._parents:
            p._remember(self._parent_remember_ms())

    def _validate_at_start(self) -> None:
        if self._checkpoint_ms is not None and self._sc.getCheckpointDir() is None:
            raise IllegalArgumentException(
                "The checkpoint directory has not been set. Please set it by "
                f"StreamingContext.checkpoint() ({self._kind} keeps state across "
                "batches and saves it there).")
        for p in self._parents:
            p._validate_at_start()

    def _lineage(self) -> list[DStream]:
        out, stack, seen = [], [self], set()
        while stack:
            d = stack.pop()
            if id(d) in seen:
                continue
            seen.add(id(d))
            out.append(d)
            stack.extend(d._parents)
        return out

    # -- generation ------------------------------------------------------------------------
    def _is_time_valid(self, t: int) -> bool:
        if self._zero_time is None:
            raise RuntimeError(f"{self._kind} has not been initialized "
                               "(the StreamingContext was not started)")
        return t > self._zero_time and (t - self._zero_time) % self._slide_ms == 0

    def _get_or_compute(self, t: int) -> Any:
        rdd = self._generated.get(t)
        if rdd is not None:
            return rdd
        if not self._is_time_valid(t):
            return None
        sc = self._sc
        outer = sc.getLocalProperty("callSite.short")
        sc.setLocalProperty("callSite.short", getattr(self, "_creation_site", None))
        try:
            rdd = self._compute(t)
        finally:
            sc.setLocalProperty("callSite.short", outer)
        if rdd is None:
            return None
        if self._storage_level is not None and rdd.storage_level is None:
            rdd.persist(self._storage_level)
        if self._checkpoint_ms is not None and (t - self._zero_time) % self._checkpoint_ms == 0:
            rdd.checkpoint()
        self._generated[t] = rdd
        return rdd

    def _slice_ms(self, from_ms: int, to_ms: int) -> list:
        slide, zero = self._slide_ms, self._zero_time
        if zero is None:
            raise RuntimeError("slice() needs a started StreamingContext")

        def align(t: int) -> int:
            return t if (t - zero) % slide == 0 else zero + (t - zero) // slide * slide

        out, t = [], align(from_ms)
        end = align(to_ms)
        while t <= end:
            if t >= zero:
                rdd = self._get_or_compute(t)
                if rdd is not None:
                    out.append(rdd)
            t += slide
        return out

    def _clear_metadata(self, t: int) -> None:
        old = [k for k in self._generated if k <= t - self._remember_ms]
        for k in old:
            rdd = self._generated.pop(k)
            self._restored.pop(k, None)
            if rdd.storage_level is not None and self._ssc._unpersist:
                rdd.unpersist()
        for p in self._parents:
            p._clear_metadata(t)

    def _restore_time_cleanup(self, t: int) -> None:  # overridden by file streams
        pass

    # -- public: context / persistence ------------------------------------------------------
    def context(self) -> Any:
        """The StreamingContext this DStream belongs to."""
        return self._ssc

    def cache(self) -> DStream:
        """Persist every batch's RDD in memory (StorageLevel.MEMORY_ONLY)."""
        return self.persist(StorageLevel.MEMORY_ONLY)

    def persist(self, storageLevel: StorageLevel) -> DStream:
        self.is_cached = True
        self._storage_level = storageLevel
        return self

    def checkpoint(self, interval: float) -> DStream:
        """Checkpoint this DStream's RDDs every ``interval`` seconds (a multiple of the
        slide); needs ``ssc.checkpoint(dir)``."""
        ms = to_ms(interval, "checkpoint interval")
        if ms % self._slide_ms != 0:
            raise ValueError("checkpoint interval must be multiple of the dstream's slide "
                             f"(batch) duration ({self._slide_ms} ms), got {ms} ms")
        self.is_checkpointed = True
        self._checkpoint_ms = ms
        return self

    # -- stateless transformations ----------------------------------------------------------
    def transform(self, func: Callable) -> DStream:
        """A DStream of ``func(rdd)`` or ``func(time, rdd)`` applied to every batch."""
        return TransformedDStream([self], with_time(func, 1, "transform"))

    def transformWith(self, func: Callable, other: DStream,
                      keepSerializer: bool = False) -> DStream:
        """A DStream of ``func(rdd_a, rdd_b)`` or ``func(time, rdd_a, rdd_b)`` per batch."""
        return TransformedDStream([self, other], with_time(func, 2, "transformWith"))

    def map(self, f: Callable, preservesPartitioning: bool = False) -> DStream:
        return self.transform(lambda rdd: rdd.map(f, preservesPartitioning))

    def flatMap(self, f: Callable, preservesPartitioning: bool = False) -> DStream:
        return self.transform(lambda rdd: rdd.flatMap(f, preservesPartitioning))

    def filter(self, f: Callable) -> DStream:
        return self.transform(lambda rdd: rdd.filter(f))

    def mapPartitions(self, f: Callable, preservesPartitioning: bool = False) -> DStream:
        return self.transform(lambda rdd: rdd.mapPartitions(f, preservesPartitioning))

    def mapPartitionsWithIndex(self, f: Callable,
                               preservesPartitioning: bool = False) -> DStream:
        return self.transform(lambda rdd: rdd.mapPartitionsWithIndex(f, preservesPartitioning))

    def glom(self) -> DStream:
        return self.transform(lambda rdd: rdd.glom())

    def repartition(self, numPartitions: int) -> DStream:
        return self.transform(lambda rdd: rdd.repartition(numPartitions))

    def count(self) -> DStream:
        """A DStream of one element per batch: the number of elements in it."""
        return self.mapPartitions(lambda i: [sum(1 for _ in i)]).reduce(operator.add)

    def reduce(self, func: Callable) -> DStream:
        """A DStream of one element per batch: the batch reduced with ``func``."""
        return self.map(lambda x: (None, x)).reduceByKey(func, 1).map(lambda x: x[1])

    def countByValue(self) -> DStream:
        return self.map(lambda x: (x, 1)).reduceByKey(lambda x, y: x + y)

    def union(self, other: DStream) -> DStream:
        """Batch by batch union of two DStreams with the same slide duration."""
        if self._slide_ms != other._slide_ms:
            raise ValueError("the two DStream should have same slide duration")
        return self.transformWith(lambda a, b: a.union(b), other, True)

    def slice(self, begin: Any, end: Any) -> list:
        """The RDDs of the batches between ``begin`` and ``end`` (datetimes or seconds)."""
        with self._ssc._graph.lock:
            return self._slice_ms(from_timestamp(begin), from_timestamp(end))

    # -- output operations ------------------------------------------------------------------
    def foreachRDD(self, func: Callable) -> None:
        """Call ``func(rdd)`` or ``func(time, rdd)`` on the driver for every batch."""
        f = with_time(func, 1, "foreachRDD")
        self._foreach_ms(lambda ms, rdd: f(to_datetime(ms), rdd), func)

    def _foreach_ms(self, func: Callable[[int, Any], None], user_func: Any = None) -> None:
        self._ssc._graph.add_output(self, func, user_func)

    def pprint(self, num: int = 10) -> None:
        """Print the first ``num`` elements of every batch, with PySpark's header."""

        def takeAndPrint(time: Any, rdd: Any) -> None:
            taken = rdd.take(num + 1)
            print("-------------------------------------------")
            print("Time: %s" % time)
            print("-------------------------------------------")
            for record in taken[:num]:
                print(record)
            if len(taken) > num:
                print("...")
            print(flush=True)

        self.foreachRDD(takeAndPrint)

    def saveAsTextFiles(self, prefix: str, suffix: str | None = None) -> None:
        """Save every batch as text files under ``prefix-<time ms>[.suffix]``; a batch whose
        directory is already complete (``_SUCCESS``; e.g. rerun after recovery) is skipped."""

        def save(ms: int, rdd: Any) -> None:
            path = rddToFileName(prefix, suffix, ms)
            local = path.removeprefix("file:")
            if os.path.exists(os.path.join(local, "_SUCCESS")):
                return
            if os.path.exists(local):  # an attempt cut short before it completed
                shutil.rmtree(local, ignore_errors=True)
            rdd.saveAsTextFile(path)

        self._foreach_ms(save, save)

    def saveAsPickleFiles(self, prefix: str, suffix: str | None = None) -> None:
        """Like saveAsTextFiles, with ``saveAsPickleFile`` (a sparkcli extension)."""

        def save(ms: int, rdd: Any) -> None:
            path = rddToFileName(prefix, suffix, ms)
            if os.path.exists(os.path.join(path, "_SUCCESS")):
                return
            shutil.rmtree(path, ignore_errors=True)
            rdd.saveAsPickleFile(path)

        self._foreach_ms(save, save)

    def __repr__(self) -> str:
        return f"<{self._kind} slide={self._slide_ms} ms>"


class TransformedDStream(DStream):
    """``func(time, *parent_rdds)`` per batch; no RDD when the first parent has none."""

    def __init__(self, parents: list[DStream], func: Callable):
        super().__init__(parents[0]._ssc, parents)
        self.func = func

    def _compute(self, t: int) -> Any:
        rdds = [p._get_or_compute(t) for p in self._parents]
        if rdds[0] is None:
            return None
        result = self.func(to_datetime(t), *rdds)
        if result is not None and not hasattr(result, "num_partitions"):
            raise TypeError(f"transform function should return an RDD, got {type(result)}")
        return result


class DerivedDStream(DStream):
    """Batch t is ``rule.compute(self, t)``: state and windows (see the rules' fields in
    :mod:`sparkcli.streaming.state`)."""

    def __init__(self, parent: DStream, rule: Any):
        super().__init__(parent._ssc, [parent])
        self.rule = rule
        self._must_checkpoint = rule.must_checkpoint
        if rule.storage_level is not None:
            self.persist(rule.storage_level)

    @property
    def _kind(self) -> str:
        return self.rule.kind

    @property
    def _slide_ms(self) -> int:
        return self.rule.slide_ms or self._parents[0]._slide_ms

    def _parent_remember_ms(self) -> int:
        return self._remember_ms + self.rule.window_ms  # type: ignore[operator]

    def _compute(self, t: int) -> Any:
        return self.rule.compute(self, t)
