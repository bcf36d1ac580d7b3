"""URL functions: ``parse_url``/``try_parse_url``, ``url_encode``, ``url_decode``/
``try_url_decode``.

``parse_url`` follows ``java.net.URI``: the URL is split by RFC 3986's regular expression
and a URL with a character URI forbids (a space, ``<``, ``"``, ``{``...) or a bad ``%``
escape is invalid: ``[INVALID_URL]`` under ANSI, else NULL (always NULL from
``try_parse_url``). Parts are the raw
(still escaped) text: HOST, PATH, QUERY, REF, PROTOCOL, FILE, AUTHORITY, USERINFO, and
``QUERY`` with a key gives that key's value. ``url_encode``/``url_decode`` are Java's
``URLEncoder``/``URLDecoder`` (``application/x-www-form-urlencoded``, UTF-8). Per row in
Python (rowwise.py).
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from runtime.sql import types as T
from runtime.sql.errors import IllegalArgumentException, SparkRuntimeException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.binding import arity, cast_to, make_call, simple
from runtime.sql.expressions.registry import lookup
from runtime.sql.expressions.rowwise import per_row, with_ansi

S = T.StringType()
_URI = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$", re.S)
_FORBIDDEN = re.compile(r"[\s\"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})")


def _invalid_url(url: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[INVALID_URL] The url is invalid: {url}. Use \"try_parse_url\" to tolerate invalid "
        "URL and return NULL instead. SQLSTATE: 22P02", errorClass="INVALID_URL")


def _parse_url(call: Any, url: str, part: str, key: str | None = None) -> str | None:
    m = _URI.match(url)
    scheme = m.group(2) if m else None
    if m is None or _FORBIDDEN.search(url) or (scheme is not None and not re.fullmatch(
            r"[A-Za-z][A-Za-z0-9+.-]*", scheme)):
        if call.spec.name == "try_parse_url" or dict(call.options).get("ansi") is False:
            return None
        raise _invalid_url(url)
    authority, path, query, ref = m.group(4), m.group(5), m.group(7), m.group(9)
    userinfo, host = None, None
    if authority is not None:
        hostport = authority
        if "@" in authority:
            userinfo, hostport = authority.rsplit("@", 1)
        host = re.sub(r":\d*$", "", hostport) or None
    if part == "HOST":
        return host
    if part == "PATH":
        return path
    if part == "QUERY":
        if key is None or query is None:
            return query
        found = re.search(rf"(&|^){re.escape(key)}=([^&]*)", query)
        return found.group(2) if found else None
    if part == "REF":
        return ref
    if part == "PROTOCOL":
        return scheme
    if part == "FILE":
        return path + ("?" + query if query is not None else "")
    if part == "AUTHORITY":
        return authority
    if part == "USERINFO":
        return userinfo
    return None


def _bind_parse_url(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 2, 3)
        return make_call(lookup(name), [cast_to(a, S) for a in args], S, True)
    return bind


for _name in ("parse_url", "try_parse_url"):
    simple(_name, _bind_parse_url(_name), with_ansi(per_row(_parse_url)))


def _bind_one(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        arity(name, args, 1)
        return make_call(lookup(name), [cast_to(args[0], S)], S,
                         True if name.startswith("try_") else None)
    return bind


def _url_encode(call: Any, s: str) -> str:
    return urllib.parse.quote_plus(s, safe="*").replace("~", "%7E")


def _url_decode(call: Any, s: str) -> str | None:
    if re.search(r"%(?![0-9A-Fa-f]{2})", s):
        if call.spec.name == "try_url_decode":
            return None
        raise IllegalArgumentException(
            f"[CANNOT_DECODE_URL] The provided URL cannot be decoded: {s}. Please ensure that "
            "the URL is properly formatted and try again. SQLSTATE: 22546",
            errorClass="CANNOT_DECODE_URL")
    return urllib.parse.unquote_plus(s, errors="replace")


simple("url_encode", _bind_one("url_encode"), per_row(_url_encode))
for _name in ("url_decode", "try_url_decode"):
    simple(_name, _bind_one(_name), per_row(_url_decode))
