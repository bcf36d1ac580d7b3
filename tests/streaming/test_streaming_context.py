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
