"""Feeds the driver UI's Streaming tab: a StreamingListener that hands each event, as plain
dicts, to the runtime's :class:`~runtime.status.streaming.StreamingProgress`.

The runtime knows nothing of DStreams or of the py4j-shaped event objects PySpark listeners
receive (:mod:`sparkcli.streaming.listener`); this adapter is where the two meet. It is added
to the streaming listener bus when a StreamingContext starts with a web UI, and the tab is
detached when the context stops, as Spark's StreamingTab is.
"""

from __future__ import annotations

from typing import Any

from sparkcli.streaming.listener import StreamingListener

__all__ = ["StreamingUIListener", "attach_ui", "detach_ui"]


def _ms(opt: Any) -> int | None:
    return None if opt is None else int(opt.get())


def _op(info: Any) -> dict:
    return {"batchTime": info.batchTime().milliseconds(), "id": info.id(),
            "name": info.name(), "description": info.description(),
            "startTime": _ms(info.startTime()), "endTime": _ms(info.endTime()),
            "failureReason": info.failureReason()}


def _batch(info: Any) -> dict:
    return {"batchTime": info.batchTime().milliseconds(),
            "submissionTime": info.submissionTime(),
            "processingStartTime": _ms(info.processingStartTime()),
            "processingEndTime": _ms(info.processingEndTime()),
            "inputInfo": {sid: i.numRecords() for sid, i in
                          info.streamIdToInputInfo().items()},
            "outputOps": {k: _op(v) for k, v in info.outputOperationInfos().items()}}


def _receiver(info: Any) -> dict:
    return {"streamId": info.streamId(), "name": info.name(), "active": info.active(),
            "executorId": info.executorId(), "location": info.location(),
            "lastErrorMessage": info.lastErrorMessage(), "lastError": info.lastError()}


class StreamingUIListener(StreamingListener):
    def __init__(self, progress: Any, batch_ms: int, clock: Any):
        self.progress, self.batch_ms, self.clock = progress, batch_ms, clock

    def onStreamingStarted(self, streamingStarted: Any) -> None:
        self.progress.streaming_started(streamingStarted.time(), self.batch_ms)

    def onBatchSubmitted(self, batchSubmitted: Any) -> None:
        self.progress.batch_submitted(_batch(batchSubmitted.batchInfo()))

    def onBatchStarted(self, batchStarted: Any) -> None:
        self.progress.batch_started(_batch(batchStarted.batchInfo()))

    def onBatchCompleted(self, batchCompleted: Any) -> None:
        self.progress.batch_completed(_batch(batchCompleted.batchInfo()))

    def onOutputOperationStarted(self, outputOperationStarted: Any) -> None:
        self.progress.output_op_started(_op(outputOperationStarted.outputOperationInfo()))

    def onOutputOperationCompleted(self, outputOperationCompleted: Any) -> None:
        self.progress.output_op_completed(_op(outputOperationCompleted.outputOperationInfo()))

    def onReceiverStarted(self, receiverStarted: Any) -> None:
        self.progress.receiver_started(_receiver(receiverStarted.receiverInfo()))

    def onReceiverError(self, receiverError: Any) -> None:
        self.progress.receiver_error(_receiver(receiverError.receiverInfo()),
                                     int(self.clock()))

    def onReceiverStopped(self, receiverStopped: Any) -> None:
        self.progress.receiver_stopped(_receiver(receiverStopped.receiverInfo()))


def attach_ui(sc: Any, bus: Any, batch_ms: int, clock: Any) -> bool:
    """Show the Streaming tab in ``sc``'s web UI (when it has one) fed from ``bus``."""
    ui = getattr(sc.runtime, "ui", None)
    if ui is None:
        return False
    bus.add(StreamingUIListener(ui.attach_streaming(), batch_ms, clock))
    return True


def detach_ui(sc: Any) -> None:
    ui = getattr(sc.runtime, "ui", None)
    if ui is not None:
        ui.detach_streaming()
