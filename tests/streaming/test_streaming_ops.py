"""Stateless DStream operators: input batches in (queueStream), output batches out, on a
manual clock (PySpark's streaming test tables)."""

from __future__ import annotations

import operator
import os
import sys
from datetime import datetime

import pytest
from .conftest import advance, collect_output, run_table

from sparkcli.storagelevel import StorageLevel

BATCHES = [[1, 2, 3, 4], [5, 6], [], [7]]
PAIRS = [[("a", 1), ("b", 2), ("a", 3)], [("b", 4)], [("c", 5), ("c", 6), ("a", 7)]]
WORDS = [["hello world", "hello"], ["spark streaming"], [""]]

TABLE = [
    ("map", BATCHES, lambda s: s.map(lambda x: x * 10),
     [[10, 20, 30, 40], [50, 60], [], [70]]),
    ("flatMap", WORDS, lambda s: s.flatMap(lambda line: line.split()),
     [["hello", "hello", "world"], ["spark", "streaming"], []]),
    ("filter", BATCHES, lambda s: s.filter(lambda x: x % 2 == 0), [[2, 4], [6], [], []]),
    ("mapPartitions", BATCHES, lambda s: s.mapPartitions(lambda it: [sum(it)]),
     [[3, 7], [5, 6], [0, 0], [0, 7]]),
    ("mapPartitionsWithIndex", [[1, 2, 3, 4]],
     lambda s: s.mapPartitionsWithIndex(lambda i, it: [(i, sum(it))]), [[(0, 3), (1, 7)]]),
    ("glom", BATCHES, lambda s: s.glom(), [[[1, 2], [3, 4]], [[5], [6]], [[], []], [[], [7]]]),
    ("repartition", BATCHES, lambda s: s.repartition(3), [[1, 2, 3, 4], [5, 6], [], [7]]),
    ("reduce", BATCHES, lambda s: s.reduce(operator.add), [[10], [11], [], [7]]),
    ("count", BATCHES, lambda s: s.count(), [[4], [2], [0], [1]]),
    ("countByValue", [["a", "b", "a"], ["c"]], lambda s: s.countByValue(),
     [[("a", 2), ("b", 1)], [("c", 1)]]),
    ("reduceByKey", PAIRS, lambda s: s.reduceByKey(operator.add),
     [[("a", 4), ("b", 2)], [("b", 4)], [("a", 7), ("c", 11)]]),
    ("groupByKey", PAIRS, lambda s: s.groupByKey().mapValues(sorted),
     [[("a", [1, 3]), ("b", [2])], [("b", [4])], [("a", [7]), ("c", [5, 6])]]),
    ("combineByKey", PAIRS,
     lambda s: s.combineByKey(lambda v: [v], lambda c, v: c + [v], lambda a, b: a + b)
     .mapValues(sorted),
     [[("a", [1, 3]), ("b", [2])], [("b", [4])], [("a", [7]), ("c", [5, 6])]]),
    ("mapValues", PAIRS, lambda s: s.mapValues(lambda v: -v),
     [[("a", -3), ("a", -1), ("b", -2)], [("b", -4)], [("a", -7), ("c", -6), ("c", -5)]]),
    ("flatMapValues", [[("a", 2)]], lambda s: s.flatMapValues(range), [[("a", 0), ("a", 1)]]),
    ("partitionBy", PAIRS, lambda s: s.partitionBy(3).transform(
        lambda rdd: rdd.context.parallelize([(rdd.getNumPartitions(), rdd.count())])),
     [[(3, 3)], [(3, 1)], [(3, 3)]]),
    ("transform-1", BATCHES, lambda s: s.transform(lambda rdd: rdd.map(str)),
     [["1", "2", "3", "4"], ["5", "6"], [], ["7"]]),
    ("transform-2", [[1]], lambda s: s.transform(
        lambda t, rdd: rdd.map(lambda x: (x, isinstance(t, datetime)))), [[(1, True)]]),
    ("cache", BATCHES, lambda s: s.cache().map(lambda x: x + 1),
     [[2, 3, 4, 5], [6, 7], [], [8]]),
    ("persist", BATCHES, lambda s: s.persist(StorageLevel.MEMORY_AND_DISK).map(lambda x: -x),
     [[-1, -2, -3, -4], [-5, -6], [], [-7]]),
    ("transform-static-join", PAIRS, lambda s: s.transform(
        lambda rdd: rdd.join(rdd.context.parallelize([("a", "A"), ("c", "C")]))),
     [[("a", (1, "A")), ("a", (3, "A"))], [], [("a", (7, "A")), ("c", (5, "C")),
                                              ("c", (6, "C"))]]),
]


@pytest.mark.parametrize("name,batches,build,expected", TABLE, ids=[t[0] for t in TABLE])
def test_stateless_operator(ssc, name, batches, build, expected):
    assert run_table(ssc, batches, build) == [sorted(b, key=repr) for b in expected]


OTHER = [[("a", "x")], [("b", "y"), ("d", "z")], []]

