"""``sparkcli submit``: parse spark-submit's options, start the executor zygote, and call
:func:`sparkcli.cli.submission.run` (through ``SUBMISSION`` in sparkcli/lazy.py, so the
zygote's imports overlap the driver's).

No logic here. A mistake found by ``run()`` (SubmitError/ConfigError) becomes one line
``Error: ...`` on stderr with exit code USAGE_ERROR; the app's own exit code is passed on.
"""

from __future__ import annotations

import click

from sparkcli.cli import options as opt
from sparkcli.cli.executor_zygote import start_executor_zygote
from sparkcli.lazy import SUBMISSION
from sparkcli.version import SPARKCLI_VERSION


@click.command(
    context_settings={
        "help_option_names": ["-h", "--help"],
        "allow_interspersed_args": False,
    },
)
@opt.MASTER
@click.option("--deploy-mode", metavar="DEPLOY_MODE",
              help="client (default): run the driver here; cluster: on a worker.")
@opt.name_option("the app file's name")
@opt.LAUNCH_CONF
@opt.DRIVER_MEMORY
@click.option("--driver-cores", metavar="NUM", help="Number of cores used by the driver.")
@opt.EXECUTOR_MEMORY
@click.option("--executor-cores", metavar="NUM", help="Number of cores per executor.")
@click.option("--total-executor-cores", metavar="NUM",
              help="Total cores for all executors (spark.cores.max).")
@click.option("--num-executors", metavar="NUM",
              help="Number of executors to launch (spark.executor.instances).")
@click.option("--supervise", is_flag=True,
              help="Cluster deploy mode: restart the driver if it exits non-zero.")
@click.option("--kill", metavar="SUBMISSION_ID", help="Kill a cluster-mode driver (spark://).")
@click.option("--status", metavar="SUBMISSION_ID",
              help="Print the state of a cluster-mode driver (spark://).")
@opt.VERBOSE
@click.version_option(SPARKCLI_VERSION, "--version", prog_name="sparkcli",
                      message="%(prog)s version %(version)s")
@click.argument("app", metavar="APP.py", required=False)
@click.argument("app_args", nargs=-1, type=click.UNPROCESSED, metavar="[APP ARGS]...")
@click.pass_context
def submit(ctx: click.Context, app: str, app_args: tuple[str, ...], **options: object) -> None:
    """Run APP.py (a PySpark application) with the given options, like spark-submit.

    Options go before APP.py; everything after it is passed to the application.
    """
    request = options.get("kill") or options.get("status")
    if app is None and not request:
        raise click.UsageError("Missing argument 'APP.py'.")
    if not request:
        start_executor_zygote(options.get("master"), app)  # type: ignore[arg-type]
    # the code behind the command, loaded after the zygote started
    args = SUBMISSION.SubmitArgs(app=app or "", app_args=list(app_args),
                                 **options)  # type: ignore[arg-type]
    try:
        code = SUBMISSION.run(args)
    except (SUBMISSION.SubmitError, SUBMISSION.ConfigError) as e:
        raise opt.OneLineError(str(e)) from None
    ctx.exit(code)
