"""A partial aggregate groups its input run by run (runtime/sql/execution/aggregate_stream.py)
and the text reader cuts a file into blocks (runtime/sql/io/readers.py): the results are
those of a plain computation, with Spark's types, whichever path a query takes."""

from __future__ import annotations

import re
from collections import Counter

import pytest

pytest.importorskip("pyarrow")

from runtime.sql.execution import aggregate, aggregate_stream  # noqa: E402
from runtime.sql.execution.aggregate_stream import partial_runs  # noqa: E402
from runtime.sql.io import readers  # noqa: E402
from sparkcli.sql import functions as F  # noqa: E402


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(tmp_path_factory.mktemp("sparkcli-home")))
    rc._launch_layers.clear()
    session = SparkSession.builder.master("local[1]").appName("stream-agg") \
        .config("spark.sparkcli.inProcess", "true").getOrCreate()
    yield session
    session.stop()
    mp.undo()


class _Batch:
    def __init__(self, rows):
        self.rows = rows
        self.num_rows = self.nbytes = len(rows)


class _Buffer:
    """BatchBuffer's interface; ``budget``: the rows it holds before add() answers False."""

    def __init__(self, budget=10 ** 9):
        self.budget, self.batches, self.rows = budget, [], 0

    def add(self, b):
        self.batches.append(b)
        self.rows += b.num_rows
        return self.rows <= self.budget

    def take(self):
        out, self.batches, self.rows = self.batches, [], 0
        return out


def _merge(parts):
    return _Batch(("merged",) + tuple(r for p in parts for r in p.rows))


def _runs(batches, buffer, merge=_merge, run_rows=4):
    seen = []

    def group(run):
        seen.append(sum(b.num_rows for b in run))
        return _Batch(sorted({r for b in run for r in b.rows}))

    out = [b.rows for b in partial_runs(iter(batches), buffer, run_rows, group, merge)]
    return seen, out


def test_runs_that_shrink_are_merged_once():
    batches = [_Batch(["a"] * 2), _Batch([]), _Batch(["a"] * 4 + ["b"] * 3),
               _Batch(["a"] * 6), _Batch(["b"] * 2)]
    seen, out = _runs(batches, _Buffer())
    assert seen == [9, 6, 2]  # a run closes once it holds run_rows rows
    assert out == [("merged", "a", "b", "a", "b")]
    assert _runs([_Batch(["x"])], _Buffer()) == ([1], [["x"]])  # one run: no merge
    assert _runs([], _Buffer()) == ([0], [[]])  # no input: one (empty) partial batch
    # parts that do not merge exactly go out run by run, as before
    assert _runs(batches, _Buffer(), merge=None)[1] == [["a", "b"], ["a"], ["b"]]


def test_held_rows_are_within_their_budget():
    batches = [_Batch(["a"] * 8), _Batch(["b", "c"] + ["b"] * 6), _Batch(["d"] * 8)]
    asked = []

    def hold(nbytes):
        asked.append(nbytes)
        return len(asked) < 3

    out = [b.rows for b in partial_runs(iter(batches), _Buffer(), 4,
                                        lambda run: _Batch(sorted({r for b in run
                                                                   for r in b.rows})),
                                        _merge, hold)]
    assert asked == [1, 3, 4]  # the bytes held with each run's (nbytes: its rows here)
    assert out == [["d"], ("merged", "a", "b", "c")]  # refused: out unmerged, at once


def test_a_full_budget_closes_a_run():
    seen, out = _runs([_Batch(["a"] * 8), _Batch(["a"] * 8)], _Buffer(budget=2), run_rows=100)
    assert seen == [8, 8]
    assert out == [("merged", "a", "a")]


def test_a_run_that_barely_shrinks_stops_the_merging():
    batches = [_Batch(["a"] * 8), _Batch(list("abcd")), _Batch(["c"] * 8), _Batch([])]
    seen, out = _runs(batches, _Buffer())
    assert seen == [8, 4, 8]
    assert out == [list("abcd"), ["c"], ["a"]]  # the first run is held until the end
    # ... and merged with the last run if that is held too
    seen, out = _runs(batches + [_Batch(["d"])], _Buffer(), run_rows=8)
    assert seen == [8, 12, 1]
    assert out == [list("abcd"), ("merged", "a", "d")]


def _spy(calls):
    def spy(batches, buffer, run_rows, group, merge, hold):
        calls.append(merge is not None)
        return aggregate_stream.partial_runs(batches, buffer, run_rows, group, merge, hold)
    return spy


def test_grouped_counts_min_max_across_runs_are_exact(spark, monkeypatch):
    monkeypatch.setattr(aggregate, "PARTIAL_FLUSH_ROWS", 1000)
    runs = []
    monkeypatch.setattr(aggregate, "partial_runs", _spy(runs))
    n = 20000
    data = [(f"k{i % 37}" if i % 11 else None, i % 1000, float(i % 13) - 6.0) for i in range(n)]
    df = spark.createDataFrame(data, "k STRING, v INT, d DOUBLE").repartition(2)
    got = df.groupBy("k").agg(F.count("*").alias("n"), F.count("v").alias("c"),
                              F.min("v").alias("lo"), F.max("d").alias("hi"),
                              F.sum("v").alias("s"), F.sum("d").alias("sd"))
    assert [f.dataType.simpleString() for f in got.schema.fields] == \
        ["string", "bigint", "bigint", "int", "double", "bigint", "double"]
    want = {}
    for k, v, d in data:
        w = want.setdefault(k, [0, 0, None, None, 0, 0.0])
        w[0] += 1
        w[1] += 1
        w[2] = v if w[2] is None else min(w[2], v)
        w[3] = d if w[3] is None else max(w[3], d)
        w[4] += v
        w[5] += d
    assert {r.k: list(r[1:]) for r in got.collect()} == want
    assert runs and all(merged for merged in runs)  # the runs' partial rows were merged


def test_a_near_unique_key_falls_back_and_stays_exact(spark, monkeypatch):
    monkeypatch.setattr(aggregate, "PARTIAL_FLUSH_ROWS", 500)
    df = spark.range(0, 6000, 1, 1).select((F.col("id") % 5000).alias("k"))
    got = df.groupBy("k").count()
    counts = Counter(r["count"] for r in got.collect())
    assert counts == {2: 1000, 1: 4000}


def test_text_blocks_cut_at_newlines_only(spark, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_TEXT_BLOCK", 16)
    lines = ["", "a b c", "x" * 50, "é ü  w", "", "crlf\r", "tail words here", "", "z"]
    path = tmp_path / "t.txt"
    path.write_bytes(("\n".join(lines)).encode("utf-8"))  # no newline after the last line
    want = [line.rstrip("\r") for line in lines]
    df = spark.read.text(str(path))
    assert [r.value for r in df.collect()] == want
    spark.conf.set("spark.sql.files.maxPartitionBytes", "24")
    try:
        df = spark.read.text(str(path))
        assert df.rdd.getNumPartitions() > 2
        assert [r.value for r in df.collect()] == want
        words = df.select(F.explode(F.split("value", r"\s+")).alias("w")) \
            .groupBy("w").count()
        assert {r.w: r["count"] for r in words.collect()} == \
            Counter(w for line in want for w in re.split(r"[ \t\n\x0b\f\r]+", line))
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
