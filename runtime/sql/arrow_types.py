"""Spark types <-> Arrow types, and Python rows <-> Arrow record batches (the API edge).

Inside the engine every partition is a sequence of ``pa.RecordBatch`` whose columns carry
the Arrow form of the Spark type:
=====================  =================================
Spark                  Arrow
=====================  =================================
boolean                bool
tinyint..bigint        int8 / int16 / int32 / int64
float / double         float32 / float64
decimal(p,s)           decimal128(p, s)
string / char/varchar  string (large_string accepted)
binary                 binary
date                   date32
timestamp              timestamp[us, tz=UTC] (an instant)
timestamp_ntz          timestamp[us] (wall-clock)
interval (calendar)    month_day_nano_interval (collect gives (months, days, nanos))
void                   null
array / map / struct   list / map / struct
variant                struct<value: binary, metadata: binary> (Spark's encoding)
=====================  =================================

Conversions at the edge (createDataFrame, collect) run once per value because the values
are Python objects there; everything in between is columnar. A naive ``datetime`` given for a
``timestamp`` is local wall-clock time (as in PySpark) and comes back the same way.
"""

from __future__ import annotations

import datetime as _dt
from collections import namedtuple
from typing import Any, Callable

from runtime.sql import types as T
from runtime.sql.row import Row
from runtime.sql.variant import VariantVal
from runtime.sql.errors import PySparkValueError

CalendarInterval = namedtuple("CalendarInterval", "months days nanoseconds")

__all__ = ["CalendarInterval", "from_arrow", "rows_to_batch", "to_arrow", "to_arrow_schema", "batch_to_rows",
           "column_to_python"]


def to_arrow(dtype: T.DataType):
    import pyarrow as pa

    simple = {
        T.BooleanType: pa.bool_(), T.ByteType: pa.int8(), T.ShortType: pa.int16(),
        T.IntegerType: pa.int32(), T.LongType: pa.int64(), T.FloatType: pa.float32(),
        T.DoubleType: pa.float64(), T.StringType: pa.string(), T.BinaryType: pa.binary(),
        T.DateType: pa.date32(), T.NullType: pa.null(),
        T.TimestampType: pa.timestamp("us", tz="UTC"), T.TimestampNTZType: pa.timestamp("us"),
        T.CharType: pa.string(), T.VarcharType: pa.string(),
        T.DayTimeIntervalType: pa.duration("us"),
        T.YearMonthIntervalType: pa.int32(),
        T.CalendarIntervalType: pa.month_day_nano_interval(),
    }
    for cls, at in simple.items():
        if isinstance(dtype, cls):
            return at
    if isinstance(dtype, T.DecimalType):
        return pa.decimal128(dtype.precision, dtype.scale)
    if isinstance(dtype, T.TimeType):
        return pa.time64("us")
    if isinstance(dtype, T.ArrayType):
        return pa.list_(pa.field("element", to_arrow(dtype.elementType),
                                 dtype.containsNull or _is_null(dtype.elementType)))
    if isinstance(dtype, T.MapType):
        return pa.map_(to_arrow(dtype.keyType),
                       pa.field("value", to_arrow(dtype.valueType),
                                dtype.valueContainsNull or _is_null(dtype.valueType)))
    if isinstance(dtype, T.StructType):
        return pa.struct([pa.field(f.name, to_arrow(f.dataType),
                                   f.nullable or _is_null(f.dataType)) for f in dtype.fields])
    if isinstance(dtype, T.VariantType):  # Spark's encoded pair (runtime/sql/variant.py)
        return pa.struct([pa.field("value", pa.binary(), False),
                          pa.field("metadata", pa.binary(), False)])
    raise TypeError(f"no Arrow type for {dtype!r}")


def _is_null(dtype: T.DataType) -> bool:
    """Arrow has no non-nullable field of the null type (an empty ``array()``)."""
    return isinstance(dtype, T.NullType)


def to_arrow_schema(schema: T.StructType):
    import pyarrow as pa

    return pa.schema([pa.field(f.name, to_arrow(f.dataType), f.nullable)
                      for f in schema.fields])


