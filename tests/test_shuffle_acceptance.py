"""Acceptance: the big shuffles spill under a small spark.executor.memory and still give
exactly the plain-Python answer; nothing is left in spark.local.dir after stop()."""

from __future__ import annotations

import os
from collections import defaultdict
from operator import add

import pytest

from sparkcli.conf import SparkConf
from sparkcli.context import SparkContext

N = 5_000_000
KEYS = 50_000


@pytest.mark.slow
def test_big_shuffles_spill_and_match_plain_python(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    local = tmp_path / "local"
    local.mkdir()
    conf = (SparkConf().setMaster("local[2]").setAppName("spill")
            .set("spark.executor.memory", "24m").set("spark.local.dir", str(local)))
    sc = SparkContext(conf=conf)
    try:
        pairs = sc.range(N, numSlices=8).map(lambda i: (i * 7919 % KEYS, i))

        expected_sum = defaultdict(int)
        expected_cnt = defaultdict(int)
        for i in range(N):
            expected_sum[i * 7919 % KEYS] += i
            expected_cnt[i * 7919 % KEYS] += 1

        assert dict(pairs.reduceByKey(add).collect()) == expected_sum

        groups = pairs.groupByKey().mapValues(lambda vs: (len(vs), sum(vs))).collect()
        assert {k: v for k, v in groups} == {
            k: (expected_cnt[k], expected_sum[k]) for k in expected_sum}

        other = sc.range(KEYS // 2, numSlices=4).map(lambda k: (k * 2, -k))
        joined = pairs.join(other).map(lambda kv: (kv[0], kv[1][0] + kv[1][1])) \
            .reduceByKey(add).collect()
        assert dict(joined) == {k: expected_sum[k] - (k // 2) * expected_cnt[k]
                                for k in expected_sum if k % 2 == 0}

        cg = pairs.cogroup(other).mapValues(lambda v: (len(v[0]), len(v[1]))).collect()
        assert dict(cg) == {k: (expected_cnt[k], 1 if k % 2 == 0 else 0) for k in expected_sum}

        firsts = sc.range(N, numSlices=8).map(lambda i: ((i * 104729) % N, i)).sortByKey()
        keys = firsts.keys().collect()
        assert keys == list(range(N))

        assert sc._driver.metrics["spill_count"] > 0, "expected the shuffle to spill"
        local_dir = sc._local_dir
    finally:
        sc.stop()
    assert not os.path.exists(local_dir)
    assert os.listdir(local) == []
