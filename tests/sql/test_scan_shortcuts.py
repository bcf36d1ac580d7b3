"""Shortcuts of the engine's hot paths that must not change a result: text lines cut by
Arrow on the bytes (invalid UTF-8 still becomes U+FFFD), a Filter whose rows all pass hands
its batch on uncopied, an explode that keeps no input column computes no parent rows."""

from __future__ import annotations

from sparkcli.sql import functions as F


def test_text_lines_from_bytes(spark, tmp_path):
    (tmp_path / "a.txt").write_bytes(b"one two\r\nthree\n\nna\xefve \xff\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    rows = [r.value for r in spark.read.text(str(tmp_path / "a.txt")).collect()]
    assert rows == ["one two", "three", "", "na\ufffdve \ufffd"]
    assert spark.read.text(str(tmp_path / "empty.txt")).collect() == []
    (tmp_path / "b.txt").write_text("x\ny")  # no final newline
    assert [r.value for r in spark.read.text(str(tmp_path / "b.txt")).collect()] == ["x", "y"]


def test_filter_all_pass_none_pass_and_some(spark):
    df = spark.range(0, 10, 1, 2)
    assert [r.id for r in df.where(F.col("id") >= 0).collect()] == list(range(10))
    assert df.where(F.col("id") < 0).collect() == []
    assert [r.id for r in df.where(F.col("id") % 3 == 0).collect()] == [0, 3, 6, 9]
    nulls = spark.createDataFrame([(1,), (None,), (3,)], "a INT")
    assert [r.a for r in nulls.where(F.col("a") > 0).collect()] == [1, 3]


def test_explode_with_and_without_input_columns(spark):
    df = spark.createDataFrame([("a b", 1), ("c", 2), ("", 3)], "s STRING, n INT")
    words = df.select(F.explode(F.split("s", " ")).alias("w"))
    assert [r.w for r in words.collect()] == ["a", "b", "c", ""]
    kept = df.select("n", F.explode(F.split("s", " ")).alias("w"))
    assert [(r.n, r.w) for r in kept.collect()] == [(1, "a"), (1, "b"), (2, "c"), (3, "")]
    pos = df.select(F.posexplode(F.split("s", " ")))
    assert [tuple(r) for r in pos.collect()] == [(0, "a"), (1, "b"), (0, "c"), (0, "")]


def test_text_lines_cut_on_the_bytes(spark, tmp_path):
    # multi-byte characters, empty lines at both ends, CRLF, a last line without newline
    (tmp_path / "c.txt").write_bytes("\n\ncafé ünï\r\n\n\u4e2d\u6587 x\n\n\nend".encode())
    df = spark.read.text(str(tmp_path / "c.txt"))
    assert df.schema.simpleString() == "struct<value:string>"
    assert [r.value for r in df.collect()] == [
        "", "", "café ünï", "", "\u4e2d\u6587 x", "", "", "end"]
    (tmp_path / "d.txt").write_bytes(b"\n")
    assert [r.value for r in spark.read.text(str(tmp_path / "d.txt")).collect()] == [""]
    lines = [f"line {i} " + "w" * (i % 7) for i in range(5000)]
    (tmp_path / "e.txt").write_text("\n".join(lines) + "\n")
    got = spark.read.text(str(tmp_path / "e.txt"))
    assert [r.value for r in got.collect()] == lines
    assert got.select(F.length("value").alias("n")).groupBy().sum("n").first()[0] == \
        sum(len(s) for s in lines)


def test_count_star_reads_no_input_next_to_aggregates_that_do(spark):
    df = spark.createDataFrame([("a", 1), ("b", None), ("a", 3), ("a", None)], "k STRING, v INT")
    out = df.groupBy("k").agg(F.count("*").alias("n"), F.sum("v").alias("s"),
                              F.count(F.lit(1)).alias("n1"), F.count("v").alias("nv"),
                              F.countDistinct("v").alias("d")).orderBy("k")
    assert out.schema.simpleString() == \
        "struct<k:string,n:bigint,s:bigint,n1:bigint,nv:bigint,d:bigint>"
    assert [tuple(r) for r in out.collect()] == [("a", 3, 4, 3, 2, 2), ("b", 1, None, 1, 0, 0)]
    assert [tuple(r) for r in df.groupBy().count().collect()] == [(4,)]
    assert [tuple(r) for r in df.where("v > 5").groupBy("k").count().collect()] == []


def test_split_kernels_never_loop_on_empty_matches(spark):
    # Arrow's regex split loops forever on a pattern that matches an empty string: such
    # patterns (and lookarounds RE2 lacks) split one row at a time with Java's rules
    df = spark.createDataFrame([("abc",), ("a.b.c",), ("",), (None,), ("xaxbx",)], "s STRING")

    def split(p, limit=-1):
        return [r[0] for r in df.select(F.split("s", p, limit)).collect()]

    assert split("") == [["a", "b", "c"], ["a", ".", "b", ".", "c"], [""], None,
                         ["x", "a", "x", "b", "x"]]  # as PySpark 4.3
    assert split("", 2) == [["a", "bc"], ["a", ".b.c"], [""], None, ["x", "axbx"]]
    assert split("(?=b)") == [["a", "bc"], ["a.", "b.c"], [""], None, ["xax", "bx"]]
    assert split("x*") == [["a", "b", "c", ""], ["a", ".", "b", ".", "c", ""], [""], None,
                           ["", "", "a", "", "b", "", ""]]
    assert split("b|") == [["a", "", "c", ""], ["a", ".", "", ".", "c", ""], [""], None,
                           ["x", "a", "x", "", "x", ""]]
    assert split("\\b") == [["abc", ""], ["a", ".", "b", ".", "c", ""], [""], None,
                             ["xaxbx", ""]]
    assert split("x*", 2) == [["a", "bc"], ["a", ".b.c"], [""], None, ["", "axbx"]]
    assert split("\\.") == [["abc"], ["a", "b", "c"], [""], None, ["xaxbx"]]
    assert split("x") == [["abc"], ["a.b.c"], [""], None, ["", "a", "b", ""]]
    assert split("[^a]", 2) == [["a", "c"], ["a", "b.c"], [""], None, ["", "axbx"]]
    assert split("\\s+") == [["abc"], ["a.b.c"], [""], None, ["xaxbx"]]
    typed = df.select(F.split("s", "x*").alias("w"))
    assert typed.schema.simpleString() == "struct<w:array<string>>"
    # explode of a NULL array gives no row, explode_outer one NULL row
    assert df.select(F.explode(F.split("s", "(?=b)"))).count() == 7
    assert df.select(F.explode_outer(F.split("s", "(?=b)"))).count() == 8
