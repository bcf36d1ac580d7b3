"""Client-mode applications on a master + 2 workers: answers, /json, UIs, executor logs."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from gate import PASS_GATE, Gate
from .conftest import WORDCOUNT, http_get, wait_for, write_app

pytestmark = pytest.mark.cluster

HOLD = PASS_GATE + '''
import sys
from pyspark import SparkContext

sc = SparkContext(appName="hold")
rdd = sc.parallelize(range(8), 4)
print(rdd.map(lambda x: (print("hello from executor", x) or x)).sum())
pass_gate(sys.argv[1])
sc.stop()
'''


def local_wordcount(cluster, app: str, data: str) -> str:
    out = subprocess.run([sys.executable, "-m", "sparkcli", "submit", "--master", "local[2]",
                          app, data], capture_output=True, text=True, check=False, env=cluster.env,
                         cwd=cluster.home, timeout=90)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_wordcount_client_mode_equals_local(cluster, tmp_path, text_file):
    app = write_app(tmp_path, "wordcount.py", WORDCOUNT)
    expected = local_wordcount(cluster, app, text_file)
    # readHostLocalDisk=false: reducers fetch every remote map output over the network
    out = cluster.submit(app, text_file, conf={"spark.shuffle.readHostLocalDisk": "false"})
    assert out.returncode == 0, out.stderr
    assert out.stdout == expected
    assert len(expected.splitlines()) == 300
    assert "Connected to Spark cluster with app ID app-" in out.stderr


def test_json_and_ui_list_workers_and_app(cluster, tmp_path):
    app = write_app(tmp_path, "hold.py", HOLD)
    gate = Gate()
    p = cluster.popen(app, str(gate.port))
    try:
        wait_for(lambda: gate.arrivals or p.poll() is not None, 60, "the app to run")
        assert p.poll() is None, p.stderr.read()
        j = cluster.json()
        assert j["status"] == "ALIVE" and j["aliveworkers"] == 2
        assert len(j["workers"]) == 2 and j["cores"] == 2
        [a] = [a for a in j["activeapps"] if a["name"] == "hold"]
        assert a["state"] == "RUNNING" and len(a["executors"]) == 2 and a["cores"] == 2
        assert j["coresused"] == 2
        page = http_get(cluster.webui + "/")
        for text in ("URL:</strong> " + cluster.url, "Alive Workers:</strong> 2",
                     "Cores in use:</strong> 2 Total, 2 Used", "Status:</strong> ALIVE",
                     a["id"], "Running Applications (1)"):
            assert text in page
        for w in j["workers"]:
            assert w["id"] in page
            wpage = http_get(w["webuiaddress"] + "/")
            assert a["id"] in wpage and "Running Executors (1)" in wpage
        # the driver's UI binds after the app registered: the master learns its address
        ui = wait_for(lambda: next((x["appuiurl"] for x in cluster.json()["activeapps"]
                                    if x["id"] == a["id"] and x["appuiurl"]), None),
                      30, "the master to know the driver UI")
        app_page = http_get(f"{cluster.webui}/app/?appId={a['id']}")
        assert f'<a id="app-ui" href="{ui}">Application Detail UI</a>' in app_page
        assert "hold" in http_get(ui + "/jobs/")
    finally:
        gate.close()
    assert p.wait(60) == 0
    def completed():
        j = cluster.json()
        return j if any(x["id"] == a["id"] for x in j["completedapps"]) else None

    j = wait_for(completed, 15, "the app to complete")
    [done] = [x for x in j["completedapps"] if x["id"] == a["id"]]
    assert done["state"] == "FINISHED" and not done["executors"]
    assert j["coresused"] == 0
    assert not any(x["id"] == a["id"] for x in j["activeapps"])
    page = http_get(cluster.webui + "/")
    completed = page[page.index("Completed Applications ("):]
    assert a["id"] in completed and "FINISHED" in completed
    assert a["id"] not in page[page.index("Running Applications ("):
                               page.index("Completed Applications (")]


def test_executor_log_links_return_output(cluster, tmp_path):
    app = write_app(tmp_path, "hold.py", HOLD)
    with Gate() as gate:
        gate.open()  # nothing to hold it for
        out = cluster.submit(app, str(gate.port))
    assert out.returncode == 0, out.stderr
    app_id = re.search(r"app ID (app-\S+)", out.stderr).group(1)
    page = http_get(f"{cluster.webui}/app/?appId={app_id}")
    links = [u.replace("&amp;", "&") for u in re.findall(r"href=[\"'](http[^\"']+logType=stdout)[\"']",
                                                         page)]
    assert len(links) == 2
    text = "".join(http_get(u + "&format=raw") for u in links)
    assert text.count("hello from executor") == 8
    # the HTML log page too, and `sparkcli logs` finds the executors' output
    assert "hello from executor" in http_get(links[0]) + http_get(links[1])
    logs = subprocess.run([sys.executable, "-m", "sparkcli", "logs", app_id, "--stdout"],
                          capture_output=True, text=True, check=False, env=cluster.env, cwd=cluster.home,
                          timeout=30)
    assert logs.stdout.count("hello from executor") == 8, logs.stdout + logs.stderr


def test_no_resources_warning(cluster, tmp_path):
    app = write_app(tmp_path, "small.py", "from pyspark import SparkContext\n"
                    "sc = SparkContext(appName='starved')\n"
                    "print(sc.parallelize(range(4), 2).sum())\n")
    p = cluster.popen(app, conf={"spark.executor.memory": "64g",
                                 "spark.starvation.timeout": "1s"})
    try:
        lines = []

        def warned() -> bool:
            line = p.stderr.readline()
            lines.append(line)
            return "Initial job has not accepted any resources; check your cluster UI" in line \
                or (not line and p.poll() is not None)

        wait_for(warned, 30, "the starvation warning")
        assert "WARN TaskSchedulerImpl: Initial job has not accepted any resources" in \
            "".join(lines)
    finally:
        p.kill()
        p.wait()
