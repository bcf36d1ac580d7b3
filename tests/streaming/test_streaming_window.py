"""Window operators and updateStateByKey, on a manual clock."""

from __future__ import annotations

import operator
import os
import random
from collections import Counter

import pytest
from .conftest import advance, collect_output, run_table

from sparkcli.errors import IllegalArgumentException

COURSE = [list("aaabbc"), list("dddeef"), list("ggghhi")]


def _counts(s):
    return sorted(Counter(s).items())


EXPECTED_WINDOWS = [
    _counts("aaabbc"),
    _counts("aaabbcdddeef"),
    _counts("aaabbcdddeefggghhi"),
    _counts("dddeefggghhi"),
    _counts("ggghhi"),
    [],
]


@pytest.fixture
def checkpointed(sc, tmp_path):
    old = sc._checkpoint_dir
    sc.setCheckpointDir(str(tmp_path / "rdd-checkpoints"))
    yield
    sc._checkpoint_dir = old


def test_course_window_example(ssc):
    """Window of 3 batches sliding by 1: each window counts the last three batches."""
    out = run_table(ssc, COURSE, lambda s: s.window(3, 1).countByValue(), num_batches=6)
    assert out == EXPECTED_WINDOWS


def test_course_window_example_contents(ssc):
    """The windows themselves, as the course draws them: at each batch the union of the
    last three batches."""
    out = run_table(ssc, COURSE, lambda s: s.window(3, 1), num_batches=6)
    assert out == [list("aaabbc"), sorted("aaabbcdddeef"), sorted("aaabbcdddeefggghhi"),
                   sorted("dddeefggghhi"), list("ggghhi"), []]


def test_course_example_reduce_by_key_and_window(ssc, checkpointed):
    def build(s):
        pairs = s.map(lambda w: (w, 1))
        full = collect_output(pairs.reduceByKeyAndWindow(operator.add, None, 3, 1))
        inc = pairs.reduceByKeyAndWindow(operator.add, operator.sub, 3, 1,
                                         filterFunc=lambda kv: kv[1] > 0)
        build.full = full
        return inc

    out = run_table(ssc, COURSE, build, num_batches=6)
    assert out == EXPECTED_WINDOWS
    assert build.full == EXPECTED_WINDOWS


def test_window_slide_two(ssc):
    out = run_table(ssc, [[1], [2], [3], [4], [5]], lambda s: s.window(4, 2), num_batches=6)
    # batches every 2 s: windows (0,2], (0,4], (2,6]
    assert out == [[1, 2], [1, 2, 3, 4], [3, 4, 5]]


def test_window_durations_must_be_multiples_of_the_batch(ssc):
    s = ssc.queueStream([[1]])
    with pytest.raises(ValueError, match="windowDuration must be multiple"):
        s.window(2.5, 1)
    with pytest.raises(ValueError, match="slideDuration must be multiple"):
        s.reduceByKeyAndWindow(operator.add, None, 2, 1.5)


def test_count_by_window_and_value_and_group_by_key(ssc, checkpointed):
    batches = [["a", "b"], ["a"], [], ["c"], [], [], [], []]
    sc = ssc.sparkContext
    s = ssc.queueStream([sc.parallelize(b, 2) for b in batches])
    counts = collect_output(s.countByWindow(6, 1))
    values = collect_output(s.countByValueAndWindow(6, 1))
    groups = collect_output(s.map(lambda w: (w, 1)).groupByKeyAndWindow(6, 1).mapValues(list)
                            .filter(lambda kv: kv[1]))  # PySpark keeps emptied keys
    reduced = collect_output(s.map(lambda w: 1).reduceByWindow(operator.add, None, 2, 1))
    ssc.start()
    advance(ssc, 8)
    window = [batches[max(0, i - 5):i + 1] for i in range(8)]
    assert counts == [[sum(map(len, w))] for w in window]
    assert values == [sorted(Counter(x for b in w for x in b).items()) for w in window]
    assert groups == [sorted((k, [1] * n) for k, n in Counter(x for b in w for x in b).items())
                      for w in window]
    assert reduced == [[2], [3], [1], [1], [1], [], [], []]


