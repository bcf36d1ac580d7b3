"""External sort, portable_hash and the memory estimate."""

from __future__ import annotations

import functools
import os
import random
import sys

import pytest

from runtime.shuffle import ShuffleMetrics, external_sort, portable_hash
from runtime.shuffle.hashing import portable_hash_unchecked
from runtime.shuffle.memory import estimate_dict, estimate_list, estimate_size

HUGE = 1 << 40
TINY = 64 * 1024
LIMITS = [pytest.param(HUGE, id="in-memory"), pytest.param(TINY, id="spilling")]


@functools.cache
def make_pairs(n=200_000, seed=3):
    rnd = random.Random(seed)
    return [(rnd.randrange(50_000), rnd.random()) for _ in range(n)]


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("key", [None, lambda kv: kv[0]], ids=["no-key", "by-key"])
def test_external_sort_matches_sorted(limit, reverse, key, tmp_path):
    records = make_pairs()
    m = ShuffleMetrics()
    out = list(external_sort(iter(records), key, reverse, limit, str(tmp_path), m))
    # list equality with sorted() includes stability for the key (ties keep input order)
    assert out == sorted(records, key=key, reverse=reverse)
    assert os.listdir(tmp_path) == []
    if limit == TINY:
        assert m.spill_count > 64  # more runs than the fan-in: multi-pass merge was used
        assert m.disk_bytes_spilled > 0 and m.memory_bytes_spilled > 0
    else:
        assert m.spill_count == 0


def test_external_sort_abandoned_iterator_leaves_no_files(tmp_path):
    m = ShuffleMetrics()
    it = external_sort(iter(make_pairs(50_000)), None, False, TINY, str(tmp_path), m)
    first = [next(it) for _ in range(10)]
    assert first == sorted(first)
    assert m.spill_count > 0
    assert os.listdir(tmp_path) == []  # runs are unlinked as soon as they are opened
    it.close()
    assert os.listdir(tmp_path) == []


def test_external_sort_empty_and_tiny_inputs(tmp_path):
    m = ShuffleMetrics()
    assert list(external_sort([], None, False, TINY, str(tmp_path), m)) == []
    assert list(external_sort([3, 1, 2], None, True, TINY, str(tmp_path), m)) == [3, 2, 1]


# -- portable_hash --------------------------------------------------------------------------
def reference_portable_hash(x):
    """pyspark.rdd.portable_hash, transcribed."""
    if x is None:
        return 0
    if isinstance(x, tuple):
        h = 0x345678
        for i in x:
            h ^= reference_portable_hash(i)
            h *= 1000003
            h &= sys.maxsize
        h ^= len(x)
        if h == -1:
            h = -2
        return int(h)
    return hash(x)


def test_portable_hash_matches_pyspark(monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    values = [
        None,
        0,
        1,
        -1,
        2**70,
        1.5,
        "spark",
        b"bytes",
        (),
        (None,),
        (1, 2),
        ("a", (1, None)),
        True,
        frozenset({1}),
    ]
    for v in values:
        assert portable_hash(v) == reference_portable_hash(v) == portable_hash_unchecked(v)
    assert portable_hash(None) == 0
    assert portable_hash((1, 2)) != portable_hash((2, 1))


def test_portable_hash_requires_pythonhashseed(monkeypatch):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    with pytest.raises(Exception, match="PYTHONHASHSEED"):
        portable_hash("word")


# -- memory estimate -----------------------------------------------------------------------
def test_estimates_are_deterministic_and_grow_with_content():
    d = {f"key{i}": [i] * 10 for i in range(1000)}
    a, per = estimate_dict(d)
    assert (a, per) == estimate_dict(dict(d))
    assert a > sys.getsizeof(d) + 1000 * sys.getsizeof([0] * 10)
    small = {f"key{i}": i for i in range(1000)}
    assert estimate_dict(small)[0] < a
    lst = [(f"k{i}", i) for i in range(1000)]
    total, _ = estimate_list(lst)
    assert total >= sys.getsizeof(lst) + 1000 * sys.getsizeof(("k", 1))
    assert estimate_size(("k", [1, 2, 3])) > estimate_size(("k", []))
