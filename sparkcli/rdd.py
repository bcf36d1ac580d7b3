"""RDD: the PySpark-shaped API over an engine lineage node (PySpark's pyspark.rdd).

An RDD is a context (``ctx``, driver side only) and a node (``_node``, a
runtime.lineage.node.Node) that holds everything the engine needs: id, partitions,
dependencies, partitioner, storage level, checkpoint state. The DAG scheduler, task
scheduler and executors only ever see nodes; an RDD pickled into a closure travels as its
node (the context stays behind). Transformations build a new node -- ids from the
context's AppRuntime -- and wrap it in a new RDD; actions run jobs through the context.

Narrow transformations are pipelined like PySpark's PipelinedRDD: ``map``, ``filter``,
``flatMap`` ... all become ``mapPartitionsWithIndex`` and consecutive ones are fused into
one function of (split, iterator) by runtime.lineage.narrow.MapPartitions, so a stage runs
as one pass over each partition. Fusion stops at a node that is persisted or checkpointed.

Spark's ContextCleaner: a persisted node and a shuffle get a finalizer; once the node is
unreachable (from every RDD and every later node), the driver drops its blocks / files.

The public method set is split over mixins to keep modules small:
    rdd.py          core: construction, narrow transformations, shuffles, persistence
    rdd_pairs.py    key-value functions (joins, cogroup, *ByKey, lookup ...)
    rdd_actions.py  actions (collect, count, reduce, take*, ...)
    rdd_stats.py    numeric/approximate actions (sum, stats, histogram, *Approx)
    rdd_io.py       saving, pipe, checkpointing, debugging strings
"""

from __future__ import annotations

import os
import weakref
from itertools import chain
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

from runtime.lineage.checkpoint import due_checkpoints, write_checkpoint
from runtime.lineage.narrow import MapPartitions, Union
from runtime.lineage.node import Node
from runtime.lineage.partitioner import Partitioner
from runtime.lineage.precombine import counting_map_side
from runtime.lineage.shuffled import Shuffled
from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.spec import Aggregator, ShuffleSpec
from sparkcli import scope
from sparkcli.callsite import creation_site
from sparkcli.rdd_actions import ActionsMixin
from sparkcli.rdd_io import IOMixin
from sparkcli.rdd_pairs import PairMixin
from sparkcli.storagelevel import StorageLevel

__all__ = ["RDD", "PipelinedRDD", "Partitioner", "portable_hash"]


T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
U = TypeVar("U")


class _RDDId(int):
    """An RDD's id: an int (``rdd.id``), callable for PySpark's ``rdd.id()``."""

    def __call__(self) -> int:
        return int(self)

    def __reduce__(self):
        return (_RDDId, (int(self),))


