"""Spark functions this engine knows but cannot run here, each answering with one error
that says why (rather than ``[UNRESOLVED_ROUTINE]``, which would claim Spark has no such
function): ``aes_encrypt``/``aes_decrypt``/``try_aes_decrypt`` need an AES implementation
and no maintained crypto library is installed (none is added as a dependency for them).
"""

from __future__ import annotations

from typing import Any

from runtime.sql.errors import AnalysisException
from runtime.sql.expressions.base import Expression
from runtime.sql.expressions.registry import FunctionSpec, register

__all__ = ["UNAVAILABLE"]

UNAVAILABLE = {
    name: "it needs AES, and no crypto library (such as the 'cryptography' package) is "
          "installed"
    for name in ("aes_encrypt", "aes_decrypt", "try_aes_decrypt")
}


def _bind(name: str):
    def bind(args: list[Expression], ctx: Any) -> Expression:
        raise AnalysisException(
            f"[NOT_IMPLEMENTED] The function `{name}` is not available in this engine: "
            f"{UNAVAILABLE[name]}.", errorClass="NOT_IMPLEMENTED",
            messageParameters={"feature": f"`{name}`"})
    return bind


for _n in UNAVAILABLE:
    register(FunctionSpec(_n, _bind(_n), None))
