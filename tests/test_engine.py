"""The multiprocess runtime end to end: executors, failures, retries, outputs, results."""

from __future__ import annotations

import os
import signal

import pytest

from sparkcli.context import SparkContext
from sparkcli.errors import SparkException


def _kill_on_first_attempt(it):
    from sparkcli.taskcontext import TaskContext

    tc = TaskContext.get()
    if tc.partitionId() == 1 and tc.attemptNumber() == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return sum(it)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    return tmp_path


def test_task_exception_keeps_its_class_and_remote_traceback(home):
    with SparkContext("local[2]", "errors") as sc:
        def boom(x):
            if x == 3:
                raise ValueError(f"bad record {x}")
            return x

        rdd = sc.parallelize(range(8), 2).map(boom)
        with pytest.raises(ValueError) as info:
            sc._run_job(rdd, list)
        msg = str(info.value)
        assert "bad record 3" in msg
        assert "Executor traceback" in msg and "in boom" in msg
        # the context still works after a failed job
        assert sc._run_job(sc.parallelize(range(4), 2), sum) == [1, 5]


def test_executor_killed_with_retries_gives_right_answer(home):
    with SparkContext("local[2,2]", "retry") as sc:
        rdd = sc.parallelize(range(100), 4)
        assert sum(sc._run_job(rdd, _kill_on_first_attempt)) == sum(range(100))
        # the lost executor was replaced: two executors still serve jobs
        assert len(sc._launcher.alive()) == 2


def test_executor_killed_without_retries_fails_naming_executor_and_log(home):
    with SparkContext("local[2]", "noretry") as sc:
        rdd = sc.parallelize(range(100), 4)
        with pytest.raises(SparkException) as info:
            sc._run_job(rdd, _kill_on_first_attempt)
        msg = str(info.value)
        assert "ExecutorLostFailure" in msg and "executor" in msg
        assert os.path.join(sc.applicationId, "") in msg and "stderr" in msg
        assert sc._run_job(sc.parallelize(range(4), 2), sum) == [1, 5]


def test_print_in_task_lands_in_executor_stdout(home):
    with SparkContext("local[2]", "prints") as sc:
        sc._run_job(sc.parallelize(range(4), 2).map(lambda x: print(f"hello-{x}")), list)
        app_dir = os.path.join(home, "work", sc.applicationId)
    outs = ""
    for eid in os.listdir(app_dir):
        path = os.path.join(app_dir, eid, "stdout")
        if os.path.isfile(path):
            outs += open(path).read()
    assert sorted(line for line in outs.split() if line.startswith("hello-")) == [
        "hello-0", "hello-1", "hello-2", "hello-3"]


def test_max_result_size_is_enforced(home):
    from sparkcli.conf import SparkConf

    conf = SparkConf().set("spark.driver.maxResultSize", "1m")
    with SparkContext("local[2]", "bigresult", conf=conf) as sc:
        rdd = sc.parallelize(range(4), 4).map(lambda _: b"x" * 400_000)
        with pytest.raises(SparkException, match="spark.driver.maxResultSize"):
            sc._run_job(rdd, list)


def test_stop_reaps_executors_and_removes_local_dir(home):
    sc = SparkContext("local[2]", "stop")
    sc._run_job(sc.parallelize(range(10), 2), sum)
    procs = list(sc._launcher.procs.values())
    local_dir = sc._local_dir
    sc.stop()
    assert all(p.poll() is not None for p in procs)
    assert not os.path.exists(local_dir)
    from runtime.appdir import read_state

    state = read_state(os.path.join(home, "work", sc.applicationId))
    assert state["state"] == "FINISHED" and state["end"] >= state["start"]


def test_application_id_format(home):
    """Spark's local-mode id, local-<epoch millis>; the work dir has the same name."""
    import re
    import time

    before = int(time.time() * 1000)
    with SparkContext("local[1]", "ids") as sc:
        assert re.fullmatch(r"local-\d{13}", sc.applicationId)
        assert before <= int(sc.applicationId[len("local-"):]) <= time.time() * 1000
        assert os.path.isdir(os.path.join(home, "work", sc.applicationId))
        assert sc.defaultParallelism == 1


