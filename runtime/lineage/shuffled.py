"""The reduce side of a shuffle: :class:`Shuffled` (Spark's ShuffledRDD).

Partition r is reducer r's records of the shuffle ``spec`` (runtime.shuffle.spec.ShuffleSpec),
read from every map output by ``tc.read_shuffle``; with an aggregator they are merged into
``(key, combiner)`` pairs. Its one dependency is a ShuffleDependency on ``prev``, carrying
the map side chosen when the plan was built (``map_side``, e.g. the counting fast path of
runtime.lineage.precombine, or None for the parent's records as they are).
"""

from __future__ import annotations

from typing import Any, Iterator

from runtime.lineage.dependency import ShuffleDependency
from runtime.lineage.node import Node


class Shuffled(Node):
    rdd_class = "ShuffledRDD"

    def __init__(self, id: int, prev: Node, spec: Any, partitioner: Any = None,
                 map_side: Node | None = None):
        super().__init__(id, [ShuffleDependency(prev, spec, map_side)], spec.num_partitions,
                         partitioner)
        self.spec = spec

    @property
    def shuffle_id(self) -> int:
        return self.spec.shuffle_id

    def compute(self, split: int, tc: Any) -> Iterator:
        return tc.read_shuffle(self.spec, split)
