"""JSON and CSV functions: ``get_json_object``, ``json_array_length``, ``json_object_keys``,
``from_json``, ``to_json``, ``schema_of_json``, ``from_csv``, ``to_csv``,
``schema_of_csv``.

JSON text is parsed with Python's ``json`` per value (a Python call per row: Arrow has no
JSON-path kernel). Invalid JSON is NULL (``get_json_object``, ``json_array_length``) or,
for ``from_json`` with a struct schema, a struct of NULLs (Spark's PERMISSIVE mode). Spark's
way of writing values back: compact (``{"a":1}``), a struct's NULL fields left out, doubles
as Java prints them, decimals with their scale, binaries in base64; ``get_json_object``
returns a string value without quotes and anything else as compact JSON. Schemas are DDL
strings (``a INT, b ARRAY<STRING>``) or types; ``schema_of_json``/``schema_of_csv`` infer
Spark's types (integers BIGINT in JSON / INT in CSV, fields sorted by name in JSON).
"""

from __future__ import annotations

import base64
import csv
import datetime
import decimal
import io
import json
import re
from dataclasses import replace
from typing import Any

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.ddl import parse_type
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.formatting.values import format_value
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.casts import cast_array
from runtime.sql.expressions.datetime_patterns import DAY_US, from_local, parse_local
from runtime.sql.expressions.json_options import JsonOptions, loads
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, wrong_num_args)
from runtime.sql.expressions.rowwise import per_row
from runtime.sql.variant import decode as decode_variant
from runtime.sql.variant import to_json as variant_json

S = T.StringType()
_BAD = object()


def _loads(text: str) -> Any:
    try:
        return json.loads(text, parse_float=decimal.Decimal)
    except (ValueError, RecursionError):
        return _BAD


def _dumps_raw(v: Any) -> str:
    """JSON text with decimals printed as parsed (``4.5`` stays ``4.5``)."""
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_dumps_raw(x)}"
                              for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(_dumps_raw(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)


# -- get_json_object ------------------------------------------------------------------------------
_STEP = re.compile(r"\.([^.\[]+)|\['([^']*)'\]|\[(\d+|\*)\]")


def _path(path: str) -> list | None:
    if not path.startswith("$"):
        return None
    steps, pos = [], 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            return None
        name = m.group(1) if m.group(1) is not None else m.group(2)
        steps.append(name if name is not None else
                     ("*" if m.group(3) == "*" else int(m.group(3))))
        pos = m.end()
    return steps


def _walk(v: Any, steps: list) -> Any:
    for i, step in enumerate(steps):
        if step == "*" and isinstance(v, list):
            rest = [_walk(x, steps[i + 1:]) for x in v]
            rest = [x for x in rest if x is not _BAD]
            return rest if len(rest) != 1 else rest[0]
        if isinstance(step, int):
            if not isinstance(v, list) or step >= len(v):
                return _BAD
            v = v[step]
        elif isinstance(v, dict) and step in v:
            v = v[step]
        else:
            return _BAD
    return v


def _get_json_object(call: Any, text: str, path: str) -> str | None:
    steps = _path(path)
    doc = _loads(text)
    if steps is None or doc is _BAD:
        return None
    v = _walk(doc, steps)
    if v is _BAD or v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return _dumps_raw(v)


def _bind_strings(name: str, n: int, result: T.DataType):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, n)
        return make_call(lookup(name), [cast_to(a, S) for a in args], result, True)
    return bind


simple("get_json_object", _bind_strings("get_json_object", 2, S), per_row(_get_json_object))


def _array_length(call: Any, text: str) -> int | None:
    doc = _loads(text)
    return len(doc) if isinstance(doc, list) else None


def _object_keys(call: Any, text: str) -> list | None:
    doc = _loads(text)
    return list(doc) if isinstance(doc, dict) else None


simple("json_array_length", _bind_strings("json_array_length", 1, T.IntegerType()),
       per_row(_array_length))
