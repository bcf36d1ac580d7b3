"""Shared fixtures: a module-scoped local[2] SparkContext with its own SPARKCLI_HOME.

String hashing must agree between the driver (this pytest process) and the executors, as
under ``sparkcli submit``: run pytest with PYTHONHASHSEED=0 (README's command and .ci/run
do). Executors always get it; the few tests that hash on the driver skip without it.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PYTHONHASHSEED", "0")


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
