"""textFile / wholeTextFiles / pickleFile: Hadoop-style splits, line ownership, paths."""

from __future__ import annotations

import gzip
import os
import random
import time

import pytest

from runtime.lineage import files as rdd_sources
from runtime.lineage.files import block_lines, compute_splits, list_input_files, read_blocks


def split_lines(path, splits):
    out = []
    for p, start, end in splits:
        part = []
        for block in read_blocks(p, start, end):
            part += block_lines(block, True)
        out.append(part)
    return out


@pytest.mark.parametrize("content", [
    "a\nbb\nccc\n", "a\nbb\nccc", "\n\n\n", "x", "line one\r\nline two\r\n\r\nend",
    "".join(f"{i}" * (i % 7) + "\n" for i in range(60)),
], ids=["trailing-newline", "no-trailing-newline", "only-newlines", "one-char", "crlf",
        "varied"])
def test_every_line_belongs_to_exactly_one_split(tmp_path, content):
    path = tmp_path / "f.txt"
    path.write_bytes(content.encode())
    expect = content.replace("\r\n", "\n").split("\n")
    if content.endswith("\n"):
        expect = expect[:-1]
    size = len(content.encode())
    ns = range(1, size + 2) if size < 64 else [*range(1, 40), size // 2, size, size + 1]
    for n in ns:  # every split count, down to 1-byte splits
        splits = compute_splits([(str(path), size)], n)
        parts = split_lines(str(path), splits)
        assert [ln for p in parts for ln in p] == expect, (n, parts)


def test_hadoop_split_sizes(tmp_path):
    size = 100
    splits = compute_splits([("f", size)], 3)  # goal 33: 33, 33, 34 (slop 1.1 keeps 34)
    assert [(s, e) for _, s, e in splits] == [(0, 33), (33, 66), (66, 100)]
    splits = compute_splits([("a", 50), ("b", 50)], 2)
    assert [(p, s, e) for p, s, e in splits] == [("a", 0, 50), ("b", 0, 50)]
    big = 100 << 20
    splits = compute_splits([("big", big)], 1)  # Hadoop's count (32 MB blocks), equal sizes
    assert [e - s for _, s, e in splits] == [25 << 20] * 4
    # 100 MB with 2 slots: Hadoop's 3 splits become 4, so both slots work to the end
    splits = compute_splits([("big", big)], 2, parallelism=2)
    assert [e - s for _, s, e in splits] == [25 << 20] * 4
    assert compute_splits([("empty", 0)], 2) == [("empty", 0, 0)]
    assert compute_splits([("x.gz", 10 ** 9)], 8) == [("x.gz", 0, 10 ** 9)]


def test_text_file_reads_lines(sc, tmp_path):
    lines = [f"line {i} " + "x" * random.randint(0, 50) for i in range(2000)]
    path = tmp_path / "data.txt"
    path.write_text("\n".join(lines) + "\n")
    rdd = sc.textFile(str(path))
    assert rdd.getNumPartitions() == 2  # defaultMinPartitions = min(parallelism, 2)
    assert rdd.collect() == lines
    assert sc.textFile(str(path), 7).getNumPartitions() >= 7
    assert sc.textFile(str(path), 7).collect() == lines
    assert sc.textFile("file://" + str(path)).count() == 2000
    assert rdd.name() == str(path)
    raw = sc.textFile(str(path), use_unicode=False).first()
    assert raw == lines[0].encode()


def test_text_file_word_count(sc, tmp_path):
    words = [random.choice(["spark", "python", "rdd", "ünïcode"]) for _ in range(5000)]
    path = tmp_path / "words.txt"
    path.write_text("\n".join(" ".join(words[i:i + 10]) for i in range(0, 5000, 10)))
    counts = dict(sc.textFile(str(path), 3).flatMap(str.split)
                  .map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b).collect())
    from collections import Counter

    assert counts == Counter(words)


