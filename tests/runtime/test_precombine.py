"""The counting fast path recognises only the exact shapes it can compute the same way."""

from __future__ import annotations

import operator

from runtime.lineage.precombine import count_pairs, is_add, is_identity, pair_constant


def test_recognises_pairing_with_int_constants_only():
    assert pair_constant(lambda w: (w, 1)) == 1
    assert pair_constant(lambda x: (x, 3)) == 3
    assert pair_constant(lambda x: (x, 1.0)) is None
    assert pair_constant(lambda x: (x, True)) is None
    assert pair_constant(lambda x: (x.lower(), 1)) is None
    one = 1
    assert pair_constant(lambda x: (x, one)) is None  # a closure, not a constant
    assert pair_constant(lambda x, y=1: (x, y)) is None


def test_recognises_add_and_identity():
    assert is_add(operator.add) and is_add(lambda a, b: a + b)
    assert not is_add(lambda a, b: a - b) and not is_add(max)
    assert is_identity(lambda v: v) and not is_identity(lambda v: [v])


def test_count_pairs_equals_generic_combine():
    keys = [i % 97 for i in range(300_000)]
    expected: dict = {}
    for k in keys:
        expected[k] = expected.get(k, 0) + 2
    got: dict = {}
    for k, n in count_pairs(keys, 2):  # chunks may repeat a key: merge like a reducer
        got[k] = got.get(k, 0) + n
    assert got == expected