simple("json_object_keys", _bind_strings("json_object_keys", 1, T.ArrayType(S, True)),
       per_row(_object_keys))


# -- schema_of_json ---------------------------------------------------------------------------------
def _infer(v: Any) -> T.DataType:
    if isinstance(v, bool):
        return T.BooleanType()
    if isinstance(v, int):
        return T.LongType()
    if isinstance(v, decimal.Decimal):
        return T.DoubleType()
    if isinstance(v, str) or v is None:
        return S
    if isinstance(v, list):
        el: T.DataType | None = None
        for x in v:
            t = _infer(x)
            el = t if el is None else _merge(el, t)
        return T.ArrayType(el or S, True)
    fields = [T.StructField(k, _infer(v[k]), True) for k in sorted(v)]
    return T.StructType(fields)


def _merge(a: T.DataType, b: T.DataType) -> T.DataType:
    if a == b:
        return a
    if {type(a), type(b)} == {T.LongType, T.DoubleType}:
        return T.DoubleType()
    if isinstance(a, T.StructType) and isinstance(b, T.StructType):
        types = {f.name: f.dataType for f in a.fields}
        for f in b.fields:
            types[f.name] = _merge(types[f.name], f.dataType) if f.name in types \
                else f.dataType
        return T.StructType([T.StructField(k, types[k], True) for k in sorted(types)])
    return S


def ddl(dt: T.DataType) -> str:
    """Spark's type DDL as schema_of_json prints it: ``STRUCT<a: BIGINT, b: ARRAY<DOUBLE>>``."""
    if isinstance(dt, T.StructType):
        return "STRUCT<" + ", ".join(f"{_ident(f.name)}: {ddl(f.dataType)}"
                                     for f in dt.fields) + ">"
    if isinstance(dt, T.ArrayType):
        return f"ARRAY<{ddl(dt.elementType)}>"
    if isinstance(dt, T.MapType):
        return f"MAP<{ddl(dt.keyType)}, {ddl(dt.valueType)}>"
    return dt.simpleString().upper()


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else \
        "`" + name.replace("`", "``") + "`"


def _bind_schema_of(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1, 2)
        a = args[0]
        if not (isinstance(a, Literal) and isinstance(a.value, str)):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve "{name}({a.sql()})" '
                f'due to data type mismatch: the input `{"json" if "json" in name else "csv"}`'
                f' should be a foldable "STRING" expression; however, got "{a.sql()}". '
                "SQLSTATE: 42K09", errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")
        return make_call(lookup(name), [a], S, False)
    return bind


