"""Saving, pipe, checkpoints and toDebugString end to end."""

from __future__ import annotations

import gzip
import os
import pickle
import sys

import pytest

from runtime.errors import SparkException
from sparkcli.storagelevel import StorageLevel


def read_dir(path):
    out = []
    for name in sorted(os.listdir(path)):
        if name.startswith("part-"):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(os.path.join(path, name), "rb") as f:
                out.append(f.read().decode("utf-8"))
    return out


def test_save_as_text_file(sc, tmp_path):
    out = tmp_path / "out"
    sc.parallelize(["a", "b", 3, (1, 2), "é", b"raw"], 3).saveAsTextFile(str(out))
    assert sorted(os.listdir(out)) == ["_SUCCESS", "part-00000", "part-00001", "part-00002"]
    assert (out / "_SUCCESS").read_bytes() == b""
    assert read_dir(out) == ["a\nb\n", "3\n(1, 2)\n", "é\nraw\n"]
    assert sc.textFile(str(out)).collect() == ["a", "b", "3", "(1, 2)", "é", "raw"]


def test_save_as_text_file_empty_partitions_and_file_uri(sc, tmp_path):
    out = tmp_path / "empty"
    sc.parallelize([1], 3).saveAsTextFile("file:" + str(out))
    assert read_dir(out) == ["", "", "1\n"]
    assert sc.textFile(str(out)).collect() == ["1"]


def test_save_refuses_existing_path(sc, tmp_path):
    out = tmp_path / "exists"
    out.mkdir()
    with pytest.raises(FileExistsError, match=f"Output directory file:{out} already exists"):
        sc.parallelize([1]).saveAsTextFile(str(out))


def test_save_failure_removes_output(sc, tmp_path):
    out = tmp_path / "failed"

    def boom(x):
        if x == 3:
            raise RuntimeError("bad")
        return x

    with pytest.raises(RuntimeError):
        sc.parallelize(range(6), 2).map(boom).saveAsTextFile(str(out))
    assert not out.exists()
    sc.parallelize(range(6), 2).saveAsTextFile(str(out))  # the same path works afterwards
    assert sorted(os.listdir(out)) == ["_SUCCESS", "part-00000", "part-00001"]


def test_save_gzip_and_other_codecs(sc, tmp_path):
    out = tmp_path / "gz"
    data = [f"line {i}" for i in range(100)]
    sc.parallelize(data, 2).saveAsTextFile(str(out), "org.apache.hadoop.io.compress.GzipCodec")
    assert sorted(os.listdir(out)) == ["_SUCCESS", "part-00000.gz", "part-00001.gz"]
    assert "".join(read_dir(out)).splitlines() == data
    assert sc.textFile(str(out)).collect() == data
    for codec, ext in (("org.apache.hadoop.io.compress.BZip2Codec", ".bz2"),
                       ("org.apache.hadoop.io.compress.DefaultCodec", ".deflate")):
        d = tmp_path / ext.strip(".")
        sc.parallelize(data, 2).saveAsTextFile(str(d), codec)
        assert f"part-00000{ext}" in os.listdir(d)
        assert sc.textFile(str(d)).collect() == data
    with pytest.raises(ValueError, match="not available"):
        sc.parallelize(data).saveAsTextFile(str(tmp_path / "x"), "com.example.Codec")


def test_pickle_file_round_trip(sc, tmp_path):
    out = tmp_path / "pickled"
    data = [1, 2, "spark", "rdd", (1, {"a": [1.5]}), None]
    sc.parallelize(data, 3).saveAsPickleFile(str(out), 2)
    assert sorted(os.listdir(out)) == ["_SUCCESS", "part-00000", "part-00001", "part-00002"]
    back = sc.pickleFile(str(out), 3)
    assert back.getNumPartitions() == 3
    assert back.collect() == data
    with open(out / "part-00001", "rb") as f:
        assert pickle.load(f) == ["spark", "rdd"]
    out2 = tmp_path / "pickled2"
    sc.parallelize(range(1000), 2).saveAsPickleFile(str(out2))
    assert sc.pickleFile(str(out2)).sum() == sum(range(1000))


