"""Common subexpressions computed once per batch (execution/subexpr.py), and inner joins
that broadcast the smaller, left side (planner.py, Spark's BuildLeft)."""

from __future__ import annotations

import decimal

import pytest

pytest.importorskip("pyarrow")

from runtime.sql import types as T  # noqa: E402
from runtime.sql.expressions.base import AggCall, AttributeReference, Call, Literal  # noqa: E402
from runtime.sql.expressions.registry import lookup  # noqa: E402
from runtime.sql.execution.subexpr import eliminate  # noqa: E402
from sparkcli.sql import functions as F  # noqa: E402

D = T.DecimalType(15, 2)


def _call(name, *args, dtype=D):
    return Call(lookup(name), tuple(args), dtype)


def test_a_repeated_product_is_shared_once():
    price = AttributeReference("price", D, True, expr_id=101)
    disc = AttributeReference("disc", D, True, expr_id=102)
    tax = AttributeReference("tax", D, True, expr_id=103)
    one = Literal(decimal.Decimal(1), T.DecimalType(1, 0))
    disc_price = _call("*", price, _call("-", one, disc))
    charge = _call("*", disc_price, _call("+", one, tax))
    s1 = AggCall(lookup("sum"), (disc_price,), T.DecimalType(38, 4))
    s2 = AggCall(lookup("sum"), (charge,), T.DecimalType(38, 6))
    shared, (r1, r2) = eliminate([s1, s2])
    assert len(shared.shared) == 1
    attr = r1.children[0]
    assert isinstance(attr, AttributeReference) and attr.expr_id == shared.shared[0].expr_id
    assert r2.children[0].children[0].expr_id == attr.expr_id
    assert eliminate([s1])[0].shared == []  # nothing repeated, nothing shared


def test_aggregates_sharing_work_give_the_plain_answers(spark):
    rows = [(i % 3, decimal.Decimal(i) / 4, decimal.Decimal(i % 10) / 100,
             decimal.Decimal(i % 7) / 100) for i in range(1, 400)]
    df = spark.createDataFrame(rows, "k INT, price DECIMAL(15,2), disc DECIMAL(15,2), "
                                     "tax DECIMAL(15,2)")
    disc_price = df.price * (1 - df.disc)
    out = (df.groupBy("k").agg(F.sum(disc_price).alias("a"),
                               F.sum(disc_price * (1 + df.tax)).alias("b"),
                               F.sum(F.when(df.disc > 0, disc_price)).alias("c"))
           .orderBy("k").collect())
    for r in out:
        mine = [x for x in rows if x[0] == r.k]
        assert r.a == sum(p * (1 - d) for _, p, d, _ in mine)
        assert r.b == sum(p * (1 - d) * (1 + t) for _, p, d, t in mine)
        assert r.c == sum(p * (1 - d) for _, p, d, _ in mine if d > 0)
    assert str(out[0].a.as_tuple().exponent) == "-4"


def test_a_small_left_side_is_broadcast_and_columns_keep_their_order(spark, capsys):
    small = spark.createDataFrame([(i, f"n{i}") for i in range(5)], "id INT, name STRING")
    big = spark.range(20000).selectExpr("id % 5 AS fk", "id AS v")
    joined = small.join(big, small.id == big.fk)
    joined.explain()
    plan = capsys.readouterr().out
    assert "BroadcastHashJoin" in plan and "ShuffledHashJoin" not in plan
    assert joined.columns == ["id", "name", "fk", "v"]
    got = sorted(tuple(r) for r in joined.collect())
    assert got == sorted((v % 5, f"n{v % 5}", v % 5, v) for v in range(20000))