def _schema_of_json(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    doc = _loads(call.children[0].value)
    return pa.scalar(ddl(_infer(None if doc is _BAD else doc)), pa.string())


simple("schema_of_json", _bind_schema_of("schema_of_json"), _schema_of_json,
       lambda c: f"schema_of_json({c.children[0].sql()})")


# -- from_json ------------------------------------------------------------------------------------
def schema_arg(name: str, e: Expression) -> T.DataType:
    if isinstance(e, Literal) and isinstance(e.value, str):
        text = e.value.strip()
        if text.startswith("{"):  # the JSON form (StructType.json())
            try:
                return T.from_json_value(json.loads(text))
            except Exception:  # noqa: BLE001 - not a JSON schema: try DDL
                pass
        try:
            return parse_type(text)
        except Exception:  # noqa: BLE001 - a field list without STRUCT<>
            return parse_type(f"struct<{text}>")
    raise AnalysisException(
        f"[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema {e.sql()} is not a valid "
        "schema string. The input expression must be string literal and not null. "
        "SQLSTATE: 42K07", errorClass="INVALID_SCHEMA.NON_STRING_LITERAL")


def _sql_type(t: T.DataType) -> str:
    if isinstance(t, T.MapType):
        return f"MAP<{_sql_type(t.keyType)}, {_sql_type(t.valueType)}>"
    return t.simpleString().upper()


def options_arg(e: Expression) -> dict:
    """A ``map('k', 'v', ...)`` options argument of literals as a dict (Spark's rule: the
    ``map()`` function, of string keys and values, else ``[INVALID_OPTIONS...]``)."""
    if isinstance(e, Literal) and e.value is not None and isinstance(e.dtype, T.MapType):
        return dict(e.value.items() if isinstance(e.value, dict) else e.value)
    if getattr(getattr(e, "spec", None), "name", None) == "map":
        kids = [getattr(k, "children", (k,))[0] if not isinstance(k, Literal) else k
                for k in e.children]
        if all(isinstance(k, Literal) for k in kids):
            values = [k.value for k in kids]
            if any(not isinstance(k.dtype, (T.StringType, T.NullType)) for k in kids[0::2]) \
                    or any(not isinstance(v.dtype, (T.StringType, T.NullType)) for v in kids[1::2]):
                raise AnalysisException(
                    f"[INVALID_OPTIONS.NON_STRING_TYPE] Invalid options: A type of keys and "
                    f"values in `map()` must be string, but got \"{_sql_type(e.dtype)}\"."
                    " SQLSTATE: 42K06", errorClass="INVALID_OPTIONS.NON_STRING_TYPE")
            return dict(zip(values[0::2], values[1::2]))
    raise AnalysisException(
        "[INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use the `map()` function for "
        "options. SQLSTATE: 42K06", errorClass="INVALID_OPTIONS.NON_MAP_FUNCTION")


def _bind_from(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        dtype = schema_arg(name, args[1])
        opts = options_arg(args[2]) if len(args) > 2 else {}
        options = JsonOptions.of(opts)
        if options.mode not in ("PERMISSIVE", "FAILFAST"):
            if options.mode == "DROPMALFORMED":
                raise AnalysisException(
                    f"[PARSE_MODE_UNSUPPORTED] The function `{name}` doesn't support the "
                    "DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST. "
                    "SQLSTATE: 42601", errorClass="PARSE_MODE_UNSUPPORTED")
            options = replace(options, mode="PERMISSIVE")  # Spark: an unknown mode is PERMISSIVE
        if name == "from_json" and not isinstance(dtype, (T.StructType, T.ArrayType,
                                                          T.MapType)):
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA] Cannot resolve "from_json('
                f'{args[0].sql()})" due to data type mismatch: Input schema '
                f'"{dtype.simpleString().upper()}" must be a struct, an array, a map or a '
                'variant. SQLSTATE: 42K09', errorClass="DATATYPE_MISMATCH.INVALID_JSON_SCHEMA")
        if isinstance(dtype, T.StructType):
            dtype = T.StructType([T.StructField(f.name, f.dataType, True) for f in dtype.fields])
        return make_call(lookup(name), [cast_to(args[0], S)], dtype, True,
                         (("schema", dtype), ("json_options", options)))
    return bind


def convert(v: Any, dt: T.DataType) -> Any:
    """A parsed JSON value as a Python value of Spark type ``dt`` (None if it does not fit)."""
    return _Converter(JsonOptions(), "UTC").convert(v, dt)


