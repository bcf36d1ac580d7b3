"""The executor's unified memory pool: execution budgets, spill callbacks, storage eviction."""

from __future__ import annotations

import os
import pickle

import pytest

from runtime.blockstore import BlockStore
from runtime.memory import MemoryManager, TaskMemory, as_memory, pool_size
from runtime.shuffle import ShuffleMetrics, external_sort


def test_pool_size_is_fraction_of_executor_memory():
    assert pool_size(1000 << 20) == int((1000 << 20) * 0.6)
    assert pool_size(1000 << 20, 0.5) == 500 << 20
    assert pool_size(10) == 1 << 16  # never below the minimum


def test_budget_grows_until_the_pool_is_used_then_refuses():
    m = MemoryManager(1000)
    a = m.budget("a")
    assert a.grow_to(600) and a.held == 600 and m.execution_used == 600
    b = m.budget("b")
    assert b.limit() == 400
    assert not b.grow_to(500)  # partial grant: held, but the caller must spill
    assert b.held == 400 and m.free == 0
    b.release()
    a.release()
    assert m.execution_used == 0 and m.free == 1000 and not m.consumers


def test_other_consumers_are_asked_to_spill_largest_first():
    m = MemoryManager(1000)
    spilled = []

    def spiller(name):
        def spill(n):
            spilled.append((name, n))
            return 10_000  # more than held: capped at what it holds
        return spill

    small = m.budget("small", spiller("small"))
    big = m.budget("big", spiller("big"))
    assert small.grow_to(200) and big.grow_to(700)
    me = m.budget("me")
    assert me.grow_to(500)
    assert spilled == [("big", 400)]
    assert big.held == 0 and small.held == 200 and me.held == 500
    assert m.execution_used == 700


def test_task_memory_releases_what_a_task_forgot():
    m = MemoryManager(1000)
    tm = TaskMemory(m)
    tm.budget("x").grow_to(300)
    tm.budget("y").grow_to(300)
    assert m.execution_used == 600
    tm.close()
    assert m.execution_used == 0


def test_as_memory_makes_a_private_pool_from_bytes():
    m = as_memory(123)
    assert isinstance(m, MemoryManager) and m.total == 123
    pool = MemoryManager(5)
    assert as_memory(pool) is pool


def test_execution_evicts_cached_blocks_above_the_storage_region(tmp_path):
    m = MemoryManager(100_000)
    store = BlockStore(str(tmp_path), m)
    for i in range(8):  # ~80% of the pool in storage, half of it evictable
        assert store.put((1, i), [b"x" * 9000], use_disk=True)
    used = m.storage_used
    assert used > 70_000
    b = m.budget("sort")
    assert b.grow_to(45_000)
    block = used // 8
    assert m.storage_region - block <= m.storage_used < used  # whole blocks, down to the region
    assert not b.grow_to(m.total)  # takes what it can: storage is down to the region
    kept = m.storage_used
    assert m.storage_region - block <= kept <= m.storage_region
    assert not b.grow_to(b.held + 1) and m.storage_used == kept  # the region is safe
    # evicted MEMORY_AND_DISK blocks went to disk and still read back
    assert all(store.get((1, i)) == [b"x" * 9000] for i in range(8))
    assert store.disk


def test_storage_never_evicts_execution_and_memory_only_blocks_are_dropped(tmp_path):
    m = MemoryManager(50_000)
    store = BlockStore(str(tmp_path), m)
    b = m.budget("agg")
    assert b.grow_to(45_000)
    assert not store.put((2, 0), [b"y" * 20_000])  # MEMORY_ONLY: not kept anywhere
    assert store.get((2, 0)) is None and b.held == 45_000
    assert store.put((2, 1), [b"y" * 20_000], use_disk=True)  # MEMORY_AND_DISK: on disk
    assert store.get((2, 1)) == [b"y" * 20_000] and (2, 1) in store.disk


def test_a_put_does_not_evict_blocks_of_its_own_rdd(tmp_path):
    m = MemoryManager(30_000)
    store = BlockStore(str(tmp_path), m)
    assert store.put((3, 0), [b"z" * 12_000])
    assert store.put((4, 0), [b"z" * 12_000])
    assert store.put((3, 1), [b"z" * 12_000])  # room made by dropping rdd 4's block
    assert store.get((4, 0)) is None
    assert not store.put((3, 2), [b"z" * 12_000])  # only rdd 3's own blocks are left
    assert store.get((3, 0)) == store.get((3, 1)) == [b"z" * 12_000]


def test_block_changes_report_where_each_block_is_now(tmp_path):
    m = MemoryManager(30_000)
    store = BlockStore(str(tmp_path), m)
    assert store.put((4, 0), [b"z" * 12_000])  # MEMORY_ONLY
    assert store.put((6, 0), [b"z" * 12_000], use_disk=True)  # MEMORY_AND_DISK
    size = store.size_of((4, 0))
    assert size > 12_000 and store.drain_changes() == [(4, 0, size, 0), (6, 0, size, 0)]
    assert store.drain_changes() == []  # drained
    assert store.put((3, 0), [b"z" * 12_000])  # evicts both older blocks
    assert store.put((3, 1), [b"z" * 12_000])
    changes = {(r, s): (mem, disk) for r, s, mem, disk in store.drain_changes()}
    disk = os.path.getsize(store.disk[(6, 0)][0])
    assert changes == {(4, 0): (0, 0), (6, 0): (0, disk), (3, 0): (size, 0),
                       (3, 1): (size, 0)}
    assert store.size_of((6, 0)) == disk and store.size_of((4, 0)) == 0
    store.put((7, 0), [1], use_memory=False, use_disk=True)  # DISK_ONLY
    store.remove_rdd(3)  # an unpersisted RDD's blocks are not reported
    [(rdd, split, mem, disk)] = store.drain_changes()
    assert (rdd, split, mem) == (7, 0, 0) and disk == os.path.getsize(store.disk[(7, 0)][0])


def test_remove_rdd_gives_storage_back(tmp_path):
    m = MemoryManager(1 << 20)
    store = BlockStore(str(tmp_path), m)
    store.put((5, 0), list(range(1000)))
    assert m.storage_used == len(pickle.dumps(list(range(1000)), pickle.HIGHEST_PROTOCOL))
    store.remove_rdd(5)
    assert m.storage_used == 0 and store.get((5, 0)) is None


@pytest.mark.parametrize("pool", [4096, 1 << 30])
def test_external_sort_shares_a_pool_and_returns_it(pool, tmp_path):
    m = MemoryManager(pool)
    metrics = ShuffleMetrics()
    data = [(i * 7919) % 10_007 for i in range(20_000)]
    assert list(external_sort(iter(data), None, False, TaskMemory(m), str(tmp_path), metrics)) \
        == sorted(data)
    assert (metrics.spill_count > 0) == (pool == 4096)
    assert m.execution_used == 0
