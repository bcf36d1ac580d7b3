"""``reflect`` / ``java_method`` / ``try_reflect``, and the partition transforms ``years``,
``months``, ``days``, ``hours``, ``bucket``.

Spark's ``reflect(class, method, args...)`` calls a static Java method through
reflection and returns its result as a string. There is no JVM here: the static methods
people call this way (the examples in Spark's docs and tutorials: ``java.util.UUID``,
``java.lang.Math``, ``String.valueOf``, ``Integer.parseInt``, ``URLDecoder.decode``...)
are a table of Python functions keyed by (class, method, argument kinds), chosen while
binding as Java's overload resolution would. A class outside the table is Spark's
``[DATATYPE_MISMATCH.UNEXPECTED_CLASS_TYPE]`` and a method outside it
``[DATATYPE_MISMATCH.UNEXPECTED_STATIC_METHOD]`` (Spark's texts; the class error also
says that there is no JVM here and which classes it knows). A NULL argument gives NULL.
An exception inside the method fails the query (``reflect``/``java_method``) or gives
NULL (``try_reflect``), as in Spark.

The partition transforms only mean something inside ``writeTo(...).partitionedBy(...)``;
they are registered under names SQL cannot spell (``years@transform``), because Spark
has no SQL function of those names, and evaluating one anywhere else is Spark's
``[PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY]``.
"""

from __future__ import annotations

import math
import time
import urllib.parse
import uuid
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException, \
    UnsupportedOperationException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import cast_to, make_call
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch, wrong_num_args)
from runtime.sql.expressions.rowwise import per_row

__all__ = ["JAVA_STATIC_METHODS"]


