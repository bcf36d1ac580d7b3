"""StreamingProgress: the numbers behind the Streaming tab, from plain events (no DStreams)."""

from __future__ import annotations

from runtime.status.streaming import StreamingProgress


def batch(t, records, sub, start=None, end=None, ops=None):
    return {"batchTime": t, "submissionTime": sub, "processingStartTime": start,
            "processingEndTime": end, "inputInfo": {0: records}, "outputOps": ops or {}}


def op(t, i, start=None, end=None, failure=None):
    return {"batchTime": t, "id": i, "name": f"foreachRDD at app.py:{i}",
            "description": f"foreachRDD at app.py:{i}", "startTime": start, "endTime": end,
            "failureReason": failure}


def run_batch(p, t, records, sched, proc, failure=None):
    p.batch_submitted(batch(t, records, t))
    p.batch_started(batch(t, records, t, t + sched))
    p.output_op_started(op(t, 0, t + sched))
    p.on_spark_event({"Event": "SparkListenerJobStart", "Job ID": t // 1000,
                      "Properties": {"spark.streaming.internal.batchTime": str(t),
                                     "spark.streaming.internal.outputOpId": "0"}})
    p.output_op_completed(op(t, 0, t + sched, t + sched + proc, failure))
    p.batch_completed(batch(t, records, t, t + sched, t + sched + proc,
                            {0: op(t, 0, t + sched, t + sched + proc, failure)}))


def test_statistics_batches_and_operations():
    p = StreamingProgress("app", retained_batches=10)
    p.streaming_started(500, 2000)
    p.receiver_started({"streamId": 0, "name": "SocketReceiver-0", "active": True,
                        "executorId": "0", "location": "localhost"})
    run_batch(p, 2000, 10, 4, 100)
    run_batch(p, 4000, 30, 8, 300, failure="ValueError('boom')")
    p.batch_submitted(batch(6000, 5, 6000))  # queued
    s = p.statistics()
    assert s["batchDuration"] == 2000 and s["startTime"] == "1970-01-01T00:00:00.500GMT"
    assert (s["numTotalCompletedBatches"], s["numActiveBatches"]) == (2, 1)
    assert (s["numProcessedRecords"], s["numReceivedRecords"]) == (40, 45)
    assert s["avgInputRate"] == 10.0  # (10/2 + 30/2) / 2 records per second
    assert (s["avgSchedulingDelay"], s["avgProcessingTime"], s["avgTotalDelay"]) == \
        (6, 200, 206)
    assert (s["numReceivers"], s["numActiveReceivers"]) == (1, 1)
    [b6, b4, b2] = p.batches()
    assert (b6["status"], b6["schedulingDelay"], b6["totalDelay"]) == ("QUEUED", None, None)
    assert b4["numFailedOutputOps"] == 1 and b4["firstFailureReason"] == "ValueError('boom')"
    assert b2["numCompletedOutputOps"] == b2["numTotalOutputOps"] == 1
    assert [b["batchId"] for b in p.batches(["COMPLETED"])] == [4000, 2000]
    [o] = p.operations(2000)
    assert o["jobIds"] == [2] and o["duration"] == 100
    assert o["startTime"] == "1970-01-01T00:00:02.004GMT"
    [r] = p.receivers()
    assert r["streamName"] == "SocketReceiver-0" and r["eventRates"] == [[2000, 5.0],
                                                                         [4000, 15.0]]
    assert p.operations(123) is None and p.batch(123) is None


def test_an_hour_of_batches_keeps_memory_bounded():
    p = StreamingProgress("app", retained_batches=100)
    p.streaming_started(0, 1000)
    for i in range(1, 3601):  # one hour of 1-second batches
        run_batch(p, i * 1000, 1, 1, 5)
    sizes = p.retained_sizes()
    assert sizes == {"completed": 100, "jobs": 100, "waiting": 0, "running": 0}
    s = p.statistics()
    assert s["numTotalCompletedBatches"] == 3600 and s["numRetainedCompletedBatches"] == 100
    assert s["numProcessedRecords"] == 3600
    assert p.batches()[-1]["batchId"] == 3501 * 1000
