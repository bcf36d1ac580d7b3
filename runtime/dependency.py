"""Dependencies between RDDs, as the scheduler sees them (Spark's Dependency classes).

The API layer (sparkcli.rdd) builds RDD objects; the engine only needs, from each RDD:
``id``, ``num_partitions``, ``dependencies`` (a list of the objects below), ``storage_level``
(None when not persisted), ``compute(split, task_context) -> iterator`` and
``checkpointed`` data. A dependency is either

* **narrow** (:class:`NarrowDependency`): each child partition reads a known, small set of
  parent partitions in the same task (map, filter, union, coalesce, zip...). ``parents(split)``
  names them; the scheduler uses it to find cached parent partitions (locality).
* **shuffle** (:class:`ShuffleDependency`): a child partition reads one bucket of every parent
  partition's map output. The DAG scheduler cuts a stage boundary here; the map side is a
  ShuffleMapStage keyed by ``shuffle_id`` and reused by every later job that needs it.

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
    def __init__(self, rdd: Any, spec: Any):
        self.rdd = rdd
        self.spec = spec  # runtime.shuffle.spec.ShuffleSpec

    @property
    def shuffle_id(self) -> int:
        return self.spec.shuffle_id

    def __getstate__(self):
        return {"rdd": None, "spec": self.spec}
