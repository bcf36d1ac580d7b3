"""Messages round-trip through frames as dicts with an "op" key, routed by class."""

from __future__ import annotations

import socket

import pytest

from runtime import protocol
from runtime.protocol.executor import (
    MAX_BINARIES, KillTask, LaunchTask, RegisterExecutor, StageBinaryCache, StatusUpdate,
    StopExecutor, TaskCounters,
)
from runtime.rpc import frames


def test_encode_is_a_dict_with_the_op_and_decode_restores_the_class():
    msg = LaunchTask(7, 1, 3, 0, "1", 1 << 20, locations={0: [None]}, binary=b"x")
    frame = protocol.encode(msg)
    assert frame["op"] == "launch" and frame["task_id"] == 7 and frame["binary"] == b"x"
    assert protocol.decode(frame) == msg
    assert protocol.decode(protocol.encode(StopExecutor())) == StopExecutor()


def test_over_a_socket_pair():
    a, b = socket.socketpair()
    with a, b:
        frames.send(a, protocol.encode(RegisterExecutor("3", 42, 2)))
        assert protocol.decode(frames.recv(b)) == RegisterExecutor("3", 42, 2)


def test_unknown_op_is_an_extension_dict_and_bad_fields_are_a_protocol_error():
    ext = {"op": "stream_block", "n": 1}
    assert protocol.decode(ext) is ext
    with pytest.raises(protocol.ProtocolError):
        protocol.decode({"op": "kill_task", "nope": 1})


def test_handler_table_routes_by_class_then_by_op():
    seen = []
    table = protocol.HandlerTable({KillTask: lambda eid, m: seen.append((eid, m.task_id))})
    table["stream_block"] = lambda eid, m: seen.append((eid, m["n"]))
    assert table.dispatch(KillTask(5), "e1") is None
    table.dispatch({"op": "stream_block", "n": 2}, "e2")
    assert table.dispatch(StatusUpdate(1, True), "e3") is protocol.UNHANDLED
    assert seen == [("e1", 5), ("e2", 2)]


def test_op_names_are_unique():
    with pytest.raises(ValueError):
        @protocol.message("launch")
        class Again(protocol.Message):
            pass


def test_task_metrics_round_trip_ignores_unknown_keys():
    m = TaskCounters(executor_run_time=5, shuffle_records_read=3)
    assert TaskCounters.from_dict({**m.as_dict(), "future_field": 1}) == m


def test_stage_binary_cache_evicts_oldest_insertion_first():
    cache = StageBinaryCache(bound=2)
    assert cache.put("a") == [] and cache.put("b") == []
    _ = cache["a"]  # reading does not refresh
    assert cache.put("c") == ["a"] and cache.keys() == ["b", "c"]
    assert cache.discard("b") and not cache.discard("b")
    assert StageBinaryCache().bound == MAX_BINARIES
