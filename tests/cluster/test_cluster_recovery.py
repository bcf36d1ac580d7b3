"""spark.deploy.recoveryMode=FILESYSTEM: a killed and restarted master gets its cluster back."""

from __future__ import annotations

import signal

import pytest
from gate import PASS_GATE, Gate
from .conftest import wait_for, write_app

pytestmark = pytest.mark.cluster

HOLD = PASS_GATE + '''
import sys
from pyspark import SparkContext

sc = SparkContext(appName="survivor")
rdd = sc.parallelize(range(1000), 4)
print(rdd.map(lambda x: (x % 10, x)).reduceByKey(lambda a, b: a + b).count())
pass_gate(sys.argv[1])
print(rdd.map(lambda x: (x % 10, x)).reduceByKey(lambda a, b: a + b).collectAsMap()[3])
sc.stop()
'''


def test_master_restart_with_filesystem_recovery(make_cluster, tmp_path):
    cluster = make_cluster({"spark.deploy.recoveryMode": "FILESYSTEM",
                            "spark.deploy.recoveryDirectory": str(tmp_path / "recovery")})
    app = write_app(tmp_path, "hold.py", HOLD)
    gate = Gate()
    p = cluster.popen(app, str(gate.port))
    wait_for(lambda: gate.arrivals or p.poll() is not None, 60, "the app to run")
    [before] = cluster.json()["activeapps"]
    worker_ids = sorted(w["id"] for w in cluster.json()["workers"])

    cluster.master.kill(signal.SIGKILL)
    cluster.start_master(port=cluster.port)

    def recovered():
        j = cluster.json()
        apps = [a for a in j["activeapps"] if a["id"] == before["id"]]
        return j if (j["status"] == "ALIVE" and j["aliveworkers"] == 2 and apps
                     and len(apps[0]["executors"]) == 2) else None

    j = wait_for(recovered, 30, "workers and the application to come back")
    assert sorted(w["id"] for w in j["workers"]) == worker_ids
    assert "Recovered 2 workers, 1 applications" in cluster.master.text()

    gate.close()  # the running application keeps going
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert out.split() == ["10", str(sum(range(3, 1000, 10)))]
    wait_for(lambda: any(a["id"] == before["id"] for a in cluster.json()["completedapps"]),
             15, "the application to complete")

    small = write_app(tmp_path, "small.py", "from pyspark import SparkContext\n"
                      "sc = SparkContext(appName='after')\n"
                      "print(sc.parallelize(range(100), 4).sum())\n")
    out = cluster.submit(small)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "4950"
