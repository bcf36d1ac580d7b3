"""Run one golden case (see generate_golden.py) under sparkcli and compare it with what
real PySpark 4.3 gave: the column name, the result type's simpleString and every row's
value (doubles within 1e-12 relative: Java's and numpy's last digit may differ), or the
exception class and error class."""

from __future__ import annotations

import ast
import json
import math
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))


def load(kind: str) -> list[dict]:
    with open(os.path.join(HERE, "golden", f"{kind}.json")) as f:
        return json.load(f)


def params(kind: str, gaps: dict[str, str] | None = None) -> list:
    """The cases of golden/<kind>.json as pytest params; a case in ``gaps`` (case -> the
    reason sparkcli differs) is an expected failure, reported as XPASS once it is fixed."""
    import pytest

    gaps = gaps or {}
    return [pytest.param(c, id=c["case"], marks=[pytest.mark.xfail(reason=gaps[c["case"]])]
                         if c["case"] in gaps else []) for c in load(kind)]


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = ast.literal_eval(a), ast.literal_eval(b)
    except (ValueError, SyntaxError):
        return False
    if isinstance(x, float) and isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-300)
    return x == y


def check(table, case: dict) -> None:
    from sparkcli.sql import functions as F

    env = {"F": F, "col": F.col, "lit": F.lit}
    if "error" in case:
        try:
            out = table.select(eval(case["case"], env))
            rows = out.collect()
        except Exception as ex:  # noqa: BLE001
            m = re.match(r"\[([A-Z_.0-9]+)\]", str(ex).strip())
            got = (type(ex).__name__, m.group(1) if m else None)
            assert got == (case["error"], case["errorClass"]), str(ex)
            return
        raise AssertionError(f"expected {case['error']} [{case['errorClass']}], got {rows}")
    out = table.select(eval(case["case"], env))
    assert out.columns[0] == case["name"]
    assert out.schema.fields[0].dataType.simpleString() == case["type"]
    got = [repr(r[0]) for r in out.collect()]
    assert len(got) == len(case["values"]) and all(
        _same(g, w) for g, w in zip(got, case["values"])), (got, case["values"])
