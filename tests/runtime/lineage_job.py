"""A two-stage job built from runtime.lineage nodes alone and run by the engine on local[N]
executors, with no API (``sparkcli``) module imported anywhere: in this process (checked by
the caller) or in the executors (each task reports its own ``sys.modules``).

Run as a script (``python lineage_job.py WORK_DIR``) so the check of ``sys.modules`` is not
spoilt by other tests of the same pytest process; prints one JSON line with the results.
"""

from __future__ import annotations

import json
import operator
import os
import sys
import tempfile
from typing import Any

from runtime import config as rconfig
from runtime.app import AppDirs, AppRuntime
from runtime.appdir import new_app_id
from runtime.lineage.narrow import MapPartitions
from runtime.lineage.partitioner import Partitioner
from runtime.lineage.shuffled import Shuffled
from runtime.lineage.sources import ParallelCollection
from runtime.scheduler.driver import Driver
from runtime.scheduler.local import LocalLauncher
from runtime.shuffle.hashing import portable_hash
from runtime.shuffle.spec import Aggregator, ShuffleSpec


def start_app(work_dir: str, executors: int = 2) -> AppRuntime:
    """An AppRuntime with a driver and ``executors`` local executor processes."""
    app_id, app_dir = new_app_id(work_dir)
    local = tempfile.mkdtemp(prefix=f"lineage-{app_id}-")
    files = os.path.join(local, "files")
    os.makedirs(files)
    app = AppRuntime(rconfig.Config(), app_id, AppDirs(app_dir, local, files))
    app.driver = Driver(app_id=app_id, app_dir=app_dir, local_dir=local, launcher=None,
                        max_failures=1, max_result_size=0, memory_limit=64 << 20)
    app.launcher = LocalLauncher(app_id=app_id, app_dir=app_dir, local_dir=local,
                                 driver_address=app.driver.address, num_executors=executors,
                                 python_paths=[p for p in sys.path if p])
    app.driver.launcher = app.launcher
    app.driver.start()
    app.launcher.start()
    return app


def stop_app(app: AppRuntime) -> None:
    app.driver.stop()
    app.driver.close_sockets()
    app.launcher.stop()


def word_count(app: AppRuntime, words: list[str], reducers: int = 3) -> Any:
    """(word, count) pairs: parallelize -> map to pairs -> reduceByKey -> collect, as nodes."""
    ids = app.ids
    source = ParallelCollection(ids.rdd(), words, 4)
    pairs = MapPartitions(ids.rdd(), source, lambda _, it: ((w, 1) for w in it))
    spec = ShuffleSpec(ids.shuffle(), reducers, portable_hash,
                       Aggregator(lambda v: v, operator.add, operator.add),
                       map_side_combine=True)
    counts = Shuffled(ids.rdd(), pairs, spec, Partitioner(reducers, portable_hash))

    def collect(it: Any) -> list:
        return [sorted(it), sorted(m for m in sys.modules if m.split(".")[0] == "sparkcli")]

    return app.driver.run_job(counts, collect, list(range(reducers)), {})


def main(work_dir: str) -> None:
    words = [f"w{i % 7}" for i in range(1000)]
    app = start_app(work_dir)
    try:
        parts = word_count(app, words)
        stages = sorted(s.name for s in app.driver.dag.shuffle_stages.values())
    finally:
        stop_app(app)
    print(json.dumps({
        "counts": sorted(kv for part, _ in parts for kv in part),
        "executor_api_modules": sorted({m for _, mods in parts for m in mods}),
        "driver_api_modules": sorted(m for m in sys.modules if m.split(".")[0] == "sparkcli"),
        "map_stages": stages,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
