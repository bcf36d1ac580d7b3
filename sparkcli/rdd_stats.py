"""Numeric and approximate actions of RDD (PySpark's pyspark.rdd): sums, statistics,
histograms, and the ``*Approx`` family. :class:`StatsMixin` is a base of
sparkcli.rdd_actions.ActionsMixin, so every RDD has these methods.

Like every action, each ends in ``sc._run_job(rdd, func, partitions)`` (directly, or through
``reduce``/``mapPartitions``) and merges one result per partition on the driver:

* ``stats`` builds a :class:`~sparkcli.statcounter.StatCounter` per partition and merges
  them (count, mean, M2, max, min in one pass, Welford/Chan); ``mean``, ``variance``,
  ``stdev``, ``sampleVariance`` and ``sampleStdev`` read it.
* ``histogram`` follows PySpark exactly: with a bucket count it first finds min and max
  (skipping None and NaN), makes evenly spaced integer buckets when they divide exactly,
  and the last bucket is closed; each partition returns one list of counts, summed column
  by column.
* ``countApprox``, ``sumApprox`` and ``meanApprox`` return exact results (as a
  :class:`BoundedFloat` with low == high where PySpark returns one), whatever the timeout.
* ``countApproxDistinct`` is a HyperLogLog over ``portable_hash`` values: each partition
  returns its 2**p one-byte registers (the precision p comes from ``relativeSD`` as in
  Spark's HyperLogLogPlus, 4 <= p <= 18), the driver takes their element-wise maximum and
  estimates with the small-range (linear counting) correction.
"""

from __future__ import annotations

import bisect
import math
from typing import Any, Callable, Iterable

from runtime.shuffle.hashing import portable_hash
from sparkcli.statcounter import StatCounter


class BoundedFloat(float):
    """An approximate result with its confidence and bounds (pyspark.rdd.BoundedFloat)."""

    def __new__(cls, mean: float, confidence: float, low: float, high: float):
        obj = float.__new__(cls, mean)
        obj.confidence = confidence
        obj.low = low
        obj.high = high
        return obj


# -- HyperLogLog for countApproxDistinct -----------------------------------------------------
_M64 = (1 << 64) - 1


