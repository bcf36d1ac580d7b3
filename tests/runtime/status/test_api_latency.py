"""Acceptance: ``/api/v1/applications/<id>/stages`` answers with p99 <= 100 ms while the
application runs 10,000 tasks (their events posted at a scheduler's pace from another
thread)."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest
from test_status_store import stage_info, task_info

from runtime.status.store import AppStatusStore
from runtime.ui import api
from runtime.ui.server import bind

pytestmark = pytest.mark.slow
TASKS = 10_000


class OneApp:
    spark_version = "0.1.0"

    def __init__(self, store):
        self._store = store

    def list_applications(self):
        return [self._store.application()]

    def store(self, app_id):
        return self._store


def test_stages_p99_while_10000_tasks_run():
    store = AppStatusStore()
    store.post({"Event": "SparkListenerApplicationStart", "App Name": "perf",
                "App ID": "app-p", "Timestamp": 1, "User": "u"})
    store.post({"Event": "SparkListenerJobStart", "Job ID": 0, "Submission Time": 1,
                "Stage Infos": [stage_info(0, TASKS), stage_info(1, 200)], "Properties": {}})
    store.post({"Event": "SparkListenerStageSubmitted",
                "Stage Info": stage_info(0, TASKS, submitted=1)})
    ui = bind("127.0.0.1", 0, "SparkUI", api.api_routes(OneApp(store)))
    done = threading.Event()
    answered = threading.Event()  # set each time the UI answers a request
    reading = threading.Event()  # cleared when the reader stops (the writer must not wait)
    reading.set()

    def run_tasks():
        for i in range(TASKS):
            store.post({"Event": "SparkListenerTaskStart", "Stage ID": 0,
                        "Stage Attempt ID": 0, "Task Info": task_info(i, i, 10)})
            store.post({"Event": "SparkListenerTaskEnd", "Stage ID": 0, "Stage Attempt ID": 0,
                        "Task Type": "ShuffleMapTask", "Task End Reason": {"Reason": "Success"},
                        "Task Info": task_info(i, i, 10, 20 + i % 7),
                        "Task Metrics": {"Executor Run Time": 5,
                                         "Shuffle Write Metrics": {"Shuffle Bytes Written": 7}}})
            if i % 50 == 0 and reading.is_set():
                # a scheduler's pace (tasks take time): 50 tasks, then wait until the UI has
                # answered one more request, so requests keep running among the posts
                answered.clear()
                answered.wait(10)
        done.set()

    writer = threading.Thread(target=run_tasks)
    writer.start()
    latencies = []
    try:
        while not done.is_set() or len(latencies) < 100:
            start = time.perf_counter()
            with urllib.request.urlopen(f"{ui.url}/api/v1/applications/app-p/stages") as r:
                r.read()
            latencies.append(time.perf_counter() - start)
            answered.set()
    finally:
        reading.clear()
        answered.set()
        writer.join()
        ui.stop()
    latencies.sort()
    p99 = latencies[int(0.99 * len(latencies)) - 1]
    assert p99 <= 0.100, f"p99 {p99 * 1000:.0f} ms over {len(latencies)} requests"
    assert store.stage_attempt(0, 0, details=False)["numCompleteTasks"] == TASKS
