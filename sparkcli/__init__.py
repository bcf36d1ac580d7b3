"""sparkcli: the Apache Spark developer experience in pure Python (PySpark-compatible API).

``import pyspark`` resolves here under ``sparkcli submit``/``shell`` and inside executors.
Names are imported lazily so that ``sparkcli --help`` and executors start fast. The package's
frames are left out of the tracebacks users see, like the engine's (runtime.tracebacks).
"""

from __future__ import annotations

import os

from runtime import tracebacks as _tracebacks
from runtime.lazy import load as _load
from sparkcli.version import PYSPARK_API_VERSION as __version__  # pyspark.__version__

_tracebacks.hide_frames_under(os.path.dirname(os.path.abspath(__file__)))

_LAZY = {
    "SparkConf": "sparkcli.conf",
    "SparkContext": "sparkcli.context",
    "RDD": "sparkcli.rdd",
    "StorageLevel": "sparkcli.storagelevel",
    "Broadcast": "sparkcli.shared",
    "Accumulator": "sparkcli.shared",
    "AccumulatorParam": "sparkcli.shared",
    "SparkFiles": "sparkcli.files",
    "TaskContext": "sparkcli.taskcontext",
    "StatusTracker": "sparkcli.status",
    "InheritableThread": "sparkcli.util",
    "inheritable_thread_target": "sparkcli.util",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'sparkcli' has no attribute {name!r}")
    value = getattr(_load(mod), name)
    globals()[name] = value
    return value
