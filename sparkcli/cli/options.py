"""What the click commands share: their one-line errors, the options that ``submit`` and
``shell`` both take (spark-submit's names and help, written once). The start of the
executor zygote is in sparkcli/cli/executor_zygote.py.

Options are plain click decorators; :func:`options` stacks several into one, in the order
they are listed (which is also the order ``--help`` shows them). ``LAUNCH_CONF`` holds
--conf, --properties-file, --py-files and --files, which both commands list together.
"""

from __future__ import annotations

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
