"""CAST with Spark's semantics, on Arrow arrays.

* string -> numeric/boolean/date/timestamp trims whitespace first (Spark does; Arrow does
  not); an unparsable value is ``[CAST_INVALID_INPUT]`` under ANSI, NULL otherwise (and
  always NULL for ``try_cast``);
* fractional -> integral truncates toward zero; out of range is ``[CAST_OVERFLOW]`` (ANSI);
* anything -> string uses Spark's text forms (``true``, ``1.0``, ``2024-01-01 00:00:00``,
  arrays ``[1, 2]``): the same formatter as show() (values.py), per value, since those forms
  have no Arrow kernel;
* string -> boolean accepts t/true/y/yes/1 and f/false/n/no/0, any case.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import cast_invalid_input, cast_overflow, \
    numeric_out_of_range
from runtime.sql.expressions.decimal_scaled import exact_double
from runtime.sql.expressions.registry import EvalContext
from runtime.sql.expressions.time_parsing import parse_times
from runtime.sql.expressions.variant_cast import CastFailed, cast_tree, from_sql_value, \
    invalid_cast
from runtime.sql.variant import decode as decode_variant
from runtime.sql.variant import encode as encode_variant
from runtime.sql.formatting.values import format_value
from runtime.sql.arrow_types import column_to_python

__all__ = ["cast_array", "can_cast"]


def can_cast(src: T.DataType, dst: T.DataType) -> bool:
    if src == dst or isinstance(src, T.NullType):
        return True
    if isinstance(src, T.VariantType):
        return True
    if isinstance(dst, T.VariantType):  # atomic values and arrays of them (not structs, maps)
        return not isinstance(src, (T.StructType, T.MapType)) and \
            (not isinstance(src, T.ArrayType) or can_cast(src.elementType, dst))
    if isinstance(dst, T.StringType):
        return True
    atomic = (T.NumericType, T.StringType, T.BooleanType)
    if isinstance(src, atomic) and isinstance(dst, atomic):
        return True
    if isinstance(src, (T.StringType, T.DateType, T.TimestampType, T.TimestampNTZType)) and \
            isinstance(dst, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        return True
    if isinstance(src, (T.StringType, T.TimeType)) and isinstance(dst, T.TimeType):
        return True
    if isinstance(src, (T.DateType, T.TimestampType)) and isinstance(dst, T.NumericType):
        return isinstance(src, T.TimestampType)
    if isinstance(src, T.NumericType) and isinstance(dst, T.TimestampType):
        return True  # seconds since the epoch (not to TIMESTAMP_NTZ, as Spark)
    if isinstance(src, T.ArrayType) and isinstance(dst, T.ArrayType):
        return can_cast(src.elementType, dst.elementType)
    if isinstance(src, T.StructType) and isinstance(dst, T.StructType):
        return len(src.fields) == len(dst.fields) and all(
            can_cast(a.dataType, b.dataType) for a, b in zip(src.fields, dst.fields))
    if isinstance(src, T.MapType) and isinstance(dst, T.MapType):
        return can_cast(src.keyType, dst.keyType) and can_cast(src.valueType, dst.valueType)
    return isinstance(src, T.BinaryType) and isinstance(dst, T.StringType) or \
        isinstance(src, T.StringType) and isinstance(dst, T.BinaryType)


_TRUE = {"t", "true", "y", "yes", "1"}
_FALSE = {"f", "false", "n", "no", "0"}


def cast_array(arr: Any, src: T.DataType, dst: T.DataType, ansi: bool, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    target = to_arrow(dst)
    if src == dst:
        return arr
    if isinstance(arr, pa.Scalar):
        out = cast_array(pa.array([arr.as_py()], type=arr.type), src, dst, ansi, ectx)
        return out[0]
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if isinstance(src, T.NullType):
        return pa.nulls(len(arr), type=target)
    if isinstance(src, T.VariantType) or isinstance(dst, T.VariantType):
        return _variant_cast(arr, src, dst, ansi, ectx)
    if isinstance(dst, T.StringType):
        return _to_string(arr, src, ectx)
    if isinstance(src, T.StringType):
        return _from_string(arr, dst, ansi, ectx)
    if isinstance(src, T.BooleanType) and isinstance(dst, T.NumericType):
        return pc.cast(arr, pa.int8()).cast(target)
    if isinstance(src, T.NumericType) and isinstance(dst, T.BooleanType):
        return pc.not_equal(arr, pa.scalar(0).cast(arr.type))
    if isinstance(src, (T.FloatType, T.DoubleType)) and isinstance(dst, T.IntegralType):
        nan = pc.is_nan(arr)
        truncated = pc.trunc(arr)
        try:
            out = pc.cast(pc.if_else(nan, pa.scalar(0.0, arr.type), truncated), target)
        except pa.ArrowInvalid:
            if ansi:
                bad = _first_failing(arr, lambda v: pc.cast(pa.array([v]), target))
                raise cast_overflow(_num_text(bad, src), src.simpleString().upper(),
                                    dst.simpleString().upper()) from None
            out = _cast_each_or_null(truncated, target)
        return pc.if_else(nan, pa.scalar(0, target), out) if not ansi else out
    if isinstance(src, T.TimestampType) and isinstance(dst, T.DateType):
        local = pc.local_timestamp(arr.cast(pa.timestamp("us", tz=ectx.time_zone or "UTC")))
        return pc.cast(pc.cast(local, pa.timestamp("us")), pa.date32())
    if isinstance(src, T.TimestampType) and isinstance(dst, T.NumericType):
        us = arr.cast(pa.int64())  # Spark: seconds since the epoch (a fraction if fractional)
        if isinstance(dst, T.IntegralType):
            return pc.cast(_floor_div(us, 1_000_000), target)
        return pc.cast(pc.divide(us.cast(pa.float64()), 1e6), target)
    if isinstance(src, T.NumericType) and isinstance(dst, T.TimestampType):
        return pc.cast(_seconds_to_micros(arr, src, ansi), target)
    if isinstance(src, T.DateType) and isinstance(dst, T.TimestampType):
        naive = pc.cast(arr, pa.timestamp("us"))
        return pc.assume_timezone(naive, ectx.time_zone, ambiguous="earliest",
                                  nonexistent="latest").cast(target)
    if isinstance(src, T.IntegralType) and isinstance(dst, T.DecimalType):
        arr = pc.cast(arr, pa.decimal128(38, 0))  # Arrow wants the int's full width first
    if isinstance(src, T.DecimalType) and src.precision <= 18 and \
            isinstance(dst, T.DoubleType) and pa.types.is_decimal128(arr.type):
        return exact_double(arr, src.scale)  # Spark's Decimal.toDouble (decimal_scaled)
    original = arr
    if isinstance(src, T.DecimalType) and src.scale and (
            isinstance(dst, T.IntegralType) or
            (isinstance(dst, T.DecimalType) and dst.scale < src.scale)):
        # Spark truncates the fraction toward an integer type and rounds HALF_UP (ties away
        # from zero) to a smaller scale; one more digit of room for the rounding's carry
        wide = pa.decimal128(min(src.precision + 1, 38), src.scale)
        to_int = isinstance(dst, T.IntegralType)
        arr = pc.round(arr.cast(wide), 0 if to_int else dst.scale,
                       round_mode="towards_zero" if to_int else "half_towards_infinity")
        if to_int:
            arr = arr.cast(pa.decimal128(max(src.precision - src.scale, 1) + 1, 0))
    try:
        return pc.cast(arr, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if isinstance(dst, (T.NumericType,)) and ansi:
            bad = _first_failing(arr, lambda v: pc.cast(pa.array([v], arr.type), target))
            if arr is not original:  # name the value as written, before rounding
                bad = original[arr.to_pylist().index(bad)].as_py()
            if isinstance(src, T.DecimalType) and isinstance(dst, T.DecimalType):
                raise numeric_out_of_range(bad, dst.precision, dst.scale) from None
            raise cast_overflow(_num_text(bad, src), src.simpleString().upper(),
                                dst.simpleString().upper()) from None
        return _cast_each_or_null(arr, target)


def _variant_cast(arr: Any, src: T.DataType, dst: T.DataType, ansi: bool,
                  ectx: EvalContext) -> Any:
    """CAST from VARIANT (variant_cast.cast_tree; a variant null is NULL, a failure
    [INVALID_VARIANT_CAST] or, with try_cast / ANSI off, NULL) or to VARIANT."""
    import pyarrow as pa

    out: list = []
    if isinstance(dst, T.VariantType) and arr.type == to_arrow(dst):
        return arr  # the encoded pair itself (a Parquet column read back)
    if isinstance(dst, T.VariantType):
        for v in arr.to_pylist():
            if v is None:
                out.append(None)
                continue
            value, meta = encode_variant(from_sql_value(v, src))
            out.append({"value": value, "metadata": meta})
        return pa.array(out, to_arrow(dst))
    for v in arr.to_pylist():
        tree = None if v is None else decode_variant(v["value"], v["metadata"])
        if tree is None:
            out.append(None)
            continue
        try:
            out.append(cast_tree(tree, dst, ectx.time_zone))
        except CastFailed:
            if ansi:
                raise invalid_cast(tree, dst, ectx.time_zone) from None
            out.append(None)
    return pa.array(out, to_arrow(dst))


_MAX_SECONDS = (2 ** 63 - 1) // 1_000_000


def _seconds_to_micros(arr: Any, src: T.DataType, ansi: bool) -> Any:
    """Spark's numeric -> timestamp: the value is seconds since the epoch. Integers saturate
    (SECONDS.toMicros); a fraction is truncated to microseconds; NaN/Infinity and a double out
    of BIGINT's range after scaling fail under ANSI (``[CAST_INVALID_INPUT]``/``[CAST_OVERFLOW]``,
    naming the scaled value as Spark does) and are NULL otherwise."""
    import decimal

    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(src, T.IntegralType):
        secs = arr.cast(pa.int64())
        clipped = pc.max_element_wise(pc.min_element_wise(secs, _MAX_SECONDS), -_MAX_SECONDS)
        micros = pc.multiply(clipped, 1_000_000)
        micros = pc.if_else(pc.greater(secs, _MAX_SECONDS), pa.scalar(2 ** 63 - 1), micros)
        return pc.if_else(pc.less(secs, -_MAX_SECONDS), pa.scalar(-2 ** 63), micros)
    if isinstance(src, T.DecimalType):
        scaled = pc.multiply(arr, pa.scalar(decimal.Decimal(1_000_000)))
        return pc.cast(pc.round(scaled, 0, round_mode="towards_zero"), pa.int64())
    scaled = pc.multiply(arr.cast(pa.float64()), 1e6)
    bad = pc.or_(pc.is_nan(arr.cast(pa.float64())), pc.is_inf(arr.cast(pa.float64())))
    over = pc.greater_equal(pc.abs(scaled), 9.223372036854776e18)
    if ansi and pc.any(bad).as_py():
        v = arr.filter(bad)[0].as_py()
        raise cast_invalid_input(_num_text(v, src).rstrip("D"), src.simpleString().upper(),
                                 "TIMESTAMP", quote=False)
    if ansi and pc.any(pc.and_(over, pc.invert(bad))).as_py():
        v = scaled.filter(pc.and_(over, pc.invert(bad)))[0].as_py()
        raise cast_overflow(_num_text(v, T.DoubleType()), "DOUBLE", "BIGINT")
    safe = pc.if_else(pc.or_(bad, over), pa.scalar(None, pa.float64()), scaled)
    return pc.cast(pc.trunc(safe), pa.int64())


def _floor_div(arr: Any, d: int) -> Any:
    import pyarrow.compute as pc

    q = pc.divide(arr, d)  # truncates toward zero
    fix = pc.and_(pc.less(arr, 0), pc.not_equal(pc.multiply(q, d), arr))
    return pc.subtract(q, pc.cast(fix, arr.type))


def _num_text(v: Any, src: T.DataType) -> str:
    text = format_value(v, src, top_level=False)
    if isinstance(src, T.LongType):
        return text + "L"
    if isinstance(src, (T.DoubleType,)):
        return text + "D"
    if isinstance(src, T.DecimalType):
        return text + "BD"  # Spark's SQL form of a decimal value
    return text


def _first_failing(arr: Any, attempt) -> Any:
    for v in arr.to_pylist():
        if v is None:
            continue
        try:
            attempt(v)
        except Exception:  # noqa: BLE001 - finding the value that failed, to name it
            return v
    return None


def _cast_each_or_null(arr: Any, target: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    out = []
    for v in arr.to_pylist():
        try:
            out.append(None if v is None else pc.cast(pa.array([v]), target)[0].as_py())
        except Exception:  # noqa: BLE001 - non-ANSI casts give NULL on failure
            out.append(None)
    return pa.array(out, type=target)


def _to_string(arr: Any, src: T.DataType, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(src, (T.StringType, T.CharType, T.VarcharType)):
        return arr
    if isinstance(src, (T.IntegralType, T.BooleanType, T.DateType)):
        return pc.cast(arr, pa.string())
    if isinstance(src, T.BinaryType):
        return pc.cast(arr, pa.string())

    values = [None if v is None else format_value(v, src, top_level=False, tz=ectx.time_zone)
              for v in _python_values(arr, src)]
    return pa.array(values, type=pa.string())


def _python_values(arr: Any, src: T.DataType) -> list:
    return column_to_python(arr, src)


def _from_string(arr: Any, dst: T.DataType, ansi: bool, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    target = to_arrow(dst)
    trimmed = pc.utf8_trim_whitespace(arr)
    if isinstance(dst, T.BinaryType):
        return pc.cast(arr, pa.binary())
    if isinstance(dst, T.TimeType):  # HH:mm[:ss[.f]] (time_functions.py)
        micros, ok = parse_times(arr, None)
        bad = pc.and_(pc.is_valid(arr), pa.array(~ok))
        if ansi and pc.any(bad).as_py():
            raise cast_invalid_input(pc.filter(arr, bad)[0].as_py(), "STRING",
                                     dst.simpleString().upper())
        return pa.array(micros, pa.int64(), mask=~ok).cast(target)
    if isinstance(dst, T.BooleanType):
        low = pc.utf8_lower(trimmed)
        is_t = pc.is_in(low, value_set=pa.array(sorted(_TRUE)))
        is_f = pc.is_in(low, value_set=pa.array(sorted(_FALSE)))
        bad = pc.and_(pc.is_valid(arr), pc.invert(pc.or_(is_t, is_f)))
        if ansi and pc.any(bad).as_py():
            v = pc.filter(arr, bad)[0].as_py()
            raise cast_invalid_input(v, "STRING", "BOOLEAN")
        return pc.if_else(bad, pa.scalar(None, pa.bool_()), is_t)
    if isinstance(dst, T.TimestampType):
        try:
            naive = pc.cast(pc.cast(trimmed, pa.timestamp("us")), pa.timestamp("us"))
        except pa.ArrowInvalid:
            return _parse_each(arr, dst, ansi, ectx)
        return pc.assume_timezone(naive, ectx.time_zone, ambiguous="earliest",
                                  nonexistent="latest")
    try:
        if isinstance(dst, T.IntegralType):
            # Spark accepts "12.7" -> 12 for string -> int in non-ANSI casts only
            return pc.cast(trimmed, target)
        return pc.cast(trimmed, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _parse_each(arr, dst, ansi, ectx)


_ZONED = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


def _parse_each(arr: Any, dst: T.DataType, ansi: bool, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    target = to_arrow(dst)
    out = []
    for v in arr.to_pylist():
        if v is None:
            out.append(None)
            continue
        s = v.strip()
        try:
            if isinstance(dst, T.TimestampType) and _ZONED.search(s):  # ...Z, ...+01:00
                parsed = pc.cast(pa.array([s]), pa.timestamp("us", "UTC"))[0].as_py()
            elif isinstance(dst, T.TimestampType):
                parsed = pc.assume_timezone(pc.cast(pa.array([s]), pa.timestamp("us")),
                                            ectx.time_zone)[0].as_py()
            else:
                parsed = pc.cast(pa.array([s]), target)[0].as_py()
            out.append(parsed)
        except Exception:  # noqa: BLE001 - a malformed value: error (ANSI) or NULL
            if ansi:
                raise cast_invalid_input(v, "STRING", dst.simpleString().upper()) from None
            out.append(None)
    return pa.array(out, type=target)
