"""StreamingContext: the entry point of Spark Streaming (PySpark's
pyspark.streaming.context.StreamingContext).

A StreamingContext wraps a SparkContext, a batch duration and a DStreamGraph. Sources and
operators only *describe* the graph; ``start()`` validates it (at least one output
operation; a checkpoint directory for stateful operators; enough task slots for the
receivers; a graph that can be checkpointed when checkpointing is on) and starts the
JobScheduler (sparkcli.streaming.scheduler), which generates one batch per batch interval
on the context's clock. ``stop()`` stops it (gracefully: after the data already received
is processed) and, by default, the SparkContext too.

Lifecycle (Spark's StreamingContextState): INITIALIZED -> ACTIVE -> STOPPED. Starting an
ACTIVE context only logs a warning (as Spark); starting a STOPPED one raises; adding
operators after start raises; one context may be active per process.

``StreamingContext(sc, batchDuration)`` as in PySpark; ``StreamingContext(master, appName,
batchDuration)`` and ``StreamingContext(conf, batchDuration)`` (Spark's Scala/Java
constructors) create the SparkContext as well.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from typing import Any, Callable

from runtime.errors import SparkException
from sparkcli.conf import SparkConf
from sparkcli.context import SparkContext
from sparkcli.rdd import RDD
from sparkcli.storagelevel import StorageLevel
from sparkcli.streaming.checkpoint import Checkpoint, CheckpointWriter, read_checkpoint
from sparkcli.streaming.clock import clock_from_conf
from sparkcli.streaming.dstream import DStream, TransformedDStream
from sparkcli.streaming.graph import DStreamGraph
from sparkcli.streaming.receiver import SocketReceiver
from sparkcli.streaming.receiver_tracker import check_slots
from sparkcli.streaming.scheduler import JobScheduler
from sparkcli.streaming.sources import FileInputDStream, QueueInputDStream, ReceiverInputDStream
from sparkcli.streaming.ui_listener import attach_ui, detach_ui
from sparkcli.streaming.util import to_datetime, to_ms

__all__ = ["IllegalStateException", "StreamingContext"]

log = logging.getLogger("StreamingContext")
_lock = threading.RLock()


class IllegalStateException(RuntimeError):
    """java.lang.IllegalStateException: the context is in the wrong state for the call."""


class StreamingContext:
    _activeContext: StreamingContext | None = None
    _transformerSerializer = None

    def __init__(self, sparkContext: Any, batchDuration: Any = None, jssc: Any = None,
                 _checkpoint: Any = None):
        if isinstance(sparkContext, str):  # (master, appName, batchDuration)
            master, app_name, batchDuration = sparkContext, batchDuration, jssc
            sparkContext = SparkContext(master, app_name)
        elif isinstance(sparkContext, SparkConf):  # (conf, batchDuration), Scala's form
            sparkContext = SparkContext(conf=sparkContext)
        if not isinstance(sparkContext, SparkContext):
            raise TypeError("StreamingContext needs a SparkContext (or a SparkConf, or "
                            "master, appName), then batchDuration; got "
                            f"{type(sparkContext).__name__}")
        self._sc = sparkContext
        conf = sparkContext._config
        if _checkpoint is not None:
            self._graph = _checkpoint.graph
        else:
            if batchDuration is None:
                raise ValueError("batchDuration must be given (seconds, or Seconds(n))")
            self._graph = DStreamGraph(to_ms(batchDuration, "batchDuration"))
        self._initial_checkpoint = _checkpoint
        self._state = "INITIALIZED"
        self._clock = clock_from_conf(conf.get("spark.streaming.clock"))
        self._unpersist = (conf.get("spark.streaming.unpersist") or "true").lower() == "true"
        self._checkpoint_dir: str | None = None
        self._checkpoint_writer: Any = None
        self._scheduler: Any = None
        self._pending_listeners: list = []
        self._terminated = threading.Condition()
        self._stopped_flag = False
        self._error: BaseException | None = None
        if _checkpoint is not None:
            self._graph.attach(self)
            if _checkpoint.checkpoint_dir:
                self.checkpoint(_checkpoint.checkpoint_dir)

    # -- properties / class methods -----------------------------------------------------------
    @property
    def sparkContext(self) -> Any:
        return self._sc

    @classmethod
    def getActive(cls) -> StreamingContext | None:
        return cls._activeContext

    @classmethod
    def getOrCreate(cls, checkpointPath: str,
                    setupFunc: Callable[[], StreamingContext]) -> StreamingContext:
        """Recreate the context from the checkpoint in ``checkpointPath`` if there is one,
        else call ``setupFunc()`` (which must build and return a new context)."""
        cp = read_checkpoint(checkpointPath)
        if cp is None:
            ssc = setupFunc()
            if not isinstance(ssc, StreamingContext):
                raise TypeError("setupFunc should return a StreamingContext, got "
                                f"{type(ssc).__name__}")
            ssc.checkpoint(checkpointPath)
            return ssc
        sc = SparkContext._active_spark_context
        if sc is None:
            sc = SparkContext(conf=cp.spark_conf())
        log.info("Recovering StreamingContext from checkpoint at %s (time %d ms)",
                 checkpointPath, cp.checkpoint_time)
        return StreamingContext(sc, None, None, _checkpoint=cp)

    @classmethod
    def getActiveOrCreate(cls, checkpointPath: str | None,
                          setupFunc: Callable[[], StreamingContext]) -> StreamingContext:
        if setupFunc is None:
            raise TypeError("setupFunc cannot be None")
        active = cls.getActive()
        if active is not None:
            return active
        if checkpointPath is not None:
            return cls.getOrCreate(checkpointPath, setupFunc)
        return setupFunc()

    # -- configuration ------------------------------------------------------------------------
    def remember(self, duration: float) -> None:
        """Keep each batch's RDDs for at least ``duration`` seconds (for ad hoc queries)."""
        self._graph.remember_ms = to_ms(duration, "remember duration")

    def checkpoint(self, directory: str | None) -> None:
        """Checkpoint the graph and state into ``directory`` (needed by updateStateByKey,
        windows with an inverse function, and recovery with getOrCreate)."""
        if directory is None:
            self._checkpoint_dir = self._checkpoint_writer = None
            return
        path = os.path.abspath(directory.removeprefix("file:"))
        os.makedirs(path, exist_ok=True)
        self._sc.setCheckpointDir(path)
        self._checkpoint_dir = path
        self._checkpoint_writer = CheckpointWriter(path)

    def addStreamingListener(self, streamingListener: Any) -> None:
        if self._scheduler is not None:
            self._scheduler.listener_bus.add(streamingListener)
        else:
            self._pending_listeners.append(streamingListener)

    # -- sources --------------------------------------------------------------------------------
    def socketTextStream(self, hostname: str, port: int,
                         storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_2) -> DStream:
        """Lines of text from a TCP server at hostname:port (this side connects)."""
        return self.receiverStream(SocketReceiver(hostname, port, storageLevel))

    def receiverStream(self, receiver: Any) -> DStream:
        """A DStream fed by a custom :class:`~sparkcli.streaming.receiver.Receiver`
        (sparkcli extension; Scala/Java Spark's receiverStream)."""
        return ReceiverInputDStream(self, receiver)

    def textFileStream(self, directory: str) -> DStream:
        """Lines of the new files that appear (atomically) in ``directory``."""
        return FileInputDStream(self, directory)

    def binaryRecordsStream(self, directory: str, recordLength: int) -> DStream:
        """Fixed-length byte records of the new files in ``directory``."""
        if not isinstance(recordLength, int) or recordLength <= 0:
            raise ValueError(f"recordLength must be a positive int, got {recordLength!r}")
        return FileInputDStream(self, directory, recordLength)

    def queueStream(self, rdds: Any, oneAtATime: bool = True, default: Any = None) -> DStream:
        """A DStream of the given RDDs (or lists), one per batch (all in the first batch
        when ``oneAtATime`` is False); ``default`` when the queue is empty."""
        if default is not None and not isinstance(default, RDD):
            default = self._sc.parallelize(default)
        return QueueInputDStream(self, rdds, oneAtATime, default)

    def transform(self, dstreams: list, transformFunc: Callable) -> DStream:
        """A DStream of ``transformFunc(rdds)`` (the batch's RDDs of ``dstreams``, in order)."""
        dstreams = list(dstreams)
        return TransformedDStream(dstreams, lambda t, *rdds: transformFunc(rdds))

    def union(self, *dstreams: DStream) -> DStream:
        if not dstreams:
            raise ValueError("should have at least one DStream to union")
        if len(dstreams) == 1:
            return dstreams[0]
        if len({s._slide_ms for s in dstreams}) > 1:
            raise ValueError("All DStreams should have same slide duration")
        sc = self._sc

        def union(t: Any, *rdds: Any) -> Any:
            return sc.union([r for r in rdds if r is not None])

        return _UnionDStream(list(dstreams), union)

    # -- lifecycle ------------------------------------------------------------------------------
    def _check_can_add_operations(self) -> None:
        if self._state == "ACTIVE":
            raise IllegalStateException("Adding new inputs, transformations, and output "
                                        "operations after starting a context is not supported")
        if self._state == "STOPPED":
            raise IllegalStateException("Adding new inputs, transformations, and output "
                                        "operations after stopping a context is not supported")

    def start(self) -> None:
        """Start generating and running batches."""
        with _lock:
            if self._state == "ACTIVE":
                log.warning("StreamingContext has already been started")
                return
            if self._state == "STOPPED":
                raise IllegalStateException("StreamingContext has already been stopped")
            active = StreamingContext._activeContext
            if active is not None and active is not self:
                raise IllegalStateException(
                    "Only one StreamingContext may be started in this process; stop the "
                    "running one first (StreamingContext.getActive().stop())")
            self._sc._check_alive()
            self._graph.validate()
            check_slots(self._sc, sum(isinstance(s, ReceiverInputDStream)
                                      for s in self._graph.input_streams))
            if self._checkpoint_writer is not None:
                try:
                    Checkpoint(self, 0).serialize()
                except Exception as e:
                    raise SparkException(
                        "DStream checkpointing has been enabled but the DStreams with their "
                        f"functions are not serializable: {e}") from e
            self._scheduler = JobScheduler(self)
            for listener in self._pending_listeners:
                self._scheduler.listener_bus.add(listener)
            attach_ui(self._sc, self._scheduler.listener_bus, self._graph.batch_ms,
                      self._clock.getTimeMillis)
            try:
                self._scheduler.start(self._initial_checkpoint)
            except BaseException:
                log.error("Error starting the context, marking it as stopped")
                self._scheduler.stop(False)
                self._state = "STOPPED"
                raise
            self._state = "ACTIVE"
            StreamingContext._activeContext = self
            atexit.register(self._atexit)
        log.info("StreamingContext started")

    def awaitTermination(self, timeout: float | None = None) -> None:
        """Wait for stop() (or an error of a batch, raised here); ``timeout`` seconds."""
        if timeout is None:
            self._await(None)
        else:
            self._await(timeout)

    def awaitTerminationOrTimeout(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True if the context stopped."""
        return self._await(timeout)

    def _await(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._terminated:
            while not self._stopped_flag and self._error is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._terminated.wait(0.2 if left is None else min(left, 0.2))
            if self._error is not None:
                raise self._error
            return self._stopped_flag

    def _notify_error(self, error: BaseException) -> None:
        with self._terminated:
            if self._error is None:
                self._error = error
            self._terminated.notify_all()

    def stop(self, stopSparkContext: bool = True, stopGraceFully: bool = False) -> None:
        """Stop the streaming (after processing the data received so far with
        ``stopGraceFully``) and, unless ``stopSparkContext=False``, the SparkContext."""
        with _lock:
            state, self._state = self._state, "STOPPED"
            if StreamingContext._activeContext is self:
                StreamingContext._activeContext = None
        if state == "ACTIVE":
            self._scheduler.stop(stopGraceFully)
            self._graph.stop()
            detach_ui(self._sc)
            log.info("StreamingContext stopped successfully")
        elif state == "INITIALIZED":
            log.warning("StreamingContext has not been started yet")
        with self._terminated:
            self._stopped_flag = True
            self._terminated.notify_all()
        if stopSparkContext:
            self._sc.stop()

    def _atexit(self) -> None:
        if self._state == "ACTIVE":
            self.stop(stopSparkContext=False)

    # -- checkpoints ----------------------------------------------------------------------------
    def _do_checkpoint(self, t: int, clear: bool = False) -> None:
        """Write a metadata checkpoint for batch time t (job generator thread); with
        ``clear`` (the checkpoint after a batch completed), then delete the RDD checkpoints
        it no longer references (Spark's clearCheckpointDataLater)."""
        writer = self._checkpoint_writer
        if writer is None:
            return
        try:
            writer.write(Checkpoint(self, t).serialize(), t)
        except Exception as e:
            log.warning("Could not write checkpoint for time %d ms: %r", t, e)
            return
        if clear:
            self._graph.clear_checkpoint_data(t)


class _UnionDStream(TransformedDStream):
    def _compute(self, t: int) -> Any:
        rdds = [p._get_or_compute(t) for p in self._parents]
        if all(r is None for r in rdds):
            return None
        return self.func(to_datetime(t), *rdds)
