"""from_xml, schema_of_xml and to_xml; every expected value is PySpark 4.3's."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from runtime.sql.errors import AnalysisException, SparkRuntimeException
from sparkcli.sql import Row
from sparkcli.sql import functions as F

X = "'<p><a>1</a><b>x</b><c><d>2.5</d></c><e>1</e><e>2</e></p>'"

CASES = [
    (f"from_xml({X}, 'a INT, b STRING, c STRUCT<d: DOUBLE>, e ARRAY<INT>')",
     Row(a=1, b="x", c=Row(d=2.5), e=[1, 2])),
    (f"from_xml({X}, 'a INT')", Row(a=1)),
    (f"schema_of_xml({X})", "STRUCT<a: BIGINT, b: STRING, c: STRUCT<d: DOUBLE>, e: ARRAY<BIGINT>>"),
    ("""schema_of_xml('<p><a x="1">t</a></p>')""", "STRUCT<a: STRUCT<_VALUE: STRING, _x: BIGINT>>"),
    ("""from_xml('<p><a x="1">t</a></p>', 'a STRUCT<_x: INT, _VALUE: STRING>')""",
     Row(a=Row(_x=1, _VALUE="t"))),
    ("""schema_of_xml('<p x="1"><a>t</a></p>')""", "STRUCT<_x: BIGINT, a: STRING>"),
    ("""from_xml('<p x="1"><a>t</a></p>', '_x INT, a STRING')""", Row(_x=1, a="t")),
    ("schema_of_xml('<p><a>1</a><a>x</a><b>true</b><c>2020-01-01</c><d>1.5</d><e></e>"
     "<f>12345678901</f><g>2020-01-01 10:00:00</g></p>')",
     "STRUCT<a: ARRAY<STRING>, b: BOOLEAN, c: DATE, d: DOUBLE, e: STRING, f: BIGINT, "
     "g: TIMESTAMP>"),
    ("from_xml('<p><a>x</a></p>', 'a INT')", Row(a=None)),
    ("from_xml('<p><a>1</a>', 'a INT')", Row(a=None)),
    ("from_xml('<p><a>1</a></p>', 'a INT, _corrupt_record STRING')",
     Row(a=1, _corrupt_record=None)),
    ("from_xml('<p><a>x</a></p>', 'a INT, _corrupt_record STRING')",
     Row(a=None, _corrupt_record="<p><a>x</a></p>")),
    ("to_xml(named_struct('a', 1, 'b', 'x', 'c', named_struct('d', 2.5), 'e', array(1, 2), "
     "'f', cast(null as int)))",
     "<ROW>\n    <a>1</a>\n    <b>x</b>\n    <c>\n        <d>2.5</d>\n    </c>\n    <e>1</e>\n"
     "    <e>2</e>\n</ROW>"),
    ("to_xml(named_struct('a', 1), map('rowTag', 'row'))", "<row>\n    <a>1</a>\n</row>"),
    ("to_xml(named_struct('_x', 1, 'a', 'y'))", '<ROW x="1">\n    <a>y</a>\n</ROW>'),
    ("to_xml(named_struct('a', '<&>'))", "<ROW>\n    <a>&lt;&amp;></a>\n</ROW>"),
    ("to_xml(named_struct('d', date'2020-01-01', 't', timestamp'2020-01-01 10:00:00', 'b', true,"
     " 'dbl', 1.5D, 'bin', unhex('0102')))",
     "<ROW>\n    <d>2020-01-01</d>\n    <t>2020-01-01T10:00:00.000Z</t>\n    <b>true</b>\n"
     "    <dbl>1.5</dbl>\n    <bin>[01 02]</bin>\n</ROW>"),
    ("to_xml(named_struct('m', map('k', 1)))",
     "<ROW>\n    <m>\n        <k>1</k>\n    </m>\n</ROW>"),
    ("to_xml(named_struct('a', array(named_struct('b', 1), named_struct('b', 2))))",
     "<ROW>\n    <a>\n        <b>1</b>\n    </a>\n    <a>\n        <b>2</b>\n    </a>\n</ROW>"),
    ("from_xml('<p><a>1</a></p>', 'a INT', map('rowTag', 'p'))", Row(a=1)),
    ("from_xml('<p>  <a> 1 </a> </p>', 'a INT, b STRING')", Row(a=1, b=None)),
    ("from_xml('<p><a><b>1</b><b>2</b></a></p>', 'a STRUCT<b: ARRAY<INT>>')", Row(a=Row(b=[1, 2]))),
    ("from_xml('<p><a>1</a></p>', 'a ARRAY<INT>')", Row(a=[1])),
    ("from_xml('<p><t>2020-01-01 10:00:00</t><d>2020-01-01</d></p>', 't TIMESTAMP, d DATE')",
     Row(t=dt.datetime(2020, 1, 1, 10, 0), d=dt.date(2020, 1, 1))),
    ("from_xml('<p><a>26/01/2020</a></p>', 'a DATE', map('dateFormat', 'dd/MM/yyyy'))",
     Row(a=dt.date(2020, 1, 26))),
    ("schema_of_xml('<p><a>1</a><a>2</a></p>')", "STRUCT<a: ARRAY<BIGINT>>"),
    ("schema_of_xml('<p></p>')", "STRUCT<>"),
    ("schema_of_xml('<p>text</p>')", "STRUCT<_VALUE: STRING>"),
    ("from_xml('<p>text</p>', '_VALUE STRING')", Row(_VALUE="text")),
    ("schema_of_xml('<p><a><b>1</b></a><a><c>x</c></a></p>')",
     "STRUCT<a: ARRAY<STRUCT<b: BIGINT, c: STRING>>>"),
    ("schema_of_xml('<p><a_b>1</a_b><A>2</A></p>')", "STRUCT<A: BIGINT, a_b: BIGINT>"),
    ("schema_of_xml('x')", "STRUCT<_corrupt_record: STRING>"),
    ("to_xml(named_struct('a', 1, 'b', named_struct('_c', 2, '_VALUE', 'v')))",
     '<ROW>\n    <a>1</a>\n    <b c="2">v</b>\n</ROW>'),
    ("from_xml(null, 'a INT')", None),
    ("to_xml(named_struct('a', 1, 'b', 2), map('indent', '  '))",
     "<ROW>\n  <a>1</a>\n  <b>2</b>\n</ROW>"),
    ("from_xml('<p><a>1</a><b><![CDATA[x<y]]></b></p>', 'a INT, b STRING')", Row(a=1, b="x<y")),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_xml(spark, text, expected):
    (row,) = spark.sql(f"select {text}").collect()
    assert row[0] == expected


def test_xml_errors_and_api(spark):
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
            "record parsing: [null].\nParse Mode: FAILFAST.")):
        spark.sql("select from_xml('<p><a>x</a></p>', 'a INT', map('mode','FAILFAST'))").collect()
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "to_xml(1)" due to data '
            'type mismatch: The first parameter requires the "STRUCT" type, however "1" has the '
            'type "INT". SQLSTATE: 42K09')):
        spark.sql("select to_xml(1)")
    df = spark.createDataFrame([("<p><a>1</a></p>",)], "x string")
    assert df.select(F.from_xml("x", "a INT")).columns == ["from_xml(x)"]
    assert df.select(F.schema_of_xml(F.lit("<p><a>1</a></p>"))).columns == \
        ["schema_of_xml(<p><a>1</a></p>)"]
    out = df.select(F.from_xml("x", "a INT", {"mode": "FAILFAST"}).alias("r"),
                    F.to_xml(F.struct(F.lit(1).alias("a")), {"rowTag": "r"}).alias("s"))
    assert out.collect() == [Row(r=Row(a=1), s="<r>\n    <a>1</a>\n</r>")]
