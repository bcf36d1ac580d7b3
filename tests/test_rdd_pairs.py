"""Key-value operations end to end, compared with plain-Python computations."""

from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict
from operator import add

import pytest

from sparkcli.rdd_pairs import ResultIterable

random.seed(7)
WORDS = [random.choice("abcdefghij") + str(random.randint(0, 20)) for _ in range(2000)]
PAIRS = [(w, i) for i, w in enumerate(WORDS)]


def grouped(pairs):
    d = defaultdict(list)
    for k, v in pairs:
        d[k].append(v)
    return d


def test_reduce_by_key_matches_python(sc):
    rdd = sc.parallelize(PAIRS, 4)
    expect = Counter()
    for k, v in PAIRS:
        expect[k] += v
    assert dict(rdd.reduceByKey(add).collect()) == dict(expect)
    assert rdd.reduceByKey(add, 3).getNumPartitions() == 3
    assert rdd.reduceByKey(add).getNumPartitions() == 4
    assert rdd.reduceByKeyLocally(add) == dict(expect)
    assert sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).reduceByKey(add).collect()) \
        == [("a", 2), ("b", 1)]


def test_fold_and_aggregate_by_key(sc):
    rdd = sc.parallelize(PAIRS, 3)
    expect = Counter()
    for k, v in PAIRS:
        expect[k] += v
    assert dict(rdd.foldByKey(0, add).collect()) == dict(expect)
    # mutable zero values are copied per key
    lists = dict(rdd.aggregateByKey([], lambda a, v: a + [v], lambda a, b: a + b).collect())
    g = grouped(PAIRS)
    assert {k: sorted(v) for k, v in lists.items()} == {k: sorted(v) for k, v in g.items()}
    sums_counts = sc.parallelize([("a", 1), ("b", 2), ("a", 3)]).aggregateByKey(
        (0, 0), lambda a, v: (a[0] + v, a[1] + 1), lambda a, b: (a[0] + b[0], a[1] + b[1]))
    assert sorted(sums_counts.collect()) == [("a", (4, 2)), ("b", (2, 1))]


def test_group_by_key_returns_result_iterables(sc):
    rdd = sc.parallelize(PAIRS, 4)
    out = rdd.groupByKey().collect()
    assert all(isinstance(v, ResultIterable) for _, v in out)
    assert {k: sorted(v) for k, v in out} == {k: sorted(v) for k, v in grouped(PAIRS).items()}
    ri = out[0][1]
    assert len(ri) == len(ri.data) == len(list(ri))
    assert rdd.groupByKey(2).getNumPartitions() == 2


def test_group_by_key_has_no_map_side_combine(sc):
    rdd = sc.parallelize([("a", 1), ("b", 1), ("a", 1)])
    spec = rdd.groupByKey()._node.prev.spec
    assert spec.aggregator is not None and spec.map_side_combine is False
    assert sorted(rdd.groupByKey().mapValues(len).collect()) == [("a", 2), ("b", 1)]


def test_group_by_key_on_partitioned_rdd_skips_shuffle(sc):
    parted = sc.parallelize(PAIRS, 3).partitionBy(3)
    g = parted.groupByKey(3)
    # narrow over the partitioned RDD
    assert g._node.prev is parted._node or g._node.prev.prev is parted._node
    assert {k: sorted(v) for k, v in g.collect()} == \
        {k: sorted(v) for k, v in grouped(PAIRS).items()}


def test_group_by(sc):
    rdd = sc.parallelize([1, 1, 2, 3, 5, 8])
    result = rdd.groupBy(lambda x: x % 2).collect()
    assert sorted((x, sorted(y)) for (x, y) in result) == [(0, [2, 8]), (1, [1, 1, 3, 5])]


def test_count_by_key_and_value(sc):
    rdd = sc.parallelize(PAIRS, 4)
    assert rdd.countByKey() == Counter(WORDS)
    cbv = sc.parallelize(WORDS, 3).countByValue()
    assert isinstance(cbv, defaultdict) and cbv == Counter(WORDS)


def naive_join(xs, ys, left=False, right=False):
    gx, gy = grouped(xs), grouped(ys)
    out = []
    for k in set(gx) | set(gy):
        vs = gx.get(k) or ([None] if right else [])
        ws = gy.get(k) or ([None] if left else [])
        out += [(k, (v, w)) for v in vs for w in ws]
    return sorted(out, key=repr)


