"""A long-running driver stays flat: shuffles whose RDDs are gone are dropped (stage, task
binary, files on disk), task binaries live only while a job needs them (Spark's
ContextCleaner), and a shuffle still reachable is reused, not recomputed."""

from __future__ import annotations

import gc
import glob
import operator
import os

from sparkcli.streaming import StreamingContext
from sparkcli.streaming.clock import ManualClock
from waiting import wait_for


def _shuffle_files(sc) -> list[str]:
    return glob.glob(os.path.join(sc._local_dir, "shuffle", "shuffle_*"))


def _wait_for(cond, timeout: float = 10.0) -> bool:
    """``cond`` after a collection (the cleaner acts on what the collector frees)."""
    return wait_for(lambda: gc.collect() is not None and cond(), timeout, "the cleaner")


def test_unreachable_shuffles_are_cleaned(sc):
    driver = sc._driver
    before = set(driver.dag.shuffle_stages)
    ids = []
    for i in range(20):
        rdd = sc.parallelize([(j % 5, j) for j in range(2000)], 4).reduceByKey(operator.add)
        assert dict(rdd.collect()) == {k: sum(range(k, 2000, 5)) for k in range(5)}
        ids.append(rdd._node.spec.shuffle_id)
        del rdd
    assert _wait_for(lambda: not set(ids) & set(driver.dag.shuffle_stages))
    assert set(driver.dag.shuffle_stages) <= before
    # the executors delete the map outputs of those shuffles
    names = {f"shuffle_{sid}_" for sid in ids}
    assert _wait_for(lambda: not [f for f in _shuffle_files(sc)
                                  if any(os.path.basename(f).startswith(n) for n in names)])
    assert not driver.binaries  # no job running: no task binary kept


def test_reachable_shuffle_is_reused(sc):
    driver = sc._driver
    kept = sc.parallelize([(i % 3, 1) for i in range(300)], 3).reduceByKey(operator.add)
    assert sorted(kept.collect()) == [(0, 100), (1, 100), (2, 100)]
    gc.collect()
    stage = driver.dag.shuffle_stages[kept._node.spec.shuffle_id]
    outputs = list(stage.outputs)
    assert sorted(kept.mapValues(lambda v: v * 2).collect()) == [(0, 200), (1, 200), (2, 200)]
    assert stage.outputs == outputs  # the map stage did not run again
    assert not driver.binaries


def test_streaming_driver_stays_flat(sc):
    """Every batch of a stream makes a new shuffle; after 60 batches the driver holds a few
    (those of batches still remembered), not 60, and the disk holds their files only."""
    driver = sc._driver
    ssc = StreamingContext(sc, 1)
    ssc._clock = ManualClock()
    batches = [[(f"k{i % 7}", 1) for i in range(n, n + 50)] for n in range(60)]
    stream = ssc.queueStream([sc.parallelize(b, 2) for b in batches])
    totals: list[int] = []
    stream.reduceByKey(operator.add).foreachRDD(
        lambda rdd: totals.append(sum(v for _, v in rdd.collect())))
    ssc.start()
    try:
        peak = 0
        for _ in range(len(batches)):
            ssc._clock.advance(ssc._graph.batch_ms)
            assert ssc._scheduler.wait_for_batch(ssc._clock.getTimeMillis(), 60.0)
            gc.collect()
            peak = max(peak, len(driver.binaries))
    finally:
        ssc.stop(stopSparkContext=False)
    assert totals == [50] * 60
    assert peak <= 4
    assert _wait_for(lambda: len(driver.dag.shuffle_stages) <= 5), driver.dag.shuffle_stages
    assert len(_shuffle_files(sc)) <= 5 * 2


def test_collected_persisted_rdd_loses_its_blocks(sc):
    driver = sc._driver
    rdd = sc.parallelize(range(1000), 4).map(lambda x: x * 2).persist()
    assert rdd.sum() == 999_000
    rid = rdd.id
    assert _wait_for(lambda: any(k[0] == rid for k in driver.block_locations))
    del rdd
    assert _wait_for(lambda: not any(k[0] == rid for k in driver.block_locations))
    kept = sc.parallelize(range(10), 2).cache()
    assert kept.count() == 10
    gc.collect()
    assert _wait_for(lambda: any(k[0] == kept.id for k in driver.block_locations))
