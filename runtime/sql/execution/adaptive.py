"""Adaptive query execution: coalescing small shuffle partitions after the map stage.

Spark's AQE (``spark.sql.adaptive.enabled``, default true) runs a query stage by stage and,
once a shuffle's map stage has run, merges adjacent reduce partitions whose map output is
small (``CoalesceShufflePartitions`` / ``ShufflePartitionsUtil.coalescePartitions``), so a
groupBy over little data runs one reduce task, not ``spark.sql.shuffle.partitions`` (200).
The lineage runner does the same:

1. it builds the exchange's shuffle with the requested partition count and runs its map
   stage alone -- a one-task job on a :class:`MapStages` node, which depends on the
   shuffles and reads nothing (the DAG scheduler keeps finished map stages by shuffle id,
   so the query's own job later finds them done and skips them, as Spark's AQE reuses its
   materialized query stages);
2. it asks the driver for the bytes each reducer got (the map statuses' segment lengths,
   summed over maps: ``JobHooks.map_output_sizes``);
3. :func:`coalesce_groups` cuts the reducers into contiguous groups, Spark's way: with
   ``coalescePartitions.parallelismFirst`` (true) the target size is
   ``max(min(advisoryPartitionSizeInBytes, total / minPartitionNum), minPartitionSize)``
   (minPartitionNum: the default parallelism; minPartitionSize 1 MB); adjacent reducers are
   merged while the group stays within the target, then a group under 20% of the target
   is merged into its smaller neighbour (Spark's SMALL_PARTITION_FACTOR);
4. :class:`CoalescedShuffled` reads a group of reducers per partition. Shuffles read
   together (the two sides of a shuffled join) are coalesced with the same groups, cut on
   their summed sizes, so partition i of each still holds the same keys.

Range partitions stay ordered (groups are contiguous). The node keeps the original
``Shuffled`` node alive, so the shuffle is cleaned up only when the query's lineage goes.
"""

from __future__ import annotations

import math
from itertools import chain
from typing import Any, Iterator

from runtime.lineage.dependency import OneToOneDependency
from runtime.lineage.node import Node

__all__ = ["CoalescedShuffled", "MapStages", "coalesce_groups", "read_nothing"]

SMALL_PARTITION_FACTOR = 0.2
MIN_PARTITION_SIZE = 1 << 20  # spark.sql.adaptive.coalescePartitions.minPartitionSize


def coalesce_groups(sizes: list[int], advisory: int, min_partitions: int,
                    min_partition_size: int = MIN_PARTITION_SIZE) -> list[tuple[int, int]]:
    """Contiguous ``[start, end)`` groups of reducers (see the module doc).

    >>> coalesce_groups([10, 0, 5, 7], 64 << 20, 2)
    [(0, 4)]
    >>> coalesce_groups([40, 40, 40, 5], 64, 1, 1)
    [(0, 1), (1, 2), (2, 4)]
    """
    n = len(sizes)
    if n == 0:
        return []
    total = sum(sizes)
    max_target = math.ceil(total / max(1, min_partitions))
    target = max(min(max_target, advisory), min_partition_size, 1)
    groups: list[list[int]] = []  # [start, end, bytes]
    start, acc = 0, 0
    for i, s in enumerate(sizes):
        if i > start and acc + s > target:
            groups.append([start, i, acc])
            start, acc = i, 0
        acc += s
    groups.append([start, n, acc])
    small = target * SMALL_PARTITION_FACTOR
    i = 0
    while len(groups) > 1 and i < len(groups):
        g = groups[i]
        if g[2] < small:
            left = groups[i - 1] if i > 0 else None
            right = groups[i + 1] if i + 1 < len(groups) else None
            if right is None or (left is not None and left[2] <= right[2]):
                left[1], left[2] = g[1], left[2] + g[2]  # type: ignore[index]
                del groups[i]
            else:
                right[0], right[2] = g[0], right[2] + g[2]
                del groups[i]
            continue
        i += 1
    return [(g[0], g[1]) for g in groups]


def read_nothing(it: Iterator) -> None:
    """The result function of a map-stage job: its one task reads nothing."""
    return None


class MapStages(Node):
    """Depends on shuffles and reads nothing: a job on it runs just their map stages."""

    rdd_class = "MapStagesRDD"

    def __init__(self, id: int, shuffles: list[Node]):
        super().__init__(id, [OneToOneDependency(s) for s in shuffles], 1)

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter(())


class CoalescedShuffled(Node):
    """Partition i reads reducers ``groups[i]`` of the shuffle of ``shuffled``."""

    rdd_class = "ShuffledRowRDD"

    def __init__(self, id: int, shuffled: Any, groups: list[tuple[int, int]]):
        super().__init__(id, list(shuffled.dependencies), len(groups))
        self.shuffled = shuffled
        self.spec = shuffled.spec
        self.groups = groups

    @property
    def shuffle_id(self) -> int:
        return self.spec.shuffle_id

    def compute(self, split: int, tc: Any) -> Iterator:
        lo, hi = self.groups[split]
        return chain.from_iterable(tc.read_shuffle(self.spec, r) for r in range(lo, hi))
