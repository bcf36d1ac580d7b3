"""Cluster deploy mode for Python applications: ship the driver to a worker; kill; status.

Spark refuses Python applications in standalone cluster deploy mode; this engine supports them:

* :func:`submit_driver` reads the app file, the --py-files and the --files, and sends them
  with the application's arguments and properties to the master (RequestSubmitDriver). The
  master picks a worker with spark.driver.cores and spark.driver.memory free; the worker
  writes the files into <work-dir>/driver-YYYYMMDDHHMMSS-NNNN/ and runs
  ``<program> submit --master <master> --deploy-mode client ... app.py args`` there
  with stdout/stderr in that directory. With ``supervise`` the worker restarts a driver that
  exits non-zero (backoff 1 s, doubling up to 60 s), as Spark's DriverRunner does.
* :func:`kill_driver` / :func:`driver_status` ask the master about a submission id.

Secrets never travel in the description: spark.authenticate.secret(.file) are dropped, and
the worker hands its own secret to the driver through the environment.
All functions raise :class:`SubmissionError` with a one-line message.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Callable

from runtime.config import parse_memory
from runtime.protocol.deploy import (
    DriverStatusResponse,
    KillDriverResponse,
    RequestDriverStatus,
    RequestKillDriver,
    RequestSubmitDriver,
    SubmitDriverResponse,
)
from runtime.rpc import auth
from runtime.rpc.server import FrameError, request

SECRET_KEYS = ("spark.authenticate.secret", "spark.authenticate.secret.file")
LOCAL_ONLY = ("spark.master", "spark.submit.deployMode", "spark.submit.pyFiles", "spark.files",
              "spark.driver.supervise") + SECRET_KEYS


class SubmissionError(Exception):
    """A cluster-mode request failed; the message is one line."""


def _ask(hosts: list[tuple[str, int]], msg: Any, secret: bytes | None, reply_type: type) -> Any:
    last: Exception | None = None
    for host, port in hosts:
        try:
            reply = request(f"{host}:{port}", msg, secret, timeout=30.0)
            if not isinstance(reply, reply_type):
                raise SubmissionError(f"spark://{host}:{port} answered {reply!r:.200} "
                                      f"instead of a {reply_type.__name__}")
            return reply
        except auth.AuthError as e:
            raise SubmissionError(f"spark://{host}:{port}: {e}") from None
        except (OSError, FrameError) as e:
            last = e
    urls = ",".join(f"{h}:{p}" for h, p in hosts)
    raise SubmissionError(f"cannot reach the master at spark://{urls}: {last} (is the master "
                          "running? with spark.authenticate on, the secret must match)")


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise SubmissionError(f"cannot read {path}: {e.strerror}") from None


def submit_driver(hosts: list[tuple[str, int]], *, app: str, args: list[str],
                  conf: dict[str, str], py_files: list[str], files: list[str],
                  supervise: bool, secret: bytes | None) -> SubmitDriverResponse:
    """Send the driver; returns the master's reply (``driver_id``, ``state``, ``message``)."""
    shipped: dict[str, bytes] = {}
    for path in [app, *py_files, *files]:
        name = os.path.basename(path)
        if name in shipped:
            raise SubmissionError(f"two shipped files are both named {name!r}; rename one")
        shipped[name] = _read(path)
    cores = int(conf.get("spark.driver.cores") or 1)
    memory = parse_memory(conf.get("spark.driver.memory") or "1g", "spark.driver.memory") >> 20
    reply = _ask(hosts, RequestSubmitDriver(
        app=os.path.basename(app), name=conf.get("spark.app.name") or os.path.basename(app),
        files=shipped, py_files=[os.path.basename(p) for p in py_files],
        data_files=[os.path.basename(p) for p in files], args=list(args),
        conf={k: v for k, v in conf.items() if k not in LOCAL_ONLY},
        cores=cores, memory=max(1, memory), supervise=supervise), secret, SubmitDriverResponse)
    if not reply.success:
        raise SubmissionError(f"the master refused the driver: {reply.message}")
    return reply


def driver_status(hosts: list[tuple[str, int]], driver_id: str,
                  secret: bytes | None) -> DriverStatusResponse:
    reply = _ask(hosts, RequestDriverStatus(driver_id), secret, DriverStatusResponse)
    if not reply.found:
        raise SubmissionError(f"no submission {driver_id} on the master (unknown id, or "
                              "removed from the master's list of completed drivers)")
    return reply


def kill_driver(hosts: list[tuple[str, int]], driver_id: str,
                secret: bytes | None) -> KillDriverResponse:
    reply = _ask(hosts, RequestKillDriver(driver_id), secret, KillDriverResponse)
    if not reply.success:
        raise SubmissionError(str(reply.message))
    return reply


def format_status(driver_id: str, st: DriverStatusResponse) -> str:
    line = f"State of {driver_id} is {st.state}"
    if st.worker_id:
        line += f"\nDriver running on {st.worker_host} ({st.worker_id})" \
            if st.state in ("RUNNING", "RELAUNCHING") else \
            f"\nDriver ran on {st.worker_host} ({st.worker_id})"
    if st.exit_code is not None:
        line += f"\nDriver exited with code {st.exit_code}"
    message = st.message or ""
    if message and st.state in ("FAILED", "ERROR") and \
            message != f"exited with code {st.exit_code}":
        line += f"\n{message}"
    if st.state in ("FAILED", "ERROR") and st.worker_webui:
        line += (f"\nSee the driver's output: {st.worker_webui}/logPage/?driverId="
                 f"{driver_id}&logType=stderr")
    return line


def relative_path_args(args: list[str], shipped: list[str], cwd: str | None = None) -> list[str]:
    """The application arguments that name a file or directory relative to ``cwd`` and are
    not shipped with --files: in cluster deploy mode the driver runs in its own directory on a
    worker, where such a path does not resolve (Spark behaves the same, silently)."""
    cwd = cwd or os.getcwd()
    names = {os.path.basename(p) for p in shipped}
    return [a for a in args if a and not os.path.isabs(a) and "://" not in a
            and a not in names and os.path.exists(os.path.join(cwd, a))]


def submit_and_report(hosts: list[tuple[str, int]], out: Callable[[str], None],
                      wait: float = 5.0, **kwargs) -> int:
    """``submit --deploy-mode cluster``: print the submission id, then the state once the
    master has placed the driver (polling up to ``wait`` seconds, as Spark's client does)."""
    for arg in relative_path_args(kwargs.get("args") or [], kwargs.get("files") or []):
        print(f"Warning: argument {arg!r} is a path relative to this directory; in cluster "
              "deploy mode the driver runs in its own directory on a worker, so pass "
              f"{os.path.abspath(arg)!r} instead", file=sys.stderr)
    reply = submit_driver(hosts, **kwargs)
    driver_id = reply.driver_id
    out(f"Driver successfully submitted as {driver_id}")
    deadline = time.monotonic() + wait
    st = driver_status(hosts, driver_id, kwargs.get("secret"))
    while st.state == "SUBMITTED" and time.monotonic() < deadline:
        time.sleep(0.1)
        st = driver_status(hosts, driver_id, kwargs.get("secret"))
    out(format_status(driver_id, st))
    return 0 if st.state not in ("ERROR", "FAILED") else 1
