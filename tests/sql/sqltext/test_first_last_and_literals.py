"""first/last/any_value with FILTER (WHERE ...), IGNORE NULLS and on decimals or nested values;
``<>`` and string-literal forms; a scalar subquery of two columns (expected names, types and
values from PySpark 4.3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime.errors import PySparkException

CASES = [
    ("SELECT first(x) FILTER (WHERE x > 1), last(x, true) FILTER (WHERE x < 3), "
     "any_value(x) FILTER (WHERE x > 2), first_value(x) FILTER (WHERE x > 1) "
     "FROM VALUES (1), (2), (3), (NULL) AS t(x)",
     "struct<first(x) FILTER (WHERE (x > 1)):int,last(x) FILTER (WHERE (x < 3)):int,"
     "any_value(x) FILTER (WHERE (x > 2)):int,first_value(x) FILTER (WHERE (x > 1)):int>",
     [(2, 2, 3, 2)]),
    ("SELECT k, first(x) FILTER (WHERE k > 0), last(x) FILTER (WHERE x < 3 OR x IS NULL) "
     "FROM VALUES (1, NULL), (1, 2), (2, 3) AS t(k, x) GROUP BY k ORDER BY k",
     "struct<k:int,first(x) FILTER (WHERE (k > 0)):int,"
     "last(x) FILTER (WHERE ((x < 3) OR (x IS NULL))):int>", [(1, None, 2), (2, 3, None)]),
    ("SELECT first(x) FILTER (WHERE k > 1) FROM VALUES (1, 1.5), (2, NULL), (3, 2.5) AS t(k, x)",
     "struct<first(x) FILTER (WHERE (k > 1)):decimal(2,1)>", [(None,)]),
    ("SELECT first(x, true) FILTER (WHERE k > 1) "
     "FROM VALUES (1, 1.5), (2, NULL), (3, 2.5) AS t(k, x)",
     "struct<first(x) FILTER (WHERE (k > 1)):decimal(2,1)>", [(Decimal("2.5"),)]),
    ("SELECT first(x, true), first(x) IGNORE NULLS, last(x, false), any_value(x, true), "
     "first_value(x, true), last_value(x), first(x) RESPECT NULLS "
     "FROM VALUES (NULL), (1), (NULL) AS t(x)",
     "struct<first(x):int,first(x):int,last(x):int,any_value(x):int,first_value(x):int,"
     "last_value(x):int,first(x):int>", [(1, 1, None, 1, 1, None, None)]),
    ("SELECT first(x), last(x), first(y), any_value(z), first(n) FROM VALUES "
     "(1.5, array(1), named_struct('a', 1), NULL), (2.5, array(2), NULL, NULL) AS t(x, y, z, n)",
     "struct<first(x):decimal(2,1),last(x):decimal(2,1),first(y):array<int>,"
     "any_value(z):struct<a:int>,first(n):void>", [(Decimal("1.5"), Decimal("2.5"), [1], (1,),
                                                   None)]),
    ("SELECT k, first(x), last(x, true), first(y) FROM VALUES (1, NULL, array(1)), "
     "(1, 2.5, array(2)), (2, 3.5, NULL) AS t(k, x, y) GROUP BY k ORDER BY k",
     "struct<k:int,first(x):decimal(2,1),last(x):decimal(2,1),first(y):array<int>>",
     [(1, None, Decimal("2.5"), [1]), (2, Decimal("3.5"), Decimal("3.5"), None)]),
    ("SELECT (SELECT 2.7), (SELECT max(x) FROM VALUES (1.5), (2.5) AS t(x))",
     "struct<scalarsubquery():decimal(2,1),scalarsubquery():decimal(2,1)>",
     [(Decimal("2.7"), Decimal("2.5"))]),
    ("SELECT 1 <> 2, 1 != 2, NOT 1 = 2",
     "struct<(NOT (1 = 2)):boolean,(NOT (1 = 2)):boolean,(NOT (1 = 2)):boolean>",
     [(True, True, True)]),
    ("SELECT 'it''s', 'a' 'b', 'x\\'y', concat('a', 'b')",
     "struct<it's:string,ab:string,x'y:string,concat(a, b):string>",
     [("it's", "ab", "x'y", "ab")]),
]


@pytest.mark.parametrize("query,schema,rows", CASES, ids=[c[0][:50] for c in CASES])
def test_query(spark, query, schema, rows):
    df = spark.sql(query)
    assert df.schema.simpleString() == schema
    assert [tuple(r) for r in df.collect()] == rows


def test_scalar_subquery_of_two_columns_is_sparks_error(spark):
    with pytest.raises(PySparkException) as info:
        spark.sql("SELECT (SELECT 1, 2)")
    assert info.value.getErrorClass() == \
        "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN"
    assert str(info.value).startswith(
        "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN] "
        "Invalid subquery: Scalar subquery must return only one column, but got 2.")
