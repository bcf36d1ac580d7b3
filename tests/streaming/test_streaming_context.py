"""StreamingContext lifecycle, pprint's exact format, listeners, saveAsTextFiles."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from .conftest import advance, collect_output

from sparkcli.errors import IllegalArgumentException
from sparkcli.streaming import Milliseconds, Minutes, Seconds, StreamingContext, StreamingListener
from sparkcli.streaming.clock import ManualClock
from sparkcli.streaming.context import IllegalStateException


def test_duration_helpers():
    assert Seconds(2) == 2.0 and Milliseconds(500) == 0.5 and Minutes(1) == 60.0
    assert Milliseconds(250).milliseconds() == 250


def test_start_twice_warns_and_start_after_stop_raises(sc):
    ssc = StreamingContext(sc, Milliseconds(500))
    ssc._clock = ManualClock()
    ssc.queueStream([[1]]).pprint()
    ssc.start()
    assert StreamingContext.getActive() is ssc
    ssc.start()  # Spark only warns: "StreamingContext has already been started"
    with pytest.raises(IllegalStateException, match="after starting"):
        ssc.queueStream([[1]])
    ssc.stop(stopSparkContext=False)
    assert StreamingContext.getActive() is None
    assert ssc.awaitTerminationOrTimeout(0.01) is True
    with pytest.raises(IllegalStateException, match="already been stopped"):
        ssc.start()
    assert not sc._stopped


def test_no_output_operation_is_an_error(ssc):
    ssc.queueStream([[1]])
    with pytest.raises(IllegalArgumentException, match="No output operations registered"):
        ssc.start()


def test_await_termination_times_out_then_raises_batch_errors(ssc):
    def boom(rdd):
        if rdd.count():
            raise ZeroDivisionError("bad batch")

    ssc.queueStream([[], [1]]).foreachRDD(boom)
    ssc.start()
    assert ssc.awaitTerminationOrTimeout(0.05) is False
    advance(ssc, 1)
    ssc._clock.advance(1000)
    with pytest.raises(ZeroDivisionError, match="bad batch"):
        ssc.awaitTermination(30)


def test_pprint_format_is_pysparks(ssc, capsys):
    sc = ssc.sparkContext
    ssc.queueStream([sc.parallelize(range(12), 2), sc.parallelize(["x"])]).pprint()
    ssc.queueStream([[("a", 1)]]).pprint(num=1)
    ssc.start()
    capsys.readouterr()
    advance(ssc, 2)
    t1, t2 = datetime.fromtimestamp(1), datetime.fromtimestamp(2)
    bar = "-------------------------------------------\n"
    expected = (
        bar + f"Time: {t1}\n" + bar + "".join(f"{i}\n" for i in range(10)) + "...\n\n"
        + bar + f"Time: {t1}\n" + bar + "('a', 1)\n\n"
        + bar + f"Time: {t2}\n" + bar + "x\n\n"
        + bar + f"Time: {t2}\n" + bar + "\n")
    assert capsys.readouterr().out == expected


def test_pprint_shows_microseconds_for_subsecond_batches(sc, capsys):
    ssc = StreamingContext(sc, 0.5)
    ssc._clock = ManualClock()
    ssc.queueStream([[1]]).pprint()
    try:
        ssc.start()
        capsys.readouterr()
        advance(ssc, 1)
        assert f"Time: {datetime.fromtimestamp(0.5)}\n" in capsys.readouterr().out
        assert str(datetime.fromtimestamp(0.5)).endswith(".500000")
    finally:
        ssc.stop(stopSparkContext=False)


def test_listener_gets_batch_info(ssc):
    events = []

    class Collector(StreamingListener):
        def onBatchStarted(self, batchStarted):
            events.append(("started", batchStarted.batchInfo().batchTime().milliseconds()))

        def onBatchCompleted(self, batchCompleted):
            info = batchCompleted.batchInfo()
            events.append(("completed", info.batchTime().milliseconds(), info.numRecords(),
                           info.schedulingDelay() >= 0, info.processingDelay() >= 0,
                           info.totalDelay() >= info.processingDelay()))

    ssc.addStreamingListener(Collector())
    ssc.queueStream([[1, 2]]).count().pprint()
    ssc.start()
    advance(ssc, 2)
    ssc._scheduler.listener_bus.wait_until_empty()
    assert events == [("started", 1000), ("completed", 1000, 0, True, True, True),
                      ("started", 2000), ("completed", 2000, 0, True, True, True)]


def test_save_as_text_files_is_idempotent_per_batch(ssc, tmp_path):
    prefix = str(tmp_path / "out")
    ssc.queueStream([["a", "b"], ["c"]]).saveAsTextFiles(prefix, "txt")
    ssc.start()
    advance(ssc, 2)
    assert sorted(os.listdir(tmp_path)) == ["out-1000.txt", "out-2000.txt"]
    rdd = ssc.sparkContext.textFile(prefix + "-1000.txt")
    assert sorted(rdd.collect()) == ["a", "b"]
    # a rerun of the same batch (after recovery) leaves the completed output alone
    ssc._graph.output_streams[0].func(1000, ssc.sparkContext.parallelize(["other"]))
    assert sorted(rdd.collect()) == ["a", "b"]


def test_streaming_context_can_create_its_spark_context(tmp_path, monkeypatch):
    from sparkcli.context import SparkContext

    active = SparkContext._active_spark_context
    monkeypatch.setattr(SparkContext, "_active_spark_context", None)
    ssc = StreamingContext("local[2]", "own-context", 1)
    try:
        assert ssc.sparkContext.appName == "own-context"
        out = collect_output(ssc.queueStream([[1]]))
        ssc._clock = ManualClock()
        ssc.start()
        advance(ssc, 1)
        assert out == [[1]]
    finally:
        ssc.stop()
        SparkContext._active_spark_context = active


def test_get_active_or_create(ssc):
    made = []

    def setup():
        made.append(1)
        return ssc

    assert StreamingContext.getActiveOrCreate(None, setup) is ssc and made == [1]


def test_streaming_context_from_a_spark_conf(monkeypatch):
    """Spark's ``new StreamingContext(conf, Seconds(1))``."""
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    active = SparkContext._active_spark_context
    monkeypatch.setattr(SparkContext, "_active_spark_context", None)
    conf = SparkConf().setMaster("local[2]").setAppName("from-conf")
    ssc = StreamingContext(conf, Seconds(1))
    try:
        assert ssc.sparkContext.appName == "from-conf"
        out = collect_output(ssc.queueStream([[1, 2]]))
        ssc._clock = ManualClock()
        ssc.start()
        advance(ssc, 1)
        assert out == [[1, 2]]
    finally:
        ssc.stop()
        SparkContext._active_spark_context = active
    with pytest.raises(TypeError, match="needs a SparkContext"):
        StreamingContext(42, 1)


