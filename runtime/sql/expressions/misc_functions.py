"""Miscellaneous functions: ``typeof``, ``assert_true``, ``raise_error``, the session's
names (``current_database``/``current_schema``, ``current_catalog``, ``current_user``/
``user``/``session_user``), ``version``, ``uuid`` and ``input_file_name`` with its block
siblings.

``assert_true`` and ``raise_error`` are typed ``void`` (NULL) and raise Spark's
``[USER_RAISED_EXCEPTION]`` as soon as a batch has a failing row. ``input_file_name`` and
the block functions read the file the scan below is reading (runtime/sql/input_file.py):
``""`` and -1 when the rows do not come from a file (after a shuffle, or from local rows),
as Spark. ``uuid`` draws a version-4
UUID per row (a Python call per row: there is no Arrow kernel for it).
``current_database`` is the session's current database (``USE db``), fixed when the query
is analysed.
"""

from __future__ import annotations

import getpass
from typing import Any

from runtime.sql import input_file
from runtime.sql import types as T
from runtime.sql.errors import SparkRuntimeException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup
from runtime.sql.expressions.rowwise import per_row

S = T.StringType()
SPARK_VERSION = "4.3.0"


def _bind_typeof(args: list[Expression], ctx: Any) -> Expression:
    arity("typeof", args, 1)
    return make_call(lookup("typeof"), [args[0]], S, False)


