"""``sparkcli master``: run the standalone master (foreground), or ``start``/``stop`` it in
the background like Spark's start-master.sh/stop-master.sh. No logic here: see
runtime.deploy.master.run and runtime.deploy.daemon (given this command line as a Program).
"""

from __future__ import annotations

import click

from runtime.config import ConfigError
from runtime.deploy import daemon as d
from runtime.deploy.common import PortInUse, Program
from runtime.deploy.master import run
from sparkcli.cli import options as opt


@click.command(context_settings={"help_option_names": ["--help"]})
@click.argument("action", required=False, type=click.Choice(["start", "stop"]))
@click.option("--host", "-h", "-i", default="127.0.0.1", envvar="SPARK_MASTER_HOST",
              show_default=True,
              help="Address to bind (another address needs spark.authenticate).")
@click.option("--port", "-p", default=7077, type=int, envvar="SPARK_MASTER_PORT",
              show_default=True, help="Port for workers and applications (0 = any free).")
@click.option("--webui-port", default=8080, type=int, envvar="SPARK_MASTER_WEBUI_PORT",
              show_default=True, help="Port for the web UI (the next free one if busy).")
@opt.DAEMON_PROPERTIES_FILE
@opt.DAEMON
def master(action: str | None, host: str, port: int, webui_port: int,
           properties_file: str | None, daemon: bool) -> None:
    """Run the standalone master at spark://HOST:PORT with its web UI on WEBUI_PORT.

    \b
    sparkcli master               foreground (Ctrl-C stops it)
    sparkcli master start         background; log in logs/sparkcli-USER-master-1-HOST.out
    sparkcli master stop          stop the background master
    """
    program = Program(opt.PROGRAM_NAME, opt.PROGRAM_VERSION, opt.program_argv())
    if action == "stop":
        raise SystemExit(d.stop(program, "master"))
    if action == "start" or daemon:
        argv = ["--host", host, "--port", str(port), "--webui-port", str(webui_port)]
        if properties_file:
            argv += ["--properties-file", properties_file]
        raise SystemExit(d.start(program, "master", argv))
    try:
        code = run(program, host, port, webui_port, properties_file)
    except (PortInUse, ConfigError, ValueError) as e:
        raise opt.DaemonError(str(e)) from None
    raise SystemExit(code)
