"""Structured Streaming benchmarks: the same harness for sparkcli and real PySpark.

    python bench/structured.py --engine sparkcli                 # every scenario
    python bench/structured.py --engine pyspark --scenario throughput \\
        --conf spark.sql.shuffle.partitions=2
    python bench/structured.py --engine both                     # sparkcli, then PySpark

``--engine pyspark`` runs the scenarios with real PySpark (the python of ``--pyspark-python``,
default /tmp/venv-pyspark/bin/python); ``both`` runs sparkcli then PySpark, one after the
other, and prints them side by side. Each scenario runs in its own child process (this file,
``--child SCENARIO``), which imports only its engine: sparkcli's runs under ``sparkcli
submit`` (as an application is run: the executors come from its zygote), PySpark's under
its python (``python app.py``, as PySpark applications are run); this module imports only
the standard library, so either python can run it. Every session is ``local[2]`` with the UI and the
console progress bar off and the engine's defaults otherwise (``--conf k=v`` adds settings).

Scenarios (issue 14's Performance section):

- ``launch``: from starting the child's python to the first batch with data reaching a
  ``foreachBatch`` (rate-micro-batch source, 1,000 rows per batch, default trigger): the
  time a user waits for a streaming program's first result.
- ``throughput``: rate source -> ``groupBy(window(timestamp, "1 second")).count()``, update
  mode, ``noop`` sink, 1 s processing-time trigger, at increasing ``rowsPerSecond``
  (``--rates``). A rate is *held* when every batch that starts after the warm-up (the first
  ``WARMUP_BATCHES`` batches) finishes within the trigger interval
  (``durationMs.triggerExecution`` < 1000), over ``--seconds`` of batches. The steps stop at
  the first rate not held; the result is the highest rate held.
- ``latency``: socket source (bench/streaming_feeder.py in latency mode: 1,000 lines/s, each
  line carrying its send time) -> a projection -> ``foreachBatch`` that collects the batch;
  the latency of a line is the time its batch's collect returned minus its send time.
  p50/p99/max over every line of the run (``--seconds``), and the batch durations.
- ``checkpoint``: the same stateful query (rate-micro-batch, 200,000 rows per batch,
  ``groupBy(value % 100000).count()``, update mode, noop sink, default trigger) without a
  checkpoint location (both engines then use a temporary checkpoint directory, as Spark
  does) and with one: the summed ``triggerExecution`` of batches 1..``CHECKPOINT_BATCHES``
  (batch 0 is the warm-up), and their ratio.

Prints one line per measurement and a JSON summary line. The machine must be quiet for
numbers worth reporting; numbers taken while other work runs are for guidance only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from measure import compile_packages  # noqa: E402 - bench/measure.py: standard library only
FEEDER = str(HERE / "streaming_feeder.py")
PYSPARK_PYTHON = "/tmp/venv-pyspark/bin/python"
SCENARIOS = ("launch", "throughput", "latency", "checkpoint")
DEFAULT_RATES = (10_000, 100_000, 250_000, 500_000, 1_000_000, 1_500_000, 2_000_000,
                 3_000_000, 4_000_000)
WARMUP_BATCHES = 3
CHECKPOINT_BATCHES = 10


# -- the child: one scenario on one engine -------------------------------------------------------
def _session(engine: str, confs: list[str]):
    if engine == "pyspark":
        from pyspark.sql import SparkSession, functions as F
    else:
        from sparkcli.sql import SparkSession, functions as F
    b = (SparkSession.builder.master("local[2]").appName(f"structured-bench-{engine}")
         .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false"))
    for kv in confs:
        k, _, v = kv.partition("=")
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark, F


def _progress(q) -> list[dict]:
    out = []
    for p in q.recentProgress:
        out.append(p if isinstance(p, dict) else json.loads(p.json))
    return out


def _wait(cond, timeout: float, poll: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(poll)
    return cond()


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def child_launch(engine: str, confs: list[str], t0: float) -> dict:
    spark, F = _session(engine, confs)
    t_session = time.time()
    first: list[float] = []
    done = threading.Event()

    def on_batch(df, batch_id):
        if not done.is_set() and len(df.collect()) > 0:
            first.append(time.time())
            done.set()

    q = (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1000).load()
         .writeStream.foreachBatch(on_batch).start())
    ok = done.wait(120)
    q.stop()
    spark.stop()
    return {"launch_s": round(first[0] - t0, 3) if ok else None,
            "session_s": round(t_session - t0, 3)}


def _rate_query(spark, F, rate: int):
    return (spark.readStream.format("rate").option("rowsPerSecond", rate).load()
            .groupBy(F.window("timestamp", "1 second")).count()
            .writeStream.outputMode("update").format("noop")
            .trigger(processingTime="1 second").start())


def child_throughput(engine: str, confs: list[str], rates: list[int], seconds: float) -> dict:
    spark, F = _session(engine, confs)
    steps = []
    for rate in rates:
        q = _rate_query(spark, F, rate)
        started = time.monotonic()
        want = WARMUP_BATCHES + int(seconds)

        def decided() -> bool:  # enough batches, or one after the warm-up too long
            prog = _progress(q)
            return len(prog) >= want or any(
                p["batchId"] >= WARMUP_BATCHES and p["durationMs"]["triggerExecution"] >= 1000
                for p in prog)
        # PySpark's first batches take seconds (200 state partitions: ~10 s each)
        _wait(decided, 300 + 3 * seconds, 0.2)
        prog = _progress(q)
        q.stop()
        wall = time.monotonic() - started
        measured = [p for p in prog if p["batchId"] >= WARMUP_BATCHES]
        durs = [p["durationMs"]["triggerExecution"] for p in measured]
        rows = sum(p["numInputRows"] for p in measured)
        held = len(measured) >= int(seconds) and all(d < 1000 for d in durs)
        step = {"rate": rate, "held": held, "batches": len(measured),
                "max_batch_ms": max(durs) if durs else None,
                "p50_batch_ms": _pct(durs, 50) if durs else None,
                "rows": rows, "wall_s": round(wall, 1),
                "warmup_ms": [p["durationMs"]["triggerExecution"] for p in prog
                              if p["batchId"] < WARMUP_BATCHES]}
        print(f"  rate {rate:>9,d} rows/s: {'held' if held else 'NOT held'}; "
              f"{len(measured)} batches, batch p50 {step['p50_batch_ms']} ms, max "
              f"{step['max_batch_ms']} ms (warm-up {step['warmup_ms']})",
              file=sys.stderr, flush=True)
        steps.append(step)
        if not held:
            break
    spark.stop()
    best = max((s["rate"] for s in steps if s["held"]), default=0)
    return {"highest_rate_held": best, "steps": steps}


def child_latency(engine: str, confs: list[str], seconds: float, rate: float) -> dict:
    feeder = subprocess.Popen([sys.executable, FEEDER, "latency", str(seconds), str(rate)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(feeder.stdout.readline().split()[1])
        sent: list[int] = []

        def read_feeder():
            for line in feeder.stdout:
                if line.startswith("SENT"):
                    sent.append(int(line.split()[1]))
        threading.Thread(target=read_feeder, daemon=True).start()
        spark, F = _session(engine, confs)
        lat: list[float] = []

        last = [-1]

        def on_batch(df, batch_id):
            rows = df.collect()
            now = time.time()
            lat.extend(now - float(r[0]) for r in rows)
            last[0] = batch_id

        q = (spark.readStream.format("socket").option("host", "127.0.0.1")
             .option("port", port).load()
             .select(F.substring("value", 4, 17).alias("ts"), F.length("value").alias("n"))
             .writeStream.foreachBatch(on_batch).start())
        _wait(lambda: bool(sent) and len(lat) >= sent[0], seconds + 120, 0.1)
        # the progress of the last batch is recorded just after its foreachBatch returns
        _wait(lambda: any(p["batchId"] >= last[0] for p in _progress(q)), 30, 0.05)
        prog = _progress(q)
        q.stop()
        spark.stop()
    finally:
        feeder.stdin.close()
        feeder.wait(10)
    durs = [p["durationMs"]["triggerExecution"] for p in prog if p["numInputRows"]]
    ms = [x * 1000 for x in lat]
    return {"lines_sent": sent[0] if sent else None, "lines_seen": len(lat),
            "p50_ms": round(_pct(ms, 50), 1), "p99_ms": round(_pct(ms, 99), 1),
            "max_ms": round(max(ms), 1) if ms else None,
            "batch_p50_ms": _pct(durs, 50), "batch_p99_ms": _pct(durs, 99),
            "batches": len(durs)}


def child_checkpoint(engine: str, confs: list[str]) -> dict:
    spark, F = _session(engine, confs)
    out = {}
    for label in ("without", "with"):
        w = (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 200_000)
             .load().groupBy((F.col("value") % 100_000).alias("k")).count()
             .writeStream.outputMode("update").format("noop"))
        tmp = None
        if label == "with":
            tmp = tempfile.mkdtemp(prefix="structured-bench-")
            w = w.option("checkpointLocation", tmp)
        q = w.start()
        _wait(lambda: len(_progress(q)) > CHECKPOINT_BATCHES, 900, 0.1)
        prog = _progress(q)
        q.stop()
        durs = [p["durationMs"]["triggerExecution"] for p in prog
                if 1 <= p["batchId"] <= CHECKPOINT_BATCHES]
        out[label] = {"total_ms": sum(durs), "batches": len(durs),
                      "p50_batch_ms": _pct(durs, 50)}
        if tmp:
            import shutil
            shutil.rmtree(tmp, ignore_errors=True)
    spark.stop()
    out["ratio"] = round(out["with"]["total_ms"] / max(1, out["without"]["total_ms"]), 3)
    return out


def run_child(args: argparse.Namespace) -> int:
    s = args.child
    if s == "launch":
        r = child_launch(args.engine, args.conf, args.t0)
    elif s == "throughput":
        r = child_throughput(args.engine, args.conf,
                             [int(x) for x in args.rates.split(",")], args.seconds or 10)
    elif s == "latency":
        r = child_latency(args.engine, args.conf, args.seconds or 20, args.line_rate)
    else:
        r = child_checkpoint(args.engine, args.conf)
    print("RESULT " + json.dumps(r), flush=True)
    return 0


# -- the parent: scenarios per engine, each in a child -------------------------------------------
def run_scenario(engine: str, scenario: str, args: argparse.Namespace) -> dict:
    me = str(Path(__file__).resolve())
    if engine == "pyspark":
        cmd = [args.pyspark_python, me]
    else:  # as users run an application: through submit (its executor zygote preloads)
        cmd = [sys.executable, "-m", "sparkcli", "submit", "--master", "local[2]", me]
    cmd += ["--child", scenario, "--engine", engine, "--rates", args.rates,
            "--line-rate", str(args.line_rate)]
    if args.seconds:
        cmd += ["--seconds", str(args.seconds)]
    for kv in args.conf:
        cmd += ["--conf", kv]
    env = dict(os.environ)
    if engine != "pyspark":
        env["PYTHONPATH"] = os.pathsep.join(
            [str(HERE.parent)] + [p for p in [env.get("PYTHONPATH")] if p])
    t0 = time.time()
    proc = subprocess.run(cmd + ["--t0", repr(t0)], stdout=subprocess.PIPE, text=True,
                          env=env, timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {"error": f"exit {proc.returncode}"}


def _line(engine: str, scenario: str, r: dict) -> str:
    if "error" in r:
        return f"{engine:9s} {scenario:10s} failed: {r['error']}"
    if scenario == "launch":
        return f"{engine:9s} launch     first batch with data at {r['launch_s']} s " \
               f"(session ready at {r['session_s']} s)"
    if scenario == "throughput":
        return f"{engine:9s} throughput highest rate held {r['highest_rate_held']:,d} rows/s"
    if scenario == "latency":
        return (f"{engine:9s} latency    p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, max "
                f"{r['max_ms']} ms over {r['lines_seen']}/{r['lines_sent']} lines; batch "
                f"p50 {r['batch_p50_ms']} ms, p99 {r['batch_p99_ms']} ms")
    return (f"{engine:9s} checkpoint with {r['with']['total_ms']} ms vs without "
            f"{r['without']['total_ms']} ms over {r['with']['batches']} batches: "
            f"{r['ratio']}x")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", choices=("sparkcli", "pyspark", "both"), default="sparkcli")
    ap.add_argument("--scenario", default=",".join(SCENARIOS),
                    help="comma-separated: " + ", ".join(SCENARIOS))
    ap.add_argument("--rates", default=",".join(map(str, DEFAULT_RATES)))
    ap.add_argument("--seconds", type=float, default=0,
                    help="throughput: measured seconds per rate (10); latency: run (20)")
    ap.add_argument("--line-rate", type=float, default=1000.0)
    ap.add_argument("--conf", action="append", default=[], help="k=v, repeatable")
    ap.add_argument("--pyspark-python", default=PYSPARK_PYTHON)
    ap.add_argument("--child", choices=SCENARIOS, help=argparse.SUPPRESS)
    ap.add_argument("--t0", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return run_child(args)
    engines = ("sparkcli", "pyspark") if args.engine == "both" else (args.engine,)
    if "sparkcli" in engines:  # as an installed copy has them (bench/run.py does the same)
        compile_packages(HERE.parent / "sparkcli", HERE.parent / "runtime")
    summary: dict = {}
    for scenario in args.scenario.split(","):
        for engine in engines:
            r = run_scenario(engine, scenario, args)
            summary.setdefault(scenario, {})[engine] = r
            print(_line(engine, scenario, r), flush=True)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
