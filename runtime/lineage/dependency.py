"""Dependencies between lineage nodes, as the scheduler sees them (Spark's Dependency classes).

A node (runtime.lineage.node) lists its parents as ``dependencies``; ``dep.rdd`` is the
parent node. A dependency is either

* **narrow** (:class:`NarrowDependency`): each child partition reads a known, small set of
  parent partitions in the same task (map, filter, union, coalesce, zip...). ``parents(split)``
  names them; the scheduler uses it to find cached parent partitions (locality).
* **shuffle** (:class:`ShuffleDependency`): a child partition reads one bucket of every parent
  partition's map output. The DAG scheduler cuts a stage boundary here; the map side is a
  ShuffleMapStage keyed by ``shuffle_id`` and reused by every later job that needs it.
  ``map_side`` is an optional node chosen when the plan is built: the parent's partitions
  already combined on the map side (runtime.lineage.precombine). :meth:`ShuffleDependency.
  map_input` is what a map task computes: ``map_side`` while the parent is neither persisted
  nor checkpointed (its partitions must then be stored or read as such), else the parent.

When pickled into a task, a ShuffleDependency leaves its parent RDD behind: reduce tasks only
need the spec, and the parent's lineage (possibly large parallelized data) must not travel
with every downstream stage.
"""

from __future__ import annotations

from typing import Any


class NarrowDependency:
    def __init__(self, rdd: Any):
        self.rdd = rdd

    def parents(self, split: int) -> list[int]:
        raise NotImplementedError


class OneToOneDependency(NarrowDependency):
    def parents(self, split: int) -> list[int]:
        return [split]


class RangeDependency(NarrowDependency):
    """Child partitions [out_start, out_start+length) are parent partitions [in_start, ...)."""

    def __init__(self, rdd: Any, in_start: int, out_start: int, length: int):
        super().__init__(rdd)
        self.in_start, self.out_start, self.length = in_start, out_start, length

    def parents(self, split: int) -> list[int]:
        if self.out_start <= split < self.out_start + self.length:
            return [split - self.out_start + self.in_start]
        return []


class ListDependency(NarrowDependency):
    """Arbitrary mapping child split -> list of parent splits (coalesce, cartesian)."""

    def __init__(self, rdd: Any, mapping: list[list[int]]):
        super().__init__(rdd)
        self.mapping = mapping

    def parents(self, split: int) -> list[int]:
        return self.mapping[split]


class ShuffleDependency:
    def __init__(self, rdd: Any, spec: Any, map_side: Any = None):
        self.rdd = rdd
        self.spec = spec  # runtime.shuffle.spec.ShuffleSpec
        self.map_side = map_side  # a node: rdd's partitions pre-combined, or None

    @property
    def shuffle_id(self) -> int:
        return self.spec.shuffle_id

    def map_input(self) -> Any:
        """The node a map task of this shuffle computes (see the module doc)."""
        if self.map_side is not None and self.rdd is not None and self.rdd.pipelinable:
            return self.map_side
        return self.rdd

    def __getstate__(self):
        return {"rdd": None, "spec": self.spec, "map_side": None}
