"""Actions of RDD (PySpark's pyspark.rdd): jobs that bring results to the driver.

Every action ends in ``sc._run_job(rdd, func, partitions)``, which runs ``func(iterator)``
on each requested partition in the executors and returns one result per partition; the
driver then merges them (``reduce``/``fold``/``aggregate`` merge partial results with the
user's function, ``top``/``takeOrdered`` merge heaps). The numeric and approximate actions
(``sum``, ``stats``, ``histogram``, ``countApproxDistinct``, ...) are in sparkcli.rdd_stats,
whose :class:`~sparkcli.rdd_stats.StatsMixin` is the base of :class:`ActionsMixin`.

Partition-scanning actions follow PySpark exactly: ``take(n)`` first runs one partition,
then grows the number of partitions tried (x4 when nothing was found, else an estimate
times 1.5, at most x4); ``toLocalIterator`` runs one job per partition (optionally
prefetching the next one in a background thread).

Sampling is PySpark's RDDSampler: each partition seeds ``random.Random(seed ^ split)``, so a
fixed seed gives the same sample on every run; ``withReplacement`` draws Poisson counts.
"""

from __future__ import annotations

import heapq
import math
import random
import sys
import threading
from collections import defaultdict
from functools import reduce
from itertools import islice
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

from runtime.lineage.narrow import Cartesian, Zipped
from sparkcli.errors import PySparkNotImplementedError
from sparkcli.rdd_stats import StatsMixin

# StatsMixin's examples run with this module's (doctest.DocTestFinder only looks at the
# functions a module defines itself)
__test__ = {f"StatsMixin.{name}": fn for name, fn in vars(StatsMixin).items()
            if callable(fn) and ">>>" in (fn.__doc__ or "")}


# -- samplers (pyspark.rddsampler) -------------------------------------------------------------
T = TypeVar("T")


class RDDSamplerBase:
    def __init__(self, withReplacement: bool, seed: int | None = None):
        self._seed = seed if seed is not None else random.randint(0, sys.maxsize)
        self._withReplacement = withReplacement
        self._random: random.Random | None = None

    def initRandomGenerator(self, split: int) -> None:
        self._random = random.Random(self._seed ^ split)
        for _ in range(10):  # mixing: the seeds of neighbouring partitions are close
            self._random.randint(0, 1)

    def getUniformSample(self) -> float:
        return self._random.random()

    def getPoissonSample(self, mean: float) -> int:
        rnd = self._random
        if mean < 20.0:  # Knuth
            lda = math.exp(-mean)
            p = rnd.random()
            k = 0
            while p > lda:
                k += 1
                p *= rnd.random()
        else:
            p = rnd.expovariate(mean)
            k = 0
            while p < 1.0:
                k += 1
                p += rnd.expovariate(mean)
        return k

    def func(self, split: int, iterator: Iterable) -> Iterator:
        raise NotImplementedError


class RDDSampler(RDDSamplerBase):
    def __init__(self, withReplacement: bool, fraction: float, seed: int | None = None):
        super().__init__(withReplacement, seed)
        self._fraction = fraction

    def func(self, split: int, iterator: Iterable) -> Iterator:
        self.initRandomGenerator(split)
        if self._withReplacement:
            for obj in iterator:
                for _ in range(self.getPoissonSample(self._fraction)):
                    yield obj
        else:
            rnd = self._random.random
            fraction = self._fraction
            for obj in iterator:
                if rnd() < fraction:
                    yield obj


class RDDRangeSampler(RDDSamplerBase):
    def __init__(self, lowerBound: float, upperBound: float, seed: int | None = None):
        super().__init__(False, seed)
        self._lowerBound = lowerBound
        self._upperBound = upperBound

    def func(self, split: int, iterator: Iterable) -> Iterator:
        self.initRandomGenerator(split)
        lb, ub, rnd = self._lowerBound, self._upperBound, self._random.random
        for obj in iterator:
            if lb <= rnd() < ub:
                yield obj


class RDDStratifiedSampler(RDDSamplerBase):
    def __init__(self, withReplacement: bool, fractions: dict, seed: int | None = None):
        super().__init__(withReplacement, seed)
        self._fractions = fractions

    def func(self, split: int, iterator: Iterable) -> Iterator:
        self.initRandomGenerator(split)
        if self._withReplacement:
            for key, val in iterator:
                for _ in range(self.getPoissonSample(self._fractions[key])):
                    yield key, val
        else:
            for key, val in iterator:
                if self.getUniformSample() < self._fractions[key]:
                    yield key, val


