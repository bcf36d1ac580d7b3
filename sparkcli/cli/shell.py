"""``sparkcli shell``: parse pyspark's options, start the executor zygote, and call
:func:`sparkcli.cli.repl.run` (through ``REPL`` in sparkcli/lazy.py, so the zygote's imports
overlap the driver's).

No logic here. A mistake found before the shell starts (bad master URL, config value,
missing --py-files) is one line ``Error: ...`` on stderr with exit code USAGE_ERROR.
"""

from __future__ import annotations

import click

from sparkcli.cli import options as opt
from sparkcli.cli.executor_zygote import start_executor_zygote
from sparkcli.lazy import REPL


@click.command(
    context_settings={"help_option_names": ["-h", "--help"]},
)
@opt.MASTER
@opt.name_option("PySparkShell")
@opt.LAUNCH_CONF
@opt.DRIVER_MEMORY
@opt.EXECUTOR_MEMORY
@opt.VERBOSE
@click.pass_context
def shell(ctx: click.Context, **options: object) -> None:
    """Start an interactive Python shell with `spark` (SparkSession) and `sc` (SparkContext).

    With stdin not a terminal, run the Python code read from it instead
    (echo 'print(sc.parallelize(range(10)).sum())' | sparkcli shell).
    """
    start_executor_zygote(options.get("master"))  # type: ignore[arg-type]
    # the code behind the command, loaded after the zygote started
    options["conf"] = list(options["conf"])  # type: ignore[arg-type]
    args = REPL.ShellArgs(**options)  # type: ignore[arg-type]
    try:
        code = REPL.run(args)
    except (REPL.ShellError, REPL.ConfigError) as e:
        raise opt.OneLineError(str(e)) from None
    ctx.exit(code)
