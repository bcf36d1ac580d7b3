"""``explain("formatted")``: Spark's operator outline, then one block of details per operator.

Spark's layout (ExplainUtils.processPlan): the physical tree with each operator's name and
its id in parentheses, ``* `` before the operators fused into a whole-stage-codegen stage
(only when the plan has no Exchange: an adaptive plan shows ``AdaptiveSparkPlan (n)`` at
the root and no codegen marks); two blank lines; then, in id order, one block per
operator::

    (2) Filter [codegen id : 1]
    Input [3]: [id#0, name#1, v#2]
    Condition : (id#0 > 1)

Ids are given in post-order (children first, left to right), so the leaves come first and
the root last. What a block lists depends on the operator, as in Spark's
``verboseStringWithOperatorId``: a leaf its ``Output``, a unary operator its ``Input``
(and ``Output`` for a projection), a filter its ``Condition``, an aggregate its ``Keys``,
``Functions``, ``Aggregate Attributes`` and ``Results``, a join its keys, type, build side
and condition, a file scan its ``Batched``/``Location``/``PushedFilters``/``ReadSchema``
metadata; anything else its ``Arguments`` (the simple mode's argument string).

The tree given here is the one the simple mode prints (explain.py's display tree: a root
limit as ``CollectLimit``, a columnar scan under ``ColumnarToRow``).
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable

from runtime.sql.expressions.base import Alias, AttributeReference, Expression, debug_sql
from runtime.sql.formatting.scan_filters import scan_filters

__all__ = ["formatted_plan"]

_JOIN_TYPES = {"inner": "Inner", "cross": "Inner", "left": "LeftOuter", "right": "RightOuter",
               "full": "FullOuter", "semi": "LeftSemi", "anti": "LeftAnti"}


# expr id -> the name a partial aggregate's buffer column is shown with (``sum#24``: Spark
# names the buffer after the function; ours are named for Arrow). Set per formatted_plan call,
# per thread (the UI formats plans of queries that run on several threads).
_local = threading.local()


def _buffer_map() -> dict[int, str]:
    if not hasattr(_local, "names"):
        _local.names = {}
    return _local.names


def _expr(e: Any) -> str:
    if isinstance(e, Alias):
        return f"{_expr(e.child)} AS {e.to_attribute().debug()}"
    if isinstance(e, AttributeReference):
        name = _buffer_map().get(e.expr_id)
        return e.debug() if name is None else f"{name}#{e.expr_id}{_suffix(e)}"
    if isinstance(e, Expression):
        return debug_sql(e)
    return str(e)


def _buffer_names(node: Any) -> None:
    """Spark's names for the partial aggregates' buffer columns (see _buffer_map)."""
    real = getattr(node, "real", node)
    if getattr(real, "mode", "") == "partial" and hasattr(real, "_specs"):
        attrs = real._partial_attrs[len(real.groupings):]
        for attr, spec in zip(attrs, real._specs):
            fn = spec[2]
            _buffer_map()[attr.expr_id] = {"count_all": "count", "hash_count": "count",
                                           "mean": "avg"}.get(fn, fn.replace("hash_", ""))
    for c in node.children:
        _buffer_names(c)


def _field(label: str, values: list) -> str:
    """Spark's ExplainUtils.generateFieldString."""
    if not values:
        return f"{label}: []"
    return f"{label} [{len(values)}]: [" + ", ".join(_expr(v) for v in values) + "]"


def _inputs(node: Any) -> list:
    return [a for c in node.children for a in _output(c)]


def _output(node: Any) -> list:
    real = getattr(node, "real", node)
    if real is None:  # a node only shown (ColumnarToRow): its child's columns
        return _output(node.children[0]) if node.children else []
    try:
        return list(real.output)
    except (AttributeError, NotImplementedError):
        return []


