"""TaskSetManager and TaskScheduler are pure: drive them with a hand clock, assert the
tasks they hand out (like test_dag.py)."""

from __future__ import annotations

from types import SimpleNamespace

from runtime.scheduler.scheduling import ExecutorRef, TaskScheduler
from runtime.scheduler.taskset import TaskSetManager, TaskState


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def stage(sid=0, n=2):
    rdd = SimpleNamespace(id=sid, num_partitions=n, dependencies=[], storage_level=None)
    return SimpleNamespace(id=sid, attempt=0, rdd=rdd, jobs={0}, first_job_id=0)


def test_partitions_handed_out_in_order_one_attempt_each():
    tsm = TaskSetManager(stage(), [0, 1, 2], max_failures=1, clock=Clock())
    got = [tsm.next_task("e1", {"e1"}) for _ in range(4)]
    assert [t.partition for t in got[:3]] == [0, 1, 2] and got[3] is None
    assert all(t.attempt == 0 and t.state is TaskState.RUNNING for t in got[:3])
    assert len({t.id for t in got[:3]}) == 3


def test_locality_wait_holds_a_preferred_partition_until_the_clock_passes_it():
    clock = Clock()
    tsm = TaskSetManager(stage(), [0, 1], max_failures=1, preferred={0: {"e1"}},
                         locality_wait=3.0, clock=clock)
    t = tsm.next_task("e2", {"e1", "e2"})
    assert t.partition == 1  # partition 0 waits for e1
    assert tsm.next_task("e2", {"e1", "e2"}) is None
    clock.t += 2.9
    assert tsm.next_task("e2", {"e1", "e2"}) is None
    clock.t += 0.2
    t = tsm.next_task("e2", {"e1", "e2"})
    assert t.partition == 0 and t.launched == clock.t


def test_preferred_executor_gets_its_partition_at_once():
    tsm = TaskSetManager(stage(), [0, 1], max_failures=1, preferred={1: {"e1"}},
                         clock=Clock())
    assert tsm.next_task("e1", {"e1"}).partition == 1


def test_no_wait_when_no_preferred_executor_is_alive():
    tsm = TaskSetManager(stage(), [0], max_failures=1, preferred={0: {"gone"}},
                         clock=Clock())
    assert tsm.next_task("e2", {"e2"}).partition == 0


def test_retries_until_max_failures_then_gives_up():
    tsm = TaskSetManager(stage(), [0, 1], max_failures=3, clock=Clock())
    first = tsm.next_task("e1", {"e1"})
    for attempt in range(3):
        assert first.partition == 0 and first.attempt == attempt
        may_retry = tsm.task_failed(first)
        assert first.state is TaskState.FAILED
        if attempt < 2:
            assert may_retry
            first = tsm.next_task("e1", {"e1"})  # a failed partition goes first
        else:
            assert not may_retry
    assert tsm.failures_of(0) == 3


def test_uncounted_failure_does_not_use_up_attempts():
    tsm = TaskSetManager(stage(), [0], max_failures=1, clock=Clock())
    t = tsm.next_task("e1", {"e1"})
    assert tsm.task_failed(t, count=False)
    assert tsm.failures_of(0) == 0 and tsm.next_task("e1", {"e1"}).attempt == 1


def test_duplicate_success_is_ignored_and_done_once_all_succeed():
    tsm = TaskSetManager(stage(), [0, 1], max_failures=2, clock=Clock())
    a, b = tsm.next_task("e1", {"e1"}), tsm.next_task("e1", {"e1"})
    assert tsm.task_succeeded(a) and not tsm.done
    assert not tsm.task_succeeded(a)  # no speculation: a second success changes nothing
    assert tsm.task_succeeded(b) and tsm.done
    assert b.state is TaskState.FINISHED


def test_zombie_hands_out_nothing():
    tsm = TaskSetManager(stage(), [0], max_failures=1, clock=Clock())
    tsm.zombie = True
    assert tsm.next_task("e1", {"e1"}) is None


