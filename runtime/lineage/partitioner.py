"""How the keys of a node are partitioned (PySpark's ``pyspark.rdd.Partitioner``).

A node's ``partitioner`` says that record ``(k, v)`` is in partition
``partitionFunc(k) % numPartitions``. Two equal partitioners (same count, same function)
let a shuffle be skipped (combineByKey / groupByKey on an already partitioned node) and let
a union keep partition i of every parent together (the partitioner-aware union).
"""

from __future__ import annotations

from typing import Any, Callable


class Partitioner:
    def __init__(self, numPartitions: int, partitionFunc: Callable[[Any], int]):
        self.numPartitions = numPartitions
        self.partitionFunc = partitionFunc

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Partitioner) and self.numPartitions == other.numPartitions
                and self.partitionFunc == other.partitionFunc)

    def __call__(self, k: Any) -> int:
        return self.partitionFunc(k) % self.numPartitions
