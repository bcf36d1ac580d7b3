"""What Spark refuses on a streaming query, checked at ``start()`` with Spark's messages
(UnsupportedOperationChecker): the output mode against the aggregations, sorting without an
aggregation in complete mode, several streaming aggregations, stream-stream outer joins
without watermarks, dropDuplicatesWithinWatermark without a watermark, session windows
in update mode or without another grouping key. (A distinct on a
stream is a deduplication of whole rows, as Spark's.)"""

from __future__ import annotations

from runtime.sql.errors import AnalysisException
from runtime.sql.execution.aggregate import collect_aggregates
from runtime.sql.execution.planner import split_conjuncts
from runtime.sql.execution.sessions import session_grouping
from runtime.sql.expressions.base import AttributeReference, Call
from runtime.sql.plan import logical as L
from runtime.sql.streaming.join import _event_column, range_bounds
from runtime.sql.streaming.relation import (
    DeduplicateWithinWatermark, EventTimeWatermark, find, is_streaming)
from runtime.sql.streaming.session_aggregation import GLOBAL_SESSION_ERROR

__all__ = ["check_query", "streaming_aggregates"]


def _fail(message: str, plan: L.LogicalPlan, error_class: str | None = None) -> None:
    raise AnalysisException(message + ";\n" + plan.tree_string().rstrip("\n"),
                            errorClass=error_class)


def _mode_error(mode: str, what: str) -> AnalysisException:
    return AnalysisException(
        f"[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: {mode}. "
        f"This output mode is not supported for {what} on streaming DataFrames/DataSets. "
        "SQLSTATE: 42KDE", errorClass="STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION",
        messageParameters={"outputMode": mode, "operation": what})


def streaming_aggregates(plan: L.LogicalPlan) -> list[L.Aggregate]:
    return [a for a in find(plan, L.Aggregate) if is_streaming(a)]


def check_query(plan: L.LogicalPlan, mode: str) -> None:
    aggs = streaming_aggregates(plan)
    watermarked = bool(find(plan, EventTimeWatermark))
    if len(aggs) > 1:
        _fail("Multiple streaming aggregations are not supported with streaming "
              "DataFrames/Datasets", aggs[0])
    for a in aggs:
        if any(c.distinct for c in collect_aggregates(list(a.aggregates))):
            _fail("Distinct aggregations are not supported on streaming DataFrames/Datasets. "
                  "Consider using approx_count_distinct() instead.", a)
        if session_grouping(list(a.groupings)) is not None:
            if mode == "update":
                raise _mode_error("update", "session window streaming aggregations")
            if len(a.groupings) == 1:
                raise AnalysisException(GLOBAL_SESSION_ERROR,
                                        errorClass="_LEGACY_ERROR_TEMP_3068")
    if mode == "complete" and not aggs:
        raise _mode_error("complete", "no streaming aggregations")
    if mode == "append" and aggs and not watermarked:
        raise _mode_error("append", "streaming aggregations without watermark")
    for s in find(plan, L.Sort):
        if is_streaming(s) and not (aggs and mode == "complete"):
            _fail("Sorting is not supported on streaming DataFrames/Datasets, unless it is on "
                  "aggregated DataFrame/Dataset in Complete output mode", s)
    for lim in find(plan, L.Limit):
        if is_streaming(lim) and mode == "update":
            _fail("Limits are not supported on streaming DataFrames/Datasets in Update "
                  "output mode", lim)
    for j in find(plan, L.Join):
        _check_join(j)
    for d in find(plan, DeduplicateWithinWatermark):
        if not find(d, EventTimeWatermark):
            _fail("dropDuplicatesWithinWatermark is not supported on streaming "
                  "DataFrames/DataSets without watermark", d)


def _check_join(j: L.Join) -> None:
    """Spark's rules for joins with a streaming side (UnsupportedOperationChecker)."""
    left, right = is_streaming(j.left), is_streaming(j.right)
    name = L.JOIN_NAMES[j.join_type]
    if not (left or right):
        return
    if j.join_type == "anti" and right:
        _fail("LeftAnti joins with a streaming DataFrame/Dataset on the right are not "
              "supported", j)
    if left and right:
        if j.join_type in ("left", "right", "full", "semi") and not _join_watermarked(j):
            _fail(f"Stream-stream {name} join between two streaming DataFrame/Datasets is not "
                  "supported without a watermark in the join keys, or a watermark on the "
                  "nullable side and an appropriate range condition", j)
        return
    if j.join_type == "right" and left:
        _fail("RightOuter join with a streaming DataFrame/Dataset on the left and a static "
              "DataFrame/DataSet on the right not supported", j)
    if j.join_type in ("left", "semi") and right:
        _fail(f"{name} join with a streaming DataFrame/Dataset on the right and a static "
              "DataFrame/Dataset on the left is not supported", j)
    if j.join_type == "full":
        where, other = ("left", "right") if left else ("right", "left")
        _fail(f"FullOuter joins with streaming DataFrames/Datasets on the {where} and a "
              f"static DataFrame/Dataset on the {other} is not supported", j)


def _join_watermarked(j: L.Join) -> bool:
    """Whether the state an outer (or semi) stream-stream join needs can be evicted: the
    watermarked event times are join keys, or a range condition bounds the nullable side."""
    watermarks = find(j, EventTimeWatermark)
    lt, rt = _event_column(j.left, watermarks), _event_column(j.right, watermarks)
    if lt is None or rt is None:
        return False
    lid, rid = j.left.output[lt].expr_id, j.right.output[rt].expr_id
    lo, hi = range_bounds(j.condition, lid, rid)
    keyed = any(isinstance(c, Call) and c.spec.name == "=" and
                {x.expr_id for x in c.children if isinstance(x, AttributeReference)} ==
                {lid, rid} for c in split_conjuncts(j.condition))
    if keyed:
        return True
    if j.join_type in ("left", "semi"):
        return hi is not None  # the right side (nullable) is bounded
    if j.join_type == "right":
        return lo is not None
    return lo is not None and hi is not None
