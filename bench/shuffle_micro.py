"""Micro-benchmark: the shuffle writer's map-side combine against a plain dict loop.

    PYTHONHASHSEED=0 python bench/shuffle_micro.py [--records 5000000] [--partitions 2]

Feeds N ``(word, 1)`` pairs (words drawn from a 50k-word vocabulary with Zipf 1/rank weights,
as in bench/datagen.py's text) through

  * ``dict loop``      -- ``d[w] = get(w, 0) + 1`` over the pairs: the floor;
  * ``Counter loop``   -- ``c[w] += 1`` over the bare words, the single-process baseline the
    engine's word count must beat;
  * ``write_map_output`` with reduceByKey's aggregator (map-side combine, partition, pickle,
    write), fed from a list and from a generator (as a pipelined map task feeds it); ``+``
    (operator.add or ``lambda a, b: a + b``) runs an inlined loop, so a row with another
    merge function (``lambda a, b: b + a``) shows the cost of one Python call per record;
  * ``write_map_output`` without combine (partitionBy) and ``read_partition`` of the
    combined output, for scale;

and prints records/s and the overhead relative to the dict loop.

Then ``--arrow-rows`` rows (default 1M: an int64 key, a word, an int64 value) go through a
partitionBy-style shuffle (no combine) twice -- as pickled ``(key, (word, value))`` records
with portable_hash, and as Arrow record batches with the vectorized row-hash partitioner
and IPC segments -- timing write and read (MB/s of the rows' Arrow size, the same logical
data for both); and the row hash alone is timed in rows/s on the int key, the word, and both.
"""

from __future__ import annotations

import argparse
import itertools
import operator
import os
import random
import shutil
import string
import tempfile
import time
from collections import Counter

os.environ.setdefault("PYTHONHASHSEED", "0")

from runtime.dataformat import ARROW
from runtime.shuffle import (
    Aggregator,
    RowHashPartitioner,
    ShuffleMetrics,
    ShuffleSpec,
    portable_hash,
    read_partition,
    write_map_output,
)


def make_words(n: int, vocab: int = 50_000, seed: int = 42) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < vocab:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))))
    ordered = sorted(words)
    cum = list(itertools.accumulate(1.0 / r for r in range(1, vocab + 1)))
    return rng.choices(ordered, cum_weights=cum, k=n)


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--arrow-rows", type=int, default=1_000_000)
    args = ap.parse_args()
    n = args.records

    t = time.perf_counter()
    words = make_words(n)
    pairs = [(w, 1) for w in words]
    print(
        f"generated {n:,} pairs ({len(set(words)):,} distinct words) "
        f"in {time.perf_counter() - t:.1f}s"
    )

    tmp = tempfile.mkdtemp(prefix="shuffle-micro-")
    reduce_by_key = ShuffleSpec(
        0,
        args.partitions,
        portable_hash,
        Aggregator(lambda v: v, operator.add, operator.add),
        map_side_combine=True,
    )
    generic = ShuffleSpec(
        2,
        args.partitions,
        portable_hash,
        Aggregator(lambda v: v, lambda a, b: b + a, lambda a, b: b + a),
        map_side_combine=True,
    )
    partition_by = ShuffleSpec(1, args.partitions, portable_hash)
    results: list[tuple[str, float]] = []

    def dict_loop():
        d: dict = {}
        get = d.get
        for w, one in pairs:
            d[w] = get(w, 0) + one
        return d

    def counter_loop():
        c: Counter = Counter()
        for w in words:
            c[w] += 1
        return c

    statuses = []

    def write_combined(records):
        m = ShuffleMetrics()
        statuses[:] = [write_map_output(records, reduce_by_key, 0, "bench", tmp, 1 << 40, m)]

    def write_combined_list():
        write_combined(pairs)

    def write_combined_gen():
        write_combined((w, 1) for w in words)

    def write_combined_generic():
        write_map_output(pairs, generic, 0, "bench", tmp, 1 << 40, ShuffleMetrics())

    def write_plain():
        write_map_output(pairs, partition_by, 0, "bench", tmp, 1 << 40, ShuffleMetrics())

    try:
        for name, fn in [
            ("dict loop (floor)", dict_loop),
            ("Counter loop (baseline)", counter_loop),
            ("write_map_output combine, list", write_combined_list),
            ("write_map_output combine, generator", write_combined_gen),
            ("write_map_output combine, other merge", write_combined_generic),
            ("write_map_output no combine", write_plain),
        ]:
            results.append((name, best_of(args.repeat, fn)))
        m = ShuffleMetrics()

        def read_all():
            for r in range(args.partitions):
                for _ in read_partition(statuses, r, reduce_by_key, 1 << 40, tmp, m):
                    pass

        read_s = best_of(args.repeat, read_all)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    floor = results[0][1]
    print(f"\n{'path':40s} {'seconds':>8s} {'records/s':>14s} {'vs dict loop':>13s}")
    for name, secs in results:
        print(f"{name:40s} {secs:8.3f} {n / secs:14,.0f} {secs / floor:12.2f}x")
    distinct = statuses[0].records
    print(
        f"{'read_partition (combined output)':40s} {read_s:8.3f} {distinct / read_s:14,.0f}"
        f"   ({distinct:,} combined records)"
    )
    arrow_vs_pickle(args.arrow_rows, args.partitions, args.repeat)