def _typeof(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import pyarrow as pa

    return pa.scalar(call.children[0].dtype.simpleString(), pa.string())


simple("typeof", _bind_typeof, _typeof, lazy=True)  # lazy: the argument is never computed


def _user_raised(message: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[USER_RAISED_EXCEPTION] {message} SQLSTATE: P0001",
        errorClass="USER_RAISED_EXCEPTION", messageParameters={"errorMessage": message})


def _bind_assert_true(args: list[Expression], ctx: Any) -> Expression:
    arity("assert_true", args, 1, 2)
    kids = [cast_to(args[0], T.BooleanType())] + [cast_to(a, S) for a in args[1:]]
    return make_call(lookup("assert_true"), kids, T.NullType(), True)


def _assert_true(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    cond = args[0]
    n = 1 if isinstance(cond, pa.Scalar) else len(cond)
    ok = pc.fill_null(cond, False)
    failing = (not ok.as_py()) if isinstance(ok, pa.Scalar) else not pc.all(ok).as_py()
    if failing and n:
        if len(args) > 1:
            msg = args[1]
            if not isinstance(msg, pa.Scalar):
                first = pc.index(ok, False).as_py()
                msg = msg[first]
            raise _user_raised(str(msg.as_py()))
        raise _user_raised(f"'{call.children[0].sql()}' is not true!")
    return pa.scalar(None, pa.null())


simple("assert_true", _bind_assert_true, _assert_true,
       lambda c: f"assert_true({', '.join(x.sql() for x in c.children)})")


def _bind_raise_error(args: list[Expression], ctx: Any) -> Expression:
    arity("raise_error", args, 1)
    return make_call(lookup("raise_error"), [cast_to(args[0], S)], T.NullType(), True)


def _raise_error(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    msg = args[0]
    if isinstance(msg, pa.Scalar):
        raise _user_raised(str(msg.as_py()))
    if len(msg):
        raise _user_raised(str(msg[0].as_py()))
    return pa.nulls(0, pa.null())


simple("raise_error", _bind_raise_error, _raise_error)


def _constant(name: str, value: Any, dtype: T.DataType = S, shown: str | None = None,
              *aliases: str) -> None:
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 0)
        if value is _DATABASE:  # fixed at analysis, as Spark's (USE db before the query)
            return make_call(lookup(name), [], dtype, False,
                             (("value", getattr(ctx, "database", "default")),))
        return make_call(lookup(name), [], dtype, False)

    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        v = value() if callable(value) else value
        if value is _DATABASE:
            v = dict(call.options).get("value", "default")
        return pa.scalar(v, pa.string() if dtype == S else pa.int64())

    simple(name, bind, kernel, lambda c: f"{shown or name}()", *aliases)


_DATABASE = object()  # current_database(): the BindContext's database
_constant("current_database", _DATABASE, S, "current_schema", "current_schema")
_constant("current_catalog", "spark_catalog")
_constant("current_path", "system.builtin,system.session,spark_catalog.default")
_constant("current_user", getpass.getuser, S, None)
_constant("user", getpass.getuser, S, None)
_constant("session_user", getpass.getuser, S, None)
_constant("version", f"{SPARK_VERSION} 0000000000000000000000000000000000000000")
def _input_file_function(name: str, index: int, dtype: T.DataType) -> None:
    """``input_file_name()`` and its block siblings: the file the scan below announced
    (runtime/sql/input_file.py), ``""``/-1 when the rows come from no file."""
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 0)
        return make_call(lookup(name), [], dtype, False)

    def kernel(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
        import pyarrow as pa

        return pa.scalar(input_file.current()[index], pa.string() if index == 0 else pa.int64())

    spec = simple(name, bind, kernel, lambda c: f"{name}()", lazy=True)
    spec.deterministic = False


_input_file_function("input_file_name", 0, S)
_input_file_function("input_file_block_start", 1, T.LongType())
_input_file_function("input_file_block_length", 2, T.LongType())


def _bind_uuid(args: list[Expression], ctx: Any) -> Expression:
    arity("uuid", args, 0, 1)
    return make_call(lookup("uuid"), list(args), S, False)


def _uuid(call: Any, batch: Any, positions: dict, ectx: EvalContext) -> Any:
    import uuid

    import pyarrow as pa

    return pa.array([str(uuid.uuid4()) for _ in range(batch.num_rows)], pa.string())


_spec = simple("uuid", _bind_uuid, _uuid, lambda c: "uuid()", lazy=True)
_spec.deterministic = False


# -- bitmap positions (the parts of Spark's bitmap functions that need no bitmap type) --------------
_BITS_PER_BUCKET = 32768


def _bind_bitmap_long(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        return make_call(lookup(name), [cast_to(args[0], T.LongType())], T.LongType())
    return bind


def _bit_position(v: Any) -> Any:
    import numpy as np

    return np.where(v > 0, (v - 1) % _BITS_PER_BUCKET, (-v) % _BITS_PER_BUCKET)


def _bucket_number(v: Any) -> Any:
    import numpy as np

    return np.where(v > 0, 1 + (v - 1) // _BITS_PER_BUCKET, -((-v) // _BITS_PER_BUCKET))


def _bitmap_kernel(fn: Any):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        a = args[0]
        if isinstance(a, pa.Scalar):
            return pa.scalar(None if not a.is_valid else int(fn(np.int64(a.as_py()))),
                             pa.int64())
        vals = np.asarray(pc.fill_null(a, 0).to_numpy(zero_copy_only=False), dtype=np.int64)
        mask = None if a.null_count == 0 else ~np.asarray(pc.is_valid(a))
        return pa.array(fn(vals), pa.int64(), mask=mask)
    return kernel


simple("bitmap_bit_position", _bind_bitmap_long("bitmap_bit_position"),
       _bitmap_kernel(_bit_position))
simple("bitmap_bucket_number", _bind_bitmap_long("bitmap_bucket_number"),
       _bitmap_kernel(_bucket_number))


def _bind_bitmap_count(args: list[Expression], ctx: Any) -> Expression:
    arity("bitmap_count", args, 1)
    return make_call(lookup("bitmap_count"), [cast_to(args[0], T.BinaryType())], T.LongType())


simple("bitmap_count", _bind_bitmap_count,
       per_row(lambda c, b: sum(bin(x).count("1") for x in b)))