def _java_double(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == int(v) and abs(v) < 1e7:
        return f"{v:.1f}"
    return repr(v).replace("e+", "E").replace("e-", "E-")


def _parse_int(s: str, bits: int = 32) -> int:
    s2 = s[1:] if s[:1] in "+-" else s
    if not s2.isdigit():
        raise ValueError(f'For input string: "{s}"')
    v = int(s)
    if not -(2 ** (bits - 1)) <= v < 2 ** (bits - 1):
        raise ValueError(f'For input string: "{s}"')
    return v


def _int32(v: int) -> int:
    return (v + 2 ** 31) % 2 ** 32 - 2 ** 31


def _abs(v: Any) -> Any:
    return _int32(abs(v)) if isinstance(v, int) else abs(v)


def _java_str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _java_double(v)
    return str(v)


# (class, method) -> {argument kinds: function}; kinds: i int, l long, d double, s string,
# b boolean. Java widens int -> long -> double when no exact overload exists.
_M = Callable[..., Any]
JAVA_STATIC_METHODS: dict[tuple[str, str], dict[str, _M]] = {
    ("java.util.UUID", "randomUUID"): {"": lambda: str(uuid.uuid4())},
    ("java.util.UUID", "fromString"): {"s": lambda s: str(uuid.UUID(s))},
    ("java.lang.Math", "abs"): {"i": _abs, "l": abs, "d": abs},
    ("java.lang.Math", "max"): {"ii": max, "ll": max, "dd": max},
    ("java.lang.Math", "min"): {"ii": min, "ll": min, "dd": min},
    ("java.lang.Math", "sqrt"): {"d": lambda x: math.sqrt(x) if x >= 0 else math.nan},
    ("java.lang.Math", "pow"): {"dd": lambda a, b: float(a) ** float(b)},
    ("java.lang.Math", "exp"): {"d": math.exp},
    ("java.lang.Math", "log"): {"d": lambda x: math.log(x) if x > 0 else
                                (-math.inf if x == 0 else math.nan)},
    ("java.lang.Math", "log10"): {"d": lambda x: math.log10(x) if x > 0 else
                                  (-math.inf if x == 0 else math.nan)},
    ("java.lang.Math", "floor"): {"d": lambda x: float(math.floor(x))},
    ("java.lang.Math", "ceil"): {"d": lambda x: float(math.ceil(x))},
    ("java.lang.Math", "signum"): {"d": lambda x: math.copysign(1.0, x) if x else x},
    ("java.lang.Math", "floorMod"): {"ii": lambda a, b: a % b, "ll": lambda a, b: a % b},
    ("java.lang.Math", "floorDiv"): {"ii": lambda a, b: a // b, "ll": lambda a, b: a // b},
    ("java.lang.Math", "addExact"): {"ii": lambda a, b: _exact(a + b, 32),
                                     "ll": lambda a, b: _exact(a + b, 64)},
    ("java.lang.Math", "multiplyExact"): {"ii": lambda a, b: _exact(a * b, 32),
                                          "ll": lambda a, b: _exact(a * b, 64)},
    ("java.lang.String", "valueOf"): {"i": str, "l": str, "d": _java_double, "b": _java_str,
                                      "s": str},
    ("java.lang.Integer", "parseInt"): {"s": _parse_int, "si": lambda s, r: int(s, r)},
    ("java.lang.Integer", "valueOf"): {"s": _parse_int, "i": int},
    ("java.lang.Integer", "toHexString"): {"i": lambda v: format(v & 0xFFFFFFFF, "x")},
    ("java.lang.Integer", "toBinaryString"): {"i": lambda v: format(v & 0xFFFFFFFF, "b")},
    ("java.lang.Integer", "toString"): {"i": str, "ii": lambda v, r: _radix(v, r)},
    ("java.lang.Long", "parseLong"): {"s": lambda s: _parse_int(s, 64)},
    ("java.lang.Long", "valueOf"): {"s": lambda s: _parse_int(s, 64), "l": int},
    ("java.lang.Long", "toHexString"): {"l": lambda v: format(v & 0xFFFFFFFFFFFFFFFF, "x")},
    ("java.lang.Long", "toBinaryString"): {"l": lambda v: format(v & 0xFFFFFFFFFFFFFFFF, "b")},
    ("java.lang.Long", "toString"): {"l": str, "li": lambda v, r: _radix(v, r)},
    ("java.lang.Double", "parseDouble"): {"s": lambda s: float(s.strip())},
    ("java.lang.Double", "valueOf"): {"s": lambda s: float(s.strip()), "d": float},
    ("java.lang.Boolean", "parseBoolean"): {"s": lambda s: s.lower() == "true"},
    ("java.net.URLDecoder", "decode"): {"s": urllib.parse.unquote_plus,
                                        "ss": lambda s, enc: urllib.parse.unquote_plus(
                                            s, encoding=enc)},
    ("java.net.URLEncoder", "encode"): {"s": urllib.parse.quote_plus,
                                        "ss": lambda s, enc: urllib.parse.quote_plus(
                                            s, encoding=enc, safe="*")},
    ("java.lang.System", "currentTimeMillis"): {"": lambda: int(time.time() * 1000)},
}
_CLASSES = {c for c, _ in JAVA_STATIC_METHODS}


def _exact(v: int, bits: int) -> int:
    if not -(2 ** (bits - 1)) <= v < 2 ** (bits - 1):
        raise ArithmeticError(f"{'integer' if bits == 32 else 'long'} overflow")
    return v


def _radix(v: int, r: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if v == 0:
        return "0"
    out, n = "", abs(v)
    while n:
        out, n = digits[n % r] + out, n // r
    return ("-" if v < 0 else "") + out


def _kind(t: T.DataType) -> str | None:
    if isinstance(t, (T.ByteType, T.ShortType, T.IntegerType)):
        return "i"
    if isinstance(t, T.LongType):
        return "l"
    if isinstance(t, (T.FloatType, T.DoubleType)):
        return "d"
    if isinstance(t, T.StringType):
        return "s"
    if isinstance(t, T.BooleanType):
        return "b"
    if isinstance(t, T.NullType):
        return "n"
    return None


_WIDER = {"i": "ild", "l": "ld", "d": "d", "s": "s", "b": "b"}


def _overload(table: dict[str, _M], kinds: str) -> str | None:
    if kinds in table:
        return kinds
    for sig in table:  # Java's widening: int -> long -> double; NULL fits any reference
        if len(sig) == len(kinds) and all(k == "n" or s in _WIDER.get(k, "") for s, k in
                                          zip(sig, kinds)):
            return sig
    return None


def _bind_reflect(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if len(args) < 2:
            raise wrong_num_args(name, "> 1", len(args))
        cls, method = args[0], args[1]
        text = f"{name}({', '.join(a.sql() for a in args)})"
        if not (isinstance(cls, Literal) and isinstance(method, Literal) and
                isinstance(cls.value, str) and isinstance(method.value, str)):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve "{text}" due to data '
                "type mismatch: the class and method names must be foldable strings. "
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")
        if cls.value not in _CLASSES:
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.UNEXPECTED_CLASS_TYPE] Cannot resolve "{text}" due to data '
                f"type mismatch: class {cls.value} not found (this engine runs without a JVM; "
                f"{name} knows the static methods of {', '.join(sorted(_CLASSES))}). "
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.UNEXPECTED_CLASS_TYPE")
        for i, a in enumerate(args[2:], 3):
            if _kind(a.dtype) in (None, "n"):
                raise type_mismatch(text, i, '("BOOLEAN" or "TINYINT" or "SMALLINT" or "INT" or '
                                    '"BIGINT" or "FLOAT" or "DOUBLE" or "STRING")', a.sql(),
                                    a.dtype)
        kinds = "".join(_kind(a.dtype) or "?" for a in args[2:])
        table = JAVA_STATIC_METHODS.get((cls.value, method.value), {})
        sig = _overload(table, kinds)
        if sig is None:
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.UNEXPECTED_STATIC_METHOD] Cannot resolve "{text}" due to '
                f"data type mismatch: cannot find a static method {method.value} that matches "
                f"the argument types in {cls.value}. SQLSTATE: 42K09",
                errorClass="DATATYPE_MISMATCH.UNEXPECTED_STATIC_METHOD")
        target = {"i": T.IntegerType(), "l": T.LongType(), "d": T.DoubleType(),
                  "s": T.StringType(), "b": T.BooleanType()}
        kids = [cast_to(a, target[s]) for a, s in zip(args[2:], sig)]
        return make_call(lookup(name), [cls, method] + kids, T.StringType(), True,
                         (("sig", sig),))
    return bind


def _reflect_row(call: Any, cls: str, method: str, *values: Any) -> str | None:
    fn = JAVA_STATIC_METHODS[(cls, method)][dict(call.options)["sig"]]
    try:
        out = fn(*values)
    except Exception as e:  # noqa: BLE001 - the Java method threw
        if call.spec.name == "try_reflect":
            return None
        raise SparkRuntimeException(
            f"[REFLECTION_FAILED] java.lang.reflect.InvocationTargetException from "
            f"{cls}.{method}: {type(e).__name__}: {e}", errorClass="REFLECTION_FAILED") from None
    return None if out is None else _java_str(out)


for _n in ("reflect", "java_method", "try_reflect"):
    register(FunctionSpec(_n, _bind_reflect(_n), per_row(_reflect_row), deterministic=False))


# -- partition transforms -------------------------------------------------------------------------
def _bind_transform(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        want = 2 if name == "bucket" else 1
        if len(args) != want:
            raise wrong_num_args(name, str(want), len(args))
        return make_call(lookup(f"{name}@transform"), list(args), T.IntegerType(), True)
    return bind


def _transform(call: Any, args: list, ectx: EvalContext) -> Any:
    raise UnsupportedOperationException(
        f'[PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY] The expression '
        f'"{call.sql()}" must be inside \'partitionedBy\'. SQLSTATE: 42S23',
        errorClass="PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY",
        messageParameters={"expression": f'"{call.sql()}"'})


for _n in ("years", "months", "days", "hours", "bucket"):
    register(FunctionSpec(f"{_n}@transform", _bind_transform(_n), _transform,
                          lambda c, n=_n: f"{n}({', '.join(x.sql() for x in c.children)})",
                          extra={"partition_transform": _n}))
