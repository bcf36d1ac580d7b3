"""VARIANT functions: ``parse_json``/``try_parse_json``, ``variant_get``/``try_variant_get``,
``is_variant_null``, ``is_valid_variant``, ``schema_of_variant``,
``schema_of_variant_agg``, ``to_variant_object``, and ``to_json``/CAST to string of a
variant.

Values are Spark's encoded (value, metadata) pairs (runtime/sql/variant.py); each kernel
decodes a row to its Python tree, works on the tree and encodes the result: a Python call
per row (the encoding is byte-level and varies per row; Arrow has nothing for it).

``variant_get(v, path, type)`` walks a JSON path (``$``, ``.name``, ``['name']``,
``["name"]``, ``[index]``: variant_paths.py) and casts what it finds with Spark's rules
(``cast_tree``): a variant null or a missing path is NULL; a scalar casts as SQL's CAST
from its own type would (``"12"`` to INT is 12, ``12.7`` is 12, ``300`` to TINYINT
fails); an object casts to a STRUCT (fields by name, missing ones NULL) or a
``MAP<STRING, _>``, an array to an ARRAY, anything to VARIANT or STRING (JSON text). A
value that does not cast is ``[INVALID_VARIANT_CAST]`` (``try_variant_get``: NULL).

``schema_of_variant`` prints the type Spark would give the value (``OBJECT<a: BIGINT>``;
integers are BIGINT, an array's element type merges its elements' types, and types that
do not merge are VARIANT); ``schema_of_variant_agg`` merges that over a group.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.ddl import parse_type, type_ddl
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions.aggregates import AggSpec
from runtime.sql.expressions.base import AggCall, Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch)
from runtime.sql.expressions.rowwise import python_rows
from runtime.sql.expressions.variant_cast import CastFailed, cast_tree, from_sql_value, \
    invalid_cast
from runtime.sql.expressions.variant_paths import parse_path, walk
from runtime.sql.variant import Float32, Timestamp, decode, encode, parse_json

__all__ = ["SQL_NULL", "schema_text", "variant_column", "variant_trees"]

V = T.VariantType()
S = T.StringType()


# -- columns of trees -----------------------------------------------------------------------------
def variant_trees(values: list) -> list:
    """Python trees of a column's ``{"value", "metadata"}`` dicts (None stays None)."""
    return [None if v is None else decode(v["value"], v["metadata"]) for v in values]


SQL_NULL = object()  # a SQL NULL result (a tree of None is the variant null)


def variant_column(trees: list, scalar: bool = False) -> Any:
    """An Arrow variant column of Python trees (``SQL_NULL`` for a SQL NULL row)."""
    import pyarrow as pa

    rows = []
    for t in trees:
        if t is SQL_NULL:
            rows.append(None)
        else:
            value, meta = encode(t)
            rows.append({"value": value, "metadata": meta})
    arr = pa.array(rows, to_arrow(V))
    return arr[0] if scalar else arr


def _check_variant(name: str, e: Expression, index: int = 1) -> Expression:
    if isinstance(e.dtype, T.NullType):
        return cast_to(e, V)
    if not isinstance(e.dtype, T.VariantType):
        raise type_mismatch(f"{name}({e.sql()})", index, '"VARIANT"', e.sql(), e.dtype)
    return e


