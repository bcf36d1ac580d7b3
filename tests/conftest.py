"""Shared fixtures: a module-scoped local[2] SparkContext with its own SPARKCLI_HOME.

String hashing must agree between the driver (this pytest process) and the executors, as
under ``sparkcli submit`` (whose launcher sets PYTHONHASHSEED=0 for every process). A hash
seed only takes effect when an interpreter starts, so a pytest started without
PYTHONHASHSEED=0 starts itself again with it, before collecting: plain ``python -m pytest``
works (PySpark's own test runner sets the variable for the same reason).

A test (or a fixture it uses) that leaves SIGINT, SIGTERM or SIGCHLD with another disposition
than the one pytest started with fails (in the phase that changed it: setup, call or teardown)
and the disposition is put back. An ignored signal survives exec, so a leaked SIG_IGN made a
later test's submitted driver deaf to Ctrl-C; a library must restore what it changes. Both
the signal module's view and the kernel's (SigIgn in /proc/self/status) are checked. A
pytest started with SIGINT ignored (a background job of a non-interactive shell) restores
Python's handler first, so children see SIGINT as from a terminal.
"""

from __future__ import annotations

import os
import signal
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


_WATCHED = (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)


def _ignored_by_kernel() -> set[int]:
    """The watched signals the kernel ignores for this process (SigIgn of /proc/self/status,
    which also sees a disposition set from C, behind the signal module's back)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            mask = next(int(line.split()[1], 16) for line in f if line.startswith("SigIgn:"))
    except (OSError, StopIteration, ValueError):
        return set()
    return {s for s in _WATCHED if mask >> (s - 1) & 1}


# A background job of a non-interactive shell (``pytest ... &``, as CI runners start it)
# begins with SIGINT ignored, and Python then installs no KeyboardInterrupt handler; every
# child would inherit the SIG_IGN. Tests run as from a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
_EXPECTED = {s: signal.getsignal(s) for s in _WATCHED}  # this process's dispositions at start
_EXPECTED_IGNORED = _ignored_by_kernel()


def _check_signal_dispositions(phase: str, fail: bool = True) -> None:
    changed = []
    for signum, expected in _EXPECTED.items():
        now = signal.getsignal(signum)
        if now is not expected and now != expected:
            changed.append(f"{signal.Signals(signum).name}: {expected!r} -> {now!r}")
            if expected is not None:
                signal.signal(signum, expected)
    for signum in _ignored_by_kernel() ^ _EXPECTED_IGNORED:
        changed.append(f"{signal.Signals(signum).name}: ignored by the kernel: "
                       f"{signum in _EXPECTED_IGNORED} -> {signum not in _EXPECTED_IGNORED}")
        if _EXPECTED[signum] is not None:
            signal.signal(signum, _EXPECTED[signum])
    if changed and fail:
        pytest.fail(f"the test's {phase} left signal dispositions changed (restored now): "
                    + "; ".join(changed), pytrace=False)


def _guarded(phase: str):
    try:
        result = yield
    except BaseException:
        _check_signal_dispositions(phase, fail=False)  # restored; the phase failed already
        raise
    _check_signal_dispositions(phase)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    return (yield from _guarded("setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from _guarded("call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    return (yield from _guarded("teardown"))


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
