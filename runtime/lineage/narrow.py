"""Nodes with narrow dependencies: map-partitions (pipelined), union, coalesce, cartesian, zip.

Each class describes which parent partitions a child partition reads (the
runtime.lineage.dependency objects, which the scheduler also uses for locality) and how
``compute(split, tc)`` combines them.

* :class:`MapPartitions` -- PySpark's PipelinedRDD: ``func(split, iterator)`` over the
  parent's partition. Consecutive ones are fused when built: the new node's ``func`` is
  ``f2(split, f1(split, it))`` and its parent is the first one's parent, so a stage runs as
  one pass over each partition with no materialisation between map/filter/flatMap.
  Fusion stops at a node that is not ``pipelinable`` (persisted or checkpointed), so its
  partitions can be stored. ``op`` is ``("map", f)`` when the (last) step is a plain
  ``map(f)`` and ``head_func`` the fused function before it (None when there is none):
  what runtime.lineage.precombine needs to count keys without building pairs.
* :class:`Union` -- partitions of the parents one after the other (RangeDependencies);
  when every parent has the same partitioner, Spark's PartitionerAwareUnionRDD instead:
  partition i reads partition i of every parent and the partitioner is kept.
* :class:`Coalesced` -- ``coalesce(n, shuffle=False)``: child partition i reads the
  contiguous parent partitions ``[i*P//n, (i+1)*P//n)`` (P = parent partitions; Spark's
  DefaultPartitionCoalescer without locality information groups the same way).
* :class:`Cartesian` -- child partition s pairs partition ``s // Nb`` of ``a`` with
  partition ``s % Nb`` of ``b`` (Spark's order); the ``b`` side is materialised once per
  task, the ``a`` side streams.
* :class:`Zipped` -- partition i zips partition i of both parents, failing when their
  lengths differ (Spark: "Can only zip RDDs with same number of elements in each
  partition").
"""

from __future__ import annotations

from itertools import chain
from typing import Any, Callable, Iterable, Iterator

from runtime.lineage.dependency import ListDependency, OneToOneDependency, RangeDependency
from runtime.lineage.node import Node


class MapPartitions(Node):
    """A chain of narrow functions fused into one ``func(split, iterator)``."""

    rdd_class = "PipelinedRDD"

    def __init__(self, id: int, prev: Node, func: Callable[[int, Iterator], Iterable],
                 preserves_partitioning: bool = False, op: tuple | None = None):
        self.op = op
        if isinstance(prev, MapPartitions) and prev.pipelinable:
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
        super().__init__(id, [OneToOneDependency(self.prev)], prev.num_partitions,
                         prev.partitioner if preserves_partitioning else None)

    def compute(self, split: int, tc: Any) -> Iterator:
        return iter(self.func(split, tc.iterate(self.prev, split)))


class Union(Node):
    rdd_class = "UnionRDD"

    def __init__(self, id: int, nodes: list[Node]):
        self.nodes = nodes
        self.parts: list[tuple[Node, int]] = []  # (parent, its split) per partition
        first = nodes[0].partitioner if nodes else None
        if first is not None and all(n.partitioner == first for n in nodes):
            # PartitionerAwareUnionRDD: partition i of every parent forms partition i
            super().__init__(id, [OneToOneDependency(n) for n in nodes], first.numPartitions,
                             first)
            return
        deps = []
        for n in nodes:
            deps.append(RangeDependency(n, 0, len(self.parts), n.num_partitions))
            self.parts += [(n, i) for i in range(n.num_partitions)]
        super().__init__(id, deps, len(self.parts))

    def compute(self, split: int, tc: Any) -> Iterator:
        if self.partitioner is not None:
            return chain.from_iterable(tc.iterate(n, split) for n in self.nodes)
        node, i = self.parts[split]
        return tc.iterate(node, i)


class Coalesced(Node):
    rdd_class = "CoalescedRDD"

    def __init__(self, id: int, prev: Node, num_partitions: int):
        n_parent = prev.num_partitions
        n = max(1, min(num_partitions, n_parent)) if n_parent else 0
        self.mapping = [list(range(i * n_parent // n, (i + 1) * n_parent // n))
                        for i in range(n)]
        super().__init__(id, [ListDependency(prev, self.mapping)], n)
        self.prev = prev

    def compute(self, split: int, tc: Any) -> Iterator:
        return chain.from_iterable(tc.iterate(self.prev, p) for p in self.mapping[split])


class Cartesian(Node):
    rdd_class = "CartesianRDD"

    def __init__(self, id: int, a: Node, b: Node):
        na, nb = a.num_partitions, b.num_partitions
        deps = [ListDependency(a, [[s // nb] for s in range(na * nb)]),
                ListDependency(b, [[s % nb] for s in range(na * nb)])]
        super().__init__(id, deps, na * nb)
        self.a, self.b, self.nb = a, b, nb

    def compute(self, split: int, tc: Any) -> Iterator:
        right = list(tc.iterate(self.b, split % self.nb))
        for x in tc.iterate(self.a, split // self.nb):
            for y in right:
                yield (x, y)


class Zipped(Node):
    rdd_class = "ZippedRDD"

    def __init__(self, id: int, a: Node, b: Node):
        if a.num_partitions != b.num_partitions:
            raise ValueError("Can only zip with RDD which has the same number of partitions "
                             f"({a.num_partitions} != {b.num_partitions})")
        super().__init__(id, [OneToOneDependency(a), OneToOneDependency(b)], a.num_partitions)
        self.a, self.b = a, b

    def compute(self, split: int, tc: Any) -> Iterator:
        left, right = iter(tc.iterate(self.a, split)), iter(tc.iterate(self.b, split))
        sentinel = object()
        while True:
            x = next(left, sentinel)
            y = next(right, sentinel)
            if x is sentinel and y is sentinel:
                return
            if x is sentinel or y is sentinel:
                raise ValueError("Can only zip RDDs with same number of elements in each "
                                 f"partition (partition {split})")
            yield (x, y)
