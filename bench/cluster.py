"""A throwaway standalone cluster for the benchmarks: a master and N workers on 127.0.0.1.

    with standalone(home, workers=2, cores=1) as cluster:
        cluster.url           # spark://127.0.0.1:PORT, for `sparkcli submit --master`
        cluster.worker_pids   # the executors of a submitted app are their children
        cluster.wait_idle()   # until no worker has an executor left

How: the foreground CLI (`python -m sparkcli master --port 0 --webui-port 0`, then
`python -m sparkcli worker URL --cores C --memory 2g --webui-port 0`), each in its own session
with stdout+stderr in `<home>/<role>-N.out` and SPARKCLI_HOME=<home>, so the work/ and logs/
dirs are under `home` too. The master's ready line carries its real ports; the cluster is ready
once the master's /json lists all N workers ALIVE with C cores each. Everything is polled with
a deadline, nothing sleeps a fixed time (the tests' mechanism, tests/cluster/conftest.py).

Stopping (on leaving the `with`, also on an error, Ctrl-C or SIGTERM, which raises SystemExit
while the cluster is up): workers first, then the master, each SIGTERM -> wait -> SIGKILL; then
SIGKILL to each daemon's process group, which holds any executor its worker left behind
(executors are the worker's children, in its session). No process outlives the `with`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from measure import child_pids

START_TIMEOUT = 60.0  # seconds; a loaded 2-core machine needs a few


class ClusterError(RuntimeError):
    """The cluster did not come up; the message holds the daemon's log tail."""


def poll(cond, timeout: float, what: str, interval: float = 0.05):
    """cond()'s first truthy value, polled every `interval` s; ClusterError after `timeout`."""
    deadline = time.monotonic() + timeout
    while not (value := cond()):
        if time.monotonic() > deadline:
            raise ClusterError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
    return value


class Daemon:
    def __init__(self, home: Path, name: str, args: list[str], env: dict[str, str]):
        self.name = name
        self.log = home / f"{name}.out"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "sparkcli", *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=home,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def ready(self, pattern: str) -> re.Match | None:
        """The match of `pattern` in the log; ClusterError with the log's tail if it exited."""
        found = re.search(pattern, self.text(), re.MULTILINE)
        if not found and self.proc.poll() is not None:
            lines = [ln for ln in self.text().splitlines() if ln.strip()] or ["no output"]
            tail = "\n".join(lines[-15:])
            raise ClusterError(
                f"{self.name} exited with code {self.proc.returncode}: {lines[-1]}\n{tail}"
            )
        return found

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:  # the daemon's session leader pid is its process group id
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@contextlib.contextmanager
def standalone(home: Path, workers: int = 2, cores: int = 1) -> Iterator[Cluster]:
    """A started cluster, stopped when the `with` ends; SIGTERM raises SystemExit meanwhile."""
    cluster = Cluster(home, workers, cores)
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _exit_on_sigterm) if main else None
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        if old is not None:
            signal.signal(signal.SIGTERM, old)


class Cluster:
    def __init__(self, home: Path, workers: int, cores: int):
        self.home = Path(home)
        self.n_workers, self.cores = workers, cores
        self.env = dict(os.environ, PYTHONHASHSEED="0", PYTHONUNBUFFERED="1")
        self.env["SPARKCLI_HOME"] = str(self.home)
        for k in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR"):
            self.env.pop(k, None)
        self.daemons: list[Daemon] = []
        self.url = self.webui = ""

    @property
    def worker_pids(self) -> tuple[int, ...]:
        return tuple(d.proc.pid for d in self.daemons[1:])

    def stop(self) -> None:
        for d in reversed(self.daemons):  # workers, then the master
            d.stop()

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        loopback = ["--host", "127.0.0.1", "--webui-port", "0"]
        master = self._spawn("master", ["master", "--port", "0", *loopback])
        poll(lambda: master.ready(r"^Master web UI at "), START_TIMEOUT, "the master to start")
        self.url = master.ready(r"^Starting Spark master at (spark://\S+)").group(1)
        self.webui = master.ready(r"^Master web UI at (http://\S+)").group(1)
        worker_args = ["worker", self.url, "--cores", str(self.cores), "--memory", "2g"]
        workers = [self._spawn("worker", worker_args + loopback) for _ in range(self.n_workers)]

        def registered() -> bool:
            for d in workers:
                d.ready(r"^Starting Spark worker ")  # raises if the worker exited
            alive = [w for w in self.master_json().get("workers", []) if w["state"] == "ALIVE"]
            return len(alive) == self.n_workers and all(w["cores"] == self.cores for w in alive)

        poll(registered, START_TIMEOUT, f"{self.n_workers} workers to register at {self.webui}")

    def _spawn(self, role: str, args: list[str]) -> Daemon:
        d = Daemon(self.home, f"{role}-{len(self.daemons)}", args, self.env)
        self.daemons.append(d)
        return d

    def master_json(self) -> dict:
        try:
            with urllib.request.urlopen(self.webui + "/json", timeout=5) as r:
                return json.loads(r.read())
        except (urllib.error.URLError, OSError, ValueError):
            return {}

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Until the workers have no executor processes left (a finished app's executors exit
        shortly after its driver), so that they do not eat the next run's CPU."""
        poll(lambda: not child_pids(self.worker_pids), timeout, "the executors to exit")


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
