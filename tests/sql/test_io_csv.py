"""CSV reader and writer options: every expected value is real PySpark 4.3's result for the
same file and options (session time zone UTC)."""

from __future__ import annotations

import datetime
import math

import pytest

from sparkcli.errors import AnalysisException, SparkRuntimeException
from tests.sql.conftest import rows

NAN, INF = float("nan"), float("inf")


def csv(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def same(got, want):
    """Rows equal, NaN equal to NaN."""
    def norm(v):
        return "NaN" if isinstance(v, float) and math.isnan(v) else v
    return [tuple(map(norm, r)) for r in got] == [tuple(map(norm, r)) for r in want]


SHORT = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n"


def test_short_and_long_rows(spark, tmp_path):
    p = csv(tmp_path, "short.csv", SHORT)
    df = spark.read.csv(p, header=True, inferSchema=True)
    assert df.dtypes == [("a", "int"), ("b", "int"), ("c", "int")]
    assert rows(df) == [(1, 2, 3), (4, 5, None), (6, 7, 8)]
    assert rows(spark.read.csv(p, header=True)) == [("1", "2", "3"), ("4", "5", None),
                                                    ("6", "7", "8")]
    df = spark.read.csv(p, header=True, schema="a int, b int, c int, _corrupt_record string")
    assert rows(df) == [(1, 2, 3, None), (4, 5, None, "4,5"), (6, 7, 8, "6,7,8,9")]
    for kw in ({"schema": "a int, b int, c int"}, {"inferSchema": True}):
        df = spark.read.csv(p, header=True, mode="DROPMALFORMED", **kw)
        assert rows(df) == [(1, 2, 3)]
        assert df.count() == 3  # count() parses no column (Spark's CSV column pruning)
        assert rows(df.select("a")) == [(1,), (4,), (6,)]
        with pytest.raises(SparkRuntimeException) as e:
            spark.read.csv(p, header=True, mode="FAILFAST", **kw).collect()
        assert e.value.getErrorClass() == "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"
        assert str(e.value).startswith(
            "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected "
            "in record parsing: [4,5,null].\nParse Mode: FAILFAST. To process malformed "
            "records as null result, try setting the option 'mode' as 'PERMISSIVE'.")
        assert f"file:{p}, line 3" in str(e.value)
    # the first record decides the column count
    p = csv(tmp_path, "first.csv", "1,2\n3,4,5\n")
    assert rows(spark.read.csv(p)) == [("1", "2"), ("3", "4")]
    assert spark.read.csv(p, inferSchema=True).dtypes == [("_c0", "int"), ("_c1", "int")]


def test_bad_values_by_mode(spark, tmp_path):
    p = csv(tmp_path, "bad.csv", "a,b\n1,x\n2,3\n")
    assert rows(spark.read.csv(p, header=True, schema="a int, b int",
                               mode="DROPMALFORMED")) == [(2, 3)]
    df = spark.read.csv(p, header=True, schema="a int, b int, _corrupt_record string")
    assert rows(df) == [(1, None, "1,x"), (2, 3, None)]
    with pytest.raises(SparkRuntimeException, match=r"record parsing: \[1,null\]\.\n(?s:.*)"
                       r"bad\.csv, line 2"):
        spark.read.csv(p, header=True, schema="a int, b int", mode="FAILFAST").collect()


def test_comment_and_header_names(spark, tmp_path):
    p = csv(tmp_path, "c.csv", "#hello\na,b\n1,2\n# x,y\n3,4\n")
    df = spark.read.csv(p, header=True, comment="#")
    assert df.columns == ["a", "b"] and rows(df) == [("1", "2"), ("3", "4")]
    df = spark.read.csv(p, header=True)
    assert df.columns == ["#hello"] and rows(df) == [("a",), ("1",), ("# x",), ("3",)]
    p = csv(tmp_path, "dup.csv", "a,a,B,b,\n1,2,3,4,5\n")
    assert spark.read.csv(p, header=True).columns == ["a0", "a1", "B2", "b3", "_c4"]


def test_whitespace_options(spark, tmp_path):
    p = csv(tmp_path, "ws.csv", "a,b\n  x , y  \n 1 ,  \n")
    cases = [({}, [("  x ", " y  "), (" 1 ", "  ")]),
             ({"ignoreLeadingWhiteSpace": True}, [("x ", "y  "), ("1 ", None)]),
             ({"ignoreTrailingWhiteSpace": True}, [("  x", " y"), (" 1", None)]),
             ({"ignoreLeadingWhiteSpace": True, "ignoreTrailingWhiteSpace": True},
              [("x", "y"), ("1", None)])]
    for kw, want in cases:
        assert rows(spark.read.csv(p, header=True, **kw)) == want, kw
    # integers parse as Java's Integer.parseInt: no spaces
    assert rows(spark.read.csv(p, header=True, schema="a int, b string")) == \
        [(None, " y  "), (None, "  ")]
    assert rows(spark.read.csv(p, header=True, schema="a int, b string",
                               ignoreLeadingWhiteSpace=True,
                               ignoreTrailingWhiteSpace=True)) == [(None, "y"), (1, None)]


def test_nan_and_infinity(spark, tmp_path):
    p = csv(tmp_path, "nan.csv", "x\nNaN\nInf\n-Inf\nnan\nINF\nInfinity\n-Infinity\n1.5\n")
    want = [(NAN,), (INF,), (-INF,), (None,), (None,), (INF,), (-INF,), (1.5,)]
    assert same(rows(spark.read.csv(p, header=True, schema="x double")), want)
    assert same(rows(spark.read.csv(p, header=True, schema="x float")), want)
    df = spark.read.csv(p, header=True, schema="x double", nanValue="nan", positiveInf="INF",
                        negativeInf="-Inf")
    assert same(rows(df), [(NAN,), (None,), (-INF,), (NAN,), (INF,), (INF,), (-INF,), (1.5,)])
    assert spark.read.csv(p, header=True, inferSchema=True).dtypes == [("x", "string")]


def test_multiline_and_empty_values(spark, tmp_path):
    p = csv(tmp_path, "ml.csv", 'a,b\n1,"line1\nline2"\n2,"x"\n')
    assert rows(spark.read.csv(p, header=True, multiLine=True)) == \
        [("1", "line1\nline2"), ("2", "x")]
    p = csv(tmp_path, "e.csv", 'a,b,c\n1,"",\n2,x,""\n')
    assert rows(spark.read.csv(p, header=True)) == [("1", None, None), ("2", "x", None)]
    assert rows(spark.read.csv(p, header=True, emptyValue="EMPTY")) == \
        [("1", "EMPTY", None), ("2", "x", "EMPTY")]
    assert rows(spark.read.csv(p, header=True, nullValue="x")) == \
        [("1", "", None), ("2", None, "")]


def test_date_and_timestamp_inference(spark, tmp_path):
    p = csv(tmp_path, "dt.csv", "d,t\n02/01/2024,02/01/2024 13:45:10\n")
    df = spark.read.csv(p, header=True, inferSchema=True, dateFormat="dd/MM/yyyy",
                        timestampFormat="dd/MM/yyyy HH:mm:ss")
    assert df.dtypes == [("d", "date"), ("t", "timestamp")]
    assert rows(df) == [(datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 13, 45, 10))]
    p = csv(tmp_path, "dt2.csv", "d,t,u\n2024-01-02,2024-01-02 03:04:05,"
            "2024-01-02T03:04:05.123Z\n")
    df = spark.read.csv(p, header=True, inferSchema=True)
    assert df.dtypes == [("d", "date"), ("t", "timestamp"), ("u", "timestamp")]
    assert rows(df) == [(datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5),
                         datetime.datetime(2024, 1, 2, 3, 4, 5, 123000))]


