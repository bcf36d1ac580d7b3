"""``sparkcli history``: run the history server (foreground), or ``start``/``stop`` it in the
background like Spark's start-history-server.sh/stop-history-server.sh. No logic here: see
runtime.ui.history.run and runtime.deploy.daemon.
"""

from __future__ import annotations

import click

from runtime.config import ConfigError
from runtime.deploy import daemon as d
from runtime.deploy.common import Program
from runtime.ui.history import run
from sparkcli import __version__
from sparkcli.cli import options as opt


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected PROP=VALUE, got {item!r}", param_hint="--conf")
        out[key.strip()] = value
    return out


@click.command(context_settings={"help_option_names": ["--help"]})
@click.argument("action", required=False, type=click.Choice(["start", "stop"]))
@click.option("--host", "-h", default="127.0.0.1", show_default=True,
              help="Address to bind the web UI to.")
@click.option("--port", "-p", type=int, default=None,
              help="Web UI port (default spark.history.ui.port, 18080; the next free one "
                   "if busy).")
@click.option("--conf", "-c", "conf", multiple=True, metavar="PROP=VALUE",
              help="A spark.history.* property, e.g. spark.history.fs.logDirectory=DIR "
                   "(repeatable).")
@opt.DAEMON_PROPERTIES_FILE
@opt.DAEMON
def history(action: str | None, host: str, port: int | None, conf: tuple[str, ...],
            properties_file: str | None, daemon: bool) -> None:
    """Serve the web UI and REST API of applications from their event logs
    (spark.history.fs.logDirectory, default $SPARKCLI_HOME/spark-events).

    \b
    sparkcli history              foreground (Ctrl-C stops it)
    sparkcli history start        background; log in logs/sparkcli-USER-history-1-HOST.out
    sparkcli history stop         stop the background history server
    """
    program = Program(opt.PROGRAM_NAME, opt.PROGRAM_VERSION, opt.program_argv())
    overrides = _pairs(conf)
    if action == "stop":
        raise SystemExit(d.stop(program, "history"))
    if action == "start" or daemon:
        argv = ["--host", host]
        if port is not None:
            argv += ["--port", str(port)]
        for key, value in overrides.items():
            argv += ["--conf", f"{key}={value}"]
        if properties_file:
            argv += ["--properties-file", properties_file]
        raise SystemExit(d.start(program, "history", argv))
    try:
        code = run(host, port, properties_file, overrides, __version__)
    except (OSError, ConfigError, ValueError) as e:
        raise opt.DaemonError(str(e)) from None
    raise SystemExit(code)
