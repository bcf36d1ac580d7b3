"""pyarrow without numpy until numpy is imported (runtime/arrow_numpy.py): pyarrow loads
without it, and once numpy is imported every Arrow <-> numpy conversion gives what it gives
after an eager import. Each case runs in a fresh interpreter (the finder acts on the first
imports of a process)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from runtime import arrow_numpy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

#: the engine's first use of pyarrow (only an import the project's code starts defers numpy)
ENGINE_IMPORT = """
from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
to_arrow(T.LongType())
"""

#: a query run as the engine's code (its frames' module is runtime.*): its pyarrow lookups
#: leave numpy deferred, where an application's load it (test below)
ENGINE_QUERY = ENGINE_IMPORT + '''
QUERY = """
import pyarrow as pa, pyarrow.compute as pc, pyarrow.ipc
before = "numpy" in sys.modules
tbl = pa.table({"id": pa.array(range(10), pa.int64())})
sink = pa.BufferOutputStream()
with pa.ipc.new_stream(sink, tbl.schema) as w:
    w.write_table(tbl)
back = pa.ipc.open_stream(sink.getvalue()).read_all()
out = [before, "numpy" in sys.modules, pc.sum(back["id"]).as_py()]
"""
ns = {"__name__": "runtime.query", "sys": sys}
exec(QUERY, ns)
pa, pc, tbl, out = ns["pa"], ns["pc"], ns["tbl"], ns["out"]
'''

CONVERSIONS = ENGINE_QUERY + """
import numpy as np
out += [
    np.nan_to_num(pa.array([1, 2, None, 4]).to_numpy(zero_copy_only=False), nan=-1).tolist(),
    np.asarray(pa.array([1, 2, 3])).tolist(),
    pa.array(np.arange(5)).to_pylist(),
    pa.array([np.int64(1), np.float64(2.5)]).to_pylist(),
    pa.array(np.array(["a", None], dtype=object)).to_pylist(),
    pa.array(np.array([1.5], dtype=np.float16)).type.id,
    pc.quantile(pa.array([1.0, 2.0, 3.0]), q=np.array([0.5])).to_pylist(),
    pc.is_in(pa.array([1, 2, 3]), value_set=pa.array(np.array([2, 3]))).to_pylist(),
    pa.chunked_array([np.arange(3)]).to_numpy().tolist(),
    pa.scalar(np.float32(1.5)).as_py(),
    pa.Tensor.from_numpy(np.arange(6).reshape(2, 3)).to_numpy().tolist(),
    np.asarray(tbl["id"]).sum().item(),
    str(pa.array([[1, 2]], pa.list_(pa.int64())).to_numpy(zero_copy_only=False)[0].dtype),
    pa.array(np.ma.masked_array([1, 2], mask=[0, 1])).to_pylist(),
    pa.array([1, 2], mask=np.array([False, True])).to_pylist(),
]
"""


def _run(code: str, install: bool) -> list:
    prog = ("import sys\nfrom runtime import arrow_numpy\n"
            f"installed = arrow_numpy.install() if {install} else False\n" + code +
            "\nprint(repr([installed] + out))")
    proc = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return eval(proc.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr


def _supported() -> bool:
    return arrow_numpy._pyarrow_major() in arrow_numpy.TESTED_MAJORS and \
        hasattr(os, "RTLD_NOLOAD")


@pytest.mark.skipif(not _supported(), reason="pyarrow version not in TESTED_MAJORS")
def test_pyarrow_loads_without_numpy_and_converts_as_eagerly_once_numpy_is_imported():
    eager = _run(CONVERSIONS, install=False)
    lazy = _run(CONVERSIONS, install=True)
    assert eager[:4] == [False, True, True, 45]  # not installed: numpy came with pyarrow
    assert lazy[:4] == [True, False, False, 45]  # installed: numpy not loaded by the query
    assert lazy[4:] == eager[4:]


@pytest.mark.skipif(not _supported(), reason="pyarrow version not in TESTED_MAJORS")
def test_numpy_imported_by_another_thread_during_the_pyarrow_import_is_given_to_it():
    code = """
