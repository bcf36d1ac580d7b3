"""An XPath 1.0 evaluator over Python's ``xml.etree`` parse, for Spark's ``xpath_*``
functions (Spark evaluates them with javax.xml.xpath; ElementTree's own path subset has
no functions, no text() and no absolute paths).

``compile_xpath(text)`` parses an expression once (a function's path is a constant) into a
tree of tuples; ``XPath.evaluate(document)`` runs it against a ``Document`` made by
``parse_document(xml_text)``. The document is a tree of ``Node`` (root, element, text,
attribute; comments and processing instructions are dropped, CDATA is text) whose
``order`` is its position in document order, so unions and axes return nodes sorted as
XPath requires.

Supported: location paths (absolute, relative, ``//``), the axes child, descendant,
descendant-or-self, self, parent, ancestor, ancestor-or-self, attribute, following-sibling
and preceding-sibling with their abbreviations (``@``, ``.``, ``..``), name tests, ``*``,
``text()``, ``node()``, predicates (numbers are positions), unions, the operators ``or
and = != < <= > >= + - * div mod`` and unary minus with XPath 1.0's comparison rules
(a node-set compares if any of its nodes does), and the core function library (count,
sum, last, position, name, local-name, string, concat, contains, starts-with,
substring(-before/-after), string-length, normalize-space, translate, boolean, not, true,
false, number, floor, ceiling, round). Namespaces are not resolved: a prefixed name
matches as written. A syntax error raises ``XPathError``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Document", "XPath", "XPathError", "compile_xpath", "parse_document",
           "to_number", "to_string"]


class XPathError(ValueError):
    pass


@dataclass(eq=False)
class Node:
    kind: str  # "root", "element", "text", "attribute"
    name: str = ""
    value: str = ""  # text and attribute nodes
    parent: Node | None = None
    children: list = field(default_factory=list)
    attributes: list = field(default_factory=list)
    order: int = 0

    def string_value(self) -> str:
        if self.kind in ("text", "attribute"):
            return self.value
        return "".join(n.string_value() for n in self.children)


@dataclass
class Document:
    root: Node


def parse_document(text: str) -> Document:
    """The XPath tree of an XML document; raises ``xml.etree.ElementTree.ParseError``."""
    import xml.etree.ElementTree as ET

    elem = ET.fromstring(text)
    root = Node("root")
    counter = [0]

    def number(node: Node) -> Node:
        counter[0] += 1
        node.order = counter[0]
        return node

    def text(parent: Node, value: str | None) -> None:
        if value:
            if parent.children and parent.children[-1].kind == "text":
                parent.children[-1].value += value
            else:
                parent.children.append(number(Node("text", value=value, parent=parent)))

    def build(e: Any, parent: Node) -> None:
        if not isinstance(e.tag, str):  # a comment or processing instruction: its tail only
            text(parent, e.tail)
            return
        node = number(Node("element", _name(e.tag), parent=parent))
        for k, v in e.attrib.items():
            node.attributes.append(number(Node("attribute", _name(k), v, parent=node)))
        parent.children.append(node)
        text(node, e.text)
        for child in e:
            build(child, node)
        text(parent, e.tail)

    build(elem, root)
    return Document(root)


def _name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


# -- tokens ------------------------------------------------------------------------------------
_TOKEN = re.compile(r"""\s*(?:
    (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>"[^"]*"|'[^']*')
  | (?P<op>//|::|\.\.|!=|<=|>=|[/()\[\]@,|+\-*=<>.$])
  | (?P<name>[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)
)""", re.X)
_NODE_TYPES = {"text", "node", "comment", "processing-instruction"}
_AXES = {"child", "descendant", "descendant-or-self", "self", "parent", "ancestor",
         "ancestor-or-self", "attribute", "following-sibling", "preceding-sibling"}


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise XPathError(f"Invalid XPath '{text}'")
        kind = m.lastgroup or ""
        value = m.group(kind)
        # XPath's rule: after an operand, ``*`` multiplies and and/or/div/mod are operators
        if out and _ends_operand(out[-1]) and (
                (kind == "op" and value == "*") or
                (kind == "name" and value in ("and", "or", "div", "mod"))):
            kind = "operator"
        out.append((kind, value))
        pos = m.end()
    return out


def _ends_operand(tok: tuple[str, str]) -> bool:
    kind, v = tok
    return kind in ("number", "string", "name") or v in (")", "]", ".", "..") or \
        (kind == "op" and v == "*")


# -- parser: an expression becomes nested tuples --------------------------------------------------
class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise XPathError(f"Invalid XPath '{self.text}'")
        self.i += 1
        return tok

    def parse(self) -> tuple:
        e = self.binary(0)
        if self.peek()[0] != "end":
            raise XPathError(f"Invalid XPath '{self.text}'")
        return e

    _LEVELS = [("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"),
               ("*", "div", "mod")]

    def binary(self, level: int) -> tuple:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, v = self.peek()
            is_op = v in self._LEVELS[level] and (
                (kind == "op" and v != "*") or kind == "operator")
            if not is_op:
                return left
            self.take()
            left = ("binop", v, left, self.binary(level + 1))

    def unary(self) -> tuple:
        if self.peek() == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        left = self.path()
        while self.peek() == ("op", "|"):
            self.take()
            left = ("union", left, self.path())
        return left

    def path(self) -> tuple:
        kind, v = self.peek()
        if kind == "op" and v in ("/", "//"):
            self.take()
            steps: list = [] if v == "/" else [("descendant-or-self", "node()", [])]
            if self.starts_step():
                steps += self.steps()
            return ("path", ("root",), steps)
        if kind in ("number", "string") or (kind == "op" and v in ("(", "$")) or \
                (kind == "name" and self.peek(1) == ("op", "(") and v not in _NODE_TYPES):
            base = self.primary()
            preds = []
            while self.peek() == ("op", "["):
                preds.append(self.predicate())
            if preds:
                base = ("filter", base, preds)
            if self.peek()[1] in ("/", "//"):
                sep = self.take()[1]
                steps = [] if sep == "/" else [("descendant-or-self", "node()", [])]
                return ("path", base, steps + self.steps())
            return base
        return ("path", None, self.steps())

    def starts_step(self) -> bool:
        kind, v = self.peek()
        return kind == "name" or (kind == "op" and v in ("@", ".", "..", "*"))

    def steps(self) -> list:
        out = [self.step()]
        while self.peek()[1] in ("/", "//"):
            if self.take()[1] == "//":
                out.append(("descendant-or-self", "node()", []))
            out.append(self.step())
        return out

    def step(self) -> tuple:
        kind, v = self.peek()
        if v == ".":
            self.take()
            return ("self", "node()", [])
        if v == "..":
            self.take()
            return ("parent", "node()", [])
        axis = "child"
        if v == "@":
            self.take()
            axis = "attribute"
        elif kind == "name" and self.peek(1) == ("op", "::"):
            if v not in _AXES:
                raise XPathError(f"Invalid XPath '{self.text}'")
            axis = v
            self.take()
            self.take("::")
        kind, v = self.take()
        if kind == "op" and v == "*":
            test = "*"
        elif kind == "name" and v in _NODE_TYPES and self.peek() == ("op", "("):
            self.take("(")
            self.take(")")
            test = f"{v}()"
        elif kind == "name":
            test = v
        else:
            raise XPathError(f"Invalid XPath '{self.text}'")
        preds = []
        while self.peek() == ("op", "["):
            preds.append(self.predicate())
        return (axis, test, preds)

    def predicate(self) -> tuple:
        self.take("[")
        e = self.binary(0)
        self.take("]")
        return e

    def primary(self) -> tuple:
        kind, v = self.take()
        if kind == "number":
            return ("lit", float(v))
        if kind == "string":
            return ("lit", v[1:-1])
        if v == "(":
            e = self.binary(0)
            self.take(")")
            return e
        if kind == "name":
            self.take("(")
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.binary(0))
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.binary(0))
            self.take(")")
            if v not in _FUNCTIONS:
                raise XPathError(f"Invalid XPath '{self.text}': unknown function {v}()")
            return ("call", v, args)
        raise XPathError(f"Invalid XPath '{self.text}'")


# -- values ---------------------------------------------------------------------------------------
def to_string(v: Any) -> str:
    if isinstance(v, list):
        return v[0].string_value() if v else ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        if v == int(v):
            return str(int(v))
        text = repr(v)
        if "e" in text:  # XPath never uses exponents
            text = f"{v:.20f}".rstrip("0")
        return text
    return v


def to_number(v: Any) -> float:
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, float):
        return v
    s = to_string(v).strip()
    if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", s):
        return float(s)
    return math.nan


def to_boolean(v: Any) -> bool:
    if isinstance(v, list):
        return bool(v)
    if isinstance(v, float):
        return not (v == 0 or math.isnan(v))
    if isinstance(v, str):
        return bool(v)
    return bool(v)


def _compare(op: str, a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        if isinstance(a, list) and isinstance(b, list):
            return any(_compare(op, x.string_value(), y.string_value()) for x in a for y in b)
        if isinstance(a, list):
            return any(_compare(op, _atom(x, b), b) for x in a)
        return any(_compare(op, a, _atom(y, a)) for y in b)
    if op in ("=", "!="):
        if isinstance(a, bool) or isinstance(b, bool):
            x, y = to_boolean(a), to_boolean(b)
        elif isinstance(a, float) or isinstance(b, float):
            x, y = to_number(a), to_number(b)
        else:
            x, y = to_string(a), to_string(b)
        return (x == y) if op == "=" else (x != y)
    x, y = to_number(a), to_number(b)
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _atom(node: Node, other: Any) -> Any:
    s = node.string_value()
    if isinstance(other, bool):
        return bool([node])
    if isinstance(other, float):
        return to_number(s)
    return s


# -- evaluation -----------------------------------------------------------------------------------
def _axis(node: Node, axis: str) -> list:
    if axis == "child":
        return list(node.children)
    if axis == "attribute":
        return list(node.attributes)
    if axis == "self":
        return [node]
    if axis == "parent":
        return [node.parent] if node.parent is not None else []
    if axis in ("descendant", "descendant-or-self"):
        out = [node] if axis == "descendant-or-self" else []
        stack = list(reversed(node.children))
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(n.children))
        return out
    if axis in ("ancestor", "ancestor-or-self"):
        out = [node] if axis == "ancestor-or-self" else []
        p = node.parent
        while p is not None:
            out.append(p)
            p = p.parent
        return out  # reverse axis: nearest first
    siblings = node.parent.children if node.parent is not None and node.kind != "attribute" \
        else []
    if node not in siblings:
        return []
    i = siblings.index(node)
    return siblings[i + 1:] if axis == "following-sibling" else list(reversed(siblings[:i]))


def _matches(node: Node, test: str, axis: str) -> bool:
    if test == "node()":
        return True
    if test == "text()":
        return node.kind == "text"
    if test in ("comment()", "processing-instruction()"):
        return False
    principal = "attribute" if axis == "attribute" else "element"
    return node.kind == principal and (test == "*" or node.name == test)


class XPath:
    def __init__(self, text: str, tree: tuple):
        self.text = text
        self.tree = tree

    def evaluate(self, doc: Document) -> Any:
        return self._eval(self.tree, doc.root, 1, 1)

    def _eval(self, e: tuple, node: Node, pos: int, size: int) -> Any:
        kind = e[0]
        if kind == "lit":
            return e[1]
        if kind == "path":
            start = e[1]
            if start is None:
                nodes = [node]
            elif start == ("root",):
                nodes = [_root(node)]
            else:
                nodes = self._eval(start, node, pos, size)
                if not isinstance(nodes, list):
                    raise XPathError(f"Invalid XPath '{self.text}': not a node-set")
            for axis, test, preds in e[2]:
                nodes = self._step(nodes, axis, test, preds)
            return nodes
        if kind == "filter":
            nodes = self._eval(e[1], node, pos, size)
            for p in e[2]:
                nodes = self._filter(nodes, p)
            return nodes
        if kind == "union":
            a, b = self._eval(e[1], node, pos, size), self._eval(e[2], node, pos, size)
            if not isinstance(a, list) or not isinstance(b, list):
                raise XPathError(f"Invalid XPath '{self.text}': union of non-nodes")
            return sorted({id(n): n for n in a + b}.values(), key=lambda n: n.order)
        if kind == "neg":
            return -to_number(self._eval(e[1], node, pos, size))
        if kind == "binop":
            op = e[1]
            if op == "or":
                return to_boolean(self._eval(e[2], node, pos, size)) or \
                    to_boolean(self._eval(e[3], node, pos, size))
            if op == "and":
                return to_boolean(self._eval(e[2], node, pos, size)) and \
                    to_boolean(self._eval(e[3], node, pos, size))
            a, b = self._eval(e[2], node, pos, size), self._eval(e[3], node, pos, size)
            if op in ("=", "!=", "<", "<=", ">", ">="):
                return _compare(op, a, b)
            x, y = to_number(a), to_number(b)
            if op == "+":
                return x + y
            if op == "-":
                return x - y
            if op == "*":
                return x * y
            if op == "div":
                if y == 0:
                    return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x) \
                        * math.copysign(1.0, y)
                return x / y
            return math.fmod(x, y) if y != 0 else math.nan
        if kind == "call":
            return _FUNCTIONS[e[1]](self, [lambda a=a: self._eval(a, node, pos, size)
                                           for a in e[2]], node, pos, size)
        raise XPathError(f"Invalid XPath '{self.text}'")

    def _step(self, nodes: list, axis: str, test: str, preds: list) -> list:
        seen: dict[int, Node] = {}
        for n in nodes:
            found = [m for m in _axis(n, axis) if _matches(m, test, axis)]
            for p in preds:
                found = self._filter(found, p)
            for m in found:
                seen.setdefault(id(m), m)
        return sorted(seen.values(), key=lambda n: n.order)

    def _filter(self, nodes: list, pred: tuple) -> list:
        out = []
        size = len(nodes)
        for i, n in enumerate(nodes, 1):
            v = self._eval(pred, n, i, size)
            if isinstance(v, float) and not isinstance(v, bool):
                if v == i:
                    out.append(n)
            elif to_boolean(v):
                out.append(n)
        return out


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _nodes_arg(args: list, node: Node) -> list:
    if not args:
        return [node]
    v = args[0]()
    if not isinstance(v, list):
        raise XPathError("a function argument is not a node-set")
    return v


def _substring(s: str, start: float, length: float | None = None) -> str:
    def rnd(x: float) -> float:
        return math.floor(x + 0.5) if not (math.isnan(x) or math.isinf(x)) else x

    first = rnd(start)
    last = first + rnd(length) if length is not None else math.inf
    return "".join(c for i, c in enumerate(s, 1) if first <= i < last)


_FUNCTIONS: dict[str, Any] = {
    "last": lambda x, a, n, pos, size: float(size),
    "position": lambda x, a, n, pos, size: float(pos),
    "count": lambda x, a, n, p, s: float(len(_nodes_arg(a, n))),
    "sum": lambda x, a, n, p, s: float(sum(to_number(m.string_value())
                                          for m in _nodes_arg(a, n))),
    "name": lambda x, a, n, p, s: (_nodes_arg(a, n)[:1] or [Node("text")])[0].name,
    "local-name": lambda x, a, n, p, s: (_nodes_arg(a, n)[:1] or [Node("text")])[0]
    .name.split(":")[-1],
    "string": lambda x, a, n, p, s: to_string(a[0]() if a else [n]),
    "concat": lambda x, a, n, p, s: "".join(to_string(f()) for f in a),
    "contains": lambda x, a, n, p, s: to_string(a[1]()) in to_string(a[0]()),
    "starts-with": lambda x, a, n, p, s: to_string(a[0]()).startswith(to_string(a[1]())),
    "substring-before": lambda x, a, n, p, s: to_string(a[0]()).partition(
        to_string(a[1]()))[0] if to_string(a[1]()) in to_string(a[0]()) else "",
    "substring-after": lambda x, a, n, p, s: to_string(a[0]()).partition(
        to_string(a[1]()))[2] if to_string(a[1]()) in to_string(a[0]()) else "",
    "substring": lambda x, a, n, p, s: _substring(
        to_string(a[0]()), to_number(a[1]()), to_number(a[2]()) if len(a) > 2 else None),
    "string-length": lambda x, a, n, p, s: float(len(to_string(a[0]() if a else [n]))),
    "normalize-space": lambda x, a, n, p, s: " ".join(
        to_string(a[0]() if a else [n]).split()),
    "translate": lambda x, a, n, p, s: _translate(to_string(a[0]()), to_string(a[1]()),
                                                  to_string(a[2]())),
    "boolean": lambda x, a, n, p, s: to_boolean(a[0]()),
    "not": lambda x, a, n, p, s: not to_boolean(a[0]()),
    "true": lambda x, a, n, p, s: True,
    "false": lambda x, a, n, p, s: False,
    "number": lambda x, a, n, p, s: to_number(a[0]() if a else [n]),
    "floor": lambda x, a, n, p, s: _rounding(math.floor, to_number(a[0]())),
    "ceiling": lambda x, a, n, p, s: _rounding(math.ceil, to_number(a[0]())),
    "round": lambda x, a, n, p, s: _rounding(lambda v: math.floor(v + 0.5),
                                             to_number(a[0]())),
}


def _rounding(fn: Any, v: float) -> float:
    return v if math.isnan(v) or math.isinf(v) else float(fn(v))


def _translate(s: str, src: str, dst: str) -> str:
    table = {}
    for i, c in enumerate(src):
        table.setdefault(ord(c), dst[i] if i < len(dst) else None)
    return s.translate(table)


def compile_xpath(text: str) -> XPath:
    return XPath(text, _Parser(text).parse())