class _Converter:
    """Parsed JSON values to Python values of a Spark type; ``bad`` records whether a
    non-NULL value did not fit its type (a malformed record to FAILFAST and to the corrupt
    record column)."""

    def __init__(self, options: JsonOptions, tz: str):
        self.o, self.tz, self.bad = options, options.time_zone or tz, False
        self._times: dict = {}

    def miss(self) -> None:
        self.bad = True

    def convert(self, v: Any, dt: T.DataType) -> Any:
        if v is None:
            return None
        out = self._convert(v, dt)
        if out is None:
            self.bad = True
        return out

    def _convert(self, v: Any, dt: T.DataType) -> Any:
        if isinstance(dt, T.StringType):
            return v if isinstance(v, str) else ("true" if v is True else "false"
                                                 if v is False else _dumps_raw(v))
        if isinstance(dt, T.BooleanType):
            return v if isinstance(v, bool) else None
        if isinstance(dt, T.IntegralType):
            if isinstance(v, bool) or not isinstance(v, int):
                return None
            bits = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32}.get(type(dt), 64)
            return v if -(2 ** (bits - 1)) <= v < 2 ** (bits - 1) else None
        if isinstance(dt, (T.FloatType, T.DoubleType)):
            return float(v) if isinstance(v, (int, float, decimal.Decimal)) and \
                not isinstance(v, bool) else None
        if isinstance(dt, T.DecimalType):
            if isinstance(v, bool) or not isinstance(v, (int, decimal.Decimal)):
                return None
            q = decimal.Decimal(v).quantize(decimal.Decimal(1).scaleb(-dt.scale))
            return q if len(q.as_tuple().digits) <= dt.precision else None
        if isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType)):
            return self._time(v, dt) if isinstance(v, str) else None
        if isinstance(dt, T.ArrayType):
            return [self.convert(x, dt.elementType) for x in v] if isinstance(v, list) \
                else None
        if isinstance(dt, T.MapType):
            return [(k, self.convert(x, dt.valueType)) for k, x in v.items()] \
                if isinstance(v, dict) else None
        if isinstance(dt, T.StructType):
            if not isinstance(v, dict):
                return None
            return {f.name: self.convert(v.get(f.name), f.dataType) for f in dt.fields}
        return None

    def _time(self, text: str, dt: T.DataType) -> Any:
        key = (text, type(dt))
        if key not in self._times:
            self._times[key] = parse_json_time(text, dt, self.o, self.tz)
        return self._times[key]


def parse_json_time(text: str, dt: T.DataType, o: JsonOptions, tz: str) -> Any:
    """A JSON string as a date (``datetime.date``) or timestamp (microseconds): with the
    option's Java pattern, else as CAST parses it."""
    import pyarrow as pa

    fmt = o.date_format if isinstance(dt, T.DateType) else \
        o.timestamp_format if isinstance(dt, T.TimestampType) else o.timestamp_ntz_format
    arr = pa.array([text], pa.string())
    if fmt is None:
        out = cast_array(arr, S, dt, False, EvalContext(False, tz))
        v = out[0]
        if not v.is_valid:
            return None
        return v.as_py() if isinstance(dt, T.DateType) else v.cast(pa.int64()).as_py()
    micros, ok = parse_local(arr, fmt)
    if not ok[0]:
        return None
    if isinstance(dt, T.DateType):
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=int(micros[0]) // DAY_US)
    if isinstance(dt, T.TimestampNTZType):
        return int(micros[0])
    naive = pa.array(micros, pa.int64()).cast(pa.timestamp("us"))
    return from_local(naive, tz).cast(pa.int64())[0].as_py()