def test_local_application_ids_are_unique_within_a_millisecond(tmp_path):
    from runtime.appdir import new_app_id

    ids = [new_app_id(str(tmp_path), now=1764728100.123, local=True)[0] for _ in range(3)]
    assert ids == ["local-1764728100123", "local-1764728100124", "local-1764728100125"]
    assert new_app_id(str(tmp_path), now=1764728100.123)[0].startswith("app-")


def test_only_one_active_context(home):
    with SparkContext("local[1]", "one"):
        with pytest.raises(ValueError, match="multiple SparkContexts"):
            SparkContext("local[1]", "two")


def test_accumulators_count_once_per_successful_task(home):
    with SparkContext("local[2,2]", "acc") as sc:
        acc = sc.accumulator(0)

        def add(it):
            _kill_on_first_attempt([])
            for x in it:
                acc.add(x)
            return 0

        sc._run_job(sc.parallelize(range(10), 4), add)
        assert acc.value == 45


def test_broadcast_reaches_tasks(home):
    with SparkContext("local[2]", "bc") as sc:
        b = sc.broadcast({"a": 1, "b": 2})
        out = sc._run_job(sc.parallelize(["a", "b", "a"], 2).map(lambda k: b.value[k]), list)
        assert sum(out, []) == [1, 2, 1]


def test_long_running_task_talks_to_driver_and_can_be_killed(home):
    import queue

    got: queue.Queue = queue.Queue()
    with SparkContext("local[2]", "receiver") as sc:
        sc._driver.handlers["block"] = lambda eid, msg: got.put((eid, msg["n"]))

        def receiver(it):
            from runtime import task_env

            tc = task_env.current()
            n = 0
            while not tc.interrupted:
                if n < 3:
                    tc.send_to_driver({"op": "block", "n": n})
                    n += 1
                else:
                    import select

                    select.select([], [], [], 0.01)  # the task idles until killed
            return n

        waiter = sc._driver.submit_job(sc.parallelize([0], 1)._node, receiver, [0])
        assert [got.get(timeout=30)[1] for _ in range(3)] == [0, 1, 2]
        # other jobs run meanwhile on the second executor
        assert sc._run_job(sc.parallelize(range(4), 2), sum) == [1, 5]
        assert waiter.submitted.wait(5)
        sc._driver.kill_job_tasks(waiter.job_id)
        assert waiter.event.wait(30) and waiter.results == [3]


def test_lost_map_output_is_recomputed_from_lineage(home):
    from operator import add

    from runtime.lineage.shuffled import Shuffled

    with SparkContext("local[2]", "fetchfail") as sc:
        counts = sc.parallelize(range(1000), 4).map(lambda x: (x % 10, 1))
        reduced = counts.combineByKey(lambda v: v, add, add, 3)
        assert isinstance(reduced._node, Shuffled)
        assert sorted(sum(sc._run_job(reduced, list), [])) == [(k, 100) for k in range(10)]
        # delete one map output file behind the scheduler's back
        stage = sc._driver.dag.shuffle_stages[reduced._node.spec.shuffle_id]
        os.unlink(stage.outputs[2].path)
        again = sorted(sum(sc._run_job(reduced.mapValues(lambda v: v * 2), list), []))
        assert again == [(k, 200) for k in range(10)]


def _where(it):
    return [(os.environ["SPARKCLI_EXECUTOR_ID"], list(it))]


def test_cached_partitions_are_reused_where_they_were_computed(home, tmp_path):
    marker = tmp_path / "computed"
    marker.mkdir()

    def note(x):
        # one file per computation of a record: counts how often the lineage ran
        (marker / f"{x}-{os.getpid()}-{len(os.listdir(marker))}").touch()
        return x

    with SparkContext("local[2]", "cache") as sc:
        rdd = sc.parallelize(range(8), 4).map(note).cache()
        first = sc._run_job(rdd, _where)
        second = sc._run_job(rdd, _where)
        assert [p[0][0] for p in first] == [p[0][0] for p in second]
        assert [p[0][1] for p in second] == [[0, 1], [2, 3], [4, 5], [6, 7]]
        assert len(os.listdir(marker)) == 8  # computed once, served from the cache after
        rdd.unpersist()
        sc._run_job(rdd, _where)
        assert len(os.listdir(marker)) == 16


