"""RDD: lineage only, no I/O (PySpark's pyspark.rdd).

An RDD knows its context, id, partitions count, dependencies (runtime.dependency), its
partitioner (when its keys are known to be hash/range-partitioned) and its storage level.
``compute(split, tc)`` returns the iterator of one partition, reading parents through
``tc.iterate(parent, split)`` (which serves persisted partitions from the executor's block
store) or ``tc.read_shuffle(spec, split)`` (ShuffledRDD).

Narrow transformations are pipelined like PySpark's PipelinedRDD: ``map``, ``filter``,
``flatMap`` ... all become ``mapPartitionsWithIndex`` and consecutive ones are fused into
one function of (split, iterator), so a stage runs as one pass over each partition.
Fusion stops at an RDD that is persisted or checkpointed, so its partitions can be stored.

The public method set is split over mixins to keep modules small:
    rdd.py          core: construction, narrow transformations, shuffles, persistence
    rdd_pairs.py    key-value functions (joins, cogroup, *ByKey, lookup ...)
    rdd_actions.py  actions (collect, count, reduce, take*, ...)
    rdd_stats.py    numeric/approximate actions (sum, stats, histogram, *Approx)
    rdd_io.py       saving, pipe, checkpointing, debugging strings
    rdd_sources.py  textFile / wholeTextFiles / pickleFile RDDs
    rdd_special.py  coalesce, cartesian, zip RDDs
"""

from __future__ import annotations

import weakref
from itertools import chain
from typing import Any, Callable, Iterable, Iterator

from runtime.dependency import OneToOneDependency, RangeDependency, ShuffleDependency
from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.spec import Aggregator, ShuffleSpec
from sparkcli.rdd_actions import ActionsMixin
from sparkcli.rdd_fastpath import count_pairs, counting_aggregator, pair_constant
from sparkcli.rdd_io import IOMixin
from sparkcli.rdd_pairs import PairMixin
from sparkcli.storagelevel import StorageLevel

__all__ = ["RDD", "PipelinedRDD", "Partitioner", "portable_hash"]


class _RDDId(int):
    """An RDD's id: an int for the engine (``rdd.id``), callable for PySpark's ``rdd.id()``."""

    def __call__(self) -> int:
        return int(self)

    def __reduce__(self):
        return (_RDDId, (int(self),))


#: attributes a checkpointed RDD keeps when pickled into a task (see RDD.__getstate__)
_CHECKPOINTED_STATE = frozenset({
    "ctx", "id", "dependencies", "num_partitions", "partitioner", "storage_level",
    "checkpointed", "_checkpoint_requested", "name_", "compute", "_checkpoint_file"})


class Partitioner:
    def __init__(self, numPartitions: int, partitionFunc: Callable[[Any], int]):
        self.numPartitions = numPartitions
        self.partitionFunc = partitionFunc

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Partitioner) and self.numPartitions == other.numPartitions
                and self.partitionFunc == other.partitionFunc)

    def __call__(self, k: Any) -> int:
        return self.partitionFunc(k) % self.numPartitions


