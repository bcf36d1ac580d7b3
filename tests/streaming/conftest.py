"""Streaming test helpers: a fresh StreamingContext per test on a ManualClock, driven batch
by batch (no sleeping: each step advances the clock one batch and waits for that batch)."""

from __future__ import annotations

import pytest

from sparkcli.streaming import StreamingContext
from sparkcli.streaming.clock import ManualClock


@pytest.fixture
def ssc(sc):
    context = StreamingContext(sc, 1)
    context._clock = ManualClock()
    try:
        yield context
    finally:
        context.stop(stopSparkContext=False)
        sc.setLocalProperty("spark.job.description", None)


def advance(ssc, batches: int = 1, timeout: float = 60.0) -> None:
    """Move the manual clock ``batches`` batch durations ahead, one batch at a time, and
    wait for each batch to complete; re-raises a batch's error."""
    step = ssc._graph.batch_ms
    for _ in range(batches):
        ssc._clock.advance(step)
        t = ssc._clock.getTimeMillis()
        assert ssc._scheduler.wait_for_batch(t, timeout), f"batch {t} ms did not complete"
        if ssc._error is not None:
            raise ssc._error


def collect_output(stream, sort: bool = True) -> list:
    """Register an output that appends each batch's collected elements to a list."""
    out: list = []

    def grab(rdd):
        items = rdd.collect()
        out.append(sorted(items, key=repr) if sort else items)

    stream.foreachRDD(grab)
    return out


def run_table(ssc, batches, build, num_batches=None, sort=True):
    """Feed ``batches`` through queueStream, apply ``build(dstream) -> dstream``, run and
    return the output batches."""
    sc = ssc.sparkContext
    stream = ssc.queueStream([sc.parallelize(b, 2) for b in batches])
    out = collect_output(build(stream), sort)
    ssc.start()
    advance(ssc, num_batches if num_batches is not None else len(batches))
    return out
