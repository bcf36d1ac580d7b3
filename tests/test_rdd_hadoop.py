"""Hadoop file I/O of the RDD API: SequenceFiles and text formats, without a JVM."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from runtime.hadoop import sequencefile as sf
from runtime.hadoop import writables as w
from runtime.hadoop.formats import HadoopFormatError
from sparkcli.errors import PySparkNotImplementedError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hadoop"
MAPRED = "org.apache.hadoop.mapred."
MAPREDUCE = "org.apache.hadoop.mapreduce.lib."


def test_sequence_file_roundtrip_pysparks_doctest(sc, tmp_path):
    path = str(tmp_path / "sequence_file")
    sc.parallelize([(1, ""), (1, "a"), (3, "x")]).saveAsSequenceFile(path)
    assert sorted(sc.sequenceFile(path).collect()) == [(1, ""), (1, "a"), (3, "x")]
    names = sorted(os.listdir(path))
    assert names == ["_SUCCESS", "part-00000", "part-00001"]
    reader = sf.Reader(open(os.path.join(path, "part-00000"), "rb"))
    assert (reader.key_class, reader.value_class) == (w.INT, w.TEXT)


def test_every_partition_file_has_the_first_records_classes(sc, tmp_path):
    path = str(tmp_path / "s")
    data = [("k%d" % i, {"n": i, "half": i / 2}) for i in range(10)]
    sc.parallelize(data, 4).saveAsSequenceFile(path, "org.apache.hadoop.io.compress.GzipCodec")
    parts = sorted(p for p in os.listdir(path) if p.startswith("part-"))
    assert len(parts) == 4
    for p in parts:
        reader = sf.Reader(open(os.path.join(path, p), "rb"))
        assert (reader.key_class, reader.value_class, reader.codec, reader.block_compressed) \
            == (w.TEXT, w.MAP, sf.GZIP_CODEC, True)
    assert sorted(sc.sequenceFile(path).collect()) == data


def test_reads_sparks_files(sc):
    rdd = sc.sequenceFile(str(FIXTURES / "spark_text_map.seq"))
    assert sorted(rdd.collect()) == [("k%d" % i, {"a": i, "b": i / 2, "c": None, "d": True})
                                     for i in range(3)]
    assert sorted(sc.sequenceFile(str(FIXTURES / "spark_block_deflate.seq")).collect()) \
        == sorted((i, "v%d" % i) for i in range(200))


def test_text_output_format_matches_sparks_bytes(sc, tmp_path):
    out = tmp_path / "text"
    sc.parallelize([(1, "a"), (2, "b")], 1).saveAsHadoopFile(str(out), MAPRED + "TextOutputFormat")
    assert (out / "part-00000").read_bytes() == (FIXTURES / "spark_text_output.txt").read_bytes()
    assert (out / "_SUCCESS").exists()


def test_new_api_names_and_java_strings(sc, tmp_path):
    out = tmp_path / "new"
    sc.parallelize([(True, 1e-5), (None, 2.0), ("k", None)], 1).saveAsNewAPIHadoopFile(
        str(out), MAPREDUCE + "output.TextOutputFormat")
    assert (out / "part-r-00000").read_text() == "true\t1.0E-5\n2.0\nk\n"


def test_input_formats(sc, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("a\tb\nno tab\n")
    assert sc.hadoopFile(str(f), MAPRED + "TextInputFormat").collect() == \
        [(0, "a\tb"), (4, "no tab")]
    assert sc.newAPIHadoopFile(str(f), MAPREDUCE + "input.KeyValueTextInputFormat").collect() \
        == [("a", "b"), ("no tab", "")]
    seq = FIXTURES / "spark_long_double.seq"
    assert sc.hadoopFile(str(seq), MAPRED + "SequenceFileAsTextInputFormat").collect() == \
        [("1099511627776", "2.5"), ("2199023255552", "-1.0")]
    conf = {"mapreduce.input.fileinputformat.inputdir": str(seq)}
    assert sc.newAPIHadoopRDD(MAPREDUCE + "input.SequenceFileInputFormat", conf=conf).count() == 2


def test_dataset_with_conf_and_explicit_classes(sc, tmp_path):
    out = tmp_path / "ds"
    conf = {"mapreduce.output.fileoutputformat.outputdir": str(out),
            "mapreduce.job.outputformat.class": MAPREDUCE + "output.SequenceFileOutputFormat",
            "mapreduce.job.output.key.class": w.LONG,
            "mapreduce.job.output.value.class": w.TEXT,
            "mapreduce.output.fileoutputformat.compress": "true",
            "mapreduce.output.fileoutputformat.compress.type": "RECORD"}
    sc.parallelize([(1, "x"), (2, "y")], 2).saveAsNewAPIHadoopDataset(conf)
    reader = sf.Reader(open(out / "part-r-00000", "rb"))
    assert (reader.key_class, reader.codec, reader.block_compressed) == \
        (w.LONG, sf.DEFAULT_CODEC, False)
    assert sorted(sc.sequenceFile(str(out)).collect()) == [(1, "x"), (2, "y")]


def test_bad_input_is_one_clear_error_and_leaves_nothing(sc, tmp_path):
    out = tmp_path / "mixed"
    with pytest.raises(Exception, match="wrong value class: .*DoubleWritable is not class "
                                        ".*IntWritable"):
        sc.parallelize([(1, 1), (2, 2.5)], 1).saveAsSequenceFile(str(out))
    assert not out.exists()
    with pytest.raises(PySparkNotImplementedError, match="converters are Java classes"):
        sc.sequenceFile(str(tmp_path), keyConverter="org.example.Conv")
    with pytest.raises(HadoopFormatError, match="input format .*AvroKeyInputFormat"):
        sc.hadoopFile(str(tmp_path), "org.apache.avro.mapred.AvroKeyInputFormat")
    with pytest.raises(HadoopFormatError, match="SnappyCodec is not available"):
        sc.parallelize([(1, 1)]).saveAsSequenceFile(
            str(tmp_path / "snappy"), "org.apache.hadoop.io.compress.SnappyCodec")


def _pyspark_python() -> str | None:
    root = Path(__file__).resolve().parent.parent
    given = os.environ.get("SPARKCLI_TEST_PYSPARK_PYTHON")
    for py in [given] if given else [str(root / "bench/.venv-pyspark/bin/python")]:
        if py and shutil.which(py) and subprocess.run(
                [py, "-c", "import pyspark"], capture_output=True).returncode == 0:
            return py
    return None


@pytest.mark.slow
def test_real_pyspark_reads_what_sparkcli_writes(sc, tmp_path):
    py = _pyspark_python()
    if py is None:
        pytest.skip("real PySpark not found (SPARKCLI_TEST_PYSPARK_PYTHON or "
                    "bench/.venv-pyspark)")
    data = [("k%d" % i, {"n": i, "f": i / 4, "b": True, "z": None}) for i in range(50)]
    sc.parallelize(data, 3).saveAsSequenceFile(str(tmp_path / "a"))
    sc.parallelize([(i, "v%d" % i) for i in range(500)], 2).saveAsSequenceFile(
        str(tmp_path / "b"), "org.apache.hadoop.io.compress.BZip2Codec")
    script = ("import sys\nfrom pyspark import SparkContext\n"
              "sc = SparkContext('local[1]', 'diff')\n"
              "print(repr(sorted(sc.sequenceFile(sys.argv[1]).collect())))\n"
              "print(repr(sorted(sc.sequenceFile(sys.argv[2]).collect())))\nsc.stop()\n")
    proc = subprocess.run([py, "-c", script, str(tmp_path / "a"), str(tmp_path / "b")],
                          capture_output=True, text=True, timeout=240)
    got = [ast.literal_eval(line) for line in proc.stdout.splitlines() if line.startswith("[")]
    assert got == [sorted(data), sorted((i, "v%d" % i) for i in range(500))], proc.stderr[-2000:]