def test_joins_match_naive(sc):
    xs = [(random.randint(0, 30), i) for i in range(200)]
    ys = [(random.randint(10, 40), -i) for i in range(150)]
    x, y = sc.parallelize(xs, 3), sc.parallelize(ys, 2)
    assert sorted(x.join(y).collect(), key=repr) == naive_join(xs, ys)
    assert sorted(x.leftOuterJoin(y).collect(), key=repr) == naive_join(xs, ys, left=True)
    assert sorted(x.rightOuterJoin(y).collect(), key=repr) == naive_join(xs, ys, right=True)
    assert sorted(x.fullOuterJoin(y).collect(), key=repr) == \
        naive_join(xs, ys, left=True, right=True)
    assert x.join(y, 5).getNumPartitions() == 5


def test_join_doc_examples(sc):
    x = sc.parallelize([("a", 1), ("b", 4)])
    y = sc.parallelize([("a", 2), ("a", 3)])
    assert sorted(x.join(y).collect()) == [("a", (1, 2)), ("a", (1, 3))]
    y2 = sc.parallelize([("a", 2)])
    assert sorted(x.leftOuterJoin(y2).collect()) == [("a", (1, 2)), ("b", (4, None))]
    assert sorted(y2.rightOuterJoin(x).collect()) == [("a", (2, 1)), ("b", (None, 4))]
    y3 = sc.parallelize([("a", 2), ("c", 8)])
    assert sorted(x.fullOuterJoin(y3).collect()) == \
        [("a", (1, 2)), ("b", (4, None)), ("c", (None, 8))]


def test_join_of_copartitioned_rdds_needs_no_new_shuffle(sc):
    x = sc.parallelize(PAIRS[:300], 2).partitionBy(3)
    y = sc.parallelize([(w, 1) for w in set(WORDS[:300])], 2).partitionBy(3)
    from runtime.scheduler.dag import shuffle_deps_of

    joined = x.join(y)
    assert {d.shuffle_id for d in shuffle_deps_of(joined._node)} == \
        {x._node.spec.shuffle_id, y._node.spec.shuffle_id}
    assert sorted(joined.collect(), key=repr) == naive_join(PAIRS[:300],
                                                            [(w, 1) for w in set(WORDS[:300])])


def test_cogroup_and_group_with(sc):
    x = sc.parallelize([("a", 1), ("b", 4)])
    y = sc.parallelize([("a", 2)])
    got = [(k, tuple(map(list, v))) for k, v in sorted(x.cogroup(y).collect())]
    assert got == [("a", ([1], [2])), ("b", ([4], []))]
    w = sc.parallelize([("a", 5), ("b", 6)])
    z = sc.parallelize([("b", 42)])
    got = [(k, tuple(map(list, v))) for k, v in sorted(w.groupWith(x, y, z).collect())]
    assert got == [("a", ([5], [1], [2], [])), ("b", ([6], [4], [], [42]))]
    assert all(isinstance(r, ResultIterable) for _, vs in x.cogroup(y).collect() for r in vs)


def test_subtract_and_intersection_and_distinct(sc):
    x = sc.parallelize([("a", 1), ("b", 4), ("b", 5), ("a", 2)])
    y = sc.parallelize([("a", 3), ("c", None)])
    assert sorted(x.subtractByKey(y).collect()) == [("b", 4), ("b", 5)]
    x2 = sc.parallelize([("a", 1), ("b", 4), ("b", 5), ("a", 3)])
    assert sorted(x2.subtract(y).collect()) == [("a", 1), ("b", 4), ("b", 5)]
    a = sc.parallelize([1, 10, 2, 3, 4, 5, 2])
    b = sc.parallelize([1, 6, 2, 3, 7, 8])
    assert sorted(a.intersection(b).collect()) == [1, 2, 3]
    assert sorted(sc.parallelize([1, 1, 2, 3]).distinct().collect()) == [1, 2, 3]
    assert sorted(sc.parallelize(WORDS, 4).distinct(2).collect()) == sorted(set(WORDS))
    # subtract keeps duplicates of self
    assert sorted(sc.parallelize([1, 1, 2, 3]).subtract(sc.parallelize([3])).collect()) == \
        [1, 1, 2]


def test_lookup(sc):
    rdd = sc.parallelize([(i, str(i)) for i in range(100)] + [(7, "seven")], 4)
    assert sorted(rdd.lookup(7)) == ["7", "seven"]
    assert rdd.lookup(1000) == []