def test_quote_option_on_read(spark, tmp_path):
    p = csv(tmp_path, "q.csv", "a,b\n'x,y',2\n")
    assert rows(spark.read.csv(p, header=True, quote="'")) == [("x,y", "2")]
    p = csv(tmp_path, "s.csv", "a|b\n1|2\n")
    assert rows(spark.read.csv(p, header=True, sep="|")) == [("1", "2")]


ROWS = [("plain", 1, 1.5, datetime.date(2024, 1, 2),
         datetime.datetime(2024, 1, 2, 3, 4, 5, 123000)),
        (None, None, None, None, None), ("", 2, NAN, None, None),
        ('q"uote', 3, INF, None, None), ("com,ma", 4, -INF, None, None),
        (" lead", 5, 0.0, None, None), ("trail ", 6, -0.0, None, None),
        ("new\nline", 7, 1e20, None, None), ("back\\slash", 8, 1e-5, None, None),
        ("'single'", 9, 123456789.125, None, None)]
TAIL = ("back\\slash,8,1.0E-5,,\n'single',9,1.23456789125E8,,\n")
DEFAULT = ('plain,1,1.5,2024-01-02,2024-01-02T03:04:05.123Z\n,,,,\n"",2,NaN,,\n'
           '"q\\"uote",3,Infinity,,\n"com,ma",4,-Infinity,,\nlead,5,0.0,,\ntrail,6,-0.0,,\n'
           '"new\nline",7,1.0E20,,\n' + TAIL)
