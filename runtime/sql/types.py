"""Spark's data types: the engine's one type system (``pyspark.sql.types`` re-exports it).

Each type knows its four spellings, as Spark's: ``typeName()`` (JSON and printSchema:
``long``, ``integer``), ``simpleString()`` (dtypes and SQL: ``bigint``, ``int``,
``struct<a:int>``), ``jsonValue()``/``fromJson`` (the schema JSON Spark stores in Parquet
metadata and checkpoints) and ``repr`` (``StructType([StructField('a', LongType(), True)])``).
Atomic types are singletons per class (``LongType() is LongType()``), as PySpark's.

Every type also answers ``toInternal``/``fromInternal`` (identity: values are kept as
Python objects at the API edge and as Arrow arrays inside) and ``needConversion``, so code
written against PySpark's types keeps working. The Arrow mapping lives in arrow_types.py.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from runtime.sql.errors import ParseException
from runtime.sql.formatting.schema import tree_string

__all__ = [
    "ArrayType", "AtomicType", "BinaryType", "BooleanType", "ByteType", "CharType", "DataType",
    "DateType", "DayTimeIntervalType", "DecimalType", "DoubleType", "FloatType",
    "FractionalType", "IntegerType", "IntegralType", "LongType", "MapType", "NullType",
    "NumericType", "ShortType", "StringType", "StructField", "StructType", "TimestampNTZType",
    "TimeType", "TimestampType", "VarcharType", "VariantType", "YearMonthIntervalType",
    "CalendarIntervalType",
]


class DataType:
    """Base class of Spark's data types."""

    def __repr__(self) -> str:
        return self.__class__.__name__ + "()"

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    @classmethod
    def typeName(cls) -> str:
        return cls.__name__[: -len("Type")].lower()

    def simpleString(self) -> str:
        return self.typeName()

    def jsonValue(self) -> Any:
        return self.typeName()

    def json(self) -> str:
        return json.dumps(self.jsonValue(), separators=(",", ":"), sort_keys=True)

    def needConversion(self) -> bool:
        return False

    def toInternal(self, obj: Any) -> Any:
        return obj

    def fromInternal(self, obj: Any) -> Any:
        return obj

    @classmethod
    def fromDDL(cls, ddl: str) -> DataType:
        return parse_schema(ddl)

    # Spark's printSchema/treeString name for the type (typeName, but decimal(p,s)).
    def tree_name(self) -> str:
        return self.typeName()


class _Singleton(type):
    _instances: dict = {}

    def __call__(cls, *args: Any, **kwargs: Any):
        if args or kwargs:
            return super().__call__(*args, **kwargs)
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__()
        return cls._instances[cls]


class AtomicType(DataType):
    """Types that are not arrays, maps or structs."""


class NumericType(AtomicType):
    pass


class IntegralType(NumericType, metaclass=_Singleton):
    pass


class FractionalType(NumericType):
    pass


class NullType(AtomicType, metaclass=_Singleton):
    @classmethod
    def typeName(cls) -> str:
        return "void"


class StringType(AtomicType, metaclass=_Singleton):
    def __init__(self, collation: str = "UTF8_BINARY"):
        self.collation = collation

    def __repr__(self) -> str:
        return "StringType()" if self.collation == "UTF8_BINARY" else \
            f"StringType('{self.collation}')"


class CharType(AtomicType):
    def __init__(self, length: int):
        self.length = length

    def simpleString(self) -> str:
        return f"char({self.length})"

    def jsonValue(self) -> str:
        return self.simpleString()

    tree_name = simpleString

    def __repr__(self) -> str:
        return f"CharType({self.length})"


class VarcharType(AtomicType):
    def __init__(self, length: int):
        self.length = length

    def simpleString(self) -> str:
        return f"varchar({self.length})"

    def jsonValue(self) -> str:
        return self.simpleString()

    tree_name = simpleString

    def __repr__(self) -> str:
        return f"VarcharType({self.length})"


class BinaryType(AtomicType, metaclass=_Singleton):
    pass


class BooleanType(AtomicType, metaclass=_Singleton):
    pass


class DateType(AtomicType, metaclass=_Singleton):
    pass


class TimestampType(AtomicType, metaclass=_Singleton):
    pass


class TimestampNTZType(AtomicType, metaclass=_Singleton):
    @classmethod
    def typeName(cls) -> str:
        return "timestamp_ntz"


