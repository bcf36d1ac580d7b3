"""Streaming session windows: ``groupBy(session_window(ts, gap), k)`` over five batches fed
on a manual schedule (a MemoryStream, processAllAvailable after each). Every table below is
real PySpark 4.3's output for the same batches (fed there as one json file per batch with
maxFilesPerTrigger 1), metrics included: sessions merge across batches (a@22 joins a@30's
session, c@101 extends c@100's), append mode emits a session once the watermark passes its
end, late rows (their own session's end at or before the watermark) are dropped."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pyarrow as pa
import pytest

from runtime.sql.plan import logical as L
from runtime.sql.streaming.relation import find
from runtime.sql.streaming.session_aggregation import StatefulSessionAggregate, merge_sessions
from sparkcli.errors import AnalysisException
from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream

BASE = dt.datetime(2026, 1, 1)


def t(s):
    return BASE + dt.timedelta(seconds=s)


BATCHES = [
    [("a", 0, 1), ("a", 5, 2), ("b", 3, 3)],
    [("a", 30, 4), ("b", 40, 5)],
    [("a", 22, 6), ("c", 100, 7)],
    [("a", 12, 8), ("b", 1, 9), ("c", 101, 10)],
    [("d", 200, 11)],
]


def _secs(x):
    return int((x - BASE).total_seconds())


def _row(r):
    d = r.asDict()
    w = d.pop("session_window")
    k = d.pop("k")
    vals = tuple(_secs(v) if isinstance(v, dt.datetime) else v for v in d.values())
    return (k, _secs(w.start), _secs(w.end)) + vals


def _metrics(p):
    (op,) = p["stateOperators"]
    return (op["operatorName"], op["numRowsTotal"], op["numRowsUpdated"],
            op["numRowsRemoved"], op["numRowsDroppedByWatermark"])


def _run(spark, build, name, mode, checkpoint=None):
    """Per batch: the sink's rows, the last progress' watermark (s) and state metrics."""
    src, df = memory_stream(spark, "k string, ts timestamp, v int")
    w = build(df).writeStream.format("memory").outputMode(mode).queryName(name)
    if checkpoint:
        w = w.option("checkpointLocation", checkpoint)
    q = w.start()
    out = []
    try:
        for b in BATCHES:
            src.add_data([(k, t(s), v) for k, s, v in b])
            q.processAllAvailable()
            p = q.lastProgress
            wm = p.get("eventTime", {}).get("watermark")
            out.append((sorted(_row(r) for r in spark.table(name).collect()),
                        _secs(dt.datetime.strptime(wm, "%Y-%m-%dT%H:%M:%S.000Z"))
                        if wm else None, _metrics(p), p["batchId"]))
        return out
    finally:
        q.stop()


def _sessions(df, gap="10 seconds"):
    return df.withWatermark("ts", "10 seconds").groupBy(F.session_window("ts", gap), "k")


OP = "sessionWindowStateStoreSaveExec"


def test_append_mode_emits_sessions_the_watermark_passed(spark):
    got = _run(spark, lambda df: _sessions(df).agg(
        F.count("*").alias("n"), F.sum("v").alias("s"), F.max("ts").alias("mx")), "sa", "append")
    a1, b1 = ("a", 0, 15, 2, 3, 5), ("b", 3, 13, 1, 3, 3)
    a2, b2 = ("a", 22, 40, 2, 10, 30), ("b", 40, 50, 1, 5, 40)
    c = ("c", 100, 111, 2, 17, 101)
    # (sink rows, watermark in seconds, metrics of the last batch run, its id): each
    # batch whose watermark moved is followed by a batch without data, as Spark's
    assert [g[:3] for g in got] == [
        ([], -5, (OP, 2, 0, 0, 0)),
        ([a1, b1], 30, (OP, 2, 0, 2, 0)),
        ([a1, a2, b1, b2], 90, (OP, 1, 0, 2, 0)),
        ([a1, a2, b1, b2], 91, (OP, 1, 0, 0, 0)),
        ([a1, a2, b1, b2, c], 190, (OP, 2 - 1, 0, 1, 0)),
    ]
    assert [g[3] for g in got] == [1, 3, 5, 7, 9]


def test_complete_mode_keeps_every_session_and_runs_no_extra_batch(spark):
    got = _run(spark, lambda df: _sessions(df).agg(F.count("*").alias("n"),
                                                   F.sum("v").alias("s")), "sc", "complete")
    a1, b1 = ("a", 0, 15, 2, 3), ("b", 3, 13, 1, 3)
    assert got == [
        ([a1, b1], _secs(dt.datetime(1970, 1, 1)), (OP, 2, 2, 0, 0), 0),
        ([a1, ("a", 30, 40, 1, 4), b1, ("b", 40, 50, 1, 5)], -5, (OP, 4, 4, 0, 0), 1),
        # a@22 merges into [30, 40): that stored session is removed, [22, 40) put
        ([a1, ("a", 22, 40, 2, 10), b1, ("b", 40, 50, 1, 5), ("c", 100, 110, 1, 7)], 30,
         (OP, 5, 3, 1, 0), 2),
        # a@12 and b@1 are late (their sessions end at 22 and 11, watermark 90)
        ([a1, ("a", 22, 40, 2, 10), b1, ("b", 40, 50, 1, 5), ("c", 100, 111, 2, 17)], 90,
         (OP, 5, 1, 0, 2), 3),
        ([a1, ("a", 22, 40, 2, 10), b1, ("b", 40, 50, 1, 5), ("c", 100, 111, 2, 17),
          ("d", 200, 210, 1, 11)], 91, (OP, 6, 1, 0, 0), 4),
    ]


def test_dynamic_gap(spark):
    gap = F.when(F.col("k") == "a", "20 seconds").otherwise("5 seconds")
    got = _run(spark, lambda df: _sessions(df, gap).agg(F.count("*").alias("n")), "sd",
               "append")
    assert [(g[0], g[2]) for g in got] == [
        ([], (OP, 2, 0, 0, 0)),
        ([("a", 0, 25, 2), ("b", 3, 8, 1)], (OP, 2, 0, 2, 0)),
        ([("a", 0, 25, 2), ("a", 22, 50, 2), ("b", 3, 8, 1), ("b", 40, 45, 1)],
         (OP, 1, 0, 2, 0)),
        ([("a", 0, 25, 2), ("a", 22, 50, 2), ("b", 3, 8, 1), ("b", 40, 45, 1)],
         (OP, 1, 0, 0, 0)),
        ([("a", 0, 25, 2), ("a", 22, 50, 2), ("b", 3, 8, 1), ("b", 40, 45, 1),
          ("c", 100, 106, 2)], (OP, 1, 0, 1, 0)),
    ]


def test_without_watermark_sessions_merge_forever(spark):
    got = _run(spark, lambda df: df.groupBy(F.session_window("ts", "10 seconds"), "k")
               .agg(F.count("*").alias("n")), "sw", "complete")
    assert [(g[0], g[2]) for g in got] == [
        ([("a", 0, 15, 2), ("b", 3, 13, 1)], (OP, 2, 2, 0, 0)),
        ([("a", 0, 15, 2), ("a", 30, 40, 1), ("b", 3, 13, 1), ("b", 40, 50, 1)],
         (OP, 4, 4, 0, 0)),
        ([("a", 0, 15, 2), ("a", 22, 40, 2), ("b", 3, 13, 1), ("b", 40, 50, 1),
          ("c", 100, 110, 1)], (OP, 5, 3, 1, 0)),
        # a@12 bridges [0, 15) and [22, 40); b@1 extends [3, 13) to the left
        ([("a", 0, 40, 5), ("b", 1, 13, 2), ("b", 40, 50, 1), ("c", 100, 111, 2)],
         (OP, 4, 4, 2, 0)),
        ([("a", 0, 40, 5), ("b", 1, 13, 2), ("b", 40, 50, 1), ("c", 100, 111, 2),
          ("d", 200, 210, 1)], (OP, 5, 1, 0, 0)),
    ]


def test_sessions_survive_a_restart(spark, tmp_path):
    ck = str(tmp_path / "ck")

    def start(df, name):
        return df.groupBy(F.session_window("ts", "10 seconds"), "k").count() \
            .writeStream.format("memory").outputMode("complete") \
            .option("checkpointLocation", ck).queryName(name).start()

    src, df = memory_stream(spark, "k string, ts timestamp, v int")
    q = start(df, "sr1")
    src.add_data([("a", t(0), 1), ("a", t(30), 2)])
    q.processAllAvailable()
    q.stop()
    src2, df2 = memory_stream(spark, "k string, ts timestamp, v int")
    src2.add_data([("a", t(0), 1), ("a", t(30), 2)])  # replayed as committed
    q = start(df2, "sr2")
    try:
        # these bridge the two stored sessions, [0, 10) and [30, 40)
        src2.add_data([("a", t(9), 3), ("a", t(18), 4), ("a", t(27), 5)])
        q.processAllAvailable()
        assert [(_secs(r.session_window.start), _secs(r.session_window.end), r["count"])
                for r in spark.table("sr2").collect()] == [(0, 40, 5)]
    finally:
        q.stop()


def test_session_window_stream_errors(spark):
    _, df = memory_stream(spark, "k string, ts timestamp, v int")
    with pytest.raises(AnalysisException, match=r"^\[STREAMING_OUTPUT_MODE.UNSUPPORTED_"
                       r"OPERATION\] Invalid streaming output mode: update. This output mode is "
                       r"not supported for session window streaming aggregations on streaming "
                       r"DataFrames/DataSets. SQLSTATE: 42KDE$"):
        _sessions(df).count().writeStream.format("memory").queryName("e1") \
            .outputMode("update").start()
    with pytest.raises(AnalysisException, match=r"Invalid streaming output mode: append. This "
                       r"output mode is not supported for streaming aggregations without "
                       r"watermark"):
        df.groupBy(F.session_window("ts", "10 seconds"), "k").count().writeStream \
            .format("memory").queryName("e2").outputMode("append").start()
    with pytest.raises(AnalysisException, match="^Global aggregation with session window"):
        df.withWatermark("ts", "10 seconds").groupBy(F.session_window("ts", "10 seconds")) \
            .count().writeStream.format("memory").queryName("e3").start()


# -- the vectorised merge against a per-row reference --------------------------------------------
def _reference(rows):
    """Per key, the merged sessions of (key, start, end, count) rows, one Python step each."""
    out = []
    for k in sorted({r[0] for r in rows}, key=lambda x: (x is None, x)):
        mine = sorted((r for r in rows if r[0] == k), key=lambda r: r[1])
        cur = None
        for _, s, e, n in mine:
            if cur is not None and s <= cur[2]:
                cur = (k, cur[1], max(cur[2], e), cur[3] + n)
            else:
                if cur is not None:
                    out.append(cur)
                cur = (k, s, e, n)
        out.append(cur)
    return sorted(out, key=lambda r: (r[0] is None, r[0], r[1]))


def test_merge_sessions_matches_a_per_row_merge(spark, tmp_path):
    agg = spark.createDataFrame([], "k string, ts timestamp") \
        .groupBy(F.session_window("ts", "10 seconds"), "k").count()
    (node,) = find(agg._plan, L.Aggregate)
    op = StatefulSessionAggregate(0, node, set(), str(tmp_path), 1)
    schema = op.schema  # (session_window, k, count's buffer)
    ts = schema.field(0).type.field(0).type
    rng = random.Random(7)

    def table(rows):
        return pa.table([pa.StructArray.from_arrays(
                            [pa.array([r[1] for r in rows], pa.int64()).cast(ts),
                             pa.array([r[2] for r in rows], pa.int64()).cast(ts)],
                            fields=list(schema.field(0).type)),
                         pa.array([r[0] for r in rows], pa.string()),
                         pa.array([r[3] for r in rows], pa.int64())], schema=schema)

    for _ in range(30):
        rows = []
        for _ in range(rng.randrange(1, 80)):
            s = rng.randrange(0, 500)
            rows.append((rng.choice(["a", "b", None, "c"]), s, s + rng.randrange(1, 40),
                         rng.randrange(1, 4)))
        stored = _reference(rows[: len(rows) // 2])  # a state: merged sessions already
        fresh = rows[len(rows) // 2:]
        m = merge_sessions(table(stored), table(fresh), 2, 0, op.final)
        starts = m.sessions.column(0).combine_chunks().field(0).cast(pa.int64()).to_pylist()
        ends = m.sessions.column(0).combine_chunks().field(1).cast(pa.int64()).to_pylist()
        got = sorted(zip(m.sessions.column(1).to_pylist(), starts, ends,
                         m.sessions.column(2).to_pylist()),
                     key=lambda r: (r[0] is None, r[0], r[1]))
        assert got == _reference(stored + fresh)
        # the stored sessions inside a session a fresh row reached are replaced
        def inside(r, sessions):
            return any(r[0] == x[0] and x[1] <= r[1] < x[2] for x in sessions)

        touched = [x for x in got if any(inside(f, [x]) for f in fresh)]
        assert sorted(np.asarray(m.touched).tolist()) == sorted(x in touched for x in got)
        assert m.replaced.num_rows == sum(inside(r, touched) for r in stored)
