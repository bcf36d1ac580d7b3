"""The ``sparkcli`` command group and the console-script entry point.

Subcommands are looked up lazily (:class:`LazyGroup`): ``sparkcli submit`` imports only
``sparkcli.cli.submit``. A subcommand module ``sparkcli.cli.<name>`` provides a click command
named ``<name>`` (or ``cli``/``command``); commands whose module does not exist yet are simply
not listed.

The console script is sparkcli.launcher:main, which fixes PYTHONHASHSEED for the processes
it starts and calls :func:`cli`.
"""

from __future__ import annotations

import importlib
import importlib.util
import click

from sparkcli.version import SPARKCLI_VERSION

# name -> module; the order is the order of `sparkcli --help`
SUBCOMMANDS: dict[str, str] = {
    "submit": "sparkcli.cli.submit",
    "shell": "sparkcli.cli.shell",
    "master": "sparkcli.cli.master",
    "worker": "sparkcli.cli.worker",
    "logs": "sparkcli.cli.logs",
    "history": "sparkcli.cli.history",
}


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [n for n, mod in SUBCOMMANDS.items() if _module_exists(mod)]
        return lazy + sorted(n for n in super().list_commands(ctx) if n not in lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        mod_name = SUBCOMMANDS.get(cmd_name)
        if mod_name is None or not _module_exists(mod_name):
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(mod_name)
        for attr in (cmd_name, cmd_name.replace("-", "_"), "cli", "command"):
            cmd = getattr(module, attr, None)
            if isinstance(cmd, click.Command):
                return cmd
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(SPARKCLI_VERSION, "--version", prog_name="sparkcli",
                      message="%(prog)s version %(version)s")
def cli() -> None:
    """The Apache Spark developer experience in pure Python (no JVM).

    \b
    sparkcli submit app.py        run a PySpark application (like spark-submit)
    sparkcli shell                interactive PySpark shell (spark, sc)
    sparkcli logs [APP_ID] [-f]   list applications, print or follow their logs
    """

