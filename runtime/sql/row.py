"""Row: a tuple with field names, PySpark's semantics.

* ``Row(name="Alice", age=11)``: named fields in the given order; ``row.name``,
  ``row["name"]``, ``row[0]``; ``repr`` ``Row(name='Alice', age=11)``.
* ``Row(1, 2)``: positional only; ``repr`` ``<Row(1, 2)>``.
* ``Row("a", "b")`` makes a row *class*: calling it, ``Row("a", "b")(1, 2)``, gives
  ``Row(a=1, b=2)``.
* Equality, ordering and hashing are the tuple's (field names are not compared).
* ``asDict(recursive=False)``; ``in`` tests field names; pickles by field names and values.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Row"]


def _create_row(fields: list[str] | None, values: Any) -> Row:
    row = Row(*values)
    row.__fields__ = fields
    return row


class Row(tuple):
    __fields__: list[str] | None

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            row = tuple.__new__(cls, list(kwargs.values()))
            row.__fields__ = list(kwargs.keys())
            return row
        row = tuple.__new__(cls, args)
        row.__fields__ = None
        return row

    def asDict(self, recursive: bool = False) -> dict[str, Any]:
        """The row as a dict of field name to value (nested Rows too when recursive)."""
        if self.__fields__ is None:
            raise TypeError("Cannot convert a Row class into dict")
        if not recursive:
            return dict(zip(self.__fields__, self))

        def conv(obj: Any) -> Any:
            if isinstance(obj, Row):
                return obj.asDict(True)
            if isinstance(obj, list):
                return [conv(o) for o in obj]
            if isinstance(obj, dict):
                return {k: conv(v) for k, v in obj.items()}
            return obj

        return {k: conv(v) for k, v in zip(self.__fields__, self)}

    def __contains__(self, item: Any) -> bool:
        if self.__fields__ is not None:
            return item in self.__fields__
        return super().__contains__(item)

    def __call__(self, *args: Any) -> Row:
        """``Row("a", "b")(1, 2)``: this row's values are the field names of a new row."""
        if len(args) > len(self):
            raise ValueError(f"Can not create Row with fields {self}, expected {len(self)} "
                             f"values but got {args}")
        return _create_row(list(self), args)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, slice)):
            return super().__getitem__(item)
        try:
            idx = self.__fields__.index(item)  # type: ignore[union-attr]
        except (ValueError, AttributeError):
            raise ValueError(item) from None
        return super().__getitem__(idx)

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            idx = self.__fields__.index(item)  # type: ignore[union-attr]
        except (ValueError, AttributeError):
            raise AttributeError(item) from None
        return self[idx]

    def __setattr__(self, key: str, value: Any) -> None:
        if key != "__fields__":
            raise RuntimeError("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self):
        if self.__fields__ is not None:
            return (_create_row, (self.__fields__, tuple(self)))
        return tuple.__reduce__(self)

    def __repr__(self) -> str:
        if self.__fields__ is not None:
            return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self.__fields__, self)) + ")"
        return "<Row(" + ", ".join(repr(v) for v in self) + ")>"
