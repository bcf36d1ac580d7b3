"""Shared fixtures: a module-scoped local[2] SparkContext with its own SPARKCLI_HOME.

String hashing must agree between the driver (this pytest process) and the executors, as
under ``sparkcli submit`` (whose launcher sets PYTHONHASHSEED=0 for every process). A hash
seed only takes effect when an interpreter starts, so a pytest started without
PYTHONHASHSEED=0 starts itself again with it, before collecting: plain ``python -m pytest``
works (PySpark's own test runner sets the variable for the same reason).
"""

from __future__ import annotations

import os
import sys

import pytest


#: the environment pytest was started with (plugins may add COLUMNS/LINES later)
_START_ENV = dict(os.environ)


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTHONHASHSEED") == "0":
        return
    capture = config.pluginmanager.getplugin("capturemanager")
    if capture is not None:  # give the new process the real stdout/stderr, not capture files
        capture.suspend_global_capture(in_=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, "-m", "pytest", *sys.argv[1:]],
              dict(_START_ENV, PYTHONHASHSEED="0"))


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
