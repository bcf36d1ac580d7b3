"""Checkpoint recovery: stop the driver-side context, rebuild it with getOrCreate, the
running totals continue; WAL-backed receiver blocks are replayed; unreadable checkpoints
fail naming the directory."""

from __future__ import annotations

import os
import time

import pytest
from .conftest import advance

from runtime.errors import SparkException
from sparkcli.streaming import StreamingContext
from sparkcli.streaming.clock import ManualClock
from waiting import wait_for

RESULTS: list = []  # module level: output functions are pickled by reference


def update_total(values, state):
    return (state or 0) + sum(values)


def record(rdd):
    RESULTS.append(sorted(rdd.collect()))


def _drop(directory, name, text, mtime_ms):
    tmp = os.path.join(os.path.dirname(directory), "." + name)
    with open(tmp, "w") as f:
        f.write(text)
    os.utime(tmp, (mtime_ms / 1000, mtime_ms / 1000))
    os.replace(tmp, os.path.join(directory, name))


def test_get_or_create_recovers_state_and_files(sc, tmp_path):
    RESULTS.clear()
    inbox, cp_dir = str(tmp_path / "in"), str(tmp_path / "cp")
    os.makedirs(inbox)
    made = []

    def setup():
        ssc = StreamingContext(sc, 1)
        words = ssc.textFileStream(inbox).flatMap(str.split).map(lambda w: (w, 1))
        state = words.updateStateByKey(update_total)
        state.checkpoint(2)  # state RDDs written every 2 batches
        state.foreachRDD(record)
        made.append(ssc)
        return ssc

    ssc = StreamingContext.getOrCreate(cp_dir, setup)
    assert made == [ssc]
    ssc._clock = ManualClock()
    ssc.start()
    for i, text in enumerate(["a b", "a", "b c"]):
        _drop(inbox, f"f{i}.txt", text, 500 + 1000 * i)
        advance(ssc, 1)
    ssc.stop(stopSparkContext=False)
    assert RESULTS[-1] == [("a", 2), ("b", 2), ("c", 1)]
    assert any(n.startswith("checkpoint-") for n in os.listdir(cp_dir))

    def never():
        raise AssertionError("setupFunc must not run when a checkpoint exists")

    ssc2 = StreamingContext.getOrCreate(cp_dir, never)
    ssc2._clock = ManualClock()
    try:
        ssc2.start()
        assert ssc2._clock.getTimeMillis() == 3000  # set to the checkpoint time
        _drop(inbox, "f3.txt", "a d", 3500)
        advance(ssc2, 1)
        advance(ssc2, 1)
        assert RESULTS[-2:] == [[("a", 3), ("b", 2), ("c", 1), ("d", 1)]] * 2
        # batch 2's state came back from its RDD checkpoint, not from the lineage
        state = ssc2._graph.output_streams[0]._parents[0]
        assert 2000 in state._restored
    finally:
        ssc2.stop(stopSparkContext=False)


def test_unreadable_checkpoint_names_the_directory(tmp_path):
    d = tmp_path / "broken"
    d.mkdir()
    (d / "checkpoint-1000").write_bytes(b"not a pickle")
    with pytest.raises(SparkException, match=f"Failed to read checkpoint from directory {d}"):
        StreamingContext.getOrCreate(str(d), lambda: None)


def test_a_checkpoint_path_that_is_a_file_is_named(tmp_path):
    path = tmp_path / "a-file"
    path.write_text("not a directory")
    with pytest.raises(SparkException, match=f"directory {path}: it is not a directory"):
        StreamingContext.getOrCreate(str(path), lambda: None)


def test_queue_stream_cannot_be_checkpointed(ssc, tmp_path):
    ssc.checkpoint(str(tmp_path / "cp"))
    ssc.queueStream([[1]]).pprint()
    with pytest.raises(SparkException, match="queueStream doesn't support checkpointing"):
        ssc.start()


