"""The status store against Spark itself: a real PySpark 4.3 event log (fixtures/, produced by
fixtures/pyspark_app.py with a shuffle, a cached RDD, a job description and a failed job)
replayed into AppStatusStore must give the answers Spark's own history server gave for the
same log (fixtures/pyspark-4.3-history-api.json), field for field; plus retention, storage,
redaction and concurrent readers on synthetic events."""

from __future__ import annotations

import json
import threading

import pytest
from status_fixtures import SPARK_ANSWERS, replay, strip

from runtime.status.store import AppStatusStore


@pytest.fixture(scope="module")
def store():
    return replay()


QUERIES = {
    "applications": lambda s: [s.application()],
    "applications/APP/jobs": lambda s: s.jobs(),
    "applications/APP/jobs/1": lambda s: s.job(1),
    "applications/APP/jobs?status=succeeded": lambda s: s.jobs(["SUCCEEDED"]),
    "applications/APP/jobs?status=failed": lambda s: s.jobs(["FAILED"]),
    "applications/APP/stages": lambda s: s.stages(),
    "applications/APP/stages?status=skipped": lambda s: s.stages(["SKIPPED"]),
    "applications/APP/stages?status=failed": lambda s: s.stages(["FAILED"]),
    "applications/APP/stages/1/0": lambda s: s.stage_attempt(1, 0),
    "applications/APP/stages/0?details=true&withSummaries=true":
        lambda s: s.stage_attempts(0, True, True),
    "applications/APP/stages/1/0/taskSummary": lambda s: s.task_summary(1, 0),
    "applications/APP/stages/1/0/taskList": lambda s: s.task_list(1, 0),
    "applications/APP/stages/5/0/taskList": lambda s: s.task_list(5, 0),
    "applications/APP/executors": lambda s: s.executors(),
    "applications/APP/allexecutors": lambda s: s.executors(active_only=False),
    "applications/APP/storage/rdd": lambda s: s.rdds(),
    "applications/APP/environment": lambda s: s.environment(),
}


@pytest.mark.parametrize("path", sorted(QUERIES))
def test_replay_matches_spark_history_server(store, path):
    got = json.loads(json.dumps(QUERIES[path](store)))
    assert strip(got) == strip(SPARK_ANSWERS[path])


def test_replay_numbers_a_reader_sees(store):
    jobs = {j["jobId"]: j for j in store.jobs()}
    assert jobs[0]["name"] == "collect at /tmp/ui-fixture/app.py:11"
    assert jobs[2]["description"] == "my described job"
    assert (jobs[1]["numSkippedStages"], jobs[1]["numSkippedTasks"]) == (1, 4)
    assert jobs[3]["status"] == "FAILED"
    failed = store.task_list(5, 0, status="failed")
    assert len(failed) == 1 and "PythonException" in failed[0]["errorMessage"]
    assert store.summary()["jobs"]["SUCCEEDED"] == 3
    assert store.job_call_sites()[1] == "count at /tmp/ui-fixture/app.py:12"
    assert dict(store.environment()["sparkProperties"])["spark.my.secret.token"] == \
        "*********(redacted)"


# -- synthetic events ------------------------------------------------------------------------
def stage_info(stage_id, num_tasks, name="map at app.py:1", submitted=None, completed=None,
               rdds=()):
    info = {"Stage ID": stage_id, "Stage Attempt ID": 0, "Stage Name": name,
            "Number of Tasks": num_tasks, "RDD Info": list(rdds), "Parent IDs": [],
            "Details": ""}
    if submitted is not None:
        info["Submission Time"] = submitted
    if completed is not None:
        info["Completion Time"] = completed
    return info


def task_info(task_id, index, launch, finish=0, executor="0", failed=False):
    return {"Task ID": task_id, "Index": index, "Attempt": 0, "Partition ID": index,
            "Launch Time": launch, "Executor ID": executor, "Host": "127.0.0.1",
            "Locality": "PROCESS_LOCAL", "Speculative": False, "Getting Result Time": 0,
            "Finish Time": finish, "Failed": failed, "Killed": False, "Accumulables": []}


def run_job(store, job_id, stage_id, tasks, t0=1000):
    store.post({"Event": "SparkListenerJobStart", "Job ID": job_id, "Submission Time": t0,
                "Stage Infos": [stage_info(stage_id, tasks)], "Stage IDs": [stage_id],
                "Properties": {"callSite.short": f"count at app.py:{job_id}"}})
    store.post({"Event": "SparkListenerStageSubmitted",
                "Stage Info": stage_info(stage_id, tasks, submitted=t0), "Properties": {}})
    for i in range(tasks):
        tid = stage_id * 1000 + i
        store.post({"Event": "SparkListenerTaskStart", "Stage ID": stage_id,
                    "Stage Attempt ID": 0, "Task Info": task_info(tid, i, t0)})
        store.post({"Event": "SparkListenerTaskEnd", "Stage ID": stage_id,
                    "Stage Attempt ID": 0, "Task Type": "ResultTask",
                    "Task End Reason": {"Reason": "Success"},
                    "Task Info": task_info(tid, i, t0, t0 + 10 + i),
                    "Task Metrics": {"Executor Run Time": 5 + i, "Result Size": 100,
                                     "Shuffle Write Metrics": {"Shuffle Bytes Written": 7}}})
    store.post({"Event": "SparkListenerStageCompleted",
                "Stage Info": stage_info(stage_id, tasks, submitted=t0, completed=t0 + 50)})
    store.post({"Event": "SparkListenerJobEnd", "Job ID": job_id, "Completion Time": t0 + 60,
                "Job Result": {"Result": "JobSucceeded"}})


