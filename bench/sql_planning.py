"""How long ``spark.sql`` takes to turn a TPC-H query into an executable plan, by phase.

The issue's target: TPC-H Q9 to an executable plan in <= 20 ms. Each round times, for one
query text: parse (sqlglot, ``parse_statement``), analyze (the binder: names, types, views),
optimize (the rule-based optimizer) and physical planning (stages, exchanges, scans), then
the whole ``spark.sql(text)`` plus physical planning as a user pays it. Tables are the
TPC-H Parquet files of bench/tpch/data.py at scale factor 0.01 (planning does not read the
data; scans only list their files). Medians over the rounds after the first few (warm).

    python bench/sql_planning.py            # Q9
    python bench/sql_planning.py 1 9 18     # several queries

Numbers taken while other work runs on the machine are for guidance only.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tpch import data  # noqa: E402
from runtime.sql.session_state import QueryExecution  # noqa: E402
from runtime.sql.sqltext.binder import QueryBinder  # noqa: E402
from runtime.sql.sqltext.parsing import parse_statement  # noqa: E402
from sparkcli.sql import SparkSession  # noqa: E402

ROUNDS, WARM = 40, 5


def phases(spark, text: str) -> dict[str, float]:
    """One round: milliseconds per phase."""
    state = spark._state()
    t0 = time.perf_counter()
    tree = parse_statement(text)
    t1 = time.perf_counter()
    plan, _ = QueryBinder(state.bind_context(), state.lookup_relation, text, None, {}).bind(tree)
    t2 = time.perf_counter()
    qe = QueryExecution(state, plan)
    _ = qe.optimized
    t3 = time.perf_counter()
    _ = qe.physical
    t4 = time.perf_counter()
    _ = spark.sql(text)._execution().physical
    t5 = time.perf_counter()
    return {"parse": t1 - t0, "analyze": t2 - t1, "optimize": t3 - t2, "physical": t4 - t3,
            "sum": t4 - t0, "spark.sql+physical": t5 - t4}


def main(queries: list[int]) -> None:
    os.environ.setdefault("TZ", "UTC")
    spark = (SparkSession.builder.master("local[2]").appName("sql-planning")
             .config("spark.sparkcli.inProcess", "true").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    data.register(spark, 0.01)
    for n in queries:
        text = data.query(n)
        runs = [phases(spark, text) for _ in range(ROUNDS)][WARM:]
        cells = "  ".join(f"{k} {statistics.median(r[k] for r in runs) * 1000:.2f}"
                          for k in runs[0])
        print(f"Q{n} (median ms of {len(runs)}): {cells}")
    spark.stop()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [9])