def from_arrow(at: Any) -> T.DataType:
    import pyarrow.types as pt

    checks: list[tuple[Callable, Callable[[], T.DataType]]] = [
        (pt.is_boolean, T.BooleanType), (pt.is_int8, T.ByteType), (pt.is_int16, T.ShortType),
        (pt.is_int32, T.IntegerType), (pt.is_int64, T.LongType), (pt.is_uint8, T.ShortType),
        (pt.is_uint16, T.IntegerType), (pt.is_uint32, T.LongType),
        (pt.is_uint64, lambda: T.DecimalType(20, 0)), (pt.is_float16, T.FloatType),
        (pt.is_float32, T.FloatType), (pt.is_float64, T.DoubleType),
        (pt.is_string, T.StringType), (pt.is_large_string, T.StringType),
        (pt.is_binary, T.BinaryType), (pt.is_large_binary, T.BinaryType),
        (pt.is_date, T.DateType), (pt.is_null, T.NullType), (pt.is_duration, T.DayTimeIntervalType),
    ]
    for check, make in checks:
        if check(at):
            return make()
    if pt.is_timestamp(at):
        return T.TimestampType() if at.tz is not None else T.TimestampNTZType()
    if pt.is_decimal(at):
        return T.DecimalType(at.precision, at.scale)
    if pt.is_time(at):
        return T.TimeType()
    if pt.is_interval(at):
        return T.CalendarIntervalType()
    if pt.is_list(at) or pt.is_large_list(at) or pt.is_fixed_size_list(at):
        return T.ArrayType(from_arrow(at.value_type), at.value_field.nullable)
    if pt.is_map(at):
        return T.MapType(from_arrow(at.key_type), from_arrow(at.item_type),
                         at.item_field.nullable)
    if pt.is_struct(at):
        return T.StructType([T.StructField(at.field(i).name, from_arrow(at.field(i).type),
                                           at.field(i).nullable) for i in range(at.num_fields)])
    if pt.is_dictionary(at):
        return from_arrow(at.value_type)
    raise TypeError(f"Arrow type {at} has no Spark type")


# -- Python values -> Arrow --------------------------------------------------------------------
def _to_arrow_value(dtype: T.DataType) -> Callable[[Any], Any] | None:
    """A per-value converter to what pa.array accepts for ``dtype``; None if identity."""
    if isinstance(dtype, T.TimestampType):
        def ts(v: Any) -> Any:
            if isinstance(v, _dt.datetime):
                if v.tzinfo is None:
                    v = v.astimezone()  # naive = local wall-clock time, as PySpark
                return v.astimezone(_dt.timezone.utc)
            if isinstance(v, _dt.date):
                return _dt.datetime(v.year, v.month, v.day).astimezone().astimezone(
                    _dt.timezone.utc)
            return v
        return ts
    if isinstance(dtype, T.StructType):
        convs = [_to_arrow_value(f.dataType) for f in dtype.fields]
        names = dtype.names

        def struct(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, dict):
                vals = [v.get(n) for n in names]
            elif isinstance(v, Row) and v.__fields__ is not None:
                vals = [v[n] for n in names]
            elif isinstance(v, (tuple, list)):
                vals = list(v)
            else:
                vals = [getattr(v, n) for n in names]
            return {n: (c(x) if c and x is not None else x)
                    for n, c, x in zip(names, convs, vals)}
        return struct
    if isinstance(dtype, T.ArrayType):
        conv = _to_arrow_value(dtype.elementType)
        if conv is None:
            return lambda v: list(v) if isinstance(v, tuple) else v
        return lambda v: None if v is None else [None if x is None else conv(x) for x in v]
    if isinstance(dtype, T.MapType):
        kc, vc = _to_arrow_value(dtype.keyType), _to_arrow_value(dtype.valueType)
        return lambda v: None if v is None else [
            (kc(k) if kc else k, vc(x) if vc and x is not None else x) for k, x in v.items()]
    if isinstance(dtype, (T.DoubleType, T.FloatType)):
        return lambda v: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
    if isinstance(dtype, T.VariantType):
        return lambda v: {"value": bytes(v.value), "metadata": bytes(v.metadata)} \
            if isinstance(v, VariantVal) else v
    return None


