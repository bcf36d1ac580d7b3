"""Scalar subqueries with Spark's rules: the count bug (a correlated count over no rows is 0,
not NULL) and [SCALAR_SUBQUERY_TOO_MANY_ROWS] (expected values from PySpark 4.3)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import SparkRuntimeException


def test_correlated_count_over_no_rows_is_zero(views):
    rows = views.sql("SELECT id, (SELECT count(*) FROM u WHERE u.id = t.id + 1) AS c FROM t "
                     "ORDER BY id").collect()
    assert [tuple(r) for r in rows] == [(1, 0), (2, 1), (3, 1)]
    df = views.sql("SELECT id, (SELECT count(*) FROM u WHERE u.id = t.id * 10) AS c, "
                   "(SELECT sum(u.id) FROM u WHERE u.id = t.id * 10) AS s, "
                   "(SELECT count(*) + 1 FROM u WHERE u.id = t.id) AS c1 FROM t ORDER BY id")
    assert df.schema.simpleString() == "struct<id:int,c:bigint,s:bigint,c1:bigint>"
    assert [tuple(r) for r in df.collect()] == [(1, 0, None, 2), (2, 0, None, 1),
                                                (3, 0, None, 2)]


def test_scalar_subquery_with_several_rows_raises(views):
    with pytest.raises(SparkRuntimeException, match=r"\[SCALAR_SUBQUERY_TOO_MANY_ROWS\] More "
                       "than one row returned by a subquery used as an expression"):
        views.sql("SELECT id, (SELECT id FROM u) AS c FROM t").collect()
    rows = views.sql("SELECT id, (SELECT id FROM u WHERE id = 4) AS c, "
                     "(SELECT id FROM u WHERE id > 100) AS n FROM t ORDER BY id").collect()
    assert [tuple(r) for r in rows] == [(1, 4, None), (2, 4, None), (3, 4, None)]
