"""A two-stage Arrow job built from runtime/ alone (issue 11's acceptance), run as a script:

    python arrow_two_stage_job.py WORK_DIR local[2]
    python arrow_two_stage_job.py WORK_DIR spark://127.0.0.1:PORT

Stage 1 (map): a parallel collection of 4 seeds -> a map-partitions node that builds record
batches (int, string and float keys, nulls, NaN and -0.0 included) -> an ARROW shuffle,
hash-partitioned on (k, s, f) by the seeded vectorized row hash, with a map-side combiner
(partial sum and count per key). Stage 2 (result): each reducer's batches are aggregated
again and returned as a pyarrow Table, which travels to the driver as Arrow IPC with the
"arrow" format tag. On a cluster, reducers fetch the IPC segments of the other worker's
map outputs through its shuffle service (host-local disk reads are turned off). The script checks the answer against plain Python, checks that no
``sparkcli`` module was imported here or in the executors, and prints ``OK <json>``.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import Counter

from runtime.dataformat import ARROW
from runtime.lineage import MapPartitions, ParallelCollection, Shuffled
from runtime.master_url import parse_master
from runtime.memory import pool_size
from runtime.scheduler import commands
from runtime.scheduler.driver import Driver
from runtime.scheduler.local import LocalLauncher
from runtime.scheduler.standalone import StandaloneLauncher
from runtime.shuffle import RowHashPartitioner, ShuffleSpec

MAPS, REDUCERS, ROWS = 4, 3, 6000
KEYS = ["k", "s", "f"]


def seed_rows(seed: int) -> list[tuple]:
    rows = []
    for j in range(ROWS):
        k = None if j % 97 == 0 else (j * 7919 + seed) % 50
        s = None if j % 89 == 0 else f"key{(j + seed) % 7}"
        f = [0.0, -0.0, float("nan"), 1.5, None][j % 5]
        rows.append((k, s, f, j))
    return rows


def make_batches(split, seeds):
    import pyarrow as pa

    assert not any(m.split(".")[0] == "sparkcli" for m in sys.modules), "executor imported sparkcli"
    for seed in seeds:
        rows = seed_rows(seed)
        for lo in range(0, ROWS, 2500):
            part = rows[lo: lo + 2500]
            yield pa.record_batch({
                "k": pa.array([r[0] for r in part], pa.int64()),
                "s": pa.array([r[1] for r in part], pa.string()),
                "f": pa.array([r[2] for r in part], pa.float64()),
                "v": pa.array([r[3] for r in part], pa.int64()),
            })


def _normalised(table):
    """-0.0 -> 0.0 in the float key, so grouping sees one zero (as Spark does)."""
    import pyarrow.compute as pc

    i = table.schema.get_field_index("f")
    return table.set_column(i, "f", pc.add(table.column("f"), 0.0))


def partial_sums(batches):
    import pyarrow as pa

    t = _normalised(pa.Table.from_batches(batches))
    out = t.group_by(KEYS, use_threads=False).aggregate([("v", "sum"), ("v", "count")])
    return out.rename_columns(["k", "s", "f", "v", "n"]).select(["k", "s", "f", "v", "n"]) \
        .to_batches()


def final_sums(split, batches):
    import pyarrow as pa

    batches = list(batches)
    if not batches:
        return []
    t = pa.Table.from_batches(batches)
    out = t.group_by(KEYS, use_threads=False).aggregate([("v", "sum"), ("n", "sum")])
    return out.rename_columns(["k", "s", "f", "v", "n"]).to_batches()


def collect_table(batches):
    import pyarrow as pa

    batches = list(batches)
    schema = pa.schema([("k", pa.int64()), ("s", pa.string()), ("f", pa.float64()),
                        ("v", pa.int64()), ("n", pa.int64())])
    return pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()


def expected() -> dict:
    sums: Counter = Counter()
    counts: Counter = Counter()
    for seed in range(MAPS):
        for k, s, f, v in seed_rows(seed):
            key = (k, s, None if f is None else ("nan" if math.isnan(f) else f + 0.0))
            sums[key] += v
            counts[key] += 1
    return {key: (sums[key], counts[key]) for key in sums}


def _key(row: dict) -> tuple:
    f = row["f"]
    return (row["k"], row["s"], "nan" if f is not None and math.isnan(f) else f)


def main(work: str, master: str) -> None:
    seen_formats: list = []
    decode = commands.decode_result

    def spy(data, fmt=None):
        seen_formats.append(fmt)
        return decode(data, fmt)

    commands.decode_result = spy  # records the tag every result arrived with
    app_id = "app-arrow-two-stage"
    app_dir = os.path.join(work, "work", app_id)
    local_dir = os.path.join(work, "local")
    os.makedirs(app_dir, exist_ok=True)
    os.makedirs(local_dir, exist_ok=True)
    spec = parse_master(master)
    driver = Driver(app_id=app_id, app_dir=app_dir, local_dir=local_dir, launcher=None,
                    max_failures=1 if spec.kind == "local" else 4, max_result_size=0,
                    memory_limit=pool_size(512 << 20))
    if spec.kind == "local":
        launcher = LocalLauncher(app_id=app_id, app_dir=app_dir, local_dir=local_dir,
                                 driver_address=driver.address, num_executors=spec.threads)
    else:
        launcher = StandaloneLauncher(master_hosts=spec.hosts, app_id=app_id,
                                      app_name="arrow-two-stage", driver_address=driver.address,
                                      cores_max=2, executor_cores=1, executor_memory_mb=512,
                                      # reducers fetch from the other worker's shuffle
                                      # service, not from its files on this same host
                                      env={"SPARKCLI_SHUFFLE_READ_HOST_LOCAL": "0"})
        launcher.driver = driver
    driver.launcher = launcher
    driver.start()
    try:
        launcher.start()
        seeds = ParallelCollection(0, range(MAPS), MAPS)
        maps = MapPartitions(1, seeds, make_batches)
        shuffle = ShuffleSpec(0, REDUCERS, data_format=ARROW,
                              partitioner=RowHashPartitioner(KEYS, seed=42),
                              combiner=partial_sums)
        reduced = MapPartitions(3, Shuffled(2, maps, shuffle), final_sums)
        tables = driver.run_job(reduced, collect_table, list(range(REDUCERS)))
    finally:
        driver.stop()
        driver.close_sockets()
        driver.bus.stop()
        launcher.stop()
    import pyarrow as pa

    assert all(isinstance(t, pa.Table) for t in tables), [type(t) for t in tables]
    assert seen_formats == [ARROW] * REDUCERS, seen_formats
    got: dict = {}
    for r, t in enumerate(tables):
        for row in t.to_pylist():
            key = _key(row)
            assert key not in got, f"key {key} in two reduce partitions"
            got[key] = (row["v"], row["n"])
    want = expected()
    assert got == want, (len(got), len(want))
    leaked = sorted(m for m in sys.modules if m.split(".")[0] == "sparkcli")
    assert not leaked, leaked
    print("OK " + json.dumps({"groups": len(got), "rows": [t.num_rows for t in tables],
                              "executors": sorted(launcher.procs)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
