"""Nodes whose partitions are data held by the node itself: no parents.

* :class:`ParallelCollection` -- ``sc.parallelize(data, n)``: the data cut into ``n``
  contiguous slices (``slices[i]`` is partition i; a ``range`` stays a ``range``, so
  ``sc.range`` ships a few integers, not a list).
* :class:`BlockList` -- partition i is the list ``blocks[i]`` (a streaming batch made of
  received blocks).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from runtime.lineage.node import Node


class ParallelCollection(Node):
    rdd_class = "ParallelCollectionRDD"

    def __init__(self, id: int, data: Iterable, num_slices: int):
        self.slices = slice_collection(data, num_slices)
        super().__init__(id, [], len(self.slices))

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter(self.slices[split])


def slice_collection(data: Iterable, n: int) -> list:
    """``data`` cut into ``n`` contiguous slices of sizes differing by at most one."""
    if n == 0:
        return []
    if isinstance(data, range):
        size = len(data)
        return [data[i * size // n:(i + 1) * size // n] for i in range(n)]
    if not isinstance(data, (list, tuple)):
        data = list(data)
    size = len(data)
    return [list(data[i * size // n:(i + 1) * size // n]) for i in range(n)]


class BlockList(Node):
    """Partition i is the list ``blocks[i]``."""

    rdd_class = "BlockListRDD"

    def __init__(self, id: int, blocks: list[list]):
        self.blocks = blocks
        super().__init__(id, [], len(blocks))

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter(self.blocks[split])
