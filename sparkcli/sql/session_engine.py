"""The heavy half of SparkSession: what it does with the DataFrame API and the SQL engine.

sparkcli/sql/session.py is the light half (builder, conf, the singleton, stop) that an
RDD-only application may load to reach its SparkContext; it calls these functions through the
``SQL_ENGINE`` handle of sparkcli/lazy.py, so this module, and with it the DataFrame API, the
SQL engine (runtime/sql) and pyarrow, load on a session's first DataFrame, SQL text, reader,
catalog or UDF registration. Each function takes the session as its first argument.

State kept on the session (created here on first use): ``_sql_state`` (the engine's
SessionState: temp views and the conf reader) and ``_streams`` (the StreamingQueryManager).
On the SparkContext: ``_sql_executions`` (the application's SQL executions, one id sequence
shared by all sessions of that context).
"""

from __future__ import annotations

import weakref
from typing import Any

from runtime.sql import types as T
from runtime.sql.execution.lineage_runner import JobHooks
from runtime.sql.execution.tracking import ExecutionHooks, ExecutionTracker
from runtime.sql.expressions.base import AttributeReference
from runtime.sql.local_data import local_relation
from runtime.sql.plan.logical import Range, UnresolvedRelation
from runtime.sql.session_state import SessionState
from sparkcli import shared
from sparkcli.lazy import SQL_IO, SQL_STREAMING, SQL_TEXT
from sparkcli.listener import call_site
from sparkcli.sql.catalog import Catalog
from sparkcli.sql.column import _split
from sparkcli.sql.dataframe import DataFrame
from sparkcli.sql.tvf import TableValuedFunction
from sparkcli.sql.udf import UDFRegistration
from sparkcli.sql.udtf_registration import UDTFRegistration


def state(session: Any) -> SessionState:
    """The session's SQL state (temp views, conf reader), made on first use."""
    st = session.__dict__.get("_sql_state")
    if st is None:
        st = SessionState(lambda key: session._conf.get(key, None),
                          lambda: session._sc.defaultParallelism, _job_hooks(session))
        session._sql_state = st
    return st


def dataframe(session: Any, plan: Any) -> DataFrame:
    return DataFrame(plan, session)


def create_dataframe(session: Any, data: Any, schema: Any, samplingRatio: Any) -> DataFrame:
    parts = session._sc.defaultParallelism
    if hasattr(data, "collect") and hasattr(data, "getNumPartitions") and \
            not hasattr(data, "schema"):
        parts = max(1, data.getNumPartitions())
        data = data.collect()
    elif hasattr(data, "_plan") and hasattr(data, "schema"):
        raise TypeError("data is already a DataFrame")
    return DataFrame(local_relation(data, schema, parts), session)


def range_(session: Any, start: int, end: int | None, step: int,
           numPartitions: int | None) -> DataFrame:
    if end is None:
        start, end = 0, start
    n = numPartitions or session._sc.defaultParallelism
    attr = AttributeReference("id", T.LongType(), False)
    return DataFrame(Range(int(start), int(end), int(step), int(n), attr), session)


def reader(session: Any) -> Any:
    return SQL_IO.DataFrameReader(session)


def table(session: Any, tableName: str) -> DataFrame:
    plan = state(session).analyze(UnresolvedRelation(tuple(_split(tableName))))
    return DataFrame(plan, session)


def sql(session: Any, sqlQuery: str, args: Any, kwargs: dict) -> Any:
    return SQL_TEXT.run_sql(session, sqlQuery, args, kwargs)


def stream_reader(session: Any) -> Any:
    return SQL_STREAMING.DataStreamReader(session)


def streams(session: Any) -> Any:
    """The session's StreamingQueryManager (call with the session's lock held)."""
    manager = session.__dict__.get("_streams")
    if manager is None:
        manager = session._streams = SQL_STREAMING.StreamingQueryManager(
            session._sc.runtime.bus.post)
    return manager


def udf_registration(session: Any) -> UDFRegistration:
    return UDFRegistration(session)


def udtf_registration(session: Any) -> UDTFRegistration:
    return UDTFRegistration(session)


def catalog(session: Any) -> Catalog:
    return Catalog(session)


def tvf(session: Any) -> TableValuedFunction:
    return TableValuedFunction(session)


def _job_hooks(session: Any) -> JobHooks:
    """What the SQL engine needs of the context to run plans as stages on the executors."""
    sc = session._sc

    def on_shuffle(node: Any, shuffle_id: int) -> None:
        driver = sc.runtime.driver
        weakref.finalize(node, driver.shuffle_unreachable, shuffle_id).atexit = False

    def enabled() -> bool:  # spark.sparkcli.sql.runner=local: the in-process runner
        return session.conf.get("spark.sparkcli.sql.runner", "lineage") != "local"

    ids = sc.runtime.ids
    return JobHooks(ids.rdd, ids.shuffle, sc._run_node_job, on_shuffle, enabled,
                    sc.runtime.driver.map_output_sizes, _execution_tracker(sc),
                    sc.accumulator, lambda acc: shared.forget_accumulator(acc.aid))


def _execution_tracker(sc: Any) -> ExecutionTracker:
    """The application's SQL executions (one id sequence per SparkContext, shared by its
    sessions): events on the context's listener bus, metrics as accumulators."""
    tracker = getattr(sc, "_sql_executions", None)
    if tracker is not None:
        return tracker

    def drop(metric: Any) -> None:
        shared.forget_accumulator(metric.aid)

    tracker = sc._sql_executions = ExecutionTracker(ExecutionHooks(
        sc.runtime.bus.post, sc.getLocalProperty, sc.setLocalProperty,
        lambda: sc.accumulator(0), drop, lambda: call_site(2)))
    return tracker
