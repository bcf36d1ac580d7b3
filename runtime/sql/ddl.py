"""DDL strings: Spark's schema and type syntax, parsed into DataTypes and printed back.

``parse_schema`` accepts what ``spark.createDataFrame(data, "...")``, ``spark.read.schema``
and ``StructType.fromDDL`` accept in Spark: a field list (``"name STRING, age INT NOT NULL"``,
``"a: int, b: string"``), a ``struct<...>`` or a single type (``"array<int>"``). Type names are
case-insensitive, with Spark's aliases (integer/int, long/bigint, short/smallint,
byte/tinyint, real/float, dec/numeric/decimal, timestamp_ltz). ``COMMENT '...'`` is kept in
the field metadata as Spark does. A recursive-descent parser over a small tokenizer; errors are
ParseException with Spark's error class.
"""

from __future__ import annotations

import re

from runtime.sql import types as T
from runtime.sql.errors import ParseException

__all__ = ["parse_schema", "parse_type", "to_ddl", "type_ddl"]

_SIMPLE = {
    "string": T.StringType, "boolean": T.BooleanType, "bool": T.BooleanType,
    "tinyint": T.ByteType, "byte": T.ByteType, "smallint": T.ShortType, "short": T.ShortType,
    "int": T.IntegerType, "integer": T.IntegerType, "bigint": T.LongType, "long": T.LongType,
    "float": T.FloatType, "real": T.FloatType, "double": T.DoubleType, "date": T.DateType,
    "timestamp": T.TimestampType, "timestamp_ltz": T.TimestampType,
    "timestamp_ntz": T.TimestampNTZType, "binary": T.BinaryType, "void": T.NullType,
    "null": T.NullType, "variant": T.VariantType,
}
_TOKEN = re.compile(r"\s*(?:(`(?:[^`]|``)*`)|('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|"
                    r"([A-Za-z_0-9$]+)|(<|>|\(|\)|,|:))")


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise _error(text, text[pos:].strip()[:1] or text)
        out.append(m.group(m.lastindex))
        pos = m.end()
    return out


def _error(text: str, near: str) -> ParseException:
    return ParseException(
        f"[PARSE_SYNTAX_ERROR] Syntax error at or near '{near}'. SQLSTATE: 42601",
        errorClass="PARSE_SYNTAX_ERROR", messageParameters={"error": f"'{near}'", "hint": ""})


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok.lower() != expected):
            raise _error(self.text, tok or "end of input")
        self.i += 1
        return tok

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def name(self) -> str:
        tok = self.take()
        if tok.startswith("`"):
            return tok[1:-1].replace("``", "`")
        return tok

    def data_type(self) -> T.DataType:
        word = self.take().lower()
        if word == "array":
            self.take("<")
            elem = self.data_type()
            self.take(">")
            return T.ArrayType(elem, True)
        if word == "map":
            self.take("<")
            key = self.data_type()
            self.take(",")
            value = self.data_type()
            self.take(">")
            return T.MapType(key, value, True)
        if word == "struct":
            self.take("<")
            fields = [] if self.peek() == ">" else self.fields(inside_struct=True)
            self.take(">")
            return T.StructType(fields)
        if word in ("decimal", "dec", "numeric"):
            if self.peek() == "(":
                self.take("(")
                p = int(self.take())
                s = 0
                if self.peek() == ",":
                    self.take(",")
                    s = int(self.take())
                self.take(")")
                return T.DecimalType(p, s)
            return T.DecimalType(10, 0)
        if word in ("char", "varchar", "character"):
            self.take("(")
            n = int(self.take())
            self.take(")")
            return T.CharType(n) if word != "varchar" else T.VarcharType(n)
        if word == "interval":
            return self.interval()
        if word in _SIMPLE:
            return _SIMPLE[word]()
        raise ParseException(
            f'[UNSUPPORTED_DATATYPE] Unsupported data type "{word.upper()}". SQLSTATE: 0A000',
            errorClass="UNSUPPORTED_DATATYPE", messageParameters={"typeName": word.upper()})

    def interval(self) -> T.DataType:
        units = {"year": 0, "month": 1, "day": 0, "hour": 1, "minute": 2, "second": 3}
        start = self.take().lower()
        end = start
        if (self.peek() or "").lower() == "to":
            self.take()
            end = self.take().lower()
        if start in ("year", "month"):
            return T.YearMonthIntervalType(units[start], units[end])
        return T.DayTimeIntervalType(units[start], units[end])

    def fields(self, inside_struct: bool = False) -> list[T.StructField]:
        out = []
        while True:
            name = self.name()
            if self.peek() == ":":
                self.take(":")
            dtype = self.data_type()
            nullable, metadata = True, {}
            while self.peek() is not None and self.peek() not in (",", ">"):
                word = self.take().lower()
                if word == "not":
                    self.take("null")
                    nullable = False
                elif word == "comment":
                    raw = self.take()
                    metadata["comment"] = raw[1:-1]
                else:
                    raise _error(self.text, word)
            out.append(T.StructField(name, dtype, nullable, metadata))
            if self.peek() != ",":
                return out
            self.take(",")


def parse_type(text: str) -> T.DataType:
    """One data type: ``"int"``, ``"array<string>"``, ``"decimal(10,2)"``..."""
    p = _Parser(text)
    dtype = p.data_type()
    if not p.done():
        raise _error(text, p.peek() or "")
    return dtype


def parse_schema(text: str) -> T.DataType:
    """PySpark's _parse_datatype_string: a field list as a StructType, else a single type."""
    try:
        p = _Parser(text)
        fields = p.fields()
        if p.done():
            return T.StructType(fields)
    except ParseException:
        pass
    return parse_type(text)


def type_ddl(dtype: T.DataType) -> str:
    """A type in DDL form (Spark's DataType.sql): BIGINT, ARRAY<STRING>, STRUCT<a: INT>."""
    if isinstance(dtype, T.ArrayType):
        return f"ARRAY<{type_ddl(dtype.elementType)}>"
    if isinstance(dtype, T.MapType):
        return f"MAP<{type_ddl(dtype.keyType)}, {type_ddl(dtype.valueType)}>"
    if isinstance(dtype, T.StructType):
        return "STRUCT<" + ", ".join(_field_ddl(f, ": ") for f in dtype.fields) + ">"
    return dtype.simpleString().upper()


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name) else \
        "`" + name.replace("`", "``") + "`"


def _field_ddl(f: T.StructField, sep: str) -> str:
    s = f"{_quote(f.name)}{sep}{type_ddl(f.dataType)}"
    if not f.nullable:
        s += " NOT NULL"
    if f.metadata.get("comment"):
        s += " COMMENT '" + str(f.metadata["comment"]).replace("'", "\\'") + "'"
    return s


def to_ddl(schema: T.StructType) -> str:
    """StructType.toDDL: ``name STRING,age BIGINT``."""
    return ",".join(_field_ddl(f, " ") for f in schema.fields)