def test_get_active_or_create_returns_the_active_context(ssc):
    ssc.queueStream([[1]]).pprint()
    ssc.start()

    def setup():
        raise AssertionError("setupFunc must not run while a context is active")

    assert StreamingContext.getActiveOrCreate(None, setup) is ssc
    assert StreamingContext.getActiveOrCreate("/nonexistent", setup) is ssc


def test_graceful_stop_processes_what_was_received(ssc):
    """stop(stopGraceFully=True) waits for the batch that takes the last received blocks."""
    import threading

    from waiting import wait_for

    from .test_streaming_sources import CountingReceiver

    out = collect_output(ssc.receiverStream(CountingReceiver(50)))
    ssc.start()
    tracker = ssc._scheduler.receiver_tracker
    wait_for(lambda: tracker.received_records == 50, what="50 received records")
    stopper = threading.Thread(target=ssc.stop, args=(False, True))
    stopper.start()
    wait_for(lambda: ssc._state == "STOPPED", what="stop() under way")
    ssc._clock.advance(1000)  # the graceful stop waits for this batch
    stopper.join(30)
    assert not stopper.is_alive()
    assert [sorted(b) for b in out] == [list(range(50))]


def test_receivers_on_a_cluster_are_not_refused_for_slots():
    """The task-slot check is for local[N]; a spark:// master's cores come with its
    executors."""
    import types

    from sparkcli.streaming.receiver_tracker import check_slots

    check_slots(types.SimpleNamespace(_spec=types.SimpleNamespace(kind="spark", threads=0)), 1)


PPRINT_APP = '''
from pyspark import SparkContext
from pyspark.streaming import StreamingContext

sc = SparkContext("local[2]", "pprint-format")
sc.setLogLevel("ERROR")
ssc = StreamingContext(sc, 0.5)
rdds = [sc.parallelize(list(range(12)), 2),
        sc.parallelize([("a", 1), "x", 3.5, None, [1, 2], {"k": (1,)}], 1),
        sc.parallelize([], 1)]
stream = ssc.queueStream(rdds)
stream.pprint()
stream.pprint(3)
batches = []
stream.foreachRDD(lambda rdd: batches.append(1))  # runs after both pprints of a batch
ssc.start()
while len(batches) < 3:
    ssc.awaitTerminationOrTimeout(0.05)
ssc.stop(True, False)
'''


def _pyspark_python() -> str | None:
    """A python with the real PySpark: $SPARKCLI_TEST_PYSPARK_PYTHON or bench/.venv-pyspark."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    given = os.environ.get("SPARKCLI_TEST_PYSPARK_PYTHON")
    for py in [given] if given else [str(root / "bench/.venv-pyspark/bin/python")]:
        if py and Path(py).exists():
            probe = subprocess.run([py, "-c", "import pyspark.streaming"], capture_output=True,
                                   check=False, timeout=60)
            if probe.returncode == 0:
                return py
    return None


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_pprint_is_byte_for_byte_pysparks(tmp_path):
    """The same queueStream program under PySpark (a JVM) and under ``sparkcli submit``
    prints the same bytes, once the Time: values are masked."""
    import re
    import subprocess
    import sys

    py = _pyspark_python()
    if py is None:
        pytest.skip("no real PySpark: set SPARKCLI_TEST_PYSPARK_PYTHON to a python that "
                    "has it (pip install pyspark), or make bench/.venv-pyspark")
    app = tmp_path / "pprint_app.py"
    app.write_text(PPRINT_APP)
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path), PYTHONHASHSEED="0")
    runs = {}
    for name, cmd in {"pyspark": [py, str(app)],
                      "sparkcli": [sys.executable, "-m", "sparkcli", "submit", str(app)]}.items():
        proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, timeout=200,
                              check=False)
        assert proc.returncode == 0, (name, proc.stderr.decode(errors="replace")[-3000:])
        runs[name] = proc.stdout
    time_line = re.compile(rb"^Time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$", re.MULTILINE)
    # the first three batches (two pprint blocks each, every block ends in a blank line);
    # PySpark's stop() lets a few more empty batches through
    first = {k: b"".join(time_line.sub(b"Time: T", v).split(b"\n\n")[i] + b"\n\n"
                         for i in range(6)) for k, v in runs.items()}
    assert first["pyspark"].count(b"Time: T") == 6 and b"...\n" in first["pyspark"], runs
    assert first["sparkcli"] == first["pyspark"], runs
