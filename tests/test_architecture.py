"""The import rules of DESIGN.md and issue 11's acceptance, checked on every run:

* ``grep -rn sparkcli runtime/`` finds nothing (the engine never names the API package,
  strings included);
* ``runtime/scheduler`` and ``runtime/executor`` never import each other;
* no import cycles between the project's modules (an ``import``/``from`` anywhere in a file
  counts), and no project module imported inside a function (only heavy libraries load
  lazily: pyarrow, sqlglot, numpy, pandas...);
* no module over 650 lines (STYLE.md: about 600).

The same rules as /work/shared/tools/import_graph.py, kept here so CI holds them."""

from __future__ import annotations

import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("sparkcli", "runtime")
MAX_LINES = 650


def _modules() -> dict[str, str]:
    out = {}
    for pkg in PACKAGES:
        for d, _, files in os.walk(os.path.join(ROOT, pkg)):
            for f in files:
                if f.endswith(".py"):
                    path = os.path.join(d, f)
                    name = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                    out[name.removesuffix(".__init__")] = path
    return out


def _resolve(name: str, mods: dict) -> str | None:
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> tuple[dict[str, set], list[str], list[str]]:
    """(module -> project modules it imports, imports inside functions, big modules)."""
    mods = _modules()
    graph: dict[str, set] = {m: set() for m in mods}
    hidden, big = [], []
    for m, path in mods.items():
        with open(path, encoding="utf-8") as f:
            src = f.read()
        if src.count("\n") > MAX_LINES:
            big.append(f"{m}: {src.count(chr(10))} lines")
        pkg = m if path.endswith("__init__.py") else m.rpartition(".")[0]
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = pkg.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
                names = [base + "." + a.name for a in node.names] + [base]
            else:
                continue
            targets = {_resolve(n, mods) for n in names} - {None, m}
            graph[m] |= targets
            if node.col_offset > 0 and targets:
                hidden.append(f"{m}: {', '.join(sorted(targets))}")
    return graph, hidden, big


def _cycles(graph: dict[str, set]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    return out


def test_runtime_never_names_sparkcli():
    found = []
    for d, dirs, files in os.walk(os.path.join(ROOT, "runtime")):
        dirs[:] = [x for x in dirs if x != "__pycache__"]
        for f in files:
            path = os.path.join(d, f)
            with open(path, "rb") as fh:
                if b"sparkcli" in fh.read():
                    found.append(os.path.relpath(path, ROOT))
    assert found == []


def test_import_rules():
    graph, hidden, big = _graph()
    assert _cycles(graph) == []
    assert hidden == []
    assert big == []
    crossing = [f"{m} -> {t}" for m, ts in graph.items() for t in ts
                if (m.startswith("runtime.scheduler") and t.startswith("runtime.executor"))
                or (m.startswith("runtime.executor") and t.startswith("runtime.scheduler"))]
    assert crossing == []
    assert not any(t.startswith("sparkcli") for m, ts in graph.items()
                   if m.startswith("runtime") for t in ts)
