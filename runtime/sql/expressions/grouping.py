"""``grouping()`` and ``grouping_id()`` outside rollup/cube/grouping sets: an error.

Inside them, runtime/sql/analysis/grouping_sets.py rewrites both into bit tests of
``spark_grouping_id`` before anything is bound, so reaching these bind functions means the
query has no grouping sets, which Spark rejects.
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import simple


def _unsupported(args: list[Expression], ctx: Any) -> Expression:
    raise AnalysisException(
        "[UNSUPPORTED_GROUPING_EXPRESSION] grouping()/grouping_id() can only be used with "
        "GroupingSets/Cube/Rollup. SQLSTATE: 42K0E", errorClass="UNSUPPORTED_GROUPING_EXPRESSION")


def _never(call: Any, args: list, ectx: Any) -> Any:
    raise AssertionError("grouping() is rewritten before execution")


simple("grouping", _unsupported, _never)
simple("grouping_id", _unsupported, _never)
