"""RDD operation scopes (Spark's RDDOperationScope): which API call made each RDD.

Every RDD made while one public API method runs (``map``, ``reduceByKey``, ``textFile``,
``count``...) carries the same scope, ``{"id":"7","name":"reduceByKey"}``: a new id per call
(one counter for the process, as Spark's), the method's name. Only the outermost call opens
a scope: ``reduceByKey`` calls ``combineByKey`` calls ``partitionBy``, and the RDDs they make
are all the ``reduceByKey`` scope's (Spark's withScope without nesting). The scope goes
into StageInfo's RDD infos and the event log's ``"Scope"`` field (runtime/scheduler/
posting.py), where the web UI's DAG visualization draws one box per scope around its RDDs,
as Spark's does, and into a job's properties as ``spark.rdd.scope``.

State: the open scope of each thread (``_open.scope``: the JSON text, or None) and the id
counter. :func:`scoped` wraps an API method; :func:`scope_all` wraps the public methods of
a class (the RDD API, whose every public method is an operation; SparkContext's methods
that make RDDs).
"""

from __future__ import annotations

import functools
import itertools
import threading
from typing import Any, Callable

__all__ = ["WRAPPER_CODE", "current", "scope_all", "scoped"]

_open = threading.local()
_ids = itertools.count()


def current() -> str | None:
    """The JSON text of the scope open on this thread, or None."""
    return getattr(_open, "scope", None)


def scoped(func: Callable) -> Callable:
    """``func`` opening a scope named after it, unless one is open already."""
    name = func.__name__

    @functools.wraps(func)
    def in_scope(*args: Any, **kwargs: Any) -> Any:
        if getattr(_open, "scope", None) is not None:
            return func(*args, **kwargs)
        _open.scope = f'{{"id":"{next(_ids)}","name":"{name}"}}'
        try:
            return func(*args, **kwargs)
        finally:
            _open.scope = None

    return in_scope


#: the code of every :func:`scoped` wrapper (call sites skip its frames: sparkcli/callsite.py)
WRAPPER_CODE = scoped(lambda: None).__code__


def scope_all(cls: type, names: tuple = ()) -> type:
    """Wrap the methods ``names`` of ``cls`` -- by default every public method, its bases'
    included -- in :func:`scoped`. The wrappers are set on ``cls`` alone, so the classes
    that define them (mixins) keep the plain functions (and their doctests)."""
    for name in names or [n for n in dir(cls) if not n.startswith("_")]:
        value = getattr(cls, name)
        if callable(value) and not isinstance(value, type) and \
                not isinstance(cls.__dict__.get(name), (staticmethod, classmethod)) \
                and not hasattr(value, "__self__"):
            setattr(cls, name, scoped(value))
    return cls
