"""The options of ``from_json`` (Spark's JSONOptions), and the lenient JSON reader they need.

``JsonOptions.of(pairs)`` reads the option map (keys case-insensitive, values strings as
Spark takes them): ``mode`` (PERMISSIVE, FAILFAST; DROPMALFORMED is refused by the
binder as Spark refuses it), ``columnNameOfCorruptRecord`` (default ``_corrupt_record``:
a string field of that name receives the malformed text), ``dateFormat``,
``timestampFormat``, ``timestampNTZFormat``, ``timeZone``, ``primitivesAsString`` and the
parser features Jackson has: ``allowUnquotedFieldNames``, ``allowSingleQuotes`` (on by
default), ``allowComments``, ``allowNumericLeadingZeros``, ``allowNonNumericNumbers`` (on
by default: ``NaN``, ``Infinity``, ``+INF``...), ``allowBackslashEscapingAnyCharacter``
and ``allowUnquotedControlChars``.

``loads(text, options)`` first tries Python's ``json`` (strict JSON, the common case, in
C); only text it refuses goes through ``_Reader``, a small recursive-descent reader that
accepts exactly what the enabled features allow and raises ``ValueError`` otherwise.
Numbers come back as ``int`` or ``decimal.Decimal`` (so ``DECIMAL`` fields keep every
digit), the non-numeric ones as ``float``.
"""

from __future__ import annotations

import decimal
import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["JsonOptions", "loads"]

_TRUE = "true"


@dataclass(frozen=True)
class JsonOptions:
    mode: str = "PERMISSIVE"
    corrupt_column: str = "_corrupt_record"
    date_format: str | None = None
    timestamp_format: str | None = None
    timestamp_ntz_format: str | None = None
    time_zone: str | None = None
    primitives_as_string: bool = False
    unquoted_names: bool = False
    single_quotes: bool = True
    comments: bool = False
    leading_zeros: bool = False
    non_numeric: bool = True
    backslash_any: bool = False
    control_chars: bool = False

    @property
    def lenient(self) -> bool:
        """Whether text Python's ``json`` refuses may still be accepted."""
        return self.unquoted_names or self.single_quotes or self.comments or \
            self.leading_zeros or self.backslash_any or self.control_chars

    @staticmethod
    def of(pairs: Any) -> JsonOptions:
        o = {str(k).lower(): ("" if v is None else str(v)) for k, v in (pairs or {}).items()}

        def flag(key: str, default: bool) -> bool:
            return o[key].strip().lower() == _TRUE if key in o else default
        return JsonOptions(
            mode=o.get("mode", "PERMISSIVE").upper(),
            corrupt_column=o.get("columnnameofcorruptrecord", "_corrupt_record"),
            date_format=o.get("dateformat"), timestamp_format=o.get("timestampformat"),
            timestamp_ntz_format=o.get("timestampntzformat"), time_zone=o.get("timezone"),
            primitives_as_string=flag("primitivesasstring", False),
            unquoted_names=flag("allowunquotedfieldnames", False),
            single_quotes=flag("allowsinglequotes", True),
            comments=flag("allowcomments", False),
            leading_zeros=flag("allownumericleadingzeros", False),
            non_numeric=flag("allownonnumericnumbers", True),
            backslash_any=flag("allowbackslashescapinganycharacter", False),
            control_chars=flag("allowunquotedcontrolchars", False))


_NON_NUMERIC = {"NaN": float("nan"), "Infinity": float("inf"), "+Infinity": float("inf"),
                "-Infinity": float("-inf"), "INF": float("inf"), "+INF": float("inf"),
                "-INF": float("-inf")}


def _constant(name: str) -> float:
    raise ValueError(name)


def loads(text: str, options: JsonOptions) -> Any:
    """The JSON value of ``text``; ``ValueError`` if the options do not allow it."""
    try:
        return json.loads(text, parse_float=decimal.Decimal,
                          parse_constant=_NON_NUMERIC.__getitem__ if options.non_numeric
                          else _constant)
    except RecursionError:
        raise ValueError("too deep") from None
    except ValueError:
        if not (options.lenient or options.non_numeric):
            raise
    return _Reader(text, options).document()


_NUMBER = re.compile(r"[+-]?(?:\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
            "t": "\t", "'": "'"}


