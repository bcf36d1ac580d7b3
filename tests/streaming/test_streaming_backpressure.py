"""Backpressure: Spark's PID rate estimator (its PIDRateEstimatorSuite cases), the new rates
reaching a running receiver, and the closed loop slowing a flooding receiver down to what
the batches can process."""

from __future__ import annotations

import random
import threading
import time

import pytest

from sparkcli.streaming.rate_controller import PIDRateEstimator
from sparkcli.streaming.receiver import Receiver
from waiting import wait_for as poll

from .conftest import advance, collect_output


def test_first_estimate_is_none():
    assert PIDRateEstimator(20).compute(10, 10, 10, 0) is None


def test_second_estimate_is_a_rate_and_needs_time_to_pass():
    p = PIDRateEstimator(20)
    p.compute(10, 10, 10, 0)
    assert p.compute(10, 10, 10, 0) is None  # no time elapsed
    assert p.compute(20, 10, 10, 0) is not None


def test_no_estimate_without_records_or_processing_time():
    p = PIDRateEstimator(20)
    p.compute(10, 10, 10, 0)
    assert p.compute(20, 0, 10, 0) is None
    assert p.compute(30, 10, 0, 0) is None


@pytest.mark.parametrize("kwargs", [dict(batch_interval_ms=0), dict(proportional=-1.0),
                                    dict(integral=-1.0), dict(derivative=-1.0),
                                    dict(min_rate=0.0)])
def test_invalid_parameters(kwargs):
    args = dict(batch_interval_ms=20) | kwargs
    with pytest.raises(ValueError, match="in PIDRateEstimator is invalid"):
        PIDRateEstimator(**args)


def test_follows_the_processing_speed_without_backlog():
    p = PIDRateEstimator(20, 1.0, 1.0, 0.0, 10)
    rng = random.Random(7)
    elements = [rng.randint(1000, 1999) for _ in range(50)]
    res = [p.compute(i * 20, elements[i], 20, 0) for i in range(50)]
    assert res[0] is None
    assert res[1:] == [e * 1000 / 20 for e in elements[1:]]


def test_stays_below_the_processing_speed_with_a_backlog():
    p = PIDRateEstimator(20, 1.0, 1.0, 0.0, 10)
    res = [p.compute(i * 20, 1000, 20, 20) for i in range(50)]  # 50 records/ms, delayed
    assert res[0] is None
    assert all(r < 50_000 for r in res[1:])


def test_never_below_the_minimum_rate():
    p = PIDRateEstimator(20, 1.0, 1.0, 0.0, 100)
    res = [p.compute(i * 20, 10, 2000, 10_000) for i in range(10)]  # far too slow
    assert res[1:] == [100.0] * 9


class RateReportingReceiver(Receiver):
    """Stores, as fast as its rate limit lets it, the rate currently in force."""

    def onStart(self):
        def run():
            while not self.isStopped():
                self.store(self._supervisor.limiter.rate)

        threading.Thread(target=run, daemon=True).start()

    def onStop(self):
        pass


@pytest.fixture
def backpressure(sc):
    conf = sc._config
    defaults = {"spark.streaming.backpressure.enabled": "false",
                "spark.streaming.backpressure.initialRate": "0",
                "spark.streaming.receiver.maxRate": "0",
                "spark.streaming.blockInterval": "200ms"}

    def configure(initial, max_rate=0):
        conf.set("spark.streaming.backpressure.enabled", "true")
        conf.set("spark.streaming.backpressure.initialRate", str(initial))
        conf.set("spark.streaming.receiver.maxRate", str(max_rate))
        conf.set("spark.streaming.blockInterval", "50ms")  # small first batches

    yield configure
    for key, value in defaults.items():
        conf.set(key, value)


def _advance_until(ssc, out, cond, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        advance(ssc, 1)
        if cond(out[-1]):
            return out[-1]
    raise AssertionError(f"no batch matched; last batches: {[set(b) for b in out[-3:]]}")


def test_rates_reach_the_receiver_capped_by_max_rate(ssc, backpressure):
    backpressure(initial=1000, max_rate=3000)
    out = collect_output(ssc.receiverStream(RateReportingReceiver()), sort=False)
    ssc.start()
    tracker = ssc._scheduler.receiver_tracker
    poll(lambda: tracker.received_records >= 50, what="records at the initial rate")
    assert set(_advance_until(ssc, out, bool)) == {1000.0}
    # batches are processed far faster than 1000 records/s: the estimator raises the rate,
    # never above spark.streaming.receiver.maxRate
    _advance_until(ssc, out, lambda batch: batch and batch[-1] == 3000.0)
    # a rate sent while no batch completes (so the estimator sends none) is the one in force
    assert ssc._scheduler.listener_bus.wait_until_empty()  # the estimator's last word first
    tracker.update_rate(0, 1500.0)
    poll(lambda: _newest_record(tracker) == 1500.0, what="the new rate in force")


def _newest_record(tracker):
    with tracker.cond:
        blocks = tracker.unallocated.get(0) or [None]
        records = tracker.data.get(blocks[-1].block_id) if blocks[-1] else None
    return records[-1] if records else None


def test_slow_batches_slow_the_receiver_down(ssc, backpressure):
    """Processing takes 1 s per 10,000 records; the receiver starts at 20,000/s, so each
    batch would be twice the last. After a few batches the rate in force is at most what
    processing sustains (the PID's bound) and batches stop growing."""
    capacity = 10_000
    backpressure(initial=2 * capacity)

    def slow(rdd):
        n = len(rdd.collect())
        done = time.perf_counter() + n / capacity
        while time.perf_counter() < done:  # the work each record costs, simulated (busy)
            pass

    stream = ssc.receiverStream(RateReportingReceiver())
    stream.foreachRDD(slow)
    out = collect_output(stream, sort=False)
    ssc.start()
    tracker = ssc._scheduler.receiver_tracker
    poll(lambda: tracker.received_records >= 100, what="first records")
    first = _advance_until(ssc, out, bool)
    assert set(first) == {2.0 * capacity}
    last = _advance_until(ssc, out, lambda batch: batch and 0 < batch[-1] <= capacity)
    assert 100 <= last[-1] <= capacity
    grown = len(out[-1])
    advance(ssc, 2)  # filled at the new rate: no longer doubling
    assert len(out[-1]) < 1.5 * grown, [len(b) for b in out]
