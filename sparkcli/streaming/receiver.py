"""Receivers: long-running tasks that bring data in (Spark's Receiver, ReceiverSupervisor,
SocketReceiver) and the driver's ReceiverTracker.

Executor side. Each receiver runs as the single task of its own job, holding one task slot
for as long as the StreamingContext runs. The task (:func:`run_receiver`) builds a
:class:`ReceiverSupervisor`, calls ``receiver.onStart()`` (which must not block: it starts
its own threads) and then loops on the task thread until the driver kills the task
(``tc.interrupted``) or the receiver stops itself: every ``spark.streaming.blockInterval``
(200 ms) the records ``store()``d since the last tick are sent to the driver as one block,
``{"op": "stream_block", "stream_id", "block_id", "records"}``. ``store(iterator)`` sends
its records as a block at once. ``spark.streaming.receiver.maxRate`` (records/s, 0 = no
limit) makes ``store`` wait (a token bucket); under backpressure the driver sends new rates
mid-task (``tc.messages``, see :mod:`sparkcli.streaming.rate_controller`), capped by it.
``restart(msg)`` stops the receiver and starts it again after
``spark.streaming.receiverRestartDelay`` (2 s) on a helper thread.

Driver side. :class:`ReceiverTracker` launches one receiver job per receiver input stream
(relaunching a receiver whose task ended while the context runs), routes the blocks it is
sent (a handler on the scheduler loop only queues them; a tracker thread stores them: into
the write-ahead log first when ``spark.streaming.receiver.writeAheadLog.enable`` is on,
then into ``unallocated``), and at each batch time moves every unallocated block into that
batch (``allocate(t)``, logged too), which is what the batch's RDD is made of.

State: ``unallocated`` stream id -> [BlockInfo]; ``allocated`` batch ms -> {stream id ->
[BlockInfo]}; ``data`` block id -> records (blocks read back from the WAL after a restart
are loaded lazily); ``receivers`` stream id -> (JobWaiter, executor id, active). A block id
is the receiver's ``input-<stream>-<task id>-<n>`` tagged ``@<run>`` by the tracker: task
ids restart at 0 in a recovered driver, and a new block must never share its id with one
replayed from the log.
"""

from __future__ import annotations

import itertools
import logging
import socket
import threading
import time
from collections.abc import Iterable
from collections.abc import Iterator as _Iterator
from typing import Any

from runtime import task_env
from sparkcli.storagelevel import StorageLevel

__all__ = ["BlockInfo", "Receiver", "ReceiverTracker", "SocketReceiver"]

log = logging.getLogger("ReceiverTracker")


class Receiver:
    """Base class of custom receivers (Spark's Receiver; ``ssc.receiverStream(r)`` is a
    sparkcli extension: PySpark has no Python receivers).

    Implement ``onStart()`` (start threads that call ``self.store(record)`` and return at
    once) and ``onStop()`` (stop them). The object is pickled to the executor.
    """

    def __init__(self, storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_2):
        self.storageLevel = storageLevel
        self.streamId: int | None = None
        self._supervisor: ReceiverSupervisor | None = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_supervisor"] = None
        return state

    def onStart(self) -> None:
        raise NotImplementedError

    def onStop(self) -> None:
        raise NotImplementedError

    def preferredLocation(self) -> str | None:
        return None

    def store(self, dataItem: Any) -> None:
        """Store one record; an iterator or generator is stored as one block of records."""
        sup = self._need_supervisor()
        if isinstance(dataItem, _Iterator):
            sup.push_block(list(dataItem))
        else:
            sup.push_single(dataItem)

    def storeBlock(self, records: Iterable) -> None:
        """Store a list of records as one block (sparkcli extension)."""
        self._need_supervisor().push_block(list(records))

    def restart(self, message: str, error: BaseException | None = None,
                millisecond: int | None = None) -> None:
        self._need_supervisor().restart_receiver(message, error, millisecond)

    def stop(self, message: str, error: BaseException | None = None) -> None:
        self._need_supervisor().stop(message, error)

    def reportError(self, message: str, error: BaseException | None = None) -> None:
        self._need_supervisor().report_error(message, error)

    def isStarted(self) -> bool:
        return self._supervisor is not None and self._supervisor.state == "started"

    def isStopped(self) -> bool:
        return self._supervisor is None or self._supervisor.state != "started"

    def _need_supervisor(self) -> ReceiverSupervisor:
        if self._supervisor is None:
            raise RuntimeError("this receiver is not running (store/restart/stop only work "
                               "after the StreamingContext started it)")
        return self._supervisor


class SocketReceiver(Receiver):
    """Connects to host:port as a TCP client (as Spark's does) and stores one record per
    UTF-8 line; reconnects (restart) when the connection is refused or closed."""

    def __init__(self, host: str, port: int,
                 storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_2):
        super().__init__(storageLevel)
        self.host, self.port = host, int(port)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state["_sock"] = state["_thread"] = None
        return state

    def onStart(self) -> None:
        self._thread = threading.Thread(target=self._receive, name="socket-receiver",
                                        daemon=True)
        self._thread.start()

    def onStop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _receive(self) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=10)
        except OSError as e:
            self.restart(f"Error connecting to {self.host}:{self.port}", e)
            return
        sock.settimeout(None)
        self._sock = sock
        try:
            with sock.makefile("rb") as f:
                for raw in f:
                    if self.isStopped():
                        return
                    self.store(raw.rstrip(b"\r\n").decode("utf-8", "replace"))
            if not self.isStopped():
                self.restart("Socket data stream had no more data")
        except OSError as e:
            if not self.isStopped():
                self.restart(f"Error receiving data from {self.host}:{self.port}", e)


