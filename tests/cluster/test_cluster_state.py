"""In-process unit tests: MasterState (pure: events in, messages out), frames, auth."""

from __future__ import annotations

import os
import pickle
import socket
import struct
import threading

import pytest

from runtime.deploy.master import MasterState
from runtime.deploy.master_json import master_json
from runtime.deploy.master_state import Peer
from runtime.protocol.deploy import (
    ApplicationRemoved,
    ExecutorRemoved,
    KillExecutor,
    LaunchDriver,
    LaunchExecutor,
    ReconnectWorker,
    RegisterApplication,
    RegisterWorker,
    RequestSubmitDriver,
)
from runtime.rpc import auth
from runtime.rpc.server import Client, FrameServer, connect, loads_plain, recv_msg, send_msg


def worker(wid: str, cores: int = 2, memory: int = 4096, **kw) -> RegisterWorker:
    return RegisterWorker(id=wid, host="127.0.0.1", port=1, cores=cores, memory=memory, **kw)


def app(**kw) -> RegisterApplication:
    return RegisterApplication(**{"name": "a", "executor_cores": 1, "executor_memory": 512,
                                  "driver_address": "127.0.0.1:9", **kw})


def launches(msgs: list) -> list[tuple[str, int]]:
    return [(t, m.exec_id) for k, t, m in msgs if isinstance(m, LaunchExecutor)]


def test_spread_out_and_cores_max():
    s = MasterState()
    s.register_worker(worker("w1"), 0)
    s.register_worker(worker("w2"), 0)
    _app_id, out = s.register_app(app(cores_max=3), 0)
    assert [t for t, _ in launches(out)] == ["w1", "w2", "w1"]
    assert [m.exec_id for k, t, m in out if k == Peer.APP] == [0, 1, 2]
    assert s.workers["w1"].cores_used == 2 and s.workers["w2"].cores_used == 1


def test_fill_workers_without_spread_out_and_executor_cores():
    s = MasterState(spread_out=False)
    s.register_worker(worker("w1", cores=4), 0)
    s.register_worker(worker("w2", cores=4), 0)
    _, out = s.register_app(app(executor_cores=2, executor_memory=1024, cores_max=4), 0)
    assert [t for t, _ in launches(out)] == ["w1"] * 4  # 2 allocations x 2 processes
    assert all(m.memory == 512 for _, _, m in out if isinstance(m, LaunchExecutor))


def test_memory_limits_allocation():
    s = MasterState()
    s.register_worker(worker("w1", memory=1000), 0)
    _, out = s.register_app(app(executor_memory=2000), 0)
    assert launches(out) == []


def test_worker_lost_reschedules_on_the_others():
    s = MasterState()
    s.register_worker(worker("w1", cores=1), 0)
    app_id, _ = s.register_app(app(cores_max=2), 0)
    s.register_worker(worker("w2", cores=1), 0)
    assert sorted(e.worker_id for e in s.apps[app_id].executors.values()) == ["w1", "w2"]
    s.register_worker(worker("w3", cores=1), 0)
    out = s.worker_lost("w1", "test")
    removed = [m for k, t, m in out if isinstance(m, ExecutorRemoved)]
    assert removed and removed[0].worker_lost and removed[0].state == "LOST"
    assert launches(out) == [("w3", 2)]
    assert s.workers["w1"].state == "DEAD"


def test_heartbeat_timeout_and_unknown_heartbeat():
    s = MasterState()
    s.register_worker(worker("w1"), 0)
    assert s.check_timeouts(10, 60) == []
    s.check_timeouts(100, 60)
    assert s.workers["w1"].state == "DEAD"
    [(_kind, _target, msg)] = s.heartbeat("w1", 101)
    assert isinstance(msg, ReconnectWorker)


