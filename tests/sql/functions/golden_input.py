"""The input table every golden function case runs on (shared by the generator, which runs
under real PySpark, and the tests, which run under sparkcli)."""

from __future__ import annotations

import decimal

SCHEMA = ("i int, j int, l bigint, d double, e double, s string, t string, b binary, "
          "dec decimal(10,2), js string, u string")

ROWS = [
    (5, 2, 10, 2.5, 0.5, "Hello World", "o", b"Spark", decimal.Decimal("12.35"),
     '{"a": 1, "b": [1, 2, {"c": "x"}], "d": {"e": true}}', "https://u:p@ex.com:8080/p/a.html?k=v&q=1#frag"),
    (-7, 3, -1099511627776, -0.5, -2.0, "spark_sql SQL", "sql", b"", decimal.Decimal("-1.50"),
     '[1, "two", null, 4.5]', "http://example.com/x%20y?a=%E4%B8%AD"),
    (None, None, None, None, None, None, None, None, None, None, None),
]


def frame(spark):
    return spark.createDataFrame(ROWS, SCHEMA)