class VariantType(AtomicType, metaclass=_Singleton):
    pass


class CalendarIntervalType(AtomicType, metaclass=_Singleton):
    """Spark's legacy ``interval`` (make_interval): months, days and microseconds, kept
    apart because a month has no fixed length (Arrow ``month_day_nano_interval``)."""

    @classmethod
    def typeName(cls) -> str:
        return "interval"


class TimeType(AtomicType):
    """Spark 4.1's TIME(p): a time of day without a date or zone, microseconds since
    midnight (Arrow ``time64[us]``); the precision p (0-6, default 6) only shows in its
    name."""

    def __init__(self, precision: int = 6):
        self.precision = precision

    @classmethod
    def typeName(cls) -> str:
        return "time"

    def simpleString(self) -> str:
        return f"time({self.precision})"

    def jsonValue(self) -> str:
        return self.simpleString()

    tree_name = simpleString

    def __repr__(self) -> str:
        return f"TimeType({self.precision})"


class DecimalType(FractionalType):
    """Fixed-point decimal(precision, scale); default decimal(10,0), at most 38 digits."""

    MAX_PRECISION = 38

    def __init__(self, precision: int = 10, scale: int = 0):
        self.precision = precision
        self.scale = scale
        self.hasPrecisionInfo = True

    def simpleString(self) -> str:
        return f"decimal({self.precision},{self.scale})"

    def jsonValue(self) -> str:
        return self.simpleString()

    tree_name = simpleString

    def __repr__(self) -> str:
        return f"DecimalType({self.precision},{self.scale})"


class DoubleType(FractionalType, metaclass=_Singleton):
    pass


class FloatType(FractionalType, metaclass=_Singleton):
    pass


class ByteType(IntegralType):
    def simpleString(self) -> str:
        return "tinyint"


class ShortType(IntegralType):
    def simpleString(self) -> str:
        return "smallint"


class IntegerType(IntegralType):
    def simpleString(self) -> str:
        return "int"


class LongType(IntegralType):
    def simpleString(self) -> str:
        return "bigint"


class DayTimeIntervalType(AtomicType):
    DAY, HOUR, MINUTE, SECOND = 0, 1, 2, 3
    _FIELDS = {0: "day", 1: "hour", 2: "minute", 3: "second"}

    def __init__(self, startField: int = 0, endField: int = 3):
        self.startField = startField
        self.endField = endField

    def simpleString(self) -> str:
        s, e = self._FIELDS[self.startField], self._FIELDS[self.endField]
        return f"interval {s}" if s == e else f"interval {s} to {e}"

    jsonValue = simpleString
    tree_name = simpleString

    def __repr__(self) -> str:
        return f"DayTimeIntervalType({self.startField}, {self.endField})"


class YearMonthIntervalType(AtomicType):
    YEAR, MONTH = 0, 1
    _FIELDS = {0: "year", 1: "month"}

    def __init__(self, startField: int = 0, endField: int = 1):
        self.startField = startField
        self.endField = endField

    def simpleString(self) -> str:
        s, e = self._FIELDS[self.startField], self._FIELDS[self.endField]
        return f"interval {s}" if s == e else f"interval {s} to {e}"

    jsonValue = simpleString
    tree_name = simpleString

    def __repr__(self) -> str:
        return f"YearMonthIntervalType({self.startField}, {self.endField})"


class ArrayType(DataType):
    def __init__(self, elementType: DataType, containsNull: bool = True):
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self) -> str:
        return f"array<{self.elementType.simpleString()}>"

    def jsonValue(self) -> dict:
        return {"type": "array", "elementType": self.elementType.jsonValue(),
                "containsNull": self.containsNull}

    @classmethod
    def fromJson(cls, j: dict) -> ArrayType:
        return ArrayType(_parse_json_type(j["elementType"]), j["containsNull"])

    def __repr__(self) -> str:
        return f"ArrayType({self.elementType!r}, {self.containsNull})"


class MapType(DataType):
    def __init__(self, keyType: DataType, valueType: DataType, valueContainsNull: bool = True):
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self) -> str:
        return f"map<{self.keyType.simpleString()},{self.valueType.simpleString()}>"

    def jsonValue(self) -> dict:
        return {"type": "map", "keyType": self.keyType.jsonValue(),
                "valueType": self.valueType.jsonValue(),
                "valueContainsNull": self.valueContainsNull}

    @classmethod
    def fromJson(cls, j: dict) -> MapType:
        return MapType(_parse_json_type(j["keyType"]), _parse_json_type(j["valueType"]),
                       j["valueContainsNull"])

    def __repr__(self) -> str:
        return f"MapType({self.keyType!r}, {self.valueType!r}, {self.valueContainsNull})"


