"""Actions end to end, compared with plain-Python computations."""

from __future__ import annotations

import math
import random
import statistics
from operator import add

import pytest

from sparkcli.statcounter import StatCounter

random.seed(11)
NUMS = [random.randint(-1000, 1000) for _ in range(3000)]


def test_collect_count_collect_as_map(sc):
    rdd = sc.parallelize(NUMS, 5)
    assert rdd.collect() == NUMS
    assert rdd.count() == len(NUMS)
    assert sc.parallelize([(1, 2), (3, 4)]).collectAsMap() == {1: 2, 3: 4}
    assert sc.parallelize([2, 3, 4]).count() == 3
    assert sc.parallelize(range(1000), 10).countApprox(1000, 1.0) == 1000


def test_collect_with_job_group(sc):
    rdd = sc.parallelize(range(4))
    assert rdd.collectWithJobGroup("g1", "desc") == [0, 1, 2, 3]
    assert sc.getLocalProperty("spark.jobGroup.id") is None


def test_take_first_is_empty(sc):
    rdd = sc.parallelize(range(100), 10)
    assert rdd.take(0) == []
    assert rdd.take(5) == [0, 1, 2, 3, 4]
    assert rdd.take(37) == list(range(37))
    assert rdd.take(1000) == list(range(100))
    assert sc.parallelize([2, 3, 4, 5, 6]).take(2) == [2, 3]
    assert rdd.first() == 0
    assert not rdd.isEmpty()
    with pytest.raises(ValueError, match="RDD is empty"):
        sc.parallelize([]).first()
    # data only in the last partitions: take keeps growing the scan
    sparse = sc.parallelize(range(100), 20).filter(lambda x: x >= 95)
    assert sparse.take(3) == [95, 96, 97]
    assert sc.parallelize([], 4).isEmpty()


def test_take_scans_incrementally(sc):
    rdd = sc.parallelize(range(100), 10)
    seen = []
    orig = sc._run_job

    def spy(r, func, partitions=None):
        seen.append(list(partitions))
        return orig(r, func, partitions)

    sc._run_job = spy
    try:
        assert rdd.take(3) == [0, 1, 2]
        assert seen == [[0]]
        seen.clear()
        assert rdd.filter(lambda x: x >= 40).take(1) == [40]
        assert seen == [[0], [1, 2, 3, 4]]
    finally:
        del sc._run_job


def test_top_take_ordered(sc):
    rdd = sc.parallelize(NUMS, 4)
    assert rdd.top(5) == sorted(NUMS, reverse=True)[:5]
    assert rdd.takeOrdered(7) == sorted(NUMS)[:7]
    assert rdd.top(4, key=abs) == sorted(NUMS, key=abs, reverse=True)[:4]
    assert rdd.takeOrdered(6, key=lambda x: -x) == sorted(NUMS, reverse=True)[:6]
    assert sc.parallelize([10, 1, 2, 9, 3, 4, 5, 6, 7]).takeOrdered(6) == [1, 2, 3, 4, 5, 6]
    assert sc.parallelize([2, 3, 4, 5, 6], 2).top(2) == [6, 5]
    assert sc.parallelize([], 2).takeOrdered(3) == []
    with pytest.raises(ValueError):
        rdd.takeOrdered(-1)


def test_reduce_fold_aggregate(sc):
    rdd = sc.parallelize(NUMS, 6)
    assert rdd.reduce(add) == sum(NUMS)
    assert rdd.fold(0, add) == sum(NUMS)
    seq = lambda acc, x: (acc[0] + x, acc[1] + 1)  # noqa: E731
    comb = lambda a, b: (a[0] + b[0], a[1] + b[1])  # noqa: E731
    assert rdd.aggregate((0, 0), seq, comb) == (sum(NUMS), len(NUMS))
    assert sc.parallelize([1, 2, 3, 4]).aggregate((0, 0), seq, comb) == (10, 4)
    assert sc.parallelize([]).aggregate((0, 0), seq, comb) == (0, 0)
    assert sc.parallelize([1, 2, 3, 4, 5]).fold(0, add) == 15
    # reduce skips empty partitions
    assert sc.parallelize([5], 4).reduce(add) == 5
    with pytest.raises(ValueError, match="Can not reduce\\(\\) empty RDD"):
        sc.parallelize([], 3).reduce(add)


