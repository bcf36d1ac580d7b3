"""Tracebacks as a user should read them: the application's frames, not the engine's.

An exception that reaches the user (a task's error on the executor, the app's error under
``sparkcli submit``, code piped into ``sparkcli shell``) is shown without the frames of sparkcli's
own packages (``sparkcli/``, ``runtime/``) and of ``runpy``: what is left is the path through
the user's code, as in a plain ``python app.py`` run. When *no* frame is the user's (a bug in
sparkcli itself), every frame is kept, so the report is still debuggable. Chained exceptions
(``raise ... from``, "During handling of ...") are filtered the same way.
"""

from __future__ import annotations

import os
import traceback

_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))
# runpy's path without importing it: executors start lean
_RUNPY = os.path.join(os.path.dirname(os.__file__), "runpy.py")
_INTERNAL_DIRS = tuple(os.path.join(d, "") for d in (
    _RUNTIME_DIR, os.path.join(os.path.dirname(_RUNTIME_DIR), "sparkcli")))


def is_internal(filename: str) -> bool:
    """True for a frame of sparkcli's own packages, runpy, or a frozen import module."""
    return (filename.startswith(_INTERNAL_DIRS) or filename == _RUNPY
            or filename.startswith("<frozen "))


def _filter(te: traceback.TracebackException, seen: set) -> None:
    if id(te) in seen:
        return
    seen.add(id(te))
    user = [f for f in te.stack if not is_internal(f.filename)]
    if user:
        te.stack = traceback.StackSummary.from_list(user)
    for chained in (te.__cause__, te.__context__):
        if chained is not None:
            _filter(chained, seen)


def format_user_exception(exc: BaseException) -> str:
    """``exc`` formatted like the interpreter does, without sparkcli's own frames."""
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__, compact=True)
    _filter(te, set())
    return "".join(te.format())
