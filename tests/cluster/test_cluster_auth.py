"""spark.authenticate: the secret is proved before anything is unpickled; garbage is harmless."""

from __future__ import annotations

import os
import pickle
import random
import socket
import struct

import pytest
from gate import PASS_GATE, Gate
from .conftest import WORDCOUNT, Cluster, http_get, wait_for, write_app

pytestmark = pytest.mark.cluster

SECRET = {"spark.authenticate": "true", "spark.authenticate.secret": "correct horse"}


class Evil:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def held_app(directory, name: str, then: str) -> str:
    """An app that runs a first job (printing 6), waits at the gate argv[1], then runs ``then``."""
    return write_app(directory, f"{name}.py", PASS_GATE + "import sys\n"
                     "from pyspark import SparkContext\n"
                     f"sc = SparkContext(appName={name!r})\n"
                     "print(sc.parallelize(range(4), 2).sum())\n"
                     "pass_gate(sys.argv[1])\n" + then)


def send_raw(port: int, data: bytes, host: str = "127.0.0.1") -> None:
    """Send bytes, read whatever comes back until the peer closes (or 2 s pass)."""
    with socket.create_connection((host, port), timeout=5) as s:
        s.settimeout(2)
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
        except OSError:
            pass


def frame(payload: bytes) -> bytes:
    return struct.pack(">Q", len(payload)) + payload


def rpc_ports(cluster: Cluster) -> list[int]:
    return [cluster.port] + [w["port"] for w in cluster.json()["workers"]]


def test_authenticated_cluster_runs_apps_and_refuses_wrong_secret(make_cluster, tmp_path,
                                                                  text_file):
    cluster = make_cluster(SECRET)
    app = write_app(tmp_path, "wc.py", WORDCOUNT)
    out = cluster.submit(app, text_file, conf={"spark.shuffle.readHostLocalDisk": "false"})
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 300

    wrong = Cluster.write_props(str(tmp_path / "wrong.conf"), {
        "spark.worker.timeout": "4s", "spark.authenticate": "true",
        "spark.authenticate.secret": "wrong"})
    bad = cluster.start_worker(props_file=wrong, wait=False)
    none = Cluster.write_props(str(tmp_path / "none.conf"), {"spark.worker.timeout": "4s"})
    missing = cluster.start_worker(props_file=none, wait=False)
    # each gives up with one clear line (exit code 1) instead of retrying forever
    for w in (bad, missing):
        wait_for(lambda w=w: not w.alive(), 30, "the refused worker to give up")
        assert w.proc.returncode == 1
    last = bad.text().strip().splitlines()[-1]
    assert last.startswith("Error: cannot register with master spark://") and \
        "authentication failed: the server's secret differs" in last, last
    assert "before registering this worker" in missing.text()
    assert missing.text().strip().splitlines()[-1].startswith("Error: master spark://")
    wait_for(lambda: cluster.master.text().count("Refused connection from") >= 2, 20,
             "the master's refusal lines")
    text = cluster.master.text()
    assert "authentication failed: closed during authentication" in text
    assert "authentication failed: did not authenticate" in text
    assert cluster.json()["aliveworkers"] == 2

    # a driver with the wrong secret gets a clear error
    out = cluster.submit(app, text_file, conf={"spark.authenticate.secret": "nope"})
    assert out.returncode != 0
    assert "authentication failed" in out.stderr


def test_unauthenticated_pickle_never_runs(make_cluster, cluster, tmp_path):
    secure = make_cluster(SECRET)
    marker = tmp_path / "pwned"
    payload = frame(pickle.dumps({"op": "register_worker", "x": Evil(str(marker))}))
    # with auth: refused before unpickling; without auth: the restricted unpickler refuses
    # every global, so the payload cannot call anything either
    for c in (secure, cluster):
        for port in rpc_ports(c):
            send_raw(port, payload)
            send_raw(port, pickle.dumps(Evil(str(marker))))
    # the driver's listener of a running authenticated application refuses it too
    app = held_app(tmp_path, "hold", "print(sc.parallelize(range(4), 2).sum())\n")
    gate = Gate()
    p = secure.popen(app, str(gate.port))
    wait_for(lambda: gate.arrivals or p.poll() is not None, 60, "the app")
    driver = secure.json()["activeapps"][0]["driver"]
    send_raw(int(driver.rsplit(":", 1)[1]), payload)
    gate.close()
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert out.split() == ["6", "6"]
    assert not marker.exists()
    assert secure.master.alive() and cluster.master.alive()


def garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:
        return rng.randbytes(rng.randrange(1, 200))
    if kind == 1:  # an absurd length
        return struct.pack(">Q", rng.randrange(1 << 40, 1 << 63)) + rng.randbytes(10)
    if kind == 2:  # truncated frame
        return struct.pack(">Q", 1000) + rng.randbytes(rng.randrange(0, 999))
    if kind == 3:  # a well-formed frame of garbage
        return frame(rng.randbytes(rng.randrange(1, 100)))
    if kind == 4:  # valid pickle, wrong shape
        return frame(pickle.dumps(rng.choice([[1, 2], "x", {"no_op": 1}, {"op": 5},
                                              {"op": "register_worker"},
                                              {"op": "heartbeat", "id": 3},
                                              {"op": "fetch_block", "path": "/etc/passwd",
                                               "start": 0, "end": 10}])))
    return b"GET / HTTP/1.1\r\n\r\n" + rng.randbytes(rng.randrange(0, 50))


def http_garbage(rng: random.Random) -> bytes:
    """Requests a web UI might get from a scanner: odd paths, bad ids, junk headers."""
    path = rng.choice(["/", "/json", "/app/?appId=" + "x" * rng.randrange(0, 3000),
                       "/logPage/?appId=../../../etc&executorId=passwd&logType=stdout",
                       "/logPage/?driverId=%00&logType=stderr&offset=-5",
                       "/logPage/?appId=app-1&executorId=0&logType=stdout&byteLength=1e99",
                       "/" + rng.randbytes(20).hex(), "/%ff%fe"])
    method = rng.choice([b"GET", b"POST", b"HEAD", b"DELETE", rng.randbytes(4)])
    return method + b" " + path.encode() + b" HTTP/1.1\r\n" + rng.choice(
        [b"", b"Content-Length: 999999\r\n", b"Host: " + rng.randbytes(30) + b"\r\n"]) \
        + b"\r\n" + rng.randbytes(rng.randrange(0, 50))


PER_PORT = 300


@pytest.mark.parametrize("secure", [False, True])
def test_random_payloads_leave_daemons_running(make_cluster, cluster, tmp_path, secure):
    """PER_PORT random payloads on each port -- the master's RPC and web UI, each worker's
    RPC (shuffle service) and web UI, a running driver's -- and everything keeps working:
    the daemons answer, and the application that was running finishes with the right result."""
    c = make_cluster(SECRET) if secure else cluster
    app = held_app(tmp_path, "target",
                   "r = sc.parallelize(range(1000), 4).map(lambda x: (x % 7, x))\n"
                   "print(sorted(r.reduceByKey(lambda a, b: a + b).collect()))\n")
    gate = Gate()
    p = c.popen(app, str(gate.port))
    wait_for(lambda: gate.arrivals or p.poll() is not None, 60, "the app")
    assert p.poll() is None, p.stderr.read()
    j = c.json()
    [a] = [a for a in j["activeapps"] if a["name"] == "target"]
    driver_port = int(a["driver"].rsplit(":", 1)[1])
    ui_ports = [int(u.rsplit(":", 1)[1]) for u in
                [c.webui] + [w["webuiaddress"] for w in j["workers"]]]
    rng = random.Random(42)
    for port in rpc_ports(c) + [driver_port]:
        for _ in range(PER_PORT):
            send_raw(port, garbage(rng))
    for port in ui_ports:
        for i in range(PER_PORT):
            send_raw(port, http_garbage(rng) if i % 2 else rng.randbytes(rng.randrange(1, 300)))
    assert c.master.alive() and all(w.alive() for w in c.workers)
    j = c.json()
    assert j["status"] == "ALIVE" and j["aliveworkers"] == 2
    for w in j["workers"]:
        assert "Worker" in http_get(w["webuiaddress"] + "/")
    gate.close()
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    expected = sorted((k, sum(x for x in range(1000) if x % 7 == k)) for k in range(7))
    assert out.splitlines() == ["6", str(expected)]
