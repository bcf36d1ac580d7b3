"""The TIME type functions (spark.sql.timeType.enabled=true) and time_bucket, against real
PySpark 4.3's answers (golden/time.json); without the flag a TIME is Spark 4.3's
[UNSUPPORTED_TIME_TYPE]."""

from __future__ import annotations

import pytest

from tests.sql.functions.golden_check import check, params

GAPS: dict[str, str] = {
    'F.to_time(lit("12:34:56")).cast("timestamp")':
        "a TIME does not cast to a timestamp (Spark: today's date at that time)",
    'F.expr("time_bucket(INTERVAL \'15\' MINUTE, TIMESTAMP\'2024-01-01 11:27:00\')")':
        "INTERVAL literals do not parse yet",
}


@pytest.fixture()
def time_table(spark, table):
    spark.conf.set("spark.sql.timeType.enabled", "true")
    yield table
    spark.conf.set("spark.sql.timeType.enabled", "false")


@pytest.mark.parametrize("case", params("time", GAPS))
def test_time(time_table, case):
    check(time_table, case)


def test_time_is_off_by_default_as_in_spark(spark, table):
    from runtime.sql.errors import AnalysisException
    from sparkcli.sql import functions as F

    with pytest.raises(AnalysisException, match=r"^\[UNSUPPORTED_TIME_TYPE\] The data type "
                                                r"TIME is not supported"):
        table.select(F.to_time(F.lit("12:00"))).collect()
    assert table.select(F.typeof(F.current_time())).first()[0] == "time(6)"


def test_time_shows_and_collects_as_spark(spark, capsys):
    import datetime as dt

    spark.conf.set("spark.sql.timeType.enabled", "true")
    try:
        df = spark.sql("SELECT to_time('09:05:01.25') AS t, make_time(23, 0, 0) AS u")
        assert df.collect()[0] == (dt.time(9, 5, 1, 250000), dt.time(23, 0))
        df.show()
        assert "|09:05:01.25|23:00:00|" in capsys.readouterr().out
        assert [f.dataType.simpleString() for f in df.schema.fields] == ["time(6)", "time(6)"]
        assert df.selectExpr("CAST(t AS STRING)").first()[0] == "09:05:01.25"
    finally:
        spark.conf.set("spark.sql.timeType.enabled", "false")
