"""SIGKILL of the driver of a checkpointed streaming query, at points of the batch lifecycle.

The pipeline: a folder of CSV files (one per trigger) -> a watermarked event-time window
aggregation -> a parquet file sink (append mode, ``_spark_metadata``) and, in a second
query, foreachBatch. The test starts the driver, kills it (SIGKILL) when the checkpoint shows
the chosen point of a batch -- its offsets written, its state committed (mid-batch), its
sink output written before the commit, its commit written -- or when a restarted driver
has begun recovering, and restarts it; the last run drains everything. The sink's committed
output must equal the batch computation over all inputs: nothing lost, nothing doubled, and
every replay of a foreachBatch batch id saw the same rows.
"""

from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from waiting import wait_for

FILES = 5  # data files, each one 10-second window of event time
PROGRAM = r'''
import json, os, sys
from sparkcli.sql import SparkSession, functions as F

src, out, cp, fb, local = sys.argv[1:6]
spark = SparkSession.builder.master("local[2]").appName("kill-recovery") \
    .config("spark.sql.shuffle.partitions", "3").config("spark.local.dir", local) \
    .getOrCreate()
df = spark.readStream.schema("ts timestamp, k string, v long") \
    .option("maxFilesPerTrigger", 1).csv(src)
agg = df.withWatermark("ts", "0 seconds") \
    .groupBy(F.window("ts", "10 seconds"), "k") \
    .agg(F.count("*").alias("n"), F.sum("v").alias("s")) \
    .select(F.col("window.start").cast("long").alias("start"), "k", "n", "s")
q1 = agg.writeStream.format("parquet").option("path", out) \
    .option("checkpointLocation", cp + "/files").outputMode("append") \
    .trigger(availableNow=True).start()

def record(batch_df, batch_id):
    rows = sorted(tuple(r) for r in batch_df.collect())
    name = os.path.join(fb, "%d-%s.json" % (batch_id, os.urandom(4).hex()))
    with open(name + ".tmp", "w") as f:
        json.dump(rows, f)
    os.replace(name + ".tmp", name)

q2 = agg.writeStream.foreachBatch(record).option("checkpointLocation", cp + "/fb") \
    .outputMode("append").trigger(availableNow=True).start()
q1.awaitTermination()
q2.awaitTermination()
spark.stop()
print("done")
'''


def _inputs(src):
    """FILES files of rows in consecutive 10 s windows, then one far later row whose
    event time moves the watermark past every earlier window."""
    rows_all = []
    for i in range(FILES + 1):
        rows = [(i * 10 + (j % 10), f"k{j % 3}", i * 100 + j) for j in range(12)] \
            if i < FILES else [(1000, "flush", 0)]
        rows_all.extend(rows)
        with open(os.path.join(src, f"{i:02d}.csv"), "w") as f:
            for ts, k, v in rows:
                f.write(f"1970-01-01 00:{ts // 60:02d}:{ts % 60:02d},{k},{v}\n")
        os.utime(os.path.join(src, f"{i:02d}.csv"), (1000 + i, 1000 + i))
    return rows_all


def _expected(rows):
    out: dict = {}
    for ts, k, v in rows:
        if k == "flush":  # its window stays in the state: the watermark never passes it
            continue
        key = (ts // 10 * 10, k)
        n, s = out.get(key, (0, 0))
        out[key] = (n + 1, s + v)
    return sorted((start, k, n, s) for (start, k), (n, s) in out.items())


def _committed_rows(out):
    rows = []
    for entry in sorted(glob.glob(os.path.join(out, "_spark_metadata", "[0-9]*")),
                        key=lambda p: int(os.path.basename(p))):
        with open(entry) as f:
            for line in f.read().split("\n")[1:]:
                if line:
                    path = json.loads(line)["path"][len("file://"):]
                    rows.extend(tuple(r.values()) for r in pq.read_table(path).to_pylist())
    return sorted(rows)


def _executors(local_dir):
    """Pids of executor processes started with this local dir (the killed driver's)."""
    pids = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(os.path.join(d, "cmdline"), "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if b"runtime.executor" in cmd and any(local_dir.encode() in c for c in cmd):
            pids.append(int(os.path.basename(d)))
    return pids


# (what appears in the checkpoint, which batch): the driver is killed when it does
POINTS = [("offsets", 0), ("state", 1), ("sink", 2), ("commits", 2), ("recovery", 0),
          ("offsets", 4), ("sink", 5), ("state", 6), ("commits", 7), ("recovery", 0)]


def _point_reached(cp, out, kind, batch, started_with):
    files = os.path.join(cp, "files")
    if kind == "offsets":
        return os.path.exists(os.path.join(files, "offsets", str(batch)))
    if kind == "commits":
        return os.path.exists(os.path.join(files, "commits", str(batch)))
    if kind == "sink":
        return os.path.exists(os.path.join(out, "_spark_metadata", str(batch)))
    if kind == "state":
        return bool(glob.glob(os.path.join(files, "state", "0", "*", f"{batch + 1}.delta")))
    # recovery: the restarted driver has written anything new to the checkpoint
    return _listing(cp) != started_with


def _listing(cp):
    return sorted(os.path.relpath(os.path.join(r, f), cp)
                  for r, _, fs in os.walk(cp) for f in fs if not f.startswith("."))


@pytest.mark.slow
def test_sigkilled_driver_resumes_without_loss_or_duplicates(tmp_path):
    src, out, cp, fb = (tmp_path / n for n in ("in", "out", "cp", "fb"))
    for d in (src, fb):
        d.mkdir()
    rows = _inputs(str(src))
    app = tmp_path / "app.py"
    app.write_text(PROGRAM)
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path / "home"), TZ="UTC")
    killed = []
    for run, (kind, batch) in enumerate(POINTS + [(None, None)]):
        local = str(tmp_path / f"local-{run}")
        before = _listing(str(cp)) if cp.exists() else []
        os.makedirs(local)
        p = subprocess.Popen([sys.executable, str(app), str(src), str(out), str(cp), str(fb),
                              local], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        try:
            if kind is None:
                stdout, stderr = p.communicate(timeout=180)
                assert p.returncode == 0, stderr[-3000:]
                assert stdout.strip().endswith("done")
                break
            wait_for(lambda: p.poll() is not None or _point_reached(
                str(cp), str(out), kind, batch, before), 120, f"{kind} of batch {batch}")
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed.append((kind, batch))
            p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        # the executors notice their driver is gone and exit
        wait_for(lambda: not _executors(local), 60, "the killed driver's executors to exit")
    assert len(killed) >= 6, killed
    expected = _expected(rows)
    assert _committed_rows(str(out)) == expected
    seen: dict = {}
    for name in os.listdir(fb):
        if name.endswith(".tmp"):  # the driver was killed while writing it: never published
            continue
        batch_id = int(name.split("-")[0])
        with open(fb / name) as f:
            got = [tuple(r) for r in json.load(f)]
        assert seen.setdefault(batch_id, got) == got, f"batch {batch_id} replayed differently"
    assert sorted(r for b in seen.values() for r in b) == expected
