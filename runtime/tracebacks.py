"""Tracebacks as a user should read them: the application's frames, not the engine's.

An exception that reaches the user (a task's error on the executor, the app's error under
the ``submit`` command, code piped into the shell) is shown without the frames of the engine
(``runtime/``), of the packages layered on it that registered with :func:`hide_frames_under`
(the API does, when it is imported) and of ``runpy``: what is left is the path through the
user's code, as in a plain ``python app.py`` run. When *no* frame is the user's (a bug in the
engine or the API), every frame is kept, so the report is still debuggable. Chained
exceptions (``raise ... from``, "During handling of ...") are filtered the same way.
"""

from __future__ import annotations

import os
import traceback

_RUNTIME_DIR = os.path.dirname(os.path.abspath(__file__))
# runpy's path without importing it: executors start lean
_RUNPY = os.path.join(os.path.dirname(os.__file__), "runpy.py")
_internal_dirs: tuple[str, ...] = (os.path.join(_RUNTIME_DIR, ""),)


def hide_frames_under(directory: str) -> None:
    """Treat frames of files under ``directory`` (a package layered on the engine) as
    internal, like the engine's own."""
    global _internal_dirs
    entry = os.path.join(os.path.abspath(directory), "")
    if entry not in _internal_dirs:
        _internal_dirs = (*_internal_dirs, entry)


def is_internal(filename: str) -> bool:
    """True for a frame of the engine or a registered package, runpy, or a frozen import
    module."""
    return (filename.startswith(_internal_dirs) or filename == _RUNPY
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
    """``exc`` formatted like the interpreter does, without internal frames."""
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__, compact=True)
    _filter(te, set())
    return "".join(te.format())
