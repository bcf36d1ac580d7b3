"""``pyspark.sql.DataFrame``: a resolved logical plan plus the session that runs it.

Every transformation wraps the plan in one new logical node and has the session analyze it
at once, so a mistake (an unknown column, a type mismatch) raises AnalysisException where it
is written, as in Spark. ``df["a"]`` and ``df.a`` resolve against this DataFrame's output
right away: the Column holds that attribute (its expression id), so it keeps naming this
DataFrame's column after joins. Actions live in dataframe_actions.py.

>>> df = spark.createDataFrame([("Alice", 2), ("Bob", 5)], ["name", "age"])
>>> df.filter(df.age > 3).select("name").collect()
[Row(name='Bob')]
"""

from __future__ import annotations

import re
import zlib
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, PySparkTypeError, PySparkValueError
from runtime.sql.expressions.base import (
    Alias, AttributeReference, CaseWhen, Expression, Literal, SortOrder, UnresolvedAttribute,
    UnresolvedFunction)
from runtime.sql.plan import logical as L
from sparkcli.sql.column import Column, lit_expr, name_expr, to_expr
from sparkcli.sql.dataframe_actions import DataFrameActions
from sparkcli.sql.stats import describe, summary
from sparkcli.lazy import SQL_IO, SQL_STREAMING
from sparkcli.storagelevel import StorageLevel
from runtime.sql.parser import parse_expression
from sparkcli.sql.join import build_join
from sparkcli.sql.group import GroupedData
from sparkcli.sql.pandas_udf import map_in_batches
from sparkcli.sql.dataframe_reshape import DataFrameReshape
from sparkcli.sql.na import NaMethods
from sparkcli.sql.stat import StatMethods
from runtime.sql.analysis.metadata_columns import METADATA, metadata_attribute
from runtime.sql.analysis.resolve import UnresolvedRegex
from runtime.sql.execution.local_runner import CachedData
from runtime.sql.arrow_types import batch_to_rows
from runtime.sql.formatting.jsonrows import row_to_json
from runtime.sql.errors import quote_ident, unresolved_column
from runtime.sql.streaming.relation import (
    DeduplicateWithinWatermark, EventTimeWatermark, is_streaming)
from runtime.sql.streaming.intervals import parse_interval_ms
from sparkcli.sql.dataframe_not_provided import DataFrameNotProvided
from sparkcli.sql.observation import ObserveMethod
from sparkcli.sql.lateral import LateralJoinMethod, analyze_lazily

__all__ = ["DataFrame"]


def _cols(cols: tuple) -> list:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        return list(cols[0])
    return list(cols)