def arrow_vs_pickle(n: int, partitions: int, repeat: int) -> None:
    import pyarrow as pa

    from runtime.shuffle.rowhash import row_hash

    rng = random.Random(7)
    words = make_words(n)
    keys = [rng.randrange(1 << 40) for _ in range(n)]
    table = pa.table({"k": pa.array(keys, pa.int64()), "w": words, "v": list(range(n))})
    batches = table.to_batches(max_chunksize=65536)
    records = list(zip(keys, zip(words, range(n))))
    mb = table.nbytes / 1e6
    print(f"\n{n:,} rows, {mb:.1f} MB as Arrow, {partitions} reducers")
    pickled = ShuffleSpec(10, partitions, portable_hash)
    arrow = ShuffleSpec(11, partitions, data_format=ARROW, partitioner=RowHashPartitioner(["k"]))
    tmp = tempfile.mkdtemp(prefix="shuffle-micro-arrow-")
    rows = []
    try:
        for name, spec, data in (("pickled records", pickled, records),
                                 ("Arrow IPC", arrow, batches)):
            st: list = []

            def write(spec=spec, data=data, st=st):
                st[:] = [write_map_output(iter(data), spec, 0, "bench", tmp, 1 << 40,
                                          ShuffleMetrics())]

            def read(spec=spec, st=st):
                for r in range(partitions):
                    for _ in read_partition(st, r, spec, 1 << 40, tmp, ShuffleMetrics()):
                        pass

            w = best_of(repeat, write)
            r = best_of(repeat, read)
            rows.append((name, w, r, st[0].offsets[-1] / 1e6))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'format':18s} {'write s':>8s} {'write MB/s':>11s} {'read s':>8s} {'read MB/s':>10s}"
          f" {'w+r MB/s':>9s} {'file MB':>8s}")
    for name, w, r, size in rows:
        print(f"{name:18s} {w:8.3f} {mb / w:11.1f} {r:8.3f} {mb / r:10.1f} {mb / (w + r):9.1f}"
              f" {size:8.1f}")
    print("(Arrow segments are read memory-mapped and zero-copy: reading yields batches whose"
          " pages load on first use; records are unpickled as they are read)")
    print(f"\n{'row hash over':18s} {'seconds':>8s} {'rows/s':>14s}")
    for cols in (["k"], ["w"], ["k", "w"]):
        secs = best_of(repeat, lambda cols=cols: [row_hash(b, cols) for b in batches])
        print(f"{'+'.join(cols):18s} {secs:8.3f} {n / secs:14,.0f}")


if __name__ == "__main__":
    main()
