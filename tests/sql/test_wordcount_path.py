"""The DataFrame word count's path (bench/workloads/df_wordcount.py): text read in
line-aligned pieces, ``split(value, '\\s+')`` on Arrow's ASCII whitespace split (Java's
``\\s``), and ``orderBy(...).limit(n)`` as TakeOrderedAndProject."""

from __future__ import annotations

from collections import Counter

import pytest

pytest.importorskip("pyarrow")

from sparkcli.sql import functions as F  # noqa: E402


def test_split_on_whitespace_runs_is_javas(spark):
    df = spark.createDataFrame([(" a  b ",), ("a\tb\x0bc\x0cd\re",), ("",), (None,),
                                ("x\u00a0y z",)], "v STRING")
    got = df.select(F.split("v", r"\s+").alias("x"), F.split("v", r"\s+", 2).alias("y"))
    assert [tuple(r) for r in got.collect()] == [
        (["", "a", "b", ""], ["", "a  b "]),
        (["a", "b", "c", "d", "e"], ["a", "b\x0bc\x0cd\re"]),
        ([""], [""]),
        (None, None),
        (["x\u00a0y", "z"], ["x\u00a0y", "z"]),  # NBSP is not Java's \s
    ]


def test_word_count_top_words(spark, tmp_path, capsys):
    words = [f"w{i % 97}" for i in range(30000)] + [f"w{i % 5}" for i in range(3000)]
    lines = [" ".join(words[i:i + 7]) for i in range(0, len(words), 7)]
    path = tmp_path / "text.txt"
    path.write_text("\n".join(lines) + "\n")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "20000")
    try:
        df = spark.read.text(str(path))
        assert df.rdd.getNumPartitions() > 3
        counts = (df.select(F.explode(F.split("value", r"\s+")).alias("word"))
                  .filter(F.col("word") != "").groupBy("word").count())
        top = counts.orderBy(F.col("count").desc(), F.col("word")).limit(5)
        top.explain()
        assert "TakeOrderedAndProject(limit=5, orderBy=[count#" in capsys.readouterr().out
        want = sorted(Counter(w for line in lines for w in line.split()).items(),
                      key=lambda kv: (-kv[1], kv[0]))[:5]
        assert [(r.word, r["count"]) for r in top.collect()] == want
        last = counts.orderBy("count", F.col("word").desc()).select("word").limit(3)
        by_count = Counter(w for line in lines for w in line.split())
        by_word_desc = sorted(by_count.items(), key=lambda kv: kv[0], reverse=True)
        want_last = [w for w, _ in sorted(by_word_desc, key=lambda kv: kv[1])][:3]
        assert [r.word for r in last.collect()] == want_last
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