class _RateLimiter:
    def __init__(self, rate: float, ceiling: float = 0.0):
        self.ceiling = ceiling  # spark.streaming.receiver.maxRate: never above (0: none)
        self.rate = 0.0
        self.set_rate(rate)
        self.allowance = 0.0
        self.last = time.monotonic()

    def set_rate(self, rate: float) -> None:
        """Backpressure's updates; 0 means no limit but the ceiling."""
        if self.ceiling > 0:
            rate = min(rate, self.ceiling) if rate > 0 else self.ceiling
        self.rate = rate

    def acquire(self, n: int = 1) -> None:
        if self.rate <= 0:
            return
        while True:
            now = time.monotonic()
            self.allowance = min(self.rate, self.allowance + (now - self.last) * self.rate)
            self.last = now
            if self.allowance >= n or (n > self.rate and self.allowance >= self.rate):
                self.allowance -= n
                return
            time.sleep(min(0.05, (n - self.allowance) / self.rate))


class ReceiverSupervisor:
    """Runs a receiver inside its task (see the module doc)."""

    def __init__(self, receiver: Receiver, tc: Any, stream_id: int, block_ms: int,
                 max_rate: float, restart_delay_ms: int, initial_rate: float = 0.0):
        self.receiver, self.tc, self.stream_id = receiver, tc, stream_id
        self.block_ms, self.restart_delay_ms = block_ms, restart_delay_ms
        self.limiter = _RateLimiter(initial_rate, max_rate)
        self.lock = threading.Lock()
        self.buffer: list = []
        self.state = "initialized"
        self.stop_requested: tuple[str, str] | None = None
        self.seq = itertools.count()
        self.limit_lock = threading.Lock()
        receiver._supervisor = self
        receiver.streamId = stream_id

    def _send(self, msg: dict) -> None:
        self.tc.send_to_driver(msg)

    def _status(self, event: str, message: str = "", error: Any = None) -> None:
        self._send({"op": "stream_receiver", "stream_id": self.stream_id, "event": event,
                    "message": message, "error": repr(error) if error else "",
                    "name": type(self.receiver).__name__})

    def push_single(self, record: Any) -> None:
        with self.limit_lock:
            self.limiter.acquire(1)
        with self.lock:
            self.buffer.append(record)

    def push_block(self, records: list) -> None:
        with self.limit_lock:
            self.limiter.acquire(len(records))
        self._send_block(records)

    def _send_block(self, records: list) -> None:
        if records:
            self._send({"op": "stream_block", "stream_id": self.stream_id,
                        "block_id": f"input-{self.stream_id}-{self.tc.task_attempt_id}-"
                                    f"{next(self.seq)}", "records": records})

    def flush(self) -> None:
        with self.lock:
            records, self.buffer = self.buffer, []
        self._send_block(records)

    def start_receiver(self) -> None:
        try:
            self.state = "started"
            self.receiver.onStart()
            self._status("started")
        except Exception as e:
            self.state = "stopped"
            self._status("error", "Error starting receiver", e)
            self.stop("Error starting receiver", e)

    def stop_receiver(self, message: str, error: Any = None) -> None:
        if self.state != "started":
            return
        self.state = "stopped"
        try:
            self.receiver.onStop()
        except Exception as e:
            log.warning("Error stopping receiver %s: %r", self.stream_id, e)
        self._status("stopped", message, error)

    def restart_receiver(self, message: str, error: Any = None,
                         delay_ms: int | None = None) -> None:
        delay = (self.restart_delay_ms if delay_ms is None else delay_ms) / 1000.0

        def restart() -> None:
            self.stop_receiver("Restarting receiver with delay %d ms: %s"
                               % (delay * 1000, message), error)
            if error is not None:
                self._status("error", message, error)
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and not self._done():
                time.sleep(0.02)
            if not self._done():
                self.start_receiver()

        threading.Thread(target=restart, name="receiver-restart", daemon=True).start()

    def stop(self, message: str, error: Any = None) -> None:
        self.stop_requested = (message, repr(error) if error else "")

    def report_error(self, message: str, error: Any = None) -> None:
        self._status("error", message, error)

    def _done(self) -> bool:
        return self.tc.interrupted or self.stop_requested is not None

    def run(self) -> int:
        self.start_receiver()
        tick = self.block_ms / 1000.0
        next_flush = time.monotonic() + tick
        while not self._done():
            now = time.monotonic()
            if now >= next_flush:
                self.flush()
                next_flush = now + tick
            while self.tc.messages:  # from the driver: ("rate", records/s) under backpressure
                kind, value = self.tc.messages.popleft()
                if kind == "rate":
                    self.limiter.set_rate(value)
            time.sleep(min(0.02, max(0.0, next_flush - now)))
        message = self.stop_requested[0] if self.stop_requested else "Stopped by driver"
        self.stop_receiver(message)
        self.flush()
        return 0


def receiver_task(stream_id: int, block_ms: int, max_rate: float, restart_delay_ms: int,
                  initial_rate: float = 0.0):
    """The function of a receiver job (runs in the executor on the receiver's partition)."""

    def run(iterator: Iterable) -> int:
        receiver = next(iter(iterator))
        sup = ReceiverSupervisor(receiver, task_env.current(), stream_id, block_ms,
                                 max_rate, restart_delay_ms, initial_rate)
        return sup.run()

    return run


class BlockInfo:
    __slots__ = ("block_id", "handle", "num_records", "stream_id")

    def __init__(self, stream_id: int, block_id: str, num_records: int, handle: Any = None):
        self.stream_id, self.block_id = stream_id, block_id
        self.num_records, self.handle = num_records, handle

    def __getstate__(self) -> tuple:
        return (self.stream_id, self.block_id, self.num_records, self.handle)

    def __setstate__(self, state: tuple) -> None:
        self.stream_id, self.block_id, self.num_records, self.handle = state
