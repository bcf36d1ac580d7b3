"""Streaming scheduling: JobGenerator + JobScheduler (Spark's streaming.scheduler).

Threads (all daemons, all ended by ``stop``):
    RecurringTimer   waits on the clock for each batch time zero + k*batch and posts
                     ("generate", t) to the generator's event queue.
    JobGenerator     the only thread that generates RDDs or clears metadata, one event at
                     a time: ``generate`` (give received blocks to t, ask the graph for
                     the jobs of t, hand the JobSet to the scheduler, write a metadata
                     checkpoint), ``clear`` (after batch t completed: forget old RDDs and
                     blocks, checkpoint again -- named after the newest batch
                     generated, so the newest checkpoint name always holds the newest
                     state -- then delete the RDD checkpoints it no longer references),
                     ``stop``.
    JobScheduler     runs the JobSets in batch order (spark.streaming.concurrentJobs = 1):
                     every output operation's function, then posts the batch's events.
    listener bus     (sparkcli.streaming.listener) delivers events to StreamingListeners.

State: ``pending`` batch ms -> JobSet submitted and not completed (saved in checkpoints as
Spark's pendingTimes: rerun after a restart); ``last_completed`` (ms) with a Condition that
``wait_for_batch`` waits on (tests drive a ManualClock batch by batch with it); ``error``,
the first error of an output operation or of job generation, which ends
``awaitTermination`` with that exception (as Spark's ContextWaiter).

Start: the first batch is the first multiple of the batch duration after the clock's time
(zero time = that minus one batch). Restart from a checkpoint: the batches pending at the
checkpoint and the batches the driver missed while down are generated at once, then the
timer resumes at the next batch boundary; a ManualClock is first set to the checkpoint time
(plus ``spark.streaming.manualClock.jump``) as in Spark.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from sparkcli.streaming.clock import ManualClock
from sparkcli.streaming.listener import (BatchInfo, ListenerBus, OutputOperationInfo,
                                         StreamInputInfo)
from sparkcli.streaming.receiver_tracker import ReceiverTracker
from sparkcli.streaming.sources import ReceiverInputDStream

__all__ = ["JobGenerator", "JobScheduler", "JobSet"]

log = logging.getLogger("JobScheduler")


class JobSet:
    def __init__(self, time: int, jobs: list, num_records: int,
                 records_by_stream: dict[int, int] | None = None):
        self.time = time
        self.jobs = jobs
        self.num_records = num_records
        self.records_by_stream = records_by_stream or {}
        self.submitted = _now()
        self.started: float | None = None
        self.ended: float | None = None

    def info(self) -> BatchInfo:
        ops = {j.output_id: OutputOperationInfo(
            self.time, j.output_id, j.name, j.started, j.ended,
            None if j.error is None else repr(j.error)) for j in self.jobs}
        inputs = {sid: StreamInputInfo(sid, n) for sid, n in self.records_by_stream.items()}
        return BatchInfo(self.time, self.num_records, self.submitted, self.started,
                         self.ended, ops, inputs)


class JobGenerator:
    def __init__(self, scheduler: JobScheduler):
        self.scheduler = scheduler
        self.ssc = scheduler.ssc
        self.graph = self.ssc._graph
        self.clock = self.ssc._clock
        self.batch_ms = self.graph.batch_ms
        self.events: queue.Queue = queue.Queue()
        self.cancelled = threading.Event()
        self.timer_next: int | None = None
        self.last_generated: int | None = None
        self._timer: threading.Thread | None = None
        self._loop: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, checkpoint: Any = None) -> None:
        self._loop = threading.Thread(target=self._run, name="JobGenerator", daemon=True)
        if checkpoint is None:
            start = (self.clock.getTimeMillis() // self.batch_ms + 1) * self.batch_ms
            self.graph.start(start - self.batch_ms)
            self._loop.start()
            self._start_timer(start)
        else:
            self._restart(checkpoint)

    def _restart(self, cp: Any) -> None:
        if isinstance(self.clock, ManualClock):
            jump = int(self.ssc._sc._config.get("spark.streaming.manualClock.jump") or 0)
            self.clock.setTime(cp.checkpoint_time + jump)
        zero = self.graph.zero_time
        self.graph.start(zero, restored=True)
        gap = self.clock.getTimeMillis() - zero
        restart = (gap // self.batch_ms + 1) * self.batch_ms + zero
        down = list(range(cp.checkpoint_time + self.batch_ms, restart, self.batch_ms))
        times = sorted({t for t in list(cp.pending_times) + down if t < restart})
        log.info("Batches during down time (%d batches): %s", len(down), down)
        log.info("Batches pending processing (%d batches): %s", len(cp.pending_times),
                 sorted(cp.pending_times))
        log.info("Batches to reschedule (%d batches): %s", len(times), times)
        self._loop.start()  # type: ignore[union-attr]
        for t in times:
            self.events.put(("generate", t))
        self._start_timer(restart)

    def _start_timer(self, first: int) -> None:
        self.timer_next = first
        self._timer = threading.Thread(target=self._tick, name="RecurringTimer", daemon=True)
        self._timer.start()

    def _tick(self) -> None:
        while not self.cancelled.is_set():
            t = self.timer_next
            now = self.clock.waitTillTime(t, self.cancelled)  # type: ignore[arg-type]
            if now < t or self.cancelled.is_set():
                return
            self.timer_next = t + self.batch_ms  # type: ignore[operator]
            self.events.put(("generate", t))

    def stop_timer(self) -> None:
        self.cancelled.set()
        if self._timer is not None:
            self._timer.join(5)

    def stop(self) -> None:
        self.stop_timer()
        if self._loop is not None and self._loop.is_alive():
            self.events.put(("stop", 0))
            self._loop.join(10)

    # -- events ------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            kind, t = self.events.get()
            if kind == "stop":
                return
            try:
                if kind == "generate":
                    self._generate(t)
                elif kind == "clear":
                    self._clear(t)
            except BaseException as e:  # never leave the generator dead silently
                self.scheduler.report_error(f"Error generating jobs for time {t} ms", e)

    def _generate(self, t: int) -> None:
        sched = self.scheduler
        tracker = sched.receiver_tracker
        if tracker is not None:
            tracker.allocate(t)
        try:
            jobs = self.graph.generate_jobs(t)
        except BaseException as e:
            sched.report_error(f"Error generating jobs for time {t} ms", e)
            return
        self.last_generated = t
        by_stream = tracker.records_by_stream(t) if tracker is not None else {}
        sched.submit_job_set(JobSet(t, jobs, sum(by_stream.values()), by_stream))
        self.ssc._do_checkpoint(t)

    def _clear(self, t: int) -> None:
        self.graph.clear_metadata(t)
        tracker = self.scheduler.receiver_tracker
        if tracker is not None:
            tracker.cleanup(t - self.graph.max_input_remember_ms())
        # named after the newest batch generated, not after t: recovery reads the newest
        # name, and a checkpoint-<later batch> written at generation (listing t as still
        # pending) must not outlive this fresher one -- its batches' blocks may be gone
        self.ssc._do_checkpoint(max(t, self.last_generated or t), clear=True)


class JobScheduler:
    def __init__(self, ssc: Any):
        self.ssc = ssc
        self.listener_bus = ListenerBus()
        self.receiver_tracker: Any = None
        self.generator: JobGenerator | None = None
        self.jobsets: queue.Queue = queue.Queue()
        self.cond = threading.Condition()
        self.pending: dict[int, JobSet] = {}
        self.last_completed: int | None = None
        self.error: BaseException | None = None
        self.stopping = False
        self._thread: threading.Thread | None = None

    def start(self, checkpoint: Any = None) -> None:
        graph = self.ssc._graph
        streams = [s for s in graph.input_streams if isinstance(s, ReceiverInputDStream)]
        self.listener_bus.start()
        if streams:
            self.receiver_tracker = ReceiverTracker(self.ssc, streams)
            if checkpoint is not None:
                self.receiver_tracker.recover_from_wal()
        self._thread = threading.Thread(target=self._run, name="JobScheduler", daemon=True)
        self._thread.start()
        self.generator = JobGenerator(self)
        self.generator.start(checkpoint)
        if self.receiver_tracker is not None:
            self.receiver_tracker.start()
        self.listener_bus.post("onStreamingStarted", _now_ms())

    # -- job sets ----------------------------------------------------------------------------
    def submit_job_set(self, js: JobSet) -> None:
        with self.cond:
            self.pending[js.time] = js
        self.listener_bus.post("onBatchSubmitted", js.info())
        self.jobsets.put(js)

    def pending_times(self) -> list[int]:
        with self.cond:
            return sorted(self.pending)

    def _run(self) -> None:
        while True:
            js = self.jobsets.get()
            if js is None:
                return
            if not self.stopping:
                self._run_job_set(js)

    def _run_job_set(self, js: JobSet) -> None:
        js.started = _now()
        if js.jobs:
            self.listener_bus.post("onBatchStarted", js.info())
        sc = self.ssc._sc
        for job in js.jobs:
            if self.stopping:
                return
            job.started = _now()
            self.listener_bus.post("onOutputOperationStarted", js.info()._output_ops[
                job.output_id])
            sc.setLocalProperty("spark.job.description",
                                f"Streaming job from [output operation {job.output_id}, "
                                f"batch time {job.time} ms]")
            # what ties the jobs to this output operation in the UI (Spark's names)
            sc.setLocalProperty("spark.streaming.internal.batchTime", str(job.time))
            sc.setLocalProperty("spark.streaming.internal.outputOpId", str(job.output_id))
            try:
                job.func()
            except BaseException as e:
                job.error = e
                self.report_error(f"Error running job {job}", e)
            job.ended = _now()
            self.listener_bus.post("onOutputOperationCompleted", js.info()._output_ops[
                job.output_id])
        js.ended = _now()
        if js.jobs:
            info = js.info()
            self.listener_bus.post("onBatchCompleted", info)
            log.info("Finished jobs for time %d ms; total delay %.3f s", js.time,
                     (js.ended - js.submitted))
        with self.cond:
            self.pending.pop(js.time, None)
            self.last_completed = js.time if self.last_completed is None \
                else max(self.last_completed, js.time)
            self.cond.notify_all()
        if self.generator is not None:
            self.generator.events.put(("clear", js.time))

    def wait_for_batch(self, t: int, timeout: float = 30.0) -> bool:
        """Wait until batch ``t`` (ms) and every earlier batch completed (or an error)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while (self.last_completed is None or self.last_completed < t
                   or any(p <= t for p in self.pending)) and self.error is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.1))
        return True

    def report_error(self, message: str, error: BaseException) -> None:
        log.error("%s: %r", message, error)
        self.ssc._notify_error(error)
        with self.cond:
            if self.error is None:
                self.error = error
            self.cond.notify_all()

    # -- stopping ----------------------------------------------------------------------------
    def stop(self, graceful: bool) -> None:
        gen, tracker = self.generator, self.receiver_tracker
        if tracker is not None:
            tracker.stop()
        if gen is not None:
            if graceful:
                self._finish_received(gen)
            gen.stop_timer()
        if not graceful:
            self.stopping = True
        if gen is not None:
            gen.stop()
        self.jobsets.put(None)
        if self._thread is not None:
            self._thread.join(3600 if graceful else 2)
        self.stopping = True
        self.listener_bus.wait_until_empty(5)
        self.listener_bus.stop()
        if tracker is not None:
            tracker.close()

    def _finish_received(self, gen: JobGenerator) -> None:
        """Graceful stop: let the timer generate the batch that takes the last blocks, then
        wait for every generated batch (spark.streaming.gracefulStopTimeout)."""
        conf = self.ssc._sc._config
        timeout = conf.get_duration("spark.streaming.gracefulStopTimeout") \
            or 10 * gen.batch_ms / 1000.0
        deadline = time.monotonic() + timeout
        tracker = self.receiver_tracker
        target = gen.timer_next if tracker is not None and tracker.has_unallocated() \
            else gen.last_generated
        while target is not None and time.monotonic() < deadline:
            if gen.last_generated is not None and gen.last_generated >= target:
                break
            time.sleep(0.01)
        if target is not None:
            self.wait_for_batch(target, max(0.0, deadline - time.monotonic()))


def _now() -> float:
    return time.time()


def _now_ms() -> int:
    return int(time.time() * 1000)
