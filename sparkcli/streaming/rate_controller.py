"""Backpressure (Spark's RateController and PIDRateEstimator).

With ``spark.streaming.backpressure.enabled=true`` a :class:`RateController` listens to
completed batches and, per receiver input stream, feeds the batch's record count,
processing delay and scheduling delay to a :class:`PIDRateEstimator`. When the estimator
gives a new rate (records/s), the ReceiverTracker sends it to that stream's receiver, whose
``store`` then waits accordingly (never above ``spark.streaming.receiver.maxRate`` when
that is set). Receivers start at ``spark.streaming.backpressure.initialRate`` when set,
otherwise unlimited (as in Spark).

The estimator is Spark's, term for term: with the rate ``r`` in force and the processing
rate ``p = records / processing delay`` just measured, ``error = r - p``, the backlog term
``historical = scheduling delay * p / batch interval``; the new rate is
``max(minRate, r - kp*error - ki*historical - kd*d(error)/dt)``. The first batch only
records ``p``. Settings: ``spark.streaming.backpressure.pid.proportional`` (1.0),
``.integral`` (0.2), ``.derived`` (0.0), ``.minRate`` (100).
"""

from __future__ import annotations

import logging
from typing import Any, Callable

__all__ = ["PIDRateEstimator", "RateController", "backpressure_enabled"]

log = logging.getLogger("RateController")


class PIDRateEstimator:
    def __init__(self, batch_interval_ms: int, proportional: float = 1.0,
                 integral: float = 0.2, derivative: float = 0.0, min_rate: float = 100.0):
        if batch_interval_ms <= 0:
            raise ValueError(f"Specified batch interval {batch_interval_ms} in "
                             "PIDRateEstimator is invalid.")
        for name, value in (("proportional", proportional), ("integral", integral),
                            ("derivative", derivative)):
            if value < 0:
                raise ValueError(f"{name} term {value} in PIDRateEstimator is invalid.")
        if min_rate <= 0:
            raise ValueError(f"Minimum rate {min_rate} in PIDRateEstimator is invalid.")
        self.batch_interval_ms = batch_interval_ms
        self.kp, self.ki, self.kd = proportional, integral, derivative
        self.min_rate = min_rate
        self.first_run = True
        self.latest_time = -1
        self.latest_rate = -1.0
        self.latest_error = -1.0

    def compute(self, time_ms: int, num_elements: int, processing_delay_ms: int,
                scheduling_delay_ms: int) -> float | None:
        """The new rate in records/s, or None when this batch gives no estimate."""
        if not (time_ms > self.latest_time and num_elements > 0 and processing_delay_ms > 0):
            return None
        since_update = (time_ms - self.latest_time) / 1000.0
        processing_rate = num_elements / processing_delay_ms * 1000.0
        error = self.latest_rate - processing_rate
        historical = scheduling_delay_ms * processing_rate / self.batch_interval_ms
        d_error = (error - self.latest_error) / since_update
        new_rate = max(self.min_rate, self.latest_rate - self.kp * error
                       - self.ki * historical - self.kd * d_error)
        self.latest_time = time_ms
        if self.first_run:
            self.latest_rate, self.latest_error, self.first_run = processing_rate, 0.0, False
            return None
        self.latest_rate, self.latest_error = new_rate, error
        return new_rate


class RateController:
    """A StreamingListener: after each completed batch, a new rate per receiver stream."""

    def __init__(self, stream_ids: list[int], batch_ms: int, conf: Any,
                 publish: Callable[[int, float], None]):
        def num(key: str, default: float) -> float:
            return float(conf.get(f"spark.streaming.backpressure.pid.{key}") or default)

        self.publish = publish
        self.estimators = {sid: PIDRateEstimator(
            batch_ms, num("proportional", 1.0), num("integral", 0.2), num("derived", 0.0),
            num("minRate", 100.0)) for sid in stream_ids}

    def onBatchCompleted(self, batchCompleted: Any) -> None:
        info = batchCompleted.batchInfo()
        processing, scheduling = info.processingDelay(), info.schedulingDelay()
        if processing is None or scheduling is None:
            return
        for sid, input_info in info.streamIdToInputInfo().items():
            estimator = self.estimators.get(sid)
            if estimator is None:
                continue
            rate = estimator.compute(info.batchTime().milliseconds(), input_info.numRecords(),
                                     int(processing), int(scheduling))
            if rate is not None:
                log.debug("Stream %d: new rate %.0f records/s", sid, rate)
                self.publish(sid, rate)


def backpressure_enabled(conf: Any) -> bool:
    return (conf.get("spark.streaming.backpressure.enabled") or "false").lower() == "true"