class _Reader:
    """Jackson's reader with Spark's optional features; ``pos`` walks ``text``."""

    def __init__(self, text: str, options: JsonOptions):
        self.text, self.o, self.pos = text, options, 0

    def fail(self) -> None:
        raise ValueError(f"malformed JSON at {self.pos}")

    def document(self) -> Any:
        v = self.value(0)
        self.space()
        if self.pos != len(self.text):
            self.fail()
        return v

    def space(self) -> None:
        t, n = self.text, len(self.text)
        while self.pos < n:
            c = t[self.pos]
            if c in " \t\r\n":
                self.pos += 1
            elif c == "/" and self.o.comments and t.startswith("/*", self.pos):
                end = t.find("*/", self.pos + 2)
                if end < 0:
                    self.fail()
                self.pos = end + 2
            elif c == "/" and self.o.comments and t.startswith("//", self.pos):
                end = t.find("\n", self.pos)
                self.pos = n if end < 0 else end + 1
            elif c == "#" and self.o.comments:
                end = t.find("\n", self.pos)
                self.pos = n if end < 0 else end + 1
            else:
                return

    def value(self, depth: int) -> Any:
        if depth > 1000:
            self.fail()
        self.space()
        if self.pos >= len(self.text):
            self.fail()
        c = self.text[self.pos]
        if c == "{":
            return self.obj(depth)
        if c == "[":
            return self.array(depth)
        if c == '"' or (c == "'" and self.o.single_quotes):
            return self.string(c)
        for word, v in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return v
        if self.o.non_numeric:
            for word in sorted(_NON_NUMERIC, key=len, reverse=True):
                if self.text.startswith(word, self.pos):
                    self.pos += len(word)
                    return _NON_NUMERIC[word]
        return self.number()

    def obj(self, depth: int) -> dict:
        self.pos += 1
        out: dict = {}
        self.space()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return out
        while True:
            self.space()
            c = self.text[self.pos:self.pos + 1]
            if c == '"' or (c == "'" and self.o.single_quotes):
                key = self.string(c)
            elif self.o.unquoted_names and (m := _NAME.match(self.text, self.pos)):
                key, self.pos = m.group(0), m.end()
            else:
                self.fail()
            self.space()
            if not self.text.startswith(":", self.pos):
                self.fail()
            self.pos += 1
            out[key] = self.value(depth + 1)
            self.space()
            c = self.text[self.pos:self.pos + 1]
            self.pos += 1
            if c == "}":
                return out
            if c != ",":
                self.fail()

    def array(self, depth: int) -> list:
        self.pos += 1
        out: list = []
        self.space()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return out
        while True:
            out.append(self.value(depth + 1))
            self.space()
            c = self.text[self.pos:self.pos + 1]
            self.pos += 1
            if c == "]":
                return out
            if c != ",":
                self.fail()

    def string(self, quote: str) -> str:
        t, n = self.text, len(self.text)
        self.pos += 1
        out = []
        while self.pos < n:
            c = t[self.pos]
            if c == quote:
                self.pos += 1
                return "".join(out)
            if c == "\\":
                e = t[self.pos + 1:self.pos + 2]
                if e == "u":
                    try:
                        out.append(chr(int(t[self.pos + 2:self.pos + 6], 16)))
                    except ValueError:
                        self.fail()
                    self.pos += 6
                    continue
                if e in _ESCAPES and (e != "'" or quote == "'" or self.o.backslash_any):
                    out.append(_ESCAPES[e])
                elif e and self.o.backslash_any:
                    out.append(e)
                else:
                    self.fail()
                self.pos += 2
                continue
            if ord(c) < 32 and not self.o.control_chars:
                self.fail()
            out.append(c)
            self.pos += 1
        self.fail()
        return ""

    def number(self) -> Any:
        m = _NUMBER.match(self.text, self.pos)
        if m is None:
            self.fail()
        s = m.group(0)
        digits = s.lstrip("+-")
        if s.startswith("+") or (len(digits.split(".")[0].split("e")[0].split("E")[0]) > 1
                                 and digits.startswith("0") and not self.o.leading_zeros):
            self.fail()
        self.pos = m.end()
        if "." in s or "e" in s or "E" in s:
            return decimal.Decimal(s)
        return int(s)
