"""How much of PySpark 4.3's ``pyspark.sql.functions`` sparkcli provides, by kind.

``python -m pytest tests/sql/functions/test_coverage.py -s`` prints the table and the names
still missing. A name counts as provided when ``pyspark.sql.functions`` defines it (not
the not-implemented stand-in) and, for a function with an SQL name, the engine's registry
resolves that name too (so ``expr()`` and SQL text reach it). The floors only go up.
"""

from __future__ import annotations

from runtime.sql.errors import PySparkNotImplementedError
from runtime.sql.expressions import registry
from sparkcli.sql import functions as F
from sparkcli.sql.functions.pyspark_names import KINDS, PYSPARK_FUNCTIONS

# Python-only helpers (no SQL function of that name)
_NOT_SQL = {"col", "column", "lit", "expr", "broadcast", "call_function", "when", "asc",
            "desc", "asc_nulls_first", "asc_nulls_last", "desc_nulls_first",
            "desc_nulls_last", "negate", "sha", "ucase", "lcase", "call_udf",
            # Python spellings of DISTINCT aggregates and the UDF machinery
            "count_distinct", "sum_distinct", "listagg_distinct", "string_agg_distinct",
            "udf", "pandas_udf", "PandasUDFType", "UserDefinedFunction", "arrow_udf",
            "ArrowUDFType",
            # UDTFs (called in FROM; the rest are the classes of pyspark.sql.udtf)
            "udtf", "UserDefinedTableFunction", "AnalyzeArgument", "AnalyzeResult",
            "OrderingColumn", "PartitioningColumn", "SelectedColumn",
            "SkipRestOfInputTableException",
            # partition transforms: Python only in Spark too (SQL has no such function)
            "years", "months", "days", "hours", "bucket"}
_SQL_NAME = {"negate": "negative", "ucase": "upper", "lcase": "lower"}


def provided(name: str) -> bool:
    if name not in F.__dict__:
        return False
    if name in _NOT_SQL:
        return True
    try:
        registry.lookup(_SQL_NAME.get(name, name))
    except Exception:  # noqa: BLE001
        return False
    return True


def coverage() -> dict[str, tuple[int, int, list[str]]]:
    out = {}
    for kind, names in KINDS.items():
        missing = [n for n in names if not provided(n)]
        out[kind] = (len(names) - len(missing), len(names), missing)
    return out


def test_coverage_table():
    table = coverage()
    done = sum(d for d, _, _ in table.values())
    total = sum(t for _, t, _ in table.values())
    for kind, (d, t, missing) in table.items():
        print(f"{kind:12} {d:3}/{t:3}  missing: {' '.join(missing)}")
    everything = sum(provided(n) for n in PYSPARK_FUNCTIONS)
    print(f"part A: {done}/{total}; all of pyspark.sql.functions: "
          f"{everything}/{len(PYSPARK_FUNCTIONS)}")
    assert done >= FLOOR
    assert everything >= ALL_FLOOR


def test_a_function_not_provided_raises_one_clear_error():
    import pytest

    missing = [n for n in PYSPARK_FUNCTIONS if n not in F.__dict__]
    if not missing:
        return
    fn = getattr(F, missing[0])
    with pytest.raises(PySparkNotImplementedError,
                       match=rf"^\[NOT_IMPLEMENTED\] pyspark.sql.functions.{missing[0]} is "):
        fn("x")
    with pytest.raises(AttributeError):
        F.no_such_function_anywhere  # noqa: B018


FLOOR = 200
ALL_FLOOR = 552  # of PySpark 4.3's 562 names
