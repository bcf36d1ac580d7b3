"""Date and time basics: year/month/dayofmonth/hour/minute/second, current_date/
current_timestamp, date_add/date_sub/datediff (parsing and formatting with Java patterns:
datetime_fields.py; the rest of the date functions: datetime_functions.py).

Timestamps are instants (Arrow timestamp[us, UTC]); fields are taken in the session time
zone (``spark.sql.session.timeZone``).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.casts import cast_array

def _local(arr: Any, dtype: T.DataType, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(dtype, T.TimestampType):
        return pc.local_timestamp(arr.cast(pa.timestamp("us", tz=ectx.time_zone)))
    return arr


def _bind_field(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if isinstance(a.dtype, (T.StringType, T.NullType)):  # year(NULL): NULL, INT
            a = cast_to(a, T.TimestampType() if name in ("hour", "minute", "second")
                        else T.DateType())
        return make_call(lookup(name), [a], T.IntegerType())
    return bind


def _field(fn: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow.compute as pc

        v = _local(args[0], call.children[0].dtype, ectx)
        return pc.cast(getattr(pc, fn)(v), "int32")
    return kernel


for _name, _fn in (("year", "year"), ("month", "month"), ("dayofmonth", "day"),
                   ("hour", "hour"), ("minute", "minute"), ("second", "second"),
                   ("quarter", "quarter"), ("dayofyear", "day_of_year")):
    simple(_name, _bind_field(_name), _field(_fn))
simple("day", _bind_field("day"), _field("day"))


def _bind_now(name: str, dtype: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        import datetime as dt

        now = dt.datetime.now()
        return Literal(now.date() if isinstance(dtype, T.DateType) else now, dtype)
    return bind


simple("current_date", _bind_now("current_date", T.DateType()), None, None, "curdate")
simple("current_timestamp", _bind_now("current_timestamp", T.TimestampType()), None, None,
       "now")


def _bind_date_add(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        if name == "date_add" and len(args) == 3:  # date_add(unit, n, ts): datetime_units
            return lookup("timestampadd").bind(list(args), ctx)
        arity(name, args, 2)
        return make_call(lookup(name), [cast_to(args[0], T.DateType()),
                                        cast_to(args[1], T.IntegerType())], T.DateType())
    return bind


def _date_add(sign: int):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        days = pc.cast(args[0], pa.int32())
        delta = pc.multiply(pc.cast(args[1], pa.int32()), sign)
        return pc.cast(pc.cast(pc.add(days, delta), pa.int32()), pa.date32())
    return kernel


simple("date_add", _bind_date_add("date_add"), _date_add(1))
simple("date_sub", _bind_date_add("date_sub"), _date_add(-1))


def _bind_datediff(args: list[Expression], ctx: Any) -> Expression:
    if len(args) == 3:  # datediff(unit, start, end): datetime_units
        return lookup("timestampdiff").bind(list(args), ctx)
    arity("datediff", args, 2)
    return make_call(lookup("datediff"), [cast_to(a, T.DateType()) for a in args],
                     T.IntegerType())


def _datediff(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.subtract(pc.cast(args[0], pa.int32()), pc.cast(args[1], pa.int32()))


simple("datediff", _bind_datediff, _datediff)
