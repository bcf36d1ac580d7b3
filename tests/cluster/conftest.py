"""Real standalone clusters for the cluster tests: a master and workers started through the
CLI (``python -m sparkcli master --port 0 ...``) on 127.0.0.1 with ephemeral ports, in a
private SPARKCLI_HOME, always reaped in teardown. Nothing sleeps to wait: :func:`wait_for`
polls a condition with a timeout.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest
from waiting import wait_for

__all__ = ["wait_for"]  # the cluster tests import it from here

ENV_BASE = {"PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1"}


def http_get(url: str, timeout: float = 10.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode("utf-8")


class Daemon:
    def __init__(self, proc: subprocess.Popen, out: str):
        self.proc = proc
        self.out = out

    def text(self) -> str:
        try:
            with open(self.out, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            if sig in (signal.SIGKILL, signal.SIGTERM):
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()

    def reap(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGCONT)
            except OSError:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Cluster:
    """A master plus workers; ``props`` go to a properties file shared by all of them."""

    def __init__(self, home, props: dict | None = None):
        self.home = str(home)
        self.props = {"spark.worker.timeout": "4s", **(props or {})}
        self.props_file = os.path.join(self.home, "cluster.conf")
        self.write_props(self.props_file, self.props)
        self.env = dict(os.environ, **ENV_BASE, SPARKCLI_HOME=self.home)
        for k in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR",
                  "SPARK_MASTER_PORT", "SPARK_WORKER_CORES"):
            self.env.pop(k, None)
        self.master: Daemon | None = None
        self.workers: list[Daemon] = []
        self.extra: list[Daemon] = []
        self.url = ""
        self.webui = ""
        self._n = 0

    @staticmethod
    def write_props(path: str, props: dict) -> str:
        with open(path, "w") as f:
            f.writelines(f"{k} {v}\n" for k, v in props.items())
        return path

    def _spawn(self, name: str, args: list[str]) -> Daemon:
        self._n += 1
        out = os.path.join(self.home, f"{name}-{self._n}.out")
        with open(out, "wb") as f:
            proc = subprocess.Popen([sys.executable, "-m", "sparkcli", *args],
                                    stdin=subprocess.DEVNULL, stdout=f,
                                    stderr=subprocess.STDOUT, env=self.env, cwd=self.home)
        return Daemon(proc, out)

    def start_master(self, port: int = 0, props_file: str | None = None) -> Daemon:
        d = self._spawn("master", ["master", "--port", str(port), "--webui-port", "0",
                                   "--properties-file", props_file or self.props_file])
        text = wait_for(lambda: "Master web UI at" in d.text() and d.text()
                        or (not d.alive() and d.text() + " (exited)"),
                        30, "the master to start")
        assert d.alive(), text
        self.url = re.search(r"^Starting Spark master at (spark://\S+)", text, re.MULTILINE).group(1)
        self.webui = re.search(r"Master web UI at (http://\S+)", text).group(1)
        self.master = d
        return d

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def start_worker(self, cores: int = 1, memory: str = "2g", props_file: str | None = None,
                     wait: bool = True) -> Daemon:
        d = self._spawn("worker", ["worker", self.url, "--cores", str(cores), "--memory",
                                   memory, "--webui-port", "0", "--properties-file",
                                   props_file or self.props_file])
        self.workers.append(d)
        wait_for(lambda: "Worker web UI at" in d.text() or not d.alive(), 30,
                 "the worker to start")
        assert d.alive(), d.text()
        if wait:
            wid = re.search(r"^Starting Spark worker (\S+)", d.text(), re.MULTILINE).group(1)
            wait_for(lambda: any(w["id"] == wid and w["state"] == "ALIVE"
                                 for w in self.json()["workers"]), 30,
                     f"{wid} to register")
            d.id = wid
        return d

    def json(self) -> dict:
        return json.loads(http_get(self.webui + "/json"))

    def app_json(self, state: str = "activeapps") -> list[dict]:
        return self.json()[state]

    def submit_cmd(self, app: str, *args: str, conf: dict | None = None,
                   extra: list[str] = ()) -> list[str]:
        cmd = [sys.executable, "-m", "sparkcli", "submit", "--master", self.url,
               "--properties-file", self.props_file]
        for k, v in (conf or {}).items():
            cmd += ["--conf", f"{k}={v}"]
        return cmd + list(extra) + [app, *args]

    def submit(self, app: str, *args: str, conf: dict | None = None, extra: list[str] = (),
               timeout: float = 90) -> subprocess.CompletedProcess:
        return subprocess.run(self.submit_cmd(app, *args, conf=conf, extra=extra),
                              capture_output=True, text=True, check=False, env=self.env, cwd=self.home,
                              timeout=timeout)

    def popen(self, app: str, *args: str, conf: dict | None = None,
              extra: list[str] = ()) -> subprocess.Popen:
        p = subprocess.Popen(self.submit_cmd(app, *args, conf=conf, extra=extra),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=self.env, cwd=self.home)
        self.extra.append(Daemon(p, ""))
        return p

    def stop(self) -> None:
        for d in self.extra + self.workers + ([self.master] if self.master else []):
            d.reap()


@pytest.fixture
def make_cluster(tmp_path):
    """Factory: make_cluster(props, workers=2) -> a started Cluster, reaped at teardown."""
    made: list[Cluster] = []

    def make(props: dict | None = None, workers: int = 2, cores: int = 1) -> Cluster:
        home = tmp_path / f"home{len(made)}"
        home.mkdir()
        c = Cluster(home, props)
        made.append(c)
        c.start_master()
        for _ in range(workers):
            c.start_worker(cores=cores)
        return c

    yield make
    for c in made:
        c.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A shared master + 2 one-core workers for tests that do not break it."""
    c = Cluster(tmp_path_factory.mktemp("cluster-home"))
    try:
        c.start_master()
        c.start_worker()
        c.start_worker()
        yield c
    finally:
        c.stop()


def write_app(directory, name: str, source: str) -> str:
    path = os.path.join(str(directory), name)
    with open(path, "w") as f:
        f.write(source)
    return path


WORDCOUNT = '''
import sys
from pyspark import SparkContext

sc = SparkContext(appName="wordcount")
lines = sc.textFile(sys.argv[1], 4)
counts = lines.flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b, 3)
for w, c in sorted(counts.collect()):
    print(f"{w}\\t{c}")
sc.stop()
'''


@pytest.fixture(scope="session")
def text_file(tmp_path_factory):
    import random

    rng = random.Random(7)
    words = [f"w{i}" for i in range(300)]
    path = tmp_path_factory.mktemp("data") / "words.txt"
    with open(path, "w") as f:
        f.writelines(" ".join(rng.choice(words) for _ in range(8)) + "\n" for _ in range(20000))
    return str(path)
