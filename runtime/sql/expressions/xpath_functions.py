"""Spark's XPath functions: ``xpath`` (``array<string>``), ``xpath_string``,
``xpath_boolean``, ``xpath_int``/``xpath_long``/``xpath_short``, ``xpath_float`` and
``xpath_double``/``xpath_number``, evaluated by xpath_engine.py.

As Spark's (UDFXPathUtil over javax.xml.xpath): the path must be a constant string, compiled
once per batch; a NULL or empty document gives NULL; a document that does not parse is
``[INVALID_XML_DOCUMENT]``-style ``SparkRuntimeException`` ("Invalid XML document"), an
invalid path ``Invalid XPath``. ``xpath`` lists each matching node's value: the text of a
text or attribute node, NULL for an element (Java's ``Node.getNodeValue``).
``xpath_string`` is XPath's ``string()`` of the result (the first node's text), the number
functions its ``number()`` converted as Java's ``Double.intValue()`` etc. do (NaN -> 0,
saturating; a short wraps from int), ``xpath_boolean`` its ``boolean()``.

One Python call per row: no Arrow kernel parses XML.
"""

from __future__ import annotations

import math
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import AnalysisException, SparkRuntimeException
from runtime.sql.expressions.base import Expression, Literal
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import EvalContext, lookup, type_mismatch
from runtime.sql.expressions.rowwise import python_rows
from runtime.sql.expressions.xpath_engine import (
    XPathError, compile_xpath, parse_document, to_boolean, to_number, to_string)
from runtime.sql.arrow_types import to_arrow

S = T.StringType()
_RESULTS: dict[str, T.DataType] = {
    "xpath": T.ArrayType(S, True), "xpath_string": S, "xpath_boolean": T.BooleanType(),
    "xpath_int": T.IntegerType(), "xpath_long": T.LongType(), "xpath_short": T.ShortType(),
    "xpath_float": T.FloatType(), "xpath_double": T.DoubleType(),
    "xpath_number": T.DoubleType(),
}


def _bind(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2)
        xml, path = args
        sql = f"{name}({xml.sql()}, {path.sql()})"
        for i, a in enumerate(args, 1):
            if not isinstance(a.dtype, (T.StringType, T.NullType)):
                raise type_mismatch(sql, i, '"STRING"', a.sql(), a.dtype)
        if not path.foldable():
            raise AnalysisException(
                f'[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve "{sql}" due to data type '
                'mismatch: the input `path` should be a foldable "STRING" expression; however, '
                f'got "{path.sql()}". SQLSTATE: 42K09',
                errorClass="DATATYPE_MISMATCH.NON_FOLDABLE_INPUT")
        return make_call(lookup(name), [cast_to(xml, S), cast_to(path, S)], _RESULTS[name],
                         True)
    return bind


def _java_int(v: float, bits: int) -> int:
    """Java's ``(int)``/``(long)`` of a double: NaN is 0, out of range saturates."""
    if math.isnan(v):
        return 0
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return int(max(lo, min(hi, math.trunc(v)))) if not math.isinf(v) else (hi if v > 0 else lo)


def _short(v: float) -> int:
    i = _java_int(v, 32) & 0xFFFF
    return i - 0x10000 if i >= 0x8000 else i


def _convert(name: str, result: Any) -> Any:
    if name == "xpath":
        if not isinstance(result, list):
            raise SparkRuntimeException("Error evaluating XPath: the result is not a node list",
                                        errorClass="INVALID_XPATH")
        return [n.value if n.kind in ("text", "attribute") else None for n in result]
    if name == "xpath_string":
        return to_string(result)
    if name == "xpath_boolean":
        return to_boolean(result)
    v = to_number(result)
    if name == "xpath_int":
        return _java_int(v, 32)
    if name == "xpath_long":
        return _java_int(v, 64)
    if name == "xpath_short":
        return _short(v)
    return v


def _kernel(name: str):
    def kernel(call: Any, args: list, ectx: EvalContext) -> Any:
        import pyarrow as pa

        cols, n, scalar = python_rows(args)
        paths: dict[str, Any] = {}
        out = []
        for xml, path in zip(*cols):
            if xml is None or path is None or xml == "":
                out.append(None)
                continue
            compiled = paths.get(path)
            if compiled is None:
                try:
                    compiled = paths[path] = compile_xpath(path)
                except XPathError as e:
                    raise SparkRuntimeException(
                        f"[INVALID_XPATH] Invalid XPath '{path}'. {e}",
                        errorClass="INVALID_XPATH") from None
            try:
                doc = parse_document(xml)
            except Exception as e:  # noqa: BLE001 - xml.etree's ParseError
                raise SparkRuntimeException(
                    f"[INVALID_XML_DOCUMENT] Invalid XML document: {e}",
                    errorClass="INVALID_XML_DOCUMENT") from None
            try:
                out.append(_convert(name, compiled.evaluate(doc)))
            except XPathError as e:
                raise SparkRuntimeException(f"[INVALID_XPATH] {e}",
                                            errorClass="INVALID_XPATH") from None
        arr = pa.array(out, to_arrow(call.dtype))
        return arr[0] if scalar else arr
    return kernel


for _name in _RESULTS:
    simple(_name, _bind(_name), _kernel(_name))
