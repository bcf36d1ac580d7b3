"""The executor zygote of ``submit`` and ``shell``: start it before the driver's imports.

Local executors are forked from a zygote process (runtime/executor/zygote_process.py) that
pre-imports what tasks need. ``submit`` and ``shell`` start it first thing in their click
callbacks, and only then reach the code behind them (``SUBMISSION``/``REPL`` in
sparkcli/lazy.py), so the zygote's imports run while the driver is still importing. What it
pre-imports: the API modules every executor needs, plus pyarrow and the SQL engine's
operators when the application's source looks like a DataFrame/SQL program, and Parquet when
it names Parquet or tables, and numpy when it shuffles (guesses: wrong either way, they cost
time, never a result). The zygote's preload is the critical path of a short DataFrame
application (its executors are ready after it), so it holds only what a task needs: not the
planner or the analyzer (driver side), and numpy (runtime/arrow_numpy.py) only for an
application whose source names a shuffling operation (hash and range partitioning use it:
each executor would otherwise import it at its first such task).

The launcher calls :func:`prestart` before it even imports click (sparkcli/launcher.py): it
reads ``submit``'s command line itself (:func:`submit_target`), knowing which of its options
take a value (:data:`VALUE_OPTIONS`, checked against the click command by
tests/test_zygote_preload.py), and starts the zygote when it is sure of the application;
otherwise the command's callback starts it, as before.
"""

from __future__ import annotations

import re

from runtime.scheduler import zygote_client

#: API modules an executor needs besides the engine's (pickled RDD functions and accumulators
#: refer to them; the pyspark alias): the zygote imports them before forking executors
EXECUTOR_PRELOAD = ("sparkcli.rdd", "sparkcli.compat", "sparkcli.shared")


#: what a DataFrame/SQL task needs besides: pyarrow and the engine's operators, readers and
#: expressions (an executor's first SQL task would otherwise import them, each executor anew)
SQL_PRELOAD = ("pyarrow", "pyarrow.compute", "pyarrow.ipc",
               "runtime.sql.execution.lineage_runner")

#: Parquet's reader and writer (~20 ms), for an application that names Parquet or tables
#: (a warehouse table is Parquet; ``load()``/``save()`` default to it)
PARQUET_PRELOAD = ("pyarrow.parquet", "runtime.sql.io.parquet_scan")
#: operations whose exchange partitions with numpy: the zygote then preloads it once
_SHUFFLING_APP = re.compile(
    r"\.(?:groupBy|groupby|agg|join|crossJoin|orderBy|sort|distinct|dropDuplicates|"
    r"repartition|repartitionByRange|intersect|subtract|exceptAll|union|rollup|cube|"
    r"pivot|count|describe|summary)\s*\(|\bsql\s*\(|GROUP\s+BY|ORDER\s+BY|JOIN")
_PARQUET_APP = re.compile(r"parquet|\.(?:saveAsTable|insertInto|table|load|save)\s*\(|\bsql\s*\(",
                          re.IGNORECASE)

#: signs that an application uses DataFrames or SQL (spark.read..., createDataFrame(...),
#: spark.sql(...), spark.range(...), pyspark.sql.functions); ``SparkSession`` alone is not
#: one: Spark's pi.py builds a session only for its SparkContext
_DATAFRAME_APP = re.compile(
    r"\.(?:read|readStream)\s*\.|\.(?:createDataFrame|sql|table|toDF)\s*\("
    r"|\bspark\w*\.range\s*\(|\bpyspark\.sql\.(?:functions|types|window)\b"
    r"|\bfrom\s+pyspark\.sql\s+import\s+[^\n]*\b(?:functions|types|Row|Window|DataFrame)\b")


#: docstrings and comments, which may name what the program does not do ("with sc.textFile
#: instead of spark.read.text"): left out of the guess
_PROSE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|#[^\n]*')


def _source(app: str | None) -> str:
    if not app or not app.endswith(".py"):
        return ""
    try:
        with open(app, encoding="utf-8", errors="replace") as f:
            return _PROSE.sub("", f.read(1 << 20))
    except OSError:
        return ""


def uses_dataframes(app: str | None) -> bool:
    """Whether the application's source looks like a DataFrame/SQL program (a guess that
    only decides what the zygote preloads: wrong either way, it costs time, not results)."""
    return _DATAFRAME_APP.search(_source(app)) is not None


def preload_for(app: str | None) -> tuple[str, ...]:
    """What the zygote imports before forking executors for ``app`` (see the docstring)."""
    source = _source(app)
    if _DATAFRAME_APP.search(source) is None:
        return EXECUTOR_PRELOAD
    parquet = PARQUET_PRELOAD if _PARQUET_APP.search(source) else ()
    shuffles = ("numpy",) if _SHUFFLING_APP.search(source) else ()
    return EXECUTOR_PRELOAD + SQL_PRELOAD + parquet + shuffles


def start_executor_zygote(master: str | None, app: str | None = None) -> None:
    """Start the zygote local executors are forked from, unless ``--master`` is spark://
    (there the workers start the executors). ``submit`` and ``shell`` call this first thing
    in their callbacks, before reaching the code behind them (sparkcli/lazy.py), so the
    zygote's imports run while this process is still starting. For an
    ``app`` that uses DataFrames it also preloads pyarrow and the SQL engine, once, before
    forking (an RDD-only app's executors never load them: tests/test_lazy_imports.py)."""
    if master is not None and master.startswith("spark://"):
        return
    zygote_client.start(preload=preload_for(app))


#: ``sparkcli submit``'s options that take a value (all its other options are flags)
VALUE_OPTIONS = frozenset({
    "--master", "--deploy-mode", "--name", "--conf", "-c", "--properties-file", "--py-files",
    "--files", "--archives", "--driver-memory", "--driver-cores", "--executor-memory",
    "--executor-cores", "--total-executor-cores", "--num-executors", "--kill", "--status"})
#: its flags that end the command before an application runs
_NO_APP_FLAGS = frozenset({"-h", "--help", "--version"})
_FLAGS = frozenset({"--supervise", "--verbose", "-v"})


def submit_target(args: list[str]) -> tuple[str | None, str] | None:
    """``(master, app)`` of a ``sparkcli submit`` command line (the arguments after the
    program name), read as click will read it; None when it is not one that runs an
    application, or when anything is not understood (an unknown option, ``--kill``...)."""
    if not args or args[0] != "submit":
        return None
    master = None
    i = 1
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if arg == "--":
            return (master, args[i + 1]) if i + 1 < len(args) else None
        if not arg.startswith("-") or arg == "-":
            return master, arg
        if name in ("--kill", "--status") or arg in _NO_APP_FLAGS:
            return None
        if eq and name in VALUE_OPTIONS and name.startswith("--"):
            master = value if name == "--master" else master
            i += 1
        elif arg in VALUE_OPTIONS:
            if i + 1 >= len(args):
                return None
            master = args[i + 1] if arg == "--master" else master
            i += 2
        elif arg in _FLAGS or (arg.startswith("-c") and not arg.startswith("--")):
            i += 1  # a flag, or -cPROP=VALUE
        else:
            return None
    return None


def prestart(args: list[str]) -> None:
    """Start the zygote for a ``sparkcli submit`` command line before the command is even
    parsed, when :func:`submit_target` is sure of its application (the launcher calls this
    first thing: the zygote is then ready ~20 ms sooner, more on a busy machine)."""
    target = submit_target(args)
    if target is not None and target[1].endswith(".py"):
        start_executor_zygote(*target)
