"""The node protocol of runtime.lineage: partitions, dependencies, locality, fusion,
checkpoint state and the typed map-side choice -- computed with a fake task context, no
executors."""

from __future__ import annotations

import itertools
import operator
import pickle

import cloudpickle
import pytest

from runtime.lineage import (
    BlockList, Cartesian, CheckpointFiles, CheckpointState, Coalesced, ListDependency,
    MapPartitions, Node, OneToOneDependency, ParallelCollection, Partitioner, PreCombined,
    RangeDependency, ShuffleDependency, Shuffled, Union, Zipped, counting_map_side,
)
from runtime.lineage.checkpoint import due_checkpoints, write_checkpoint
from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.spec import Aggregator, ShuffleSpec

_ids = itertools.count()


class FakeTaskContext:
    """What compute() may call: iterate a parent, read a shuffle (from a dict)."""

    def __init__(self, shuffles: dict | None = None):
        self.shuffles = shuffles or {}
        self.computed: list[tuple[int, int]] = []
        self.partition_id = 0
        self.task_attempt_id = 0

    def iterate(self, node: Node, split: int):
        self.computed.append((node.id, split))
        return node.compute(split, self)

    def read_shuffle(self, spec, split):
        return iter(self.shuffles[spec.shuffle_id][split])


def collect(node: Node, tc: FakeTaskContext | None = None) -> list[list]:
    tc = tc or FakeTaskContext()
    return [list(tc.iterate(node, s)) for s in range(node.num_partitions)]


def par(data, n):
    return ParallelCollection(next(_ids), data, n)


def mapped(prev, f, **kw):
    return MapPartitions(next(_ids), prev, lambda _, it: map(f, it), **kw)


def test_parallel_collection_slices_evenly_and_keeps_ranges():
    node = par(range(10), 3)
    assert node.num_partitions == 3 and node.dependencies == []
    assert collect(node) == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert isinstance(node.slices[0], range)  # a range ships as a range, not a list
    assert par([], 0).num_partitions == 0
    assert node.preferred_locations(0) == [] and node.partitioner is None
    assert node.checkpoint is CheckpointState.NONE and node.storage_level is None


def test_consecutive_map_partitions_fuse_into_one_function():
    source = par(range(6), 2)
    a = mapped(source, lambda x: x + 1)
    b = MapPartitions(next(_ids), a, lambda _, it: (x for x in it if x % 2))
    c = mapped(b, lambda x: x * 10)
    assert c.prev is source  # one node over the source: one pass per partition
    assert [type(d) for d in c.dependencies] == [OneToOneDependency]
    assert c.dependencies[0].rdd is source and c.dependencies[0].parents(1) == [1]
    tc = FakeTaskContext()
    assert collect(c, tc) == [[10, 30], [50]]
    assert tc.computed == [(c.id, 0), (source.id, 0), (c.id, 1), (source.id, 1)]


def test_fusion_stops_at_persisted_or_checkpointed_nodes():
    source = par(range(4), 2)
    cached = mapped(source, lambda x: x + 1)
    cached.storage_level = object()  # any level: its partitions must be stored
    after = mapped(cached, lambda x: x * 2)
    assert after.prev is cached and not cached.pipelinable
    marked = mapped(source, lambda x: x)
    marked.checkpoint = CheckpointState.REQUESTED
    assert mapped(marked, lambda x: x).prev is marked
    assert collect(after) == [[2, 4], [6, 8]]


def test_partitioner_is_kept_only_when_asked():
    parted = Shuffled(next(_ids), par([(1, 1)], 1), ShuffleSpec(0, 2, portable_hash),
                      Partitioner(2, portable_hash))
    assert mapped(parted, lambda kv: kv, preserves_partitioning=True).partitioner == \
        Partitioner(2, portable_hash)
    assert mapped(parted, lambda kv: kv).partitioner is None


def test_union_ranges_and_partitioner_aware_union():
    a, b = par([1, 2], 2), par([3, 4, 5], 3)
    u = Union(next(_ids), [a, b])
    assert u.num_partitions == 5 and u.partitioner is None
    assert [type(d) for d in u.dependencies] == [RangeDependency, RangeDependency]
    assert u.dependencies[1].parents(2) == [0] and u.dependencies[1].parents(1) == []
    assert collect(u) == [[1], [2], [3], [4], [5]]
    p = Partitioner(2, portable_hash)
    x = Shuffled(next(_ids), a, ShuffleSpec(1, 2, portable_hash), p)
    y = Shuffled(next(_ids), b, ShuffleSpec(2, 2, portable_hash), p)
    aware = Union(next(_ids), [x, y])
    assert aware.num_partitions == 2 and aware.partitioner == p
    assert all(isinstance(d, OneToOneDependency) for d in aware.dependencies)
    tc = FakeTaskContext({1: [[("a", 1)], [("b", 2)]], 2: [[("a", 3)], []]})
    assert collect(aware, tc) == [[("a", 1), ("a", 3)], [("b", 2)]]


