"""StatCounter: count, mean, variance, min and max in one pass (PySpark's pyspark.statcounter).

``rdd.stats()`` builds one StatCounter per partition in the executors and merges them on the
driver with :meth:`StatCounter.mergeStats`. The fields are Welford's running moments:

    n         number of values merged
    mu        running mean
    m2        running sum of squared deviations from the mean (variance numerator)
    maxValue  largest value seen (-inf when empty)
    minValue  smallest value seen (+inf when empty)

Merging two counters uses Chan et al.'s parallel formula, with Spark's choice of which side's
mean to keep when one counter is much larger (better precision). numpy is used for
max/min/sqrt when importable, so counters of numpy arrays work element-wise, as in PySpark.
"""

from __future__ import annotations

import copy
import math
from typing import Iterable


class StatCounter:
    def __init__(self, values: Iterable[float] | None = None):
        try:
            from numpy import maximum, minimum, sqrt
        except ImportError:
            maximum, minimum, sqrt = max, min, math.sqrt
        self.maximum = maximum
        self.minimum = minimum
        self.sqrt = sqrt
        self.n = 0
        self.mu = 0.0
        self.m2 = 0.0
        self.maxValue = float("-inf")
        self.minValue = float("inf")
        for v in values or ():
            self.merge(v)

    def merge(self, value: float) -> "StatCounter":
        """Add one value."""
        delta = value - self.mu
        self.n += 1
        self.mu += delta / self.n
        self.m2 += delta * (value - self.mu)
        if type(value) in _SCALARS:  # plain numbers stay plain floats (no numpy scalars)
            if value > self.maxValue or value != value:
                self.maxValue = float(value)
            if value < self.minValue or value != value:
                self.minValue = float(value)
        else:
            self.maxValue = self.maximum(self.maxValue, value)
            self.minValue = self.minimum(self.minValue, value)
        return self

    def mergeStats(self, other: "StatCounter") -> "StatCounter":
        """Add the values another counter has seen."""
        if not isinstance(other, StatCounter):
            raise TypeError("Can only merge StatCounter but got %s" % type(other))
        if other is self:
            return self.mergeStats(other.copy())
        if self.n == 0:
            self.mu, self.m2, self.n = other.mu, other.m2, other.n
            self.maxValue, self.minValue = other.maxValue, other.minValue
        elif other.n != 0:
            delta = other.mu - self.mu
            if other.n * 10 < self.n:
                self.mu = self.mu + (delta * other.n) / (self.n + other.n)
            elif self.n * 10 < other.n:
                self.mu = other.mu - (delta * self.n) / (self.n + other.n)
            else:
                self.mu = (self.mu * self.n + other.mu * other.n) / (self.n + other.n)
            self.maxValue = _pick(self.maximum, self.maxValue, other.maxValue)
            self.minValue = _pick(self.minimum, self.minValue, other.minValue)
            self.m2 += other.m2 + (delta * delta * self.n * other.n) / (self.n + other.n)
            self.n += other.n
        return self

    def copy(self) -> "StatCounter":
        return copy.deepcopy(self)

    def count(self) -> int:
        return int(self.n)

    def mean(self) -> float:
        return self.mu

    def sum(self) -> float:
        return self.n * self.mu

    def min(self) -> float:
        return self.minValue

    def max(self) -> float:
        return self.maxValue

    def variance(self) -> float:
        """Population variance (divides by N)."""
        return float("nan") if self.n == 0 else self.m2 / self.n

    def sampleVariance(self) -> float:
        """Sample variance (divides by N-1)."""
        return float("nan") if self.n <= 1 else self.m2 / (self.n - 1)

    def stdev(self) -> float:
        return _sqrt(self.sqrt, self.variance())

    def sampleStdev(self) -> float:
        return _sqrt(self.sqrt, self.sampleVariance())

    def asDict(self, sample: bool = False) -> dict:
        """The members as a dict (PySpark's quirk kept: stdev/variance are the *sample* ones
        unless ``sample`` is true)."""
        return {
            "count": self.count(),
            "mean": self.mean(),
            "sum": self.sum(),
            "min": self.min(),
            "max": self.max(),
            "stdev": self.stdev() if sample else self.sampleStdev(),
            "variance": self.variance() if sample else self.sampleVariance(),
        }

    def __getstate__(self):
        state = dict(self.__dict__)
        for k in ("maximum", "minimum", "sqrt"):
            state.pop(k, None)
        return state

    def __setstate__(self, state):
        fresh = StatCounter()
        self.__dict__.update(maximum=fresh.maximum, minimum=fresh.minimum, sqrt=fresh.sqrt)
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return "(count: %s, mean: %s, stdev: %s, max: %s, min: %s)" % (
            self.count(), self.mean(), self.stdev(), self.max(), self.min())


_SCALARS = (int, float, bool)


def _pick(func, a, b):
    if type(a) is float and type(b) is float:
        return float("nan") if a != a or b != b else float(func(a, b))
    return func(a, b)


def _sqrt(func, v):
    return math.sqrt(v) if type(v) is float and v >= 0 else func(v)