def _from_json(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    opts = dict(call.options)
    dt, o = opts["schema"], opts.get("json_options") or JsonOptions()
    corrupt = None
    if isinstance(dt, T.StructType):
        corrupt = next((f.name for f in dt.fields if f.name == o.corrupt_column and
                        isinstance(f.dataType, T.StringType)), None)
    conv = _Converter(o, ectx.time_zone)

    def row(c: Any, text: str) -> Any:
        conv.bad = False
        try:
            doc = loads(text, o)
        except ValueError:
            doc = _BAD
        if doc is _BAD or (isinstance(dt, T.StructType) and not isinstance(doc, dict)):
            out = None
            conv.bad = True
        else:
            if o.primitives_as_string:
                doc = _as_strings(doc)
            out = conv.convert(doc, dt)
        if conv.bad and o.mode == "FAILFAST":
            raise _malformed(text, doc, dt)
        if isinstance(dt, T.StructType):
            if out is None:
                out = {f.name: None for f in dt.fields}  # PERMISSIVE: a struct of NULLs
            if corrupt is not None:
                out[corrupt] = text if conv.bad else None
        return out

    return per_row(row, to_arrow(dt))(call, args, ectx)


def _as_strings(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _as_strings(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_as_strings(x) for x in v]
    return v if v is None or isinstance(v, str) else \
        ("true" if v is True else "false" if v is False else _dumps_raw(v))


def _malformed(text: str, doc: Any, dt: T.DataType) -> SparkRuntimeException:
    # Spark's from_json reports the bad record as [null] (the record is not kept)
    return SparkRuntimeException(
        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
        "record parsing: [null].\nParse Mode: FAILFAST. To process malformed records as "
        "null result, try setting the option 'mode' as 'PERMISSIVE'.  SQLSTATE: 22023",
        errorClass="MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        messageParameters={"badRecord": "null", "failFastMode": "FAILFAST"})


def _from_pretty(name: str):
    def pretty(c: Any) -> str:
        if name == "from_json" and isinstance(c.dtype, T.MapType):
            return "entries"  # Spark's name for from_json to a map
        return f"{name}({c.children[0].sql()})"
    return pretty


simple("from_json", _bind_from("from_json"), _from_json, _from_pretty("from_json"))


# -- to_json --------------------------------------------------------------------------------------
def _java_double(v: float) -> str:
    text = format_value(v, T.DoubleType())  # Java's Double.toString
    return f'"{text}"' if text in ("NaN", "Infinity", "-Infinity") else text


def to_json_text(v: Any, dt: T.DataType) -> str:
    if v is None:
        return "null"
    if isinstance(dt, T.VariantType):
        return variant_json(decode_variant(v["value"], v["metadata"]))
    if isinstance(dt, T.StructType):
        items = v.items() if isinstance(v, dict) else zip([f.name for f in dt.fields], v)
        types = {f.name: f.dataType for f in dt.fields}
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:"
                              f"{to_json_text(x, types[k])}"
                              for k, x in items if x is not None) + "}"
    if isinstance(dt, T.ArrayType):
        return "[" + ",".join(to_json_text(x, dt.elementType) for x in v) + "]"
    if isinstance(dt, T.MapType):
        pairs = v.items() if isinstance(v, dict) else v
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:"
                              f"{to_json_text(x, dt.valueType)}" for k, x in pairs) + "}"
    if isinstance(dt, (T.FloatType, T.DoubleType)):
        return _java_double(v)
    if isinstance(dt, T.BooleanType):
        return "true" if v else "false"
    if isinstance(dt, (T.IntegralType, T.DecimalType)):
        return str(v)
    if isinstance(dt, T.BinaryType):
        return json.dumps(base64.b64encode(v).decode())
    if isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        return json.dumps(str(v))
    return json.dumps(str(v), ensure_ascii=False)


def _bind_to_json(args: list[Expression], ctx: Any) -> Expression:
    arity("to_json", args, 1, 2)
    a = args[0]
    if not isinstance(a.dtype, (T.StructType, T.ArrayType, T.MapType, T.VariantType)):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.INVALID_JSON_SCHEMA] Cannot resolve "to_json({a.sql()})" due '
            f'to data type mismatch: Input schema "{a.dtype.simpleString().upper()}" must be a '
            "struct, an array, a map or a variant. SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.INVALID_JSON_SCHEMA")
    return make_call(lookup("to_json"), [a], S)


simple("to_json", _bind_to_json,
       per_row(lambda c, v: to_json_text(v, c.children[0].dtype)),
       lambda c: f"to_json({c.children[0].sql()})")


# -- CSV --------------------------------------------------------------------------------------------
def _csv_field(text: str, dt: T.DataType) -> Any:
    if text == "":
        return None
    try:
        if isinstance(dt, T.BooleanType):
            return {"true": True, "false": False}.get(text.lower())
        if isinstance(dt, T.IntegralType):
            return int(text)
        if isinstance(dt, (T.FloatType, T.DoubleType)):
            return float(text)
        if isinstance(dt, T.DecimalType):
            return decimal.Decimal(text)
    except (ValueError, decimal.InvalidOperation):
        return None
    return text


