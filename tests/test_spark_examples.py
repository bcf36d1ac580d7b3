"""Spark's own Python examples (examples/src/main/python/{wordcount,sort,pagerank}.py, as
shipped inside the pyspark package) run unchanged under ``sparkcli submit --master local[2]``
and print exactly what Spark 4.3's ``spark-submit --master local[2]`` printed for the same
input (captured once with real Spark; the same line order, since both hash-partition with
portable_hash under PYTHONHASHSEED=0).

The programs are read from a PySpark installation, not copied here: the directory comes from
``SPARK_EXAMPLES_DIR`` or the pyspark of /tmp/venv-pyspark; without one the tests skip.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _examples_dir() -> Path | None:
    given = os.environ.get("SPARK_EXAMPLES_DIR")
    candidates = [given] if given else glob.glob(
        "/tmp/venv-pyspark/lib/python3*/site-packages/pyspark/examples/src/main/python")
    for c in candidates:
        if c and (Path(c) / "pagerank.py").is_file():
            return Path(c)
    return None


EXAMPLES = _examples_dir()
pytestmark = pytest.mark.skipif(EXAMPLES is None, reason="no PySpark examples installed")

CASES = {
    "wordcount": (("words.txt",), "the quick brown fox\njumps over the lazy dog\nthe end\n",
                  "the: 3\nquick: 1\nbrown: 1\nfox: 1\njumps: 1\nover: 1\nlazy: 1\ndog: 1\n"
                  "end: 1\n"),
    "sort": (("numbers.txt",), "5 3 9\n1 22 7\n3\n", "1\n3\n3\n5\n7\n9\n22\n"),
    "pagerank": (("links.txt", "10"), "1 2\n1 3\n1 4\n2 1\n3 1\n4 1\n",
                 "2 has rank: 0.7539975652935547.\n1 has rank: 1.7380073041193354.\n"
                 "3 has rank: 0.7539975652935547.\n4 has rank: 0.7539975652935547.\n"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_spark_example_runs_unchanged(tmp_path, name):
    args, data, expected = CASES[name]
    (tmp_path / args[0]).write_text(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env.update(SPARKCLI_HOME=str(tmp_path), TMPDIR=str(tmp_path), PYTHONHASHSEED="0")
    proc = subprocess.run(
        [sys.executable, "-m", "sparkcli", "submit", "--master", "local[2]",
         str(EXAMPLES / f"{name}.py"), *[str(tmp_path / args[0]), *args[1:]]],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == expected
    if name == "pagerank":
        assert proc.stderr.startswith(
            "WARN: This is a naive implementation of PageRank and is given as an example!\n"
            "Please refer to PageRank implementation provided by graphx\n")
