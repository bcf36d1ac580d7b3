"""``explain(mode="cost")``: the optimized logical plan with each node's statistics.

Spark prints every node of the optimized plan followed by ``, Statistics(sizeInBytes=...)``
(and ``rowCount=`` where it is known exactly, as for ``Range``). The sizes are the
planner's estimates (execution/planner.py ``estimate_size``, Spark's size-only
estimation: a leaf's bytes, scaled by row widths through projections), printed as Spark's
``Utils.bytesToString`` does: ``80.0 B``, ``1024.0 KiB``, ``8.0 EiB``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from runtime.sql.execution.planner import estimate_size
from runtime.sql.plan import logical as L

__all__ = ["bytes_to_string", "cost_tree"]

_UNITS = [(60, "EiB"), (50, "PiB"), (40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")]


def bytes_to_string(size: int) -> str:
    """Spark's Utils.bytesToString: the largest unit the size is at least twice of."""
    if size >= (1 << 11) * (1 << 60):
        d = Decimal(size).normalize(Context(prec=3, rounding=ROUND_HALF_UP))
        return f"{d:E}".replace("E+", "E") + " B"
    for shift, unit in _UNITS:
        if size >= 2 * (1 << shift):
            return f"{size / (1 << shift):.1f} {unit}"
    return f"{float(size):.1f} B"


def _stats(plan: L.LogicalPlan) -> str:
    out = f"sizeInBytes={bytes_to_string(estimate_size(plan))}"
    if isinstance(plan, L.Range):
        out += f", rowCount={plan.count()}"
    return f"Statistics({out})"


def cost_tree(plan: L.LogicalPlan) -> str:
    lines: list[str] = []

    def visit(p: Any, prefix: str, child_prefix: str) -> None:
        args = p.arg_string()
        lines.append(prefix + p.node_name() + (" " + args if args else "") + ", " + _stats(p))
        kids = list(p.children)
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            visit(c, child_prefix + ("+- " if last else ":- "),
                  child_prefix + ("   " if last else ":  "))

    visit(plan, "", "")
    return "\n".join(lines) + "\n"
