"""``DataFrame.explain()`` text in Spark's format.

* ``simple``: ``== Physical Plan ==`` and the physical tree; a plan with an Exchange is
  wrapped in ``AdaptiveSparkPlan isFinalPlan=false`` (AQE decides the final plan at run
  time, and then no whole-stage-codegen markers are shown); a plan without one prefixes its
  codegen-fused operators with ``*(n)``, the id of their fused stage;
* ``extended``: parsed, analyzed (with the output schema line), optimized logical plans,
  then the physical plan;
* ``formatted``: the operator tree with numbers, then one block per operator.

Trees use Spark's branch markers (``+- `` for the last child, ``:- `` for the others).
"""

from __future__ import annotations

from typing import Any

__all__ = ["explain_string", "physical_tree"]

_CODEGEN = {"Project", "Filter", "Range", "HashAggregate", "Sort", "LocalLimit",
            "BroadcastHashJoin", "ShuffledHashJoin", "Generate", "ColumnarToRow",
            "SortMergeJoin", "Expand", "Sample", "Union"}


class _Shown:
    """A node as explain shows it where that differs from what runs (see _display)."""

    def __init__(self, name: str, args: str, children: tuple, kind: str = "narrow"):
        self._name, self._args, self.children, self.kind = name, args, children, kind

    def node_name(self) -> str:
        return self._name

    def arg_string(self) -> str:
        return self._args


def _display(node: Any, root: bool = True) -> Any:
    """Spark's shape of the physical tree: a limit at the root is ``CollectLimit n`` (the
    driver collects the first n rows), and a columnar file scan (Parquet, ORC) sits under
    ``ColumnarToRow``."""
    if root and node.node_name() == "GlobalLimit" and not getattr(node, "offset", 0):
        ex = node.children[0]
        if ex.kind == "exchange" and ex.children[0].node_name() == "LocalLimit":
            return _Shown("CollectLimit", str(node.n), (_display(ex.children[0].children[0],
                                                                 False),))
    if node.node_name() == "TakeOrderedAndProject" and node.children[0].kind == "exchange":
        local = node.children[0].children[0]  # per partition, exchange, final: one node
        return _Shown(node.node_name(), node.arg_string(), (_display(local.children[0], False),))
    kids = tuple(_display(c, False) for c in node.children)
    if node.kind == "source" and hasattr(node, "cached_plan"):
        kids = (_display(node.cached_plan, False),)
    shown = _Shown(node.node_name(), node.arg_string(), kids, node.kind)
    if node.node_name() in ("FileScan parquet", "FileScan orc"):
        return _Shown("ColumnarToRow", "", (shown,))
    return shown


def _line(node: Any) -> str:
    name, args = node.node_name(), node.arg_string()
    if not args:
        return name
    tight = args.startswith("(") and name in ("HashAggregate", "TakeOrderedAndProject")
    return name + ("" if tight else " ") + args


def _has_exchange(node: Any) -> bool:
    return node.kind in ("exchange", "broadcast") or any(_has_exchange(c) for c in node.children)


def physical_tree(root: Any) -> str:
    root = _display(root)
    lines: list[str] = []
    adaptive = _has_exchange(root)
    counter = [0]

    def visit(node: Any, prefix: str, child_prefix: str, parent_stage: int | None) -> None:
        stage = None
        if not adaptive and node.node_name() in _CODEGEN:
            if parent_stage is None:
                counter[0] += 1
                stage = counter[0]
            else:
                stage = parent_stage
        marker = f"*({stage}) " if stage is not None else ""
        lines.append(prefix + marker + _line(node))
        kids = list(node.children)
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            visit(c, child_prefix + ("+- " if last else ":- "),
                  child_prefix + ("   " if last else ":  "), stage)

    if adaptive:
        lines.append("AdaptiveSparkPlan isFinalPlan=false")
        visit(root, "+- ", "   ", None)
    else:
        visit(root, "", "", None)
    return "\n".join(lines) + "\n"


def explain_string(qe: Any, mode: str = "simple") -> str:
    mode = mode.lower()
    physical = physical_tree(qe.physical)
    if mode == "simple":
        return "== Physical Plan ==\n" + physical + "\n"
    if mode == "extended":
        schema = ", ".join(f"{a.name}: {a.dtype.simpleString()}" for a in qe.analyzed.output)
        return ("== Parsed Logical Plan ==\n" + qe.analyzed.tree_string() +
                "\n== Analyzed Logical Plan ==\n" + schema + "\n" + qe.analyzed.tree_string() +
                "\n== Optimized Logical Plan ==\n" + qe.optimized.tree_string() +
                "\n== Physical Plan ==\n" + physical)
    if mode == "formatted":
        return "== Physical Plan ==\n" + physical + "\n" + _formatted_details(qe.physical)
    if mode in ("codegen", "cost"):
        return "== Physical Plan ==\n" + physical
    raise ValueError(f"Unknown explain mode: {mode}. Accepted explain modes are 'simple', "
                     "'extended', 'codegen', 'cost', 'formatted'.")


def _formatted_details(root: Any) -> str:
    nodes: list[Any] = []

    def visit(n: Any) -> None:
        nodes.append(n)
        for c in n.children:
            visit(c)

    visit(root)
    out = []
    for i, n in enumerate(nodes, 1):
        out.append(f"({i}) {n.node_name()}\n" +
                   (f"Arguments: {n.arg_string()}\n" if n.arg_string() else "") + "\n")
    return "".join(out)
