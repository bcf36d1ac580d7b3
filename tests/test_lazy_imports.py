"""An RDD-only application never loads the DataFrame engine's libraries: after a
``sparkcli submit`` of a job with a shuffle, a cached RDD and a collect, pyarrow, numpy and
sqlglot are in neither the driver's nor any executor's ``sys.modules``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("pyarrow", "numpy", "sqlglot", "pandas")

APP = """
import json, sys
from pyspark import SparkContext

HEAVY = HEAVY_NAMES

def loaded(_=None):
    import sys
    return sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))

sc = SparkContext(appName="rdd-only")
pairs = sc.parallelize(range(1000), 4).map(lambda x: (x % 7, x)).cache()
assert dict(pairs.reduceByKey(lambda a, b: a + b).collect())[0] == sum(range(0, 1000, 7))
executors = sc.parallelize(range(4), 4).mapPartitions(lambda it: [loaded()]).collect()
print("LOADED " + json.dumps({"driver": loaded(), "executors": executors}))
sc.stop()
""".replace("HEAVY_NAMES", repr(HEAVY))


def test_an_rdd_app_imports_no_arrow_numpy_or_sqlglot(tmp_path):
    app = tmp_path / "rdd_only.py"
    app.write_text(APP)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env.update(SPARKCLI_HOME=str(tmp_path), TMPDIR=str(tmp_path), PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-m", "sparkcli", "submit", "--master", "local[2]",
                           str(app)], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED "))
    loaded = json.loads(line[len("LOADED "):])
    assert loaded == {"driver": [], "executors": [[], [], [], []]}
