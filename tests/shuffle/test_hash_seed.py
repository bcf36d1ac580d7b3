"""portable_hash without PYTHONHASHSEED raises PySpark's PYTHON_HASH_SEED_NOT_SET error, a
PySparkRuntimeError from runtime/errors.py (the shuffle never imports the SQL engine)."""

from __future__ import annotations

import os
import subprocess
import sys

_SCRIPT = """
import sys
from runtime.shuffle.hashing import portable_hash
from runtime.errors import PySparkRuntimeError
try:
    portable_hash("a")
except PySparkRuntimeError as e:
    print(type(e).__name__, e.getErrorClass(), e.getMessageParameters())
    print(e)
print(any(m == "runtime.sql" or m.startswith("runtime.sql.") for m in sys.modules))
"""


def test_portable_hash_without_the_seed_raises_pysparks_error():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    assert out.splitlines() == [
        "PySparkRuntimeError PYTHON_HASH_SEED_NOT_SET {}",
        "[PYTHON_HASH_SEED_NOT_SET] Randomness of hash of string should be disabled via "
        "PYTHONHASHSEED.",
        "False",
    ]


def test_the_base_error_classes_are_one_set_of_classes():
    import runtime.errors as base
    import runtime.sql.errors as sql
    from sparkcli import errors as api

    for name in ("PySparkException", "PySparkValueError", "PySparkTypeError",
                 "PySparkRuntimeError", "PySparkNotImplementedError"):
        assert getattr(base, name) is getattr(sql, name) is getattr(api, name)
    assert issubclass(sql.AnalysisException, base.PySparkException)
    assert isinstance(base.python_hash_seed_not_set(), RuntimeError)