def test_tree_reduce_and_aggregate(sc):
    rdd = sc.parallelize([-5, -4, -3, -2, -1, 1, 2, 3, 4], 10)
    assert rdd.treeReduce(add) == -5
    assert rdd.treeReduce(add, 1) == -5
    assert rdd.treeReduce(add, 5) == -5
    assert rdd.treeAggregate(0, add, add, 2) == -5
    assert rdd.treeAggregate(0, add, add, 3) == -5
    big = sc.parallelize(NUMS, 16)
    assert big.treeAggregate(0, add, add, 2) == sum(NUMS)
    assert big.treeReduce(max, 3) == max(NUMS)
    with pytest.raises(ValueError):
        rdd.treeReduce(add, 0)
    with pytest.raises(ValueError):
        sc.parallelize([], 2).treeReduce(add)
    assert sc.emptyRDD().treeAggregate(7, add, add) == 7


def test_numeric_actions(sc):
    rdd = sc.parallelize(NUMS, 4)
    assert rdd.sum() == sum(NUMS)
    assert rdd.max() == max(NUMS) and rdd.min() == min(NUMS)
    assert rdd.max(key=abs) == max(NUMS, key=abs)
    assert rdd.min(key=lambda x: (x % 7, x)) == min(NUMS, key=lambda x: (x % 7, x))
    assert rdd.mean() == pytest.approx(statistics.fmean(NUMS))
    assert rdd.variance() == pytest.approx(statistics.pvariance(NUMS))
    assert rdd.stdev() == pytest.approx(statistics.pstdev(NUMS))
    assert rdd.sampleVariance() == pytest.approx(statistics.variance(NUMS))
    assert rdd.sampleStdev() == pytest.approx(statistics.stdev(NUMS))
    assert sc.parallelize([1.0, 2.0, 3.0]).sum() == 6.0
    assert sc.parallelize([1, 2, 3]).variance() == pytest.approx(2 / 3)
    assert sc.parallelize([1, 2, 3]).sampleStdev() == 1.0


def test_stats(sc):
    s = sc.parallelize(NUMS, 7).stats()
    assert isinstance(s, StatCounter)
    assert s.count() == len(NUMS)
    assert s.sum() == pytest.approx(sum(NUMS))
    assert s.max() == max(NUMS) and s.min() == min(NUMS)
    assert s.mean() == pytest.approx(statistics.fmean(NUMS))
    d = s.asDict()
    assert d["count"] == len(NUMS) and d["variance"] == pytest.approx(statistics.variance(NUMS))
    assert repr(sc.parallelize([1, 2, 3]).stats()).startswith("(count: 3, mean: 2.0, stdev: 0.81")


def test_statcounter_unit():
    a = StatCounter([1, 2, 3])
    b = StatCounter([4, 5])
    merged = a.copy().mergeStats(b)
    assert merged.count() == 5 and merged.mean() == 3.0
    assert merged.variance() == pytest.approx(2.0)
    assert merged.sampleVariance() == pytest.approx(2.5)
    assert a.mergeStats(a).count() == 6
    assert math.isnan(StatCounter().variance()) and math.isnan(StatCounter([1]).sampleStdev())
    with pytest.raises(TypeError):
        a.mergeStats(3)
    import pickle

    c = pickle.loads(pickle.dumps(StatCounter([1.0, 9.0])))
    assert c.max() == 9.0 and c.merge(10.0).max() == 10.0


