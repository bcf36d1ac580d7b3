"""Date and time basics: year/month/dayofmonth/hour/minute/second, to_date, to_timestamp,
date_format (Java patterns), current_date/current_timestamp, date_add/date_sub/datediff.

Timestamps are instants (Arrow timestamp[us, UTC]); fields are taken in the session time
zone (``spark.sql.session.timeZone``). Java date patterns are translated to strftime for the
common letters (yyyy MM dd HH mm ss SSS EEE MMM a).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql import types as T
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.casts import cast_array

_JAVA = [("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"),
         ("dd", "%d"), ("HH", "%H"), ("hh", "%I"), ("mm", "%M"), ("ss", "%S"),
         ("SSSSSS", "%f"), ("EEEE", "%A"), ("EEE", "%a"), ("a", "%p"), ("D", "%j"),
         ("M", "%-m"), ("d", "%-d"), ("H", "%-H")]


def java_to_strftime(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "'":
            j = pattern.find("'", i + 1)
            out.append(pattern[i + 1: j if j > 0 else len(pattern)].replace("%", "%%"))
            i = j + 1 if j > 0 else len(pattern)
            continue
        for java, py in _JAVA:
            if pattern.startswith(java, i):
                out.append(py)
                i += len(java)
                break
        else:
            out.append(pattern[i].replace("%", "%%"))
            i += 1
    return "".join(out)


def _local(arr: Any, dtype: T.DataType, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    if isinstance(dtype, T.TimestampType):
        return pc.local_timestamp(arr.cast(f"timestamp[us, tz={ectx.time_zone}]"))
    return arr


def _bind_field(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        a = args[0]
        if isinstance(a.dtype, T.StringType):
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


def _bind_to_date(args: list[Expression], ctx: Any) -> Expression:
    arity("to_date", args, 1, 2)
    if len(args) == 1:
        return make_call(lookup("to_date"), [args[0]], T.DateType())
    return make_call(lookup("to_date"), [cast_to(args[0], T.StringType()), args[1]],
                     T.DateType())


def _parse_with(arr: Any, fmt: str, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    return pc.strptime(arr, format=java_to_strftime(fmt).replace("%-", "%"), unit="us",
                       error_is_null=not ectx.ansi)


def _to_date(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa


    if len(args) == 1:
        return cast_array(args[0], call.children[0].dtype, T.DateType(), ectx.ansi, ectx)
    ts = _parse_with(args[0], args[1].as_py(), ectx)
    return ts.cast(pa.timestamp("us")).cast(pa.date32())


simple("to_date", _bind_to_date, _to_date)


def _bind_to_timestamp(args: list[Expression], ctx: Any) -> Expression:
    arity("to_timestamp", args, 1, 2)
    return make_call(lookup("to_timestamp"), list(args), T.TimestampType())


def _to_timestamp(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc


    if len(args) == 1:
        return cast_array(args[0], call.children[0].dtype, T.TimestampType(), ectx.ansi, ectx)
    naive = _parse_with(args[0], args[1].as_py(), ectx)
    return pc.assume_timezone(naive, ectx.time_zone, ambiguous="earliest", nonexistent="latest")


simple("to_timestamp", _bind_to_timestamp, _to_timestamp)


def _bind_date_format(args: list[Expression], ctx: Any) -> Expression:
    arity("date_format", args, 2)
    a = args[0]
    if isinstance(a.dtype, T.StringType):
        a = cast_to(a, T.TimestampType())
    return make_call(lookup("date_format"), [a, args[1]], T.StringType())


def _date_format(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow.compute as pc

    v = _local(args[0], call.children[0].dtype, ectx)
    fmt = java_to_strftime(args[1].as_py())
    if re.search(r"%-", fmt):
        import pyarrow as pa

        import datetime as dt
        py = v.to_pylist()
        return pa.array([None if x is None else
                         (x if isinstance(x, dt.datetime) else x).strftime(fmt) for x in py])
    return pc.strftime(v, format=fmt)


simple("date_format", _bind_date_format, _date_format)


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
        return pc.cast(pc.add(days, delta), pa.date32())
    return kernel


simple("date_add", _bind_date_add("date_add"), _date_add(1))
simple("date_sub", _bind_date_add("date_sub"), _date_add(-1))


def _bind_datediff(args: list[Expression], ctx: Any) -> Expression:
    arity("datediff", args, 2)
    return make_call(lookup("datediff"), [cast_to(a, T.DateType()) for a in args],
                     T.IntegerType())


def _datediff(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.subtract(pc.cast(args[0], pa.int32()), pc.cast(args[1], pa.int32()))


simple("datediff", _bind_datediff, _datediff)
