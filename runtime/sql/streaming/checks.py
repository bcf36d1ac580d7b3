"""What Spark refuses on a streaming query, checked at ``start()`` with Spark's messages
(UnsupportedOperationChecker): the output mode against the aggregations, sorting without an
aggregation in complete mode, several streaming aggregations, stream-stream outer joins
without watermarks, dropDuplicatesWithinWatermark without a watermark. (A distinct on a
stream is a deduplication of whole rows, as Spark's.)"""

from __future__ import annotations

from runtime.sql.errors import AnalysisException
from runtime.sql.plan import logical as L
from runtime.sql.streaming.relation import (
    DeduplicateWithinWatermark, EventTimeWatermark, find, is_streaming)

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
        if is_streaming(j.left) and is_streaming(j.right):
            if j.join_type != "inner" or aggs:
                _fail(f"Stream-stream {L.JOIN_NAMES[j.join_type]} join between two streaming "
                      "DataFrame/Datasets is not supported yet", j)
            _fail("Stream-stream joins are not supported yet", j)
    for d in find(plan, DeduplicateWithinWatermark):
        if not find(d, EventTimeWatermark):
            _fail("dropDuplicatesWithinWatermark is not supported on streaming "
                  "DataFrames/DataSets without watermark", d)