def column_from_python(values: list, dtype: T.DataType):
    import pyarrow as pa

    conv = _to_arrow_value(dtype)
    if conv is not None:
        values = [None if v is None else conv(v) for v in values]
    return pa.array(values, type=to_arrow(dtype))


def rows_to_batch(rows: list, schema: T.StructType):
    """Python rows (tuples, lists, Rows, dicts or objects) as one RecordBatch of ``schema``."""
    import pyarrow as pa

    names = schema.names
    columns: list[list] = [[] for _ in names]
    for row in rows:
        if isinstance(row, dict):
            values = [row.get(n) for n in names]
        elif isinstance(row, Row) and row.__fields__ is not None and \
                set(row.__fields__) >= set(names) and row.__fields__ != names:
            values = [row[n] for n in names]
        elif isinstance(row, (tuple, list)):
            values = row
        elif hasattr(row, "__dict__"):
            values = [getattr(row, n) for n in names]
        else:
            values = [row]
        if len(values) != len(names):
            raise PySparkValueError(
                f"[LENGTH_SHOULD_BE_THE_SAME] obj and fields should be of the same length, "
                f"got {len(values)} and {len(names)}.", errorClass="LENGTH_SHOULD_BE_THE_SAME")
        for col, v in zip(columns, values):
            col.append(v)
    arrays = [column_from_python(col, f.dataType) for col, f in zip(columns, schema.fields)]
    return pa.RecordBatch.from_arrays(arrays, schema=to_arrow_schema(schema))


# -- Arrow -> Python values --------------------------------------------------------------------
def _from_arrow_value(dtype: T.DataType) -> Callable[[Any], Any] | None:
    if isinstance(dtype, T.TimestampType):
        return lambda v: v.astimezone().replace(tzinfo=None)
    if isinstance(dtype, T.StructType):
        convs = [_from_arrow_value(f.dataType) for f in dtype.fields]
        names = dtype.names

        def struct(v: dict) -> Row:
            vals = [(c(x) if c and x is not None else x) for c, x in zip(convs, v.values())]
            return Row(**dict(zip(names, vals))) if len(set(names)) == len(names) else \
                _row(names, vals)
        return struct
    if isinstance(dtype, T.ArrayType):
        conv = _from_arrow_value(dtype.elementType)
        if conv is None:
            return None
        return lambda v: [None if x is None else conv(x) for x in v]
    if isinstance(dtype, T.MapType):
        kc, vc = _from_arrow_value(dtype.keyType), _from_arrow_value(dtype.valueType)
        return lambda v: {(kc(k) if kc else k): (vc(x) if vc and x is not None else x)
                          for k, x in v}
    if isinstance(dtype, T.DayTimeIntervalType):
        return None
    if isinstance(dtype, T.VariantType):
        return lambda v: VariantVal(v["value"], v["metadata"])
    if isinstance(dtype, T.CalendarIntervalType):  # a plain (picklable) tuple
        return lambda v: CalendarInterval(v.months, v.days, v.nanoseconds)
    return None


def _row(names: list[str], values: list) -> Row:
    row = Row(*values)
    row.__fields__ = list(names)
    return row


def column_to_python(array: Any, dtype: T.DataType) -> list:
    values = array.to_pylist()
    conv = _from_arrow_value(dtype)
    if conv is not None:
        values = [None if v is None else conv(v) for v in values]
    return values


def batch_to_rows(batch: Any, schema: T.StructType) -> list[Row]:
    """A RecordBatch as a list of Rows (field names from ``schema``)."""
    names = list(schema.names)
    cols = [column_to_python(batch.column(i), f.dataType) for i, f in enumerate(schema.fields)]
    out = []
    for values in zip(*cols):
        row = tuple.__new__(Row, values)
        row.__fields__ = names
        out.append(row)
    if not cols:
        out = [_row([], []) for _ in range(batch.num_rows)]
    return out