class DataFrame(DataFrameActions, DataFrameReshape, NaMethods, StatMethods, ObserveMethod,
                LateralJoinMethod, DataFrameNotProvided):
    """A distributed collection of rows with named columns (see module docstring)."""

    def __init__(self, plan: L.LogicalPlan, session: Any):
        self._plan = plan
        self._session = session
        self._cached_from: L.LogicalPlan | None = None

    def _with(self, plan: L.LogicalPlan) -> DataFrame:
        return DataFrame(analyze_lazily(self._session._state(), plan), self._session)

    @property
    def sparkSession(self) -> Any:
        return self._session

    @property
    def isStreaming(self) -> bool:
        """True when the DataFrame reads a streaming source (run it with writeStream)."""
        return is_streaming(self._plan)

    @property
    def writeStream(self) -> Any:
        """A DataStreamWriter for this streaming DataFrame."""
        return SQL_STREAMING.DataStreamWriter(self)

    def withWatermark(self, eventTime: str, delayThreshold: str) -> DataFrame:
        """Event time ``eventTime`` is at most ``delayThreshold`` late: stateful operators
        drop older rows and append mode emits a window once the watermark passes its end."""
        if not eventTime or not isinstance(eventTime, str):
            raise PySparkTypeError(f"[NOT_STR] Argument `eventTime` should be a str, got "
                                   f"{type(eventTime).__name__}.", errorClass="NOT_STR")
        if not delayThreshold or not isinstance(delayThreshold, str):
            raise PySparkTypeError(f"[NOT_STR] Argument `delayThreshold` should be a str, got "
                                   f"{type(delayThreshold).__name__}.", errorClass="NOT_STR")
        attr = self._resolve(eventTime)._expr
        delay = parse_interval_ms(delayThreshold)
        if delay < 0:
            raise AnalysisException(f"[CANNOT_PARSE_TIME] Delay threshold ({delayThreshold}) "
                                    "should not be negative.")
        if not isinstance(attr.dtype, (T.TimestampType, T.TimestampNTZType)):
            raise AnalysisException(
                f"[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time {quote_ident(attr.name)}"
                f" has the invalid type \"{attr.dtype.simpleString().upper()}\", but expected "
                '"TIMESTAMP". SQLSTATE: 42K09',
                errorClass="EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE")
        text = delayThreshold.strip()
        if text.lower().startswith("interval"):
            text = text[len("interval"):].strip()
        return DataFrame(EventTimeWatermark(attr, delay, text, (self._plan,)), self._session)

    def isLocal(self) -> bool:
        return isinstance(self._plan, (L.LocalRelation,))

    # -- columns of this DataFrame ----------------------------------------------------------------
    def _resolve(self, name: str) -> Column:
        expr = name_expr(name)
        if not isinstance(expr, UnresolvedAttribute):
            return Column(expr)
        resolver = self._session._state().analyzer_exprs()
        inputs = self._plan.output
        meta = metadata_attribute(self._plan)  # df["_metadata"]: the hidden file column
        if meta is not None and expr.parts[0].lower() == METADATA and \
                not any(a.name.lower() == METADATA for a in inputs):
            inputs = inputs + [meta]
        return Column(resolver.resolve_name(expr.parts, inputs))

    def metadataColumn(self, colName: str) -> Column:
        """The hidden metadata column ``colName`` (``_metadata`` of a file scan)."""
        meta = metadata_attribute(self._plan)
        if meta is None or colName.lower() != METADATA:
            raise unresolved_column(colName, [quote_ident(c) for c in self.columns])
        return Column(meta)

    def colRegex(self, colName: str) -> Column:
        """The columns whose names match a regex in backquotes (``"`(a|b)_.*`"``), for
        select; a name without backquotes is an ordinary column."""
        if not isinstance(colName, str):
            raise PySparkTypeError(
                f"[NOT_STR] Argument `colName` should be a str, got {type(colName).__name__}.",
                errorClass="NOT_STR")
        if len(colName) > 1 and colName.startswith("`") and colName.endswith("`"):
            return Column(UnresolvedRegex(None, colName[1:-1]))
        return self._resolve(colName)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, str):
            return self._resolve(item)
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        if isinstance(item, int):
            out = self._plan.output
            if not 0 <= item < len(out):
                raise PySparkValueError(
                    f"[INDEX_OUT_OF_RANGE] Column index must be between 0 and {len(out) - 1}, "
                    f"got {item}.", errorClass="INDEX_OUT_OF_RANGE")
            return Column(out[item])
        raise PySparkTypeError(f"[NOT_COLUMN_OR_INT_OR_LIST_OR_STR_OR_TUPLE] unexpected item "
                               f"type: {type(item).__name__}", errorClass="NOT_COLUMN_OR_STR")

    def __getattr__(self, name: str) -> Column:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.columns:
            raise AttributeError(f"'DataFrame' object has no attribute '{name}'")
        return self._resolve(name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {c for c in self.columns if c.isidentifier()})

    # -- projections ----------------------------------------------------------------------------
    def select(self, *cols: Any) -> DataFrame:
        """Project expressions: column names, Columns, ``"*"``."""
        bad = [c for c in _cols(cols) if not isinstance(c, (Column, str))]
        if bad:
            raise _not_expected("col", "Column or str", bad[0])
        exprs = tuple(to_expr(c) for c in _cols(cols))
        return self._with(L.Project(exprs, (self._plan,)))

    def selectExpr(self, *expr: str) -> DataFrame:
        """Project SQL expressions: ``selectExpr("a * 2 AS b", "abs(c)")``."""

        return self._with(L.Project(tuple(parse_expression(e) for e in _cols(expr)),
                                    (self._plan,)))

    def filter(self, condition: Column | str) -> DataFrame:
        """Rows for which the condition (a Column or SQL text) is true."""
        if isinstance(condition, str):
            cond = parse_expression(condition)
        elif isinstance(condition, Column):
            cond = condition._expr
        else:
            raise _not_expected("condition", "Column or str", condition)
        return self._with(L.Filter(cond, (self._plan,)))

    where = filter

    def withColumns(self, *colsMap: dict[str, Column]) -> DataFrame:
        """Add or replace several columns: ``withColumns({"a2": df.a * 2})``."""
        if len(colsMap) != 1 or not isinstance(colsMap[0], dict):
            raise PySparkTypeError("[NOT_DICT] Argument `colsMap` should be a dict.",
                                   errorClass="NOT_DICT")
        mapping = colsMap[0]
        state = self._session._state()
        cs = state.flag("spark.sql.caseSensitive")

        def same(a: str, b: str) -> bool:
            return a == b if cs else a.lower() == b.lower()

        exprs: list[Expression] = []
        used = set()
        for a in self._plan.output:
            hit = next((k for k in mapping if same(k, a.name)), None)
            if hit is None:
                exprs.append(a)
            else:
                used.add(hit)
                exprs.append(Alias((to_expr(mapping[hit]),), hit))
        for k, v in mapping.items():
            if k not in used:
                if not isinstance(v, Column):
                    raise PySparkTypeError(
                        f"[NOT_COLUMN] Argument `col` should be a Column, got "
                        f"{type(v).__name__}.", errorClass="NOT_COLUMN")
                exprs.append(Alias((v._expr,), k))
        return self._with(L.Project(tuple(exprs), (self._plan,)))

    def withColumn(self, colName: str, col: Column) -> DataFrame:
        """Add a column or replace the one of that name."""
        if not isinstance(col, Column):
            raise _not_expected("col", "Column", col)
        return self.withColumns({colName: col})

    def withColumnsRenamed(self, colsMap: dict[str, str]) -> DataFrame:
        lower = {k.lower(): v for k, v in colsMap.items()}
        exprs = tuple(Alias((a,), lower[a.name.lower()]) if a.name.lower() in lower else a
                      for a in self._plan.output)
        return self._with(L.Project(exprs, (self._plan,)))

    def withColumnRenamed(self, existing: str, new: str) -> DataFrame:
        return self.withColumnsRenamed({existing: new})

    def drop(self, *cols: Any) -> DataFrame:
        """Drop columns by name or Column (unknown names are ignored)."""
        ids: set[int] = set()
        names = set()
        for c in cols:
            if isinstance(c, str):
                names.add(c.lower())
            elif isinstance(c, Column):
                e = c._expr
                if isinstance(e, AttributeReference):
                    ids.add(e.expr_id)
                elif isinstance(e, UnresolvedAttribute):
                    names.add(".".join(e.parts).lower())
            else:
                raise PySparkTypeError(
                    f"[NOT_COLUMN_OR_STR] Argument `col` should be a Column or str, got "
                    f"{type(c).__name__}.", errorClass="NOT_COLUMN_OR_STR")
        keep = tuple(a for a in self._plan.output
                     if a.expr_id not in ids and a.name.lower() not in names)
        return self._with(L.Project(keep, (self._plan,)))

    def toDF(self, *cols: str) -> DataFrame:
        out = self._plan.output
        if len(cols) != len(out):
            raise PySparkValueError(
                f"[LENGTH_SHOULD_BE_THE_SAME] Number of column names ({len(cols)}) must match "
                f"the number of columns ({len(out)}).", errorClass="LENGTH_SHOULD_BE_THE_SAME")
        return self._with(L.Project(tuple(Alias((a,), n) for a, n in zip(out, cols)),
                                    (self._plan,)))

    def to(self, schema: T.StructType) -> DataFrame:
        exprs = []
        for f in schema.fields:
            c = self._resolve(f.name)._expr
            exprs.append(Alias((c if c.dtype == f.dataType else
                                Column(c).cast(f.dataType)._expr,), f.name))
        return self._with(L.Project(tuple(exprs), (self._plan,)))

    def writeTo(self, table: str) -> Any:
        """A writer to a warehouse table (a DataFrameWriterV2):
        ``df.writeTo("t").partitionedBy("p").create()``."""
        return SQL_IO.DataFrameWriterV2(self, table)

    def alias(self, alias: str) -> DataFrame:
        """Name this DataFrame for qualified references (``df.alias("a")`` then ``"a.x"``)."""
        return self._with(L.SubqueryAlias(alias, (self._plan,)))

    def transform(self, func: Callable[..., DataFrame], *args: Any, **kwargs: Any) -> DataFrame:
        return func(self, *args, **kwargs)

    def hint(self, name: str, *parameters: Any) -> DataFrame:
        return self

    # -- rows -----------------------------------------------------------------------------------
    def limit(self, num: int) -> DataFrame:
        return self._with(L.Limit(int(num), (self._plan,)))

    def offset(self, num: int) -> DataFrame:
        return self._with(L.Offset(int(num), (self._plan,)))

    def distinct(self) -> DataFrame:
        return self._with(L.Distinct((self._plan,)))

    def dropDuplicates(self, subset: list[str] | None = None) -> DataFrame:
        if subset is None:
            keys = tuple(self._plan.output)
        else:
            if isinstance(subset, str):
                subset = [subset]
            keys = tuple(self._resolve(s)._expr for s in subset)
        return self._with(L.Deduplicate(keys, (self._plan,)))

    drop_duplicates = dropDuplicates

    def dropDuplicatesWithinWatermark(self, subset: list[str] | None = None) -> DataFrame:
        """Streaming only: a row is dropped when a row with the same keys arrived within the
        watermark's delay before it. A batch DataFrame raises, as Spark's (at the action)."""
        if not self.isStreaming:
            raise AnalysisException(
                "dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets",
                errorClass="_LEGACY_ERROR_TEMP_3059")
        keys = self.dropDuplicates(subset)._plan.keys  # type: ignore[attr-defined]
        return self._with(DeduplicateWithinWatermark(keys, (self._plan,)))

    def zipWithIndex(self, indexColName: str = "index") -> DataFrame:
        """Append consecutive 0-based bigint indices in partition order (one job counts the
        rows of each partition first, as RDD.zipWithIndex)."""
        pid = Column(UnresolvedFunction("spark_partition_id", ()))
        counts = dict(self.groupBy(pid.alias("p")).count().collect())  # type: ignore
        offsets, acc = {}, 0
        for p in sorted(counts):
            offsets[p], acc = acc, acc + counts[p]
        mono = Column(UnresolvedFunction("monotonically_increasing_id", ()))
        row = mono - Column(UnresolvedFunction("shiftleft", (
            pid.cast("bigint")._expr, Literal(33, T.IntegerType()))))
        base: Any = None
        for p, off in offsets.items():
            base = (_when(pid == p, off) if base is None else base.when(pid == p, off))
        base = base.otherwise(0) if base is not None else Column(Literal(0, T.LongType()))
        return self.select("*", (row + base).cast("bigint").alias(indexColName))

    def sameSemantics(self, other: DataFrame) -> bool:
        """Whether both plans are the same up to expression ids (cosmetic differences)."""
        if not isinstance(other, DataFrame):
            raise PySparkTypeError(
                f"[NOT_DATAFRAME] Argument `other` should be a DataFrame, got "
                f"{type(other).__name__}.", errorClass="NOT_DATAFRAME")
        return _canonical(self._plan) == _canonical(other._plan)

    def semanticHash(self) -> int:
        """A hash of the plan up to expression ids (equal for sameSemantics plans)."""
        value = zlib.crc32(_canonical(self._plan).encode())
        return value - (1 << 32) if value >= 1 << 31 else value

    @property
    def executionInfo(self) -> None:
        """Spark Connect only: None with a classic session, as PySpark's."""
        return None

    def _orders(self, cols: tuple, ascending: Any) -> tuple:
        items = _cols(cols)
        if not items:
            raise PySparkValueError("[CANNOT_BE_EMPTY] At least one column must be specified.",
                                    errorClass="CANNOT_BE_EMPTY")
        if isinstance(ascending, (list, tuple)):
            flags = [bool(a) for a in ascending]
        else:
            flags = [bool(ascending)] * len(items)
        out = []
        for c, asc in zip(items, flags):
            e = to_expr(c)
            if not isinstance(e, SortOrder):
                e = SortOrder((e,), asc)
            elif not asc:
                e = SortOrder((e.child,), not e.ascending, e.nulls_first)
            out.append(e)
        return tuple(out)

    def orderBy(self, *cols: Any, ascending: Any = True) -> DataFrame:
        """Sort globally (ascending, NULLs first; ``desc()`` puts NULLs last)."""
        return self._with(L.Sort(self._orders(cols, ascending), True, (self._plan,)))

    sort = orderBy

    def sortWithinPartitions(self, *cols: Any, ascending: Any = True) -> DataFrame:
        return self._with(L.Sort(self._orders(cols, ascending), False, (self._plan,)))

    def sample(self, withReplacement: Any = None, fraction: Any = None, seed: Any = None
               ) -> DataFrame:
        if isinstance(withReplacement, float) and fraction is None:
            withReplacement, fraction = False, withReplacement
        elif isinstance(withReplacement, float):
            withReplacement, fraction, seed = False, withReplacement, fraction
        import random

        seed = int(seed) if seed is not None else random.randrange(2**31)
        return self._with(L.Sample(0.0, float(fraction), bool(withReplacement), seed,
                                   (self._plan,)))

    def randomSplit(self, weights: list[float], seed: int | None = None) -> list[DataFrame]:
        import random

        seed = seed if seed is not None else random.randrange(2**31)
        total = float(sum(weights))
        bounds, acc = [], 0.0
        for w in weights:
            bounds.append((acc / total, (acc + w) / total))
            acc += w
        return [self._with(L.Sample(lo, hi, False, seed, (self._plan,))) for lo, hi in bounds]

    # -- combining ------------------------------------------------------------------------------
    def union(self, other: DataFrame) -> DataFrame:
        """Rows of both, matched by position (SQL UNION ALL)."""
        return self._with(L.Union((self._plan, other._plan)))

    unionAll = union

    def unionByName(self, other: DataFrame, allowMissingColumns: bool = False) -> DataFrame:
        """Rows of both, matched by column name."""
        mine = [a.name for a in self._plan.output]
        theirs = {a.name.lower(): a for a in other._plan.output}
        exprs: list[Expression] = []
        for a in self._plan.output:
            b = theirs.get(a.name.lower())
            if b is None:
                if not allowMissingColumns:
                    raise AnalysisException(
                        f"[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the "
                        f"same number of columns, but the first input has {len(mine)} columns "
                        f"and the second input has {len(theirs)} columns. SQLSTATE: 42826"
                        if len(mine) != len(theirs) else
                        f"[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function "
                        f"parameter with name `{a.name}` cannot be resolved. Did you mean one "
                        f"of the following? [{', '.join('`' + n + '`' for n in theirs)}]. "
                        "SQLSTATE: 42703", errorClass="UNRESOLVED_COLUMN.WITH_SUGGESTION")
                exprs.append(Alias((Literal(None, a.dtype),), a.name))
            else:
                exprs.append(b)
        right = L.Project(tuple(exprs), (other._plan,))
        left: L.LogicalPlan = self._plan
        if allowMissingColumns:
            have = {n.lower() for n in mine}
            extra = [b for b in other._plan.output if b.name.lower() not in have]
            if extra:
                left = L.Project(tuple(self._plan.output) + tuple(
                    Alias((Literal(None, b.dtype),), b.name) for b in extra), (self._plan,))
                right = L.Project(tuple(exprs) + tuple(extra), (other._plan,))
        return self._with(L.Union((left, right)))

    def intersect(self, other: DataFrame) -> DataFrame:
        return self._with(L.SetOperation("intersect", False, (self._plan, other._plan)))

    def intersectAll(self, other: DataFrame) -> DataFrame:
        return self._with(L.SetOperation("intersect", True, (self._plan, other._plan)))

    def subtract(self, other: DataFrame) -> DataFrame:
        return self._with(L.SetOperation("except", False, (self._plan, other._plan)))

    def exceptAll(self, other: DataFrame) -> DataFrame:
        return self._with(L.SetOperation("except", True, (self._plan, other._plan)))

    def crossJoin(self, other: DataFrame) -> DataFrame:
        return self._with(L.Join("cross", None, (self._plan, other._plan)))

    def join(self, other: DataFrame, on: Any = None, how: str | None = None) -> DataFrame:
        """Join on column names (one output column per key), a Column condition, or a list
        of either; ``how``: inner, cross, outer/full, left, right, semi, anti (and aliases)."""

        return self._with(build_join(self, other, on, how))

    # -- grouping -------------------------------------------------------------------------------
    def groupBy(self, *cols: Any) -> Any:
        """Group by columns for aggregation: ``groupBy("a").agg(F.sum("b"))``."""

        return GroupedData(self, [to_expr(c) for c in _cols(cols)])

    groupby = groupBy

    def agg(self, *exprs: Any) -> DataFrame:
        return self.groupBy().agg(*exprs)

    # -- partitions -----------------------------------------------------------------------------
    def repartition(self, numPartitions: Any = None, *cols: Any) -> DataFrame:
        if isinstance(numPartitions, (str, Column)):
            cols = (numPartitions,) + cols
            numPartitions = None
        if cols:
            return self._with(L.RepartitionByExpression(
                tuple(to_expr(c) for c in _cols(cols)), numPartitions, (self._plan,)))
        return self._with(L.Repartition(int(numPartitions), True, (self._plan,)))

    def repartitionByRange(self, numPartitions: Any = None, *cols: Any) -> DataFrame:
        if isinstance(numPartitions, (str, Column)):
            cols = (numPartitions,) + cols
            numPartitions = None
        orders = self._orders(cols, True)
        return self._with(L.RepartitionByExpression(orders, numPartitions, (self._plan,)))

    def coalesce(self, numPartitions: int) -> DataFrame:
        return self._with(L.Repartition(int(numPartitions), False, (self._plan,)))

    def cache(self) -> DataFrame:
        """Keep the computed partitions in memory for later actions on this DataFrame."""

        if self._cached_from is None:
            self._cached_from = self._plan
            self._plan = L.InMemoryRelation(tuple(self._plan.output), CachedData(), self._plan)
        return self

    def persist(self, storageLevel: Any = None) -> DataFrame:
        return self.cache()

    def unpersist(self, blocking: bool = False) -> DataFrame:
        if self._cached_from is not None:
            self._plan, self._cached_from = self._cached_from, None
        return self

    def checkpoint(self, eager: bool = True) -> DataFrame:
        df = DataFrame(self._plan, self._session).cache()
        if eager:
            df.count()
        return df

    localCheckpoint = checkpoint

    @property
    def storageLevel(self) -> Any:
        if self._cached_from is None:
            return StorageLevel(False, False, False, False, 1)
        return StorageLevel(True, True, False, True, 1)

    @property
    def is_cached(self) -> bool:
        return self._cached_from is not None

    # -- views, RDDs, writers -----------------------------------------------------------------------
    def createOrReplaceTempView(self, name: str) -> None:
        state = self._session._state()
        state.temp_views[state.view_key(name)] = self._plan

    def createTempView(self, name: str) -> None:
        state = self._session._state()
        if state.view_key(name) in state.temp_views:
            raise AnalysisException(
                f"[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view `{name}` "
                "because it already exists.\nChoose a different name, drop or replace the "
                "existing view,  or add the IF NOT EXISTS clause to tolerate pre-existing "
                "views. SQLSTATE: 42P07", errorClass="TEMP_TABLE_OR_VIEW_ALREADY_EXISTS")
        self.createOrReplaceTempView(name)

    def createOrReplaceGlobalTempView(self, name: str) -> None:
        state = self._session._state()
        state.global_temp_views[state.view_key(name)] = self._plan

    def createGlobalTempView(self, name: str) -> None:
        state = self._session._state()
        if state.view_key(name) in state.global_temp_views:
            raise AnalysisException(
                f"[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary view "
                f"`global_temp`.`{name}` because it already exists. SQLSTATE: 42P07",
                errorClass="TEMP_TABLE_OR_VIEW_ALREADY_EXISTS")
        self.createOrReplaceGlobalTempView(name)

    registerTempTable = createOrReplaceTempView

    @property
    def rdd(self) -> Any:
        """The rows as an RDD of Row (one RDD partition per DataFrame partition)."""

        schema = self.schema
        parts = self._execution().partitions()
        rows = [r for p in parts for b in p for r in batch_to_rows(b, schema)]
        sc = self._session.sparkContext
        return sc.parallelize(rows, max(1, len(parts)))

    def foreach(self, f: Callable[[Any], None]) -> None:
        self.rdd.foreach(f)

    def foreachPartition(self, f: Callable[[Any], None]) -> None:
        self.rdd.foreachPartition(f)

    def toJSON(self, use_unicode: bool = True) -> Any:
        import json


        schema = self.schema
        return self.rdd.map(lambda r: json.dumps(row_to_json(r, schema),
                                                 separators=(",", ":"), ensure_ascii=False))

    @property
    def write(self) -> Any:
        return SQL_IO.DataFrameWriter(self)

    def inputFiles(self) -> list[str]:
        files: list[str] = []

        def visit(p: L.LogicalPlan) -> None:
            if isinstance(p, L.FileRelation):
                files.extend(f[0] for f in p.files)
            for c in p.children:
                visit(c)

        visit(self._plan)
        return sorted(set(files))

    def mapInArrow(self, func: Callable, schema: Any, barrier: bool = False,
                   profile: Any = None) -> DataFrame:
        """``func(iterator of pyarrow.RecordBatch)`` yields batches of ``schema``."""
        return map_in_batches(self, func, schema, "arrow")

    def mapInPandas(self, func: Callable, schema: Any, barrier: bool = False,
                    profile: Any = None) -> DataFrame:
        """``func(iterator of pandas.DataFrame)`` yields DataFrames of ``schema``."""
        return map_in_batches(self, func, schema, "pandas")

    def describe(self, *cols: Any) -> DataFrame:
        """count, mean, stddev, min and max of numeric and string columns (as strings)."""
        return describe(self, _cols(cols))

    def summary(self, *statistics: str) -> DataFrame:
        """describe() plus percentiles (default: 25%, 50%, 75%)."""
        return summary(self, list(statistics))


def _canonical(plan: L.LogicalPlan) -> str:
    """The plan's tree string with expression ids numbered by first appearance."""
    ids: dict[str, str] = {}
    return re.sub(r"#\d+", lambda m: ids.setdefault(m.group(0), f"#{len(ids)}"),
                  plan.tree_string())


def _when(cond: Column, value: Any) -> Column:
    return Column(CaseWhen((cond._expr, lit_expr(value))))


_unused = (lit_expr, UnresolvedFunction)


def _not_expected(arg: str, expected: str, value: Any) -> PySparkTypeError:
    """PySpark 4.3's error for an argument of the wrong type (select(1.5), filter(1.5))."""
    got = type(value).__name__
    return PySparkTypeError(
        f"[NOT_EXPECTED_TYPE] Argument `{arg}` should be {expected}, got {got}.",
        errorClass="NOT_EXPECTED_TYPE",
        messageParameters={"arg_name": arg, "expected_type": expected, "arg_type": got})