import threading
t = threading.Thread(target=lambda: __import__("numpy"))
t.start()
import pyarrow as pa
t.join()
import numpy as np
out = [pa.array([1, 2]).to_numpy().tolist(), pa.array(np.arange(3)).to_pylist(),
       pa.array([np.int64(7)]).to_pylist()]
"""
    assert _run(code, install=True) == [True, [1, 2], [0, 1, 2], [7]]


def test_not_installed_once_pyarrow_or_numpy_is_loaded():
    code = "import numpy\nout = [arrow_numpy.install()]"
    assert _run(code, install=False) == [False, False]


@pytest.mark.skipif(not _supported(), reason="pyarrow version not in TESTED_MAJORS")
def test_only_the_engines_pyarrow_import_defers_numpy():
    """An application's own first ``import pyarrow`` loads numpy as without sparkcli; the
    engine's (here runtime.sql.arrow_types's) loads pyarrow without it."""
    user = _run("import pyarrow as pa\nout = ['numpy' in sys.modules, "
                "pa.array([1, 2]).to_numpy().tolist()]", install=True)
    engine = _run(ENGINE_IMPORT + "out = ['pyarrow' in sys.modules, 'numpy' in sys.modules]",
                  install=True)
    assert user == [True, True, [1, 2]]
    assert engine == [True, True, False]


@pytest.mark.skipif(not _supported(), reason="pyarrow version not in TESTED_MAJORS")
@pytest.mark.parametrize("lookup, expected", [
    ("import pyarrow as pa\nvalues = pa.array([1, 2]).to_numpy().tolist()", [1, 2]),
    ("import pyarrow.compute as pc\nvalues = pc.add(1, 1).as_py()", 2),
    ("from pyarrow.compute import add\nvalues = add(1, 1).as_py()", 2),
])
def test_an_applications_own_pyarrow_lookup_gives_numpy_to_pyarrow(lookup, expected):
    """The engine loaded pyarrow without numpy; the application then imports pyarrow itself
    and never numpy: its first lookup in a pyarrow module loads numpy and gives it to
    pyarrow, so ``to_numpy()`` works as it would without sparkcli."""
    code = (ENGINE_QUERY + "deferred = 'numpy' not in sys.modules\n" + lookup +
            "\nout = [deferred, values, 'numpy' in sys.modules,"
            " pa.array([3]).to_numpy().tolist(), type(pa).__name__]")
    assert _run(code, install=True) == [True, True, expected, True, [3], "module"]


APP = """
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[1]").getOrCreate()
df = spark.range(3)
df.count()
import pyarrow as pa
print(pa.array([5, 6]).to_numpy().tolist())
print(df.toArrow().column(0).to_numpy().tolist())
def double(batches):
    for b in batches:
        yield pa.RecordBatch.from_arrays([pa.array(b.column(0).to_numpy() * 2)], ["id"])
print([r.id for r in df.mapInArrow(double, "id long").collect()])
from pyspark.sql.functions import udf
@udf("long")
def own(x):
    import pyarrow
    return int(pyarrow.array([x, x]).to_numpy().sum())
print([r[0] for r in df.select(own("id")).collect()])
spark.stop()
"""

@pytest.mark.skipif(not _supported(), reason="pyarrow version not in TESTED_MAJORS")
def test_arrow_objects_given_to_the_application_convert_to_numpy(tmp_path):
    """Under submit (finder installed in the driver and the executors), the Arrow objects an
    application receives from toArrow and mapInArrow have a working to_numpy(), and so
    have its own arrays, in the driver and in a UDF; the app imports pyarrow only after the
    engine loaded it, and never numpy."""
    app = tmp_path / "app.py"
    app.write_text(APP)
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "sparkcli", "submit", str(app)],
                          capture_output=True, text=True, cwd=str(tmp_path), env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split("\n")[:4] == ["[5, 6]", "[0, 1, 2]", "[0, 2, 4]", "[0, 2, 4]"]
