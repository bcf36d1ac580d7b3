"""The DAG scheduler is pure: feed events, assert the actions it returns."""

from __future__ import annotations

import itertools

from runtime.lineage.dependency import OneToOneDependency, ShuffleDependency
from runtime.lineage.node import Node
from runtime.scheduler.dag import (
    DAGScheduler, JobFailed, JobStatus, JobSucceeded, LaunchStage, ResultStage, ShuffleMapStage,
)

_ids = itertools.count()


class FakeRDD(Node):
    def __init__(self, n, deps=()):
        super().__init__(next(_ids), list(deps), n)


class Spec:
    def __init__(self, sid):
        self.shuffle_id = sid


def shuffled(parent, sid, n):
    return FakeRDD(n, [ShuffleDependency(parent, Spec(sid))])


def narrow(parent):
    return FakeRDD(parent.num_partitions, [OneToOneDependency(parent)])


def launches(actions):
    return [a.stage for a in actions if isinstance(a, LaunchStage)]


def test_narrow_only_job_is_one_stage():
    dag = DAGScheduler()
    rdd = narrow(narrow(FakeRDD(3)))
    job, actions = dag.submit_job(rdd, list, [0, 1, 2])
    [stage] = launches(actions)
    assert isinstance(stage, ResultStage) and stage.parents == []
    assert stage.pending_partitions() == [0, 1, 2]
    for p in range(3):
        out = dag.result_task_done(stage, p, p * 10)
    assert out == [JobSucceeded(job)] and job.results == [0, 10, 20]
    assert job.status is JobStatus.SUCCEEDED


def test_stages_cut_at_shuffles_parents_run_first():
    dag = DAGScheduler()
    a = FakeRDD(2)
    b = shuffled(narrow(a), 0, 3)
    c = shuffled(narrow(b), 1, 2)
    job, actions = dag.submit_job(narrow(c), list, [0, 1])
    [first] = launches(actions)
    assert isinstance(first, ShuffleMapStage) and first.dep.shuffle_id == 0
    for p in range(2):
        assert dag.map_task_done(first, p, f"s0-{p}") == []
    [second] = launches(dag.stage_finished(first))
    assert isinstance(second, ShuffleMapStage) and second.dep.shuffle_id == 1
    assert second.shuffle_reads == [0]
    for p in range(3):
        dag.map_task_done(second, p, f"s1-{p}")
    [final] = launches(dag.stage_finished(second))
    assert isinstance(final, ResultStage) and final.shuffle_reads == [1]


def test_second_job_reuses_finished_shuffle_outputs():
    dag = DAGScheduler()
    b = shuffled(FakeRDD(2), 0, 2)
    _, actions = dag.submit_job(b, list, [0, 1])
    [m] = launches(actions)
    for p in range(2):
        dag.map_task_done(m, p, p)
    [r] = launches(dag.stage_finished(m))
    for p in range(2):
        dag.result_task_done(r, p, p)
    _, actions = dag.submit_job(narrow(b), list, [0, 1])
    [only] = launches(actions)
    assert isinstance(only, ResultStage)  # the map stage is skipped


def test_lost_outputs_rerun_only_missing_partitions():
    dag = DAGScheduler()
    b = shuffled(FakeRDD(3), 0, 1)
    _, actions = dag.submit_job(b, list, [0])
    [m] = launches(actions)
    for p in range(3):
        dag.map_task_done(m, p, ("exec-1" if p == 1 else "exec-0", p))
    dag.lost_outputs(lambda s: s[0] == "exec-1")
    [again] = launches(dag.stage_finished(m))
    assert again is m and m.pending_partitions() == [1]


def test_aborted_stage_fails_every_job_that_needs_it():
    dag = DAGScheduler()
    b = shuffled(FakeRDD(2), 0, 2)
    j1, a1 = dag.submit_job(b, list, [0, 1])
    j2, a2 = dag.submit_job(narrow(b), list, [0])
    [m] = launches(a1)
    assert launches(a2) == []  # shares the running map stage
    err = ValueError("boom")
    out = dag.stage_aborted(m, err)
    assert sorted(a.job.id for a in out if isinstance(a, JobFailed)) == [j1.id, j2.id]
    assert all(a.error is err and a.job.status is JobStatus.FAILED for a in out)
    assert not dag.running and not dag.waiting


def test_empty_job_finishes_at_once():
    dag = DAGScheduler()
    job, actions = dag.submit_job(FakeRDD(0), list, [])
    assert actions == [JobSucceeded(job)]