JOINS = [
    ("join", lambda a, b: a.join(b),
     [[("a", (1, "x")), ("a", (3, "x"))], [], [], ]),
    ("leftOuterJoin", lambda a, b: a.leftOuterJoin(b),
     [[("a", (1, "x")), ("a", (3, "x")), ("b", (2, None))], [("b", (4, "y"))],
      [("a", (7, None)), ("c", (5, None)), ("c", (6, None))]]),
    ("rightOuterJoin", lambda a, b: a.rightOuterJoin(b),
     [[("a", (1, "x")), ("a", (3, "x"))], [("b", (4, "y")), ("d", (None, "z"))], []]),
    ("fullOuterJoin", lambda a, b: a.fullOuterJoin(b),
     [[("a", (1, "x")), ("a", (3, "x")), ("b", (2, None))],
      [("b", (4, "y")), ("d", (None, "z"))],
      [("a", (7, None)), ("c", (5, None)), ("c", (6, None))]]),
    ("cogroup", lambda a, b: a.cogroup(b).mapValues(lambda vs: tuple(sorted(v) for v in vs)),
     [[("a", ([1, 3], ["x"])), ("b", ([2], []))], [("b", ([4], ["y"])), ("d", ([], ["z"]))],
      [("a", ([7], [])), ("c", ([5, 6], []))]]),
    ("union", lambda a, b: a.union(b),
     [[("a", 1), ("a", 3), ("a", "x"), ("b", 2)], [("b", 4), ("b", "y"), ("d", "z")],
      [("a", 7), ("c", 5), ("c", 6)]]),
    ("transformWith", lambda a, b: a.transformWith(lambda x, y: x.keys().union(y.keys()), b),
     [["a", "a", "a", "b"], ["b", "b", "d"], ["a", "c", "c"]]),
]

JOINS[0] = ("join", JOINS[0][1], [[("a", (1, "x")), ("a", (3, "x"))], [("b", (4, "y"))], []])


@pytest.mark.parametrize("name,build,expected", JOINS, ids=[t[0] for t in JOINS])
def test_two_stream_operator(ssc, name, build, expected):
    sc = ssc.sparkContext
    a = ssc.queueStream([sc.parallelize(b, 2) for b in PAIRS])
    b = ssc.queueStream([sc.parallelize(x, 2) for x in OTHER])
    out = collect_output(build(a, b))
    ssc.start()
    advance(ssc, 3)
    assert out == [sorted(x, key=repr) for x in expected]


def test_context_union_and_transform(ssc):
    sc = ssc.sparkContext
    streams = [ssc.queueStream([sc.parallelize([i * 10 + j]) for j in range(2)])
               for i in range(3)]
    union = collect_output(ssc.union(*streams))
    summed = collect_output(ssc.transform(streams, lambda rdds: sc.union(list(rdds)).map(
        lambda x: x + 1)))
    ssc.start()
    advance(ssc, 2)
    assert [sorted(b) for b in union] == [[0, 10, 20], [1, 11, 21]]
    assert [sorted(b) for b in summed] == [[1, 11, 21], [2, 12, 22]]


def test_queue_stream_default_and_all_at_once(ssc):
    sc = ssc.sparkContext
    one = collect_output(ssc.queueStream([[1], [2]], oneAtATime=False))
    dflt = collect_output(ssc.queueStream([[1]], default=sc.parallelize([0])))
    ssc.start()
    advance(ssc, 3)
    assert one == [[1, 2], [], []]
    assert dflt == [[1], [0], [0]]


def test_slice_returns_remembered_batches(ssc):
    sc = ssc.sparkContext
    stream = ssc.queueStream([sc.parallelize([i]) for i in range(5)])
    ssc.remember(60)
    collect_output(stream)
    ssc.start()
    advance(ssc, 5)
    rdds = stream.slice(2, 4)  # seconds since the epoch (the manual clock started at 0)
    assert [r.collect() for r in rdds] == [[1], [2], [3]]


def test_union_of_different_slides_is_refused(ssc):
    a = ssc.queueStream([[1]])
    with pytest.raises(ValueError, match="same slide duration"):
        a.union(a.window(2, 2))


def test_transform_arity_is_checked(ssc):
    with pytest.raises(TypeError, match="one or two arguments"):
        ssc.queueStream([[1]]).transform(lambda a, b, c: a)


def test_foreach_rdd_with_time_and_rdd(ssc):
    seen = []
    ssc.queueStream([[1, 2], [3]]).foreachRDD(lambda t, rdd: seen.append((t, rdd.collect())))
    ssc.start()
    advance(ssc, 2)
    assert seen == [(datetime.fromtimestamp(1), [1, 2]), (datetime.fromtimestamp(2), [3])]


def test_a_dstreams_batches_are_named_after_the_dstream(ssc):
    """Spark's DStream.creationSite: the stages of a batch are named after the DStream
    operation that made its RDDs, not after the scheduler thread that computed them."""
    from sparkcli.listener import SparkListener

    class Names(SparkListener):
        def __init__(self):
            self.names = []

        def onStageSubmitted(self, e):
            self.names.append(e.stageInfo.name)

    sc = ssc.sparkContext
    names = Names()
    sc.addSparkListener(names)
    try:
        stream = ssc.queueStream([sc.parallelize([("a", 1), ("a", 2)], 2)])
        line = _line() + 1
        summed = stream.reduceByKey(operator.add, 2)
        out = collect_output(summed)
        ssc.start()
        advance(ssc)
        assert sc._driver.bus.wait_until_empty(30)
    finally:
        sc.removeSparkListener(names)
    assert out == [[("a", 3)]]
    assert names.names[0] == f"reduceByKey at {__file__}:{line}"
    conftest = os.path.join(os.path.dirname(__file__), "conftest.py")
    assert names.names[1].startswith(f"collect at {conftest}:")  # the output's own call


def _line() -> int:
    return sys._getframe(1).f_lineno