def test_directory_glob_and_comma_lists(sc, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    (d / "b.txt").write_text("b1\nb2\n")
    (d / "a.txt").write_text("a1\n")
    (d / "_SUCCESS").write_text("")
    (d / ".hidden").write_text("nope\n")
    (d / "_meta").write_text("nope\n")
    (d / "sub").mkdir()
    assert sc.textFile(str(d)).collect() == ["a1", "b1", "b2"]
    assert sc.textFile(str(d / "*.txt")).collect() == ["a1", "b1", "b2"]
    assert sc.textFile(f"{d / 'b.txt'},{d / 'a.txt'}").collect() == ["b1", "b2", "a1"]
    assert [p for p, _ in list_input_files(str(d))] == [str(d / "a.txt"), str(d / "b.txt")]
    with pytest.raises(FileNotFoundError, match="Input path does not exist: file:"):
        sc.textFile(str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match="matches 0 files"):
        sc.textFile(str(tmp_path / "*.nothing"))


def test_empty_files_and_crlf(sc, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    rdd = sc.textFile(str(tmp_path / "empty.txt"))
    assert rdd.getNumPartitions() == 1 and rdd.collect() == []
    (tmp_path / "crlf.txt").write_bytes(b"one\r\ntwo\r\n\r\nthree")
    assert sc.textFile(str(tmp_path / "crlf.txt"), 4).collect() == ["one", "two", "", "three"]
    (tmp_path / "bad.txt").write_bytes(b"ok\n\xff\xfe bad\n")
    assert sc.textFile(str(tmp_path / "bad.txt")).collect() == ["ok", "\ufffd\ufffd bad"]


def test_gzip_files_are_one_split(sc, tmp_path):
    lines = [f"row {i}" for i in range(3000)]
    with gzip.open(tmp_path / "data.txt.gz", "wt") as f:
        f.write("\n".join(lines) + "\n")
    (tmp_path / "plain.txt").write_text("p1\np2\n")
    rdd = sc.textFile(str(tmp_path / "data.txt.gz"), 4)
    assert rdd.getNumPartitions() == 1
    assert rdd.collect() == lines
    both = sc.textFile(str(tmp_path), 2).collect()
    assert both == lines + ["p1", "p2"]


def test_long_lines_across_many_chunks(sc, tmp_path, monkeypatch):
    monkeypatch.setattr(rdd_sources, "CHUNK", 64)  # driver-side read path
    lines = ["z" * random.randint(0, 300) for _ in range(200)]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines))
    size = os.path.getsize(path)
    for n in (1, 3, 17):
        parts = split_lines(str(path), compute_splits([(str(path), size)], n))
        assert [ln for p in parts for ln in p] == lines
    assert sc.textFile(str(path), 5).collect() == lines


def test_whole_text_files(sc, tmp_path):
    d = tmp_path / "whole"
    d.mkdir()
    contents = {f"f{i}.txt": f"content {i}\nsecond line\n" * (i + 1) for i in range(5)}
    for name, text in contents.items():
        (d / name).write_text(text)
    (d / "_SUCCESS").write_text("")
    rdd = sc.wholeTextFiles(str(d))
    got = rdd.collect()
    assert got == [(f"file:{d / name}", text) for name, text in sorted(contents.items())]
    assert 1 <= rdd.getNumPartitions() <= 5
    assert sc.wholeTextFiles(str(d), 5).getNumPartitions() >= 3
    raw = sc.wholeTextFiles(str(d / "f0.txt"), use_unicode=False).collect()
    assert raw == [(f"file:{d / 'f0.txt'}".encode(), contents["f0.txt"].encode())]


def test_pickle_file_paths(sc, tmp_path):
    out = tmp_path / "p"
    sc.parallelize([{"k": i} for i in range(10)], 2).saveAsPickleFile(str(out))
    assert sc.pickleFile(str(out)).collect() == [{"k": i} for i in range(10)]
    assert sc.pickleFile(str(out / "part-00001")).count() == 5


def test_text_file_read_speed_is_close_to_a_plain_loop(sc, tmp_path):
    path = tmp_path / "speed.txt"
    line = "the quick brown fox jumps over the lazy dog " * 2
    with open(path, "w") as f:
        for i in range(200_000):
            f.write(f"{i} {line}\n")
    size = os.path.getsize(path)
    t0 = time.perf_counter()
    n_plain = 0
    with open(path, encoding="utf-8") as f:
        for _ in f:
            n_plain += 1
    plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    for p, s, e in compute_splits([(str(path), size)], 1):
        for block in read_blocks(p, s, e):
            for _ in block_lines(block, True):
                n += 1
    ours = time.perf_counter() - t0
    assert n == n_plain == 200_000
    assert ours < plain * 3 + 0.05
    assert sc.textFile(str(path), 4).count() == 200_000
