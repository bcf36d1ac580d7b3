"""Key-value and set operations of RDD (PySpark's pyspark.rdd, pair functions).

Everything here is built from the core's two shuffles, ``combineByKey`` (map-side combine)
and ``partitionBy``, plus :meth:`PairMixin.groupByKey`, which ships an Aggregator of lists
with ``map_side_combine=False`` (combining lists on the map side saves nothing):

* ``reduceByKey`` / ``foldByKey`` / ``aggregateByKey`` -> ``combineByKey``;
* joins and ``cogroup`` follow PySpark's pyspark.join: tag each side's values with the
  side's index (``mapValues(lambda v: (i, v))``), ``union`` them, ``groupByKey`` and
  dispatch the tagged values per key. When both sides already share the partitioner, the
  union is partitioner-aware and the groupByKey needs no shuffle;
* ``distinct`` -> ``reduceByKey``; ``subtract`` / ``intersection`` -> ``cogroup``;
* ``sortByKey`` is PySpark's range partitioning: count, sample ~20 keys per output
  partition, take ``numPartitions - 1`` bounds, ``partitionBy`` with the engine's
  RangePartitioner (runtime/shuffle/partitioner.py: ``bisect``) and sort each partition with
  the task's external sorter (``tc.sort``, which spills).

Default partition counts come from the core's ``_default_reduce_partitions`` (PySpark's
``_defaultReducePartitions``).
"""

from __future__ import annotations

import copy
import random
import sys
from functools import reduce
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

from runtime import task_env
from runtime.lineage.narrow import Coalesced
from runtime.lineage.partitioner import Partitioner
from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.partitioner import RangePartitioner, range_bounds
from runtime.shuffle.spec import Aggregator, ShuffleSpec
from sparkcli.rdd_actions import RDDStratifiedSampler


T = TypeVar("T")


class ResultIterable(Generic[T]):
    """The values of one key after groupByKey/cogroup (pyspark.resultiterable.ResultIterable)."""

    def __init__(self, data: list):
        self.data = data
        self.index = None
        self.maxindex = len(data)

    def __iter__(self) -> Iterator:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:  # as PySpark's (a user sees it in groupByKey().collect())
        return f"<pyspark.resultiterable.ResultIterable object at {id(self):#x}>"


def _sorter(keyfunc: Callable, ascending: bool) -> Callable[[Iterable], Iterator]:
    """Sort a partition of (k, v) by keyfunc(k), spilling through the task's sorter."""

    def sort_partition(iterator: Iterable) -> Iterator:
        def key(kv: tuple) -> Any:
            return keyfunc(kv[0])

        tc = task_env.current()
        if tc is None:
            return iter(sorted(iterator, key=key, reverse=not ascending))
        return tc.sort(iterator, key=key, reverse=not ascending)

    return sort_partition


def _group_values(seq: Iterable, n: int) -> tuple:
    bufs: list[list] = [[] for _ in range(n)]
    for i, v in seq:
        bufs[i].append(v)
    return tuple(bufs)


