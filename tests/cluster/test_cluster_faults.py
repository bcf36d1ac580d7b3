"""Fault tolerance: SIGKILL an executor or a worker mid-job; a silent worker goes DEAD."""

from __future__ import annotations

import os
import random
import signal

import pytest
from gate import PASS_GATE, Gate
from .conftest import wait_for, write_app

pytestmark = pytest.mark.cluster

# The first 8 map tasks run through and write their shuffle outputs; the other 8 wait at the
# test's gate, so the test kills its victim mid-stage, with map outputs already on the workers.
SHUFFLE_JOB = PASS_GATE + '''
import sys
from pyspark import SparkContext

sc = SparkContext(appName="faults")
gate = sys.argv[1]

def held(index, it):
    if index >= 8:
        pass_gate(gate)
    for x in it:
        yield (x % 97, x)

pairs = sc.parallelize(range(20000), 16).mapPartitionsWithIndex(held)
sums = pairs.reduceByKey(lambda a, b: a + b, 8)
again = sums.map(lambda kv: (kv[0] % 7, kv[1])).reduceByKey(lambda a, b: a + b, 4)
print(sorted(sums.collect()))
print(sorted(again.collect()))
sc.stop()
'''


def expected() -> str:
    sums: dict = {}
    for x in range(20000):
        sums[x % 97] = sums.get(x % 97, 0) + x
    again: dict = {}
    for k, v in sums.items():
        again[k % 7] = again.get(k % 7, 0) + v
    return f"{sorted(sums.items())}\n{sorted(again.items())}\n"


@pytest.mark.parametrize("run", range(10))  # the acceptance: 10 of 10
def test_sigkill_executor_during_shuffle_job(cluster, tmp_path, run):
    app = write_app(tmp_path, "job.py", SHUFFLE_JOB)
    with Gate() as gate:
        p = cluster.popen(app, str(gate.port), conf={"spark.shuffle.readHostLocalDisk": "false"})
        # the victim is an executor holding one of the gated tasks: the driver knows it and
        # loses a running task with it (a pid from the workers' lists could be an executor
        # still registering, or one of the previous run's, exiting)
        wait_for(lambda: gate.pids or p.poll() is not None, 60, "the job's later tasks")
        assert p.poll() is None, p.communicate()[1]
        os.kill(random.Random(run).choice(sorted(set(gate.pids))), signal.SIGKILL)
        gate.open()
        out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert out == expected()
    assert "ERROR TaskSchedulerImpl: Lost executor" in err  # it died mid-job, was replaced


def test_sigkill_worker_app_finishes_on_the_other(make_cluster, tmp_path):
    cluster = make_cluster()
    app = write_app(tmp_path, "job.py", SHUFFLE_JOB)
    victim = cluster.workers[0]
    with Gate() as gate:
        p = cluster.popen(app, str(gate.port), conf={"spark.shuffle.readHostLocalDisk": "false"})
        wait_for(lambda: gate.arrivals or p.poll() is not None, 60, "the job's later tasks")
        victim.kill(signal.SIGKILL)
        gate.open()
        out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert out == expected()
    print(err)
    j = cluster.json()
    states = {w["id"]: w["state"] for w in j["workers"]}
    assert states[victim.id] == "DEAD"
    assert states[cluster.workers[1].id] == "ALIVE"


def test_silent_worker_marked_dead_then_reregisters(make_cluster):
    cluster = make_cluster(workers=1)
    w = cluster.workers[0]
    w.kill(signal.SIGSTOP)
    try:
        wait_for(lambda: cluster.json()["workers"][0]["state"] == "DEAD", 20,
                 "the silent worker to be marked DEAD")
        assert cluster.json()["aliveworkers"] == 0
    finally:
        w.kill(signal.SIGCONT)
    wait_for(lambda: cluster.json()["aliveworkers"] == 1, 20, "the worker to re-register")
    assert "no heartbeat in" in cluster.master.text()
