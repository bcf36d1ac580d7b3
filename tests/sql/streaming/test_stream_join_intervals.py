"""Stream-stream joins whose time range is written with intervals (``l.t BETWEEN r.t -
INTERVAL 1 HOUR AND r.t + INTERVAL 1 HOUR``, ``l.t > r.t + interval 10 minutes``), inner and
left outer, with a watermark on each side. The expected rows and watermarks after each batch
are real PySpark 4.3's for the same batches (fed there through the same memory streams); the
state row counts and batch ids are not compared (Spark runs more no-data batches)."""

from __future__ import annotations

import datetime as dt

import pytest

from sparkcli.sql import functions as F
from sparkcli.sql.streaming.readwriter import memory_stream

BASE = dt.datetime(2026, 1, 1)

# (side, key, minutes after BASE) per batch
BATCHES = [
    [("L", 1, 0), ("L", 2, 10), ("R", 1, 30)],
    [("R", 2, 100), ("L", 3, 120), ("R", 3, 200)],
    [("L", 4, 300), ("R", 4, 310), ("R", 1, 5)],
    [("L", 5, 500), ("R", 5, 430)],
    [("L", 6, 700)],
]
BETWEEN = "l.k = r.k AND l.t BETWEEN r.t - INTERVAL 1 HOUR AND r.t + INTERVAL 1 HOUR"
WATERMARKS = ["2025-12-31T22:30:00.000Z", "2026-01-01T01:00:00.000Z",
              "2026-01-01T03:10:00.000Z", "2026-01-01T05:10:00.000Z",
              "2026-01-01T05:10:00.000Z"]
J1 = [(1, 0, 1, 30)]
J2 = J1 + [(4, 300, 4, 310)]
OUTER = J1 + [(2, 10, None, None), (3, 120, None, None), (4, 300, 4, 310)]
G = [(5, 500, 5, 430)]
CASES = {
    "between": (BETWEEN, "inner", [J1, J1, J2, J2, J2]),
    "gt_le": ("l.k = r.k AND l.t > r.t + interval 10 minutes AND l.t <= r.t + interval 2 hours",
              "inner", [[], [], [], G, G]),
    "left_outer": (BETWEEN, "left", [J1, J1, OUTER, OUTER, OUTER]),
    "gt_only": ("l.k = r.k AND l.t > r.t + interval 10 minutes", "inner", [[], [], [], G, G]),
}


def _minutes(x):
    return None if x is None else int((x - BASE).total_seconds() // 60)


@pytest.mark.parametrize("case", sorted(CASES))
def test_interval_range_join_matches_spark(spark, case):
    cond, how, expected = CASES[case]
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    lsrc, left = memory_stream(spark, "k int, t timestamp")
    rsrc, right = memory_stream(spark, "k int, t timestamp")
    left = left.withWatermark("t", "1 hour").alias("l")
    right = right.withWatermark("t", "2 hours").alias("r")
    joined = left.join(right, F.expr(cond), how).select(
        F.col("l.k").alias("lk"), F.col("l.t").alias("lt"),
        F.col("r.k").alias("rk"), F.col("r.t").alias("rt"))
    name = f"interval_join_{case}"
    q = joined.writeStream.format("memory").queryName(name).outputMode("append").start()
    try:
        for i, batch in enumerate(BATCHES):
            for side, src in (("L", lsrc), ("R", rsrc)):
                rows = [(k, BASE + dt.timedelta(minutes=m)) for s, k, m in batch if s == side]
                if rows:
                    src.add_data(rows)
            q.processAllAvailable()
            got = sorted(((r.lk, _minutes(r.lt), r.rk, _minutes(r.rt))
                          for r in spark.table(name).collect()), key=str)
            assert got == sorted(expected[i], key=str), (case, i)
            assert q.lastProgress["eventTime"]["watermark"] == WATERMARKS[i], (case, i)
    finally:
        q.stop()
