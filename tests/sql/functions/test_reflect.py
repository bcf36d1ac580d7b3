"""reflect / java_method / try_reflect without a JVM, and the partition transforms used
outside partitionedBy; expected values and messages are PySpark 4.3's."""

from __future__ import annotations

import re

import pytest

from runtime.sql.errors import AnalysisException, PySparkException
from sparkcli.sql import functions as F

CASES = [
    ("java_method('java.lang.Math', 'abs', -1)", "1",
     "java_method(java.lang.Math, abs, -1)"),
    ("reflect('java.lang.String', 'valueOf', 1)", "1", "reflect(java.lang.String, valueOf, 1)"),
    ("try_reflect('java.lang.Integer', 'parseInt', 'x')", None, None),
    ("reflect('java.lang.Math', 'max', 1, 5)", "5", None),
    ("reflect('java.net.URLDecoder', 'decode', '%20a', 'UTF-8')", " a", None),
    ("reflect('java.lang.Long', 'toHexString', 255L)", "ff",
     "reflect(java.lang.Long, toHexString, 255)"),
    ("reflect('java.lang.Math', 'sqrt', 4.0D)", "2.0", None),
    ("java_method('java.lang.Math', 'floorMod', 7, -3)", "-2", None),
    ("reflect('java.util.UUID', 'fromString', 'A5CF6C42-0C85-418F-AF6C-3E4E5B1328F2')",
     "a5cf6c42-0c85-418f-af6c-3e4e5b1328f2", None),
    ("typeof(reflect('java.lang.Math', 'abs', 1))", "string", None),
]


@pytest.mark.parametrize("text,value,name", CASES)
def test_reflect(spark, text, value, name):
    df = spark.sql(f"select {text}")
    assert df.collect()[0][0] == value
    assert df.schema.fields[0].dataType.simpleString() == "string"
    if name is not None:
        assert df.columns == [name]


def test_random_uuid(spark):
    (a, b), = spark.sql("select reflect('java.util.UUID', 'randomUUID'), "
                        "java_method('java.util.UUID', 'randomUUID')").collect()
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", a)
    assert a != b


def test_reflect_errors(spark):
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.UNEXPECTED_STATIC_METHOD] Cannot resolve "reflect(java.lang.'
            'Math, nope, 1)" due to data type mismatch: cannot find a static method nope that '
            "matches the argument types in java.lang.Math. SQLSTATE: 42K09")):
        spark.sql("select reflect('java.lang.Math', 'nope', 1)")
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.UNEXPECTED_CLASS_TYPE] Cannot resolve "reflect(java.lang.Nope, '
            'x)" due to data type mismatch: class java.lang.Nope not found (this engine runs '
            "without a JVM")):
        spark.sql("select reflect('java.lang.Nope', 'x')")
    with pytest.raises(AnalysisException, match=re.escape(
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `reflect` requires > 1 parameters but the "
            "actual number is 1.")):
        spark.sql("select reflect('java.lang.Math')")
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "reflect(java.lang.Math, '
            'abs, NULL)" due to data type mismatch: The third parameter requires the ("BOOLEAN" '
            'or "TINYINT" or "SMALLINT" or "INT" or "BIGINT" or "FLOAT" or "DOUBLE" or "STRING")'
            ' type, however "NULL" has the type "VOID".')):
        spark.sql("select reflect('java.lang.Math', 'abs', null)")
    with pytest.raises(PySparkException, match="REFLECTION_FAILED|InvocationTargetException"):
        spark.sql("select reflect('java.lang.Integer', 'parseInt', 'x')").collect()


def test_reflect_python_api(spark):
    df = spark.range(1).select(F.reflect(F.lit("java.lang.Math"), F.lit("abs"), F.lit(-3)),
                               F.java_method(F.lit("java.lang.Math"), F.lit("abs"), F.lit(-4)),
                               F.try_reflect(F.lit("java.lang.Integer"), F.lit("parseInt"),
                                             F.lit("z")))
    assert tuple(df.collect()[0]) == ("3", "4", None)


def test_partition_transforms_outside_partitioned_by(spark):
    import datetime

    df = spark.createDataFrame([(datetime.datetime(2020, 1, 1, 10),)], "t timestamp")
    out = df.select(F.years("t"))
    assert out.schema.simpleString() == "struct<years(t):int>"
    for c, shown in ((F.years("t"), "years(t)"), (F.months("t"), "months(t)"),
                     (F.days("t"), "days(t)"), (F.hours("t"), "hours(t)"),
                     (F.bucket(4, "t"), "bucket(4, t)")):
        with pytest.raises(PySparkException, match=re.escape(
                f'[PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY] The expression "{shown}"'
                " must be inside 'partitionedBy'. SQLSTATE: 42S23")):
            df.select(c).collect()
    with pytest.raises(AnalysisException, match=r"^\[UNRESOLVED_ROUTINE\] Cannot resolve "
                       "routine `years`"):
        spark.sql("select years(timestamp'2020-01-01 00:00:00')")


def test_aes_is_provided_in_sql_and_python(spark):
    """aes_* were one clear NOT_IMPLEMENTED error while no AES was available; they run now
    (plain-Python AES, runtime/sql/expressions/misc_aes.py; values in test_aes.py)."""
    assert spark.sql("select cast(aes_decrypt(aes_encrypt('a', '0000111122223333'), "
                     "'0000111122223333') as string)").collect()[0][0] == "a"
    row = spark.range(1).select(F.try_aes_decrypt(F.lit(b"xx"), F.lit("0000111122223333")))
    assert row.collect()[0][0] is None