def test_wal_blocks_are_replayed_after_restart(sc, tmp_path):
    """Blocks received but not yet processed when the driver stops are read back from the
    write-ahead log by the recovered context."""
    from sparkcli.streaming.receiver_tracker import ReceiverTracker

    RESULTS.clear()
    cp_dir = str(tmp_path / "cp")
    sc._config.set("spark.streaming.receiver.writeAheadLog.enable", "true")
    try:
        from .test_streaming_sources import CountingReceiver

        def setup():
            ssc = StreamingContext(sc, 1)
            ssc.receiverStream(CountingReceiver(50)).foreachRDD(record)
            return ssc

        ssc = StreamingContext.getOrCreate(cp_dir, setup)
        ssc._clock = ManualClock()
        ssc.start()
        tracker: ReceiverTracker = ssc._scheduler.receiver_tracker
        wait_for(lambda: tracker.received_records >= 50, 30, "records")
        assert tracker.received_records == 50
        assert os.listdir(os.path.join(cp_dir, "receivedData", "0"))
        ssc._do_checkpoint(0)  # a checkpoint taken before the first batch ran
        ssc.stop(stopSparkContext=False)  # crash-like: the 50 records were never processed
        assert RESULTS == []

        ssc2 = StreamingContext.getOrCreate(cp_dir, setup)
        ssc2._clock = ManualClock()
        try:
            ssc2.start()
            tracker2 = ssc2._scheduler.receiver_tracker
            assert sum(len(v) for v in tracker2.unallocated.values()) >= 1  # replayed
            wait_for(lambda: tracker2.received_records >= 50, 30, "records after recovery")
            advance(ssc2, 1)
            # the 50 logged records plus the 50 the restarted receiver sent again
            assert RESULTS == [sorted(list(range(50)) * 2)]
        finally:
            ssc2.stop(stopSparkContext=False)
    finally:
        sc._config.set("spark.streaming.receiver.writeAheadLog.enable", "false")


APP = '''
import json, os, sys
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

inbox, cp, out = sys.argv[1:4]

def update(values, state):
    return (state or 0) + sum(values)

def write_totals(rdd):
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(dict(rdd.collect()), f)
    os.replace(tmp, out)

def setup():
    ssc = StreamingContext(SparkContext("local[2]", "kill-test"), 0.5)
    totals = ssc.textFileStream(inbox).map(lambda w: (w.strip(), 1)).updateStateByKey(update)
    totals.checkpoint(0.5)
    totals.foreachRDD(write_totals)
    return ssc

ssc = StreamingContext.getOrCreate(cp, setup)
ssc.start()
ssc.awaitTermination()
'''


def _wait_for_totals(path, expected, proc, timeout=60):
    import json

    def reached():
        assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
        try:
            with open(path) as f:
                return json.load(f) == expected
        except (OSError, ValueError):
            return False

    wait_for(reached, timeout, f"totals {expected}")


def _newest_checkpoint(directory):
    from sparkcli.streaming.checkpoint import checkpoint_files

    files = checkpoint_files(str(directory))
    return files[0][0] if files else 0


@pytest.mark.slow
def test_sigkill_the_driver_and_recover(tmp_path):
    import signal
    import subprocess
    import sys

    app = tmp_path / "app.py"
    app.write_text(APP)
    inbox, cp, out = tmp_path / "in", tmp_path / "cp", tmp_path / "totals.json"
    inbox.mkdir()
    env = dict(os.environ, PYTHONHASHSEED="0", SPARKCLI_HOME=str(tmp_path))
    cmd = [sys.executable, "-m", "sparkcli", "submit", str(app), str(inbox), str(cp), str(out)]

    def drop(name, words):
        tmp = tmp_path / f".{name}"
        tmp.write_text("".join(w + "\n" for w in words))
        os.replace(tmp, inbox / name)

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _wait_for_totals(out, {}, proc)  # started: only files appearing from now on count
        drop("1.txt", ["a", "b", "a"])
        _wait_for_totals(out, {"a": 2, "b": 1}, proc)
        drop("2.txt", ["c"])
        _wait_for_totals(out, {"a": 2, "b": 1, "c": 1}, proc)
        seen = time.time() * 1000  # wait for a checkpoint of a later batch (state saved)
        wait_for(lambda: _newest_checkpoint(cp) >= seen + 1000, 30, "a later checkpoint")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _wait_for_totals(out, {"a": 2, "b": 1, "c": 1}, proc)
        drop("3.txt", ["a", "d"])
        _wait_for_totals(out, {"a": 3, "b": 1, "c": 1, "d": 1}, proc)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


