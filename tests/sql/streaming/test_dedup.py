"""Streaming deduplication: dropDuplicates without a watermark (state grows), with a watermark
on an event-time key (late rows dropped, keys evicted), dropDuplicatesWithinWatermark, distinct,
and the errors. Each table is real PySpark 4.3's output for the same five batches (fed there as
json files, here through a MemoryStream on the same manual schedule)."""

from __future__ import annotations

import datetime as dt

import pytest

from sparkcli.errors import AnalysisException
from sparkcli.sql.streaming.readwriter import memory_stream


def t(s):
    return dt.datetime(2026, 1, 1, 0, 0, 0) + dt.timedelta(seconds=s)


BATCHES = [
    [(1, "a", t(1)), (1, "b", t(1)), (2, "c", t(2))],
    [(1, "d", t(1)), (3, "e", t(30))],
    [(1, "f", t(1)), (4, "g", t(12)), (4, "h", t(25)), (3, "i", t(30))],
    [(5, "j", t(50))],
    [(3, "k", t(30)), (4, "l", t(41))],
]


def _run(spark, build, name, mode="append", col="v"):
    """Feed BATCHES one by one; the values of ``col`` the sink holds after each batch."""
    src, df = memory_stream(spark, "id int, v string, ts timestamp")
    q = build(df).writeStream.format("memory").outputMode(mode).queryName(name).start()
    seen = []
    try:
        for b in BATCHES:
            src.add_data(b)
            q.processAllAvailable()
            seen.append(sorted(r[col] for r in spark.table(name).collect()))
        return seen, q.lastProgress
    finally:
        q.stop()


def _new(seen):
    """Per batch, the letters it added (the sink accumulates)."""
    out, before = [], []
    for s in seen:
        rest = list(s)
        for x in before:
            rest.remove(x)
        out.append(rest)
        before = s
    return out


def test_drop_duplicates_without_watermark_keeps_every_key(spark):
    seen, p = _run(spark, lambda df: df.dropDuplicates(["id"]), "dd_nowm")
    assert _new(seen) == [["a", "c"], ["e"], ["g"], ["j"], []]
    (op,) = p["stateOperators"]
    assert (op["operatorName"], op["numRowsTotal"], op["numRowsUpdated"],
            op["numRowsRemoved"], op["numRowsDroppedByWatermark"]) == ("dedupe", 5, 0, 0, 0)
    rows = spark.table("dd_nowm").collect()
    assert [type(r.ts) for r in rows][:1] == [dt.datetime] and rows[0].asDict().keys() == \
        {"id", "v", "ts"}


def test_drop_duplicates_of_whole_rows_in_update_mode(spark):
    seen, p = _run(spark, lambda df: df.dropDuplicates(), "dd_all", "update")
    assert _new(seen) == [["a", "b", "c"], ["d", "e"], ["f", "g", "h", "i"], ["j"], ["k", "l"]]
    assert p["stateOperators"][0]["numRowsTotal"] == 12
    seen, _ = _run(spark, lambda df: df.distinct(), "dd_distinct")
    assert _new(seen) == [["a", "b", "c"], ["d", "e"], ["f", "g", "h", "i"], ["j"], ["k", "l"]]


def test_drop_duplicates_with_watermark_on_a_key_evicts(spark):
    seen, p = _run(spark, lambda df: df.withWatermark("ts", "10 seconds")
                   .dropDuplicates(["id", "ts"]), "dd_wm")
    # watermark 20 s after batch 2: (1, 1 s) and (2, 2 s) leave the state, 12 s is late;
    # watermark 40 s after batch 4: (3, 30 s) is late, (4, 41 s) is new
    assert _new(seen) == [["a", "c"], ["e"], ["h"], ["j"], ["l"]]
    op = p["stateOperators"][0]
    assert (op["numRowsTotal"], op["numRowsUpdated"], op["numRowsDroppedByWatermark"]) == \
        (2, 1, 1)


