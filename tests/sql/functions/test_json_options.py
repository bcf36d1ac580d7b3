"""from_json with Spark's JSON options (mode, columnNameOfCorruptRecord, dateFormat,
timestampFormat, the Jackson parser features), JSON-format and nested DDL schemas; every
expected value is PySpark 4.3's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from runtime.sql.errors import AnalysisException, SparkRuntimeException
from sparkcli.sql import Row
from sparkcli.sql import functions as F

CASES = [
    ("""from_json('{a: 1}', 'a INT', map('allowUnquotedFieldNames', 'true'))""", Row(a=1)),
    ("""from_json('{a: 1}', 'a INT')""", Row(a=None)),
    ("""from_json("{'a': 1}", 'a INT')""", Row(a=1)),
    ("""from_json("{'a': 1}", 'a INT', map('allowSingleQuotes','false'))""", Row(a=None)),
    ("""from_json('{"a": 01}', 'a INT', map('allowNumericLeadingZeros','true'))""", Row(a=1)),
    ("""from_json('{"a": 01}', 'a INT')""", Row(a=None)),
    ("""from_json('{"a": 1 /* c */}', 'a INT', map('allowComments','true'))""", Row(a=1)),
    ("""from_json('{"a": "26/01/2020"}', 'a DATE', map('dateFormat', 'dd/MM/yyyy'))""",
     Row(a=dt.date(2020, 1, 26))),
    ("""from_json('{"a": "2020-01-26"}', 'a DATE')""", Row(a=dt.date(2020, 1, 26))),
    ("""from_json('{"a": "2020-01-26 10:11:12"}', 'a TIMESTAMP')""",
     Row(a=dt.datetime(2020, 1, 26, 10, 11, 12))),
    ("""from_json('{"a": "2020-01-26T10:11:12.5Z"}', 'a TIMESTAMP')""",
     Row(a=dt.datetime(2020, 1, 26, 10, 11, 12, 500000))),
    ("""from_json('{"a": "26/01/2020 10:11"}', 'a TIMESTAMP',
        map('timestampFormat', 'dd/MM/yyyy HH:mm'))""", Row(a=dt.datetime(2020, 1, 26, 10, 11))),
    ("""from_json('{"a": "26/01/2020 10:11"}', 'a TIMESTAMP_NTZ',
        map('timestampNTZFormat', 'dd/MM/yyyy HH:mm'))""", Row(a=dt.datetime(2020, 1, 26, 10, 11))),
    ("""from_json('{"a": x}', 'a INT, _corrupt_record STRING')""",
     Row(a=None, _corrupt_record='{"a": x}')),
    ("""from_json('{"a": "x", "b": 2}', 'a INT, b INT, _corrupt_record STRING')""",
     Row(a=None, b=2, _corrupt_record='{"a": "x", "b": 2}')),
    ("""from_json('{"a": x}', 'a INT, bad STRING', map('columnNameOfCorruptRecord', 'bad'))""",
     Row(a=None, bad='{"a": x}')),
    ("""from_json('{"a": 1}', 'a STRING', map('primitivesAsString', 'true'))""", Row(a="1")),
    ("""from_json('[{"a": 1}, {"a": 2}]', 'a INT')""", Row(a=None)),
    ("""from_json('[{"a": 1}, {"a": 2}]', 'array<struct<a:int>>')""", [Row(a=1), Row(a=2)]),
    ("""from_json('{"a": 1}', '{"type":"struct","fields":[{"name":"a","type":"integer",
        "nullable":true,"metadata":{}}]}')""", Row(a=1)),
    ("""from_json('{"a": 1.5}', 'a DECIMAL(3,1)')""", Row(a=Decimal("1.5"))),
    ("""from_json('{"a": "1.5"}', 'a DOUBLE')""", Row(a=None)),
    ("""from_json('{"a": "1"}', 'a INT')""", Row(a=None)),
    ("""from_json('{"a": true}', 'a STRING')""", Row(a="true")),
    ("""from_json('{"a": 1}', 'a INT', map('mode', 'bogus'))""", Row(a=1)),
    ("""from_json('{"a": {"b": [1, {"c": 2}]}}', 'a STRUCT<b: ARRAY<STRING>>')""",
     Row(a=Row(b=["1", '{"c":2}']))),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_from_json_options(spark, text, expected):
    (row,) = spark.sql(f"select {text}").collect()
    assert row[0] == expected


def test_non_numeric_numbers(spark):
    (row,) = spark.sql("""select from_json('{"a": NaN, "b": -Infinity}',
                          'a DOUBLE, b DOUBLE')""").collect()
    assert row[0].a != row[0].a and row[0].b == float("-inf")


@pytest.mark.parametrize("text", ["""'{"a": x}', 'a INT'""", """'{"a": "x"}', 'a INT'""",
                                  """'[1,2', 'array<int>'"""])
def test_failfast(spark, text):
    with pytest.raises(SparkRuntimeException, match=(
            r"^\[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION\] Malformed records are "
            r"detected in record parsing: \[null\].\nParse Mode: FAILFAST. ")):
        spark.sql(f"select from_json({text}, map('mode', 'FAILFAST'))").collect()


def test_option_errors(spark):
    with pytest.raises(AnalysisException, match=r"^\[PARSE_MODE_UNSUPPORTED\] The function "
                       "`from_json` doesn't support the DROPMALFORMED mode. Acceptable modes "
                       "are PERMISSIVE and FAILFAST. SQLSTATE: 42601"):
        spark.sql("""select from_json('{"a": 1}', 'a INT', map('mode', 'DROPMALFORMED'))""")
    with pytest.raises(AnalysisException, match=r"^\[INVALID_OPTIONS.NON_STRING_TYPE\] "
                       "Invalid options: A type of keys and values in `map\\(\\)` must be "
                       'string, but got "MAP<STRING, INT>"'):
        spark.sql("""select from_json('{"a": 1}', 'a INT', map('mode', 1))""")
    with pytest.raises(AnalysisException, match=r"^\[INVALID_OPTIONS.NON_MAP_FUNCTION\]"):
        spark.sql("""select from_json('{"a": 1}', 'a INT', named_struct('mode', 1))""")
    with pytest.raises(AnalysisException, match=r'^\[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA\] '
                       'Cannot resolve "from_json\\(1\\)" due to data type mismatch: Input '
                       'schema "INT" must be a struct'):
        spark.sql("select from_json('1', 'INT')")


def test_python_api_options_and_nested_ddl(spark):
    df = spark.createDataFrame([("{a: '5', d: '02/03/2021', n: {x: [1, 2]}}",)], "s string")
    out = df.select(F.from_json("s", "a STRING, d DATE, n STRUCT<x: ARRAY<BIGINT>>",
                                {"allowUnquotedFieldNames": True,
                                 "dateFormat": "dd/MM/yyyy"}).alias("j"))
    assert out.schema.simpleString() == \
        "struct<j:struct<a:string,d:date,n:struct<x:array<bigint>>>>"
    assert out.collect() == [Row(j=Row(a="5", d=dt.date(2021, 3, 2), n=Row(x=[1, 2])))]
    assert df.select(F.from_json("s", "a INT")).columns == ["from_json(s)"]
    with pytest.raises(SparkRuntimeException, match="MALFORMED_RECORD_IN_PARSING"):
        df.select(F.from_json("s", "a INT", {"mode": "FAILFAST"})).collect()
