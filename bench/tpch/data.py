"""TPC-H tables, the 22 queries and their reference answers, offline.

The tables come from DuckDB's TPC-H extension (dbgen), shipped as a pip package
(``duckdb-extension-tpch``, which pins its own duckdb): the extension file is LOADed from the
package directory, because ``INSTALL tpch`` needs the internet. ``generate(sf)`` runs
``CALL dbgen(sf=...)`` once and writes one Parquet file per table under
``bench/data/tpch-sf<sf>/`` (gitignored; ``SPARKCLI_TPCH_DIR`` moves the cache), through a
temporary directory renamed at the end, so an interrupted or concurrent run never leaves a half
written table set behind and a second run reuses the files.

The queries are DuckDB's ``tpch_queries()`` text, which is also valid Spark SQL; they are kept
in ``bench/tpch/queries/qNN.sql`` so a reader sees exactly what runs (and so they load without
duckdb). ``answer(n, sf)`` is DuckDB's ``tpch_answers()`` for scale factors 0.01, 0.1 and 1:
rows of strings as DuckDB prints them. ``compare(n, sf, columns, rows)`` checks an engine's
result against it: same columns, same row count, rows in the query's order; strings and
integers exactly; a Decimal to within one unit of its own scale (Spark's result scales differ
from DuckDB's, e.g. avg(decimal(15,2)) is decimal(19,6) in Spark and a double in DuckDB); a
double to a relative 1e-9.
"""

from __future__ import annotations

import datetime
import decimal
import glob
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

__all__ = ["TABLES", "QUERIES", "data_dir", "generate", "query", "answer", "compare",
           "register"]

TABLES = ("nation", "region", "part", "supplier", "partsupp", "customer", "orders", "lineitem")
QUERIES = tuple(range(1, 23))
_HERE = Path(__file__).resolve().parent
_QUERY_DIR = _HERE / "queries"


def _sf_name(sf: float) -> str:
    return f"tpch-sf{float(sf):g}"


def data_dir(sf: float) -> Path:
    root = os.environ.get("SPARKCLI_TPCH_DIR")
    base = Path(root) if root else _HERE.parent / "data"
    return base / _sf_name(sf)


def _connect() -> Any:
    import duckdb
    import duckdb_extension_tpch

    pkg = os.path.dirname(duckdb_extension_tpch.__file__)
    found = sorted(glob.glob(os.path.join(pkg, "extensions", "*", "tpch.duckdb_extension")))
    if not found:
        raise RuntimeError(f"no tpch.duckdb_extension under {pkg}/extensions")
    con = duckdb.connect()
    con.execute(f"LOAD '{found[-1]}'")
    return con


def generate(sf: float = 0.01) -> Path:
    """The directory holding ``<table>.parquet`` for scale factor ``sf`` (generated once)."""
    target = data_dir(sf)
    if all((target / f"{t}.parquet").exists() for t in TABLES):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        con = _connect()
        con.execute(f"CALL dbgen(sf={float(sf)})")
        for t in TABLES:
            con.execute(f"COPY {t} TO '{tmp / (t + '.parquet')}' (FORMAT parquet)")
        con.close()
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first
            if not all((target / f"{t}.parquet").exists() for t in TABLES):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def query(n: int) -> str:
    """Query ``n`` (1..22) as Spark SQL text, without the trailing semicolon."""
    return (_QUERY_DIR / f"q{n:02d}.sql").read_text().strip().rstrip(";")


@lru_cache(maxsize=None)
def _answers() -> dict:
    con = _connect()
    rows = con.execute("SELECT scale_factor, query_nr, answer FROM tpch_answers()").fetchall()
    con.close()
    return {(float(sf), int(n)): text for sf, n, text in rows}


def answer(n: int, sf: float) -> tuple[list[str], list[list[str]]]:
    """DuckDB's reference answer: (column names, rows of strings)."""
    text = _answers()[(float(sf), n)]
    if text.endswith("\n"):  # one newline ends the last row; an empty row is a NULL (Q17)
        text = text[:-1]
    lines = text.split("\n")
    return lines[0].split("|"), [line.split("|") for line in lines[1:]]


def register(spark: Any, sf: float = 0.01) -> Path:
    """Generate (once) and register the 8 tables as temp views of ``spark``."""
    d = generate(sf)
    for t in TABLES:
        spark.read.parquet(str(d / f"{t}.parquet")).createOrReplaceTempView(t)
    return d


def _same(actual: Any, expected: str) -> bool:
    if actual is None:
        return expected in ("NULL", "")
    if isinstance(actual, bool):
        return str(actual).lower() == expected.lower()
    if isinstance(actual, decimal.Decimal):
        exp = decimal.Decimal(expected)
        unit = decimal.Decimal(1).scaleb(actual.as_tuple().exponent)
        return abs(actual - exp) <= unit
    if isinstance(actual, int):
        try:
            return actual == int(expected)
        except ValueError:
            return False
    if isinstance(actual, float):
        exp = float(expected)
        return abs(actual - exp) <= 1e-9 * max(1.0, abs(exp))
    if isinstance(actual, (datetime.date, datetime.datetime)):
        return actual.isoformat() == expected
    return str(actual) == expected


def compare(n: int, sf: float, columns: Sequence[str], rows: Iterable[Sequence[Any]]
            ) -> list[str]:
    """Differences between a result and the reference answer (empty: the result is right)."""
    exp_cols, exp_rows = answer(n, sf)
    rows = [tuple(r) for r in rows]
    problems = []
    if len(columns) != len(exp_cols) or not all(
            a.lower() == e.lower() or a.lower().startswith(e.lower() + "(")
            for a, e in zip(columns, exp_cols)):  # DuckDB names sum(x) "sum", Spark "sum(x)"
        problems.append(f"Q{n}: columns {list(columns)} != {exp_cols}")
    if len(rows) != len(exp_rows):
        problems.append(f"Q{n}: {len(rows)} rows, expected {len(exp_rows)}")
    for i, (got, want) in enumerate(zip(rows, exp_rows)):
        if len(got) != len(want) or not all(_same(a, e) for a, e in zip(got, want)):
            problems.append(f"Q{n} row {i}: {got!r} != {want!r}")
            if len(problems) > 5:
                break
    return problems


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:] or ["0.01"]:
        print(generate(float(arg)))