def test_drop_duplicates_with_watermark_not_a_key_drops_late_rows_only(spark):
    seen, p = _run(spark, lambda df: df.withWatermark("ts", "10 seconds")
                   .dropDuplicates(["id"]), "dd_wm_id")
    assert _new(seen) == [["a", "c"], ["e"], ["h"], ["j"], []]
    assert p["stateOperators"][0]["numRowsTotal"] == 5  # nothing is evicted


def test_drop_duplicates_within_watermark(spark):
    seen, p = _run(spark, lambda df: df.withWatermark("ts", "10 seconds")
                   .dropDuplicatesWithinWatermark(["id"]), "dd_within")
    assert _new(seen) == [["a", "c"], ["e"], ["h"], ["j"], ["l"]]
    op = p["stateOperators"][0]
    assert (op["operatorName"], op["numRowsTotal"], op["numRowsUpdated"],
            op["numRowsDroppedByWatermark"]) == ("dedupeWithinWatermark", 2, 1, 1)
    seen, _ = _run(spark, lambda df: df.withWatermark("ts", "10 seconds")
                   .dropDuplicatesWithinWatermark(), "dd_within_all")
    assert _new(seen) == [["a", "b", "c"], ["d", "e"], ["h", "i"], ["j"], ["l"]]


def test_dedup_below_and_above_an_aggregation(spark):
    seen, p = _run(spark, lambda df: df.dropDuplicates(["id"]).groupBy().count(), "dd_cnt",
                   "complete", "count")
    assert seen == [[2], [3], [4], [5], [5]]
    assert [o["operatorName"] for o in p["stateOperators"]] == ["stateStoreSave", "dedupe"]
    src, df = memory_stream(spark, "id int, v string, ts timestamp")
    q = df.groupBy("id").count().dropDuplicates(["id"]).writeStream.format("memory") \
        .outputMode("complete").queryName("cnt_dd").start()
    try:
        got = []
        for b in BATCHES:
            src.add_data(b)
            q.processAllAvailable()
            got.append(sorted(tuple(r) for r in spark.table("cnt_dd").collect()))
        # complete mode: the sink holds the last batch's rows (the ids not seen before)
        assert got == [[(1, 2), (2, 1)], [(3, 1)], [(4, 2)], [(5, 1)], []]
        assert [o["operatorName"] for o in q.lastProgress["stateOperators"]] == \
            ["dedupe", "stateStoreSave"]
    finally:
        q.stop()


def test_dedup_state_survives_a_restart(spark, tmp_path):
    ck = str(tmp_path / "ck")

    def start(src_df, name):
        return src_df.dropDuplicates(["id"]).writeStream.format("memory") \
            .option("checkpointLocation", ck).queryName(name).start()

    src, df = memory_stream(spark, "id int, v string, ts timestamp")
    q = start(df, "dd_r1")
    src.add_data(BATCHES[0])
    q.processAllAvailable()
    q.stop()
    src2, df2 = memory_stream(spark, "id int, v string, ts timestamp")
    src2.add_data(BATCHES[0])  # the restarted source replays offset 0..1 as committed
    q = start(df2, "dd_r2")
    try:
        src2.add_data(BATCHES[1])
        q.processAllAvailable()
        assert sorted(r.v for r in spark.table("dd_r2").collect()) == ["e"]
    finally:
        q.stop()


def test_dedup_errors(spark):
    _, df = memory_stream(spark, "id int, v string, ts timestamp")
    with pytest.raises(AnalysisException, match=r"^dropDuplicatesWithinWatermark is not "
                       r"supported on streaming DataFrames/DataSets without watermark;\n"
                       r"DeduplicateWithinWatermark \[id#"):
        df.dropDuplicatesWithinWatermark(["id"]).writeStream.format("memory") \
            .queryName("x").start()
    with pytest.raises(AnalysisException, match=r"^\[STREAMING_OUTPUT_MODE.UNSUPPORTED_"
                       r"OPERATION\] Invalid streaming output mode: complete. This output mode "
                       r"is not supported for no streaming aggregations"):
        df.dropDuplicates(["id"]).writeStream.format("memory").outputMode("complete") \
            .queryName("x").start()
    with pytest.raises(AnalysisException, match="not supported with batch"):
        spark.range(3).dropDuplicatesWithinWatermark()
