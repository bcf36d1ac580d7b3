"""The 22 TPC-H queries in Spark SQL through ``spark.sql``, timed and checked, against real
PySpark 4.3 (the same SQL text) and DuckDB on the same Parquet files, in one run.

Each engine runs in its own process (so each one's peak memory is its own): sparkcli with
this interpreter, PySpark with ``--pyspark-python`` (a virtualenv with pyspark and Java),
DuckDB in-process in a third. Every Spark result is checked against DuckDB's reference
answer (``bench/tpch/data.compare``: values, column names, decimal scales). Tables are the
Parquet files of bench/tpch/data.py, generated once per scale factor, registered as temp
views; the time of a query is ``spark.sql(text).collect()``.

    python bench/tpch_sql.py --sf 1                     # all engines, all 22 queries
    python bench/tpch_sql.py --sf 0.1 --engines sparkcli,duckdb --queries 1,6,9
    python bench/tpch_sql.py --sf 0.1 --engine sparkcli # one engine, JSON line at the end

Prints one line per query and engine, then a table and a JSON summary (total query seconds,
the ratios to PySpark and DuckDB, peak RSS per engine). Numbers taken while other work runs
on the machine are for guidance only; report measurements from a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import tree_rss  # noqa: E402
from bench.tpch import data  # noqa: E402
from bench.tpch_df import run_duckdb  # noqa: E402

DEFAULT_PYSPARK = "/tmp/venv-pyspark/bin/python"



def _encode(v: Any) -> Any:
    """A result value as JSON (the parent checks PySpark's rows: its venv has no duckdb)."""
    if isinstance(v, decimal.Decimal):
        return {"decimal": str(v)}
    if isinstance(v, (datetime.date, datetime.datetime)):
        return {type(v).__name__: v.isoformat()}
    return v


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        if "decimal" in v:
            return decimal.Decimal(v["decimal"])
        if "date" in v:
            return datetime.date.fromisoformat(v["date"])
        return datetime.datetime.fromisoformat(v["datetime"])
    return v


def _check(n: int, sf: float, columns: list, rows: list) -> list | None:
    """The differences from the reference answer; None when it cannot be read here."""
    try:
        return data.compare(n, sf, columns, rows)
    except ImportError:
        return None


def run_spark(engine: str, sf: float, queries: tuple, master: str) -> dict:
    if engine == "pyspark":
        from pyspark.sql import SparkSession
    else:
        from sparkcli.sql import SparkSession
    spark = (SparkSession.builder.master(master).appName("tpch-sql")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    data.register(spark, sf)
    out = {}
    for n in queries:
        start = time.perf_counter()
        df = spark.sql(data.query(n))
        rows = df.collect()
        secs = time.perf_counter() - start
        problems = _check(n, sf, df.columns, rows)
        out[n] = {"seconds": round(secs, 3), "rows": len(rows), "ok": not problems,
                  "problems": [str(p) for p in (problems or [])[:3]]}
        if problems is None:  # checked by the parent process
            out[n]["columns"] = list(df.columns)
            out[n]["data"] = [[_encode(v) for v in r] for r in rows]
        state = "unchecked" if problems is None else "OK" if not problems else problems[:2]
        print(f"{engine:8s} Q{n:02d} {secs:8.3f} s {len(rows):5d} rows {state}", flush=True)
    spark.stop()
    return out


def one_engine(engine: str, sf: float, queries: tuple, master: str) -> dict:
    start = time.perf_counter()
    if engine == "duckdb":  # the same SQL text on the same files (tpch_df's runner)
        result = {n: {**r, "ok": True} for n, r in run_duckdb(sf, queries).items()}
    else:
        result = run_spark(engine, sf, queries, master)
    return {"engine": engine, "sf": sf, "master": master,
            "total_query_seconds": round(sum(r["seconds"] for r in result.values()), 3),
            "wall_seconds": round(time.perf_counter() - start, 3),
            "peak_rss_mb": round(tree_rss.peak_mb(), 1), "queries": result,
            "all_ok": all(r["ok"] for r in result.values())}


def _child(engine: str, args: argparse.Namespace) -> dict | None:
    python = args.pyspark_python if engine == "pyspark" else sys.executable
    if not Path(python).exists():
        print(f"{engine}: {python} not found, skipped", flush=True)
        return None
    cmd = [python, str(Path(__file__).resolve()), "--engine", engine, "--sf", str(args.sf),
           "--queries", args.queries, "--master", args.master]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line, flush=True)
    try:
        run = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        print(f"{engine}: failed (exit {proc.returncode})", flush=True)
        return None
    for n, q in run["queries"].items():
        if "data" in q:
            problems = data.compare(int(n), args.sf, q.pop("columns"),
                                    [[_decode(v) for v in r] for r in q.pop("data")])
            q["ok"], q["problems"] = not problems, [str(p) for p in problems[:3]]
            if problems:
                print(f"{engine:8s} Q{int(n):02d} differs: {problems[:2]}", flush=True)
    run["all_ok"] = all(q["ok"] for q in run["queries"].values())
    return run


def compare_engines(args: argparse.Namespace) -> dict:
    data.generate(args.sf)  # once, before any timing
    runs = {e: _child(e, args) for e in args.engines.split(",")}
    runs = {e: r for e, r in runs.items() if r is not None}
    queries = [int(q) for q in args.queries.split(",")]
    engines = list(runs)
    print("\nquery " + "".join(f"{e:>12s}" for e in engines))
    for n in queries:
        print(f"Q{n:02d}   " + "".join(
            f"{runs[e]['queries'][str(n)]['seconds']:12.3f}" for e in engines))
    print("total " + "".join(f"{runs[e]['total_query_seconds']:12.3f}" for e in engines))
    print("rss MB" + "".join(f"{runs[e]['peak_rss_mb']:12.1f}" for e in engines))
    summary: dict = {"sf": args.sf, "master": args.master, "runs": runs}
    mine = runs.get("sparkcli")
    for other in ("pyspark", "duckdb"):
        if mine and other in runs and runs[other]["total_query_seconds"]:
            summary[f"sparkcli_over_{other}"] = round(
                mine["total_query_seconds"] / runs[other]["total_query_seconds"], 3)
    summary["all_ok"] = all(r["all_ok"] for r in runs.values())
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sf", type=float, default=0.1)
    ap.add_argument("--engine", choices=("sparkcli", "pyspark", "duckdb"),
                    help="run one engine in this process (default: compare all)")
    ap.add_argument("--engines", default="sparkcli,pyspark,duckdb")
    ap.add_argument("--queries", default=",".join(map(str, data.QUERIES)))
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--pyspark-python", default=os.environ.get("PYSPARK_BENCH_PYTHON",
                                                                DEFAULT_PYSPARK))
    args = ap.parse_args(argv)
    tree_rss.start()
    if args.engine:
        summary = one_engine(args.engine, args.sf,
                             tuple(int(q) for q in args.queries.split(",")), args.master)
    else:
        summary = compare_engines(args)
    print(json.dumps(summary))
    return 0 if summary["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
