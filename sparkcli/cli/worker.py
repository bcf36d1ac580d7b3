"""``sparkcli worker spark://HOST:PORT``: run a standalone worker (foreground), or
``start``/``stop`` it in the background like Spark's start-worker.sh/stop-worker.sh.
No logic here: see runtime.deploy.worker.run and runtime.deploy.daemon (given this command
line as a Program).
"""

from __future__ import annotations

import click

from runtime.config import ConfigError
from runtime.deploy import daemon as d
from runtime.deploy.common import PortInUse, Program, RegistrationFailed
from runtime.deploy.worker import run
from sparkcli.cli import options as opt


@click.command(context_settings={"help_option_names": ["--help"]})
@click.argument("args", nargs=-1, metavar="[start|stop] MASTER_URL")
@click.option("--cores", "-c", type=int, envvar="SPARK_WORKER_CORES",
              help="Cores for applications (default: all CPUs).")
@click.option("--memory", "-m", envvar="SPARK_WORKER_MEMORY",
              help="Memory for applications, e.g. 4g (default: total RAM minus 1 GiB).")
@click.option("--work-dir", "-d", envvar="SPARK_WORKER_DIR",
              help="Executor and driver directories (default: work/).")
@click.option("--host", "-h", "-i", default="127.0.0.1", show_default=True,
              help="Address to bind (another address needs spark.authenticate).")
@click.option("--port", "-p", default=0, type=int, envvar="SPARK_WORKER_PORT",
              help="Port of the worker's shuffle service (default: any free port).")
@click.option("--webui-port", default=8081, type=int, envvar="SPARK_WORKER_WEBUI_PORT",
              show_default=True, help="Port for the web UI (the next free one if busy).")
@opt.DAEMON_PROPERTIES_FILE
@opt.DAEMON
def worker(args: tuple[str, ...], cores: int | None, memory: str | None, work_dir: str | None,
           host: str, port: int, webui_port: int, properties_file: str | None,
           daemon: bool) -> None:
    """Run a worker that offers CORES and MEMORY to the master at MASTER_URL.

    \b
    sparkcli worker spark://127.0.0.1:7077          foreground
    sparkcli worker start spark://127.0.0.1:7077    background (logs/...-worker-N-HOST.out)
    sparkcli worker stop                            stop the background workers
    """
    program = Program(opt.PROGRAM_NAME, opt.PROGRAM_VERSION, opt.program_argv())
    words = list(args)
    action = words.pop(0) if words and words[0] in ("start", "stop") else None
    if action == "stop":
        raise SystemExit(d.stop(program, "worker"))
    if len(words) != 1:
        raise click.UsageError("expected one master URL, e.g. sparkcli worker "
                               "spark://127.0.0.1:7077")
    master_url = words[0]
    if not master_url.startswith("spark://"):
        raise click.BadParameter(f"{master_url!r} is not a spark://HOST:PORT URL",
                                 param_hint="MASTER_URL")
    if cores is not None and cores < 1:
        raise click.BadParameter("must be at least 1", param_hint="--cores")
    if action == "start" or daemon:
        argv = [master_url, "--host", host, "--port", str(port), "--webui-port",
                str(webui_port)]
        for flag, value in (("--cores", cores), ("--memory", memory), ("--work-dir", work_dir),
                            ("--properties-file", properties_file)):
            if value is not None:
                argv += [flag, str(value)]
        raise SystemExit(d.start(program, "worker", argv))
    try:
        code = run(program, master_url, host, port, cores, memory, work_dir, webui_port,
                   properties_file)
    except (PortInUse, RegistrationFailed, ConfigError, ValueError) as e:
        raise opt.DaemonError(str(e)) from None
    raise SystemExit(code)
