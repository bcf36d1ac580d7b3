"""``pyspark.sql.Observation`` and ``DataFrame.observe``: named metrics of a DataFrame,
available once an action has run it.

``df.observe(observation, F.count(F.lit(1)).alias("rows"), F.max("age"))`` returns a
DataFrame with the same rows whose plan holds a CollectMetrics node
(runtime/sql/plan/logical.py) with the metrics resolved as ``df.agg(*metrics)`` would. The
action that runs the plan aggregates them while its own rows pass through the node, in its
own job, as Spark's CollectMetricsExec (runtime/sql/execution/collect_metrics.py): after a
``show()`` or ``limit`` they cover the rows the action read, and a nondeterministic input
is read once. When the action is over the row is published: ``observation.get`` returns it
as a dict, from the first action on (later actions do not change it, as in Spark). A
string name instead of an Observation keeps the metrics under that name
(``df.observe("name", ...)``; Spark reports them to its listeners).
"""

from __future__ import annotations

import uuid
from typing import Any

from runtime.sql.errors import (
    IllegalArgumentException, PySparkAssertionError, PySparkTypeError, PySparkValueError)
from runtime.sql.plan import logical as L
from sparkcli.sql.column import Column

__all__ = ["ObserveMethod", "Observation", "observe"]


class Observation:
    """Named metrics of a DataFrame, read with ``get`` after an action.

    >>> observation = Observation("my metrics")
    >>> observed = df.observe(observation, count(lit(1)).alias("count"), max(col("age")))
    >>> observed.count()
    2
    >>> observation.get
    {'count': 2, 'max(age)': 5}
    """

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            if not isinstance(name, str):
                raise PySparkTypeError(
                    f"[NOT_EXPECTED_TYPE] Argument `name` should be str, got "
                    f"{type(name).__name__}.", errorClass="NOT_EXPECTED_TYPE")
            if name == "":
                raise PySparkValueError(
                    "[VALUE_NOT_NON_EMPTY_STR] Value for `name` must be a non-empty string, "
                    "got ''.", errorClass="VALUE_NOT_NON_EMPTY_STR")
        self._name = name or str(uuid.uuid4())
        self._attached = False
        self._row: dict | None = None

    def _on(self, df: Any, *exprs: Any) -> Any:
        if self._attached:
            raise PySparkAssertionError(
                "[REUSE_OBSERVATION] An Observation can be used with a DataFrame only once.",
                errorClass="REUSE_OBSERVATION")
        if df.isStreaming:
            raise IllegalArgumentException(
                "Observation does not support streaming Datasets.This is because there will be "
                "multiple observed metrics as microbatches are constructed. Please register a "
                "StreamingQueryListener and get the metric for each microbatch in "
                "QueryProgressEvent.progress, or use query.lastProgress or query.recentProgress.")
        self._attached = True
        return _observed(df, self._name, exprs, self._publish)

    def _publish(self, row: dict) -> None:
        if self._row is None:  # the first action's metrics stay
            self._row = row

    @property
    def get(self) -> dict:
        """The observed metrics (a dict), once an action has run the observed DataFrame."""
        if not self._attached:
            raise PySparkAssertionError(
                "[NO_OBSERVE_BEFORE_GET] Should observe by calling `DataFrame.observe` before "
                "`get`.", errorClass="NO_OBSERVE_BEFORE_GET")
        if self._row is None:  # Spark would wait forever: say what to do instead
            raise PySparkAssertionError(
                f"[NO_OBSERVE_BEFORE_GET] Observation {self._name!r} has no metrics yet: run "
                "an action (count, collect, write...) on the observed DataFrame first.",
                errorClass="NO_OBSERVE_BEFORE_GET")
        return dict(self._row)


def _observed(df: Any, name: str, exprs: tuple, publish: Any) -> Any:
    metrics = df.agg(*exprs)._plan.aggregates  # resolved over df's columns
    return df._with(L.CollectMetrics(name, tuple(metrics), publish, (df._plan,)))


def observe(df: Any, observation: Any, *exprs: Any) -> Any:
    """DataFrame.observe: ``observation`` is an Observation or a name."""
    if not exprs:
        raise PySparkValueError("[CANNOT_BE_EMPTY] At least one exprs must be specified.",
                                errorClass="CANNOT_BE_EMPTY")
    if not all(isinstance(c, Column) for c in exprs):
        raise PySparkTypeError(
            "[NOT_EXPECTED_TYPE] Argument `exprs` should be list[Column], got tuple.",
            errorClass="NOT_EXPECTED_TYPE")
    if isinstance(observation, Observation):
        return observation._on(df, *exprs)
    if isinstance(observation, str):
        metrics = df._session._state().observed_metrics
        return _observed(df, observation, exprs, lambda row: metrics.__setitem__(observation,
                                                                                 row))
    raise PySparkTypeError(
        "[NOT_EXPECTED_TYPE] Argument `observation` should be Observation or str, got "
        f"{type(observation).__name__}.", errorClass="NOT_EXPECTED_TYPE")


class ObserveMethod:
    """``DataFrame.observe`` (a mixin of DataFrame)."""

    def observe(self, observation: Any, *exprs: Column) -> Any:
        """Named metrics (aggregates) of this DataFrame, read after an action with
        ``observation.get``."""
        return observe(self, observation, *exprs)
