"""What is loaded on first use, and why: the project's lazy-loading policy.

A PySpark script that only uses RDDs must start as fast as before DataFrames existed: its
driver and executors never import pyarrow, numpy, sqlglot or pandas, nor the SQL engine that
imports them (the engine's Python modules alone take about 0.3 s to import, pyarrow another
0.1-0.2 s; tests/test_lazy_imports.py checks a submitted RDD application). Every other import
sits at the top of its module, so the import graph shows what depends on what.

Two kinds of thing are loaded on first use, and only these:

* **Heavy third-party libraries**, :data:`HEAVY_LIBRARIES`: imported inside the functions that
  use them (``import pyarrow as pa`` in the body of a kernel), in the engine and the API alike.
  A module that needs one only on some paths (the shuffle's Arrow format, the interactive
  shell's line editor, the logs command's tables) imports it there. numpy is deferred one
  step further: pyarrow loads without it until something imports it (runtime/arrow_numpy.py,
  installed by the processes that run the engine), so code imports numpy before it calls
  pyarrow's ``to_numpy()``. No other third-party
  library is imported inside a function, and no project module is
  (tests/test_lazy_imports.py reads both packages and checks it).
* **Project modules that are entry points to heavy code**, through :class:`Deferred` handles:
  a module stand-in that imports its module on the first attribute access (callers write
  ``SQL_ENGINE.create_dataframe(...)``). The engine's handles are below (the driver's web UI,
  persistent views with the SQL text binder they need, the cluster messages an executor uses
  only on a standalone cluster);
  the API's handles (the DataFrame API and SQL engine behind a SparkSession, SparkContext's
  backends other than ``local[N]``, the code behind the submit and shell commands) are listed
  in the API package's own ``lazy`` module, since the engine never names the API. Handles are
  defined at the top of those two modules and nowhere else.

The import graph tool does not see a handle's target; each target imports what it needs at
its own top, so no cycle can hide behind a handle (the test imports every target).

**Loading with the collector paused** (:func:`load`, behind every handle and the packages'
PEP 562 name tables): importing a part of the engine creates tens of thousands of objects
(functions, classes, dicts; ~170 dataclasses on a first DataFrame's path) and frees almost
none, so the cyclic garbage collector's young-generation passes during an import walk objects
that are all alive (~70 passes, ~20 ms of a 0.3 s ``spark.range(10).show()``). A process that
runs one application (the command-line launcher: :func:`freeze_loaded_modules`) loads with the
collector paused and then freezes (``gc.freeze``) what exists: module objects live until exit
anyway, and frozen objects are never walked again. The price: a reference cycle among objects
that existed when a part loaded is not collected if it later becomes garbage (reference
counting still frees everything else). Elsewhere (tests, embedding) :func:`load` is a plain
import: pausing without freezing only moves the same walks after the import.
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading
from types import ModuleType
from typing import Any

__all__ = ["DEPLOY_MESSAGES", "DRIVER_UI", "SQL_VIEWS", "Deferred", "HEAVY_LIBRARIES", "freeze_loaded_modules", "load"]

#: third-party libraries imported inside the functions that use them (and only these)
HEAVY_LIBRARIES: dict[str, str] = {
    "pyarrow": "DataFrames and SQL: batches, kernels, Arrow IPC shuffles, Parquet (~0.15 s)",
    "numpy": "vectorized hashing and index arithmetic next to pyarrow; pyarrow itself is "
             "loaded without it until first use (runtime/arrow_numpy.py: ~60% of pyarrow's "
             "import time)",
    "sqlglot": "the SQL text parser (spark.sql, selectExpr, expr)",
    "pandas": "optional: toPandas, pandas UDFs, createDataFrame(pandas.DataFrame)",
    "cloudpickle": "pickling closures, only where a value is not plain data",
    "zstandard": "optional: zstd-compressed event logs",
    "jinja2": "the web UI's templates, on the first page served",
    "rich": "the logs command's tables",
    "ptpython": "optional: the interactive shell's line editor",
    "pyspark": "optional: real PySpark's docstrings for DESCRIBE FUNCTION, when installed",
    "hashlib": "standard library, but OpenSSL's bindings (~10 ms, with hmac): RPC "
               "authentication only with spark.authenticate (runtime/rpc/auth.py)",
}


_freeze_loaded = False


def freeze_loaded_modules() -> None:
    """From now on, :func:`load` pauses the cyclic collector and freezes what it loaded.

    Called once by a process that runs one application, before it loads anything heavy."""
    global _freeze_loaded
    _freeze_loaded = True


def load(name: str) -> ModuleType:
    """Import module ``name``: with the collector paused and frozen after, when the process
    asked for it (:func:`freeze_loaded_modules`); a plain import otherwise."""
    module = sys.modules.get(name)
    if module is not None or not _freeze_loaded:
        return module if module is not None else importlib.import_module(name)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Deferred:
    """A stand-in for module ``name``, imported on the first attribute access."""

    __slots__ = ("_name", "_module", "_lock")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def module(self) -> ModuleType:
        module = self._module
        if module is None:
            with self._lock:
                if self._module is None:
                    self._module = load(self._name)
                module = self._module
        return module

    @property
    def loaded(self) -> bool:
        return self._module is not None

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.module, attr)

    def __repr__(self) -> str:
        return f"<deferred module {self._name!r}{' (loaded)' if self.loaded else ''}>"


#: the driver's web UI (status store, event log writer, http.server, REST API: tens of ms),
#: imported by runtime/ui/launch.py's starter thread half a second after the context starts,
#: so a short application never waits for it
DRIVER_UI = Deferred("runtime.ui.driver")

#: persistent views of the session catalog (runtime/sql/views.py): a view's stored SQL text is
#: bound by the SQL text binder (runtime/sql/sqltext/: ~2,000 lines a query over DataFrames or
#: temporary views never uses), loaded when a name first resolves to a persistent view
SQL_VIEWS = Deferred("runtime.sql.views")

#: the standalone cluster's messages (runtime/protocol/deploy.py, 34 message classes): an
#: executor needs them only to fetch shuffle blocks from a worker's shuffle service
DEPLOY_MESSAGES = Deferred("runtime.protocol.deploy")

#: every handle of the engine
DEFERRED: tuple[Deferred, ...] = (DRIVER_UI, SQL_VIEWS, DEPLOY_MESSAGES)
