"""Python UDTFs (``pyspark.sql.functions.udtf``) run in the executors (local[2]): the decorator
and call forms, returnType as DDL or StructType, eval and terminate, tuples, Rows and single
values as rows, the DataFrame call, spark.udtf.register with SQL's FROM clause, LATERAL joins
and TABLE arguments, and PySpark's errors. Expected values are PySpark 4.3's for the same
calls (terminate's rows are joined with the partition's last input row, as Spark does)."""

from __future__ import annotations

import pytest

from sparkcli.errors import AnalysisException, PythonException
from sparkcli.sql import Row
from sparkcli.sql.functions import lit, udtf
from sparkcli.sql.types import IntegerType, StringType, StructField, StructType
from tests.sql.conftest import rows, show


@udtf(returnType="num: int, squared: int")
class SquareNumbers:
    def eval(self, start: int, end: int):
        for num in range(start, end + 1):
            yield (num, num * num)


class Counter:
    def __init__(self):
        self.count = 0

    def eval(self, x):
        self.count += 1
        yield x, "a"

    def terminate(self):
        yield self.count, "end"


counter = udtf(Counter, returnType=StructType([StructField("c", IntegerType()),
                                               StructField("s", StringType())]))


@udtf(returnType="id: int, doubled: int")
class TableArg:
    def eval(self, row: Row):
        yield row["id"], row[0] * 2


@pytest.fixture(scope="module")
def registered(spark):
    spark.udtf.register("sq", SquareNumbers)
    spark.udtf.register("counter", counter)
    spark.udtf.register("ta", TableArg)
    return spark


def test_dataframe_call(spark):
    df = SquareNumbers(lit(1), lit(3))
    assert df.schema.simpleString() == "struct<num:int,squared:int>"
    assert show(df) == ("+---+-------+\n|num|squared|\n+---+-------+\n|  1|      1|\n"
                        "|  2|      4|\n|  3|      9|\n+---+-------+\n")
    assert rows(SquareNumbers(start=lit(1), end=lit(2))) == [(1, 1), (2, 4)]
    assert rows(counter(lit(5))) == [(5, "a"), (1, "end")]


def test_attributes():
    assert type(SquareNumbers).__name__ == "UserDefinedTableFunction"
    assert SquareNumbers.func.__name__ == "SquareNumbers"
    assert SquareNumbers.deterministic is False
    assert SquareNumbers.evalType == 301  # Arrow-optimized by default, as PySpark 4.3
    assert udtf(Counter, returnType="c: int", useArrow=False).evalType == 300


def test_sql_from_clause(registered):
    spark = registered
    assert rows(spark.sql("SELECT * FROM sq(1, 3)")) == [(1, 1), (2, 4), (3, 9)]
    assert rows(spark.sql("SELECT * FROM sq(1, 2) AS s(p, q)")) == [(1, 1), (2, 4)]
    assert spark.sql("SELECT * FROM sq(1, 2) AS s(p, q)").columns == ["p", "q"]
    assert rows(spark.sql("SELECT s.num FROM sq(1, 2) AS s")) == [(1,), (2,)]
    assert rows(spark.sql("SELECT num + 1 FROM sq(1, 2) WHERE squared > 1")) == [(3,)]


def test_sql_lateral(registered):
    spark = registered
    assert rows(spark.sql(
        "SELECT * FROM VALUES (1, 2), (3, 4) t(a, b), LATERAL sq(a, b)")) == [
        (1, 2, 1, 1), (1, 2, 2, 4), (3, 4, 3, 9), (3, 4, 4, 16)]
    assert rows(spark.sql("SELECT * FROM VALUES (1, 2) t(a, b) JOIN LATERAL sq(a, b)")) == [
        (1, 2, 1, 1), (1, 2, 2, 4)]
    assert rows(spark.sql("SELECT * FROM VALUES (1, 2) t(a, b), LATERAL sq(b, a)")) == []
    # terminate per partition (two here), joined with the partition's last input row
    df = spark.sql("SELECT * FROM range(0, 6, 1, 2) t, LATERAL counter(CAST(id AS INT))")
    assert df.columns == ["id", "c", "s"]
    assert rows(df) == [(0, 0, "a"), (1, 1, "a"), (2, 2, "a"), (2, 3, "end"),
                        (3, 3, "a"), (4, 4, "a"), (5, 5, "a"), (5, 3, "end")]
    assert rows(spark.sql("SELECT * FROM VALUES (1, NULL) t(a, b), LATERAL counter(b)")) == [
        (1, None, None, "a"), (1, None, 1, "end")]


