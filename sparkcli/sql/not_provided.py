"""PySpark API names sparkcli does not provide: each exists and raises one clear error.

Every public name of PySpark 4.3's DataFrame, Column, DataFrameReader/Writer, GroupedData
and SparkSession resolves to something here, so ``hasattr`` and ``dir`` agree with PySpark
and a script fails at the call with ``[NOT_IMPLEMENTED] DataFrame.mergeInto is not
implemented in sparkcli: <why>.`` (PySpark's PySparkNotImplementedError), not with an
AttributeError from inside sparkcli. A class lists its missing names with
:func:`not_provided` (a method) or :func:`not_provided_property` (an attribute such as
``spark.udtf`` or ``df.plot``: reading it works, so ``hasattr`` is true as in PySpark; using
it, ``spark.udtf.register(...)``, raises) in its body.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql.errors import PySparkNotImplementedError

__all__ = ["not_provided", "not_provided_property"]


def not_provided(qualified: str, why: str = "") -> Callable[..., Any]:
    """A method that raises ``[NOT_IMPLEMENTED]`` naming ``qualified`` (``Class.method``)."""
    reason = f": {why}" if why else ""

    def method(*args: Any, **kwargs: Any) -> Any:
        raise PySparkNotImplementedError(
            f"[NOT_IMPLEMENTED] {qualified} is not implemented in sparkcli{reason}.",
            errorClass="NOT_IMPLEMENTED", messageParameters={"feature": qualified})

    method.__name__ = method.__qualname__ = qualified.rsplit(".", 1)[-1]
    method.__doc__ = f"Not provided by sparkcli{reason} (raises NOT_IMPLEMENTED)."
    return method


class _Missing:
    """What a not-provided attribute reads as: any use of it raises NOT_IMPLEMENTED."""

    def __init__(self, qualified: str, why: str):
        self._raise = not_provided(qualified, why)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        self._raise()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._raise()

    def __repr__(self) -> str:
        return f"<not provided: {self._raise.__doc__}>"


def not_provided_property(qualified: str, why: str = "") -> property:
    """An attribute whose use raises ``[NOT_IMPLEMENTED]`` naming ``qualified``."""
    missing = _Missing(qualified, why)
    return property(lambda self: missing, doc=f"Not provided by sparkcli ({qualified}).")