def test_pipe(sc):
    assert sc.parallelize(["1", "2", "", "3"]).pipe("cat").collect() == ["1", "2", "", "3"]
    assert sc.parallelize(range(10), 2).pipe("wc -l").map(int).collect() == [5, 5]
    assert sc.parallelize(["a\n", "b"]).pipe("cat").collect() == ["a", "b"]
    env_out = sc.parallelize([1], 1).pipe("sh -c 'echo $GREETING'",
                                          env={"GREETING": "hello"}).collect()
    assert env_out == ["hello"]
    assert sc.parallelize(range(100), 1).pipe("head -n 2").collect() == ["0", "1"]
    assert sc.parallelize([1]).pipe("false").collect() == []
    with pytest.raises(RuntimeError, match="exited with error code 1"):
        sc.parallelize([1]).pipe("false", checkCode=True).collect()


def test_checkpoint_requires_dir(sc):
    saved = sc._checkpoint_dir
    sc._checkpoint_dir = None
    try:
        with pytest.raises(SparkException, match="Checkpoint directory has not been set"):
            sc.parallelize([1]).checkpoint()
    finally:
        sc._checkpoint_dir = saved


def test_reliable_checkpoint_truncates_lineage(sc, tmp_path):
    sc.setCheckpointDir(str(tmp_path / "ckpt"))
    calls = sc.accumulator(0)

    def traced(x):
        calls.add(1)
        return x * 2

    base = sc.parallelize([(i % 3, i) for i in range(30)], 3).reduceByKey(lambda a, b: a + b)
    rdd = base.mapValues(traced)
    rdd.checkpoint()
    assert not rdd.isCheckpointed() and rdd.getCheckpointFile() is None
    child = rdd.map(lambda kv: kv[1])
    assert sorted(child.collect()) == sorted(2 * sum(i for i in range(30) if i % 3 == k)
                                             for k in range(3))
    assert rdd.isCheckpointed()
    path = rdd.getCheckpointFile()
    assert path.startswith("file:") and path.endswith(f"rdd-{rdd.id}")
    files = sorted(os.listdir(path[len("file:"):]))
    assert files == ["part-00000", "part-00001", "part-00002"]
    assert rdd._node.dependencies == []
    n = calls.value
    assert sorted(rdd.collect()) == sorted((k, 2 * sum(i for i in range(30) if i % 3 == k))
                                           for k in range(3))
    assert child.count() == 3
    assert calls.value == n  # served from the checkpoint files, not recomputed
    assert rdd.partitioner == base.partitioner
    assert "ShuffledRDD" not in rdd.toDebugString().decode()
    # pickled lineage no longer carries the parent
    import cloudpickle

    state = cloudpickle.loads(cloudpickle.dumps(rdd)).__dict__
    assert "prev" not in state and "func" not in state


def test_checkpoint_of_cached_rdd_and_second_action(sc, tmp_path):
    sc.setCheckpointDir(str(tmp_path / "ckpt2"))
    rdd = sc.parallelize(range(20), 2).map(lambda x: x + 1).cache()
    rdd.checkpoint()
    assert rdd.count() == 20
    assert rdd.isCheckpointed()
    assert rdd.sum() == sum(range(1, 21))
    rdd.checkpoint()  # no-op once checkpointed


def test_local_checkpoint(sc):
    rdd = sc.parallelize(range(10), 2).map(lambda x: x * x)
    assert not rdd.isLocallyCheckpointed()
    rdd.localCheckpoint()
    assert rdd.isLocallyCheckpointed()
    assert rdd.getStorageLevel().useDisk
    assert rdd.sum() == sum(x * x for x in range(10))
    assert rdd.isCheckpointed()
    cached = sc.parallelize([1]).persist(StorageLevel.MEMORY_ONLY)
    cached.localCheckpoint()
    assert cached.getStorageLevel().useDisk and cached.getStorageLevel().useMemory


def test_to_debug_string(sc):
    rdd = sc.parallelize([1, 2], 2)
    line = sys._getframe().f_lineno - 1
    assert rdd.toDebugString() == \
        f"(2) ParallelCollectionRDD[{rdd.id}] at parallelize at {__file__}:{line} []".encode()
    pairs = sc.parallelize([(1, 1), (2, 2)], 2).map(lambda x: x).setName("pairs")
    reduced = pairs.reduceByKey(lambda a, b: a + b, 3).cache()
    text = reduced.map(lambda x: x).toDebugString().decode()
    lines = text.split("\n")
    assert lines[0].startswith("(3) PipelinedRDD[")
    assert "[Memory Serialized 1x Replicated]" in lines[1]
    assert lines[1].startswith(" |  ShuffledRDD[")
    assert lines[2].startswith(" +-(2) pairs PipelinedRDD[")
    assert lines[3].startswith("    |  ParallelCollectionRDD[")
    assert isinstance(reduced.toDebugString(), bytes)
