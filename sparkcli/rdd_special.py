"""RDDs with non-trivial narrow dependencies: coalesce, cartesian, zip, checkpoint files.

Each class only describes lineage: which parent partitions a child partition reads
(``runtime.dependency`` objects, which the scheduler also uses for locality) and how
``compute(split, tc)`` combines them.

* :class:`CoalescedRDD` -- ``coalesce(n, shuffle=False)``: child partition ``i`` reads the
  contiguous parent partitions ``[i*P//n, (i+1)*P//n)`` (P = parent partitions; Spark's
  DefaultPartitionCoalescer without locality information groups the same way). One
  :class:`~runtime.dependency.ListDependency` holds the mapping.
* :class:`CartesianRDD` -- child partition ``s`` pairs partition ``s // Nb`` of ``a`` with
  partition ``s % Nb`` of ``b`` (Spark's CartesianRDD order): ``Na * Nb`` partitions, two
  ListDependencies. The ``b`` side is materialised once per task, the ``a`` side streams.
* :class:`ZippedRDD` -- partition ``i`` zips partition ``i`` of both parents, failing when
  their lengths differ (Spark: "Can only zip RDDs with same number of elements in each
  partition").
* :class:`CheckpointReader` -- what a reliably checkpointed RDD computes instead of its
  lineage: partition ``i`` is the file ``<dir>/part-0000i`` (a :func:`runtime.serde.
  dump_batches` stream), written by :func:`write_partition`.
"""

from __future__ import annotations

import os
from itertools import chain
from typing import Any, Iterable, Iterator

from runtime import serde
from runtime.dependency import ListDependency, OneToOneDependency
from sparkcli.rdd import RDD


class CoalescedRDD(RDD):
    def __init__(self, prev: RDD, num_partitions: int):
        n_parent = prev.num_partitions
        n = max(1, min(num_partitions, n_parent)) if n_parent else 0
        self.mapping = [list(range(i * n_parent // n, (i + 1) * n_parent // n))
                        for i in range(n)]
        super().__init__(prev.ctx, [ListDependency(prev, self.mapping)], n)
        self.prev = prev

    def compute(self, split: int, tc: Any) -> Iterator:
        return chain.from_iterable(tc.iterate(self.prev, p) for p in self.mapping[split])


class CartesianRDD(RDD):
    def __init__(self, a: RDD, b: RDD):
        na, nb = a.num_partitions, b.num_partitions
        deps = [ListDependency(a, [[s // nb] for s in range(na * nb)]),
                ListDependency(b, [[s % nb] for s in range(na * nb)])]
        super().__init__(a.ctx, deps, na * nb)
        self.a, self.b, self.nb = a, b, nb

    def compute(self, split: int, tc: Any) -> Iterator:
        right = list(tc.iterate(self.b, split % self.nb))
        for x in tc.iterate(self.a, split // self.nb):
            for y in right:
                yield (x, y)


class ZippedRDD(RDD):
    def __init__(self, a: RDD, b: RDD):
        if a.num_partitions != b.num_partitions:
            raise ValueError("Can only zip with RDD which has the same number of partitions "
                             f"({a.num_partitions} != {b.num_partitions})")
        super().__init__(a.ctx, [OneToOneDependency(a), OneToOneDependency(b)],
                         a.num_partitions)
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


def part_name(split: int) -> str:
    return "part-%05d" % split


def write_partition(directory: str, split: int, records: Iterable, attempt: int = 0) -> str:
    """Write one partition as a batched-pickle file (tmp name, then rename); returns its path."""
    final = os.path.join(directory, part_name(split))
    tmp = os.path.join(directory, f".{part_name(split)}.attempt-{attempt}-{os.getpid()}.tmp")
    with open(tmp, "wb", buffering=1 << 20) as f:
        serde.dump_batches(records, f)
    os.replace(tmp, final)
    return final


class CheckpointReader:
    """``compute`` of a checkpointed RDD: read partition files instead of the lineage."""

    def __init__(self, directory: str):
        self.directory = directory

    def __call__(self, split: int, tc: Any) -> Iterator:
        path = os.path.join(self.directory, part_name(split))
        if not os.path.exists(path):
            raise FileNotFoundError(f"Checkpoint file {path} is missing: the checkpoint "
                                    "directory was removed while the application ran")
        return _read_file(path)


def _read_file(path: str) -> Iterator:
    with open(path, "rb", buffering=1 << 20) as f:
        yield from serde.load_batches(f)
