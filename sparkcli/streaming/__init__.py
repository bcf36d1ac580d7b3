"""Spark Streaming (DStreams) for sparkcli: PySpark's pyspark.streaming.

``import pyspark.streaming`` resolves here under ``sparkcli submit``. See
:mod:`sparkcli.streaming.context` (StreamingContext), :mod:`sparkcli.streaming.dstream`
(DStream operators), :mod:`sparkcli.streaming.scheduler` (batches on a clock) and
:mod:`sparkcli.streaming.receiver` (receivers).
"""

from __future__ import annotations

from sparkcli.streaming.context import StreamingContext
from sparkcli.streaming.dstream import DStream
from sparkcli.streaming.listener import StreamingListener
from sparkcli.streaming.receiver import Receiver
from sparkcli.streaming.util import Milliseconds, Minutes, Seconds

__all__ = [
           "DStream",
           "Milliseconds",
           "Minutes",
           "Receiver",
           "Seconds",
           "StreamingContext",
           "StreamingListener",
]
