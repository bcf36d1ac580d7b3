"""Background start/stop, busy ports, the exposed-bind warning."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest
from .conftest import Cluster, http_get, wait_for

pytestmark = pytest.mark.cluster


def sparkcli(env: dict, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sparkcli", *args], capture_output=True, check=False,
                          text=True, env=env, timeout=timeout)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_background_start_and_stop(tmp_path):
    env = dict(os.environ, PYTHONHASHSEED="0", SPARKCLI_HOME=str(tmp_path))
    logs = tmp_path / "logs"
    try:
        out = sparkcli(env, "master", "start", "--port", "0", "--webui-port", "0")
        assert out.returncode == 0, out.stderr
        assert re.search(r"starting org\.apache\.spark\.deploy\.master\.Master, logging to "
                         r".*/logs/sparkcli-.+-master-1-.+\.out", out.stdout)
        url = re.search(r"^Starting Spark master at (spark://\S+)", out.stdout, re.MULTILINE).group(1)
        webui = re.search(r"Master web UI at (http://\S+)", out.stdout).group(1)
        again = sparkcli(env, "master", "start", "--port", "0")
        assert again.returncode == 1 and "Stop it first." in again.stderr
        out = sparkcli(env, "worker", "start", url, "--cores", "1", "--webui-port", "0")
        assert out.returncode == 0, out.stderr
        wait_for(lambda: '"aliveworkers": 1' in http_get(webui + "/json"), 30,
                 "the worker to register")
        pids = [int(p.read_text()) for p in logs.glob("*.pid")]
        assert len(pids) == 2
        assert "stopping org.apache.spark.deploy.worker.Worker" in \
            sparkcli(env, "worker", "stop").stdout
        assert "stopping org.apache.spark.deploy.master.Master" in \
            sparkcli(env, "master", "stop").stdout
        wait_for(lambda: not any(pid_alive(p) for p in pids), 15, "the daemons to exit")
        assert "no org.apache.spark.deploy.master.Master to stop" in \
            sparkcli(env, "master", "stop").stdout
    finally:
        for p in logs.glob("*.pid"):
            try:
                os.kill(int(p.read_text()), 9)
            except (ProcessLookupError, ValueError):
                pass


def test_busy_ports_and_exposed_bind_warning(tmp_path):
    c = Cluster(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        out = sparkcli(c.env, "master", "--port", str(port), "--webui-port", "0", timeout=30)
        assert out.returncode == 1
        assert out.stderr.strip().splitlines()[-1].startswith(
            f"Error: cannot bind the master to 127.0.0.1:{port}")
        assert "Traceback" not in out.stderr
        d = c._spawn("master", ["master", "--port", "0", "--webui-port", str(port)])
        c.extra.append(d)
        try:
            wait_for(lambda: "Master web UI at" in d.text() or not d.alive(), 30, "the master")
            assert f"Service 'MasterUI' could not bind on port {port}. Attempting port " \
                   f"{port + 1}." in d.text()
        finally:
            c.stop()
    d = c._spawn("master", ["master", "--host", "0.0.0.0", "--port", "0", "--webui-port", "0"])
    c.extra.append(d)
    try:
        wait_for(lambda: "Master web UI at" in d.text() or not d.alive(), 30, "the master")
        assert "binds 0.0.0.0 WITHOUT authentication" in d.text()
    finally:
        c.stop()


def test_worker_start_with_wrong_secret_fails_with_the_reason(tmp_path):
    env = dict(os.environ, PYTHONHASHSEED="0", SPARKCLI_HOME=str(tmp_path))
    good = Cluster.write_props(str(tmp_path / "good.conf"), {
        "spark.authenticate": "true", "spark.authenticate.secret": "right"})
    wrong = Cluster.write_props(str(tmp_path / "wrong.conf"), {
        "spark.authenticate": "true", "spark.authenticate.secret": "wrong"})
    try:
        out = sparkcli(env, "master", "start", "--port", "0", "--webui-port", "0",
                       "--properties-file", good)
        assert out.returncode == 0, out.stderr
        url = re.search(r"^Starting Spark master at (spark://\S+)", out.stdout,
                        re.MULTILINE).group(1)
        out = sparkcli(env, "worker", "start", url, "--webui-port", "0", "--properties-file",
                       wrong)
        assert out.returncode == 1
        assert "failed to launch: org.apache.spark.deploy.worker.Worker exited with code 1" \
            in out.stderr
        assert "Error: cannot register with master" in out.stderr
        assert "authentication failed: the server's secret differs" in out.stderr
        assert not list((tmp_path / "logs").glob("*worker*.pid"))
        out = sparkcli(env, "worker", "start", url, "--webui-port", "0", "--properties-file",
                       good)
        assert out.returncode == 0, out.stderr
        assert "Worker web UI at" in out.stdout
    finally:
        sparkcli(env, "worker", "stop")
        sparkcli(env, "master", "stop")
        for p in (tmp_path / "logs").glob("*.pid"):
            try:
                os.kill(int(p.read_text()), 9)
            except (ProcessLookupError, ValueError):
                pass


def test_a_killed_daemon_not_yet_reaped_counts_as_stopped():
    """`master start` after a SIGKILL: the old pid may linger as a zombie of whoever
    adopted it (a slow init); it must not block the restart with "Stop it first."."""
    from runtime.deploy import daemon

    parent = subprocess.Popen([sys.executable, "-c", "import os, sys\n"
                               "pid = os.fork()\n"
                               "if pid == 0:\n    os._exit(0)\n"
                               "print(pid, flush=True)\n"
                               "sys.stdin.read()\n"],  # alive, not reaping, until killed
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        zombie = int(parent.stdout.readline())  # exited, never reaped by its parent

        def state() -> str:
            with open(f"/proc/{zombie}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0]

        wait_for(lambda: state() == "Z", 10, "the grandchild to become a zombie")
        assert not daemon.alive(zombie)
        assert daemon.alive(parent.pid)
    finally:
        parent.kill()
        parent.wait()
