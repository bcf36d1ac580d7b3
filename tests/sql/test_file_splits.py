"""File scans cut into partitions as Spark does (io/splits.py), Parquet pieces by row group,
text pieces by line, and filters pushed into the Parquet reader (io/parquet_scan.py)."""

from __future__ import annotations

import datetime
import decimal

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from runtime.sql import types as T  # noqa: E402
from runtime.sql.expressions.base import AttributeReference, Call, Cast, Literal  # noqa: E402
from runtime.sql.expressions.registry import lookup  # noqa: E402
from runtime.sql.expressions.registry import EvalContext  # noqa: E402
from runtime.sql.io.parquet_scan import arrow_predicate, read_parquet_piece  # noqa: E402
from runtime.sql.io.splits import FileSplitConf, plan_splits  # noqa: E402
from sparkcli.sql import functions as F  # noqa: E402

MB = 1 << 20


def test_one_big_parquet_file_is_cut_by_bytes_per_core():
    # Spark: maxSplitBytes = min(128 MB, max(4 MB, (197 MB + 4 MB) / 2)) = 100.5 MB
    parts = plan_splits("parquet", [("/x/l.parquet", 197 * MB, ())], {}, FileSplitConf())
    assert [[(p[3], p[1]) for p in part] for part in parts] == \
        [[(0, 201 * MB // 2)], [(201 * MB // 2, 197 * MB - 201 * MB // 2)]]


def test_small_files_share_partitions_and_unsplittable_files_stay_whole():
    files = [(f"/x/{i}.csv", 1000 + i, ()) for i in range(6)]
    parts = plan_splits("csv", files, {}, FileSplitConf())
    # 6 files of ~1 KB: bytesPerCore ~12 MB, each file counts 4 MB of open cost: 3 a partition
    assert [len(p) for p in parts] == [3, 3]
    assert sorted(p[0] for part in parts for p in part) == sorted(f[0] for f in files)
    big = plan_splits("csv", [("/x/big.csv", 300 * MB, ())], {}, FileSplitConf())
    assert big == [[("/x/big.csv", 300 * MB, (), 0)]]
    gz = plan_splits("text", [("/x/a.txt.gz", 300 * MB, ())], {}, FileSplitConf())
    assert len(gz) == 1


def test_text_pieces_read_every_line_once(spark, tmp_path):
    lines = [f"line {i} " + "x" * (i % 37) for i in range(2000)] + ["", "last"]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(lines) + "\n")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")
    spark.conf.set("spark.sql.files.openCostInBytes", "0")
    try:
        df = spark.read.text(str(path))
        assert df.rdd.getNumPartitions() > 5
        assert [r.value for r in df.collect()] == lines
        crlf = tmp_path / "crlf.txt"
        crlf.write_bytes(b"a\r\nb\r\n" * 3000)
        assert [r.value for r in spark.read.text(str(crlf)).collect()] == ["a", "b"] * 3000
        # pieces that end exactly on a newline, or just after one; no final newline
        for width in (63, 64, 65):
            aligned = tmp_path / f"aligned{width}.txt"
            rows = [f"{i:05d}" + "y" * (width - 6) for i in range(300)]
            aligned.write_text("\n".join(rows))
            assert [r.value for r in spark.read.text(str(aligned)).collect()] == rows
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")


def test_parquet_row_groups_split_and_filters_pushed(spark, tmp_path):
    n = 20000
    table = pa.table({
        "k": pa.array(range(n), pa.int64()),
        "d": pa.array([decimal.Decimal(i % 100) / 100 for i in range(n)], pa.decimal128(15, 2)),
        "day": pa.array([datetime.date(2020, 1, 1) + datetime.timedelta(days=i // 1000)
                         for i in range(n)], pa.date32()),
        "s": pa.array([None if i % 7 == 0 else f"s{i % 5}" for i in range(n)], pa.string()),
    })
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=1000)
    spark.conf.set("spark.sql.files.maxPartitionBytes", str(path.stat().st_size // 4))
    try:
        df = spark.read.parquet(str(path))
        assert df.rdd.getNumPartitions() >= 4
        assert df.count() == n
        assert sorted(r.k for r in df.select("k").collect()) == list(range(n))
        got = df.filter((F.col("k") >= 1500) & (F.col("k") < 4200) & (F.col("d") <= 0.5) &
                        (F.col("day") >= datetime.date(2020, 1, 2)) & F.col("s").isNotNull())
        want = [i for i in range(1500, 4200) if i % 100 <= 50 and i // 1000 >= 1 and i % 7]
        assert sorted(r.k for r in got.collect()) == want
        assert df.filter(F.col("s") == "s3").count() == \
            sum(1 for i in range(n) if i % 7 and i % 5 == 3)
        assert df.filter((F.col("k") < 10) | (F.col("k") > n - 3)).count() == 12
        # the statistics drop the row groups that cannot match: one of 20 is read
        k = _attr("k", T.LongType(), 1)
        pieces = list(read_parquet_piece(
            str(path), 0, 0, True, [T.StructField("k", T.LongType())],
            [_cmp(">=", k, Literal(19500, T.LongType()))], {1: "k"}, EvalContext(True, "UTC")))
        assert len(pieces) == 1  # one table per row group read
        every = list(read_parquet_piece(str(path), 0, 0, True, [T.StructField("k", T.LongType())],
                                        [], {1: "k"}, EvalContext(True, "UTC")))
        assert [t.num_rows for t in every] == [1000] * 20
        assert pieces[0].column("k").to_pylist() == list(range(19000, 20000))
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")


def _attr(name, dtype, i):
    return AttributeReference(name, dtype, True, expr_id=i)


def _cmp(op, a, b):
    return Call(lookup(op), (a, b), T.BooleanType())


def test_only_exact_predicates_are_pushed():
    k = _attr("k", T.IntegerType(), 1)
    d = _attr("d", T.DecimalType(15, 2), 2)
    x = _attr("x", T.DoubleType(), 3)
    names = {1: "k", 2: "d", 3: "x"}
    assert str(arrow_predicate(_cmp("<", k, Literal(5, T.IntegerType())), names)) == "(k < 5)"
    assert str(arrow_predicate(_cmp("<", Literal(5, T.IntegerType()), k), names)) == "(k > 5)"
    widened = Cast((k,), T.DecimalType(12, 2))
    lit = Literal(decimal.Decimal("24.00"), T.DecimalType(12, 2))
    assert str(arrow_predicate(_cmp("<=", widened, lit), names)) == "(k <= 24)"
    frac = Literal(decimal.Decimal("24.50"), T.DecimalType(12, 2))
    assert arrow_predicate(_cmp("<=", widened, frac), names) is None  # not exact in int
    assert arrow_predicate(_cmp("<=", d, Literal(decimal.Decimal("0.055"),
                                                 T.DecimalType(4, 3))), names) is None
    assert arrow_predicate(_cmp("<", x, Literal(1.0, T.DoubleType())), names) is None  # NaN
    both = Call(lookup("and"), (_cmp("<", x, Literal(1.0, T.DoubleType())),
                                _cmp(">", k, Literal(1, T.IntegerType()))), T.BooleanType())
    assert str(arrow_predicate(both, names)) == "(k > 1)"
    either = Call(lookup("or"), both.children, T.BooleanType())
    assert arrow_predicate(either, names) is None
