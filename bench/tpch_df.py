"""TPC-H queries 1, 3, 5, 6, 9 and 18 written with the DataFrame API, timed and checked.

The same code runs on sparkcli and on real PySpark (the module only uses
``pyspark.sql.functions`` names, imported through whichever package ``--engine`` names), on
the Parquet tables of bench/tpch/data.py (generated once per scale factor). Each query's
result is checked against DuckDB's reference answer (``data.compare``); DuckDB's own time for
the SQL form of each query on the same files is measured too.

    python bench/tpch_df.py --sf 1 --engine sparkcli          # or --engine pyspark
    python bench/tpch_df.py --sf 0.01 --engine duckdb

Prints one line per query (seconds, rows, OK or the differences) and a JSON summary line.
Measure on a quiet machine only; numbers taken while other work runs are for guidance.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import tree_rss  # noqa: E402
from bench.tpch import data  # noqa: E402

QUERY_NUMBERS = (1, 3, 5, 6, 9, 18)


def _date(s: str) -> datetime.date:
    return datetime.date.fromisoformat(s)


def q1(t, F):
    li = t["lineitem"]
    disc = li.l_extendedprice * (1 - li.l_discount)
    return (li.filter(li.l_shipdate <= _date("1998-09-02"))
            .groupBy("l_returnflag", "l_linestatus")
            .agg(F.sum("l_quantity").alias("sum_qty"),
                 F.sum("l_extendedprice").alias("sum_base_price"),
                 F.sum(disc).alias("sum_disc_price"),
                 F.sum(disc * (1 + li.l_tax)).alias("sum_charge"),
                 F.avg("l_quantity").alias("avg_qty"),
                 F.avg("l_extendedprice").alias("avg_price"),
                 F.avg("l_discount").alias("avg_disc"),
                 F.count("*").alias("count_order"))
            .orderBy("l_returnflag", "l_linestatus"))


def q3(t, F):
    c = t["customer"].filter(F.col("c_mktsegment") == "BUILDING")
    o = t["orders"].filter(F.col("o_orderdate") < _date("1995-03-15"))
    li = t["lineitem"].filter(F.col("l_shipdate") > _date("1995-03-15"))
    j = c.join(o, c.c_custkey == o.o_custkey).join(li, F.col("l_orderkey") == F.col("o_orderkey"))
    return (j.groupBy("l_orderkey", "o_orderdate", "o_shippriority")
            .agg(F.sum(F.col("l_extendedprice") * (1 - F.col("l_discount"))).alias("revenue"))
            .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
            .orderBy(F.col("revenue").desc(), "o_orderdate").limit(10))


def q5(t, F):
    r = t["region"].filter(F.col("r_name") == "ASIA")
    n = t["nation"].join(r, F.col("n_regionkey") == F.col("r_regionkey"))
    s = t["supplier"].join(n, F.col("s_nationkey") == F.col("n_nationkey"))
    o = t["orders"].filter((F.col("o_orderdate") >= _date("1994-01-01")) &
                           (F.col("o_orderdate") < _date("1995-01-01")))
    j = (t["customer"].join(o, F.col("c_custkey") == F.col("o_custkey"))
         .join(t["lineitem"], F.col("l_orderkey") == F.col("o_orderkey"))
         .join(s, (F.col("l_suppkey") == F.col("s_suppkey")) &
               (F.col("c_nationkey") == F.col("s_nationkey"))))
    return (j.groupBy("n_name")
            .agg(F.sum(F.col("l_extendedprice") * (1 - F.col("l_discount"))).alias("revenue"))
            .orderBy(F.col("revenue").desc()))


def q6(t, F):
    li = t["lineitem"]
    return (li.filter((li.l_shipdate >= _date("1994-01-01")) &
                      (li.l_shipdate < _date("1995-01-01")) &
                      (li.l_discount >= 0.05) & (li.l_discount <= 0.07) &
                      (li.l_quantity < 24))
            .agg(F.sum(li.l_extendedprice * li.l_discount).alias("revenue")))


def q9(t, F):
    p = t["part"].filter(F.col("p_name").contains("green"))
    j = (t["lineitem"].join(p, F.col("p_partkey") == F.col("l_partkey"))
         .join(t["supplier"], F.col("s_suppkey") == F.col("l_suppkey"))
         .join(t["partsupp"], (F.col("ps_suppkey") == F.col("l_suppkey")) &
               (F.col("ps_partkey") == F.col("l_partkey")))
         .join(t["orders"], F.col("o_orderkey") == F.col("l_orderkey"))
         .join(t["nation"], F.col("s_nationkey") == F.col("n_nationkey")))
    amount = F.col("l_extendedprice") * (1 - F.col("l_discount")) - \
        F.col("ps_supplycost") * F.col("l_quantity")
    return (j.select(F.col("n_name").alias("nation"),
                     F.year("o_orderdate").alias("o_year"), amount.alias("amount"))
            .groupBy("nation", "o_year").agg(F.sum("amount").alias("sum_profit"))
            .orderBy("nation", F.col("o_year").desc()))


def q18(t, F):
    big = (t["lineitem"].groupBy("l_orderkey").agg(F.sum("l_quantity").alias("sq"))
           .filter(F.col("sq") > 300).select(F.col("l_orderkey").alias("big_key")))
    o = t["orders"].join(big, F.col("o_orderkey") == F.col("big_key"), "left_semi")
    j = (t["customer"].join(o, F.col("c_custkey") == F.col("o_custkey"))
         .join(t["lineitem"], F.col("o_orderkey") == F.col("l_orderkey")))
    return (j.groupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
            .agg(F.sum("l_quantity").alias("sum"))
            .orderBy(F.col("o_totalprice").desc(), "o_orderdate").limit(100))


QUERIES = {1: q1, 3: q3, 5: q5, 6: q6, 9: q9, 18: q18}



def run_spark(engine: str, sf: float, queries: tuple) -> dict:
    if engine == "pyspark":
        from pyspark.sql import SparkSession, functions as F
    else:
        from sparkcli.sql import SparkSession, functions as F
    d = data.generate(sf)
    spark = (SparkSession.builder.master("local[2]").appName("tpch-df")
             .config("spark.ui.enabled", "false").getOrCreate())
    tables = {n: spark.read.parquet(str(d / f"{n}.parquet")) for n in data.TABLES}
    out = {}
    for n in queries:
        start = time.perf_counter()
        df = QUERIES[n](tables, F)
        rows = df.collect()
        secs = time.perf_counter() - start
        problems = data.compare(n, sf, df.columns, rows)
        out[n] = {"seconds": round(secs, 3), "rows": len(rows), "ok": not problems,
                  "problems": problems[:3]}
        print(f"Q{n:02d} {secs:8.3f} s {len(rows):5d} rows "
              f"{'OK' if not problems else problems[:2]}", flush=True)
    spark.stop()
    return out


def run_duckdb(sf: float, queries: tuple) -> dict:
    import duckdb

    d = data.generate(sf)
    con = duckdb.connect()
    for n in data.TABLES:
        con.execute(f"CREATE VIEW {n} AS SELECT * FROM read_parquet('{d / (n + '.parquet')}')")
    out = {}
    for n in queries:
        start = time.perf_counter()
        rows = con.execute(data.query(n)).fetchall()
        secs = time.perf_counter() - start
        out[n] = {"seconds": round(secs, 3), "rows": len(rows)}
        print(f"Q{n:02d} {secs:8.3f} s {len(rows):5d} rows", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sf", type=float, default=0.01)
    ap.add_argument("--engine", choices=("sparkcli", "pyspark", "duckdb"), default="sparkcli")
    ap.add_argument("--queries", default=",".join(map(str, QUERY_NUMBERS)))
    args = ap.parse_args(argv)
    tree_rss.start()
    queries = tuple(int(q) for q in args.queries.split(","))
    start = time.perf_counter()
    if args.engine == "duckdb":
        result = run_duckdb(args.sf, queries)
    else:
        result = run_spark(args.engine, args.sf, queries)
    total = sum(r["seconds"] for r in result.values())
    summary = {"engine": args.engine, "sf": args.sf, "total_query_seconds": round(total, 3),
               "wall_seconds": round(time.perf_counter() - start, 3),
               "peak_rss_mb": round(tree_rss.peak_mb(), 1), "queries": result,
               "all_ok": all(r.get("ok", True) for r in result.values()),
               "pid": os.getpid()}
    print(json.dumps(summary))
    return 0 if summary["all_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
