"""Run Spark SQL golden files (``.sql.out``) through ``spark.sql`` and score each query.

A ``.sql.out`` file is the format Spark's SQLQueryTestSuite writes: blocks of ``-- !query``,
``-- !query schema`` and ``-- !query output``. The files under tests/sql/golden/sql-tests/
results/ were recorded from PySpark 4.3 by tests/sql/golden/sql-tests/generate.py; Spark's own
files parse the same way.

A query passes when
- Spark answered with rows: ``spark.sql`` succeeds, the schema's ``simpleString`` equals
  Spark's ``catalogString`` and the rows, rendered as Spark's ``HiveResult.hiveResultString``
  renders them (``render`` below), equal Spark's lines; when Spark sorted its lines because
  the query does not order its rows (Spark's suite sorts those), ours are sorted too;
- Spark raised an error: ours raises one with the same error class.

``python -m tests.sql.sqltext.golden_runner [NAME ...] [-v] [--update]`` prints the pass counts
(and with -v every failing query); ``--update`` rewrites the recorded table PASS_COUNTS, which
tests/sql/sqltext/test_golden.py holds the engine to.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from runtime.sql.formatting.values import java_double, java_float
from sparkcli.sql import SparkSession

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "sql-tests"
RESULTS = GOLDEN / "results"
PASS_COUNTS = GOLDEN / "pass_counts.md"
_ERROR_CLASS = re.compile(r'"errorClass"\s*:\s*"([^"]+)"')


@dataclass
class Case:
    query: str
    schema: str
    output: list[str]
    error_class: str | None  # set when Spark raised an error
    error_name: str | None  # the JVM exception class


@dataclass
class Outcome:
    case: Case
    passed: bool
    detail: str = ""


def parse_out(text: str) -> list[Case]:
    """The query blocks of a .sql.out file."""
    cases = []
    for block in text.split("-- !query\n")[1:]:
        query, _, rest = block.partition("\n-- !query schema\n")
        schema, _, output = rest.partition("\n-- !query output\n")
        lines = output.rstrip("\n").split("\n") if output.strip("\n") else []
        error = None
        name = None
        if lines and re.match(r"^[\w.]+(Exception|Error)$", lines[0]):
            name = lines[0]
            found = _ERROR_CLASS.search(output)
            error = found.group(1) if found else name
            lines = []
        cases.append(Case(query.strip(), schema.strip(), lines, error, name))
    return cases


# -- rendering rows as HiveResult.hiveResultString does -------------------------------------------
def _fraction(micros: int) -> str:
    return f".{micros:06d}".rstrip("0") if micros else ""


def render(value, dtype, nested: bool = False) -> str:
    name = type(dtype).__name__
    if value is None:
        return "null" if nested else "NULL"
    if name == "BooleanType":
        return "true" if value else "false"
    if name in ("StringType", "CharType", "VarcharType"):
        return f'"{value}"' if nested else str(value)
    if name == "DoubleType":
        return java_double(float(value))
    if name == "FloatType":
        return java_float(float(value))
    if name == "DecimalType":
        return format(value, "f")
    if name in ("TimestampType", "TimestampNTZType"):
        return value.strftime("%Y-%m-%d %H:%M:%S") + _fraction(value.microsecond)
    if name == "DateType":
        return value.isoformat()
    if name == "BinaryType":
        return bytes(value).decode("utf-8", "replace")
    if name == "DayTimeIntervalType":
        micros = value // dt.timedelta(microseconds=1) if isinstance(value, dt.timedelta) else value
        sign = "-" if micros < 0 else ""
        micros = abs(micros)
        secs, frac = divmod(micros, 1_000_000)
        days, secs = divmod(secs, 86400)
        return (f"{sign}{days} {secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
                f".{frac * 1000:09d}")
    if name == "YearMonthIntervalType":
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(value) // 12}-{abs(value) % 12}"
    if name == "ArrayType":
        return "[" + ",".join(render(v, dtype.elementType, True) for v in value) + "]"
    if name == "MapType":
        items = value.items() if isinstance(value, dict) else value
        parts = sorted(render(k, dtype.keyType, True) + ":" + render(v, dtype.valueType, True)
                       for k, v in items)
        return "{" + ",".join(parts) + "}"
    if name == "StructType":
        return "{" + ",".join(f'"{f.name}":{render(v, f.dataType, True)}'
                              for v, f in zip(value, dtype.fields)) + "}"
    return str(value)


def rendered_rows(df) -> list[str]:
    fields = df.schema.fields
    return ["\t".join(render(v, f.dataType) for v, f in zip(row, fields))
            for row in df.collect()]


# -- running ----------------------------------------------------------------------------------------
def run_case(spark, case: Case) -> Outcome:
    try:
        df = spark.sql(case.query)
        schema = df.schema.simpleString()
        lines = rendered_rows(df)
    except Exception as e:  # noqa: BLE001 - every failure is scored, none stops the file
        got = e.getErrorClass() if hasattr(e, "getErrorClass") else None
        if case.error_class is not None and got == case.error_class:
            return Outcome(case, True)
        want = case.error_class or "rows"
        first = str(e).split("\n")[0][:300]
        return Outcome(case, False, f"expected {want}, got {type(e).__name__}: {first}")
    if case.error_class is not None:
        return Outcome(case, False, f"expected {case.error_class}, got rows {lines[:3]}")
    if schema != case.schema:
        return Outcome(case, False, f"schema {schema} != {case.schema}")
    if lines == case.output:
        return Outcome(case, True)
    if case.output == sorted(case.output) and sorted(lines) == case.output:
        return Outcome(case, True)  # Spark's suite sorted an unordered result
    return Outcome(case, False, f"rows {lines[:6]} != {case.output[:6]}")


def run_file(spark, path: Path) -> list[Outcome]:
    session = spark.newSession()
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return [run_case(session, case) for case in parse_out(path.read_text())]


def read_pass_counts() -> dict[str, tuple[int, int]]:
    counts = {}
    for line in PASS_COUNTS.read_text().splitlines():
        m = re.match(r"^\| (\S+) \| (\d+) \| (\d+) \|", line)
        if m and not m.group(1).startswith("*"):
            counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return counts


def write_pass_counts(counts: dict[str, tuple[int, int]]) -> None:
    lines = ["# Golden-file pass counts", "",
             "Queries of tests/sql/golden/sql-tests/results/*.sql.out (recorded from PySpark 4.3)",
             "that sparkcli answers as Spark does; tests/sql/sqltext/test_golden.py fails when a",
             "count drops. Rewrite with `python -m tests.sql.sqltext.golden_runner --update`.", "",
             "| file | passed | total |", "|---|---|---|"]
    for name in sorted(counts):
        lines.append(f"| {name} | {counts[name][0]} | {counts[name][1]} |")
    passed = sum(p for p, _ in counts.values())
    total = sum(t for _, t in counts.values())
    lines.append(f"| **all** | {passed} | {total} |")
    PASS_COUNTS.write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    update = "--update" in argv
    names = [a for a in argv if not a.startswith("-")]
    os.environ.setdefault("TZ", "UTC")
    spark = (SparkSession.builder.master("local[2]").appName("golden")
             .config("spark.sparkcli.inProcess", "true").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    counts = read_pass_counts() if PASS_COUNTS.exists() else {}
    for path in sorted(RESULTS.glob("*.sql.out")):
        name = path.name[: -len(".sql.out")]
        if names and name not in names:
            continue
        outcomes = run_file(spark, path)
        passed = sum(o.passed for o in outcomes)
        counts[name] = (passed, len(outcomes))
        print(f"{name}: {passed}/{len(outcomes)}")
        if verbose:
            for o in outcomes:
                if not o.passed:
                    print("  --", o.case.query.replace("\n", " ")[:160])
                    print("    ", o.detail[:400])
    spark.stop()
    if update:
        write_pass_counts(counts)


if __name__ == "__main__":
    main(sys.argv[1:])
