"""The Streaming tab and /api/v1/.../streaming of a running StreamingContext (Spark's pages,
paths and field names), fed by real batches on a manual clock."""

from __future__ import annotations

import json

import pytest

from tests.streaming.conftest import advance, collect_output
from tests.webget import get


def get_json(url: str):
    status, body = get(url)
    assert status == 200, body
    return json.loads(body)


def test_streaming_tab_and_api_follow_the_batches(ssc):
    sc = ssc.sparkContext
    url = sc.uiWebUrl
    if url is None:
        pytest.skip("the shared context runs without a web UI")
    api = f"{url}/api/v1/applications/{sc.applicationId}/streaming"
    assert get(f"{api}/statistics")[0] == 404  # no StreamingContext running yet
    stream = ssc.queueStream([sc.parallelize(range(n), 2) for n in (3, 5, 7)])
    out = collect_output(stream.map(lambda x: x * 2))
    stream.count().pprint()
    ssc.start()
    advance(ssc, 3)
    assert [len(b) for b in out] == [3, 5, 7]
    ssc._scheduler.listener_bus.wait_until_empty(10)
    sc._driver.bus.wait_until_empty()  # the jobs' events reach the UI through the app's bus

    stats = get_json(f"{api}/statistics")
    assert stats["batchDuration"] == 1000
    assert stats["numTotalCompletedBatches"] == stats["numRetainedCompletedBatches"] == 3
    # a queueStream reports no input records, as Spark's QueueInputDStream (receivers do:
    # the record counts are covered by tests/runtime/status/test_streaming_status.py)
    assert stats["numProcessedRecords"] == 0 and stats["numActiveBatches"] == 0
    assert stats["avgInputRate"] == 0.0
    assert stats["numReceivers"] == 0 and stats["startTime"].endswith("GMT")
    for key in ("avgSchedulingDelay", "avgProcessingTime", "avgTotalDelay"):
        assert isinstance(stats[key], int)

    batches = get_json(f"{api}/batches")
    assert [b["batchId"] for b in batches] == [3000, 2000, 1000]  # newest first
    assert [b["inputSize"] for b in batches] == [0, 0, 0]
    assert {b["status"] for b in batches} == {"COMPLETED"}
    assert all(b["numTotalOutputOps"] == b["numCompletedOutputOps"] == 2 for b in batches)
    assert get_json(f"{api}/batches?status=QUEUED") == []
    assert get_json(f"{api}/batches/2000")["batchTime"].endswith("00:00:02.000GMT")
    assert get(f"{api}/batches/2500")[0] == 404

    ops = get_json(f"{api}/batches/2000/operations")
    assert [o["outputOpId"] for o in ops] == [0, 1]
    assert all(o["jobIds"] and o["failureReason"] is None for o in ops)
    jobs = {j["jobId"]: j for j in get_json(
        f"{url}/api/v1/applications/{sc.applicationId}/jobs")}
    assert all(j in jobs for o in ops for j in o["jobIds"])
    assert get_json(f"{api}/batches/2000/operations/1")["outputOpId"] == 1

    status, page = get(f"{url}/streaming/")
    assert status == 200
    assert "Streaming Statistics" in page and 'id="tab-streaming"' in page
    assert "Completed Batches (last 3 out of 3)" in page
    assert page.count('class="batch-row"') == 3 and "<svg" in page
    status, page = get(f"{url}/streaming/batch/?id=2000")
    assert status == 200 and "Details of batch at" in page
    assert page.count('class="op-row"') >= 2 and "0 records" in page

    ssc.stop(stopSparkContext=False)
    status, body = get(f"{api}/statistics")
    assert status == 404 and "no streaming listener attached to" in body
    assert 'id="tab-streaming"' not in get(f"{url}/jobs/")[1]