def test_retention_bounds_jobs_stages_and_tasks():
    store = AppStatusStore(conf={"spark.ui.retainedJobs": "10", "spark.ui.retainedStages": "10",
                                 "spark.ui.retainedTasks": "20"})
    for j in range(100):
        run_job(store, j, j, 30)
    jobs = store.jobs()
    assert 1 <= len(jobs) <= 10 and jobs[0]["jobId"] == 99
    stages = store.stages()
    assert 1 <= len(stages) <= 10 and stages[0]["stageId"] == 99
    # counters stay exact although only the newest tasks are kept
    assert stages[0]["numCompleteTasks"] == 30
    assert stages[0]["shuffleWriteBytes"] == 30 * 7
    assert len(store.task_list(99, 0, length=1000)) <= 20


def test_rdd_storage_from_block_updates_and_unpersist():
    store = AppStatusStore()
    level = {"Use Disk": False, "Use Memory": True, "Use Off Heap": False,
             "Deserialized": False, "Replication": 1}
    store.post({"Event": "SparkListenerBlockManagerAdded",
                "Block Manager ID": {"Executor ID": "0", "Host": "127.0.0.1", "Port": 5000},
                "Maximum Memory": 1000, "Timestamp": 1})
    rdd = {"RDD ID": 3, "Name": "PythonRDD", "Storage Level": level,
           "Number of Partitions": 2}
    store.post({"Event": "SparkListenerJobStart", "Job ID": 0, "Submission Time": 2,
                "Stage Infos": [stage_info(0, 2, rdds=[rdd])], "Properties": {}})
    store.post({"Event": "SparkListenerStageSubmitted",
                "Stage Info": stage_info(0, 2, submitted=2, rdds=[rdd])})
    for p, size in ((0, 40), (1, 60)):
        store.post({"Event": "SparkListenerBlockUpdated", "Block Updated Info": {
            "Block Manager ID": {"Executor ID": "0", "Host": "127.0.0.1", "Port": 5000},
            "Block ID": f"rdd_3_{p}", "Storage Level": level, "Memory Size": size,
            "Disk Size": 0}})
    [info] = store.rdds()
    assert (info["numCachedPartitions"], info["memoryUsed"]) == (2, 100)
    assert info["storageLevel"] == "Memory Serialized 1x Replicated"
    assert info["dataDistribution"][0]["address"] == "127.0.0.1:5000"
    assert info["dataDistribution"][0]["memoryRemaining"] == 900
    [ex] = store.executors()
    assert (ex["rddBlocks"], ex["memoryUsed"]) == (2, 100)
    store.post({"Event": "SparkListenerUnpersistRDD", "RDD ID": 3})
    assert store.rdds() == []
    assert store.executors()[0]["memoryUsed"] == 0


def test_environment_redacts_and_keeps_sources():
    store = AppStatusStore()
    store.post({"Event": "SparkListenerEnvironmentUpdate",
                "JVM Information": {}, "System Properties": {"user.password": "x"},
                "Spark Properties": {"spark.app.name": "a", "spark.db.password": "pw",
                                     "spark.x": "my-token-value"},
                "Spark Property Sources": {"spark.app.name": "code"}})
    props = dict(store.environment()["sparkProperties"])
    assert props == {"spark.app.name": "a", "spark.db.password": "*********(redacted)",
                     "spark.x": "*********(redacted)"}
    assert dict(store.environment()["systemProperties"])["user.password"] == \
        "*********(redacted)"
    assert store.property_sources() == {"spark.app.name": "code"}


def test_readers_see_whole_events_while_a_writer_posts():
    store = AppStatusStore()
    stop = threading.Event()
    errors = []

    def read():
        while not stop.is_set():
            for stage in store.stages(details=True):
                total = stage["numCompleteTasks"] + stage["numActiveTasks"]
                if total > stage["numTasks"]:
                    errors.append(stage)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for j in range(30):
            run_job(store, j, j, 20)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    assert len(store.jobs(["SUCCEEDED"])) == 30


@pytest.mark.slow
def test_an_hour_of_streaming_batches_keeps_the_store_bounded():
    """One-second batches for two hours on the events' own clock (a job with one two-task
    stage each): the store keeps spark.ui.retainedJobs/Stages and its size stops growing."""
    import tracemalloc

    store = AppStatusStore(conf={"spark.ui.retainedJobs": "200",
                                 "spark.ui.retainedStages": "200"})
    tracemalloc.start()
    try:
        sizes = []
        for hour in range(2):
            for second in range(3600):
                batch = hour * 3600 + second
                run_job(store, batch, batch, 2, t0=1_000_000 + batch * 1000)
            sizes.append(tracemalloc.get_traced_memory()[0])
    finally:
        tracemalloc.stop()
    assert len(store.jobs()) <= 200 and len(store.stages()) <= 200
    assert store.jobs()[0]["jobId"] == 7199
    assert sizes[1] < sizes[0] * 1.1, sizes  # the second hour adds (almost) nothing