WRITES = [
    ({}, DEFAULT),
    ({"header": True}, "s,i,d,dt,ts\n" + DEFAULT),
    ({"nullValue": "NA"},
     'plain,1,1.5,2024-01-02,2024-01-02T03:04:05.123Z\nNA,NA,NA,NA,NA\n"",2,NaN,NA,NA\n'
     '"q\\"uote",3,Infinity,NA,NA\n"com,ma",4,-Infinity,NA,NA\nlead,5,0.0,NA,NA\n'
     'trail,6,-0.0,NA,NA\n"new\nline",7,1.0E20,NA,NA\nback\\slash,8,1.0E-5,NA,NA\n'
     "'single',9,1.23456789125E8,NA,NA\n"),
    ({"emptyValue": "EMPTY"}, DEFAULT.replace('"",2,NaN', "EMPTY,2,NaN")),
    ({"quoteAll": True},
     '"plain","1","1.5","2024-01-02","2024-01-02T03:04:05.123Z"\n"","","","",""\n'
     '"","2","NaN","",""\n"q\\"uote","3","Infinity","",""\n"com,ma","4","-Infinity","",""\n'
     '"lead","5","0.0","",""\n"trail","6","-0.0","",""\n"new\nline","7","1.0E20","",""\n'
     '"back\\\\slash","8","1.0E-5","",""\n"\'single\'","9","1.23456789125E8","",""\n'),
    ({"quote": "'"},
     'plain,1,1.5,2024-01-02,2024-01-02T03:04:05.123Z\n,,,,\n"",2,NaN,,\nq"uote,3,Infinity,,\n'
     "'com,ma',4,-Infinity,,\nlead,5,0.0,,\ntrail,6,-0.0,,\n'new\nline',7,1.0E20,,\n"
     "back\\slash,8,1.0E-5,,\n'\\'single\\'',9,1.23456789125E8,,\n"),
    ({"escape": '"'}, DEFAULT.replace('"q\\"uote"', '"q""uote"')),
    ({"escapeQuotes": False}, DEFAULT.replace('"q\\"uote"', 'q"uote')),
    ({"dateFormat": "dd/MM/yyyy", "timestampFormat": "yyyy-MM-dd HH:mm:ss"},
     DEFAULT.replace("2024-01-02,2024-01-02T03:04:05.123Z", "02/01/2024,2024-01-02 03:04:05")),
    ({"ignoreLeadingWhiteSpace": False, "ignoreTrailingWhiteSpace": False},
     DEFAULT.replace("\nlead,", "\n lead,").replace("\ntrail,", "\ntrail ,")),
    ({"sep": ";"}, DEFAULT.replace(",", ";").replace('"com;ma"', "com,ma")),
    ({"lineSep": "\r\n"}, DEFAULT.replace("\n", "\r\n")),
]


@pytest.mark.parametrize("options, text", WRITES, ids=[str(o) for o, _ in WRITES])
def test_writer_options(spark, tmp_path, options, text):
    df = spark.createDataFrame(ROWS, "s string, i int, d double, dt date, ts timestamp")
    out = tmp_path / "out"
    df.coalesce(1).write.csv(str(out), **options)
    (part,) = sorted(out.glob("part-*"))
    assert part.read_bytes().decode() == text


def test_writer_types_and_refusals(spark, tmp_path):
    import decimal

    df = spark.createDataFrame([(True, 12345678901, decimal.Decimal("1.50"), 1.25)],
                               "b boolean, l bigint, dec decimal(10,2), f float")
    df.coalesce(1).write.csv(str(tmp_path / "t"), header=True)
    (part,) = sorted((tmp_path / "t").glob("part-*"))
    assert part.read_text() == "b,l,dec,f\ntrue,12345678901,1.50,1.25\n"
    arr = spark.createDataFrame([([1, 2],)], "a array<int>")
    with pytest.raises(AnalysisException) as e:
        arr.write.csv(str(tmp_path / "a"))
    assert str(e.value) == ("[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't "
                            'support the column `a` of the type "ARRAY<INT>". SQLSTATE: 0A000')
    assert not (tmp_path / "a").exists()


def test_round_trip_with_options(spark, tmp_path):
    df = spark.createDataFrame(ROWS, "s string, i int, d double, dt date, ts timestamp")
    out = str(tmp_path / "rt")
    df.write.csv(out, header=True, nullValue="NA", quoteAll=True)
    back = spark.read.csv(out, header=True, nullValue="NA", multiLine=True,
                          schema="s string, i int, d double, dt date, ts timestamp")
    got = sorted(rows(back), key=lambda r: r[1] or 0)
    want = [(s.strip() if s else s, *rest) for s, *rest in ROWS]
    # (a quoted "" reads back as "": only an unquoted empty field or "NA" is NULL here)
    assert same(got, sorted(want, key=lambda r: r[1] or 0))