class RDD(PairMixin, ActionsMixin, IOMixin):
    def __init__(self, ctx: Any, dependencies: list, num_partitions: int,
                 partitioner: Partitioner | None = None):
        self.ctx = ctx
        self.id = _RDDId(ctx._new_rdd_id())
        self.dependencies = dependencies
        self.num_partitions = num_partitions
        self.partitioner = partitioner
        self.storage_level: StorageLevel | None = None
        self.checkpointed = False
        self._checkpoint_requested: str | None = None
        self.name_: str | None = None

    # pickling: executors get lineage without the driver-only context
    def __getstate__(self):
        state = dict(self.__dict__)
        state["ctx"] = None
        if self.checkpointed:  # lineage truncated: only what reads the checkpoint files
            state = {k: v for k, v in state.items() if k in _CHECKPOINTED_STATE}
        return state

    def compute(self, split: int, tc: Any) -> Iterator:
        raise NotImplementedError

    @property
    def context(self) -> Any:
        return self.ctx

    def getNumPartitions(self) -> int:
        return self.num_partitions

    def id_(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"{type(self).__name__}[{self.id}] at {self.name_ or 'RDD'}"

    def _after_job(self) -> None:
        """Hook run on the driver after a job on this RDD: write the reliable checkpoints
        requested in its lineage (Spark's RDD.doCheckpoint: the nearest marked RDDs)."""
        stack, seen = [self], set()
        while stack:
            r = stack.pop()
            if r.id in seen or r.checkpointed:
                continue
            seen.add(r.id)
            if r._checkpoint_requested:
                r._do_checkpoint()
                continue
            stack.extend(d.rdd for d in r.dependencies if d.rdd is not None)

    # -- narrow transformations -------------------------------------------------------------
    def mapPartitionsWithIndex(self, f: Callable[[int, Iterator], Iterable],
                               preservesPartitioning: bool = False) -> "RDD":
        return PipelinedRDD(self, f, preservesPartitioning)

    def mapPartitions(self, f: Callable[[Iterator], Iterable],
                      preservesPartitioning: bool = False) -> "RDD":
        return self.mapPartitionsWithIndex(lambda _, it: f(it), preservesPartitioning)

    def mapPartitionsWithSplit(self, f, preservesPartitioning: bool = False) -> "RDD":
        return self.mapPartitionsWithIndex(f, preservesPartitioning)

    def map(self, f: Callable, preservesPartitioning: bool = False) -> "RDD":
        return PipelinedRDD(self, lambda _, it: map(f, it), preservesPartitioning,
                            op=("map", f))

    def flatMap(self, f: Callable, preservesPartitioning: bool = False) -> "RDD":
        return self.mapPartitionsWithIndex(
            lambda _, it: chain.from_iterable(map(f, it)), preservesPartitioning)

    def filter(self, f: Callable) -> "RDD":
        return self.mapPartitionsWithIndex(lambda _, it: filter(f, it), True)

    def glom(self) -> "RDD":
        return self.mapPartitionsWithIndex(lambda _, it: [list(it)])

    def keyBy(self, f: Callable) -> "RDD":
        return self.map(lambda x: (f(x), x))

    def mapValues(self, f: Callable) -> "RDD":
        return self.map(lambda kv: (kv[0], f(kv[1])), True)

    def flatMapValues(self, f: Callable) -> "RDD":
        return self.flatMap(lambda kv: ((kv[0], x) for x in f(kv[1])), True)

    def keys(self) -> "RDD":
        return self.map(lambda kv: kv[0])

    def values(self) -> "RDD":
        return self.map(lambda kv: kv[1])

    def union(self, other: "RDD") -> "RDD":
        return UnionRDD(self.ctx, [self, other])

    def __add__(self, other: "RDD") -> "RDD":
        if not isinstance(other, RDD):
            raise TypeError
        return self.union(other)

    # -- shuffles ---------------------------------------------------------------------------
    def partitionBy(self, numPartitions: int | None,
                    partitionFunc: Callable[[Any], int] = portable_hash) -> "RDD":
        if numPartitions is None:
            numPartitions = self._default_reduce_partitions()
        partitioner = Partitioner(numPartitions, partitionFunc)
        if self.partitioner == partitioner:
            return self
        spec = ShuffleSpec(self.ctx._new_shuffle_id(), numPartitions, partitionFunc)
        return ShuffledRDD(self, spec, partitioner)

    def combineByKey(self, createCombiner: Callable, mergeValue: Callable,
                     mergeCombiners: Callable, numPartitions: int | None = None,
                     partitionFunc: Callable[[Any], int] = portable_hash) -> "RDD":
        if numPartitions is None:
            numPartitions = self._default_reduce_partitions()
        agg = Aggregator(createCombiner, mergeValue, mergeCombiners)
        partitioner = Partitioner(numPartitions, partitionFunc)
        if self.partitioner == partitioner:
            # already partitioned this way: combine within partitions, no shuffle
            def combine(it: Iterator) -> Iterable:
                d: dict = {}
                for k, v in it:
                    d[k] = mergeValue(d[k], v) if k in d else createCombiner(v)
                return d.items()

            return self.mapPartitions(combine, preservesPartitioning=True)
        spec = ShuffleSpec(self.ctx._new_shuffle_id(), numPartitions, partitionFunc, agg,
                           map_side_combine=True)
        return ShuffledRDD(self, spec, partitioner)

    def _default_reduce_partitions(self) -> int:
        if self.ctx._config.get("spark.default.parallelism"):
            return self.ctx.defaultParallelism
        return self.getNumPartitions() or 1

    # -- persistence ---------------------------------------------------------------------------
    def cache(self) -> "RDD":
        return self.persist(StorageLevel.MEMORY_ONLY)

    def persist(self, storageLevel: StorageLevel = StorageLevel.MEMORY_ONLY) -> "RDD":
        if self.storage_level is not None and self.storage_level != storageLevel:
            raise ValueError("Cannot change storage level of an RDD after it was already "
                             "assigned a level")
        if self.storage_level is None:
            driver = getattr(self.ctx, "_driver", None)
            if driver is not None:  # ContextCleaner: a collected RDD's blocks go too
                weakref.finalize(self, driver.rdd_unreachable, self.id).atexit = False
        self.storage_level = storageLevel
        return self

    def unpersist(self, blocking: bool = False) -> "RDD":
        if self.storage_level is not None:
            self.storage_level = None
            self.ctx._driver.remove_rdd(self.id)
        return self

    @property
    def is_cached(self) -> bool:
        return self.storage_level is not None

    def getStorageLevel(self) -> StorageLevel:
        return self.storage_level or StorageLevel.NONE

    def setName(self, name: str) -> "RDD":
        self.name_ = name
        return self

    def name(self) -> str | None:
        return self.name_


class PipelinedRDD(RDD):
    """A chain of narrow transformations fused into one ``func(split, iterator)``."""

    def __init__(self, prev: RDD, func: Callable[[int, Iterator], Iterable],
                 preservesPartitioning: bool = False, op: tuple | None = None):
        self.op = op  # ("map", f) when this step is a plain map (see rdd_fastpath)
        if isinstance(prev, PipelinedRDD) and prev._is_pipelinable():
            prev_func = prev.func

            def pipeline_func(split: int, iterator: Iterator) -> Iterable:
                return func(split, prev_func(split, iterator))

            self.func = pipeline_func
            self.head_func: Callable | None = prev_func
            self.prev = prev.prev
        else:
            self.func = func
            self.head_func = None
            self.prev = prev
        super().__init__(prev.ctx, [OneToOneDependency(self.prev)], prev.num_partitions,
                         prev.partitioner if preservesPartitioning else None)

    def _is_pipelinable(self) -> bool:
        return self.storage_level is None and not self.checkpointed \
            and not self._checkpoint_requested

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter(self.func(split, tc.iterate(self.prev, split)))

    def combine_locally(self, split: int, tc: Any, spec: Any) -> Iterator | None:
        """Pre-combined (key, combiner) pairs for a counting shuffle, else None."""
        if self.op is None or self.op[0] != "map" or self.storage_level is not None \
                or not spec.map_side_combine or not counting_aggregator(spec.aggregator):
            return None
        constant = pair_constant(self.op[1])
        if constant is None:
            return None
        base = tc.iterate(self.prev, split)
        keys = self.head_func(split, base) if self.head_func is not None else base
        return count_pairs(keys, constant)


class ParallelCollectionRDD(RDD):
    def __init__(self, ctx: Any, data: Iterable, num_slices: int):
        self.slices = _slice(data, num_slices)
        super().__init__(ctx, [], len(self.slices))

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter(self.slices[split])


def _slice(data: Iterable, n: int) -> list:
    if n == 0:
        return []
    if isinstance(data, range):
        size = len(data)
        return [data[i * size // n:(i + 1) * size // n] for i in range(n)]
    if not isinstance(data, (list, tuple)):
        data = list(data)
    size = len(data)
    return [list(data[i * size // n:(i + 1) * size // n]) for i in range(n)]


class ShuffledRDD(RDD):
    def __init__(self, prev: RDD, spec: ShuffleSpec, partitioner: Partitioner):
        super().__init__(prev.ctx, [ShuffleDependency(prev, spec)], spec.num_partitions,
                         partitioner)
        self.spec = spec
        driver = getattr(prev.ctx, "_driver", None)
        if driver is not None:  # Spark's ContextCleaner: once unreachable, the shuffle goes
            weakref.finalize(self, driver.shuffle_unreachable, spec.shuffle_id).atexit = False

    def compute(self, split: int, tc: Any) -> Iterator:
        return tc.read_shuffle(self.spec, split)


class UnionRDD(RDD):
    def __init__(self, ctx: Any, rdds: list[RDD]):
        deps = []
        self.parts: list[tuple[RDD, int]] = []
        for r in rdds:
            deps.append(RangeDependency(r, 0, len(self.parts), r.num_partitions))
            self.parts += [(r, i) for i in range(r.num_partitions)]
        partitioner = rdds[0].partitioner if rdds and all(
            r.partitioner is not None and r.partitioner == rdds[0].partitioner
            for r in rdds) else None
        super().__init__(ctx, deps, len(self.parts))
        if partitioner is not None:
            # PartitionerAwareUnionRDD: partition i of every parent forms partition i
            self.dependencies = [OneToOneDependency(r) for r in rdds]
            self.num_partitions = partitioner.numPartitions
            self.partitioner = partitioner
            self.parts = []
        self.rdds = rdds

    def compute(self, split: int, tc: Any) -> Iterator:
        if self.partitioner is not None:
            return chain.from_iterable(tc.iterate(r, split) for r in self.rdds)
        rdd, i = self.parts[split]
        return tc.iterate(rdd, i)
