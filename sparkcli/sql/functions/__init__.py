"""``pyspark.sql.functions``: every built-in function, by name.

A package as in PySpark 4 (``pyspark.sql.functions.builtin``). Each function builds an
unresolved call by name; the engine's registry (runtime/sql/expressions) binds it, so
``F.upper(col)``, ``expr("upper(x)")`` and SQL text share one implementation. The
modules below group them by kind; this package re-exports all of them.
"""

from __future__ import annotations

from sparkcli.sql.functions import builtin as _builtin
from sparkcli.sql.functions import math_functions as _math_functions
from sparkcli.sql.functions import string_functions as _string_functions
from sparkcli.sql.functions import datetime_functions as _datetime_functions
from sparkcli.sql.functions import collection_functions as _collection_functions
from sparkcli.sql.functions import json_functions as _json_functions
from sparkcli.sql.functions import hash_functions as _hash_functions
from sparkcli.sql.functions import aggregate_functions as _aggregate_functions
from sparkcli.sql.functions import window_functions as _window_functions
from sparkcli.sql.functions import misc_functions as _misc_functions
from sparkcli.sql.functions import vector_functions as _vector_functions
from sparkcli.sql.functions import generator_functions as _generator_functions
from sparkcli.sql.functions import xml_functions as _xml_functions
from sparkcli.sql.functions import partition_functions as _partition_functions
from sparkcli.sql.functions import variant_functions as _variant_functions
from sparkcli.sql.functions import sketch_functions as _sketch_functions
from sparkcli.sql.functions.builtin import *  # noqa: F401,F403
from sparkcli.sql.functions.math_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.string_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.datetime_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.collection_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.json_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.hash_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.aggregate_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.window_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.misc_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.vector_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.generator_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.xml_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.partition_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.variant_functions import *  # noqa: F401,F403
from sparkcli.sql.functions.sketch_functions import *  # noqa: F401,F403
from sparkcli.sql.udf import *  # noqa: F401,F403
from sparkcli.sql.udtf import *  # noqa: F401,F403
from sparkcli.sql import udf as _udf
from sparkcli.sql import udtf as _udtf
from sparkcli.sql.functions.pyspark_names import PYSPARK_FUNCTIONS as _PYSPARK_FUNCTIONS
from runtime.sql.errors import PySparkNotImplementedError as _NotImplemented
from sparkcli.sql.pandas_udf import PandasUDFType, pandas_udf  # noqa: F401
from sparkcli.sql.arrow_udf import ArrowUDFType, arrow_udf  # noqa: F401

__all__ = sorted(set(_builtin.__all__).union(*(m.__all__ for m in (
    _math_functions, _string_functions, _datetime_functions, _collection_functions,
    _json_functions, _hash_functions, _aggregate_functions, _window_functions, _misc_functions,
    _vector_functions, _generator_functions, _xml_functions, _partition_functions,
    _variant_functions, _sketch_functions, _udf, _udtf)))) + \
    ["ArrowUDFType", "PandasUDFType", "arrow_udf", "pandas_udf"]


def _why_not(name: str) -> str:
    """Why a PySpark function is not provided (after ``is not implemented``)."""
    if name == "count_min_sketch":
        return ": Spark's count-min sketch binary format is not provided"
    if name.startswith("st_"):
        return ": the geospatial types are not provided"
    if name in ("timestamp_nanos", "unix_nanos"):
        return ": the nanosecond TIMESTAMP(9) types are not provided"
    return ""


def __getattr__(name: str):
    """A PySpark function sparkcli does not provide yet: a stand-in that raises one clear
    error naming it when called (importing it still works, as in PySpark)."""
    if name not in _PYSPARK_FUNCTIONS:
        raise AttributeError(f"module 'pyspark.sql.functions' has no attribute '{name}'")

    why = _why_not(name)

    def not_provided(*args, **kwargs):
        raise _NotImplemented(
            f"[NOT_IMPLEMENTED] pyspark.sql.functions.{name} is not implemented{why}.",
            errorClass="NOT_IMPLEMENTED",
            messageParameters={"feature": f"pyspark.sql.functions.{name}"})
    not_provided.__name__ = not_provided.__qualname__ = name
    return not_provided
