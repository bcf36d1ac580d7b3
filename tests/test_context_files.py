"""SparkContext's file methods: binaryFiles/binaryRecords, addFile/addPyFile/addArchive and
SparkFiles in tasks, listFiles/listArchives, system properties, --files/--archives."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import tarfile
import zipfile

import pytest

from sparkcli.context_files import FilesMixin
from sparkcli.files import SparkFiles


def test_docstring_examples(sc):
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(FilesMixin, "FilesMixin", globs={"sc": sc}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries >= 6


def test_binary_files_and_records(sc, tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "b.gz").write_bytes(b"not really gzip")  # bytes as on disk, never inflated
    (tmp_path / "_SUCCESS").write_bytes(b"")
    got = sorted(sc.binaryFiles(str(tmp_path)).collect())
    assert got == [("file:" + str(tmp_path / "a.bin"), b"\x00\x01\x02\x03"),
                   ("file:" + str(tmp_path / "b.gz"), b"not really gzip")]
    recs = tmp_path / "recs"
    recs.mkdir()
    (recs / "1.bin").write_bytes(b"aabbcc")
    (recs / "2.bin").write_bytes(b"ddee")
    assert sorted(sc.binaryRecords(str(recs), 2).collect()) == [b"aa", b"bb", b"cc", b"dd", b"ee"]
    (recs / "3.bin").write_bytes(b"fff")
    with pytest.raises(Exception, match="3.bin is 3 bytes, not a multiple of the record length"):
        sc.binaryRecords(str(recs), 2).collect()


def test_add_file_rules_and_tasks_read_it(sc, tmp_path):
    f1 = tmp_path / "factor.txt"
    f1.write_text("100")
    sc.addFile(str(f1))
    sc.addFile(str(f1))  # the same path again: ignored, as Spark does
    assert sc.listFiles.count("file:" + str(f1)) == 1
    other = tmp_path / "sub"
    other.mkdir()
    (other / "factor.txt").write_text("7")
    with pytest.raises(ValueError, match="factor.txt was already registered with a different"):
        sc.addFile(str(other / "factor.txt"))
    with pytest.raises(ValueError, match="is a directory and recursive is not turned on"):
        sc.addFile(str(other))

    def scale(it):
        with open(SparkFiles.get("factor.txt")) as f:
            m = int(f.read())
        return [x * m for x in it]

    assert sc.parallelize([1, 2, 3], 2).mapPartitions(scale).collect() == [100, 200, 300]


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_add_archive_is_unpacked_for_tasks(sc, tmp_path, kind):
    inner = tmp_path / "conf.txt"
    inner.write_text(kind)
    archive = tmp_path / f"bundle-{kind.replace('.', '-')}.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as z:
            z.write(inner, "conf.txt")
    else:
        with tarfile.open(archive, "w:gz") as t:
            t.add(inner, "conf.txt")
    sc.addArchive(str(archive) + "#" + kind.replace(".", "_"))
    sc.addArchive(str(archive) + "#" + kind.replace(".", "_"))
    assert ("file:" + str(archive)) in sc.listArchives
    name = kind.replace(".", "_")

    def read(it):
        with open(os.path.join(SparkFiles.get(name), "conf.txt")) as f:
            return [f.read()]

    assert sc.parallelize([0], 1).mapPartitions(read).collect() == [kind]
    with pytest.raises(ValueError, match="not an archive"):
        sc.addArchive(str(inner))


def test_system_properties_reach_new_confs(sc):
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    from runtime import config as rconfig
    from sparkcli import context_files

    assert SparkContext.getSystemProperty("no.such.key") is None
    SparkContext.setSystemProperty("spark.sparkcli.test.sysprop", "42")
    try:
        assert SparkContext.getSystemProperty("spark.sparkcli.test.sysprop") == "42"
        assert SparkConf().get("spark.sparkcli.test.sysprop") == "42"
    finally:
        context_files._system_properties.pop("spark.sparkcli.test.sysprop")
        rconfig._launch_layers["submit"].pop("spark.sparkcli.test.sysprop")


def test_submit_files_and_archives(tmp_path):
    (tmp_path / "n.txt").write_text("3")
    (tmp_path / "m.txt").write_text("5")
    with zipfile.ZipFile(tmp_path / "env.zip", "w") as z:
        z.write(tmp_path / "m.txt", "m.txt")
    app = tmp_path / "app.py"
    app.write_text(
        "from pyspark import SparkContext, SparkFiles\n"
        "sc = SparkContext(appName='files')\n"
        "def f(it):\n"
        "    a = int(open(SparkFiles.get('n.txt')).read())\n"
        "    b = int(open(SparkFiles.get('e') + '/m.txt').read())\n"
        "    return [x * a * b for x in it]\n"
        "print('RESULT', sc.parallelize([1, 2], 2).mapPartitions(f).collect())\n"
        "sc.stop()\n")
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "sparkcli", "submit", "--master", "local[2]", "--files",
         str(tmp_path / "n.txt"), "--archives", f"{tmp_path / 'env.zip'}#e", str(app)],
        env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "RESULT [15, 30]" in proc.stdout


def test_empty_rdd_is_sparks_class(sc):
    rdd = sc.emptyRDD()
    assert repr(rdd) == f"EmptyRDD[{rdd.id()}] at RDD"
    line = rdd._node.creation_site.rpartition(":")[2]
    assert rdd.toDebugString().decode() == \
        f"(0) EmptyRDD[{rdd.id()}] at emptyRDD at {__file__}:{line} []"
    assert int(line) == sys._getframe().f_lineno - 5  # the line of sc.emptyRDD()
    assert rdd.collect() == [] and rdd.getNumPartitions() == 0
