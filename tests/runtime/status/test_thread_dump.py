"""Thread dumps: the Executors tab links each live executor's thread dump; the driver dumps
its own threads, an executor answers over its connection while a task runs; the REST API
serves the same JSON (Spark's ThreadStackTrace fields)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from gate import PASS_GATE, Gate
from waiting import wait_for

from runtime.threaddump import thread_dump

FIELDS = ["threadId", "threadName", "threadState", "stackTrace", "blockedByLock",
          "holdingLocks", "synchronizers", "monitors"]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def test_a_dump_of_this_process_names_each_thread_and_its_stack():
    gate = threading.Event()
    t = threading.Thread(target=gate.wait, name="parked-thread", daemon=True)
    t.start()
    try:
        dump = {d["threadName"]: d for d in thread_dump()}
    finally:
        gate.set()
        t.join()
    parked = dump["parked-thread"]
    assert list(parked)[:8] == FIELDS and parked["threadState"] == "WAITING"
    assert parked["threadId"] == t.native_id and parked["isDaemon"] is True
    assert parked["stackTrace"]["elems"][0].startswith("threading.wait(threading.py:")
    assert dump["MainThread"]["threadState"] == "RUNNABLE"
    assert "test_thread_dump.test_a_dump_of_this_process" in "".join(
        dump["MainThread"]["stackTrace"]["elems"])


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    context = SparkContext(conf=SparkConf().setMaster("local[2]").setAppName("threads")
                           .set("spark.ui.port", "0"))
    try:
        yield context
    finally:
        context.stop()
        mp.undo()


def test_the_driver_and_each_executor_dump_their_threads(sc):
    assert sc.parallelize(range(4), 2).count() == 4
    url, app = sc.uiWebUrl, sc.applicationId
    # executors register in the background: the count may have run on executor 0 alone
    wait_for(lambda: len(sc._driver.sched.executors) == 2, what="both executors registered")
    sc._driver.bus.wait_until_empty()
    api = f"{url}/api/v1/applications/{app}/executors"
    driver = json.loads(get(f"{api}/driver/threads"))
    assert "dag-scheduler-event-loop" in {t["threadName"] for t in driver}
    for exec_id in ("0", "1"):
        threads = {t["threadName"]: t for t in json.loads(get(f"{api}/{exec_id}/threads"))}
        main = "".join(threads["MainThread"]["stackTrace"]["elems"])
        assert "runtime.executor.main.serve" in main  # waiting for its next task
    with pytest.raises(urllib.error.HTTPError) as err:
        get(f"{api}/9/threads")
    assert err.value.code == 404
    executors = get(f"{url}/executors/")
    assert executors.count('class="thread-dump"') == 3
    page = get(f"{url}/executors/threadDump/?executorId=1")
    assert "Thread dump for executor 1" in page and "runtime.executor.main.serve" in page


def test_an_executor_answers_while_its_task_runs(sc):
    """The dump is answered by the executor's reader thread: a task parked at a gate shows
    in its main thread's stack."""
    gate = Gate()
    port = gate.port
    namespace: dict = {}
    exec(PASS_GATE, namespace)
    pass_gate = namespace["pass_gate"]

    def held(it):
        pass_gate(port)
        return [sum(it)]

    rdd = sc.parallelize(range(2), 1)
    result = []
    job = threading.Thread(target=lambda: result.append(sc.runJob(rdd, held)))
    job.start()
    try:
        wait_for(lambda: gate.arrivals, 30, "the task at its gate")
        dumps = [sc._driver.thread_dump(e) for e in ("0", "1")]
        stacks = ["".join(t["stackTrace"]["elems"]) for d in dumps if d for t in d
                  if t["threadName"] == "MainThread"]
        assert any("pass_gate" in s for s in stacks), stacks
    finally:
        gate.open()
        job.join(30)
        gate.close()
    assert result == [[1]]
