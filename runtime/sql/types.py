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
from typing import Any, Iterator

__all__ = [
    "ArrayType", "AtomicType", "BinaryType", "BooleanType", "ByteType", "CharType", "DataType",
    "DateType", "DayTimeIntervalType", "DecimalType", "DoubleType", "FloatType",
    "FractionalType", "IntegerType", "IntegralType", "LongType", "MapType", "NullType",
    "NumericType", "ShortType", "StringType", "StructField", "StructType", "TimestampNTZType",
    "TimestampType", "VarcharType", "VariantType", "YearMonthIntervalType",
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
        from runtime.sql.ddl import parse_schema

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
            from runtime.sql.ddl import parse_type

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
        from runtime.sql.formatting.schema import tree_string

        return tree_string(self, level)

    def toDDL(self) -> str:
        from runtime.sql.ddl import to_ddl

        return to_ddl(self)

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
        from runtime.sql.ddl import parse_type

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