class RDDBarrier(Generic[T]):
    """``rdd.barrier()``: the stage's tasks are meant to run together (pyspark RDDBarrier).

    sparkcli runs the wrapped functions as ordinary tasks: there is no BarrierTaskContext,
    so code that needs ``barrier()``/``allGather()`` synchronisation is not supported.
    """

    def __repr__(self) -> str:
        return f"<pyspark.core.rdd.RDDBarrier object at {id(self):#x}>"

    def __init__(self, rdd: Any):
        self.rdd = rdd

    def mapPartitions(self, f: Callable, preservesPartitioning: bool = False):
        return self.rdd.mapPartitions(f, preservesPartitioning)

    def mapPartitionsWithIndex(self, f: Callable, preservesPartitioning: bool = False):
        return self.rdd.mapPartitionsWithIndex(f, preservesPartitioning)


class ActionsMixin(StatsMixin):
    # -- collecting ------------------------------------------------------------------------
    def collect(self) -> list:
        """All elements, in partition order.

        >>> sc.parallelize([1, 2, 3], 2).collect()
        [1, 2, 3]
        """
        out: list = []
        for chunk in self.ctx._run_job(self, list):
            out.extend(chunk)
        return out

    def collectWithJobGroup(self, groupId: str, description: str,
                            interruptOnCancel: bool = False) -> list:
        """collect() under a job group (deprecated in PySpark; use setJobGroup)."""
        sc = self.ctx
        old = {k: sc.getLocalProperty(k) for k in
               ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel")}
        sc.setJobGroup(groupId, description, interruptOnCancel)
        try:
            return self.collect()
        finally:
            for k, v in old.items():
                sc.setLocalProperty(k, v)

    def collectAsMap(self) -> dict:
        """The (k, v) pairs as a dict.

        >>> sc.parallelize([(1, 2), (3, 4)]).collectAsMap()[1]
        2
        """
        return dict(self.collect())

    def toLocalIterator(self, prefetchPartitions: bool = False) -> Iterator:
        """Iterate over all elements, computing one partition (one job) at a time.

        >>> list(sc.parallelize(range(10), 3).toLocalIterator())
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        """
        return _local_iterator(self, prefetchPartitions)

    # -- counting --------------------------------------------------------------------------
    def count(self) -> int:
        """The number of elements.

        >>> sc.parallelize([2, 3, 4]).count()
        3
        """
        return sum(self.ctx._run_job(self, _count_iter))

    def countByValue(self) -> dict:
        """How many times each distinct element occurs, as a defaultdict(int).

        >>> sorted(sc.parallelize([1, 2, 1, 2, 2], 2).countByValue().items())
        [(1, 2), (2, 3)]
        """

        def count_partition(iterator: Iterable) -> dict:
            counts: dict = defaultdict(int)
            for obj in iterator:
                counts[obj] += 1
            return counts

        total: dict = defaultdict(int)
        for counts in self.ctx._run_job(self, count_partition):
            for k, v in counts.items():
                total[k] += v
        return total

    def isEmpty(self) -> bool:
        """True when the RDD has no element.

        >>> sc.parallelize([]).isEmpty()
        True
        """
        return self.getNumPartitions() == 0 or len(self.take(1)) == 0

    # -- taking ----------------------------------------------------------------------------
    def take(self, num: int) -> list:
        """The first ``num`` elements, scanning as few partitions as possible.

        >>> sc.parallelize([2, 3, 4, 5, 6]).take(2)
        [2, 3]
        """
        items: list = []
        total_parts = self.getNumPartitions()
        parts_scanned = 0
        while len(items) < num and parts_scanned < total_parts:
            num_parts_to_try = 1
            if parts_scanned > 0:
                if len(items) == 0:
                    num_parts_to_try = parts_scanned * 4
                else:
                    num_parts_to_try = int(1.5 * num * parts_scanned / len(items)) \
                        - parts_scanned
                    num_parts_to_try = min(max(num_parts_to_try, 1), parts_scanned * 4)
            left = num - len(items)
            parts = list(range(parts_scanned, min(parts_scanned + num_parts_to_try,
                                                  total_parts)))
            for chunk in self.ctx._run_job(self, lambda it, n=left: list(islice(it, n)),
                                           parts):
                items.extend(chunk)
            parts_scanned += num_parts_to_try
        return items[:num]

    def first(self) -> Any:
        """The first element.

        >>> sc.parallelize([2, 3, 4]).first()
        2
        """
        rs = self.take(1)
        if rs:
            return rs[0]
        raise ValueError("RDD is empty")

    def takeOrdered(self, num: int, key: Callable | None = None) -> list:
        """The ``num`` smallest elements (by ``key``), ascending.

        >>> sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7]).takeOrdered(6)
        [1, 2, 3, 4, 5, 6]
        """
        if num < 0:
            raise ValueError("top N cannot be negative.")
        if num == 0 or self.getNumPartitions() == 0:
            return []

        def merge(a: list, b: list) -> list:
            return heapq.nsmallest(num, a + b, key)

        return self.mapPartitions(lambda it: [heapq.nsmallest(num, it, key)]).reduce(merge)

    def top(self, num: int, key: Callable | None = None) -> list:
        """The ``num`` largest elements (by ``key``), descending.

        >>> sc.parallelize([2, 3, 4, 5, 6], 2).top(2)
        [6, 5]
        """

        def merge(a: list, b: list) -> list:
            return heapq.nlargest(num, a + b, key=key)

        return self.mapPartitions(lambda it: [heapq.nlargest(num, it, key=key)]).reduce(merge)

    # -- sampling --------------------------------------------------------------------------
    def sample(self, withReplacement: bool, fraction: float, seed: int | None = None):
        """A sampled subset (each element kept with probability ``fraction``, or drawn a
        Poisson(fraction) number of times with replacement).

        >>> rdd = sc.parallelize(range(100), 4)
        >>> 6 <= rdd.sample(False, 0.1, 81).count() <= 14
        True
        """
        if not fraction >= 0:
            raise ValueError("Fraction must be nonnegative.")
        return self.mapPartitionsWithIndex(
            RDDSampler(withReplacement, fraction, seed).func, True)

    def randomSplit(self, weights: list, seed: int | None = None) -> list:
        """Split into RDDs with sizes roughly proportional to ``weights``.

        >>> rdd = sc.parallelize(range(500), 1)
        >>> rdd1, rdd2 = rdd.randomSplit([2, 3], 17)
        >>> len(rdd1.collect() + rdd2.collect())
        500
        """
        if not all(w >= 0 for w in weights):
            raise ValueError("Weights must be nonnegative")
        s = float(sum(weights))
        if not s > 0:
            raise ValueError("Sum of weights must be positive")
        cweights = [0.0]
        for w in weights:
            cweights.append(cweights[-1] + w / s)
        if seed is None:
            seed = random.randint(0, 2 ** 32 - 1)
        return [self.mapPartitionsWithIndex(RDDRangeSampler(lb, ub, seed).func, True)
                for lb, ub in zip(cweights, cweights[1:])]

    def takeSample(self, withReplacement: bool, num: int, seed: int | None = None) -> list:
        """A fixed-size random sample, shuffled.

        >>> rdd = sc.parallelize(range(0, 10))
        >>> len(rdd.takeSample(True, 20, 1))
        20
        >>> len(rdd.takeSample(False, 5, 2))
        5
        """
        num_stdev = 10.0
        max_sample_size = sys.maxsize - int(num_stdev * math.sqrt(sys.maxsize))
        if num < 0:
            raise ValueError("Sample size cannot be negative.")
        if num > max_sample_size:
            raise ValueError("Sample size cannot be greater than %d." % max_sample_size)
        if num == 0 or self.getNumPartitions() == 0:
            return []
        initial_count = self.count()
        if initial_count == 0:
            return []
        rand = random.Random(seed)
        if not withReplacement and num >= initial_count:
            samples = self.collect()
            rand.shuffle(samples)
            return samples
        fraction = _fraction_for_sample_size(num, initial_count, withReplacement)
        samples = self.sample(withReplacement, fraction, seed).collect()
        while len(samples) < num:
            seed = rand.randint(0, sys.maxsize)
            samples = self.sample(withReplacement, fraction, seed).collect()
        rand.shuffle(samples)
        return samples[0:num]

    # -- reducing --------------------------------------------------------------------------
    def reduce(self, f: Callable) -> Any:
        """Reduce with a commutative, associative binary function.

        >>> sc.parallelize([1, 2, 3, 4, 5]).reduce(add)
        15
        """

        def reduce_partition(iterator: Iterable) -> list:
            iterator = iter(iterator)
            try:
                initial = next(iterator)
            except StopIteration:
                return []
            return [reduce(f, iterator, initial)]

        vals = [v for part in self.ctx._run_job(self, reduce_partition) for v in part]
        if vals:
            return reduce(f, vals)
        raise ValueError("Can not reduce() empty RDD")

    def treeReduce(self, f: Callable, depth: int = 2) -> Any:
        """reduce() in a multi-level tree of partial results.

        >>> sc.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10).treeReduce(add, 2)
        -5
        """
        if depth < 1:
            raise ValueError("Depth cannot be smaller than 1 but got %d." % depth)
        zero = (None, True)  # the flag marks the dummy zero

        def op(x: tuple, y: tuple) -> tuple:
            if x[1]:
                return y
            if y[1]:
                return x
            return f(x[0], y[0]), False

        reduced = self.map(lambda x: (x, False)).treeAggregate(zero, op, op, depth)
        if reduced[1]:
            raise ValueError("Cannot reduce empty RDD.")
        return reduced[0]

    def fold(self, zeroValue: Any, op: Callable) -> Any:
        """Fold each partition from ``zeroValue``, then the partial results.

        >>> sc.parallelize([1, 2, 3, 4, 5]).fold(0, add)
        15
        """

        def fold_partition(iterator: Iterable) -> Any:
            acc = zeroValue
            for obj in iterator:
                acc = op(acc, obj)
            return acc

        return reduce(op, self.ctx._run_job(self, fold_partition), zeroValue)

    def aggregate(self, zeroValue: Any, seqOp: Callable, combOp: Callable) -> Any:
        """Aggregate each partition with seqOp from ``zeroValue``, then combine with combOp.

        >>> seqOp = (lambda x, y: (x[0] + y, x[1] + 1))
        >>> combOp = (lambda x, y: (x[0] + y[0], x[1] + y[1]))
        >>> sc.parallelize([1, 2, 3, 4]).aggregate((0, 0), seqOp, combOp)
        (10, 4)
        """

        def aggregate_partition(iterator: Iterable) -> Any:
            acc = zeroValue
            for obj in iterator:
                acc = seqOp(acc, obj)
            return acc

        return reduce(combOp, self.ctx._run_job(self, aggregate_partition), zeroValue)

    def treeAggregate(self, zeroValue: Any, seqOp: Callable, combOp: Callable,
                      depth: int = 2) -> Any:
        """aggregate() in a multi-level tree (partial results combined through shuffles).

        >>> add = lambda x, y: x + y
        >>> sc.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10).treeAggregate(0, add, add, 2)
        -5
        """
        if depth < 1:
            raise ValueError("Depth cannot be smaller than 1 but got %d." % depth)
        if self.getNumPartitions() == 0:
            return zeroValue

        def aggregate_partition(iterator: Iterable) -> Iterator:
            acc = zeroValue
            for obj in iterator:
                acc = seqOp(acc, obj)
            yield acc

        partial = self.mapPartitions(aggregate_partition)
        num_partitions = partial.getNumPartitions()
        scale = max(int(math.ceil(pow(num_partitions, 1.0 / depth))), 2)
        while num_partitions > scale + num_partitions / scale:
            num_partitions /= scale
            cur = int(num_partitions)

            def map_partition(i: int, iterator: Iterable, cur: int = cur) -> Iterator:
                for obj in iterator:
                    yield (i % cur, obj)

            partial = partial.mapPartitionsWithIndex(map_partition) \
                .reduceByKey(combOp, cur).values()
        return partial.reduce(combOp)

    # -- side effects ----------------------------------------------------------------------
    def foreach(self, f: Callable) -> None:
        """Apply ``f`` to every element, in the executors.

        >>> sc.parallelize([1, 2, 3, 4, 5]).foreach(lambda x: None)
        """

        def process(iterator: Iterable) -> None:
            for x in iterator:
                f(x)

        self.ctx._run_job(self, process)

    def foreachPartition(self, f: Callable) -> None:
        """Apply ``f`` to every partition's iterator, in the executors.

        >>> sc.parallelize([1, 2, 3, 4, 5]).foreachPartition(lambda it: None)
        """

        def process(iterator: Iterable) -> None:
            r = f(iterator)
            if r is not None:
                try:
                    for _ in r:
                        pass
                except TypeError:
                    pass

        self.ctx._run_job(self, process)

    # -- zips and products -----------------------------------------------------------------
    def zipWithIndex(self):
        """Pair each element with its index (runs a job to count the partitions first).

        >>> sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect()
        [('a', 0), ('b', 1), ('c', 2), ('d', 3)]
        """
        starts = [0]
        if self.getNumPartitions() > 1:
            nums = self.ctx._run_job(self, _count_iter)
            for i in range(len(nums) - 1):
                starts.append(starts[-1] + nums[i])

        def func(k: int, it: Iterable) -> Iterator:
            for i, v in enumerate(it, starts[k]):
                yield v, i

        return self.mapPartitionsWithIndex(func)

    def zipWithUniqueId(self):
        """Pair each element of partition k with ids k, n+k, 2n+k, ... (no job needed).

        >>> sc.parallelize(["a", "b", "c", "d", "e"], 3).zipWithUniqueId().collect()
        [('a', 0), ('b', 1), ('c', 4), ('d', 2), ('e', 5)]
        """
        n = self.getNumPartitions()

        def func(k: int, it: Iterable) -> Iterator:
            for i, v in enumerate(it):
                yield v, i * n + k

        return self.mapPartitionsWithIndex(func)

    def zip(self, other):
        """Pair the i-th elements of both RDDs (same partitions and partition sizes needed).

        >>> x = sc.parallelize(range(0, 5))
        >>> y = sc.parallelize(range(1000, 1005))
        >>> x.zip(y).collect()
        [(0, 1000), (1, 1001), (2, 1002), (3, 1003), (4, 1004)]
        """
        return self._wrap(Zipped(self._next_id(), self._node, other._node))

    def cartesian(self, other):
        """All pairs (a, b) with a in self and b in other.

        >>> rdd = sc.parallelize([1, 2])
        >>> sorted(rdd.cartesian(rdd).collect())
        [(1, 1), (1, 2), (2, 1), (2, 2)]
        """
        return self._wrap(Cartesian(self._next_id(), self._node, other._node))

    # -- misc ------------------------------------------------------------------------------
    def barrier(self) -> RDDBarrier:
        """Mark the stage as a barrier stage (runs as ordinary tasks in sparkcli)."""
        return RDDBarrier(self)

    def withResources(self, profile: Any):
        """Attach a ResourceProfile (recorded only; sparkcli schedules by slots)."""
        self._resource_profile = profile
        return self

    def getResourceProfile(self) -> Any:
        """The ResourceProfile given to withResources(), or None."""
        return getattr(self, "_resource_profile", None)

    def cleanShuffleDependencies(self, blocking: bool = False) -> None:
        """Spark removes this RDD's shuffle files; sparkcli keeps map outputs for the
        application's lifetime (the local dir is removed at stop()), so this is a no-op."""

    def toDF(self, schema: Any = None, sampleRatio: float | None = None) -> Any:
        """A DataFrame of this RDD. Creating a SparkSession installs the real method (as
        PySpark's session does); before that there is no session to create it in."""
        raise PySparkNotImplementedError(
            "RDD.toDF needs a SparkSession: create one first "
            "(SparkSession.builder.getOrCreate()), or use spark.createDataFrame(rdd)")


def _count_iter(it: Iterable) -> int:
    n = 0
    for _ in it:
        n += 1
    return n


def _fraction_for_sample_size(lower: int, total: int, with_replacement: bool) -> float:
    fraction = float(lower) / total
    if with_replacement:
        num_stdev = 9 if lower < 12 else 5
        return fraction + num_stdev * math.sqrt(fraction / total)
    delta = 0.00005
    gamma = -math.log(delta) / total
    return min(1, fraction + gamma + math.sqrt(gamma * gamma + 2 * gamma * fraction))


def _local_iterator(rdd: Any, prefetch: bool) -> Iterator:
    n = rdd.getNumPartitions()
    if not prefetch:
        for i in range(n):
            yield from rdd.ctx._run_job(rdd, list, [i])[0]
        return
    results: dict = {}

    def fetch(i: int) -> None:
        try:
            results[i] = ("ok", rdd.ctx._run_job(rdd, list, [i])[0])
        except BaseException as e:  # noqa: BLE001 - re-raised on the consumer side
            results[i] = ("error", e)

    threads: dict = {}
    if n:
        threads[0] = threading.Thread(target=fetch, args=(0,), daemon=True)
        threads[0].start()
    for i in range(n):
        if i + 1 < n:
            threads[i + 1] = threading.Thread(target=fetch, args=(i + 1,), daemon=True)
            threads[i + 1].start()
        threads.pop(i).join()
        kind, value = results.pop(i)
        if kind == "error":
            raise value
        yield from value