def test_reduce_by_key_and_window_with_and_without_inverse_agree_on_200_batches(
        ssc, checkpointed):
    rng = random.Random(7)
    words = ["spark", "scala", "python", "java", "go", "rust"]
    batches = [[rng.choice(words) for _ in range(rng.randint(0, 8))] for _ in range(200)]
    sc = ssc.sparkContext
    pairs = ssc.queueStream([sc.parallelize(b, 2) for b in batches]).map(lambda w: (w, 1))
    # window >= 5 slides: the inverse function is used (previous window - old + new)
    full = collect_output(pairs.reduceByKeyAndWindow(operator.add, None, 10, 2))
    inc = collect_output(pairs.reduceByKeyAndWindow(
        operator.add, operator.sub, 10, 2, filterFunc=lambda kv: kv[1] > 0))
    ssc.start()
    advance(ssc, 200)
    expected = [sorted(Counter(w for b in batches[max(0, i - 9):i + 1] for w in b).items())
                for i in range(1, 200, 2)]
    assert len(inc) == 100
    assert full == expected
    assert inc == expected
    # the incremental chain was cut by RDD checkpoints (every 10 s)
    window = ssc._graph.output_streams[1]._parents[0]
    assert window._checkpoint_ms == 10000
    assert any(name.startswith("rdd-") for name in os.listdir(sc.getCheckpointDir()))


def test_update_state_by_key_running_totals_and_removal(ssc, checkpointed):
    def update(values, state):
        total = (state or 0) + sum(values)
        return None if total >= 5 else total  # a key reaching 5 is dropped

    batches = [[("a", 1), ("b", 1)], [("a", 2)], [], [("a", 3), ("c", 1)], [("b", 1)]]
    out = run_table(ssc, batches, lambda s: s.updateStateByKey(update))
    assert out == [[("a", 1), ("b", 1)], [("a", 3), ("b", 1)], [("a", 3), ("b", 1)],
                   [("b", 1), ("c", 1)], [("b", 2), ("c", 1)]]


def test_update_state_by_key_with_initial_rdd(ssc, checkpointed):
    def update(values, state):
        return (state or 0) + sum(values)

    out = run_table(ssc, [[("a", 1)], [("b", 1)]],
                    lambda s: s.updateStateByKey(update, initialRDD=[("a", 10), ("z", 5)]))
    assert out == [[("a", 11), ("z", 5)], [("a", 11), ("b", 1), ("z", 5)]]


def test_stateful_operators_need_a_checkpoint_directory(ssc):
    sc = ssc.sparkContext
    old, sc._checkpoint_dir = sc._checkpoint_dir, None
    try:
        ssc.queueStream([[("a", 1)]]).updateStateByKey(lambda v, s: 1).pprint()
        with pytest.raises(IllegalArgumentException,
                           match=r"The checkpoint directory has not been set\. Please set it "
                                 r"by StreamingContext\.checkpoint\(\)"):
            ssc.start()
    finally:
        sc._checkpoint_dir = old


def test_reduce_by_window_with_inverse_and_key_window_partitions(ssc, checkpointed):
    batches = [[1, 2], [3], [], [4, 5], [6], [], [7], [8]]
    sc = ssc.sparkContext
    s = ssc.queueStream([sc.parallelize(b, 2) for b in batches])
    inc = collect_output(s.reduceByWindow(operator.add, operator.sub, 5, 1))
    parts = []
    s.map(lambda x: (x % 2, x)).reduceByKeyAndWindow(operator.add, None, 2, 1, 3) \
        .foreachRDD(lambda rdd: parts.append(rdd.getNumPartitions()))
    ssc.start()
    advance(ssc, 8)
    sums = [sum(x for b in batches[max(0, i - 4):i + 1] for x in b) for i in range(8)]
    assert inc == [[n] for n in sums]
    assert parts == [3] * 8


def test_inverse_window_needs_a_checkpoint_directory(ssc):
    sc = ssc.sparkContext
    old, sc._checkpoint_dir = sc._checkpoint_dir, None
    try:
        ssc.queueStream([[("a", 1)]]).reduceByKeyAndWindow(operator.add, operator.sub, 2, 1) \
            .pprint()
        with pytest.raises(IllegalArgumentException,
                           match=r"The checkpoint directory has not been set"):
            ssc.start()
    finally:
        sc._checkpoint_dir = old


def test_every_window_operator_checks_its_durations_where_it_is_defined(ssc):
    s = ssc.queueStream([[1]])
    pairs = s.map(lambda x: (x, 1))
    calls = [lambda: s.window(1.5), lambda: s.window(2, 0.5),
             lambda: s.reduceByWindow(operator.add, None, 2.5, 1),
             lambda: s.countByWindow(3, 1.2), lambda: s.countByValueAndWindow(0.3, 1),
             lambda: pairs.groupByKeyAndWindow(2, 1.5),
             lambda: pairs.reduceByKeyAndWindow(operator.add, operator.sub, 2.2, 1),
             lambda: s.window(4, 2).window(3, 2)]  # the windowed stream slides by 2 s
    for call in calls:
        with pytest.raises(ValueError, match=r"Duration must be multiple of the parent "
                                             r"dstream's slide \(batch\) duration"):
            call()
    with pytest.raises(ValueError, match="checkpoint interval must be multiple"):
        pairs.updateStateByKey(lambda v, st: 1).checkpoint(1.5)
