"""The actions and inspection methods of ``DataFrame`` (a mixin; see dataframe.py).

Actions plan the DataFrame's query (``_execution()``: optimized and physical plans), run it
and convert the Arrow results at the edge: ``collect`` makes Rows, ``toArrow`` a pyarrow
Table, ``toPandas`` a pandas DataFrame. ``show``/``printSchema``/``explain`` print Spark's
text exactly (runtime/sql/formatting).
"""

from __future__ import annotations

from typing import Any, Iterator

from runtime import arrow_numpy
from runtime.sql import types as T
from runtime.sql.arrow_types import batch_to_rows, to_arrow_schema
from runtime.sql.errors import AnalysisException, PySparkTypeError, PySparkValueError
from runtime.sql.formatting.schema import tree_string
from runtime.sql.formatting.show import show_string
from runtime.sql.plan import logical as L
from runtime.sql.row import Row
from runtime.sql.formatting.explain import explain_string
from runtime.sql.expressions.base import Alias, Literal, UnresolvedFunction
from runtime.sql.streaming.relation import is_streaming

__all__ = ["DataFrameActions"]


class DataFrameActions:
    _plan: L.LogicalPlan
    _session: Any

    # -- schema ---------------------------------------------------------------------------------
    @property
    def schema(self) -> T.StructType:
        """The DataFrame's schema as a StructType."""
        return T.StructType([T.StructField(a.name, a.dtype, a.nullable, a.metadata)
                             for a in self._plan.output])

    @property
    def columns(self) -> list[str]:
        """Column names, in order."""
        return [a.name for a in self._plan.output]

    @property
    def dtypes(self) -> list[tuple[str, str]]:
        """(name, simple type string) pairs: ``[('age', 'bigint')]``."""
        return [(a.name, a.dtype.simpleString()) for a in self._plan.output]

    def printSchema(self, level: int | None = None) -> None:
        """Print the schema as a tree (``root`` then `` |-- name: type (nullable = ...)``)."""
        print(tree_string(self.schema, level))

    def explain(self, extended: Any = None, mode: str | None = None) -> None:
        """Print the plans: ``simple`` (physical), ``extended`` (all), ``formatted``."""

        if isinstance(extended, str):
            mode, extended = extended, None
        if mode is None:
            mode = "extended" if extended else "simple"
        if is_streaming(self._plan):  # planned per micro-batch once started
            tree = self._plan.tree_string()
            print(("== Analyzed Logical Plan ==\n" + tree + "\n" if mode != "simple" else "")
                  + "== Physical Plan ==\n" + tree)
            return
        print(explain_string(self._execution(), mode))

    # -- running --------------------------------------------------------------------------------
    def _execution(self) -> Any:
        if is_streaming(self._plan):
            raise AnalysisException(
                "Queries with streaming sources must be executed with writeStream.start(), or "
                "from a streaming table or flow definition within a Spark Declarative Pipeline.;\n"
                + self._plan.tree_string().rstrip("\n"))
        return self._session._state().execution(self._plan)

    def _batches(self) -> list[Any]:
        return self._execution().collect_batches()

    def collect(self) -> list[Row]:
        """All rows, as a list of Row."""
        schema = self.schema
        return [r for b in self._batches() for r in batch_to_rows(b, schema)]

    def toLocalIterator(self, prefetchPartitions: bool = False) -> Iterator[Row]:
        """Rows one partition at a time."""
        schema = self.schema
        for part in self._execution().partitions():
            for b in part:
                yield from batch_to_rows(b, schema)

    def _limited(self, n: int) -> list[Row]:
        return self.limit(n).collect()  # type: ignore[attr-defined]

    def take(self, num: int) -> list[Row]:
        return self._limited(num)

    def head(self, n: int | None = None) -> Any:
        """The first row (``head()``) or the first n rows."""
        if n is None:
            rows = self._limited(1)
            return rows[0] if rows else None
        return self._limited(n)

    def first(self) -> Row | None:
        return self.head()

    def tail(self, num: int) -> list[Row]:
        df = self._with(L.Tail(num, (self._plan,)))  # type: ignore[attr-defined]
        return df.collect()

    def count(self) -> int:
        """The number of rows."""

        agg = L.Aggregate((), (Alias((UnresolvedFunction(
            "count", (Literal(1, T.IntegerType()),)),), "count"),), (self._plan,))
        rows = self._with(agg).collect()  # type: ignore[attr-defined]
        return int(rows[0][0])

    def isEmpty(self) -> bool:
        return len(self._limited(1)) == 0

    def toArrow(self) -> Any:
        """The rows as a pyarrow Table."""
        import pyarrow as pa

        arrow_numpy.give_numpy()  # the Table is the application's: its to_numpy() works

        schema = to_arrow_schema(self.schema)
        batches = [pa.RecordBatch.from_arrays(list(b.columns), schema=schema)
                   for b in self._batches()]
        return pa.Table.from_batches(batches, schema=schema)

    def toPandas(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise PySparkValueError(
                "[PACKAGE_NOT_INSTALLED] Pandas >= 2.2.0 must be installed; however, it was "
                "not found.", errorClass="PACKAGE_NOT_INSTALLED") from None
        table = self.toArrow()
        pdf = table.to_pandas()
        pdf.columns = self.columns
        return pdf

    # -- show -----------------------------------------------------------------------------------
    def _show_string(self, n: int = 20, truncate: Any = True, vertical: bool = False) -> str:
        if not isinstance(n, int) or isinstance(n, bool):
            raise PySparkTypeError(
                f"[NOT_INT] Argument `n` should be an int, got {type(n).__name__}.",
                errorClass="NOT_INT")
        if not isinstance(vertical, bool):
            raise PySparkTypeError(
                f"[NOT_BOOL] Argument `vertical` should be a bool, got "
                f"{type(vertical).__name__}.", errorClass="NOT_BOOL")
        if isinstance(truncate, bool):
            width = 20 if truncate else 0
        else:
            try:
                width = int(truncate)
            except ValueError:
                raise PySparkTypeError(
                    f"[NOT_BOOL] Argument `truncate` should be a bool, got "
                    f"{type(truncate).__name__}.", errorClass="NOT_BOOL") from None
        rows = self._limited(max(n, 0) + 1) if n >= 0 else []
        tz = self._session._state().conf("spark.sql.session.timeZone")
        return show_string(self.schema, rows, max(n, 0), width, vertical, tz)

    def show(self, n: int = 20, truncate: bool | int = True, vertical: bool = False) -> None:
        """Print the first ``n`` rows as Spark's table (cells cut to 20 characters unless
        ``truncate=False`` or another width; ``vertical=True`` prints one record per block)."""
        print(self._show_string(n, truncate, vertical))

    def __repr__(self) -> str:
        fields = ", ".join(f"{a.name}: {a.dtype.simpleString()}" for a in self._plan.output)
        return f"DataFrame[{fields}]"
