"""Regenerate golden/<kind>.json from real PySpark:

    /tmp/venv-pyspark/bin/python tests/sql/functions/generate_golden.py [kind ...]

Each case is a Python expression over ``F`` (pyspark.sql.functions) and ``col``, selected
from golden_input's table; ``ansi_off`` runs with ``spark.sql.ansi.enabled=false`` and ``time`` with
``spark.sql.timeType.enabled=true``; the file records Spark's column name, result type and the
``repr`` of each row's value, or the exception class and error class when it fails.
"""

from __future__ import annotations

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from golden_cases import CASES  # noqa: E402
from golden_input import frame  # noqa: E402


def run_case(df, F, snippet: str) -> dict:
    try:
        out = df.select(eval(snippet, {"F": F, "col": F.col, "lit": F.lit}))
        rows = out.collect()
        return {"case": snippet, "name": out.columns[0],
                "type": out.schema.fields[0].dataType.simpleString(),
                "values": [repr(r[0]) for r in rows]}
    except Exception as ex:  # noqa: BLE001
        m = re.match(r"\[([A-Z_.0-9]+)\]", str(ex).strip())
        return {"case": snippet, "error": type(ex).__name__,
                "errorClass": m.group(1) if m else None, "message": str(ex).splitlines()[0][:300]}


def main(kinds: list[str]) -> None:
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.master("local[1]").config(
        "spark.sql.session.timeZone", "UTC").getOrCreate()
    df = frame(spark).coalesce(1)
    for kind in kinds or sorted(CASES):
        spark.conf.set("spark.sql.ansi.enabled", "false" if kind == "ansi_off" else "true")
        spark.conf.set("spark.sql.timeType.enabled", "true" if kind == "time" else "false")
        results = [run_case(df, F, s) for s in CASES[kind]]
        with open(os.path.join(HERE, "golden", f"{kind}.json"), "w") as f:
            json.dump(results, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(kind, len(results))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
