"""PySpark API names sparkcli does not provide: each exists and raises one clear error.

Every public name of PySpark 4.3's DataFrame, Column, DataFrameReader/Writer, GroupedData
and SparkSession resolves to something here, so ``hasattr`` and ``dir`` agree with PySpark
and a script fails at the call with ``[NOT_IMPLEMENTED] DataFrame.mergeInto is not
implemented in sparkcli: <why>.`` (PySpark's PySparkNotImplementedError), not with an
AttributeError from inside sparkcli. A class lists its missing names with
:func:`not_provided` in its body.
"""

from __future__ import annotations

from typing import Any, Callable

from runtime.sql.errors import PySparkNotImplementedError

__all__ = ["not_provided"]


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