def _node_name(node: Any) -> str:
    name = node.node_name()
    if name.startswith("FileScan "):
        return "Scan " + name[len("FileScan "):] + " "  # Spark's FileSourceScanExec nodeName
    return name


def _join_type(real: Any) -> str:
    return _JOIN_TYPES.get(getattr(real, "join_type", "inner"), "Inner")


def _outline_name(node: Any) -> str:
    """The tree line's name: joins add their type and build side, as Spark's."""
    real = getattr(node, "real", node)
    name = _node_name(node)
    if name in ("BroadcastHashJoin", "ShuffledHashJoin", "BroadcastNestedLoopJoin"):
        return f"{name} {_join_type(real)} BuildRight"
    if name in ("SortMergeJoin", "CartesianProduct"):
        return f"{name} {_join_type(real)}" if name == "SortMergeJoin" else name
    return name


# -- per operator details -------------------------------------------------------------------------
def _project(node: Any, real: Any) -> list[str]:
    return [_field("Output", list(real.exprs)), _field("Input", _inputs(node))]


def _filter(node: Any, real: Any) -> list[str]:
    return [_field("Input", _inputs(node)), f"Condition : {_expr(real.condition)}"]


def _aggregate(node: Any, real: Any) -> list[str]:
    partial = getattr(real, "mode", "") == "partial"
    aggs = list(getattr(real, "_aggs", []))
    attrs = list(getattr(real, "_agg_attrs", []))
    fns = [("partial_" if partial else "") + _expr(a) for a in aggs]
    if partial:
        names = [f"{a.spec.name}#{t.expr_id}{_suffix(t)}" for a, t in zip(aggs, attrs)]
        buffers = real._partial_attrs[len(real.groupings):] \
            if hasattr(real, "_partial_attrs") else []
        results = [_expr(k) for k in real.groupings] + [_expr(b) for b in buffers]
    else:
        names = [f"{_expr(a)}#{t.expr_id}{_suffix(t)}" for a, t in zip(aggs, attrs)]
        by_call = {id(a): n for a, n in zip(aggs, names)}
        results = [f"{by_call[id(e.child)]} AS {e.to_attribute().debug()}"
                   if isinstance(e, Alias) and id(e.child) in by_call else _expr(e)
                   for e in real.aggregates]
    return [_field("Input", _inputs(node)), _field("Keys", list(real.groupings)),
            _field("Functions", fns), _field("Aggregate Attributes", names),
            _field("Results", results)]


def _suffix(a: AttributeReference) -> str:
    return a.debug()[len(f"{a.name}#{a.expr_id}"):]


def _join(node: Any, real: Any) -> list[str]:
    lines = [_field("Left keys", list(real.left_keys)),
             _field("Right keys", list(real.right_keys)), f"Join type: {_join_type(real)}"]
    if _node_name(node) in ("BroadcastHashJoin", "ShuffledHashJoin",
                            "BroadcastNestedLoopJoin"):
        lines.append("Join build side: BuildRight")
    residual = getattr(real, "residual", None)
    lines.append(f"Join condition: {_expr(residual) if residual is not None else 'None'}")
    if not real.left_keys:
        lines = lines[2:]
    return lines


def _scan(node: Any, real: Any) -> list[str]:
    rel = real.relation
    batched = "true" if rel.fmt in ("parquet", "orc") else "false"
    paths = ", ".join(f"file:{p}" for p in rel.paths)
    filters = scan_filters(rel, getattr(real, "filters", ()))
    parts = {a.expr_id for a in rel.attrs if a.name in {k for _, _, ps in rel.files
                                                        for k, _ in ps}}
    schema = ",".join(f"{a.name}:{a.dtype.simpleString()}" for a in rel.output
                      if a is not rel.meta_attr and a.expr_id not in parts)
    lines = [_field("Output", _output(node)), f"Batched: {batched}",
             f"Location: InMemoryFileIndex [{paths}]"]
    if filters.partition:  # Spark leaves out the empty lists here
        lines.append("PartitionFilters: " + filters.shown(filters.partition))
    if filters.pushed:
        lines.append("PushedFilters: [" + ", ".join(filters.pushed) + "]")
    return lines + [f"ReadSchema: struct<{schema}>"]