def _csv_row(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text)), [])


def _from_csv(call: Any, args: list, ectx: EvalContext) -> Any:
    dt = dict(call.options)["schema"]

    def row(c: Any, text: str) -> Any:
        fields = _csv_row(text)
        return {f.name: _csv_field(fields[i], f.dataType) if i < len(fields) else None
                for i, f in enumerate(dt.fields)}

    return per_row(row, to_arrow(dt))(call, args, ectx)


simple("from_csv", _bind_from("from_csv"), _from_csv, _from_pretty("from_csv"))


def _infer_csv(text: str) -> T.DataType:
    if re.fullmatch(r"[+-]?\d+", text):
        return T.IntegerType() if -2**31 <= int(text) < 2**31 else T.LongType()
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        return T.DoubleType()
    if text.lower() in ("true", "false"):
        return T.BooleanType()
    return S


def _schema_of_csv(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    fields = _csv_row(call.children[0].value)
    st = T.StructType([T.StructField(f"_c{i}", _infer_csv(v), True)
                       for i, v in enumerate(fields)])
    return pa.scalar(ddl(st), pa.string())


simple("schema_of_csv", _bind_schema_of("schema_of_csv"), _schema_of_csv,
       lambda c: f"schema_of_csv({c.children[0].sql()})")


def _csv_value(v: Any, dt: T.DataType) -> str:
    if v is None:
        return ""
    if isinstance(dt, (T.FloatType, T.DoubleType)):
        return _java_double(v).strip('"')
    if isinstance(dt, T.BooleanType):
        return "true" if v else "false"
    text = str(v)
    return f'"{text.replace(chr(34), chr(92) + chr(34))}"' if any(
        ch in text for ch in ',"\n') else text


def _bind_to_csv(args: list[Expression], ctx: Any) -> Expression:
    arity("to_csv", args, 1, 2)
    if not isinstance(args[0].dtype, T.StructType):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve "to_csv('
            f'{args[0].sql()})" due to data type mismatch: The first parameter requires the '
            f'"STRUCT" type, however "{args[0].sql()}" has the type '
            f'"{args[0].dtype.simpleString().upper()}". SQLSTATE: 42K09',
            errorClass="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
    return make_call(lookup("to_csv"), [args[0]], S)


def _to_csv(call: Any, v: Any) -> str:
    dt = call.children[0].dtype
    values = v.values() if isinstance(v, dict) else v
    return ",".join(_csv_value(x, f.dataType) for x, f in zip(values, dt.fields))


simple("to_csv", _bind_to_csv, per_row(_to_csv), lambda c: f"to_csv({c.children[0].sql()})")


# -- json_tuple: a generator of one row per input row, one string column per field ------------------
def _bind_json_tuple(args: list[Expression], ctx: Any) -> Expression:
    if len(args) < 2:
        raise wrong_num_args("json_tuple", "> 1", len(args))
    row = T.StructType([T.StructField(f"c{i}", S, True) for i in range(len(args) - 1)])
    values = make_call(lookup("json_tuple_values"), [cast_to(a, S) for a in args],
                       T.ArrayType(row, False), False)
    return make_call(lookup("json_tuple"), [values], row, True, (("spread", True),))


def _json_tuple_row(call: Any, text: Any, *fields: Any) -> list:
    doc = _loads(text) if text is not None else _BAD
    out = {}
    for i, f in enumerate(fields):
        v = doc.get(f) if isinstance(doc, dict) and f is not None else None
        out[f"c{i}"] = None if v is None else convert(v, S)
    return [out]


register(FunctionSpec("json_tuple", _bind_json_tuple, None,
                      lambda c: "json_tuple(" + ", ".join(
                          x.sql() for x in c.children[0].children) + ")", generator=True))
simple("json_tuple_values", lambda args, ctx: None,
       per_row(_json_tuple_row, None, null_safe=True),
       lambda c: "json_tuple(" + ", ".join(x.sql() for x in c.children) + ")")