class RDD(PairMixin, ActionsMixin, IOMixin, Generic[T_co]):
    def __init__(self, ctx: Any, node: Node):
        self.ctx = ctx
        self._node = node

    # pickling: executors get the lineage without the driver-only context
    def __getstate__(self):
        return {"ctx": None, "_node": self._node}

    def _wrap(self, node: Node) -> "RDD":
        """A new RDD of this context over ``node``."""
        return wrap(self.ctx, node)

    def _next_id(self) -> int:
        return self.ctx.runtime.ids.rdd()

    @property
    def id(self) -> _RDDId:
        return _RDDId(self._node.id)

    @property
    def num_partitions(self) -> int:
        return self._node.num_partitions

    @property
    def partitioner(self) -> Partitioner | None:
        return self._node.partitioner

    @property
    def storage_level(self) -> StorageLevel | None:
        return self._node.storage_level

    @property
    def checkpointed(self) -> bool:
        return self._node.checkpointed

    @property
    def context(self) -> Any:
        return self.ctx

    def getNumPartitions(self) -> int:
        return self._node.num_partitions

    def id_(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return repr(self._node)

    def _after_job(self) -> None:
        """Hook run on the driver after a job on this RDD: write the reliable checkpoints
        requested in its lineage (Spark's RDD.doCheckpoint: the nearest marked RDDs)."""
        for node in due_checkpoints(self._node):
            write_checkpoint(node, os.path.join(self.ctx._checkpoint_dir, f"rdd-{node.id}"),
                             self.ctx._run_node_job)

    # -- narrow transformations -------------------------------------------------------------
    def mapPartitionsWithIndex(self, f: Callable[[int, Iterator], Iterable],
                               preservesPartitioning: bool = False) -> "RDD":
        return self._wrap(MapPartitions(self._next_id(), self._node, f, preservesPartitioning))

    def mapPartitions(self, f: Callable[[Iterator], Iterable],
                      preservesPartitioning: bool = False) -> "RDD":
        return self.mapPartitionsWithIndex(lambda _, it: f(it), preservesPartitioning)

    def mapPartitionsWithSplit(self, f, preservesPartitioning: bool = False) -> "RDD":
        return self.mapPartitionsWithIndex(f, preservesPartitioning)

    def map(self, f: Callable, preservesPartitioning: bool = False) -> "RDD":
        return self._wrap(MapPartitions(self._next_id(), self._node, lambda _, it: map(f, it),
                                        preservesPartitioning, op=("map", f)))

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
        return self._wrap(Union(self._next_id(), [self._node, other._node]))

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
        spec = ShuffleSpec(self.ctx.runtime.ids.shuffle(), numPartitions, partitionFunc)
        return self._shuffled(spec, partitioner)

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
        spec = ShuffleSpec(self.ctx.runtime.ids.shuffle(), numPartitions, partitionFunc, agg,
                           map_side_combine=True)
        return self._shuffled(spec, partitioner, counting_map_side(self._node, spec))

    def _shuffled(self, spec: ShuffleSpec, partitioner: Partitioner,
                  map_side: Node | None = None) -> "RDD":
        """The reduce side of a shuffle of this RDD. Spark's ContextCleaner: once the node is
        unreachable, the driver drops the shuffle (stage, binaries, files)."""
        node = Shuffled(self._next_id(), self._node, spec, partitioner, map_side)
        driver = self.ctx.runtime.driver
        weakref.finalize(node, driver.shuffle_unreachable, spec.shuffle_id).atexit = False
        return self._wrap(node)

    def _default_reduce_partitions(self) -> int:
        if self.ctx._config.get("spark.default.parallelism"):
            return self.ctx.defaultParallelism
        return self.getNumPartitions() or 1

    # -- persistence ---------------------------------------------------------------------------
    def cache(self) -> "RDD":
        return self.persist(StorageLevel.MEMORY_ONLY)

    def persist(self, storageLevel: StorageLevel = StorageLevel.MEMORY_ONLY) -> "RDD":
        node = self._node
        if node.storage_level is not None and node.storage_level != storageLevel:
            raise ValueError("Cannot change storage level of an RDD after it was already "
                             "assigned a level")
        if node.storage_level is None:  # ContextCleaner: a collected RDD's blocks go too
            driver = self.ctx.runtime.driver
            weakref.finalize(node, driver.rdd_unreachable, node.id).atexit = False
        node.storage_level = storageLevel
        return self

    def unpersist(self, blocking: bool = False) -> "RDD":
        if self._node.storage_level is not None:
            self._node.storage_level = None
            self.ctx.runtime.driver.remove_rdd(self._node.id)
        return self

    @property
    def is_cached(self) -> bool:
        return self.storage_level is not None

    def getStorageLevel(self) -> StorageLevel:
        return self.storage_level or StorageLevel.NONE

    def setName(self, name: str) -> "RDD":
        self._node.name = name
        return self

    def name(self) -> str | None:
        return self._node.name


scope.scope_all(RDD)  # every RDD made by one API call carries its scope (sparkcli/scope.py)


class PipelinedRDD(RDD[U], Generic[T, U]):
    """An RDD over a chain of fused narrow functions (runtime.lineage.narrow.MapPartitions)."""


def wrap(ctx: Any, node: Node) -> RDD:
    """The RDD of ``ctx`` over ``node``, which learns where the user made it (stage names,
    RDD infos, toDebugString)."""
    if node.creation_site is None:  # a DStream's batches carry the DStream's (as Spark's)
        node.creation_site = ctx.getLocalProperty("callSite.short") or creation_site(2)
    if node.scope is None:
        node.scope = scope.current()
    return (PipelinedRDD if isinstance(node, MapPartitions) else RDD)(ctx, node)