WINDOWS: list = []


def record_window(rdd):
    WINDOWS.append(sorted(rdd.collect()))


def _rdd_checkpoint_dirs(cp_dir):
    """The RDD checkpoint dirs under ``cp_dir`` (``<cp>/<uuid>/rdd-<id>``)."""
    return sorted(p for p in cp_dir.glob("*/rdd-*") if p.is_dir())


def test_old_rdd_checkpoints_are_deleted_and_recovery_still_works(sc, tmp_path):
    """Stateful streams checkpoint their RDDs every 2 batches; after 30 batches only the
    few the newest metadata checkpoint references are left, and getOrCreate recovers from
    them (then deletes the previous run's once they are no longer referenced)."""
    from collections import Counter

    from sparkcli.streaming.checkpoint import KEEP, checkpoint_files, read_checkpoint

    RESULTS.clear()
    WINDOWS.clear()
    inbox, cp_dir = tmp_path / "in", tmp_path / "cp"
    inbox.mkdir()
    texts = [f"w{i % 3} w{i % 5} x" for i in range(40)]

    def setup():
        ssc = StreamingContext(sc, 1)
        words = ssc.textFileStream(str(inbox)).flatMap(str.split).map(lambda w: (w, 1))
        totals = words.updateStateByKey(update_total)
        totals.checkpoint(2)
        totals.foreachRDD(record)
        window = words.reduceByKeyAndWindow(lambda a, b: a + b, lambda a, b: a - b, 5, 1,
                                            filterFunc=lambda kv: kv[1] > 0)
        window.checkpoint(2)
        window.foreachRDD(record_window)
        return ssc

    def referenced():
        cp = read_checkpoint(str(cp_dir))
        return {path for d in cp.graph.all_streams() for path, _, _ in d._restored.values()}

    def run(setup_func, first, last):
        """Batches first..last-1 (one file each) through getOrCreate; the RDD checkpoint
        dirs left afterwards."""
        ssc = StreamingContext.getOrCreate(str(cp_dir), setup_func)
        ssc._clock = ManualClock()
        ssc.start()
        try:
            for i in range(first, last):
                _drop(str(inbox), f"f{i}.txt", texts[i], 500 + 1000 * i)
                advance(ssc, 1)
                totals = Counter(" ".join(texts[: i + 1]).split())
                assert RESULTS[-1] == sorted(totals.items())
                in_window = Counter(" ".join(texts[max(0, i - 4):i + 1]).split())
                assert WINDOWS[-1] == sorted(in_window.items())
        finally:
            ssc.stop(stopSparkContext=False)
        left = _rdd_checkpoint_dirs(cp_dir)
        # 2 streams x (the last one or two saved states), of one per stream every 2 batches
        assert 2 <= len(left) <= 6, left
        assert {str(p) for p in left} >= referenced()
        assert len(checkpoint_files(str(cp_dir))) <= KEEP
        return left

    def never():
        raise AssertionError("setupFunc must not run when a checkpoint exists")

    first_run = {p.parent for p in run(setup, 0, 30)}
    assert len(first_run) == 1
    run(never, 30, 40)  # recovered from the saved states, then deleted them
    assert not any(d.exists() for d in first_run)  # the first run's dirs went too
