"""Spark's implicit type rules: numeric widening, decimal precision/scale, common types.

* Integral and floating types widen along byte < short < int < long < float < double.
* A decimal meets an integral type as the integral's exact decimal (int -> decimal(10,0),
  long -> decimal(20,0)); a decimal meets float/double as double.
* Decimal results follow Spark's DecimalPrecision rules with
  ``spark.sql.decimalOperations.allowPrecisionLoss`` (default true):
  ``+ -``: s = max(s1, s2), p = max(p1-s1, p2-s2) + s + 1; ``*``: p = p1+p2+1, s = s1+s2;
  ``/``: s = max(6, s1+p2+1), p = p1-s1+s2+s; ``%``: s = max(s1, s2),
  p = min(p1-s1, p2-s2) + s; above 38 digits the scale gives way, keeping at least
  min(s, 6) (``adjust``). sum(decimal(p,s)) = decimal(p+10, s); avg = decimal(p+4, s+4).
* Strings meeting numbers in arithmetic are cast to double; in comparisons to the other type.
"""

from __future__ import annotations

from runtime.sql import types as T

__all__ = ["adjust_decimal", "common_type", "decimal_for", "is_numeric", "wider_numeric"]

_ORDER = [T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType]
_INT_DECIMAL = {T.ByteType: (3, 0), T.ShortType: (5, 0), T.IntegerType: (10, 0),
                T.LongType: (20, 0)}


def is_numeric(dt: T.DataType) -> bool:
    return isinstance(dt, T.NumericType)


def is_integral(dt: T.DataType) -> bool:
    return isinstance(dt, T.IntegralType)


def decimal_for(dt: T.DataType) -> T.DecimalType | None:
    if isinstance(dt, T.DecimalType):
        return dt
    pair = _INT_DECIMAL.get(type(dt))
    return T.DecimalType(*pair) if pair else None


def adjust_decimal(precision: int, scale: int) -> T.DecimalType:
    if precision <= 38:
        return T.DecimalType(precision, scale)
    int_digits = precision - scale
    min_scale = min(scale, 6)
    return T.DecimalType(38, max(38 - int_digits, min_scale))


def bounded_decimal(precision: int, scale: int) -> T.DecimalType:
    return T.DecimalType(min(precision, 38), min(scale, 38))


def wider_numeric(a: T.DataType, b: T.DataType) -> T.DataType | None:
    if a == b:
        return a
    if isinstance(a, T.DecimalType) or isinstance(b, T.DecimalType):
        if isinstance(a, (T.FloatType, T.DoubleType)) or isinstance(b, (T.FloatType, T.DoubleType)):
            return T.DoubleType()
        da, db = decimal_for(a), decimal_for(b)
        if da is None or db is None:
            return None
        scale = max(da.scale, db.scale)
        rng = max(da.precision - da.scale, db.precision - db.scale)
        return bounded_decimal(rng + scale, scale)
    ta, tb = type(a), type(b)
    if ta in _ORDER and tb in _ORDER:
        return _ORDER[max(_ORDER.index(ta), _ORDER.index(tb))]()
    return None


def common_type(types: list[T.DataType]) -> T.DataType | None:
    """The type all of ``types`` can be implicitly cast to (Spark's findWiderTypeForTwo)."""
    out: T.DataType = T.NullType()
    for t in types:
        if isinstance(out, T.NullType):
            out = t
            continue
        if isinstance(t, T.NullType) or t == out:
            continue
        w = wider_numeric(out, t)
        if w is None:
            if isinstance(out, T.StringType) and is_numeric(t) or \
                    isinstance(t, T.StringType) and is_numeric(out):
                w = T.StringType()
            elif isinstance(out, T.StringType) or isinstance(t, T.StringType):
                w = T.StringType() if {type(out), type(t)} <= {
                    T.StringType, T.DateType, T.TimestampType, T.BooleanType} else None
            elif {type(out), type(t)} == {T.DateType, T.TimestampType}:
                w = T.TimestampType()
            elif type(out) is type(t) and isinstance(
                    t, (T.DayTimeIntervalType, T.YearMonthIntervalType)):
                w = type(t)(min(out.startField, t.startField), max(out.endField, t.endField))
            elif isinstance(out, T.ArrayType) and isinstance(t, T.ArrayType):
                e = common_type([out.elementType, t.elementType])
                w = T.ArrayType(e, out.containsNull or t.containsNull) if e else None
            elif isinstance(out, T.StructType) and isinstance(t, T.StructType) and \
                    len(out.fields) == len(t.fields):
                fs = []
                for fa, fb in zip(out.fields, t.fields):
                    e = common_type([fa.dataType, fb.dataType])
                    if e is None:
                        return None
                    fs.append(T.StructField(fa.name, e, fa.nullable or fb.nullable))
                w = T.StructType(fs)
        if w is None:
            return None
        out = w
    return out
