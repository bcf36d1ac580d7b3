"""Job cancellation (issue 16 item 3): cancelled tasks stop and free their slots; job groups,
job tags, interruptOnCancel, and InheritableThread carrying local properties."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from runtime.errors import JobCancelled
from sparkcli.conf import SparkConf
from sparkcli.context import SparkContext
from sparkcli.util import InheritableThread, inheritable_thread_target
from tests.gate import Gate
from tests.waiting import wait_for


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    return tmp_path


def _arrive_then(port: int, seconds: float):
    """A task body: tell the test it is running (a gate arrival), then block until cancelled
    (on an event nobody sets: the interrupt breaks the wait), at most ``seconds``."""

    def task(it):
        socket.create_connection(("127.0.0.1", port)).close()
        threading.Event().wait(seconds)
        return list(it)

    return task


def _stubborn(port: int):
    """A task that swallows every interrupt: only replacing its process stops it."""

    def task(it):
        arrived = False
        while True:  # the interrupt may come at any point, even while arriving
            try:
                if not arrived:
                    arrived = True
                    socket.create_connection(("127.0.0.1", port)).close()
                threading.Event().wait(60)  # until interrupted
            except BaseException:  # noqa: BLE001 - the point of this task
                pass

    return task


def _run_in_thread(sc, body, setup=lambda: None):
    """Run ``body`` (an action) in a thread after ``setup``; returns (thread, outcome)."""
    outcome: dict = {}

    def run():
        setup()
        try:
            outcome["value"] = body()
        except BaseException as e:  # noqa: BLE001
            outcome["error"] = e
            outcome["at"] = time.monotonic()

    t = threading.Thread(target=run)
    t.start()
    return t, outcome


def _next_job_time(sc) -> float:
    start = time.monotonic()
    assert sc.parallelize(range(4), 2).map(lambda x: x * 2).collect() == [0, 2, 4, 6]
    return time.monotonic() - start


def test_cancel_job_group_interrupts_sleeping_tasks_and_frees_slots(home):
    with Gate() as gate, SparkContext("local[2]", "cancel-group") as sc:
        pids = {eid: p.pid for eid, p in sc._launcher.procs.items()}
        t, outcome = _run_in_thread(
            sc, lambda: sc.parallelize(range(2), 2).mapPartitions(
                _arrive_then(gate.port, 60)).collect(),
            lambda: sc.setJobGroup("g1", "sleepers", interruptOnCancel=True))
        wait_for(lambda: gate.arrivals == 2, 60, "both tasks running")
        cancelled = time.monotonic()
        sc.cancelJobGroup("g1")
        t.join(10)
        assert not t.is_alive()
        err = outcome["error"]
        assert isinstance(err, JobCancelled)
        assert str(err) == ("[SPARK_JOB_CANCELLED] Job 0 cancelled part of cancelled job "
                            "group g1 SQLSTATE: XXKDA")
        assert outcome["at"] - cancelled < 1.0
        assert _next_job_time(sc) < 1.0
        # the interrupt stopped the tasks: the executors are the same processes
        assert {eid: p.pid for eid, p in sc._launcher.procs.items()} == pids
        procs = list(sc._launcher.procs.values())
    assert all(p.poll() is not None for p in procs)


def test_cancel_jobs_with_tag_stops_tasks_after_the_kill_timeout(home):
    conf = SparkConf().set("spark.python.task.killTimeout", "200ms")
    with Gate() as gate, SparkContext("local[2]", "cancel-tag", conf=conf) as sc:
        sc.addJobTag("other")  # the main thread's tags are not the job thread's
        t, outcome = _run_in_thread(
            sc, lambda: sc.parallelize(range(2), 2).mapPartitions(
                _arrive_then(gate.port, 60)).collect(),
            lambda: sc.addJobTag("slow"))
        wait_for(lambda: gate.arrivals == 2, 60, "both tasks running")
        sc.cancelJobsWithTag("other")  # matches nothing
        cancelled = time.monotonic()
        sc.cancelJobsWithTag("slow")
        t.join(10)
        assert str(outcome["error"]) == ("[SPARK_JOB_CANCELLED] Job 0 cancelled part of "
                                         "cancelled job tags slow SQLSTATE: XXKDA")
        assert outcome["at"] - cancelled < 1.0
        assert _next_job_time(sc) < 2.0  # the 200 ms grace, then the interrupt
        assert sc._driver.lost_executors == {}


def test_cancel_all_jobs_message(home):
    with Gate() as gate, SparkContext("local[1]", "cancel-all") as sc:
        t, outcome = _run_in_thread(
            sc, lambda: sc.parallelize(range(1), 1).mapPartitions(
                _arrive_then(gate.port, 60)).collect(),
            lambda: sc.setInterruptOnCancel(True))
        wait_for(lambda: gate.arrivals == 1, 60, "the task running")
        sc.cancelAllJobs()
        t.join(10)
        assert str(outcome["error"]) == ("[SPARK_JOB_CANCELLED] Job 0 cancelled as part of "
                                         "cancellation of all jobs SQLSTATE: XXKDA")
        assert _next_job_time(sc) < 1.0


def test_a_task_that_will_not_stop_gets_its_executor_replaced(home):
    conf = SparkConf().set("spark.python.task.killTimeout", "300ms")
    with Gate() as gate, SparkContext("local[1]", "reaper", conf=conf) as sc:
        first = sc._launcher.procs["0"]
        t, outcome = _run_in_thread(
            sc, lambda: sc.parallelize(range(1), 1).mapPartitions(
                _stubborn(gate.port)).collect(),
            lambda: sc.setJobGroup("stuck", "", True))
        wait_for(lambda: gate.arrivals == 1, 60, "the task running")
        sc.cancelJobGroup("stuck")
        t.join(10)
        assert isinstance(outcome["error"], JobCancelled)
        assert sc.parallelize([1, 2, 3], 1).sum() == 6  # on the replacement executor
        assert first.poll() is not None
        assert set(sc._launcher.procs) == {"0", "1"}
        assert sc._driver.lost_executors == {}  # a planned exit, not a failure
        procs = list(sc._launcher.procs.values())
    assert all(p.poll() is not None for p in procs)


def test_job_tags_api(home):
    with SparkContext("local[1]", "tags") as sc:
        assert sc.getJobTags() == set()
        sc.addJobTag("a")
        sc.addJobTag("b")
        sc.addJobTag("a")
        assert sc.getJobTags() == {"a", "b"}
        assert sc.getLocalProperty("spark.job.tags") == "a,b"
        sc.removeJobTag("a")
        assert sc.getJobTags() == {"b"}
        sc.clearJobTags()
        assert sc.getJobTags() == set()
        assert sc.getLocalProperty("spark.job.tags") is None
        with pytest.raises(ValueError, match="Spark job tag cannot contain ','."):
            sc.addJobTag("a,b")
        with pytest.raises(ValueError, match="Spark job tag cannot be an empty string."):
            sc.addJobTag("")
        sc.setJobGroup("g", "d")
        assert sc.getLocalProperty("spark.job.interruptOnCancel") == "false"
        sc.setInterruptOnCancel(True)
        assert sc.getLocalProperty("spark.job.interruptOnCancel") == "true"


def test_inheritable_thread_carries_local_properties_and_tags(home):
    with SparkContext("local[1]", "inherit") as sc:
        sc.setJobGroup("parent", "desc")
        sc.addJobTag("t1")
        seen: dict = {}

        def look(name):
            seen[name] = (sc.getLocalProperty("spark.jobGroup.id"), sc.getJobTags())

        plain = threading.Thread(target=look, args=("plain",))
        plain.start()
        plain.join()
        inherited = InheritableThread(look, args=("inherited",))
        wrapped = inheritable_thread_target(look)  # captures now
        sc.addJobTag("t2")  # after the wrap, before the start
        inherited.start()
        inherited.join()
        t = threading.Thread(target=wrapped, args=("wrapped",))
        t.start()
        t.join()
        assert seen["plain"] == (None, set())
        assert seen["inherited"] == ("parent", {"t1", "t2"})
        assert seen["wrapped"] == ("parent", {"t1"})

        def child_changes():
            sc.setJobGroup("child", "")

        c = InheritableThread(child_changes)
        c.start()
        c.join()
        assert sc.getLocalProperty("spark.jobGroup.id") == "parent"  # a copy, not shared


def test_pyspark_module_paths():
    import sparkcli
    import sparkcli.util

    assert sparkcli.InheritableThread is sparkcli.util.InheritableThread
    assert sparkcli.inheritable_thread_target is sparkcli.util.inheritable_thread_target
