"""Call sites: where in the user's program an API call was made, as Spark shows it.

* :func:`call_site` -- ``("collect at app.py:12", long form)`` for a job: the action is the
  outermost frame inside sparkcli/runtime (the method the user called), the place is the
  first frame outside them (and outside pyspark and the standard library), as Spark shows.
  SparkContext puts it in the job's properties (``callSite.short``/``callSite.long``).
* :func:`creation_site` -- the short form alone, for the lineage node an RDD wraps
  (``map at app.py:12``; sparkcli/rdd.py ``wrap``): stage names, StageInfo's RDD infos and
  toDebugString read it there. It runs for every RDD made, so it builds one string only.

The file is named by its full path, as PySpark shows it (``reduceByKey at
/home/me/app.py:4``; Spark's Scala call sites show a base name).
"""

from __future__ import annotations

import os
import sys
import sysconfig
from typing import Any

import runtime
from sparkcli.scope import WRAPPER_CODE

__all__ = ["call_site", "creation_site"]

_OURS = tuple(os.path.dirname(os.path.abspath(m.__file__)) + os.sep
              for m in (sys.modules[__name__.split(".")[0]], runtime))
_STDLIB = tuple({os.path.abspath(p) + os.sep
                 for p in (sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"])})
LONG_FRAMES = 5


def _ours(filename: str) -> bool:
    return filename.startswith(_OURS) or f"{os.sep}pyspark{os.sep}" in filename


def _library(filename: str) -> bool:
    return filename.startswith(_STDLIB) or filename.startswith("<frozen")


def _api_call(frame: Any) -> tuple[str, Any]:
    """(the API method the user called, the user's frame that called it, or None)."""
    action = None
    while frame is not None and _ours(frame.f_code.co_filename):
        if frame.f_code is not WRAPPER_CODE:  # a scope's wrapper is not the API method
            action = frame.f_code.co_name
        frame = frame.f_back
    user = frame
    while user is not None and _library(user.f_code.co_filename):
        user = user.f_back
    return action or "runJob", user


_PATHS: dict[str, str] = {}  # a frame's file name -> its full path


def _path(filename: str) -> str:
    path = _PATHS.get(filename)
    if path is None:
        path = _PATHS[filename] = filename if filename.startswith(("/", "<")) \
            else os.path.abspath(filename)
    return path


def creation_site(depth: int = 1) -> str:
    """``"<API method> at <file>:<line>"`` of the API call in progress (the method alone when
    no user frame called it, e.g. on a streaming scheduler thread)."""
    action, user = _api_call(sys._getframe(depth))
    if user is None:
        return action
    return f"{action} at {_path(user.f_code.co_filename)}:{user.f_lineno}"


def call_site(depth: int = 1) -> tuple[str, str]:
    """(short, long) call site of the API call in progress, seen from the caller's frame
    ``depth`` levels up; short is ``"<action> at <file>:<line>"``."""
    action, user = _api_call(sys._getframe(depth))
    if user is None:
        return action, action
    short = f"{action} at {_path(user.f_code.co_filename)}:{user.f_lineno}"
    lines = [f"{action} at {user.f_code.co_filename}:{user.f_lineno}"]
    caller = user.f_back
    while caller is not None and len(lines) < LONG_FRAMES:
        lines.append(f"{caller.f_code.co_name} at {caller.f_code.co_filename}:{caller.f_lineno}")
        caller = caller.f_back
    return short, "\n".join(lines)
