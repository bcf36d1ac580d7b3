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


# -- the lazy-loading policy (runtime/lazy.py) ---------------------------------------------------
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _imports_inside_functions():
    """(file, top-level module name) of every import written inside a function or class body
    of sparkcli/ and runtime/."""
    import ast

    for pkg in ("sparkcli", "runtime"):
        for folder, _, files in os.walk(os.path.join(ROOT, pkg)):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as f:
                    tree = ast.parse(f.read())
                for node in ast.walk(tree):
                    if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.col_offset == 0:
                        continue
                    if isinstance(node, ast.ImportFrom):
                        mods = [("." if node.level else "") + (node.module or "")]
                    else:
                        mods = [alias.name for alias in node.names]
                    for mod in mods:
                        yield os.path.relpath(path, ROOT), mod.split(".")[0]


def test_only_heavy_libraries_are_imported_inside_functions():
    from runtime.lazy import HEAVY_LIBRARIES

    stdlib = set(sys.stdlib_module_names)
    project = [(f, m) for f, m in _imports_inside_functions()
               if m in ("sparkcli", "runtime", "")]
    assert project == [], "project modules load at the top of a module (or via runtime/lazy.py)"
    others = sorted({(f, m) for f, m in _imports_inside_functions()
                     if m not in stdlib and m not in HEAVY_LIBRARIES
                     and m not in ("sparkcli", "runtime", "")})
    assert others == [], "a library imported on first use must be listed in HEAVY_LIBRARIES"


def test_every_deferred_handle_names_an_importable_module():
    import importlib

    import runtime.lazy
    import sparkcli.lazy

    handles = runtime.lazy.DEFERRED + sparkcli.lazy.DEFERRED
    assert len({h.name for h in handles}) == len(handles)
    for handle in handles:
        assert importlib.import_module(handle.name) is handle.module
