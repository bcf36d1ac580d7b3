"""Bench: a Python UDF over N rows (10 million by default), sparkcli vs real PySpark's
Arrow-optimized Python UDF (``useArrow=True``) in the same run, both local[2].

    python bench/sql_udf.py                       # both engines, 10M rows
    python bench/sql_udf.py --rows 1000000 --engine sparkcli
    PYSPARK_BENCH_PYTHON=/path/to/python python bench/sql_udf.py

The query is ``spark.range(N, numPartitions=2).select(udf(lambda x: x * 2 + 1,
"bigint")("id")).agg(sum)``: the UDF's per-row cost dominates, the result is one number
(checked equal on both engines). Each engine runs it once to warm up (executors started,
function shipped) and then ``--repeat`` times; the best time is reported. PySpark runs in
its own interpreter (``PYSPARK_BENCH_PYTHON``, default /tmp/venv-pyspark/bin/python) on this
same file with ``--engine pyspark``; its JSON line is read back.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

PYSPARK_PYTHON = os.environ.get("PYSPARK_BENCH_PYTHON", "/tmp/venv-pyspark/bin/python")


def run(engine: str, rows: int, repeat: int) -> dict:
    if engine == "pyspark":
        from pyspark.sql import SparkSession, functions as F
        from pyspark.sql.functions import udf
    else:
        from sparkcli.sql import SparkSession
        from sparkcli.sql import functions as F
        from sparkcli.sql.functions import udf
    spark = SparkSession.builder.master("local[2]").appName("bench-sql-udf") \
        .config("spark.ui.enabled", "false").getOrCreate()
    if engine == "pyspark":
        spark.sparkContext.setLogLevel("ERROR")
    f = udf(lambda x: x * 2 + 1, "bigint", useArrow=True)

    def once(n: int) -> tuple[float, int]:
        t0 = time.perf_counter()
        total = spark.range(0, n, numPartitions=2).select(f("id").alias("y")) \
            .agg(F.sum("y")).collect()[0][0]
        return time.perf_counter() - t0, total

    once(min(rows, 10000))  # warm-up: executors, function shipping
    times, total = [], None
    for _ in range(repeat):
        t, total = once(rows)
        times.append(t)
    spark.stop()
    return {"engine": engine, "rows": rows, "best_s": min(times), "times_s": times,
            "result": total}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--engine", choices=["sparkcli", "pyspark", "both"], default="both")
    args = ap.parse_args()
    if args.engine != "both":
        print(json.dumps(run(args.engine, args.rows, args.repeat)), flush=True)
        return
    results = [run("sparkcli", args.rows, args.repeat)]
    if os.path.exists(PYSPARK_PYTHON):
        out = subprocess.run([PYSPARK_PYTHON, os.path.abspath(__file__), "--engine", "pyspark",
                              "--rows", str(args.rows), "--repeat", str(args.repeat)],
                             capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for r in results:
        print(f"{r['engine']:9s} {r['rows']:>11,d} rows  best {r['best_s']:7.2f} s  "
              f"(runs {', '.join(f'{t:.2f}' for t in r['times_s'])})  sum={r['result']}")
    if len(results) == 2:
        a, b = results
        assert a["result"] == b["result"], "the engines disagree"
        print(f"sparkcli / pyspark = {a['best_s'] / b['best_s']:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    sys.exit(main())
