"""``spark.tvf``: PySpark's TableValuedFunction, the table-valued functions as DataFrames.

Each generator (``explode``, ``inline``, ``posexplode``, ``json_tuple``, ``stack`` and their
``_outer`` forms) is a ``Generate`` over one row, as Spark plans ``SELECT * FROM
explode(...)``: only the generated columns are kept (``col``; ``pos, col``; ``key, value``;
``c0, c1``; ``col0, col1``; a struct's fields). The arguments are Columns (PySpark's
``[NOT_COLUMN]`` otherwise) and may read ``col("x").outer()``: such a DataFrame waits for
``lateralJoin`` to supply the outer row (``t.lateralJoin(spark.tvf.explode(col("a").outer()))``).
``range`` is ``spark.range``. ``variant_explode``, ``collations``, ``sql_keywords`` and
``python_worker_logs`` need what sparkcli does not have and raise ``[NOT_IMPLEMENTED]``.
"""

from __future__ import annotations

from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import PySparkTypeError
from runtime.sql.expressions.base import AttributeReference, UnresolvedFunction
from runtime.sql.plan import logical as L
from sparkcli.sql.column import Column
from sparkcli.sql.dataframe import DataFrame
from sparkcli.sql.lateral import analyze_lazily
from sparkcli.sql.not_provided import not_provided

__all__ = ["TableValuedFunction"]


class TableValuedFunction:
    """``spark.tvf``: table-valued functions whose rows make a DataFrame.

    >>> from pyspark.sql import functions as sf
    >>> spark.tvf.explode(sf.array(sf.lit(1), sf.lit(2))).show()
    +---+
    |col|
    +---+
    |  1|
    |  2|
    +---+
    """

    def __init__(self, session: Any):
        self._session = session

    def _generate(self, name: str, **args: Any) -> DataFrame:
        exprs = []
        for arg_name, value in args.items():
            for v in value if isinstance(value, tuple) else (value,):
                if not isinstance(v, Column):
                    raise PySparkTypeError(
                        f"[NOT_COLUMN] Argument `{arg_name}` should be a Column, got "
                        f"{type(v).__name__}.", errorClass="NOT_COLUMN",
                        messageParameters={"arg_name": arg_name, "arg_type": type(v).__name__})
                exprs.append(v._expr)
        one = L.Range(0, 1, 1, 1, AttributeReference("id", T.LongType(), False))
        plan = analyze_lazily(self._session._state(), L.Project(
            (UnresolvedFunction(name, tuple(exprs)),), (one,)))
        return DataFrame(_generate_only(plan), self._session)

    def explode(self, collection: Column) -> DataFrame:
        """One row per element of an array (``col``) or entry of a map (``key``, ``value``).

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.explode(sf.create_map(sf.lit("k"), sf.lit(1))).collect()
        [Row(key='k', value=1)]
        """
        return self._generate("explode", collection=collection)

    def explode_outer(self, collection: Column) -> DataFrame:
        """As ``explode``, with one row of NULLs for a NULL or empty collection.

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.explode_outer(sf.array()).collect()
        [Row(col=None)]
        """
        return self._generate("explode_outer", collection=collection)

    def posexplode(self, collection: Column) -> DataFrame:
        """As ``explode``, with each element's position first (``pos``).

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.posexplode(sf.array(sf.lit("a"), sf.lit("b"))).collect()
        [Row(pos=0, col='a'), Row(pos=1, col='b')]
        """
        return self._generate("posexplode", collection=collection)

    def posexplode_outer(self, collection: Column) -> DataFrame:
        """As ``posexplode``, with one row of NULLs for a NULL or empty collection.

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.posexplode_outer(sf.array()).collect()
        [Row(pos=None, col=None)]
        """
        return self._generate("posexplode_outer", collection=collection)

    def inline(self, input: Column) -> DataFrame:
        """One row per struct of an array of structs, a column per field.

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.inline(sf.array(sf.struct(sf.lit(1).alias("a")))).collect()
        [Row(a=1)]
        """
        return self._generate("inline", input=input)

    def inline_outer(self, input: Column) -> DataFrame:
        """As ``inline``, with one row of NULLs for a NULL or empty array.

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.inline_outer(sf.array().cast("array<struct<a:int>>")).collect()
        [Row(a=None)]
        """
        return self._generate("inline_outer", input=input)

    def json_tuple(self, input: Column, *fields: Column) -> DataFrame:
        """The named fields of a JSON object string, as columns ``c0``, ``c1``...

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.json_tuple(sf.lit('{"a":1,"b":2}'), sf.lit("a"), sf.lit("b")).collect()
        [Row(c0='1', c1='2')]
        """
        if not fields:
            raise PySparkTypeError(
                "[CANNOT_BE_EMPTY] At least one field must be specified.",
                errorClass="CANNOT_BE_EMPTY", messageParameters={"item": "field"})
        return self._generate("json_tuple", input=input, fields=fields)

    def stack(self, n: Column, *fields: Column) -> DataFrame:
        """``fields`` in ``n`` rows (columns ``col0``, ``col1``...).

        >>> from pyspark.sql import functions as sf
        >>> spark.tvf.stack(sf.lit(2), sf.lit(1), sf.lit(2), sf.lit(3), sf.lit(4)).collect()
        [Row(col0=1, col1=2), Row(col0=3, col1=4)]
        """
        return self._generate("stack", n=n, fields=fields)

    def range(self, start: int, end: int | None = None, step: int = 1,
              numPartitions: int | None = None) -> DataFrame:
        """``spark.range``: a bigint column ``id`` from start below end.

        >>> spark.tvf.range(1, 7, 2).collect()
        [Row(id=1), Row(id=3), Row(id=5)]
        """
        return self._session.range(start, end, step, numPartitions)

    variant_explode = not_provided("TableValuedFunction.variant_explode", "no VARIANT generator")
    variant_explode_outer = not_provided("TableValuedFunction.variant_explode_outer",
                                         "no VARIANT generator")
    collations = not_provided("TableValuedFunction.collations",
                              "strings compare by UTF-8 bytes only (UTF8_BINARY)")
    sql_keywords = not_provided("TableValuedFunction.sql_keywords", "SQL is parsed by sqlglot")
    python_worker_logs = not_provided("TableValuedFunction.python_worker_logs",
                                      "executor output goes to the work directory")


def _generate_only(plan: L.LogicalPlan) -> L.LogicalPlan:
    """Spark's plan of a table-valued generator: the ``Generate`` itself (keeping only the
    generated columns) rather than a projection of them above it."""
    if isinstance(plan, L.Project) and isinstance(plan.child, L.Generate):
        gen = plan.child
        if [a.expr_id for a in plan.exprs] == [a.expr_id for a in gen.gen_output]:
            return L.Generate(gen.generator, gen.outer, gen.gen_output, gen.children, ())
    return plan
