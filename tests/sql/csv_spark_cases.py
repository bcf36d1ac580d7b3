"""The CSV quote/escape edge cases of tests/sql/test_csv_spark_table.py, and how to record
what Spark does with them: ``/path/to/pyspark-python tests/sql/csv_spark_cases.py`` runs every
case through real PySpark and writes tests/sql/data/csv_spark_cases.json (the test reads
only that file; it needs no PySpark)."""

from __future__ import annotations

import json
import os
import sys
import tempfile

ABC = "a STRING, b STRING, c STRING"

#: (name, file text, reader options, schema)
READ_CASES = [
    ("doubled_quote_default_escape", '"a""b",x,y\n', {}, ABC),
    ("escaped_quote", '"a\\"b",x,y\n', {}, ABC),
    ("escape_before_other_char", '"a\\nb",x,y\n', {}, ABC),
    ("escaped_escape", '"a\\\\b",x,y\n', {}, ABC),
    ("escaped_escape_at_end", '"a\\\\",x,y\n', {}, ABC),
    ("escape_outside_quotes", 'a\\"b,x,y\n', {}, ABC),
    ("escape_outside_quotes_arrow", 'a\\b,"x",y\n"c",d\\,e\n', {}, ABC),
    ("escape_is_quote_doubling", '"a""b",x,y\n', {"escape": '"'}, ABC),
    ("escape_is_quote_backslash", '"a\\b",x,y\n', {"escape": '"'}, ABC),
    ("quote_inside_unquoted", 'a"b"c,x,y\n', {}, ABC),
    ("text_after_closing_quote", '"ab"cd,x,y\n', {}, ABC),
    ("unescaped_quote_default", '"a"b",x,y\n', {}, ABC),
    ("unescaped_quote_stop_at_closing", '"a"b",x,y\n',
     {"unescapedQuoteHandling": "STOP_AT_CLOSING_QUOTE"}, ABC),
    ("unescaped_quote_back_to_delimiter", '"a"b",x,y\n',
     {"unescapedQuoteHandling": "BACK_TO_DELIMITER"}, ABC),
    ("unescaped_quote_stop_at_delimiter", '"a"b",x,y\n',
     {"unescapedQuoteHandling": "STOP_AT_DELIMITER"}, ABC),
    ("unescaped_quote_skip_value", '"a"b",x,y\n',
     {"unescapedQuoteHandling": "SKIP_VALUE"}, ABC),
    ("unescaped_quote_raise_error", '"a"b",x,y\n',
     {"unescapedQuoteHandling": "RAISE_ERROR"}, ABC),
    ("multiline_quoted_newline", '"a\nb",x,y\n1,2,3\n', {"multiLine": "true"}, ABC),
    ("multiline_off_quoted_newline", '"a\nb",x,y\n1,2,3\n', {}, ABC),
    ("multiline_quoted_crlf", '"a\r\nb",x,y\r\n1,2,3\r\n', {"multiLine": "true"}, ABC),
    ("crlf_lines", 'a,b,c\r\n1,2,3\r\n', {}, ABC),
    ("empty_quoted_vs_unquoted", '"",,y\n', {}, ABC),
    ("empty_value_option", '"",,y\n', {"emptyValue": "E"}, ABC),
    ("null_value_option", 'NULL,"NULL",y\n', {"nullValue": "NULL"}, ABC),
    ("null_and_empty_value", '"",,NULL\n', {"nullValue": "NULL", "emptyValue": "E"}, ABC),
    ("comment_lines", '#c,d,e\n1,2,3\n #x,1,2\n', {"comment": "#"}, ABC),
    ("no_comment_by_default", '#c,d,e\n1,2,3\n', {}, ABC),
    ("whitespace_default", ' a , "b" ,  c \n', {}, ABC),
    ("whitespace_leading", ' a , "b" ,  c \n', {"ignoreLeadingWhiteSpace": "true"}, ABC),
    ("whitespace_trailing", ' a , "b" ,  c \n', {"ignoreTrailingWhiteSpace": "true"}, ABC),
    ("whitespace_both", ' a , "b" ,  c \n',
     {"ignoreLeadingWhiteSpace": "true", "ignoreTrailingWhiteSpace": "true"}, ABC),
    ("whitespace_inside_quotes_both", '" a ",b,c\n',
     {"ignoreLeadingWhiteSpace": "true", "ignoreTrailingWhiteSpace": "true"}, ABC),
    ("space_before_quote", ' "a,b",c,d\n', {}, ABC),
    ("single_quote_char", "'a,b',c,d\n", {"quote": "'"}, ABC),
    ("quoting_disabled", '"a,b",c\n', {"quote": ""}, ABC),
    ("semicolon_sep", '"a;b";c;d\n', {"sep": ";"}, ABC),
    ("multichar_sep", 'a||"b||c"||d\n', {"sep": "||"}, ABC),
    ("quoted_sep_and_escape", '"a,\\"b\\",c",x,y\n', {}, ABC),
    ("unterminated_quote_last_line", '1,2,3\n"a,b\n', {}, ABC),
    ("unterminated_quote_multiline", '1,2,3\n"a,b\n', {"multiLine": "true"}, ABC),
    ("int_column_quoted", '"1", 2 ,"x"\n', {}, "a INT, b INT, c STRING"),
    ("header_quoted_names", '"x,1","y"\n1,2\n', {"header": "true"}, None),
]