class StructField(DataType):
    def __init__(self, name: str, dataType: DataType, nullable: bool = True,
                 metadata: dict | None = None):
        if not isinstance(name, str):
            raise TypeError(f"field name {name!r} should be a string")
        if not isinstance(dataType, DataType):
            raise TypeError(f"dataType {dataType!r} should be an instance of DataType")
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self) -> str:
        return f"{self.name}:{self.dataType.simpleString()}"

    def jsonValue(self) -> dict:
        return {"name": self.name, "type": self.dataType.jsonValue(),
                "nullable": self.nullable, "metadata": self.metadata}

    @classmethod
    def fromJson(cls, j: dict) -> StructField:
        return StructField(j["name"], _parse_json_type(j["type"]), j.get("nullable", True),
                           j.get("metadata"))

    def ddl(self, sep: str = " ") -> str:
        """This field in DDL form (``name STRING NOT NULL COMMENT '...'``)."""
        name = self.name if re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", self.name) else \
            "`" + self.name.replace("`", "``") + "`"
        s = f"{name}{sep}{type_ddl(self.dataType)}"
        if not self.nullable:
            s += " NOT NULL"
        if self.metadata.get("comment"):
            s += " COMMENT '" + str(self.metadata["comment"]).replace("'", "\\'") + "'"
        return s

    def typeName(self) -> str:  # type: ignore[override]
        raise TypeError("StructField does not have typeName. Use typeName on its type "
                        "explicitly instead.")

    def __repr__(self) -> str:
        return f"StructField('{self.name}', {self.dataType!r}, {self.nullable})"


class StructType(DataType):
    """A row's schema: an ordered list of StructFields."""

    def __init__(self, fields: list[StructField] | None = None):
        self.fields = list(fields or [])
        self.names = [f.name for f in self.fields]

    def add(self, field: str | StructField, data_type: str | DataType | None = None,
            nullable: bool = True, metadata: dict | None = None) -> StructType:
        """Append a field (a StructField, or a name and a type or type string); returns self."""
        if isinstance(field, StructField):
            self.fields.append(field)
            self.names.append(field.name)
            return self
        if data_type is None:
            raise ValueError("Must specify DataType if passing name of struct_field to create.")
        if isinstance(data_type, str):
            data_type = parse_type(data_type)
        self.fields.append(StructField(field, data_type, nullable, metadata))
        self.names.append(field)
        return self

    def fieldNames(self) -> list[str]:
        return list(self.names)

    def __iter__(self) -> Iterator[StructField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __getitem__(self, key: str | int | slice) -> Any:
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError(f"No StructField named {key}")
        if isinstance(key, int):
            return self.fields[key]
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise TypeError("StructType keys should be strings, integers or slices")

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def simpleString(self) -> str:
        return "struct<" + ",".join(f.simpleString() for f in self.fields) + ">"

    def jsonValue(self) -> dict:
        return {"type": "struct", "fields": [f.jsonValue() for f in self.fields]}

    @classmethod
    def fromJson(cls, j: dict) -> StructType:
        return StructType([StructField.fromJson(f) for f in j["fields"]])

    def treeString(self, level: int | None = None) -> str:
        return tree_string(self, level)

    def toDDL(self) -> str:
        return ",".join(f.ddl(" ") for f in self.fields)

    def __repr__(self) -> str:
        return "StructType([" + ", ".join(repr(f) for f in self.fields) + "])"


_ATOMIC = {t.typeName(): t for t in (
    NullType, StringType, BinaryType, BooleanType, DateType, TimestampType, TimestampNTZType,
    DoubleType, FloatType, ByteType, ShortType, IntegerType, LongType, VariantType)}
_COMPLEX = {"array": ArrayType, "map": MapType, "struct": StructType}


def _parse_json_type(j: Any) -> DataType:
    if isinstance(j, str):
        if j in _ATOMIC:
            return _ATOMIC[j]()
        return parse_type(j)  # decimal(p,s), char(n), intervals...
    if j.get("type") == "udt":
        raise TypeError("user-defined types are not supported")
    return _COMPLEX[j["type"]].fromJson(j)


def from_json_value(j: Any) -> DataType:
    """PySpark's _parse_datatype_json_value."""
    return _parse_json_type(j)


def parse_json_schema(text: str) -> DataType:
    """PySpark's _parse_datatype_json_string."""
    return _parse_json_type(json.loads(text))


# -- type strings (DDL) ----------------------------------------------------------------------------
_SIMPLE = {
    "string": StringType, "boolean": BooleanType, "bool": BooleanType,
    "tinyint": ByteType, "byte": ByteType, "smallint": ShortType, "short": ShortType,
    "int": IntegerType, "integer": IntegerType, "bigint": LongType, "long": LongType,
    "float": FloatType, "real": FloatType, "double": DoubleType, "date": DateType,
    "timestamp": TimestampType, "timestamp_ltz": TimestampType,
    "timestamp_ntz": TimestampNTZType, "binary": BinaryType, "void": NullType,
    "null": NullType, "variant": VariantType,
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

    def data_type(self) -> DataType:
        word = self.take().lower()
        if word == "array":
            self.take("<")
            elem = self.data_type()
            self.take(">")
            return ArrayType(elem, True)
        if word == "map":
            self.take("<")
            key = self.data_type()
            self.take(",")
            value = self.data_type()
            self.take(">")
            return MapType(key, value, True)
        if word == "struct":
            self.take("<")
            fields = [] if self.peek() == ">" else self.fields(inside_struct=True)
            self.take(">")
            return StructType(fields)
        if word in ("decimal", "dec", "numeric"):
            if self.peek() == "(":
                self.take("(")
                p = int(self.take())
                s = 0
                if self.peek() == ",":
                    self.take(",")
                    s = int(self.take())
                self.take(")")
                return DecimalType(p, s)
            return DecimalType(10, 0)
        if word in ("char", "varchar", "character"):
            self.take("(")
            n = int(self.take())
            self.take(")")
            return CharType(n) if word != "varchar" else VarcharType(n)
        if word == "interval":
            return self.interval()
        if word == "time":
            if self.peek() == "(":
                self.take("(")
                p = int(self.take())
                self.take(")")
                return TimeType(p)
            return TimeType()
        if word in _SIMPLE:
            return _SIMPLE[word]()
        raise ParseException(
            f'[UNSUPPORTED_DATATYPE] Unsupported data type "{word.upper()}". SQLSTATE: 0A000',
            errorClass="UNSUPPORTED_DATATYPE", messageParameters={"typeName": word.upper()})

    def interval(self) -> DataType:
        units = {"year": 0, "month": 1, "day": 0, "hour": 1, "minute": 2, "second": 3}
        start = self.take().lower()
        end = start
        if (self.peek() or "").lower() == "to":
            self.take()
            end = self.take().lower()
        if start in ("year", "month"):
            return YearMonthIntervalType(units[start], units[end])
        return DayTimeIntervalType(units[start], units[end])

    def fields(self, inside_struct: bool = False) -> list[StructField]:
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
            out.append(StructField(name, dtype, nullable, metadata))
            if self.peek() != ",":
                return out
            self.take(",")


def parse_type(text: str) -> DataType:
    """One data type: ``"int"``, ``"array<string>"``, ``"decimal(10,2)"``..."""
    p = _Parser(text)
    dtype = p.data_type()
    if not p.done():
        raise _error(text, p.peek() or "")
    return dtype


def parse_schema(text: str) -> DataType:
    """PySpark's _parse_datatype_string: a field list as a StructType, else a single type."""
    try:
        p = _Parser(text)
        fields = p.fields()
        if p.done():
            return StructType(fields)
    except ParseException:
        pass
    return parse_type(text)


def type_ddl(dtype: DataType) -> str:
    """A type in DDL form (Spark's DataType.sql): BIGINT, ARRAY<STRING>, STRUCT<a: INT>."""
    if isinstance(dtype, ArrayType):
        return f"ARRAY<{type_ddl(dtype.elementType)}>"
    if isinstance(dtype, MapType):
        return f"MAP<{type_ddl(dtype.keyType)}, {type_ddl(dtype.valueType)}>"
    if isinstance(dtype, StructType):
        return "STRUCT<" + ", ".join(f.ddl(": ") for f in dtype.fields) + ">"
    return dtype.simpleString().upper()
