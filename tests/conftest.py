"""Shared fixtures: a module-scoped local[2] SparkContext with its own SPARKCLI_HOME.

String hashing must agree between the driver (this pytest process) and the executors, as
under ``sparkcli submit``: when pytest was started without PYTHONHASHSEED=0 it re-executes
itself with it (the same thing the ``sparkcli`` launcher does).
"""

from __future__ import annotations

import os
import sys

import pytest

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, sys.orig_argv)


@pytest.fixture(scope="module")
def sc(tmp_path_factory):
    from sparkcli.context import SparkContext

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    context = SparkContext("local[2]", "test")
    try:
        yield context
    finally:
        context.stop()
        mp.undo()