@pytest.mark.skipif(sys.flags.hash_randomization, reason="driver needs PYTHONHASHSEED=0")
def test_lookup_with_partitioner_runs_one_partition(sc):
    parted = sc.parallelize([(w, i) for i, w in enumerate(WORDS)], 4).partitionBy(5)
    assert sorted(parted.lookup("a3")) == [i for i, w in enumerate(WORDS) if w == "a3"]
    seen = []
    orig = sc._run_job

    def spy(rdd, func, partitions=None):
        seen.append(partitions)
        return orig(rdd, func, partitions)

    sc._run_job = spy
    try:
        parted.lookup("b2")
    finally:
        del sc._run_job
    assert seen == [[parted.partitioner("b2")]]


def test_sort_by_key(sc):
    tmp = [("a", 1), ("b", 2), ("1", 3), ("d", 4), ("2", 5)]
    assert sc.parallelize(tmp).sortByKey().first() == ("1", 3)
    assert sc.parallelize(tmp).sortByKey(True, 1).collect() == sorted(tmp)
    assert sc.parallelize(tmp).sortByKey(True, 2).collect() == sorted(tmp)
    tmp2 = [("Mary", 1), ("had", 2), ("a", 3), ("little", 4), ("lamb", 5)]
    tmp2.extend([("whose", 6), ("fleece", 7), ("was", 8), ("white", 9)])
    got = sc.parallelize(tmp2).sortByKey(True, 3, keyfunc=lambda k: k.lower()).collect()
    assert got == sorted(tmp2, key=lambda kv: kv[0].lower())


def test_sort_by_key_large_range_partitioned(sc):
    data = [(random.random(), i) for i in range(5000)]
    rdd = sc.parallelize(data, 4)
    asc = rdd.sortByKey(numPartitions=4)
    parts = asc.glom().collect()
    assert [kv for p in parts for kv in p] == sorted(data)
    assert sum(1 for p in parts if p) >= 3  # range partitioning spreads the keys
    desc = rdd.sortByKey(False, 3).collect()
    assert desc == sorted(data, reverse=True)
    assert sc.parallelize([], 2).sortByKey().collect() == []


def test_sort_by(sc):
    tmp = [("a", 1), ("b", 2), ("1", 3), ("d", 4), ("2", 5)]
    assert sc.parallelize(tmp).sortBy(lambda x: x[0]).collect() == sorted(tmp)
    assert sc.parallelize(tmp).sortBy(lambda x: x[1]).collect() == \
        sorted(tmp, key=lambda x: x[1])
    nums = list(range(1000))
    random.shuffle(nums)
    assert sc.parallelize(nums, 5).sortBy(lambda x: x, ascending=False).collect() == \
        sorted(nums, reverse=True)


def test_sort_spills_with_tiny_memory(sc):
    driver = sc._driver
    old = driver.memory_limit
    driver.memory_limit = 1 << 16  # per-task limit shipped with every task
    try:
        before = driver.metrics["spill_count"]
        data = [(random.randint(0, 10 ** 6), "x" * 20) for _ in range(20000)]
        out = sc.parallelize(data, 2).sortByKey(numPartitions=2).collect()
        assert [k for k, _ in out] == sorted(k for k, _ in data)
        assert driver.metrics["spill_count"] > before
    finally:
        driver.memory_limit = old


def test_repartition_and_sort_within_partitions(sc):
    rdd = sc.parallelize([(0, 5), (3, 8), (2, 6), (0, 8), (3, 8), (1, 3)])
    got = rdd.repartitionAndSortWithinPartitions(2, lambda x: x % 2, True).glom().collect()
    assert got == [[(0, 5), (0, 8), (2, 6)], [(1, 3), (3, 8), (3, 8)]]
    desc = rdd.repartitionAndSortWithinPartitions(2, lambda x: x % 2, False).glom().collect()
    assert [[k for k, _ in p] for p in desc] == [[2, 0, 0], [3, 3, 1]]


def test_sample_by_key(sc):
    fractions = {"a": 0.2, "b": 0.1}
    rdd = sc.parallelize(list(fractions)).cartesian(sc.parallelize(range(0, 1000)))
    sample = dict(rdd.sampleByKey(False, fractions, 2).groupByKey().collect())
    assert 100 < len(sample["a"]) < 300 and 50 < len(sample["b"]) < 150
    assert max(sample["a"]) <= 999 and min(sample["a"]) >= 0
    again = dict(rdd.sampleByKey(False, fractions, 2).groupByKey().collect())
    assert sorted(again["a"]) == sorted(sample["a"])
    with_repl = rdd.sampleByKey(True, fractions, 5).countByKey()
    assert 100 < with_repl["a"] < 300