def _mix64(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def _hll_registers(iterator: Iterable, p: int) -> bytearray:
    m = 1 << p
    regs = bytearray(m)
    shift = 64 - p
    mask = (1 << shift) - 1
    for x in iterator:
        h = _mix64(portable_hash(x) & _M64)
        idx = h >> shift
        w = h & mask
        rank = shift - w.bit_length() + 1
        if rank > regs[idx]:
            regs[idx] = rank
    return regs


def _hll_estimate(regs: bytearray) -> int:
    m = len(regs)
    alpha = {16: 0.673, 32: 0.697, 64: 0.709}.get(m, 0.7213 / (1 + 1.079 / m))
    est = alpha * m * m / sum(2.0 ** -r for r in regs)
    zeros = regs.count(0)
    if est <= 2.5 * m and zeros:
        est = m * math.log(m / zeros)
    return int(round(est))


class StatsMixin:
    """sum, stats, histogram and the approximate actions; mixed into ActionsMixin."""

    # -- counting ------------------------------------------------------------------------
    def countApprox(self, timeout: int, confidence: float = 0.95) -> int:
        """count() (the exact count is returned, within any timeout).

        >>> sc.parallelize(range(1000), 10).countApprox(1000, 1.0)
        1000
        """
        return int(self.count())

    def countApproxDistinct(self, relativeSD: float = 0.05) -> int:
        """Approximate number of distinct elements (HyperLogLog).

        >>> n = sc.parallelize(range(1000)).map(str).countApproxDistinct()
        >>> 900 < n < 1100
        True
        """
        if relativeSD < 0.000017:
            raise ValueError("relativeSD should be greater than 0.000017")
        p = int(math.ceil(2.0 * math.log(1.054 / relativeSD) / math.log(2)))
        p = min(max(p, 4), 18)
        regs = self.ctx._run_job(self, lambda it: _hll_registers(it, p))
        merged = bytearray(1 << p)
        for r in regs:
            merged = bytearray(map(max, merged, r))
        return _hll_estimate(merged)

    # -- numbers ---------------------------------------------------------------------------
    def sum(self) -> Any:
        """The sum of the elements.

        >>> sc.parallelize([1.0, 2.0, 3.0]).sum()
        6.0
        """
        return sum(self.ctx._run_job(self, sum), 0)

    def sumApprox(self, timeout: int, confidence: float = 0.95) -> BoundedFloat:
        """sum() as a BoundedFloat (exact: low == high == the sum).

        >>> r = sum(range(1000))
        >>> abs(sc.parallelize(range(1000)).sumApprox(1000) - r) / r < 0.05
        True
        """
        s = float(self.sum())
        return BoundedFloat(s, confidence, s, s)

    def meanApprox(self, timeout: int, confidence: float = 0.95) -> BoundedFloat:
        """mean() as a BoundedFloat (exact).

        >>> r = sum(range(1000)) / 1000.0
        >>> abs(sc.parallelize(range(1000)).meanApprox(1000) - r) / r < 0.05
        True
        """
        m = float(self.mean())
        return BoundedFloat(m, confidence, m, m)

    def max(self, key: Callable | None = None) -> Any:
        """The largest element (by ``key``).

        >>> sc.parallelize([1.0, 5.0, 43.0, 10.0]).max()
        43.0
        """
        if key is None:
            return self.reduce(max)
        return self.reduce(lambda a, b: max(a, b, key=key))

    def min(self, key: Callable | None = None) -> Any:
        """The smallest element (by ``key``).

        >>> sc.parallelize([2.0, 5.0, 43.0, 10.0]).min()
        2.0
        """
        if key is None:
            return self.reduce(min)
        return self.reduce(lambda a, b: min(a, b, key=key))

    def stats(self) -> StatCounter:
        """Count, mean, variance, max and min in one pass.

        >>> sc.parallelize([1, 2, 3]).stats()
        (count: 3, mean: 2.0, stdev: 0.816496580927726, max: 3.0, min: 1.0)
        """
        return self.mapPartitions(lambda i: [StatCounter(i)]).reduce(
            lambda a, b: a.mergeStats(b))

    def mean(self) -> float:
        """>>> sc.parallelize([1, 2, 3]).mean()
        2.0
        """
        return self.stats().mean()

    def variance(self) -> float:
        """>>> sc.parallelize([1, 2, 3]).variance()
        0.6666666666666666
        """
        return self.stats().variance()

    def stdev(self) -> float:
        """>>> sc.parallelize([1, 2, 3]).stdev()
        0.816496580927726
        """
        return self.stats().stdev()

    def sampleVariance(self) -> float:
        """>>> sc.parallelize([1, 2, 3]).sampleVariance()
        1.0
        """
        return self.stats().sampleVariance()

    def sampleStdev(self) -> float:
        """>>> sc.parallelize([1, 2, 3]).sampleStdev()
        1.0
        """
        return self.stats().sampleStdev()

    def histogram(self, buckets: Any) -> tuple:
        """Bucket counts: ``buckets`` is a count of evenly spaced buckets between min and
        max, or a sorted list of bucket boundaries ([1, 10, 20] means [1, 10) and [10, 20]).

        >>> sc.parallelize(range(51)).histogram(2)
        ([0, 25, 50], [25, 26])
        >>> sc.parallelize(range(51)).histogram([0, 5, 25, 50])
        ([0, 5, 25, 50], [5, 20, 26])
        """
        if isinstance(buckets, int):
            if buckets < 1:
                raise ValueError("number of buckets must be >= 1")

            def comparable(x: Any) -> bool:
                if x is None:
                    return False
                if type(x) is float and math.isnan(x):
                    return False
                return True

            filtered = self.filter(comparable)

            def minmax(a: tuple, b: tuple) -> tuple:
                return min(a[0], b[0]), max(a[1], b[1])

            try:
                minv, maxv = filtered.map(lambda x: (x, x)).reduce(minmax)
            except ValueError as e:
                if "empty" in str(e):
                    raise ValueError("can not generate buckets from empty RDD") from None
                raise
            if minv == maxv or buckets == 1:
                return [minv, maxv], [filtered.count()]
            try:
                inc = (maxv - minv) / buckets
            except TypeError:
                raise TypeError("Can not generate buckets with non-number in RDD") from None
            if math.isinf(inc):
                raise ValueError("Can not generate buckets with infinite value")
            inc = int(inc)  # keep them as integers if possible
            if inc * buckets != maxv - minv:
                inc = (maxv - minv) * 1.0 / buckets
            buckets = [i * inc + minv for i in range(buckets)]
            buckets.append(maxv)  # fix accumulated error
            even = True
        elif isinstance(buckets, (list, tuple)):
            if len(buckets) < 2:
                raise ValueError("buckets should have more than one value")
            if any(i is None or isinstance(i, float) and math.isnan(i) for i in buckets):
                raise ValueError("can not have None or NaN in buckets")
            if sorted(buckets) != list(buckets):
                raise ValueError("buckets should be sorted")
            if len(set(buckets)) != len(buckets):
                raise ValueError("buckets should not contain duplicated values")
            minv, maxv = buckets[0], buckets[-1]
            even = False
            inc = None
            try:
                steps = [buckets[i + 1] - buckets[i] for i in range(len(buckets) - 1)]
            except TypeError:
                pass  # objects without '-'
            else:
                if max(steps) - min(steps) < 1e-10:  # precision errors
                    even = True
                    inc = (maxv - minv) / (len(buckets) - 1)
        else:
            raise TypeError("buckets should be a list or tuple or number(int or long)")

        bucket_list = list(buckets)

        def histogram_partition(iterator: Iterable) -> list:
            counters = [0] * len(bucket_list)
            for i in iterator:
                if i is None or (isinstance(i, float) and math.isnan(i)) or i > maxv \
                        or i < minv:
                    continue
                t = int((i - minv) / inc) if even \
                    else bisect.bisect_right(bucket_list, i) - 1
                counters[t] += 1
            last = counters.pop()  # the last bucket is closed: add the max values
            counters[-1] += last
            return counters

        parts = self.ctx._run_job(self, histogram_partition)
        return buckets, [sum(col) for col in zip(*parts)]
