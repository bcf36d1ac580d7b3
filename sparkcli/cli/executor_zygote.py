"""The executor zygote of ``submit`` and ``shell``: start it before the driver's imports.

Local executors are forked from a zygote process (runtime/executor/zygote_process.py) that
pre-imports what tasks need. ``submit`` and ``shell`` start it first thing in their click
callbacks, and only then reach the code behind them (``SUBMISSION``/``REPL`` in
sparkcli/lazy.py), so the zygote's imports run while the driver is still importing. What it
pre-imports: the API modules every executor needs, plus pyarrow and the SQL engine when the
application's source looks like a DataFrame/SQL program (a guess: wrong either way, it costs
time, never a result).
"""

from __future__ import annotations

import re

from runtime.scheduler import zygote_client

#: API modules an executor needs besides the engine's (pickled RDD functions and accumulators
#: refer to them; the pyspark alias): the zygote imports them before forking executors
EXECUTOR_PRELOAD = ("sparkcli.rdd", "sparkcli.compat", "sparkcli.shared")


#: what a DataFrame/SQL task needs besides: pyarrow and the engine's operators, readers and
#: expressions (an executor's first SQL task would otherwise import them, each executor anew)
SQL_PRELOAD = ("pyarrow", "pyarrow.compute", "pyarrow.ipc", "pyarrow.parquet",
               "runtime.sql.execution.planner", "runtime.sql.execution.lineage_runner",
               "runtime.sql.io.parquet_scan", "runtime.sql.io.readers")

#: signs that an application uses DataFrames or SQL (spark.read..., createDataFrame(...),
#: spark.sql(...), spark.range(...), pyspark.sql.functions); ``SparkSession`` alone is not
#: one: Spark's pi.py builds a session only for its SparkContext
_DATAFRAME_APP = re.compile(
    r"\.(?:read|readStream)\s*\.|\.(?:createDataFrame|sql|table|toDF)\s*\("
    r"|\bspark\w*\.range\s*\(|\bpyspark\.sql\.(?:functions|types|window)\b"
    r"|\bfrom\s+pyspark\.sql\s+import\s+[^\n]*\b(?:functions|types|Row|Window|DataFrame)\b")


def uses_dataframes(app: str | None) -> bool:
    """Whether the application's source looks like a DataFrame/SQL program (a guess that
    only decides what the zygote preloads: wrong either way, it costs time, not results)."""
    if not app or not app.endswith(".py"):
        return False
    try:
        with open(app, encoding="utf-8", errors="replace") as f:
            return _DATAFRAME_APP.search(f.read(1 << 20)) is not None
    except OSError:
        return False


def start_executor_zygote(master: str | None, app: str | None = None) -> None:
    """Start the zygote local executors are forked from, unless ``--master`` is spark://
    (there the workers start the executors). ``submit`` and ``shell`` call this first thing
    in their callbacks, before reaching the code behind them (sparkcli/lazy.py), so the
    zygote's imports run while this process is still starting. For an
    ``app`` that uses DataFrames it also preloads pyarrow and the SQL engine, once, before
    forking (an RDD-only app's executors never load them: tests/test_lazy_imports.py)."""
    if master is not None and master.startswith("spark://"):
        return
    preload = EXECUTOR_PRELOAD + (SQL_PRELOAD if uses_dataframes(app) else ())
    zygote_client.start(preload=preload)
