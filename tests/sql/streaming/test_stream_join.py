"""Stream-stream joins (inner without and with watermarks and a time range, left/right/full
outer with NULL-padded rows once the watermark passes, left semi), stream-static joins, and
Spark's errors for the unsupported ones. The expected rows are real PySpark 4.3's for the same
steps (fed there as json files into two file streams)."""

from __future__ import annotations

import datetime as dt

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream


def t(s):
    return dt.datetime(2026, 1, 1, 0, 0, 0) + dt.timedelta(seconds=s)


def L(*rows):
    return [(i, v, t(s)) for i, v, s in rows]


STEPS = [
    (L((1, "a", 10), (2, "b", 12)), L((1, "x", 15))),
    (L((3, "c", 40)), None),
    (None, L((2, "y", 20), (3, "z", 45), (4, "w", 50))),
    (L((4, "d", 100), (1, "e", 5)), L((5, "v", 100))),
    (L((6, "f", 200)), L((6, "u", 200))),
]


def timed(lf, rf):
    return lf.withWatermark("lt", "10 seconds"), rf.withWatermark("rt", "20 seconds")


def ranged(lf, rf, how="inner"):
    """rt between lt and lt + 15 s (as seconds since the epoch)."""
    lt, rt = lf.lt.cast("long"), rf.rt.cast("long")
    return lf.join(rf, (lf.id == rf.id) & (rt >= lt) & (rt <= lt + 15), how)


def _run(spark, build, name, mode="append"):
    lsrc, lf = memory_stream(spark, "id int, lv string, lt timestamp")
    rsrc, rf = memory_stream(spark, "id int, rv string, rt timestamp")
    q = build(lf, rf).writeStream.format("memory").outputMode(mode).queryName(name).start()
    try:
        for left, right in STEPS:
            if left:
                lsrc.add_data(left)
            if right:
                rsrc.add_data(right)
            q.processAllAvailable()
        rows = spark.table(name).collect()
        return sorted(((r.lv if "lv" in r else None, r.rv if "rv" in r else None)
                       for r in rows), key=_key), q.lastProgress
    finally:
        q.stop()


def _key(x):
    return tuple("" if v is None else v for v in x)


def test_inner_join_without_watermark_keeps_both_sides(spark):
    rows, p = _run(spark, lambda lf, rf: lf.join(rf, "id"), "ss_inner")
    assert sorted(rows, key=_key) == [("a", "x"), ("b", "y"), ("c", "z"), ("d", "w"),
                                      ("e", "x"), ("f", "u")]
    (op,) = p["stateOperators"]
    assert (op["operatorName"], op["numRowsTotal"], op["numRowsRemoved"]) == \
        ("symmetricHashJoin", 12, 0)


def test_inner_join_with_watermarks_and_a_time_range_evicts(spark):
    rows, p = _run(spark, lambda lf, rf: ranged(*timed(lf, rf)), "ss_inner_wm")
    # e (5 s) is late when it arrives (watermark 30 s); d/w are out of range
    assert sorted(rows, key=_key) == [("a", "x"), ("b", "y"), ("c", "z"), ("f", "u")]
    assert p["stateOperators"][0]["numRowsTotal"] == 2  # only f and u are still needed
    assert p["eventTime"]["watermark"] == "2026-01-01T00:03:00.000Z"  # min(190 s, 180 s)


@pytest.mark.parametrize("how, extra", [
    ("left_outer", [("d", None)]),
    ("right_outer", [(None, "v"), (None, "w")]),
    ("full_outer", [("d", None), (None, "v"), (None, "w")]),
])
def test_outer_joins_emit_unmatched_rows_when_the_watermark_passes(spark, how, extra):
    rows, _ = _run(spark, lambda lf, rf: ranged(*timed(lf, rf), how), f"ss_{how}")
    assert sorted(rows, key=_key) == sorted(
        [("a", "x"), ("b", "y"), ("c", "z"), ("f", "u")] + extra, key=_key)


def test_left_semi_join(spark):
    rows, _ = _run(spark, lambda lf, rf: ranged(*timed(lf, rf), "left_semi"), "ss_semi")
    assert rows == [("a", None), ("b", None), ("c", None), ("f", None)]


def test_stream_static_joins(spark):
    static = spark.createDataFrame([(1, "s1"), (2, "s2"), (9, "s9")], "id int, sv string")
    for how, want in [("inner", [("a", "s1"), ("b", "s2"), ("e", "s1")]),
                      ("left_outer", [("a", "s1"), ("b", "s2"), ("c", None), ("d", None),
                                      ("e", "s1"), ("f", None)])]:
        src, df = memory_stream(spark, "id int, lv string, lt timestamp")
        q = df.join(static, "id", how).writeStream.format("memory") \
            .queryName(f"sst_{how}").start()
        try:
            for left, _ in STEPS:
                if left:
                    src.add_data(left)
                q.processAllAvailable()
            got = sorted(((r.lv, r.sv) for r in spark.table(f"sst_{how}").collect()),
                         key=_key)
            assert got == sorted(want, key=_key)
        finally:
            q.stop()


def test_join_errors(spark):
    _, lf = memory_stream(spark, "id int, lv string, lt timestamp")
    _, rf = memory_stream(spark, "id int, rv string, rt timestamp")
    static = spark.createDataFrame([(1, "s1")], "id int, sv string")

    def start(df, mode="append"):
        return df.writeStream.format("memory").outputMode(mode).queryName("bad").start()

    with pytest.raises(AnalysisException, match=r"^Stream-stream LeftOuter join between two "
                       r"streaming DataFrame/Datasets is not supported without a watermark in "
                       r"the join keys, or a watermark on the nullable side and an "
                       r"appropriate range condition;\nJoin LeftOuter"):
        start(lf.join(rf, "id", "left_outer"))
    with pytest.raises(AnalysisException, match="^Stream-stream LeftOuter join"):
        start(timed(lf, rf)[0].join(timed(lf, rf)[1], "id", "left_outer"))
    with pytest.raises(AnalysisException, match=r"^LeftAnti joins with a streaming "
                       r"DataFrame/Dataset on the right are not supported;"):
        start(ranged(*timed(lf, rf), "left_anti"))
    with pytest.raises(AnalysisException, match=r"^RightOuter join with a streaming "
                       r"DataFrame/Dataset on the left and a static DataFrame/DataSet on the "
                       r"right not supported;"):
        start(lf.join(static, "id", "right_outer"))
    with pytest.raises(AnalysisException, match=r"^LeftOuter join with a streaming "
                       r"DataFrame/Dataset on the right and a static DataFrame/Dataset on the "
                       r"left is not supported;"):
        start(static.join(lf, "id", "left_outer"))
    with pytest.raises(AnalysisException, match=r"^FullOuter joins with streaming "
                       r"DataFrames/Datasets on the left and a static DataFrame/Dataset on "
                       r"the right is not supported;"):
        start(lf.join(static, "id", "full_outer"))
    with pytest.raises(AnalysisException, match=r"^LeftSemi join with a streaming "
                       r"DataFrame/Dataset on the right and a static DataFrame/Dataset on "
                       r"the left is not supported;"):
        start(static.join(lf, "id", "left_semi"))
    with pytest.raises(AnalysisException, match=r"^Stream-stream join without equality "
                       r"predicate is not supported."):
        start(lf.crossJoin(rf))
    with pytest.raises(AnalysisException, match="not supported for no streaming aggregations"):
        start(lf.join(rf, "id"), "complete")
