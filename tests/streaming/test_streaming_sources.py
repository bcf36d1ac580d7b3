"""Sources: socketTextStream (a receiver holding a task slot), custom receivers,
textFileStream / binaryRecordsStream, and the local[1] check."""

from __future__ import annotations

import os
import threading
import time
import types

import pytest
from .conftest import advance, collect_output

from runtime.errors import SparkException
from sparkcli.streaming import Receiver
from waiting import wait_for as poll

from tests.line_server import LineServer


def test_socket_text_stream_wordcount(ssc):
    server = LineServer(["hello world", "hello spark"] * 50)
    try:
        lines = ssc.socketTextStream("127.0.0.1", server.port)
        counts = collect_output(lines.flatMap(str.split).map(lambda w: (w, 1))
                                .reduceByKey(lambda a, b: a + b))
        ssc.start()
        tracker = ssc._scheduler.receiver_tracker
        poll(lambda: tracker.received_records == 100, what="100 received lines")
        advance(ssc, 2)
        assert counts == [[("hello", 100), ("spark", 50), ("world", 50)], []]
        # the receiver holds one slot; batches ran on the other one
        assert list(tracker.executors) == [0]
    finally:
        server.close()


def test_socket_receiver_reconnects(sc, ssc, monkeypatch):
    sc._config.set("spark.streaming.receiverRestartDelay", "50")
    try:
        server = LineServer(["x"], close=True)
        out = collect_output(ssc.socketTextStream("127.0.0.1", server.port).count())
        ssc.start()
        tracker = ssc._scheduler.receiver_tracker
        # the server closes each connection after one line: the receiver reconnects
        poll(lambda: server.connections >= 3, what="reconnections")
        poll(lambda: tracker.received_records >= 3, what="records from several connections")
        advance(ssc, 1)
        assert out[0][0] >= 1
        server.close()
    finally:
        sc._config.set("spark.streaming.receiverRestartDelay", "2000")


class CountingReceiver(Receiver):
    """A custom receiver: stores 0..n-1 from its own thread, then idles."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def onStart(self):
        def run():
            for i in range(self.n):
                self.store(i)

        threading.Thread(target=run, daemon=True).start()

    def onStop(self):
        pass


def test_custom_receiver_stream(ssc):
    out = collect_output(ssc.receiverStream(CountingReceiver(500)))
    ssc.start()
    poll(lambda: ssc._scheduler.receiver_tracker.received_records == 500)
    advance(ssc, 1)
    assert out == [sorted(range(500), key=repr)]


def test_receiver_max_rate_limits_records_per_second(sc, ssc):
    sc._config.set("spark.streaming.receiver.maxRate", "500")
    try:
        ssc.receiverStream(CountingReceiver(1000)).count().pprint()
        start = time.monotonic()
        ssc.start()
        tracker = ssc._scheduler.receiver_tracker
        poll(lambda: tracker.received_records >= 1000)
        assert time.monotonic() - start >= 1.5  # 500 records/s at most
    finally:
        sc._config.set("spark.streaming.receiver.maxRate", "0")


def test_local_1_with_a_receiver_fails_at_start(ssc, monkeypatch):
    monkeypatch.setattr(ssc.sparkContext, "_spec", types.SimpleNamespace(kind="local", threads=1))
    ssc.socketTextStream("127.0.0.1", 9).pprint()
    with pytest.raises(SparkException, match=r"local\[1\] has one task slot and the "
                                             r"receiver would hold it: use local\[2\] or more"):
        ssc.start()


def _drop(directory, name, text, mtime_ms):
    """Write elsewhere then rename into ``directory`` (atomic), with a given mtime."""
    tmp = os.path.join(os.path.dirname(directory), "." + name)
    with open(tmp, "w") as f:
        f.write(text)
    os.utime(tmp, (mtime_ms / 1000, mtime_ms / 1000))
    os.replace(tmp, os.path.join(directory, name))


def test_text_file_stream_takes_new_files_once(ssc, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _drop(str(d), "old.txt", "before start\n", 0)  # older than the start: ignored
    out = collect_output(ssc.textFileStream(str(d)))
    ssc.start()
    _drop(str(d), "a.txt", "a1\na2\n", 500)
    advance(ssc, 1)  # batch 1000
    _drop(str(d), "b.txt", "b1\n", 1500)
    _drop(str(d), "c.txt", "c1\n", 5000)  # in the future of batch 2000: waits for its batch
    advance(ssc, 1)
    advance(ssc, 1)
    _drop(str(d), ".hidden", "h\n", 3500)
    advance(ssc, 3)
    assert out == [["a1", "a2"], ["b1"], [], [], ["c1"], []]


def test_binary_records_stream(ssc, tmp_path):
    d = tmp_path / "bin"
    d.mkdir()
    out = collect_output(ssc.binaryRecordsStream(str(d), 4))
    ssc.start()
    _drop(str(d), "r.bin", "abcdefghij", 900)  # two whole records, two bytes dropped
    advance(ssc, 1)
    assert out == [[b"abcd", b"efgh"]]


class RestartingReceiver(Receiver):
    """Stores "first-<i>" then asks for a restart; the restarted receiver stores
    "second-<i>" as one block (store of an iterator) and idles."""

    def __init__(self):
        super().__init__()
        self.starts = 0

    def onStart(self):
        self.starts += 1
        run = self.starts

        def feed():
            if run == 1:
                for i in range(3):
                    self.store(f"first-{i}")
                self.restart("restarting on purpose", millisecond=10)
            else:
                self.store(iter([f"second-{i}" for i in range(3)]))

        threading.Thread(target=feed, daemon=True).start()

    def onStop(self):
        pass


def test_custom_receiver_restart_keeps_what_it_stored(ssc):
    out = collect_output(ssc.receiverStream(RestartingReceiver()))
    ssc.start()
    poll(lambda: ssc._scheduler.receiver_tracker.received_records == 6, what="6 records")
    advance(ssc, 1)
    assert out == [[f"{n}-{i}" for n in ("first", "second") for i in range(3)]]


def test_store_outside_a_running_receiver_is_a_clear_error():
    with pytest.raises(RuntimeError, match="this receiver is not running"):
        CountingReceiver(1).store(1)


@pytest.mark.parametrize("given, batch_ms, expected", [
    (None, 50, 50), (None, 1000, 200), (None, 200, 200), ("500ms", 50, 500), ("1s", 2000, 1000),
])
def test_block_interval_default_follows_short_batches(given, batch_ms, expected):
    from runtime.config import Config
    from sparkcli.streaming.receiver_tracker import block_interval_ms

    conf = Config()
    if given is not None:
        conf.set("spark.streaming.blockInterval", given)
    assert block_interval_ms(conf, batch_ms) == expected
