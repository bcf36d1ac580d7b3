"""``spark.udtf``: registers Python UDTFs (sparkcli/sql/udtf.py) by name for SQL's FROM
clause and LATERAL joins. Kept apart from udtf.py, which needs the session to build the
DataFrame of a call, so that the session reaches this class without an import cycle."""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import PySparkTypeError
from runtime.sql.expressions.registry import register

__all__ = ["UDTFRegistration"]


class UDTFRegistration:
    """``spark.udtf``: register Python UDTFs for SQL."""

    def __init__(self, sparkSession: Any):
        self.sparkSession = sparkSession

    def register(self, name: str, f: Any) -> Any:
        """Register ``f`` (made by ``udtf``) under ``name``; returns it."""
        if not getattr(f, "_is_udtf", False):
            raise PySparkTypeError(
                f"[CANNOT_REGISTER_UDTF] Cannot register the UDTF '{name}': expected a "
                "'UserDefinedTableFunction'. Please make sure the UDTF is correctly defined as "
                "a class, and then either wrap it in the `udtf()` function or annotate it with "
                "`@udtf(...)`.", errorClass="CANNOT_REGISTER_UDTF")
        fn = f._renamed(name)
        register(fn._spec(name), name.lower())
        return fn