# -- parse_json -----------------------------------------------------------------------------------
def _bind_parse(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        return make_call(lookup(name), [cast_to(args[0], S)], V, True)
    return bind


def _malformed(text: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
        f"record parsing: {text}.\nParse Mode: FAILFAST. To process malformed records as "
        "null result, try setting the option 'mode' as 'PERMISSIVE'.  SQLSTATE: 22023",
        errorClass="MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        messageParameters={"badRecord": text, "failFastMode": "FAILFAST"})


def _parse(call: Any, args: list, ectx: EvalContext) -> Any:
    (texts,), n, scalar = python_rows(args)
    out: list = []
    for text in texts:
        if text is None:
            out.append(SQL_NULL)
            continue
        try:
            out.append(parse_json(text))
        except (ValueError, RecursionError):
            if call.spec.name == "try_parse_json":
                out.append(SQL_NULL)
                continue
            raise _malformed(text) from None
    return variant_column(out, scalar)


for _n in ("parse_json", "try_parse_json"):
    register(FunctionSpec(_n, _bind_parse(_n), _parse))


# -- variant_get ----------------------------------------------------------------------------------
def _bind_get(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        v = _check_variant(name, args[0])
        path = args[1]
        if not (isinstance(path, Literal) and isinstance(path.value, str)):
            raise AnalysisException(
                f"[NON_FOLDABLE_ARGUMENT] The function `{name}` requires the parameter `path` "
                'to be a foldable expression of the type "STRING", but the actual argument is '
                "a non-foldable. SQLSTATE: 42K08", errorClass="NON_FOLDABLE_ARGUMENT")
        steps = parse_path(path.value, name)
        dtype: T.DataType = V
        if len(args) == 3:
            t = args[2]
            if not (isinstance(t, Literal) and isinstance(t.value, str)):
                raise AnalysisException(
                    f"[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema {t.sql()} is not a "
                    "valid schema string. The input expression must be string literal and not "
                    "null. SQLSTATE: 42K07", errorClass="INVALID_SCHEMA.NON_STRING_LITERAL")
            dtype = parse_type(t.value)
        kids = [v, path] + ([args[2]] if len(args) == 3 else [])
        return make_call(lookup(name), kids, dtype, True, (("steps", tuple(steps)),))
    return bind


def _get_pretty(call: Any) -> str:  # Spark leaves the type out of the name
    return f"{call.spec.name}({call.children[0].sql()}, {call.children[1].sql()})"


def _get(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    steps = list(dict(call.options)["steps"])
    try_ = call.spec.name == "try_variant_get"
    (values, *_), n, scalar = python_rows(args[:1])
    trees = variant_trees(values)
    out: list = []
    for v, tree in zip(values, trees):
        if v is None:
            out.append(SQL_NULL)
            continue
        found, node = walk(tree, steps)
        if not found:
            out.append(SQL_NULL)
        elif isinstance(call.dtype, T.VariantType):
            out.append(node)
        elif node is None:
            out.append(SQL_NULL)
        else:
            try:
                out.append(cast_tree(node, call.dtype, ectx.time_zone))
            except CastFailed:
                if try_:
                    out.append(SQL_NULL)
                    continue
                raise invalid_cast(node, call.dtype, ectx.time_zone) from None
    if isinstance(call.dtype, T.VariantType):
        return variant_column(out, scalar)
    arr = pa.array([None if x is SQL_NULL else x for x in out], to_arrow(call.dtype))
    return arr[0] if scalar else arr


for _n in ("variant_get", "try_variant_get"):
    register(FunctionSpec(_n, _bind_get(_n), _get, _get_pretty))


# -- is_variant_null / is_valid_variant / to_variant_object ---------------------------------------
def _bind_pred(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        return make_call(lookup(name), [_check_variant(name, args[0])], T.BooleanType(),
                         name == "is_valid_variant")
    return bind


def _is_null(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    (values,), n, scalar = python_rows(args)
    if call.spec.name == "is_variant_null":
        out = [False if v is None else v["value"][:1] == b"\x00" for v in values]
    else:
        out = []
        for v in values:
            try:
                out.append(None if v is None else (decode(v["value"], v["metadata"]), True)[1])
            except SparkRuntimeException:
                out.append(False)
    arr = pa.array(out, pa.bool_())
    return arr[0] if scalar else arr


for _n in ("is_variant_null", "is_valid_variant"):
    register(FunctionSpec(_n, _bind_pred(_n), _is_null))


def _bind_to_object(args: list[Expression], ctx: Any) -> Expression:
    arity("to_variant_object", args, 1)
    a = args[0]
    if not isinstance(a.dtype, (T.StructType, T.ArrayType, T.MapType)):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "to_variant_object('
            f'{a.sql()})" due to data type mismatch: cannot cast "{type_ddl(a.dtype)}" to '
            '"VARIANT". SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION")
    _check_map_keys(a.dtype, f"to_variant_object({a.sql()})")
    return make_call(lookup("to_variant_object"), [a], V, a.nullable)


def _check_map_keys(dt: T.DataType, text: str) -> None:
    if isinstance(dt, T.MapType):
        if not isinstance(dt.keyType, T.StringType):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "{text}" due to '
                f'data type mismatch: cannot cast "{type_ddl(dt)}" to "VARIANT". '
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION")
        _check_map_keys(dt.valueType, text)
    elif isinstance(dt, T.ArrayType):
        _check_map_keys(dt.elementType, text)
    elif isinstance(dt, T.StructType):
        for f in dt.fields:
            _check_map_keys(f.dataType, text)


def _to_object(call: Any, args: list, ectx: EvalContext) -> Any:
    (values,), n, scalar = python_rows(args)
    dt = call.children[0].dtype
    return variant_column([SQL_NULL if v is None else from_sql_value(v, dt) for v in values],
                          scalar)


register(FunctionSpec("to_variant_object", _bind_to_object, _to_object))


# -- schema_of_variant(_agg) ----------------------------------------------------------------------
def _ident(name: str) -> str:
    return name if name.replace("_", "a").isalnum() and not name[:1].isdigit() else \
        "`" + name.replace("`", "``") + "`"


def tree_type(x: Any) -> Any:
    """The schema of a tree, as nested tuples: ("OBJECT", {name: type}), ("ARRAY", t), or a
    type name / ("DECIMAL", p, s)."""
    if x is None:
        return "VOID"
    if isinstance(x, bool):
        return "BOOLEAN"
    if isinstance(x, int):
        return "BIGINT"
    if isinstance(x, Float32):
        return "FLOAT"
    if isinstance(x, float):
        return "DOUBLE"
    if isinstance(x, decimal.Decimal):
        _, digits, exp = x.as_tuple()
        scale = max(0, -int(exp))
        return ("DECIMAL", max(len(digits), scale, 1), scale)
    if isinstance(x, str):
        return "STRING"
    if isinstance(x, bytes):
        return "BINARY"
    if isinstance(x, Timestamp):
        return "TIMESTAMP_NTZ" if x.ntz else "TIMESTAMP"
    if isinstance(x, _dt.date):
        return "DATE"
    if isinstance(x, dict):
        return ("OBJECT", {k: tree_type(v) for k, v in x.items()})
    out: Any = "VOID"
    for e in x:
        out = merge_types(out, tree_type(e))
    return ("ARRAY", out)


def _numeric(t: Any) -> bool:
    return t in ("BIGINT", "DOUBLE", "FLOAT") if isinstance(t, str) else t[0] == "DECIMAL"


def merge_types(a: Any, b: Any) -> Any:
    if a == b:
        return a
    if a == "VOID":
        return b
    if b == "VOID":
        return a
    da = ("DECIMAL", 20, 0) if a == "BIGINT" else a
    db = ("DECIMAL", 20, 0) if b == "BIGINT" else b
    if isinstance(da, tuple) and isinstance(db, tuple) and da[0] == db[0] == "DECIMAL":
        scale = max(da[2], db[2])
        whole = max(da[1] - da[2], db[1] - db[2])
        if whole + scale > 38:
            return "DOUBLE"
        return ("DECIMAL", whole + scale, scale)
    if _numeric(a) and _numeric(b):
        return "DOUBLE"
    if isinstance(a, str) and isinstance(b, str) and {a, b} == {"TIMESTAMP", "TIMESTAMP_NTZ"}:
        return "TIMESTAMP"
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "ARRAY":
        return ("ARRAY", merge_types(a[1], b[1]))
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "OBJECT":
        fields = dict(a[1])
        for k, t in b[1].items():
            fields[k] = merge_types(fields[k], t) if k in fields else t
        return ("OBJECT", fields)
    return "VARIANT"


def schema_text(t: Any) -> str:
    if isinstance(t, str):
        return t
    if t[0] == "DECIMAL":
        return f"DECIMAL({t[1]},{t[2]})"
    if t[0] == "ARRAY":
        return f"ARRAY<{schema_text(t[1])}>"
    return "OBJECT<" + ", ".join(f"{_ident(k)}: {schema_text(t[1][k])}"
                                 for k in sorted(t[1], key=lambda k: k.encode("utf-8"))) + ">"


def _bind_schema(args: list[Expression], ctx: Any) -> Expression:
    arity("schema_of_variant", args, 1)
    return make_call(lookup("schema_of_variant"), [_check_variant("schema_of_variant", args[0])],
                     S, True)


def _schema(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    (values,), n, scalar = python_rows(args)
    out = [None if t is None and v is None else schema_text(tree_type(t))
           for v, t in zip(values, variant_trees(values))]
    arr = pa.array(out, pa.string())
    return arr[0] if scalar else arr


register(FunctionSpec("schema_of_variant", _bind_schema, _schema))


def _bind_schema_agg(args: list[Expression], ctx: Any, distinct: bool = False) -> Expression:
    arity("schema_of_variant_agg", args, 1)
    return AggCall(lookup("schema_of_variant_agg"),
                   (_check_variant("schema_of_variant_agg", args[0]),), S, False, distinct)


def _schema_agg_finish(call: AggCall, arrs: list) -> Any:
    import pyarrow as pa

    out = []
    for values in arrs[0].to_pylist():
        t: Any = "VOID"
        for tree in variant_trees([v for v in values or [] if v is not None]):
            t = merge_types(t, tree_type(tree))
        out.append(schema_text(t))
    return pa.array(out, pa.string())


register(FunctionSpec("schema_of_variant_agg", _bind_schema_agg, None,
                      agg=AggSpec(lambda call: [(0, "list", None)], _schema_agg_finish)))
