"""What the master and worker daemons share: the :class:`Program` they run under,
configuration, logging set-up, the ready line, the foreground wait, and a few formatting
helpers; and :func:`stop_process`, the one way the worker and its runners
(runtime.deploy.executor_runner, runtime.deploy.driver_runner) end a child process.

No state here: every function takes what it works on. The daemons themselves are
runtime.deploy.master.Master and runtime.deploy.worker.Worker; both follow the same life
cycle, which these helpers spell out once:

    conf = setup_daemon(properties_file, logger_names)   # spark-defaults.conf + log levels
    bind the RPC server (a busy port is :class:`PortInUse`), warn_if_exposed(...)
    ui, webui_url = ui.start_web_ui(...)                  # optional: None, "" if no port
    announce_ready("Starting Spark <role> ...", role, webui_url)  # daemon.start waits for it
    wait_for_stop(stopped)                                # SIGTERM/SIGINT or stop()
    ui.stop_web_ui(ui)
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass

from runtime import config as rconfig
from runtime import log as rlog
from runtime.ui.formatting import megabytes as format_mb  # noqa: F401 - Spark's MiB/GiB text


@dataclass(frozen=True)
class Program:
    """The command line the daemons run under, passed in by it (the engine never names the
    product).

    name:     the program's name: daemon log and pid file names (``<name>-<user>-master-1-
              <host>.out``), the web UI's header and HTTP Server header, the master's
              "Running Spark version V (<name>)" line
    version:  the program's version, for that line
    argv:     the command that runs the program again, e.g. ``(sys.executable, "-m",
              "<package>")``: a background daemon runs ``argv + [role, ...]``, a worker
              starts a cluster-mode driver as ``argv + ["submit", ...]``
    """

    name: str
    version: str
    argv: tuple[str, ...]


class PortInUse(OSError):
    """A daemon could not bind its RPC port; the message says which and what to do."""


class RegistrationFailed(Exception):
    """A worker gave up joining its master (a wrong or missing secret); one-line message."""


def load_daemon_config(properties_file: str | None) -> rconfig.Config:
    """Daemon configuration: built-in defaults < conf/spark-defaults.conf (or
    --properties-file) < SPARK_MASTER_OPTS / SPARK_WORKER_OPTS style -D settings are not
    supported; use the properties file."""
    path = properties_file
    if path is None:
        default = os.path.join(rconfig.conf_dir(), "spark-defaults.conf")
        path = default if os.path.isfile(default) else None
    layers = {"file": rconfig.load_properties_file(path)} if path else {}
    return rconfig.Config(layers)


def setup_daemon(properties_file: str | None, logger_names: tuple[str, ...]) -> rconfig.Config:
    """A foreground daemon's configuration, with logging set up at spark.log.level (INFO)
    for ``logger_names``."""
    conf = load_daemon_config(properties_file)
    rlog.configure_executor(conf.get("spark.log.level") or "INFO")
    for name in logger_names:
        rlog.get_logger(name)
    return conf


def warn_if_exposed(host: str, secret: bytes | None, logger: logging.Logger, what: str) -> None:
    if secret is None and host not in ("127.0.0.1", "localhost", "::1"):
        bar = "*" * 78
        logger.warning("%s", bar)
        logger.warning("%s binds %s WITHOUT authentication: anyone who can reach this port "
                       "can run code on this cluster.", what, host)
        logger.warning("Set spark.authenticate=true and spark.authenticate.secret (or bind "
                       "127.0.0.1).")
        logger.warning("%s", bar)


def announce_ready(line: str, role: str, webui_url: str) -> None:
    """Print the ready line that tests, scripts and daemon.start read (stdout, unbuffered),
    then the web UI's address if there is one."""
    ready = f"{line}\n"
    if webui_url:
        ready += f"{role} web UI at {webui_url}\n"
    sys.stdout.write(ready)  # one write: readers see both lines at once
    sys.stdout.flush()


def wait_for_stop(stopped: threading.Event) -> None:
    """Block until SIGTERM/SIGINT or ``stopped`` is set (signals only work on the main
    thread)."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopped.set())
    while not stopped.wait(0.5):
        pass


def stop_process(proc: subprocess.Popen | None, timeout: float = 3.0) -> int | None:
    """terminate -> wait -> kill; never leaves a zombie."""
    if proc is None:
        return None
    if proc.poll() is None:
        try:
            proc.terminate()
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
        except OSError:
            pass
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None
