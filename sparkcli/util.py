"""PySpark's ``pyspark.util`` threading helpers: :class:`InheritableThread` and
:func:`inheritable_thread_target` carry the creating thread's local properties (job group,
job tags, interruptOnCancel, description...) into another thread.

Local properties are per thread (sparkcli.context_jobs), as in PySpark's pinned thread mode:
a plain ``threading.Thread`` starts with none. :class:`InheritableThread` copies them when
the thread *starts*; :func:`inheritable_thread_target` copies them when the function is
*wrapped*. Either way the new thread gets its own copy: later changes on one side do not
reach the other. With no active SparkContext both behave as plain threads and functions.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable

from sparkcli.context import SparkContext

__all__ = ["InheritableThread", "inheritable_thread_target"]


def _active_context() -> Any:
    return SparkContext._active_spark_context


def _snapshot() -> dict | None:
    sc = _active_context()
    return None if sc is None else dict(sc._props())


def _apply(props: dict | None) -> None:
    sc = _active_context()
    if props is not None and sc is not None:
        sc._set_props(props)


class InheritableThread(threading.Thread):
    """A thread that starts with the local properties its starter had at ``start()``.

    >>> sc.setJobGroup("nightly", "the nightly load")  # doctest: +SKIP
    >>> seen = []
    >>> t = InheritableThread(target=lambda: seen.append(sc.getLocalProperty(
    ...     "spark.jobGroup.id")))  # doctest: +SKIP
    >>> t.start(); t.join()  # doctest: +SKIP
    >>> seen  # doctest: +SKIP
    ['nightly']
    """

    def __init__(self, target: Callable, *args: Any, session: Any = None,
                 **kwargs: Any) -> None:
        self._session = session
        self._props: dict | None = None

        def copy_local_properties(*a: Any, **k: Any) -> Any:
            _apply(self._props)
            return target(*a, **k)

        super().__init__(*args, target=copy_local_properties, **kwargs)

    def start(self) -> None:
        self._props = _snapshot()
        return super().start()


def inheritable_thread_target(f: Any) -> Callable:
    """Wrap a thread target so that it runs with the local properties of the thread that
    wrapped it (captured now, not when the thread starts). Given a SparkSession instead of
    a function, returns the decorator to apply (PySpark's Spark Connect form).

    >>> @inheritable_thread_target  # doctest: +SKIP
    ... def target_func():
    ...     pass
    >>> threading.Thread(target=target_func).start()  # doctest: +SKIP
    """
    props = _snapshot()
    if not callable(f) or hasattr(f, "sparkContext"):  # a SparkSession

        def outer(ff: Callable) -> Callable:
            return _wrap(ff, props)

        return outer
    return _wrap(f, props)


def _wrap(f: Callable, props: dict | None) -> Callable:
    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _apply(props)
        return f(*args, **kwargs)

    return wrapped
