"""show() and printSchema() byte for byte with PySpark 4.3.

golden/show_basics.txt is what PySpark 4.3.0 printed for the statements of
``_show_basics`` (run in a separate virtualenv with the JVM, TZ=UTC); the test prints the
same statements here and compares the captured text.
"""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path

from sparkcli.sql.types import Row

GOLDEN = Path(__file__).parent / "golden"

ALL_TYPES = ("i bigint, s string, arr array<bigint>, m map<string,bigint>, "
             "st struct<x:bigint,y:string>, n string, f double, big double, bin binary, "
             "ts timestamp, dt date, dec decimal(10,2), u string")


def _show_basics(spark) -> None:
    df = spark.createDataFrame([("Alice", 11), ("Bob", None)], ["name", "age"])
    df.show()
    df.printSchema()
    print(df.dtypes, df.schema)
    d = spark.createDataFrame(
        [(1, "a" * 30, [1, None], {"k": None}, Row(x=1, y=None), None, 1.5, 1e20,
          bytearray(b"\x01\x02"), datetime.datetime(2024, 1, 1, 12, 0, 0, 500000),
          datetime.date(2024, 1, 2), decimal.Decimal("1.50"), "日本語テキスト")], ALL_TYPES)
    d.show()
    d.show(truncate=False)
    d.show(vertical=True)
    d.printSchema()
    print(d.dtypes)
    spark.range(25).show()
    spark.range(0).show()
    spark.range(0).show(vertical=True)
    spark.range(3).show(1)


def test_show_and_print_schema_match_pyspark(spark, capsys):
    _show_basics(spark)
    out = capsys.readouterr().out
    assert out == (GOLDEN / "show_basics.txt").read_text()


def test_describe_and_summary_match_pyspark(spark, capsys):
    x = spark.range(5)
    x.describe().show()
    x.summary().show()
    assert capsys.readouterr().out == (GOLDEN / "describe_summary.txt").read_text()


def test_show_truncate_widths_and_escapes(spark):
    from tests.sql.conftest import show

    df = spark.createDataFrame([("abcdefghij", "a\nb")], ["long", "nl"])
    # PySpark 4.3: headers are never cut; cells are escaped, then cut
    assert show(df, truncate=3) == (
        "+----+---+\n"
        "|long| nl|\n"
        "+----+---+\n"
        "| abc|a\\n|\n"
        "+----+---+\n")
    assert show(df, truncate=5) == (
        "+-----+----+\n"
        "| long|  nl|\n"
        "+-----+----+\n"
        "|ab...|a\\nb|\n"
        "+-----+----+\n")
