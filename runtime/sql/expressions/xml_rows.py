"""XML documents as rows: ``from_xml``, ``schema_of_xml`` and ``to_xml`` (Spark 4's
built-in XML data source rules, on Python's ``xml.etree``: no new dependency).

A document's root element is the row. Its attributes are fields named with the
``attributePrefix`` (``_``: ``<p x="1">`` gives ``_x``), its child elements fields by
tag, and its own text, when it has attributes or no children, the ``valueTag`` field
(``_VALUE``). An element repeated is an ARRAY; a child element with attributes or
children is a STRUCT built by the same rules. Text is trimmed (ignoreSurroundingSpaces)
and converted to the field's type (numbers, booleans, dates and timestamps as CAST
parses them, or with ``dateFormat``/``timestampFormat``); a value that does not convert is
NULL and marks the record malformed: the ``_corrupt_record`` field (columnNameOfCorruptRecord)
receives the document, and ``mode`` FAILFAST raises Spark's
``[MALFORMED_RECORD_IN_PARSING]``. A document that is not XML is all NULLs (PERMISSIVE).

``schema_of_xml`` infers: integers BIGINT, other numbers DOUBLE, ``true``/``false``
BOOLEAN, ``yyyy-MM-dd`` DATE, timestamps TIMESTAMP, anything else STRING; repeated
elements become an ARRAY of the merged type (STRING when the types differ; structs merge
their fields); fields are sorted by name. ``to_xml`` writes a struct under ``rowTag``
(``ROW``), one element per non-NULL field indented by ``indent`` (4 spaces), ``_``-fields
as attributes, ``_VALUE`` as the text, arrays as repeated elements, maps as elements named
by their keys; timestamps as ``yyyy-MM-ddTHH:mm:ss.SSSXXX``. One Python call per row.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

from runtime.sql import types as T
from runtime.sql.arrow_types import to_arrow
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call
from runtime.sql.expressions.json_functions import options_arg, parse_json_time, schema_arg
from runtime.sql.expressions.json_options import JsonOptions
from runtime.sql.expressions.registry import (
    EvalContext, FunctionSpec, lookup, register, type_mismatch)
from runtime.sql.expressions.rowwise import python_rows
from runtime.sql.formatting.values import format_value

__all__: list[str] = []

S = T.StringType()
_INT_BITS = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}


class _Bad(Exception):
    pass


def _xml_options(opts: dict) -> dict:
    low = {str(k).lower(): str(v) for k, v in opts.items()}
    return {"prefix": low.get("attributeprefix", "_"), "value": low.get("valuetag", "_VALUE"),
            "row": low.get("rowtag", "ROW"), "indent": low.get("indent", "    "),
            "json": JsonOptions.of(opts)}


# -- from_xml ---------------------------------------------------------------------------------------
def _bind_from(args: list[Expression], ctx: Any) -> Expression:
    arity("from_xml", args, 2, 3)
    dtype = schema_arg("from_xml", args[1])
    if not isinstance(dtype, T.StructType):
        dtype = T.StructType([T.StructField("value", dtype, True)])
    dtype = T.StructType([T.StructField(f.name, f.dataType, True) for f in dtype.fields])
    opts = _xml_options(options_arg(args[2]) if len(args) > 2 else {})
    return make_call(lookup("from_xml"), [cast_to(args[0], S)], dtype, True,
                     (("schema", dtype), ("xml_options", tuple(sorted(
                         (k, v) for k, v in opts.items() if k != "json"))),
                      ("json_options", opts["json"])))


class _Reader:
    def __init__(self, opts: dict, tz: str):
        self.prefix, self.value_tag = opts["prefix"], opts["value"]
        self.o: JsonOptions = opts["json"]
        self.tz = tz
        self.bad = False

    def row(self, el: Any, dt: T.StructType) -> dict:
        out: dict = {}
        kids: dict[str, list] = {}
        for c in el:
            kids.setdefault(c.tag, []).append(c)
        for f in dt.fields:
            name = f.name
            if name.startswith(self.prefix) and name[len(self.prefix):] in el.attrib and \
                    name != self.value_tag:
                out[name] = self.scalar(el.attrib[name[len(self.prefix):]], f.dataType)
            elif name == self.value_tag:
                text = (el.text or "").strip()
                out[name] = self.scalar(text, f.dataType) if text else None
            elif name in kids:
                out[name] = self.field(kids[name], f.dataType)
            else:
                out[name] = None
        return out

    def field(self, els: list, dt: T.DataType) -> Any:
        if isinstance(dt, T.ArrayType):
            return [self.element(e, dt.elementType) for e in els]
        return self.element(els[-1], dt)

    def element(self, el: Any, dt: T.DataType) -> Any:
        if isinstance(dt, T.StructType):
            return self.row(el, dt)
        if isinstance(dt, T.MapType):
            return [(c.tag, self.element(c, dt.valueType)) for c in el]
        text = (el.text or "").strip()
        return self.scalar(text, dt) if text or isinstance(dt, T.StringType) else None

    def scalar(self, text: str, dt: T.DataType) -> Any:
        try:
            return _convert(text.strip(), dt, self.o, self.tz)
        except _Bad:
            self.bad = True
            return None


def _convert(text: str, dt: T.DataType, o: JsonOptions, tz: str) -> Any:
    try:
        if isinstance(dt, T.StringType):
            return text
        if isinstance(dt, T.BooleanType):
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise _Bad
        if isinstance(dt, T.IntegralType):
            v = int(text)
            bits = _INT_BITS[type(dt)]
            if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
                raise _Bad
            return v
        if isinstance(dt, (T.DoubleType, T.FloatType)):
            return float(text)
        if isinstance(dt, T.DecimalType):
            q = decimal.Decimal(text).quantize(decimal.Decimal(1).scaleb(-dt.scale))
            if len(q.as_tuple().digits) > dt.precision:
                raise _Bad
            return q
        if isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType)):
            v = parse_json_time(text, dt, o, tz)
            if v is None:
                raise _Bad
            return v
        if isinstance(dt, T.BinaryType):
            return text.encode("utf-8")
    except (ValueError, decimal.InvalidOperation):
        raise _Bad from None
    raise _Bad


def _from_xml(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    opts_t = dict(call.options)
    dt = opts_t["schema"]
    opts = dict(opts_t["xml_options"])
    o = opts_t["json_options"]
    opts["json"] = o
    corrupt = next((f.name for f in dt.fields if f.name == o.corrupt_column and
                    isinstance(f.dataType, T.StringType)), None)
    (texts,), n, scalar = python_rows(args)
    out = []
    for text in texts:
        if text is None:
            out.append(None)
            continue
        reader = _Reader(opts, ectx.time_zone)
        try:
            row = reader.row(ET.fromstring(text), dt)
        except ET.ParseError:
            row, reader.bad = {f.name: None for f in dt.fields}, True
        if reader.bad and o.mode == "FAILFAST":
            raise SparkRuntimeException(
                "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are "
                "detected in record parsing: [null].\nParse Mode: FAILFAST. To process "
                "malformed records as null result, try setting the option 'mode' as "
                "'PERMISSIVE'.  SQLSTATE: 22023",
                errorClass="MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION")
        if corrupt is not None:
            row[corrupt] = text if reader.bad else None
        out.append(row)
    arr = pa.array(out, to_arrow(dt))
    return arr[0] if scalar else arr


register(FunctionSpec("from_xml", _bind_from, _from_xml,
                      lambda c: f"from_xml({c.children[0].sql()})"))


# -- schema_of_xml ----------------------------------------------------------------------------------
_LONG = re.compile(r"^[+-]?\d+$")
_DOUBLE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _infer_text(text: str) -> Any:
    t = text.strip()
    if not t:
        return "STRING"
    if _LONG.match(t) and -(1 << 63) <= int(t) < (1 << 63):
        return "BIGINT"
    if _DOUBLE.match(t):
        return "DOUBLE"
    if t.lower() in ("true", "false"):
        return "BOOLEAN"
    if _DATE.match(t):
        return "DATE"
    if _TS.match(t):
        return "TIMESTAMP"
    return "STRING"


def _infer(el: Any, prefix: str, value_tag: str, root: bool = False) -> Any:
    kids = list(el)
    if not kids and not el.attrib and not root:
        return _infer_text(el.text or "")
    fields: dict[str, Any] = {}
    for k, v in el.attrib.items():
        fields[prefix + k] = _infer_text(v)
    text = (el.text or "").strip()
    if text and (el.attrib or not kids):
        fields[value_tag] = _infer_text(text)
    groups: dict[str, list] = {}
    for c in kids:
        groups.setdefault(c.tag, []).append(_infer(c, prefix, value_tag))
    for tag, types in groups.items():
        t = types[0]
        for u in types[1:]:
            t = _merge(t, u)
        fields[tag] = ("ARRAY", t) if len(types) > 1 else t
    return ("STRUCT", fields)


def _merge(a: Any, b: Any) -> Any:
    if a == b:
        return a
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0] == "STRUCT":
        fields = dict(a[1])
        for k, t in b[1].items():
            fields[k] = _merge(fields[k], t) if k in fields else t
        return ("STRUCT", fields)
    if isinstance(a, tuple) and a[0] == "ARRAY":
        return ("ARRAY", _merge(a[1], b[1] if isinstance(b, tuple) and b[0] == "ARRAY" else b))
    if isinstance(a, str) and isinstance(b, str) and {a, b} <= {"BIGINT", "DOUBLE"}:
        return "DOUBLE"
    if isinstance(a, str) and isinstance(b, str) and {a, b} <= {"DATE", "TIMESTAMP"}:
        return "TIMESTAMP"
    return "STRING"


def _ddl(t: Any) -> str:
    if isinstance(t, str):
        return t
    if t[0] == "ARRAY":
        return f"ARRAY<{_ddl(t[1])}>"
    names = sorted(t[1], key=lambda k: k.encode("utf-8"))
    return "STRUCT<" + ", ".join(f"{_ident(k)}: {_ddl(t[1][k])}" for k in names) + ">"


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else \
        "`" + name.replace("`", "``") + "`"


def _bind_schema(args: list[Expression], ctx: Any) -> Expression:
    arity("schema_of_xml", args, 1, 2)
    a = args[0]
    if not (isinstance(a, Literal) and isinstance(a.value, str)):
        raise AnalysisException(
            f'[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve "schema_of_xml({a.sql()})" '
            'due to data type mismatch: the input xml should be a foldable "STRING" expression;'
            f" however, got {a.sql()}. SQLSTATE: 42K09",
            errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")
    opts = _xml_options(options_arg(args[1]) if len(args) > 1 else {})
    try:
        text = _ddl(_infer(ET.fromstring(a.value), opts["prefix"], opts["value"], True))
    except ET.ParseError:
        text = f"STRUCT<{opts['json'].corrupt_column}: STRING>"
    return make_call(lookup("schema_of_xml"), [a], S, False, (("result", text),))


def _schema_kernel(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    return pa.scalar(dict(call.options)["result"], pa.string())


register(FunctionSpec("schema_of_xml", _bind_schema, _schema_kernel,
                      lambda c: f"schema_of_xml({c.children[0].sql()})"))


# -- to_xml -----------------------------------------------------------------------------------------
def _bind_to(args: list[Expression], ctx: Any) -> Expression:
    arity("to_xml", args, 1, 2)
    a = args[0]
    if not isinstance(a.dtype, T.StructType):
        raise type_mismatch(f"to_xml({a.sql()})", 1, '"STRUCT"', a.sql(), a.dtype)
    opts = _xml_options(options_arg(args[1]) if len(args) > 1 else {})
    return make_call(lookup("to_xml"), [a], S, a.nullable, (("xml_options", tuple(sorted(
        (k, v) for k, v in opts.items() if k != "json"))),))


def _escape(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return text.replace('"', "&quot;") if attr else text


def _text(v: Any, dt: T.DataType, tz: str) -> str:
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)) and isinstance(v, _dt.datetime):
        if isinstance(dt, T.TimestampType):
            local = v.astimezone(ZoneInfo(tz))
            off = local.utcoffset() or _dt.timedelta(0)
            mins = int(off.total_seconds()) // 60
            zone = "Z" if mins == 0 else \
                f"{'+' if mins > 0 else '-'}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}"
            return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + zone
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}"
    return format_value(v, dt, top_level=False, tz=tz)


class _Writer:
    def __init__(self, opts: dict, tz: str):
        self.prefix, self.value_tag, self.indent = opts["prefix"], opts["value"], opts["indent"]
        self.tz = tz

    def element(self, tag: str, v: Any, dt: T.DataType, depth: int, lines: list) -> None:
        pad = self.indent * depth
        if isinstance(dt, T.ArrayType):
            for x in v:
                if x is not None:
                    self.element(tag, x, dt.elementType, depth, lines)
            return
        if isinstance(dt, T.StructType):
            items = v.items() if isinstance(v, dict) else zip(dt.names, v)
            types = {f.name: f.dataType for f in dt.fields}
            attrs, text, kids = [], None, []
            for k, x in items:
                if x is None:
                    continue
                if k == self.value_tag:
                    text = _escape(_text(x, types[k], self.tz))
                elif k.startswith(self.prefix) and k != self.prefix:
                    attrs.append(f' {k[len(self.prefix):]}="'
                                 f'{_escape(_text(x, types[k], self.tz), True)}"')
                else:
                    kids.append((k, x, types[k]))
            head = f"{pad}<{tag}{''.join(attrs)}"
            if not kids:
                lines.append(f"{head}>{text or ''}</{tag}>" if text is not None else f"{head}/>")
                return
            lines.append(head + ">" + (text or ""))
            for k, x, t in kids:
                self.element(k, x, t, depth + 1, lines)
            lines.append(f"{pad}</{tag}>")
            return
        if isinstance(dt, T.MapType):
            lines.append(f"{pad}<{tag}>")
            pairs = v.items() if isinstance(v, dict) else v
            for k, x in pairs:
                if x is not None:
                    self.element(str(k), x, dt.valueType, depth + 1, lines)
            lines.append(f"{pad}</{tag}>")
            return
        lines.append(f"{pad}<{tag}>{_escape(_text(v, dt, self.tz))}</{tag}>")


def _to_xml(call: Any, args: list, ectx: EvalContext) -> Any:
    import pyarrow as pa

    opts = dict(dict(call.options)["xml_options"])
    dt = call.children[0].dtype
    (values,), n, scalar = python_rows(args)
    writer = _Writer(opts, ectx.time_zone)
    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        lines: list[str] = []
        writer.element(opts["row"], v, dt, 0, lines)
        out.append("\n".join(lines))
    arr = pa.array(out, pa.string())
    return arr[0] if scalar else arr


register(FunctionSpec("to_xml", _bind_to, _to_xml,
                      lambda c: f"to_xml({c.children[0].sql()})"))