def test_table_argument(registered):
    assert rows(registered.sql(
        "SELECT * FROM ta(TABLE(SELECT 1 AS id UNION ALL SELECT 5))")) == [(1, 2), (5, 10)]
    registered.range(3).createOrReplaceTempView("udtf_ids")
    assert rows(registered.sql("SELECT * FROM ta(TABLE(udtf_ids))")) == [
        (0, 0), (1, 2), (2, 4)]


def test_row_forms_and_conversions(spark):
    @udtf(returnType="x: int")
    class Forms:
        def eval(self, a):
            yield Row(x=a)
            yield a + 1  # a single value is a one-column row
            yield None  # a row of NULLs
            yield (None,)

    assert rows(Forms(lit(1))) == [(1,), (2,), (None,), (None,)]

    @udtf(returnType="x: int, y: string")
    class Casts:
        def eval(self, a):
            yield 1.5, 2

    assert rows(Casts(lit(1))) == [(1, "2")]


def _python_error(df) -> str:
    with pytest.raises(PythonException) as e:
        df.collect()
    text = str(e.value)
    assert text.startswith("An exception was thrown from the Python worker:")
    return text.rstrip().splitlines()[-1]


def test_errors_at_run_time(registered):
    @udtf(returnType="x: int")
    class Wide:
        def eval(self, a):
            yield a, a

    assert _python_error(Wide(lit(1))) == (
        "pyspark.errors.exceptions.base.PySparkRuntimeError: [UDTF_RETURN_SCHEMA_MISMATCH] "
        "The number of columns in the result does not match the specified schema. Expected "
        "column count: 1, Actual column count: 2. Please make sure the values returned by the "
        "'eval' method have the same number of columns as specified in the output schema.")

    @udtf(returnType="x: int")
    class Raises:
        def eval(self, a):
            raise ValueError("boom")

    with pytest.raises(PythonException) as e:
        Raises(lit(1)).collect()
    assert 'raise ValueError("boom")' in str(e.value)  # the user's traceback
    assert str(e.value).rstrip().endswith(
        "[UDTF_EXEC_ERROR] User defined table function encountered an error in the 'eval' "
        "method: boom")
    assert _python_error(registered.sql("SELECT * FROM sq(1)")) == (
        "pyspark.errors.exceptions.base.PySparkRuntimeError: "
        "[UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_SIGNATURE] Failed to evaluate the "
        "user-defined table function 'sq' because the function arguments did not match the "
        "expected signature of the 'eval' method (missing a required argument: 'end'). Please "
        "update the query so that this table function call provides arguments matching the "
        "expected signature, or else update the table function so that its 'eval' method "
        "accepts the provided arguments, and then try the query again.")


def test_errors_at_definition(registered):
    from sparkcli.errors import PySparkAttributeError, PySparkTypeError

    with pytest.raises(PySparkAttributeError, match=r"^\[INVALID_UDTF_NO_EVAL\] The UDTF 'X' "
                                                    r"is invalid. It does not implement"):
        udtf(type("X", (), {}), returnType="x: int")
    with pytest.raises(PySparkTypeError, match=r"^\[INVALID_UDTF_HANDLER_TYPE\] The UDTF is "
                                               r"invalid. The function handler must be a "
                                               r"class, but got 'function'."):
        udtf(lambda x: x, returnType="x: int")
    with pytest.raises(PySparkAttributeError, match=r"^\[INVALID_UDTF_RETURN_TYPE\] The UDTF "
                                                    r"'Counter' is invalid"):
        udtf(Counter)
    with pytest.raises(PySparkTypeError, match=r"^\[UDTF_RETURN_TYPE_MISMATCH\] Mismatch in "
                                               r"return type for the UDTF 'Counter'. Expected "
                                               r"a 'StructType', but got 'int'"):
        udtf(Counter, returnType="int")(lit(1))
    with pytest.raises(AnalysisException, match=r"^\[NOT_A_SCALAR_FUNCTION\] `sq` appears as "
                                                r"a scalar expression here"):
        registered.sql("SELECT sq(1, 3)")
    with pytest.raises(AnalysisException, match=r"^\[UNRESOLVABLE_TABLE_VALUED_FUNCTION\]"):
        registered.sql("SELECT * FROM no_such_udtf(1)")