def test_task_scheduler_fills_free_slots_fifo_and_returns_lost_tasks():
    sched = TaskScheduler(max_failures=1, locality_wait=0.0, clock=Clock())
    sched.add_executor(ExecutorRef("a", None, 1, slots=2))
    sched.add_executor(ExecutorRef("b", None, 2, slots=1))
    s1, s2 = stage(1, 2), stage(2, 2)
    s2.first_job_id = 1
    sched.submit(s2, [0, 1])
    sched.submit(s1, [0, 1])  # the earlier job's stage goes first
    launched = [(ref.id, t.tsm.stage.id, t.partition) for ref, t in sched.offer()]
    assert launched == [("a", 1, 0), ("a", 1, 1), ("b", 2, 0)]
    assert list(sched.offer()) == []  # no free slot
    lost = sched.remove_executor("a")
    assert sorted(t.partition for t in lost) == [0, 1] and len(sched.tasks) == 1
    [(ref, task)] = sched.tasks_of_job(0)
    assert ref.id == "b" and sched.task_ended(ref, task.id) is task and not sched.tasks


def test_task_scheduler_prefers_executors_holding_cached_parents():
    sched = TaskScheduler(max_failures=1, locality_wait=3.0, clock=Clock())
    sched.add_executor(ExecutorRef("a", None, 1))
    sched.add_executor(ExecutorRef("b", None, 2))
    st = stage(5, 2)
    st.rdd.storage_level = "MEMORY_ONLY"
    sched.update_blocks("b", [(5, 0, 100, 0)])
    sched.submit(st, [0, 1])
    launched = sorted((ref.id, t.partition) for ref, t in sched.offer())
    assert launched == [("a", 1), ("b", 0)]
    sched.update_blocks("a", [(5, 1, 0, 10)])  # on disk counts too
    assert sched.block_locations == {(5, 0): {"b"}, (5, 1): {"a"}}
    sched.update_blocks("b", [(5, 0, 0, 0)])  # dropped (evicted, not allowed on disk)
    assert sched.block_locations == {(5, 1): {"a"}}
    sched.remove_rdd_blocks(5)
    assert not sched.block_locations


def test_per_partition_preference_walk_only_when_the_lineage_can_prefer():
    """One lineage walk per stage decides whether any partition can have a preferred
    executor; the per-partition walk runs only then (a 1000-task stage over plain data
    costs one walk, not 1000)."""
    sched = TaskScheduler(max_failures=1, locality_wait=3.0, clock=Clock())
    walked = []
    sched.preferred = lambda rdd, split: walked.append(split) or set()  # type: ignore
    cached = SimpleNamespace(id=1, dependencies=[], storage_level="MEMORY_ONLY")
    narrow = SimpleNamespace(rdd=cached, parents=lambda split: [split])
    top = stage(2, 3)
    top.rdd.dependencies = [narrow]
    sched.submit(top, [0, 1, 2])
    assert walked == []  # persisted, but no block of it stored anywhere
    sched.update_blocks("a", [(1, 0, 10, 0)])
    assert sched.may_prefer(top.rdd)
    sched.submit(top, [0, 1, 2])
    assert walked == [0, 1, 2]
    pinned = SimpleNamespace(id=3, dependencies=[], storage_level=None,
                             preferred_executors=lambda split: ["e1"])
    state = stage(4, 1)
    state.rdd.dependencies = [SimpleNamespace(rdd=pinned, parents=lambda split: [split])]
    assert TaskScheduler(max_failures=1, locality_wait=0.0).may_prefer(state.rdd)
    shuffled = stage(6, 1)
    shuffled.rdd.dependencies = [SimpleNamespace(rdd=pinned)]  # a shuffle: no ``parents``
    assert not TaskScheduler(max_failures=1, locality_wait=0.0).may_prefer(shuffled.rdd)
