"""What the click commands share: their one-line errors, the options that ``submit`` and
``shell`` both take (spark-submit's names and help, written once), and the start of the
executor zygote.

Options are plain click decorators; :func:`options` stacks several into one, in the order
they are listed (which is also the order ``--help`` shows them). ``LAUNCH_CONF`` holds
--conf, --properties-file, --py-files and --files, which both commands list together.
"""

from __future__ import annotations

import re
import sys
from typing import Callable

import click

from sparkcli.version import SPARKCLI_VERSION
from sparkcli.cli import exit_codes

Decorator = Callable[[Callable], Callable]


class OneLineError(click.ClickException):
    """Printed as ``Error: message`` alone (no usage block), exit code USAGE_ERROR."""

    exit_code = exit_codes.USAGE_ERROR


class DaemonError(click.ClickException):
    """``Error: ...`` on one line (a busy port, a bad setting), exit code APP_FAILED."""

    exit_code = exit_codes.APP_FAILED


def options(*decorators: Decorator) -> Decorator:
    """One decorator applying ``decorators`` as if written one per line, top to bottom."""

    def apply(f: Callable) -> Callable:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


MASTER = click.option(
    "--master", metavar="MASTER_URL",
    help="local, local[N], local[*], local[N,F] or spark://HOST:PORT (default local[*]).")


def name_option(default_help: str) -> Decorator:
    """--name, whose help says what the default application name is."""
    return click.option("--name", metavar="NAME",
                        help=f"Application name (default: {default_help}).")


LAUNCH_CONF = options(
    click.option("--conf", "-c", "conf", multiple=True, metavar="PROP=VALUE",
                 help="Arbitrary Spark configuration property (repeatable)."),
    click.option("--properties-file", metavar="FILE",
                 help="File with extra properties (default: conf/spark-defaults.conf)."),
    click.option("--py-files", metavar="PY_FILES",
                 help="Comma-separated .zip, .egg or .py files for the driver's and executors' "
                      "path."),
    click.option("--files", metavar="FILES",
                 help="Comma-separated files shipped to executors (SparkFiles.get)."),
    click.option("--archives", metavar="ARCHIVES",
                 help="Comma-separated archives (.zip, .tar.gz, ...; name#alias) unpacked "
                      "for executors (SparkFiles.get(name))."),
)
DRIVER_MEMORY = click.option("--driver-memory", metavar="MEM",
                             help="Memory for the driver (e.g. 1000M, 2G).")
EXECUTOR_MEMORY = click.option("--executor-memory", metavar="MEM",
                               help="Memory per executor (e.g. 1000M, 2G).")
VERBOSE = click.option("--verbose", "-v", is_flag=True,
                       help="Print the parsed arguments and properties.")

# the daemons' (sparkcli master / worker)
DAEMON_PROPERTIES_FILE = click.option("--properties-file", metavar="FILE",
                                      help="Spark properties (default: conf/spark-defaults.conf).")
DAEMON = click.option("--daemon", is_flag=True, help="Same as `start`: run in the background.")

#: what the runtime's daemons are told about this command line (runtime.deploy.common.Program):
#: their log/pid files, web UI and start-up line carry the name; background daemons and
#: cluster-mode drivers run ``program_argv()`` again
PROGRAM_NAME = "sparkcli"
PROGRAM_VERSION = SPARKCLI_VERSION


def program_argv() -> tuple[str, ...]:
    return (sys.executable, "-m", "sparkcli")


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
    in their callbacks, before importing the code behind them, so the zygote's imports run
    while this process is still starting (runtime/executor/zygote_process.py). For an
    ``app`` that uses DataFrames it also preloads pyarrow and the SQL engine, once, before
    forking (an RDD-only app's executors never load them: tests/test_lazy_imports.py)."""
    if master is not None and master.startswith("spark://"):
        return
    from runtime.scheduler import zygote_client  # start-up: see docs/architecture.md

    preload = EXECUTOR_PRELOAD + (SQL_PRELOAD if uses_dataframes(app) else ())
    zygote_client.start(preload=preload)
