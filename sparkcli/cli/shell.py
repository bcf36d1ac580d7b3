"""``sparkcli shell``: parse pyspark's options and call :func:`sparkcli.shell.run`.

No logic here. A mistake found before the shell starts (bad master URL, config value,
missing --py-files) is one line ``Error: ...`` on stderr with exit code USAGE_ERROR.
"""

from __future__ import annotations

import click

from sparkcli.cli import exit_codes


class OneLineError(click.ClickException):
    """Printed as ``Error: message`` alone (no usage block), exit code USAGE_ERROR."""

    exit_code = exit_codes.USAGE_ERROR


@click.command(
    context_settings={"help_option_names": ["-h", "--help"]},
    short_help="Interactive PySpark shell (spark and sc ready to use).",
)
@click.option("--master", metavar="MASTER_URL",
              help="local, local[N], local[*], local[N,F] or spark://HOST:PORT (default local[*]).")
@click.option("--name", metavar="NAME", help="Application name (default: PySparkShell).")
@click.option("--conf", "-c", "conf", multiple=True, metavar="PROP=VALUE",
              help="Arbitrary Spark configuration property (repeatable).")
@click.option("--properties-file", metavar="FILE",
              help="File with extra properties (default: conf/spark-defaults.conf).")
@click.option("--py-files", metavar="PY_FILES",
              help="Comma-separated .zip, .egg or .py files for the driver's and executors' path.")
@click.option("--files", metavar="FILES",
              help="Comma-separated files shipped to executors (SparkFiles.get).")
@click.option("--driver-memory", metavar="MEM", help="Memory for the driver (e.g. 1000M, 2G).")
@click.option("--executor-memory", metavar="MEM", help="Memory per executor (e.g. 1000M, 2G).")
@click.option("--verbose", "-v", is_flag=True, help="Print the parsed arguments and properties.")
@click.pass_context
def shell(ctx: click.Context, **options: object) -> None:
    """Start an interactive Python shell with `spark` (SparkSession) and `sc` (SparkContext).

    With stdin not a terminal, run the Python code read from it instead
    (echo 'print(sc.parallelize(range(10)).sum())' | sparkcli shell).
    """
    from runtime.config import ConfigError
    from sparkcli.shell import ShellArgs, ShellError, run

    options["conf"] = list(options["conf"])  # type: ignore[arg-type]
    args = ShellArgs(**options)  # type: ignore[arg-type]
    try:
        code = run(args)
    except (ShellError, ConfigError) as e:
        raise OneLineError(str(e)) from None
    ctx.exit(code)
