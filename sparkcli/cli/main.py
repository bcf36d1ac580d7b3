"""The ``sparkcli`` command group and the console-script entry point.

Subcommands are looked up lazily (click's documented LazyGroup pattern): :data:`COMMANDS`
names each command's module and its one-line help, so ``sparkcli submit`` imports only
``sparkcli.cli.submit`` (which imports the code behind it at its top, see sparkcli/lazy.py)
and ``sparkcli --help`` imports no command module at all. A command module
``sparkcli.cli.<name>`` provides a click command named ``<name>``.

The console script is sparkcli.launcher:main, which fixes PYTHONHASHSEED for the processes
it starts and calls :func:`cli`.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click

from sparkcli.version import SPARKCLI_VERSION


class Command(NamedTuple):
    module: str
    short_help: str


# name -> its module and the line `sparkcli --help` shows; in the order `--help` lists them
COMMANDS: dict[str, Command] = {
    "submit": Command("sparkcli.cli.submit", "Run a PySpark application (like spark-submit)."),
    "shell": Command("sparkcli.cli.shell",
                     "Interactive PySpark shell (spark and sc ready to use)."),
    "master": Command("sparkcli.cli.master",
                      "Run the standalone cluster master (like start-master.sh)."),
    "worker": Command("sparkcli.cli.worker",
                      "Run a standalone cluster worker (like start-worker.sh)."),
    "logs": Command("sparkcli.cli.logs", "List applications, print or follow their logs."),
    "history": Command("sparkcli.cli.history",
                       "Run the history server (like start-history-server.sh)."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS) + sorted(n for n in super().list_commands(ctx)
                                       if n not in COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        command = getattr(importlib.import_module(entry.module), cmd_name)
        command.short_help = entry.short_help
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands' table from :data:`COMMANDS`, without importing their modules."""
        rows = [(name, entry.short_help) for name, entry in COMMANDS.items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


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