def test_histogram(sc):
    rdd = sc.parallelize(range(51))
    assert rdd.histogram(2) == ([0, 25, 50], [25, 26])
    assert rdd.histogram([0, 5, 25, 50]) == ([0, 5, 25, 50], [5, 20, 26])
    assert rdd.histogram([0, 15, 30, 45, 60]) == ([0, 15, 30, 45, 60], [15, 15, 15, 6])
    assert sc.parallelize(["ab", "ac", "b", "bd", "ef"]).histogram(("a", "b", "c")) == \
        (("a", "b", "c"), [2, 2])
    # float buckets when the range does not divide evenly
    buckets, counts = sc.parallelize([1, 2, 3, 4]).histogram(3)
    assert buckets == [1, 2.0, 3.0, 4] and counts == [1, 1, 2]
    # None/NaN ignored, single value
    assert sc.parallelize([1.0, None, float("nan"), 1.0]).histogram(4) == ([1.0, 1.0], [2])
    data = [random.uniform(0, 100) for _ in range(1000)]
    b, c = sc.parallelize(data, 3).histogram(10)
    assert sum(c) == 1000 and len(b) == 11
    with pytest.raises(ValueError):
        sc.parallelize([]).histogram(3)
    with pytest.raises(ValueError):
        rdd.histogram([5, 1])
    with pytest.raises(ValueError):
        rdd.histogram(0)


def test_count_by_value_and_approx_distinct(sc):
    assert sorted(sc.parallelize([1, 2, 1, 2, 2], 2).countByValue().items()) == [(1, 2), (2, 3)]
    n = sc.parallelize(range(1000)).map(str).countApproxDistinct()
    assert 900 < n < 1100
    n = sc.parallelize([i % 20 for i in range(1000)]).countApproxDistinct()
    assert 18 <= n <= 22
    big = sc.parallelize(range(100000), 4).countApproxDistinct(0.01)
    assert 97000 < big < 103000
    with pytest.raises(ValueError):
        sc.parallelize([1]).countApproxDistinct(0.00001)


def test_approx_actions(sc):
    r = sum(range(1000))
    s = sc.parallelize(range(1000)).sumApprox(1000)
    assert s == r and s.low <= s <= s.high and s.confidence == 0.95
    m = sc.parallelize(range(1000)).meanApprox(1000)
    assert abs(m - r / 1000.0) < 1e-9


def test_foreach_and_foreach_partition(sc):
    acc = sc.accumulator(0)
    sc.parallelize(range(10), 3).foreach(lambda x: acc.add(x))
    assert acc.value == 45
    parts = sc.accumulator(0)

    def per_partition(it):
        parts.add(1)
        for _ in it:
            pass

    sc.parallelize(range(10), 3).foreachPartition(per_partition)
    assert parts.value == 3
    sc.parallelize([1, 2, 3]).foreachPartition(lambda it: iter([]))  # iterator results ok