def test_executor_failures_relaunch_then_fail_the_app():
    s = MasterState(max_executor_retries=3)
    s.register_worker(worker("w1", cores=1), 0)
    app_id, out = s.register_app(app(), 0)
    for i in range(2):
        out = s.executor_state(app_id, i, "EXITED", 1)
        assert launches(out) == [("w1", i + 1)]
    out = s.executor_state(app_id, 2, "EXITED", 1)
    assert s.apps[app_id].state == "FAILED"
    assert any(isinstance(m, ApplicationRemoved) and m.state == "FAILED" for _, _, m in out)


def test_app_finished_kills_executors_and_frees_cores():
    s = MasterState()
    s.register_worker(worker("w1"), 0)
    app_id, _ = s.register_app(app(), 0)
    out = s.app_finished(app_id, "FINISHED", 5)
    assert sorted(m.exec_id for _, _, m in out if isinstance(m, KillExecutor)) == [0, 1]
    assert s.workers["w1"].cores_used == 0
    assert master_json(s, "spark://x:1")["completedapps"][0]["state"] == "FINISHED"


def test_reregistering_worker_keeps_known_executors_kills_unknown():
    s = MasterState()
    s.register_worker(worker("w1", cores=1), 0)
    app_id, _ = s.register_app(app(), 0)
    out = s.register_worker(worker("w1", cores=1, executors=[(app_id, 0), ("app-x", 7)]), 1)
    kills = [(m.app_id, m.exec_id) for _, _, m in out if isinstance(m, KillExecutor)]
    assert kills == [("app-x", 7)]
    assert s.workers["w1"].cores_used == 1 and 0 in s.apps[app_id].executors


def test_recovery_snapshot_round_trip():
    s = MasterState()
    s.register_worker(worker("w1", cores=1), 0)
    app_id, _ = s.register_app(app(), 0)
    driver_id, _ = s.submit_driver(RequestSubmitDriver("x.py", files={"x.py": b"print(1)"}),
                                   0)
    snap = loads_plain(pickle.dumps(s.snapshot()))  # plain data only
    r = MasterState()
    r.recover(snap)
    assert r.status == "RECOVERING" and r.schedule() == []
    r.register_app(app(app_id=app_id, reconnect=True), 2)
    assert r.status == "RECOVERING"
    out = r.register_worker(worker("w1", cores=1, executors=[(app_id, 0)]), 2)
    assert r.status == "ALIVE" and not launches(out)
    assert r.drivers[driver_id].files == {"x.py": b"print(1)"}


def test_recovery_timeout_drops_what_did_not_come_back():
    s = MasterState()
    s.register_worker(worker("w1", cores=1), 0)
    app_id, _ = s.register_app(app(), 0)
    r = MasterState()
    r.recover(s.snapshot())
    r.complete_recovery()
    assert r.workers["w1"].state == "DEAD" and r.apps[app_id].state == "FINISHED"


def test_supervised_driver_relaunched_when_its_worker_dies():
    s = MasterState()
    s.register_worker(worker("w1", cores=1), 0)
    _driver_id, out = s.submit_driver(RequestSubmitDriver("x.py", supervise=True), 0)
    assert out[0][1] == "w1"
    s.register_worker(worker("w2", cores=1), 0)
    out = s.worker_lost("w1", "test")
    assert [t for _, t, m in out if isinstance(m, LaunchDriver)] == ["w2"]


# -- frames and auth -----------------------------------------------------------------------------
class Evil:
    def __reduce__(self):
        return (os.system, ("true",))


def test_plain_unpickler_refuses_globals():
    assert loads_plain(pickle.dumps({"op": "x", "b": b"1", "s": {1}, "t": (1,)}))["t"] == (1,)
    with pytest.raises(pickle.UnpicklingError):
        loads_plain(pickle.dumps(Evil()))


@pytest.fixture
def echo_server():
    servers = []

    def make(secret=None, max_frame=1 << 20):
        srv = FrameServer("127.0.0.1", 0, {"echo": lambda c, m: {"op": "echo", "v": m["v"]}},
                          secret=secret, max_frame=max_frame).start()
        servers.append(srv)
        return srv

    yield make
    for s in servers:
        s.stop()


