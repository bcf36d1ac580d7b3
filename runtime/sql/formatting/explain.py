"""``DataFrame.explain()`` text in Spark's format.

* ``simple``: ``== Physical Plan ==`` and the physical tree; a plan with an Exchange is
  wrapped in ``AdaptiveSparkPlan isFinalPlan=false`` (AQE decides the final plan at run
  time, and then no whole-stage-codegen markers are shown); a plan without one prefixes its
  codegen-fused operators with ``*(n)``, the id of their fused stage;
* ``extended``: parsed, analyzed (with the output schema line), optimized logical plans,
  then the physical plan;
* ``formatted``: the operator tree with numbers, then one block per operator
  (explain_formatted.py);
* ``cost``: the optimized logical plan with each node's ``Statistics(sizeInBytes=...)``
  (explain_cost.py), then the physical plan;
* ``codegen``: the whole-stage-codegen subtrees (there is no generated Java code to show).

Trees use Spark's branch markers (``+- `` for the last child, ``:- `` for the others).
"""

from __future__ import annotations

from typing import Any

from runtime.sql.formatting.explain_cost import cost_tree
from runtime.sql.formatting.explain_formatted import formatted_plan

__all__ = ["codegen_stages", "explain_string", "physical_tree"]

_CODEGEN = {"Project", "Filter", "Range", "HashAggregate", "Sort", "LocalLimit",
            "BroadcastHashJoin", "ShuffledHashJoin", "Generate", "ColumnarToRow",
            "SortMergeJoin", "Expand", "Sample", "Union"}


class _Shown:
    """A node as explain shows it where that differs from what runs (see _display)."""

    def __init__(self, name: str, args: str, children: tuple, kind: str = "narrow",
                 real: Any = None):
        self._name, self._args, self.children, self.kind = name, args, children, kind
        self.real = real  # the physical operator it shows (explain_formatted.py's details)

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
                                                                 False),), real=node)
    if node.node_name() == "TakeOrderedAndProject" and node.children[0].kind == "exchange":
        local = node.children[0].children[0]  # per partition, exchange, final: one node
        return _Shown(node.node_name(), node.arg_string(), (_display(local.children[0], False),),
                      real=node)
    kids = tuple(_display(c, False) for c in node.children)
    if node.kind == "source" and hasattr(node, "cached_plan"):
        kids = (_display(node.cached_plan, False),)
    shown = _Shown(node.node_name(), node.arg_string(), kids, node.kind, node)
    if node.node_name() in ("FileScan parquet", "FileScan orc"):
        return _Shown("ColumnarToRow", "", (shown,), real=None)
    return shown


def _line(node: Any) -> str:
    name, args = node.node_name(), node.arg_string()
    if not args:
        return name
    tight = args.startswith("(") and name in ("HashAggregate", "TakeOrderedAndProject")
    return name + ("" if tight else " ") + args


def _has_exchange(node: Any) -> bool:
    return node.kind in ("exchange", "broadcast") or any(_has_exchange(c) for c in node.children)


def codegen_stages(root: Any) -> dict[int, int]:
    """id(node) -> its whole-stage-codegen stage, for the display tree ``root``: a run of
    fusable operators is one stage, numbered top down."""
    stages: dict[int, int] = {}
    counter = [0]

    def visit(node: Any, parent_stage: int | None) -> None:
        stage = None
        if node.node_name() in _CODEGEN:
            if parent_stage is None:
                counter[0] += 1
                stage = counter[0]
            else:
                stage = parent_stage
            stages[id(node)] = stage
        for c in node.children:
            visit(c, stage)

    visit(root, None)
    return stages


def physical_tree(root: Any, shown: Any = None) -> str:
    root = shown if shown is not None else _display(root)
    lines: list[str] = []
    adaptive = _has_exchange(root)
    stages = {} if adaptive else codegen_stages(root)

    def visit(node: Any, prefix: str, child_prefix: str) -> None:
        stage = stages.get(id(node))
        marker = f"*({stage}) " if stage is not None else ""
        lines.append(prefix + marker + _line(node))
        kids = list(node.children)
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            visit(c, child_prefix + ("+- " if last else ":- "),
                  child_prefix + ("   " if last else ":  "))

    if adaptive:
        lines.append("AdaptiveSparkPlan isFinalPlan=false")
        visit(root, "+- ", "   ")
    else:
        visit(root, "", "")
    return "\n".join(lines) + "\n"


def explain_string(qe: Any, mode: str = "simple") -> str:
    mode = mode.lower()
    if mode not in ("simple", "extended", "formatted", "codegen", "cost"):
        raise ValueError(f"Unknown explain mode: {mode}. Accepted explain modes are 'simple', "
                         "'extended', 'codegen', 'cost', 'formatted'.")
    shown = _display(qe.physical)
    physical = physical_tree(qe.physical, shown)
    if mode == "simple":
        return "== Physical Plan ==\n" + physical + "\n"
    if mode == "extended":
        schema = ", ".join(f"{a.name}: {a.dtype.simpleString()}" for a in qe.analyzed.output)
        return ("== Parsed Logical Plan ==\n" + qe.analyzed.tree_string() +
                "\n== Analyzed Logical Plan ==\n" + schema + "\n" + qe.analyzed.tree_string() +
                "\n== Optimized Logical Plan ==\n" + qe.optimized.tree_string() +
                "\n== Physical Plan ==\n" + physical)
    if mode == "formatted":
        adaptive = _has_exchange(shown)
        stages = {} if adaptive else codegen_stages(shown)
        return formatted_plan(shown, adaptive, lambda n: stages.get(id(n)))
    if mode == "cost":
        return "== Optimized Logical Plan ==\n" + cost_tree(qe.optimized) + \
            "\n== Physical Plan ==\n" + physical + "\n"
    return _codegen(shown)


def _codegen(shown: Any) -> str:
    """Spark's codegen mode: each whole-stage-codegen subtree; there is no generated Java
    (the operators run as Arrow kernels), which the text says where Spark prints it."""
    stages = codegen_stages(shown)
    roots: list[Any] = []

    def visit(n: Any, parent: int | None) -> None:
        stage = stages.get(id(n))
        if stage is not None and stage != parent:
            roots.append(n)
        for c in n.children:
            visit(c, stage)

    visit(shown, None)
    out = [f"Found {len(roots)} WholeStageCodegen subtrees."]
    for i, r in enumerate(roots, 1):
        sub = physical_tree(None, _Shown(r.node_name(), r.arg_string(), r.children, "narrow"))
        out.append(f"== Subtree {i} / {len(roots)} ==\n" + sub + "\nGenerated code:\n"
                   "(none: these operators run as vectorized Arrow kernels)\n")
    return "\n".join(out) + "\n"
