"""The ``sparkcli`` console script (``python -m sparkcli`` too): runs the click group.

Hash partitioning (reduceByKey, groupByKey...) must agree between executors, so every
executor starts with PYTHONHASHSEED=0; the launcher puts it in the environment that child
processes inherit. The driver itself is not re-executed (that would cost a whole interpreter
start-up per command): it never hash-partitions records itself, ``lookup`` asks an executor
for a key's partition when the driver's own string hashing is salted, and
``portable_hash`` called in such a driver raises PySpark's ``[PYTHON_HASH_SEED_NOT_SET]``
PySparkRuntimeError instead of returning a value executors would not agree with.

The command line is parsed by click (``CLI`` in sparkcli/lazy.py, loaded after the
zygote started). ``submit`` and ``shell`` start the executor zygote from their click
callbacks, before importing the code behind them, so executors cost a fork, not an
interpreter start, when the application asks (not with ``--master spark://``: there the
workers start the executors); see :func:`sparkcli.cli.executor_zygote.start_executor_zygote`.
A ``submit`` command line the launcher can read by itself starts the zygote even before
click loads (:func:`sparkcli.cli.executor_zygote.prestart`).

When the command is done, every object left is frozen (``gc.freeze``) before the interpreter
exits: its final garbage collections would otherwise walk all the objects of the ~500
modules a DataFrame application loads (engine, pyarrow, numpy), 60-100 ms of a 0.4 s
``spark.range(10).show()``, only to free memory the process gives back anyway. Module
teardown still runs (reference counting frees what it frees, atexit handlers run, files are
flushed); only cyclic garbage left at exit is not finalized, which Python never promises.

pyarrow is loaded without numpy until something imports numpy (runtime/arrow_numpy.py,
installed here first thing): a first query needs pyarrow, rarely numpy, which is most of
pyarrow's import time.
"""

from __future__ import annotations

import gc
import os
import sys

from runtime import arrow_numpy, lazy
from sparkcli.cli.executor_zygote import prestart
from sparkcli.lazy import CLI


def main() -> None:
    os.environ["PYTHONHASHSEED"] = "0"
    lazy.freeze_loaded_modules()  # one application per process: see runtime/lazy.py
    arrow_numpy.install(packages=("sparkcli",))  # the API's imports of pyarrow are the engine's
    prestart(sys.argv[1:])  # before click loads: see sparkcli/cli/executor_zygote.py
    try:
        CLI.cli(prog_name="sparkcli")
    finally:
        gc.freeze()