def test_to_local_iterator(sc):
    rdd = sc.parallelize(range(50), 5)
    assert list(rdd.toLocalIterator()) == list(range(50))
    assert list(rdd.toLocalIterator(prefetchPartitions=True)) == list(range(50))
    it = rdd.toLocalIterator()
    assert next(it) == 0
    assert list(sc.emptyRDD().toLocalIterator(True)) == []
    bad = sc.parallelize(range(4), 2).map(lambda x: 1 // (x - 3))
    with pytest.raises(ZeroDivisionError):
        list(bad.toLocalIterator(prefetchPartitions=True))


def test_sample_is_deterministic_per_seed(sc):
    rdd = sc.parallelize(range(1000), 4)
    s1 = rdd.sample(False, 0.1, 81).collect()
    assert s1 == rdd.sample(False, 0.1, 81).collect()
    assert 50 < len(s1) < 150 and len(set(s1)) == len(s1)
    assert s1 != rdd.sample(False, 0.1, 82).collect()
    with_repl = rdd.sample(True, 2.0, 3).collect()
    assert 1700 < len(with_repl) < 2300
    big_mean = rdd.sample(True, 25.0, 3).count()  # Poisson in the log domain (mean >= 20)
    assert 23000 < big_mean < 27000
    assert rdd.sample(False, 0.0).count() == 0
    with pytest.raises(ValueError):
        rdd.sample(False, -0.1)


def test_random_split(sc):
    rdd = sc.parallelize(range(500), 2)
    rdd1, rdd2 = rdd.randomSplit([2, 3], 17)
    a, b = rdd1.collect(), rdd2.collect()
    assert sorted(a + b) == list(range(500))
    assert 150 < len(a) < 250 and 250 < len(b) < 350
    assert rdd1.collect() == a  # same seed, same split
    with pytest.raises(ValueError):
        rdd.randomSplit([-1, 2])
    with pytest.raises(ValueError):
        rdd.randomSplit([0, 0])


def test_take_sample(sc):
    rdd = sc.parallelize(range(0, 10))
    assert len(rdd.takeSample(True, 20, 1)) == 20
    s = rdd.takeSample(False, 5, 2)
    assert len(s) == 5 and len(set(s)) == 5 and set(s) <= set(range(10))
    assert sorted(rdd.takeSample(False, 15, 3)) == list(range(10))
    assert rdd.takeSample(False, 5, 2) == s
    big = sc.parallelize(range(10000), 4)
    t = big.takeSample(False, 100, 7)
    assert len(t) == 100 and len(set(t)) == 100
    assert rdd.takeSample(False, 0) == [] and sc.emptyRDD().takeSample(True, 3) == []
    with pytest.raises(ValueError):
        rdd.takeSample(False, -1)


def test_zip_with_index_and_unique_id(sc):
    assert sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect() == \
        [("a", 0), ("b", 1), ("c", 2), ("d", 3)]
    assert sc.parallelize(["a", "b", "c", "d", "e"], 3).zipWithUniqueId().collect() == \
        [("a", 0), ("b", 1), ("c", 4), ("d", 2), ("e", 5)]
    rdd = sc.parallelize(NUMS, 7).filter(lambda x: x > 0)
    pos = [x for x in NUMS if x > 0]
    assert rdd.zipWithIndex().collect() == list(zip(pos, range(len(pos))))
    ids = [i for _, i in rdd.zipWithUniqueId().collect()]
    assert len(set(ids)) == len(pos)


def test_zip(sc):
    x = sc.parallelize(range(0, 5))
    y = sc.parallelize(range(1000, 1005))
    assert x.zip(y).collect() == [(0, 1000), (1, 1001), (2, 1002), (3, 1003), (4, 1004)]
    a = sc.parallelize(range(10), 3)
    assert a.zip(a.map(str)).collect() == [(i, str(i)) for i in range(10)]
    with pytest.raises(ValueError, match="same number of partitions"):
        sc.parallelize(range(4), 2).zip(sc.parallelize(range(4), 3))
    with pytest.raises(ValueError, match="same number of elements"):
        sc.parallelize(range(4), 2).zip(sc.parallelize(range(5), 2)).collect()


def test_cartesian(sc):
    rdd = sc.parallelize([1, 2])
    assert sorted(rdd.cartesian(rdd).collect()) == [(1, 1), (1, 2), (2, 1), (2, 2)]
    a = sc.parallelize(range(7), 3)
    b = sc.parallelize("abcd", 2)
    c = a.cartesian(b)
    assert c.getNumPartitions() == 6
    assert sorted(c.collect()) == sorted((i, ch) for i in range(7) for ch in "abcd")


def test_to_df_without_dataframes(sc):
    rdd = sc.parallelize([(1, "a")])
    try:
        rdd.toDF()
    except NotImplementedError as e:
        assert "DataFrame" in str(e)
    except Exception:  # a DataFrame implementation exists but rejects this input
        pass