def test_broadcast_is_loaded_once_per_executor(home):
    with SparkContext("local[2]", "bcast-once") as sc:
        b = sc.broadcast(list(range(1000)))

        def ident(it):
            return [(os.environ["SPARKCLI_EXECUTOR_ID"], id(b.value))]

        out = sum(sc._run_job(sc.parallelize(range(16), 8), ident), [])
        per_exec: dict = {}
        for eid, obj in out:
            per_exec.setdefault(eid, set()).add(obj)
        assert all(len(ids) == 1 for ids in per_exec.values())


def test_added_files_are_readable_in_tasks(home, tmp_path):
    data = tmp_path / "lookup.txt"
    data.write_text("hello from a file\n")
    with SparkContext("local[2]", "files") as sc:
        sc.addFile(str(data))

        def read(it):
            from sparkcli.files import SparkFiles

            with open(SparkFiles.get("lookup.txt")) as f:
                return [f.read().strip()]

        assert sc._run_job(sc.parallelize([1, 2], 2), read) == [["hello from a file"]] * 2


def test_cancel_all_jobs_fails_running_job(home):
    import threading

    from runtime.errors import JobCancelled

    with SparkContext("local[2]", "cancel") as sc:
        def slow(it):
            from runtime import task_env

            tc = task_env.current()
            import select

            while not tc.interrupted:
                select.select([], [], [], 0.01)
            return 0

        errors = []

        def run():
            try:
                sc._run_job(sc.parallelize([1], 1), slow)
            except JobCancelled as e:
                errors.append(e)

        t = threading.Thread(target=run)
        t.start()
        import time

        deadline = time.monotonic() + 30
        while not sc.statusTracker().getActiveJobsIds() and time.monotonic() < deadline:
            threading.Event().wait(0.01)
        sc.cancelAllJobs()
        t.join(30)
        assert errors and "cancelled" in str(errors[0])


def test_cached_blocks_cannot_be_mutated_by_later_tasks(home):
    with SparkContext("local[2]", "mutate") as sc:
        rdd = sc.parallelize([("a", [1]), ("a", [2])], 1).cache()
        sc._run_job(rdd, list)

        def extend_all(it):
            out = []
            for k, v in it:
                v.append(99)  # a task that mutates what it reads
                out.append((k, v))
            return out

        sc._run_job(rdd, extend_all)
        assert sc._run_job(rdd, list) == [[("a", [1]), ("a", [2])]]


def test_garbage_on_the_driver_port_drops_only_that_connection(home):
    import random
    import socket
    import struct

    with SparkContext("local[2]", "garbage") as sc:
        host, port = sc._driver.address.rsplit(":", 1)
        rng = random.Random(7)
        payloads = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
                    for _ in range(50)]
        payloads += [struct.pack(">Q", 1 << 62) + b"x", struct.pack(">Q", 5) + b"ab"]
        for data in payloads:
            with socket.create_connection((host, int(port))) as s:
                s.sendall(data)
        assert sc._run_job(sc.parallelize(range(10), 2), sum) == [10, 35]


def test_a_stalled_half_frame_does_not_block_the_scheduler(home):
    import socket
    import struct

    with SparkContext("local[2]", "stall") as sc:
        host, port = sc._driver.address.rsplit(":", 1)
        with socket.create_connection((host, int(port))) as s:
            s.sendall(struct.pack(">Q", 100) + b"abc")  # and then nothing
            assert sc._run_job(sc.parallelize(range(10), 2), sum) == [10, 35]


def test_task_whose_code_cannot_load_on_the_executor_fails_cleanly(home, tmp_path):
    import sys

    with SparkContext("local[2]", "unloadable") as sc:
        mod_dir = tmp_path / "late"
        mod_dir.mkdir()
        (mod_dir / "late_helpers.py").write_text("def double(x):\n    return 2 * x\n")
        sys.path.insert(0, str(mod_dir))  # after the executors started: they cannot see it
        try:
            import late_helpers

            with pytest.raises(ModuleNotFoundError, match="late_helpers"):
                sc._run_job(sc.parallelize(range(4), 2).map(late_helpers.double), list)
        finally:
            sys.path.remove(str(mod_dir))
            sys.modules.pop("late_helpers", None)
        assert sc._run_job(sc.parallelize(range(4), 2), sum) == [1, 5]
