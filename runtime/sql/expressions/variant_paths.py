"""JSON paths into VARIANT trees, and changing a tree at a path (for ``variant_set``,
``variant_insert``, ``variant_array_append``, ``variant_delete``, ``variant_strip_nulls``:
variant_changes.py).

A path is ``$`` followed by segments ``.name``, ``['name']``, ``["name"]`` or ``[index]``
(``parse_path`` gives a list of str keys and int indexes; anything else, a negative index
included, is Spark's ``[INVALID_VARIANT_GET_PATH]``, or ``[INVALID_VARIANT_PATH]`` for the
changing functions). ``walk`` follows a path through a tree (a missing key, an index out of range or
a key applied to an array is "not found").

The changing functions copy the tree along the path only (Python trees from
runtime/sql/variant.py). Their rules, as Spark 4.3's: a NULL argument gives NULL; a
missing step leaves the variant unchanged (``variant_array_append``, ``variant_delete``,
``variant_set`` without create_if_missing) or is created (``variant_set``,
``variant_insert``: missing objects on the way are created, an index past the end pads
with nulls); a step that meets the wrong kind of value (a key on an array, an index on an
object or scalar) or appending to a non-array is ``[VARIANT_PATH_TYPE_MISMATCH]`` naming
where, inserting an existing key ``[VARIANT_DUPLICATE_KEY]`` (``try_``: NULL).
"""

from __future__ import annotations

import re
from typing import Any

from runtime.sql.errors import SparkRuntimeException

__all__ = ["Conflict", "DuplicateKey", "Missing", "change", "change_error", "duplicate_key",
           "parse_path", "path_text", "strip_nulls", "walk"]

_SEGMENT = re.compile(r"\.([^.\[\]]+)|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]|"
                      r"\[(\d+)\]")


def _bad_path(path: str, name: str) -> SparkRuntimeException:
    if name in ("variant_get", "try_variant_get"):
        return SparkRuntimeException(
            f"[INVALID_VARIANT_GET_PATH] The path `{path}` is not a valid variant extraction "
            f"path in ``{name}``.\nA valid path should start with `$` and is followed by zero "
            "or more segments like `[123]`, `.name`, `['name']`, or `[\"name\"]`. "
            "SQLSTATE: 22023", errorClass="INVALID_VARIANT_GET_PATH",
            messageParameters={"path": path, "functionName": f"`{name}`"})
    return SparkRuntimeException(
        f"[INVALID_VARIANT_PATH] The path '{path}' is not a valid `{name}` target.\nA valid "
        "path should start with `$` and is followed by segments like `[123]`, `.name`, "
        "`['name']`, or `[\"name\"]`. SQLSTATE: 22023", errorClass="INVALID_VARIANT_PATH",
        messageParameters={"path": path, "functionName": f"`{name}`"})


def parse_path(path: str, name: str) -> list:
    if not path.startswith("$"):
        raise _bad_path(path, name)
    steps: list = []
    pos = 1
    while pos < len(path):
        m = _SEGMENT.match(path, pos)
        if m is None:
            raise _bad_path(path, name)
        if m.group(4) is not None:
            steps.append(int(m.group(4)))
        else:
            key = next(g for g in m.group(1, 2, 3) if g is not None)
            steps.append(key)
        pos = m.end()
    return steps


def walk(tree: Any, steps: list) -> tuple[bool, Any]:
    """(found, node) at ``steps`` from ``tree``."""
    node = tree
    for s in steps:
        if isinstance(s, str):
            if not isinstance(node, dict) or s not in node:
                return False, None
            node = node[s]
        else:
            if not isinstance(node, list) or not 0 <= s < len(node):
                return False, None
            node = node[s]
    return True, node


# -- changing a tree at a path --------------------------------------------------------------------
class Conflict(Exception):
    """A step met the wrong kind of value (or the operation cannot apply there); ``depth``
    is how many steps lead to that value."""

    def __init__(self, depth: int = 0):
        super().__init__(depth)
        self.depth = depth


class DuplicateKey(Exception):
    """variant_insert of a key the object has."""


class Missing(Exception):
    """A step is absent: the variant stays as it is."""


def change(node: Any, steps: list, op: str, value: Any, create: bool, depth: int = 0) -> Any:
    if not steps:
        return _apply_root(node, op, value, depth)
    s, rest = steps[0], steps[1:]
    if isinstance(s, str):
        if not isinstance(node, dict):
            raise Conflict(depth)
        out = dict(node)
        if not rest:
            if op == "set":
                if s not in node and not create:
                    raise Missing
                out[s] = value
            elif op == "insert":
                if s in node:
                    raise DuplicateKey(s)
                out[s] = value
            elif op == "delete":
                if s not in node:
                    raise Missing
                del out[s]
            else:  # append
                if s not in node:
                    raise Missing
                out[s] = _apply_root(node[s], op, value, depth + 1)
            return out
        if s not in node:
            if op in ("delete", "append") or (op == "set" and not create):
                raise Missing
            out[s] = change({} if isinstance(rest[0], str) else [], rest, op, value, create,
                            depth + 1)
            return out
        out[s] = change(node[s], rest, op, value, create, depth + 1)
        return out
    if not isinstance(node, list):
        raise Conflict(depth)
    i = s if s >= 0 else len(node) + s
    if i < 0:
        raise Missing
    out = list(node)
    if not rest:
        if op == "set":
            if i >= len(node):
                if not create:
                    raise Missing
                out += [None] * (i - len(node)) + [value]
            else:
                out[i] = value
        elif op == "insert":
            if i >= len(node):
                out += [None] * (i - len(node)) + [value]
            else:
                out.insert(i, value)
        elif op == "delete":
            if i >= len(node):
                raise Missing
            del out[i]
        else:
            if i >= len(node):
                raise Missing
            out[i] = _apply_root(node[i], op, value, depth + 1)
        return out
    if i >= len(node):
        if op in ("delete", "append") or (op == "set" and not create):
            raise Missing
        out += [None] * (i - len(node)) + \
            [change({} if isinstance(rest[0], str) else [], rest, op, value, create, depth + 1)]
        return out
    out[i] = change(node[i], rest, op, value, create, depth + 1)
    return out


def _apply_root(node: Any, op: str, value: Any, depth: int) -> Any:
    if op == "append":
        if not isinstance(node, list):
            raise Conflict(depth)
        return node + [value]
    if op == "set":
        return value
    raise Conflict(depth)  # insert at or delete of the root


def strip_nulls(node: Any, arrays: bool) -> Any:
    if isinstance(node, dict):
        return {k: strip_nulls(v, arrays) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [strip_nulls(v, arrays) for v in node if v is not None or not arrays]
    return node


def path_text(steps: list) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps)


def change_error(name: str, path: str, steps: list, depth: int) -> SparkRuntimeException:
    at = path_text(steps[:depth])
    return SparkRuntimeException(
        f"[VARIANT_PATH_TYPE_MISMATCH] The path '{path}' is incompatible with the variant "
        f"value at '{at}' in `{name}`. SQLSTATE: 22023", errorClass="VARIANT_PATH_TYPE_MISMATCH",
        messageParameters={"path": path, "prefix": at, "functionName": f"`{name}`"})


def duplicate_key(key: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        f"[VARIANT_DUPLICATE_KEY] Failed to build variant because of a duplicate object key "
        f"`{key}`. SQLSTATE: 22023", errorClass="VARIANT_DUPLICATE_KEY")