class PairMixin:
    # -- aggregations by key ---------------------------------------------------------------
    def reduceByKey(self, func: Callable, numPartitions: int | None = None,
                    partitionFunc: Callable[[Any], int] = portable_hash):
        """Merge the values of each key with an associative, commutative function.

        >>> sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).reduceByKey(add).collect())
        [('a', 2), ('b', 1)]
        """
        return self.combineByKey(lambda x: x, func, func, numPartitions, partitionFunc)

    def reduceByKeyLocally(self, func: Callable) -> dict:
        """reduceByKey, returning the result to the driver as a dict.

        >>> sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).reduceByKeyLocally(add).items())
        [('a', 2), ('b', 1)]
        """

        def reduce_partition(iterator: Iterable) -> Iterator:
            m: dict = {}
            for k, v in iterator:
                m[k] = func(m[k], v) if k in m else v
            yield m

        def merge_maps(m1: dict, m2: dict) -> dict:
            for k, v in m2.items():
                m1[k] = func(m1[k], v) if k in m1 else v
            return m1

        return self.mapPartitions(reduce_partition).reduce(merge_maps)

    def countByKey(self) -> dict:
        """Count the elements of each key, as a dict on the driver.

        >>> sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).countByKey().items())
        [('a', 2), ('b', 1)]
        """
        return self.map(lambda x: x[0]).countByValue()

    def foldByKey(self, zeroValue: Any, func: Callable, numPartitions: int | None = None,
                  partitionFunc: Callable[[Any], int] = portable_hash):
        """Merge the values of each key starting from a (copied) neutral zero value.

        >>> sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).foldByKey(0, add).collect())
        [('a', 2), ('b', 1)]
        """

        def create_zero() -> Any:
            return copy.deepcopy(zeroValue)

        return self.combineByKey(lambda v: func(create_zero(), v), func, func, numPartitions,
                                 partitionFunc)

    def aggregateByKey(self, zeroValue: Any, seqFunc: Callable, combFunc: Callable,
                       numPartitions: int | None = None,
                       partitionFunc: Callable[[Any], int] = portable_hash):
        """Aggregate the values of each key with a zero value, seqFunc and combFunc.

        >>> rdd = sc.parallelize([("a", 1), ("b", 2), ("a", 3)])
        >>> sorted(rdd.aggregateByKey((0, 0), lambda a, v: (a[0] + v, a[1] + 1),
        ...        lambda a, b: (a[0] + b[0], a[1] + b[1])).collect())
        [('a', (4, 2)), ('b', (2, 1))]
        """

        def create_zero() -> Any:
            return copy.deepcopy(zeroValue)

        return self.combineByKey(lambda v: seqFunc(create_zero(), v), seqFunc, combFunc,
                                 numPartitions, partitionFunc)

    def groupByKey(self, numPartitions: int | None = None,
                   partitionFunc: Callable[[Any], int] = portable_hash):
        """Group the values of each key into a ResultIterable (no map-side combine).

        >>> rdd = sc.parallelize([("a", 1), ("b", 1), ("a", 1)])
        >>> sorted(rdd.groupByKey().mapValues(len).collect())
        [('a', 2), ('b', 1)]
        """
        if numPartitions is None:
            numPartitions = self._default_reduce_partitions()
        partitioner = Partitioner(numPartitions, partitionFunc)
        if self.partitioner == partitioner:
            def group(iterator: Iterable) -> Iterator:
                d: dict = {}
                for k, v in iterator:
                    if k in d:
                        d[k].append(v)
                    else:
                        d[k] = [v]
                return iter(d.items())

            grouped = self.mapPartitions(group, preservesPartitioning=True)
        else:
            agg = Aggregator(_create_list, _append, _extend)
            spec = ShuffleSpec(self.ctx.runtime.ids.shuffle(), numPartitions, partitionFunc, agg,
                               map_side_combine=False)
            grouped = self._shuffled(spec, partitioner)
        return grouped.mapValues(ResultIterable)

    def groupBy(self, f: Callable, numPartitions: int | None = None,
                partitionFunc: Callable[[Any], int] = portable_hash):
        """Group elements by ``f(element)``.

        >>> rdd = sc.parallelize([1, 1, 2, 3, 5, 8])
        >>> sorted((k, sorted(v)) for k, v in rdd.groupBy(lambda x: x % 2).collect())
        [(0, [2, 8]), (1, [1, 1, 3, 5])]
        """
        return self.map(lambda x: (f(x), x)).groupByKey(numPartitions, partitionFunc)

    # -- joins -------------------------------------------------------------------------------
    def _tagged_groups(self, others: tuple, numPartitions: int | None):
        rdds = (self,) + tuple(others)
        tagged = [r.mapValues(_tagger(i)) for i, r in enumerate(rdds)]
        union = reduce(lambda a, b: a.union(b), tagged)
        return union.groupByKey(numPartitions), len(rdds)

    def join(self, other, numPartitions: int | None = None):
        """Inner join: (k, (v, w)) for every pair of matching values.

        >>> x = sc.parallelize([("a", 1), ("b", 4)])
        >>> y = sc.parallelize([("a", 2), ("a", 3)])
        >>> sorted(x.join(y).collect())
        [('a', (1, 2)), ('a', (1, 3))]
        """
        return self._join(other, numPartitions, False, False)

    def leftOuterJoin(self, other, numPartitions: int | None = None):
        """Left outer join: keys of self without a match get (v, None).

        >>> x = sc.parallelize([("a", 1), ("b", 4)])
        >>> y = sc.parallelize([("a", 2)])
        >>> sorted(x.leftOuterJoin(y).collect())
        [('a', (1, 2)), ('b', (4, None))]
        """
        return self._join(other, numPartitions, False, True)

    def rightOuterJoin(self, other, numPartitions: int | None = None):
        """Right outer join: keys of other without a match get (None, w).

        >>> x = sc.parallelize([("a", 1), ("b", 4)])
        >>> y = sc.parallelize([("a", 2)])
        >>> sorted(y.rightOuterJoin(x).collect())
        [('a', (2, 1)), ('b', (None, 4))]
        """
        return self._join(other, numPartitions, True, False)

    def fullOuterJoin(self, other, numPartitions: int | None = None):
        """Full outer join: missing sides are None.

        >>> x = sc.parallelize([("a", 1), ("b", 4)])
        >>> y = sc.parallelize([("a", 2), ("c", 8)])
        >>> sorted(x.fullOuterJoin(y).collect())
        [('a', (1, 2)), ('b', (4, None)), ('c', (None, 8))]
        """
        return self._join(other, numPartitions, True, True)

    def _join(self, other, numPartitions: int | None, pad_left: bool, pad_right: bool):
        grouped, _ = self._tagged_groups((other,), numPartitions)

        def dispatch(seq: Iterable) -> Iterable:
            vbuf, wbuf = _group_values(seq, 2)
            if pad_left and not vbuf:
                vbuf.append(None)
            if pad_right and not wbuf:
                wbuf.append(None)
            return [(v, w) for v in vbuf for w in wbuf]

        return grouped.flatMapValues(dispatch)

    def cogroup(self, other, numPartitions: int | None = None):
        """For each key, a tuple of ResultIterables: the values in self, then in other.

        >>> x = sc.parallelize([("a", 1), ("b", 4)])
        >>> y = sc.parallelize([("a", 2)])
        >>> [(k, tuple(map(list, v))) for k, v in sorted(x.cogroup(y).collect())]
        [('a', ([1], [2])), ('b', ([4], []))]
        """
        return self._cogroup((other,), numPartitions)

    def groupWith(self, other, *others):
        """cogroup with any number of other RDDs.

        >>> w = sc.parallelize([("a", 5), ("b", 6)])
        >>> x = sc.parallelize([("a", 1), ("b", 4)])
        >>> y = sc.parallelize([("a", 2)])
        >>> [(k, tuple(map(list, v))) for k, v in sorted(w.groupWith(x, y).collect())]
        [('a', ([5], [1], [2])), ('b', ([6], [4], []))]
        """
        return self._cogroup((other,) + others, None)

    def _cogroup(self, others: tuple, numPartitions: int | None):
        grouped, n = self._tagged_groups(others, numPartitions)
        return grouped.mapValues(
            lambda seq: tuple(ResultIterable(vs) for vs in _group_values(seq, n)))

    def subtractByKey(self, other, numPartitions: int | None = None):
        """The pairs of self whose key is not in other.

        >>> x = sc.parallelize([("a", 1), ("b", 4), ("b", 5), ("a", 2)])
        >>> y = sc.parallelize([("a", 3), ("c", None)])
        >>> sorted(x.subtractByKey(y).collect())
        [('b', 4), ('b', 5)]
        """

        def keep(pair: tuple) -> bool:
            _, (val1, val2) = pair
            return bool(val1) and not val2

        return self.cogroup(other, numPartitions).filter(keep).flatMapValues(lambda x: x[0])

    def subtract(self, other, numPartitions: int | None = None):
        """The elements of self that are not in other (duplicates in self are kept).

        >>> x = sc.parallelize([("a", 1), ("b", 4), ("b", 5), ("a", 3)])
        >>> y = sc.parallelize([("a", 3), ("c", None)])
        >>> sorted(x.subtract(y).collect())
        [('a', 1), ('b', 4), ('b', 5)]
        """
        rdd = other.map(lambda x: (x, True))
        return self.map(lambda x: (x, True)).subtractByKey(rdd, numPartitions).keys()

    def intersection(self, other):
        """The distinct elements present in both RDDs.

        >>> rdd1 = sc.parallelize([1, 10, 2, 3, 4, 5])
        >>> rdd2 = sc.parallelize([1, 6, 2, 3, 7, 8])
        >>> sorted(rdd1.intersection(rdd2).collect())
        [1, 2, 3]
        """
        return (self.map(lambda v: (v, None))
                .cogroup(other.map(lambda v: (v, None)))
                .filter(lambda k_vs: all(k_vs[1]))
                .keys())

    def distinct(self, numPartitions: int | None = None):
        """The distinct elements.

        >>> sorted(sc.parallelize([1, 1, 2, 3]).distinct().collect())
        [1, 2, 3]
        """
        return (self.map(lambda x: (x, None))
                .reduceByKey(lambda x, _: x, numPartitions)
                .map(lambda x: x[0]))

    def lookup(self, key: Any) -> list:
        """The values of ``key``; with a known partitioner only its partition is scanned.

        >>> sc.parallelize([(i, str(i)) for i in range(10)]).lookup(3)
        ['3']
        """
        values = self.filter(lambda kv: kv[0] == key).values()
        if self.partitioner is not None:
            return self.ctx.runJob(values, lambda x: x, [self._partition_of(key)])
        return values.collect()

    def _partition_of(self, key: Any) -> int:
        """The partition holding ``key``. Computed here when this process hashes strings
        like the executors (PYTHONHASHSEED=0), else by a one-record task on an executor."""
        partitioner = self.partitioner
        if not sys.flags.hash_randomization:
            return partitioner(key)
        probe = self.ctx.parallelize([key], 1)
        return self.ctx._run_job(probe, lambda it: [partitioner(k) for k in it])[0][0]

    # -- sorting and partitioning ----------------------------------------------------------
    def sortByKey(self, ascending: bool | None = True, numPartitions: int | None = None,
                  keyfunc: Callable[[Any], Any] = lambda x: x):
        """Sort (k, v) pairs by key, range-partitioned: partition i holds smaller keys than
        partition i+1, so ``collect()`` returns a sorted list.

        >>> tmp = [("a", 1), ("b", 2), ("1", 3), ("d", 4), ("2", 5)]
        >>> sc.parallelize(tmp).sortByKey().first()
        ('1', 3)
        """
        if numPartitions is None:
            numPartitions = self._default_reduce_partitions()
        ascending = bool(ascending)
        sort_partition = _sorter(keyfunc, ascending)
        if numPartitions == 1:
            rdd = self.coalesce(1) if self.getNumPartitions() > 1 else self
            return rdd.mapPartitions(sort_partition, True)
        rdd_size = self.count()
        if not rdd_size:
            return self
        max_sample_size = numPartitions * 20.0  # constant from Spark's RangePartitioner
        fraction = min(max_sample_size / max(rdd_size, 1), 1.0)
        samples = self.sample(False, fraction, 1).map(lambda kv: kv[0]).collect()
        samples = sorted(keyfunc(k) for k in samples)
        range_partitioner = RangePartitioner(range_bounds(samples, numPartitions),
                                             numPartitions, ascending, keyfunc)
        return self.partitionBy(numPartitions, range_partitioner).mapPartitions(
            sort_partition, True)

    def sortBy(self, keyfunc: Callable, ascending: bool = True,
               numPartitions: int | None = None):
        """Sort the elements by ``keyfunc(element)``.

        >>> tmp = [("a", 1), ("b", 2), ("1", 3), ("d", 4), ("2", 5)]
        >>> sc.parallelize(tmp).sortBy(lambda x: x[1]).collect()[:2]
        [('a', 1), ('b', 2)]
        """
        return self.keyBy(keyfunc).sortByKey(ascending, numPartitions).values()

    def repartitionAndSortWithinPartitions(
            self, numPartitions: int | None = None,
            partitionFunc: Callable[[Any], int] = portable_hash, ascending: bool = True,
            keyfunc: Callable[[Any], Any] = lambda x: x):
        """partitionBy, then sort each partition by key (one shuffle, external sort).

        >>> rdd = sc.parallelize([(0, 5), (3, 8), (2, 6), (0, 8), (3, 8), (1, 3)])
        >>> rdd.repartitionAndSortWithinPartitions(2, lambda x: x % 2, True).glom().collect()
        [[(0, 5), (0, 8), (2, 6)], [(1, 3), (3, 8), (3, 8)]]
        """
        if numPartitions is None:
            numPartitions = self._default_reduce_partitions()
        return self.partitionBy(numPartitions, partitionFunc).mapPartitions(
            _sorter(keyfunc, ascending), True)

    def repartition(self, numPartitions: int):
        """Exactly ``numPartitions`` partitions, through a shuffle.

        >>> sc.parallelize([1, 2, 3, 4, 5, 6, 7], 4).repartition(2).getNumPartitions()
        2
        """
        return self.coalesce(numPartitions, shuffle=True)

    def coalesce(self, numPartitions: int, shuffle: bool = False):
        """Fewer partitions: without shuffle, contiguous parent partitions are concatenated;
        with shuffle, elements are spread round-robin (Spark's coalesce(shuffle=true)).

        >>> sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1).glom().collect()
        [[1, 2, 3, 4, 5]]
        """
        if not numPartitions > 0:
            raise ValueError("Number of partitions must be positive.")
        if shuffle:
            n = numPartitions

            def distribute(index: int, iterator: Iterable) -> Iterator:
                position = random.Random(index).randrange(n)
                for x in iterator:
                    position += 1
                    yield (position % n, x)

            return (self.mapPartitionsWithIndex(distribute)
                    .partitionBy(n, _identity_partition).values())
        return self._wrap(Coalesced(self._next_id(), self._node, numPartitions))

    def sampleByKey(self, withReplacement: bool, fractions: dict, seed: int | None = None):
        """A sample with a different fraction per key (stratified sampling).

        >>> fractions = {"a": 0.2, "b": 0.1}
        >>> rdd = sc.parallelize(fractions.keys()).cartesian(sc.parallelize(range(0, 1000)))
        >>> sample = dict(rdd.sampleByKey(False, fractions, 2).groupByKey().collect())
        >>> 100 < len(sample["a"]) < 300 and 50 < len(sample["b"]) < 150
        True
        """
        for key in fractions:
            if not fractions[key] >= 0.0:
                raise ValueError("Invalid Sampling rate %s" % fractions[key])
        return self.mapPartitionsWithIndex(
            RDDStratifiedSampler(withReplacement, fractions, seed).func, True)


def _create_list(v: Any) -> list:
    return [v]


def _append(c: list, v: Any) -> list:
    c.append(v)
    return c


def _extend(a: list, b: list) -> list:
    a.extend(b)
    return a


def _identity_partition(k: int) -> int:
    return k


def _tagger(i: int) -> Callable[[Any], tuple]:
    return lambda v: (i, v)

