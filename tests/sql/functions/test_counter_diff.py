"""counter_diff (Spark 4.3's window function): PySpark 4.3's docstring examples and
results."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from runtime.sql.errors import AnalysisException, SparkRuntimeException
from sparkcli.sql import Window
from sparkcli.sql import functions as F


def _frame(spark):
    t = [dt.datetime(2026, 1, 1, 0, m) for m in range(5)]
    return spark.createDataFrame(
        [("http_requests", t[0], 100, t[0]), ("http_requests", t[1], 200, t[0]),
         ("http_requests", t[2], 400, t[0]), ("http_requests", t[3], 500,
                                              dt.datetime(2026, 1, 1, 0, 2, 15)),
         ("http_requests", t[4], 600, dt.datetime(2026, 1, 1, 0, 2, 15))],
        "m STRING, t TIMESTAMP_NTZ, c INT, s TIMESTAMP_NTZ")


def test_counter_diff(spark):
    df = _frame(spark).selectExpr("m", "t", "case when t = timestamp_ntz'2026-01-01 00:03:00' "
                                  "then 50 when t = timestamp_ntz'2026-01-01 00:04:00' then 100 "
                                  "else c end c", "s")
    w = Window.partitionBy("m").orderBy("t")
    out = df.select(F.counter_diff("c").over(w).alias("diff"))
    assert out.schema.simpleString() == "struct<diff:int>"
    assert [r.diff for r in out.collect()] == [None, 100, 200, None, 50]
    assert df.select(F.counter_diff("c").over(w)).columns == [
        "counter_diff(c) OVER (PARTITION BY m ORDER BY t ASC NULLS FIRST ROWS BETWEEN UNBOUNDED "
        "PRECEDING AND CURRENT ROW)"]
    d2 = df.selectExpr("m", "t", "cast(c as double) c", "cast(c as decimal(10,2)) dc")
    assert [tuple(r) for r in d2.select(F.counter_diff("c").over(w),
                                        F.counter_diff("dc").over(w)).collect()] == [
        (None, None), (100.0, Decimal("100.00")), (200.0, Decimal("200.00")), (None, None),
        (50.0, Decimal("50.00"))]


def test_counter_diff_start_time_and_nulls(spark):
    w = Window.partitionBy("m").orderBy("t")
    assert [r.diff for r in _frame(spark).select(
        F.counter_diff("c", "s").over(w).alias("diff")).collect()] == [None, 100, 200, None, 100]
    rows = spark.sql("select counter_diff(c) over (order by t) from values (1, 5), (2, null), "
                     "(3, 9) t(t, c)").collect()
    assert [r[0] for r in rows] == [None, None, 4]


def test_counter_diff_errors(spark):
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[COUNTER_DIFF_NEGATIVE_COUNTER_VALUE] A negative counter value -5 was provided to "
            "function `counter_diff`. Negative counter values are not allowed. SQLSTATE: 22003")):
        spark.sql("select counter_diff(c) over (partition by m order by t) from values "
                  "('h', 1, -5), ('h', 2, 3) t(m, t, c)").collect()
    with pytest.raises(AnalysisException, match=re.escape(
            '[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function "counter_diff(c)" requires '
            "an OVER clause.")):
        spark.sql("select counter_diff(c) from values (1) t(c)").collect()
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "counter_diff(c, s)" due '
            'to data type mismatch: The second parameter requires the ("TIMESTAMP" or '
            '"TIMESTAMP_NTZ") type, however "s" has the type "INT".')):
        spark.sql("select counter_diff(c, s) over (order by t) from values (1, 5, 1) t(t, c, s)")
