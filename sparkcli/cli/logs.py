"""``sparkcli logs``: parse the options and call :func:`sparkcli.cli.app_logs.run`. No logic here.

A user mistake (unknown application id, bad option mix) is one line ``Error: ...`` on stderr
with exit code USAGE_ERROR.
"""

from __future__ import annotations

import click

from sparkcli.cli import options as opt
from sparkcli.cli.app_logs import LogsArgs, LogsError, run


@click.command(
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.argument("app_id", required=False, metavar="[APP_ID]")
@click.option("--latest", "-l", is_flag=True, help="The most recently started application.")
@click.option("--executor", "-e", "executors", multiple=True, metavar="ID",
              help="Only this executor's logs (repeatable).")
@click.option("--driver", "-d", is_flag=True, help="Only the driver's log (driver.log).")
@click.option("--stdout", is_flag=True, help="Only executors' stdout.")
@click.option("--stderr", is_flag=True, help="Only executors' stderr (and the driver log).")
@click.option("--lines", "-n", type=click.IntRange(min=0), metavar="N",
              help="Only the last N lines of each file.")
@click.option("--follow", "-f", is_flag=True,
              help="Keep printing new lines until the application ends (or Ctrl-C).")
@click.pass_context
def logs(ctx: click.Context, app_id: str | None, latest: bool, executors: tuple[str, ...],
         driver: bool, stdout: bool, stderr: bool, lines: int | None, follow: bool) -> None:
    """Without APP_ID: a table of the applications in the work dir, newest first.

    With APP_ID (or --latest): the driver log and each executor's stdout/stderr, each under a
    '==> app-.../0/stdout <==' title.
    """
    args = LogsArgs(app_id=app_id, latest=latest, executors=list(executors), driver=driver,
                    stdout=stdout, stderr=stderr, lines=lines, follow=follow)
    try:
        code = run(args)
    except LogsError as e:
        raise opt.OneLineError(str(e)) from None
    ctx.exit(code)
