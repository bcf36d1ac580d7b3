"""Cluster deploy mode for Python apps: submission id, --status, --supervise, --kill."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from gate import PASS_GATE, Gate
from .conftest import WORDCOUNT, http_get, wait_for, write_app

pytestmark = pytest.mark.cluster


def request(cluster, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sparkcli", "submit", "--master", cluster.url,
                           *flags], capture_output=True, text=True, check=False, env=cluster.env,
                          cwd=cluster.home, timeout=60)


def submit_cluster(cluster, app: str, *args: str, supervise: bool = False) -> str:
    extra = ["--deploy-mode", "cluster"] + (["--supervise"] if supervise else [])
    out = cluster.submit(app, *args, extra=extra)
    assert out.returncode == 0, out.stderr
    return re.search(r"Driver successfully submitted as (driver-\d{14}-\d{4})",
                     out.stdout).group(1)


def wait_state(cluster, driver_id: str, states: tuple, timeout: float = 90) -> str:
    def state():
        out = request(cluster, "--status", driver_id)
        assert out.returncode == 0, out.stderr
        m = re.search(rf"State of {driver_id} is (\w+)", out.stdout)
        return m.group(1) if m and m.group(1) in states else None

    return wait_for(state, timeout, f"{driver_id} to reach {states}", interval=0.3)


def driver_log(cluster, driver_id: str, kind: str = "stdout") -> str:
    [d] = [d for d in cluster.json()["completeddrivers"] if d["id"] == driver_id]
    return http_get(f"{d['workerwebui']}/logPage/?driverId={driver_id}&logType={kind}"
                    "&format=raw")


def test_wordcount_cluster_mode_and_status(cluster, tmp_path, text_file):
    app = write_app(tmp_path, "wordcount.py", WORDCOUNT)
    driver_id = submit_cluster(cluster, app, text_file)
    assert wait_state(cluster, driver_id, ("FINISHED", "FAILED", "ERROR")) == "FINISHED"
    with open(text_file) as f:
        counts = Counter(f.read().split())
    expected = "".join(f"{w}\t{c}\n" for w, c in sorted(counts.items()))
    assert driver_log(cluster, driver_id) == expected
    out = request(cluster, "--status", driver_id)
    assert "Driver exited with code 0" in out.stdout
    unknown = request(cluster, "--status", "driver-20000101000000-9999")
    assert unknown.returncode == 2 and "no submission" in unknown.stderr


EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "wordcount.py")


def test_example_wordcount_same_in_local_client_and_cluster_mode(cluster, text_file):
    """examples/wordcount.py as shipped: local[2], client and cluster deploy mode agree
    (the order of collect() depends on the partition count, so lines are compared sorted);
    the cluster-mode application's logs are found by `sparkcli logs APP_ID`."""
    example = os.path.abspath(EXAMPLE)

    def run(*flags: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "sparkcli", "submit", *flags, example,
                               text_file], capture_output=True, text=True, check=False,
                              env=cluster.env, cwd=cluster.home, timeout=90)

    local = run("--master", "local[2]")
    assert local.returncode == 0, local.stderr
    expected = sorted(local.stdout.splitlines())
    assert len(expected) == 300 and expected[0].startswith("w0: ")
    client = run("--master", cluster.url)
    assert client.returncode == 0, client.stderr
    assert sorted(client.stdout.splitlines()) == expected
    driver_id = submit_cluster(cluster, example, text_file)
    assert wait_state(cluster, driver_id, ("FINISHED", "FAILED", "ERROR")) == "FINISHED"
    assert sorted(driver_log(cluster, driver_id).splitlines()) == expected
    app_id = re.search(r"app ID (app-\S+)", driver_log(cluster, driver_id, "stderr")).group(1)
    logs = subprocess.run([sys.executable, "-m", "sparkcli", "logs", app_id],
                          capture_output=True, text=True, check=False, env=cluster.env,
                          cwd=cluster.home, timeout=30)
    assert logs.returncode == 0, logs.stderr
    assert f"==> {app_id}/driver.log <==" in logs.stdout
    assert "Submitted application: PythonWordCount" in logs.stdout
    assert re.search(rf"==> {app_id}/\d+/stderr <==", logs.stdout)


def test_relative_path_argument_warns_and_status_points_at_the_log(cluster, tmp_path):
    """A relative input path does not resolve in the driver's directory on the worker: submit
    warns up front, and --status of the failed driver says where its stderr is."""
    app = write_app(tmp_path, "count.py", "import sys\nfrom pyspark import SparkContext\n"
                    "sc = SparkContext(appName='count')\n"
                    "print(sc.textFile(sys.argv[1]).count())\n")
    (tmp_path / "input.txt").write_text("a\nb\n")
    out = subprocess.run([sys.executable, "-m", "sparkcli", "submit", "--master", cluster.url,
                          "--deploy-mode", "cluster", app, "input.txt"], capture_output=True,
                         text=True, check=False, env=cluster.env, cwd=str(tmp_path), timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"pass {str(tmp_path / 'input.txt')!r} instead" in out.stderr
    driver_id = re.search(r"submitted as (driver-\S+)", out.stdout).group(1)
    assert wait_state(cluster, driver_id, ("FINISHED", "FAILED", "ERROR")) == "FAILED"
    status = request(cluster, "--status", driver_id).stdout
    assert "Driver exited with code 1" in status and "\nexited with code" not in status
    link = re.search(r"See the driver's output: (http://\S+)", status).group(1)
    assert "Input path does not exist" in http_get(link + "&format=raw")


def test_supervise_restarts_a_crashed_driver(cluster, tmp_path):
    app = write_app(tmp_path, "flaky.py", '''
import os, sys
from pyspark import SparkContext
marker = sys.argv[1]
if not os.path.exists(marker):
    open(marker, "w").close()
    print("first run: crashing", file=sys.stderr)
    sys.exit(3)
sc = SparkContext(appName="flaky")
print("second run ok", sc.parallelize(range(10), 2).sum())
sc.stop()
''')
    driver_id = submit_cluster(cluster, app, str(tmp_path / "crashed-once"), supervise=True)
    assert wait_state(cluster, driver_id, ("FINISHED", "FAILED", "ERROR")) == "FINISHED"
    assert "second run ok 45" in driver_log(cluster, driver_id)
    assert "first run: crashing" in driver_log(cluster, driver_id, "stderr")


def test_kill_a_running_driver(cluster, tmp_path):
    app = write_app(tmp_path, "forever.py", PASS_GATE + '''
import sys
from pyspark import SparkContext
sc = SparkContext(appName="forever")
sc.parallelize(range(4), 2).count()
pass_gate(sys.argv[1])  # held until killed (the gate is never opened)
''')
    gate = Gate()
    driver_id = submit_cluster(cluster, app, str(gate.port))
    wait_for(lambda: any(a["name"] == "forever" for a in cluster.json()["activeapps"]), 60,
             "the driver's application to register")
    out = request(cluster, "--kill", driver_id)
    assert out.returncode == 0 and f"Kill request for {driver_id} submitted" in out.stdout
    assert wait_state(cluster, driver_id, ("KILLED",), 30) == "KILLED"
    wait_for(lambda: not any(a["name"] == "forever" for a in cluster.json()["activeapps"]),
             30, "the killed driver's application to end")
    gate.close()