TWO = [("a,b", "c"), ("a\nb", "c"), ('a"b', "c"), ("a\\b", "c"), ("", None),
       (" x ", "y"), ("a\\\"b", "'q'"), ("", "")]

#: (name, writer options)
WRITE_CASES = [
    ("defaults", {}),
    ("quote_all", {"quoteAll": "true"}),
    ("no_escape_quotes", {"escapeQuotes": "false"}),
    ("single_quote", {"quote": "'"}),
    ("escape_is_quote", {"escape": '"'}),
    ("empty_and_null_values", {"emptyValue": "EMPTY", "nullValue": "NULL"}),
    ("semicolon_sep", {"sep": ";"}),
    ("keep_whitespace", {"ignoreLeadingWhiteSpace": "false",
                         "ignoreTrailingWhiteSpace": "false"}),
    ("header", {"header": "true"}),
]

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDED = os.path.join(HERE, "data", "csv_spark_cases.json")


def run_read(spark, tmp: str, name: str, text: str, options: dict, schema: str | None):
    path = os.path.join(tmp, name + ".csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    reader = spark.read.options(**options)
    reader = reader.schema(schema) if schema else reader
    try:
        df = reader.csv(path)
        return {"schema": df.schema.simpleString(),
                "rows": [list(r) for r in df.collect()]}
    except Exception as e:  # noqa: BLE001 - the error class is the expectation
        cls = getattr(e, "getCondition", lambda: None)() or type(e).__name__
        return {"error": cls}


def run_write(spark, tmp: str, name: str, options: dict):
    path = os.path.join(tmp, "w_" + name)
    df = spark.createDataFrame(TWO, "a STRING, b STRING").coalesce(1)
    df.write.options(**options).csv(path)
    [part] = [p for p in os.listdir(path) if p.startswith("part-")]
    with open(os.path.join(path, part), encoding="utf-8", newline="") as f:
        return {"text": f.read()}


def record() -> None:
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.master("local[1]").config(
        "spark.ui.enabled", "false").getOrCreate()
    out = {"read": {}, "write": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, options, schema in READ_CASES:
            out["read"][name] = run_read(spark, tmp, name, text, options, schema)
        for name, options in WRITE_CASES:
            out["write"][name] = run_write(spark, tmp, name, options)
    spark.stop()
    with open(RECORDED, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    print(f"recorded {len(out['read'])} read and {len(out['write'])} write cases", file=sys.stderr)


if __name__ == "__main__":
    record()
