"""streaming: a socket word count (Spark's NetworkWordCount) in two modes, throughput and latency.

    sparkcli submit --master 'local[2]' bench/workloads/streaming.py [TPUT_SECONDS LAT_SECONDS]

Each mode starts bench/streaming_feeder.py (a TCP server on 127.0.0.1 that sends lines
"ts=<send time> w1 ... w6") and a fresh SparkContext + StreamingContext running

    socketTextStream -> flatMap(split) -> map((w, 1)) -> reduceByKey(add) -> foreachRDD(collect)

The `ts=...` token of each line is counted like any other word, so the collected counts say, for
every send timestamp, how many lines carrying it a batch processed: the batch's line count and
each line's latency (output done - send time; feeder and driver share the machine's clock).
foreachRDD also notes when each batch's output starts and ends relative to its batch time: the
start is the scheduling delay (batch waited for the previous one), the end the total delay.

- throughput: 1 s batches, Spark's default 200 ms block interval, spark.streaming.backpressure
  on; the feeder sends as fast as the receiver reads for TPUT_SECONDS (default 10). lines_per_s = lines processed / (last batch with
  data done - first line sent): end to end, including the last batch's wait and run.
  steady_lines_per_s = median over the full batches (not the first or last one with data) of
  lines / batch duration: the sustained rate when the scheduling delay stays bounded ("n/a"
  when it does not).
- latency: 50 ms batches, 10 ms block interval (a block interval must be below the batch
  interval for every batch to get data), 1,000 lines/s for LAT_SECONDS (default 10). Reports the
  p50/p99/max of every line's latency.

The latency mode runs first. After the feeder has sent everything, the app waits (at most max(10 s, 2 x SECONDS)) for every
line to be processed, then stops without waiting for the rest; lines_processed < lines_sent
then says the system fell behind. If stop() does not return within 60 s (PySpark, with a long
backlog), the app prints what it has, with METRIC ..._stop_hung=yes, and exits. A mode's scheduling delay is "bounded" when no batch whose
batch time falls while the feeder was sending started its output more than
max(2 batch intervals, 0.5 s) after its batch time.

Runs unchanged under `sparkcli submit` and under real PySpark (the same imports). Prints a
constant `RESULT streaming ok` (the numbers differ per system, so bench/run.py's result check
must not compare them) and the measurements as `METRIC name=value` lines.
"""

import os
import subprocess
import sys
import threading
import time
from operator import add
from pathlib import Path

from pyspark import SparkConf, SparkContext
from pyspark.streaming import StreamingContext

FEEDER = str(Path(__file__).resolve().parent.parent / "streaming_feeder.py")
CONNECT_TIMEOUT = 120.0  # seconds for the receiver to connect (PySpark's JVM is slow to start)
STOP_TIMEOUT = 60.0  # seconds for StreamingContext.stop()