def test_coalesce_cartesian_zip_dependencies():
    source = par(range(10), 5)
    co = Coalesced(next(_ids), source, 2)
    assert co.num_partitions == 2 and isinstance(co.dependencies[0], ListDependency)
    assert [co.dependencies[0].parents(i) for i in range(2)] == [[0, 1], [2, 3, 4]]
    assert collect(co) == [[0, 1, 2, 3], [4, 5, 6, 7, 8, 9]]
    a, b = par([1, 2], 2), par(["x", "y", "z"], 3)
    cart = Cartesian(next(_ids), a, b)
    assert cart.num_partitions == 6
    assert cart.dependencies[0].parents(4) == [1] and cart.dependencies[1].parents(4) == [1]
    assert sorted(x for part in collect(cart) for x in part) == \
        sorted((i, s) for i in [1, 2] for s in "xyz")
    z = Zipped(next(_ids), par([1, 2, 3], 2), par("abc", 2))
    assert collect(z) == [[(1, "a")], [(2, "b"), (3, "c")]]
    with pytest.raises(ValueError, match="same number of partitions"):
        Zipped(next(_ids), par([1], 1), par([1], 2))
    with pytest.raises(ValueError, match="same number of elements"):
        collect(Zipped(next(_ids), par([1, 2], 1), par([1], 1)))
    assert collect(BlockList(next(_ids), [[1], [], [2, 3]])) == [[1], [], [2, 3]]


def test_shuffle_dependency_is_a_stage_boundary_that_travels_light():
    source = par(list(range(1000)), 2)
    spec = ShuffleSpec(7, 3, portable_hash)
    node = Shuffled(next(_ids), source, spec, Partitioner(3, portable_hash))
    (dep,) = node.dependencies
    assert isinstance(dep, ShuffleDependency) and dep.shuffle_id == 7 and dep.rdd is source
    assert dep.map_input() is source  # no map side chosen
    shipped = pickle.loads(cloudpickle.dumps(node))
    assert shipped.dependencies[0].rdd is None  # the parent's data stays on the driver
    tc = FakeTaskContext({7: [[1], [2], [3]]})
    assert collect(shipped, tc) == [[1], [2], [3]]


def counting_spec(sid: int) -> ShuffleSpec:
    return ShuffleSpec(sid, 2, portable_hash,
                       Aggregator(lambda v: v, operator.add, operator.add),
                       map_side_combine=True)


def test_counting_map_side_is_chosen_when_the_plan_is_built():
    words = par(["a", "b", "a", "c", "a"], 2)
    upper = mapped(words, str.upper)
    pairs = MapPartitions(next(_ids), upper, lambda _, it: map(lambda w: (w, 1), it),
                          op=("map", lambda w: (w, 1)))
    spec = counting_spec(1)
    side = counting_map_side(pairs, spec)
    assert isinstance(side, PreCombined) and side.id == pairs.id
    node = Shuffled(next(_ids), pairs, spec, None, side)
    dep = node.dependencies[0]
    assert dep.map_side is side and dep.map_input() is side
    # the same (key, combiner) pairs as the generic path, without building (w, 1) tuples
    generic: dict = {}
    for part in collect(pairs):
        for k, v in part:
            generic[k] = generic.get(k, 0) + v
    combined: dict = {}
    for part in collect(side):
        for k, v in part:
            combined[k] = combined.get(k, 0) + v
    assert combined == generic == {"A": 3, "B": 1, "C": 1}
    # persisted after the plan was built: map tasks must compute (and store) the parent
    pairs.storage_level = object()
    assert dep.map_input() is pairs
    # other shapes: no map side
    assert counting_map_side(mapped(words, lambda w: (w, 1)), counting_spec(2)) is None
    group = ShuffleSpec(3, 2, portable_hash, Aggregator(list, list.append, list.extend))
    assert counting_map_side(pairs, group) is None


def test_checkpoint_writes_files_and_truncates_the_lineage(tmp_path, monkeypatch):
    from runtime import task_env

    source = par(range(6), 3)
    node = mapped(source, lambda x: x * 2)
    node.checkpoint = CheckpointState.REQUESTED
    child = mapped(node, lambda x: x + 1)
    assert due_checkpoints(child) == [node]
    tc = FakeTaskContext()

    def run_job(n, func):
        out = []
        for split in range(n.num_partitions):
            tc.partition_id = split
            monkeypatch.setattr(task_env, "current", lambda: tc)
            out.append(func(tc.iterate(n, split)))
        return out

    write_checkpoint(node, str(tmp_path / "rdd"), run_job)
    assert node.checkpointed and node.dependencies == [] and due_checkpoints(child) == []
    assert node.checkpoint_dir == str(tmp_path / "rdd")
    shipped = pickle.loads(cloudpickle.dumps(node))
    assert not hasattr(shipped, "prev")  # truncated lineage does not travel
    assert collect(shipped) == [[0, 2], [4, 6], [8, 10]]
    back = CheckpointFiles(next(_ids), str(tmp_path / "rdd"), 3)
    assert back.checkpointed and collect(back) == [[0, 2], [4, 6], [8, 10]]


def test_repr_uses_spark_class_names():
    node = par([1], 1)
    assert repr(node) == f"ParallelCollectionRDD[{node.id}] at RDD"
    node.name = "numbers"
    assert repr(mapped(node, abs)).startswith("PipelinedRDD[")
    assert repr(node) == f"ParallelCollectionRDD[{node.id}] at numbers"
