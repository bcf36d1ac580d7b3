"""The driver's ReceiverTracker (see :mod:`sparkcli.streaming.receiver` for the design)."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import uuid
from typing import Any

from runtime.errors import SparkException
from sparkcli.streaming.listener import ReceiverInfo
from sparkcli.streaming.rate_controller import RateController, backpressure_enabled
from sparkcli.streaming.receiver import BlockInfo, receiver_task
from sparkcli.streaming.wal import FileWriteAheadLog

__all__ = ["ReceiverTracker"]

log = logging.getLogger("ReceiverTracker")


class ReceiverTracker:
    def __init__(self, ssc: Any, streams: list):
        self.ssc, self.sc = ssc, ssc._sc
        self.streams = {s._id: s for s in streams}
        self.unallocated: dict[int, list[BlockInfo]] = {sid: [] for sid in self.streams}
        self.allocated: dict[int, dict[int, list[BlockInfo]]] = {}
        self.data: dict[str, list] = {}
        self.received_records = 0
        # block ids made by receivers (input-<stream>-<task>-<seq>) repeat after a driver
        # restart (task ids restart at 0): tag them with this run so a block replayed from
        # the write-ahead log is never confused with a new one of the same name
        self.run_tag = uuid.uuid4().hex[:8]
        self.cond = threading.Condition()
        self.inbox: queue.Queue = queue.Queue()
        self.receivers: dict[int, Any] = {}
        self.executors: dict[int, str] = {}
        self.stopping = False
        self._thread: threading.Thread | None = None
        conf = self.sc._config
        self.block_ms = block_interval_ms(conf, self.ssc._graph.batch_ms)
        self.max_rate = float(conf.get("spark.streaming.receiver.maxRate") or 0)
        self.backpressure = backpressure_enabled(conf)
        # the receivers' first rate: spark.streaming.backpressure.initialRate (else no limit)
        self.initial_rate = float(
            conf.get("spark.streaming.backpressure.initialRate") or 0) \
            if self.backpressure else 0.0
        self.restart_delay_ms = int(conf.get("spark.streaming.receiverRestartDelay") or 2000)
        self.wal_data: dict[int, Any] = {}
        self.wal_meta = None
        if _wal_enabled(conf):
            self._open_wal()

    # -- write-ahead log ---------------------------------------------------------------------
    def _open_wal(self) -> None:
        root = self.ssc._checkpoint_dir
        if not root:
            raise SparkException(
                "spark.streaming.receiver.writeAheadLog.enable is true but the checkpoint "
                "directory has not been set: call ssc.checkpoint(directory) first (the log "
                "lives under <checkpoint>/receivedData)")
        secs = int(self.sc._config.get(
            "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs") or 60)
        clock = self.ssc._clock
        self.wal_meta = FileWriteAheadLog(os.path.join(root, "receivedBlockMetadata"),
                                          secs * 1000, clock)
        for sid in self.streams:
            self.wal_data[sid] = FileWriteAheadLog(
                os.path.join(root, "receivedData", str(sid)), secs * 1000, clock)

    def recover_from_wal(self) -> None:
        """Replay the block metadata log: blocks received, batches they were given to."""
        if self.wal_meta is None:
            return
        for event in self.wal_meta.read_all():
            kind = event[0]
            if kind == "add":
                info = event[1]
                self.unallocated.setdefault(info.stream_id, []).append(info)
            elif kind == "alloc":
                t, batch = event[1], event[2]
                self.allocated[t] = batch
                for sid, infos in batch.items():
                    ids = {i.block_id for i in infos}
                    self.unallocated[sid] = [i for i in self.unallocated.get(sid, [])
                                             if i.block_id not in ids]
            elif kind == "clean":
                for t in event[1]:
                    self.allocated.pop(t, None)
        n = sum(len(v) for v in self.unallocated.values())
        log.info("Recovered %d unallocated block(s) and %d batch allocation(s) from the "
                 "write-ahead log", n, len(self.allocated))

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if not self.streams:
            return
        check_slots(self.sc, len(self.streams))
        drv = self.sc.runtime.driver
        drv.handlers["stream_block"] = self._on_message
        drv.handlers["stream_receiver"] = self._on_message
        if self.backpressure:
            self.ssc._scheduler.listener_bus.add(RateController(
                list(self.streams), self.ssc._graph.batch_ms, self.sc._config,
                self.update_rate))
        self._thread = threading.Thread(target=self._consume, name="ReceiverTracker",
                                        daemon=True)
        self._thread.start()
        for sid in self.streams:
            self._launch(sid)

    def _on_message(self, executor_id: str, msg: dict) -> None:  # scheduler thread: queue it
        self.inbox.put((executor_id, msg))

    def _launch(self, sid: int) -> None:
        stream = self.streams[sid]
        rdd = self.sc.parallelize([stream.receiver], 1)
        func = receiver_task(sid, self.block_ms, self.max_rate, self.restart_delay_ms,
                             self.initial_rate)
        props = {"spark.job.description": f"Streaming job running receiver {sid}"}
        waiter = self.sc.runtime.driver.submit_job(rdd._node, func, [0], props)
        self.receivers[sid] = waiter
        threading.Thread(target=self._watch, args=(sid, waiter), daemon=True,
                         name=f"receiver-watch-{sid}").start()

    def update_rate(self, sid: int, rate: float) -> None:
        """Backpressure: the receiver of stream ``sid`` may now store ``rate`` records/s."""
        waiter = self.receivers.get(sid)
        if waiter is not None and waiter.job_id is not None and not waiter.event.is_set():
            self.sc.runtime.driver.message_job_tasks(waiter.job_id, ("rate", rate))

    def _watch(self, sid: int, waiter: Any) -> None:
        waiter.event.wait()
        if self.stopping or self.sc._stopped:  # stopped with its SparkContext (e.g. Ctrl-C)
            return
        why = f": {waiter.error}" if waiter.error is not None else ""
        log.warning("Receiver for stream %d ended%s; restarting it in %d ms", sid, why,
                    self.restart_delay_ms)
        deadline = time.monotonic() + self.restart_delay_ms / 1000.0
        while time.monotonic() < deadline and not self.stopping:
            time.sleep(0.05)
        if not self.stopping and not self.sc._stopped:
            self._launch(sid)

    def _consume(self) -> None:
        while True:
            item = self.inbox.get()
            if item is None:
                return
            executor_id, msg = item
            if isinstance(msg, threading.Event):
                msg.set()
                continue
            try:
                if msg["op"] == "stream_block":
                    self._add_block(msg)
                else:
                    self._receiver_event(executor_id, msg)
            except Exception:
                log.exception("Could not store a received block")

    def _add_block(self, msg: dict) -> None:
        sid, records = msg["stream_id"], msg["records"]
        info = BlockInfo(sid, f"{msg['block_id']}@{self.run_tag}", len(records))
        if self.wal_meta is not None:
            info.handle = self.wal_data[sid].write(records)
            self.wal_meta.write(("add", info))
        with self.cond:
            self.data[info.block_id] = records
            self.unallocated.setdefault(sid, []).append(info)
            self.received_records += len(records)
            self.cond.notify_all()

    def _receiver_event(self, executor_id: str, msg: dict) -> None:
        event = msg["event"]
        sid = msg["stream_id"]
        active = event == "started"
        if active:
            self.executors[sid] = executor_id
        info = ReceiverInfo(sid, msg.get("name", "Receiver"), active, executor_id,
                            msg.get("error") or msg.get("message") or "")
        method = {"started": "onReceiverStarted", "stopped": "onReceiverStopped",
                  "error": "onReceiverError"}[event]
        if event == "error":
            log.warning("Receiver for stream %d: %s %s", sid, msg.get("message"),
                        msg.get("error"))
        self.ssc._scheduler.listener_bus.post(method, info)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every message queued so far is stored."""
        if self._thread is None:
            return True
        done = threading.Event()
        self.inbox.put(("", done))
        return done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping = True
        drv = self.sc.runtime.driver
        for waiter in list(self.receivers.values()):
            if waiter.submitted.wait(timeout) and not waiter.event.is_set():
                drv.kill_job_tasks(waiter.job_id)
        for waiter in list(self.receivers.values()):
            waiter.event.wait(timeout)
        if self._thread is not None:
            self.drain(timeout)
            self.inbox.put(None)
            self._thread.join(timeout)
        for op in ("stream_block", "stream_receiver"):
            if drv.handlers.get(op) == self._on_message:
                del drv.handlers[op]

    def close(self) -> None:
        for w in [self.wal_meta, *self.wal_data.values()]:
            if w is not None:
                w.close()

    # -- batches -----------------------------------------------------------------------------
    def allocate(self, t: int) -> None:
        with self.cond:
            if t in self.allocated:  # recovered from the log: same blocks as before
                return
            batch = {sid: infos for sid, infos in self.unallocated.items()}
            self.unallocated = {sid: [] for sid in self.unallocated}
            self.allocated[t] = batch
        if self.wal_meta is not None:
            self.wal_meta.write(("alloc", t, batch))

    def has_unallocated(self) -> bool:
        with self.cond:
            return any(self.unallocated.values())

    def blocks_of(self, t: int, sid: int) -> list[list]:
        with self.cond:
            infos = list(self.allocated.get(t, {}).get(sid, ()))
        out = []
        for info in infos:
            records = self.data.get(info.block_id)
            if records is None:
                if info.handle is None:
                    raise SparkException(f"Block {info.block_id} of batch {t} was lost")
                records = self.wal_data[sid].read(info.handle)
            out.append(records)
        return out

    def records_by_stream(self, t: int) -> dict[int, int]:
        with self.cond:
            return {sid: sum(i.num_records for i in infos)
                    for sid, infos in self.allocated.get(t, {}).items()}

    def cleanup(self, threshold: int) -> None:
        """Forget batches before ``threshold`` (ms) and their blocks."""
        with self.cond:
            old = [t for t in self.allocated if t < threshold]
            for t in old:
                for infos in self.allocated.pop(t).values():
                    for i in infos:
                        self.data.pop(i.block_id, None)
        if old and self.wal_meta is not None:
            self.wal_meta.write(("clean", old))
            for w in self.wal_data.values():
                w.clean(threshold)


