"""lpad/rpad with all-literal arguments (one value, not a column) and with the width and pad
from columns; values as PySpark 4.3 gives them."""

from __future__ import annotations


def test_pad_of_literals(spark):
    row = spark.sql("SELECT lpad('hi', 5, 'x'), rpad('hi', 5), lpad(X'0102', 4, X'FF')").collect()[0]
    assert tuple(row) == ("xxxhi", "hi   ", b"\xff\xff\x01\x02")


def test_pad_with_width_and_pad_from_columns(spark):
    rows = spark.sql("SELECT lpad(s, n, p), rpad(s, n, p) FROM VALUES ('hi', 5, 'xy'), "
                     "('hello', 3, 'x'), (NULL, 2, 'x'), ('a', NULL, 'x'), ('a', 3, ''), "
                     "('a', -1, 'x') t(s, n, p)").collect()
    assert [tuple(r) for r in rows] == [("xyxhi", "hixyx"), ("hel", "hel"), (None, None),
                                        (None, None), ("a", "a"), ("", "")]