def test_frame_server_survives_garbage(echo_server):
    srv = echo_server(max_frame=1000)
    for data in (b"\x00" * 3, struct.pack(">Q", 1 << 50), struct.pack(">Q", 10) + b"abc",
                 struct.pack(">Q", 5) + b"junk!", struct.pack(">Q", 2000) + b"x" * 2000):
        with socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.settimeout(5)
            try:  # the server may drop us before we finish sending
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                assert s.recv(10) == b""
            except (ConnectionResetError, BrokenPipeError, OSError):
                pass
    assert Client().call(srv.address, {"op": "echo", "v": 42})["v"] == 42


def test_auth_handshake(echo_server):
    srv = echo_server(secret=b"s3")
    assert Client(b"s3").call(srv.address, {"op": "echo", "v": 1})["v"] == 1
    with pytest.raises(auth.AuthError, match="secret differs"):
        connect(srv.address, b"other")
    sock = connect(srv.address, None)  # no handshake: the server drops us unread
    send_msg(sock, {"op": "echo", "v": 2})
    sock.settimeout(5)
    try:
        assert recv_msg(sock) is None
    except ConnectionResetError:
        pass
    sock.close()


def test_auth_client_against_plain_server(echo_server):
    srv = echo_server()
    with pytest.raises(auth.AuthError, match="closed"):
        connect(srv.address, b"s3")


def test_secret_sources(tmp_path, monkeypatch):
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    conf = {"spark.authenticate": "true"}
    with pytest.raises(ValueError, match="no secret"):
        auth.secret_from(conf.get)
    f = tmp_path / "secret"
    f.write_text("abc\n")
    conf["spark.authenticate.secret.file"] = str(f)
    assert auth.secret_from(conf.get) == b"abc"
    assert auth.secret_from({}.get) is None


def test_connection_push_from_server():
    got = threading.Event()
    srv = FrameServer("127.0.0.1", 0, {"hello": lambda c, m: c.send({"op": "push"}) and None})
    srv.start()
    try:
        sock = connect(srv.address)
        send_msg(sock, {"op": "hello"})
        sock.settimeout(5)
        assert recv_msg(sock)["op"] == "push"
        got.set()
        sock.close()
    finally:
        srv.stop()


def test_normal_executor_exit_means_the_driver_is_stopping():
    s = MasterState()
    s.register_worker(worker("w1", cores=1), 0)
    app_id, _ = s.register_app(app(), 0)
    out = s.executor_state(app_id, 0, "EXITED", 0)
    assert launches(out) == [] and s.workers["w1"].cores_used == 0
    out = s.executor_state(app_id, 99, "EXITED", -9)  # unknown executor: ignored
    assert out == []


def test_worker_cleanup_removes_old_finished_app_dirs(tmp_path):
    from runtime.config import Config
    from runtime.deploy.common import Program
    from runtime.deploy.worker import Worker

    conf = Config({"file": {"spark.worker.cleanup.enabled": "true",
                            "spark.worker.cleanup.appDataTtl": "1h"}})
    w = Worker("spark://127.0.0.1:7077", Program("prog", "1.0", ()), work_dir=str(tmp_path),
               conf=conf)
    for name in ("app-20200101000000-0000", "app-20200101000000-0001", "driver-x"):
        (tmp_path / name / "0").mkdir(parents=True)
        (tmp_path / name / "0" / "stdout").write_text("x")
    old = 1_000_000_000
    for root, dirs, files in os.walk(tmp_path / "app-20200101000000-0000"):
        for n in dirs + files:
            os.utime(os.path.join(root, n), (old, old))
    os.utime(tmp_path / "app-20200101000000-0000", (old, old))
    assert w.cleanup_work_dir() == ["app-20200101000000-0000"]
    assert sorted(os.listdir(tmp_path)) == ["app-20200101000000-0001", "driver-x"]