def _take_ordered(node: Any, real: Any) -> list[str]:
    orders = getattr(real, "orders", [])
    from_order = ", ".join(_expr(o) for o in orders)
    out = ", ".join(_expr(a) for a in getattr(real, "_out", _inputs(node)))
    return [_field("Input", _inputs(node)),
            f"Arguments: {real.n}, [{from_order}], [{out}]"]


_DETAILS: dict[str, Callable[[Any, Any], list[str]]] = {
    "Project": _project, "Filter": _filter, "HashAggregate": _aggregate,
    "BroadcastHashJoin": _join, "ShuffledHashJoin": _join, "SortMergeJoin": _join,
    "BroadcastNestedLoopJoin": _join, "CartesianProduct": _join,
    "TakeOrderedAndProject": _take_ordered,
}


def _details(node: Any) -> list[str]:
    real = getattr(node, "real", node)
    name = node.node_name()
    if name.startswith("FileScan ") and hasattr(real, "relation"):
        return _scan(node, real)
    fn = _DETAILS.get(name)
    if fn is not None and real is not node or fn is not None and hasattr(real, "children"):
        try:
            return fn(node, real)
        except AttributeError:
            pass
    args = node.arg_string().strip()
    if name == "ColumnarToRow":
        return [_field("Input", _inputs(node))]
    if name == "Range":  # the logical form: Range (0, 10, step=1, splits=Some(2))
        args = "Range " + re.sub(r"splits=(\d+)\)$", r"splits=Some(\1))", args)
    if len(node.children) > 1:  # Union and the like: no Input field
        return [f"Arguments: {args}"] if args else []
    if not node.children:
        return [_field("Output", _output(node))] + ([f"Arguments: {args}"] if args else [])
    return [_field("Input", _inputs(node))] + ([f"Arguments: {args}"] if args else [])


# -- the whole text -------------------------------------------------------------------------------
def formatted_plan(root: Any, adaptive: bool, stage_of: Callable[[Any], int | None]) -> str:
    """``root``: the display tree (nodes with node_name/arg_string/children and ``real``,
    the physical operator, where it differs); ``stage_of(node)``: its codegen stage."""
    ids: dict[int, int] = {}
    order: list[Any] = []

    def number(n: Any) -> None:
        for c in n.children:
            number(c)
        ids[id(n)] = len(order) + 1
        order.append(n)

    number(root)
    _buffer_map().clear()
    _buffer_names(root)
    lines: list[str] = []

    def outline(n: Any, prefix: str, child_prefix: str) -> None:
        star = "* " if stage_of(n) is not None else ""
        lines.append(f"{prefix}{star}{_outline_name(n)} ({ids[id(n)]})")
        kids = list(n.children)
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            outline(c, child_prefix + ("+- " if last else ":- "),
                    child_prefix + ("   " if last else ":  "))

    total = len(order)
    if adaptive:
        lines.append(f"AdaptiveSparkPlan ({total + 1})")
        outline(root, "+- ", "   ")
    else:
        outline(root, "", "")
    blocks = []
    for n in order:
        stage = stage_of(n)
        head = f"({ids[id(n)]}) {_node_name(n)}" + \
            (f" [codegen id : {stage}]" if stage is not None else "")
        blocks.append("\n".join([head] + _details(n)) + "\n")
    if adaptive:
        blocks.append(f"({total + 1}) AdaptiveSparkPlan\n" + _field("Output", _output(root)) +
                      "\nArguments: isFinalPlan=false\n")
    return "== Physical Plan ==\n" + "\n".join(lines) + "\n\n\n" + "\n".join(blocks) + "\n"