class Feeder:
    """The feeder process; its stdout lines (PORT, SENT) are read on a thread."""

    def __init__(self, mode, seconds, rate):
        self.proc = subprocess.Popen(
            [sys.executable, FEEDER, mode, str(seconds), str(rate)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self.proc.stdout.readline().split()[1])
        self.sent = None  # (lines, first ts, last ts) once it is done
        self.done = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            if line.startswith("SENT"):
                n, first, last = line.split()[1:]
                self.sent = (int(n), float(first), float(last))
                self.done.set()
            elif line.startswith("ERROR"):
                print(f"feeder: {line.strip()}", file=sys.stderr)
                self.done.set()
        self.done.set()

    def stop(self):
        self.proc.stdin.close()  # the feeder exits when its stdin closes
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def percentile(pairs, q):
    """q-quantile of values given as sorted (value, weight) pairs."""
    total = sum(w for _, w in pairs)
    if not total:
        return float("nan")
    need, acc = q * total, 0
    for v, w in pairs:
        acc += w
        if acc >= need:
            return v
    return pairs[-1][0]


def run_mode(mode, batch_s, block_interval, seconds, rate):
    conf = SparkConf().setAppName(f"bench-streaming-{mode}")
    conf.set("spark.streaming.blockInterval", block_interval)
    # Without it PySpark's JVM receiver takes ~1M lines/s, far more than its Python workers
    # process, and the driver runs out of heap within 10 s. sparkcli ignores it (no rate
    # estimator yet); on this machine its receiver is not faster than its processing.
    conf.set("spark.streaming.backpressure.enabled", "true")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    feeder = Feeder(mode, seconds, rate)
    ssc = StreamingContext(sc, batch_s)
    batches = []  # (batch time, output start, output end, lines, {ts: lines})
    lock = threading.Lock()
    stopping = threading.Event()

    def output(t, rdd):
        if stopping.is_set():
            return
        start = time.time()
        counts = rdd.collect()
        end = time.time()
        stamps = {}
        for word, n in counts:
            if word.startswith("ts="):
                stamps[float(word[3:])] = n
        with lock:
            batches.append((t.timestamp(), start, end, sum(stamps.values()), stamps))

    lines = ssc.socketTextStream("127.0.0.1", feeder.port)
    counts = lines.flatMap(lambda line: line.split()).map(lambda w: (w, 1)).reduceByKey(add)
    counts.foreachRDD(output)
    ssc.start()
    if not feeder.done.wait(CONNECT_TIMEOUT + seconds):
        print(f"{mode}: the feeder did not finish (did the receiver connect?)", file=sys.stderr)
    sent = feeder.sent or (0, float("nan"), float("nan"))
    deadline = time.time() + max(10.0, 2 * seconds)
    while time.time() < deadline:
        with lock:
            if sum(b[3] for b in batches) >= sent[0]:
                break
        time.sleep(batch_s)
    # With a backlog of many seconds PySpark's stop() sometimes never returns (its receiver's
    # BlockGenerator.stop joins a timer thread that waits for the full block queue): skip the
    # batches still queued, and give up on stop() after STOP_TIMEOUT.
    stopping.set()
    stopper = threading.Thread(target=ssc.stop, args=(True, False), daemon=True)
    stopper.start()
    stopper.join(STOP_TIMEOUT)
    feeder.stop()

    with lock:
        batches = sorted(batches)
    n_sent, first_ts, last_ts = sent
    processed = sum(b[3] for b in batches)
    # Batches generated while the feeder was sending: their delays show whether we kept up.
    loaded = [b for b in batches if first_ts <= b[0] <= last_ts + batch_s]
    sched = sorted(b[1] - b[0] for b in loaded)
    total = [b[2] - b[0] for b in loaded]
    bounded = bool(loaded) and max(sched) <= max(2 * batch_s, 0.5)

    def ms(seconds):
        return round(seconds * 1000) if loaded else "n/a"  # no batch was done in time

    m = {
        "lines_sent": n_sent,
        "lines_processed": processed,
        "batches": len(batches),
        "sched_delay_max_ms": ms(max(sched, default=0)),
        "sched_delay_median_ms": ms(sched[len(sched) // 2] if sched else 0),
        "total_delay_max_ms": ms(max(total, default=0)),
        "sched_bounded": "yes" if bounded else "no",
        "stop_hung": "yes" if stopper.is_alive() else "no",
    }
    with_data = [b for b in batches if b[3]]
    if mode == "throughput":
        elapsed = with_data[-1][2] - first_ts if with_data else float("nan")
        m["lines_per_s"] = round(processed / elapsed) if elapsed > 0 else "n/a"  # NaN: no SENT
        full = sorted(b[3] for b in with_data[1:-1])
        steady = bounded and full  # with a growing delay, batch sizes say how fast data came in
        m["steady_lines_per_s"] = round(full[len(full) // 2] / batch_s) if steady else "n/a"
    else:
        pairs = sorted(
            (end - ts, n) for _, _, end, _, stamps in batches for ts, n in stamps.items()
        )
        for name, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
            m[f"latency_{name}_ms"] = round(percentile(pairs, q) * 1000, 1)
    return m


if __name__ == "__main__":
    tput_s, lat_s = (float(a) for a in (sys.argv[1:3] if len(sys.argv) > 2 else (10, 10)))
    modes = [  # latency first: the throughput mode's backlog is the one that can hang stop()
        ("lat", ("latency", 0.05, "10ms", lat_s, 1000)),
        ("tput", ("throughput", 1.0, "200ms", tput_s, 0)),
    ]
    hung = False
    for prefix, args in modes:
        m = run_mode(*args)
        for k, v in m.items():
            print(f"METRIC {prefix}_{k}={v}", flush=True)
        if m["stop_hung"] == "yes":  # no new SparkContext can start: report what we have
            print(
                f"{args[0]}: StreamingContext.stop() did not return in {STOP_TIMEOUT:.0f} s; "
                "skipping the remaining modes",
                file=sys.stderr,
            )
            hung = True
            break
    print("RESULT streaming ok", flush=True)
    if hung:
        os._exit(0)  # the JVM (or executors) would keep a normal exit waiting
