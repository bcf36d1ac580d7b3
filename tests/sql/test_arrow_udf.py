"""Arrow UDFs (``pyspark.sql.functions.arrow_udf``), run in the executors: scalar, scalar
iterator and grouped-aggregate kinds from the type hints or ``functionType``, several
arguments, NULLs, result types and names, SQL registration, and errors with the user's
traceback."""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sparkcli.errors import PythonException
from sparkcli.sql import functions as F
from sparkcli.sql.functions import ArrowUDFType, arrow_udf
from tests.sql.conftest import rows


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame([(1, 1.5, "a"), (None, 2.5, "a"), (3, None, "b")],
                                 "x long, d double, g string")


def test_scalar(df):
    @arrow_udf("long")
    def plus_one(v: pa.Array) -> pa.Array:
        return pc.add(v, 1)

    @arrow_udf(returnType="double")
    def mul(a: pa.Array, b: pa.Array) -> pa.Array:
        return pc.multiply(a.cast(pa.float64()), b)

    assert plus_one.evalType == ArrowUDFType.SCALAR == 250
    out = df.select(plus_one("x"), mul(df.x, "d"))
    assert out.columns == ["plus_one(x)", "mul(x, d)"]
    assert [f.dataType.simpleString() for f in out.schema.fields] == ["bigint", "double"]
    assert rows(out) == [(2, 1.5), (None, None), (4, None)]


def test_scalar_iterator(df):
    @arrow_udf("string")
    def upper(it: Iterator[pa.Array]) -> Iterator[pa.Array]:
        for a in it:
            yield pc.utf8_upper(a)

    assert upper.evalType == ArrowUDFType.SCALAR_ITER
    assert rows(df.select(upper("g"))) == [("A",), ("A",), ("B",)]


def test_grouped_aggregate(spark, df):
    @arrow_udf("double")
    def mean(v: pa.Array) -> float:
        return pc.mean(v)

    assert mean.evalType == ArrowUDFType.GROUPED_AGG
    out = df.groupBy("g").agg(mean("d").alias("m")).orderBy("g")
    assert rows(out) == [("a", 2.0), ("b", None)]
    total = arrow_udf(lambda v: pc.sum(v).as_py(), "long", ArrowUDFType.GROUPED_AGG)
    assert rows(df.select(total("x"))) == [(4,)]
    spark.udf.register("arrow_mean", mean)
    assert rows(spark.sql("SELECT arrow_mean(d) FROM VALUES (1.0D), (3.0D) t(d)")) == [(2.0,)]


def test_errors(spark, df):
    @arrow_udf("long")
    def boom(v: pa.Array) -> pa.Array:
        raise ValueError("no arrays today")

    with pytest.raises(PythonException) as e:
        df.select(boom("x")).collect()
    assert str(e.value).startswith("An exception was thrown from the Python worker:")
    assert "ValueError: no arrays today" in str(e.value)

    @arrow_udf("long")
    def short(v: pa.Array) -> pa.Array:
        return v[:1]

    with pytest.raises(PythonException, match=r"\[SCHEMA_MISMATCH_FOR_ARROW_UDF\] Result "
                                              r"vector from arrow_udf was not the required "
                                              r"length: expected 3, got 1."):
        spark.range(0, 3, 1, 1).select(short("id")).collect()
    assert F.arrow_udf is arrow_udf
