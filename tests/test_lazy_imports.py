"""An RDD-only application never loads the DataFrame engine's libraries: after a
``sparkcli submit`` of a job with a shuffle, a cached RDD and a collect, pyarrow, numpy and
sqlglot are in neither the driver's nor any executor's ``sys.modules``."""

from __future__ import annotations

import ast
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


def _submit_loaded(tmp_path, source: str) -> tuple[dict, str]:
    """Submit ``source`` on local[2]; its ``LOADED {json}`` line and its stdout."""
    app = tmp_path / "app.py"
    app.write_text(source)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env.update(SPARKCLI_HOME=str(tmp_path), TMPDIR=str(tmp_path), PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-m", "sparkcli", "submit", "--master", "local[2]",
                           str(app)], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("LOADED "))
    return json.loads(line[len("LOADED "):]), proc.stdout


def test_an_rdd_app_imports_no_arrow_numpy_or_sqlglot(tmp_path):
    loaded, _ = _submit_loaded(tmp_path, APP)
    assert loaded == {"driver": [], "executors": [[], [], [], []]}


DF_APP = """
import json, sys
from pyspark.sql import SparkSession

def loaded(_=None):
    import sys
    return sorted(m for m in ("pyarrow", "numpy", "sqlglot", "pandas",
                              "sparkcli.sql.readwriter", "sparkcli.sql.functions",
                              "sparkcli.sql.streaming") if m in sys.modules)

spark = SparkSession.builder.getOrCreate()
spark.range(10).show()
executors = spark.sparkContext.parallelize(range(2), 2).mapPartitions(lambda it: [loaded()])
import os
driver = os.getpid()
frozen = spark.sparkContext.parallelize(range(2), 2).mapPartitions(  # (frozen, forked)
    lambda it: [(__import__("gc").get_freeze_count() > 0, os.getppid() != driver)]).collect()
print("LOADED " + json.dumps({"driver": loaded(), "executors": executors.collect(),
                              "frozen": frozen}))
spark.stop()
"""


def test_a_first_dataframe_loads_pyarrow_but_not_numpy_sqlglot_or_the_readers(tmp_path):
    """``spark.range(10).show()``: pyarrow without numpy (runtime/arrow_numpy.py), and none
    of the API's parts a first DataFrame does not use (sparkcli/lazy.py)."""
    loaded, stdout = _submit_loaded(tmp_path, DF_APP)
    assert "|  9|" in stdout
    # executors fork from a zygote whose preloads are frozen (runtime/lazy.py load()); one
    # the zygote did not fork in time (a very loaded machine: zygote_client's timeout) is
    # exec'd instead, and has nothing frozen
    frozen = loaded.pop("frozen")
    assert all(is_frozen for is_frozen, forked in frozen if forked), frozen
    assert loaded == {"driver": ["pyarrow"], "executors": [["pyarrow"], ["pyarrow"]]}


# -- the lazy-loading policy (runtime/lazy.py) ---------------------------------------------------
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _project_trees():
    """(path relative to the repository, AST) of every module of sparkcli/ and runtime/."""
    for pkg in ("sparkcli", "runtime"):
        for folder, _, files in os.walk(os.path.join(ROOT, pkg)):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    with open(path, encoding="utf-8") as f:
                        yield os.path.relpath(path, ROOT), ast.parse(f.read())


def _imports_inside_functions():
    """(file, top-level module name) of every import written inside a function or class body
    of sparkcli/ and runtime/."""
    for where, tree in _project_trees():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.col_offset == 0:
                continue
            if isinstance(node, ast.ImportFrom):
                mods = [("." if node.level else "") + (node.module or "")]
            else:
                mods = [alias.name for alias in node.names]
            for mod in mods:
                yield where, mod.split(".")[0]


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


LOAD_PROBE = """
import gc, json, sys
from runtime import lazy
FREEZE
passes = []
gc.callbacks.append(lambda phase, info: phase == "stop" and passes.append(info["generation"]))
module = lazy.load("runtime.sql.plan.logical")
assert module is sys.modules["runtime.sql.plan.logical"] and lazy.load(module.__name__) is module
print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count(), "passes": len(passes)}))
"""


def _probe_load(freeze: bool) -> dict:
    code = LOAD_PROBE.replace("FREEZE", "lazy.freeze_loaded_modules()" if freeze else "")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, check=True)
    return json.loads(proc.stdout)


def test_a_launcher_process_loads_with_the_collector_paused_then_frozen():
    """runtime/lazy.py: the ``sparkcli`` launcher's process loads the engine's parts without
    collector passes and freezes them; the application then runs with the collector on."""
    out = _probe_load(freeze=True)
    assert out["enabled"] is True and out["passes"] == 0 and out["frozen"] > 10_000
    plain = _probe_load(freeze=False)  # tests, embedding: a plain import
    assert plain["enabled"] is True and plain["passes"] > 0 and plain["frozen"] == 0


# -- numpy before to_numpy() (runtime/arrow_numpy.py) ---------------------------------------------
def _loads_numpy(fn: ast.AST) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Import) and any(a.name == "numpy" for a in node.names):
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_np":
            return True  # a module's helper that imports numpy
    return False


def _to_numpy_without_numpy(node: ast.AST, enclosing: list, where: str):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _to_numpy_without_numpy(child, enclosing + [child], where)
        elif isinstance(child, ast.Attribute) and child.attr == "to_numpy" and enclosing and \
                not any(_loads_numpy(fn) for fn in enclosing):
            yield f"{where}:{child.lineno} {enclosing[-1].name}"
        else:
            yield from _to_numpy_without_numpy(child, enclosing, where)


def test_code_imports_numpy_before_it_calls_to_numpy():
    """pyarrow's ``to_numpy()`` raises ImportError while numpy is not loaded (pyarrow is
    loaded without it: runtime/arrow_numpy.py), so a function that calls it imports numpy
    (or an enclosing function does)."""
    found = [site for where, tree in _project_trees()
             for site in _to_numpy_without_numpy(tree, [], where)]
    assert found == []