def _wal_enabled(conf: Any) -> bool:
    return (conf.get("spark.streaming.receiver.writeAheadLog.enable") or "false").lower() == "true"


def check_slots(sc: Any, receivers: int) -> None:
    """Receivers hold a task slot each for as long as the context runs: with no slot left
    for the batches nothing would ever be processed, so fail at start()."""
    if sc._spec.kind != "local":  # a cluster's cores are known only as executors come
        return
    slots = sc._spec.threads
    if receivers and slots <= receivers:
        raise SparkException(
            f"local[{slots}] has {'one task slot' if slots == 1 else f'{slots} task slots'} "
            "and the "
            f"receiver{'s' if receivers > 1 else ''} would hold "
            f"{'it' if slots == 1 else 'them all'}: use local[{receivers + 1}] or more "
            "(Spark would start and silently process nothing)")


def block_interval_ms(conf: Any, batch_ms: int | None) -> int:
    """spark.streaming.blockInterval when the user set it; else the smaller of Spark's 200 ms
    and the batch interval. Spark keeps 200 ms, so 50 ms batches get data in only one batch of
    four; sparkcli shortens the interval instead (said at INFO), which keeps latency low without
    tuning (examples/streaming/README.md lists this difference from Spark)."""
    given = conf.get("spark.streaming.blockInterval")
    if given is not None:
        return int(conf.get_duration("spark.streaming.blockInterval") * 1000)
    if batch_ms and batch_ms < 200:
        log.info("spark.streaming.blockInterval is not set: receivers cut blocks every %d ms, "
                 "the batch interval (Spark's default, 200 ms, is longer than a batch)", batch_ms)
        return batch_ms
    return 200
