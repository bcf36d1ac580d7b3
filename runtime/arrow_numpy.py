"""pyarrow without numpy until something needs numpy.

Importing pyarrow imports numpy, and numpy is most of that cost: 60-100 ms of CPU of
pyarrow's 100-150 ms, in every process that loads it. A DataFrame application's driver and
executors need pyarrow for their first query (Arrow batches, IPC), but numpy only for some
kernels (hash partitioning, windows, sketches...): ``spark.range(10).show()`` never does.
pyarrow (16 and later) treats numpy as optional: ``pyarrow.lib`` and ``pyarrow._compute`` try
``import numpy`` when they load and, if that fails, work without it.

:func:`install` puts an :class:`ArrowNumpyFinder` first on ``sys.meta_path``. It does two
things, and nothing for any other module:

* **pyarrow loads without numpy** when the engine imports it. While a thread runs the
  import of a ``pyarrow`` module that the project's own code started and numpy is not
  loaded, a search for ``numpy`` from that thread fails (ModuleNotFoundError), so pyarrow's
  optional import falls back to "no numpy". Other threads are not affected, and an
  application's own first ``import pyarrow`` loads numpy as usual.
* **numpy, once imported, is given to pyarrow.** When ``numpy`` is imported later (by a
  kernel, pandas, the user's code), :func:`_give_numpy_to_pyarrow` does what pyarrow's import
  would have done with numpy present: it initializes the C++ layer's NumPy C-API by calling
  ``arrow::py::arrow_init_numpy()``, which libarrow_python exports (through
  ``ctypes.PyDLL``: the call needs the GIL), and sets the module globals ``np`` of
  ``pyarrow.lib`` and ``pyarrow._compute`` (and ``ndarray`` in ``_compute``'s
  ``SUPPORTED_INPUT_ARR_TYPES``). From then on ``to_numpy()``, ``pa.array(ndarray)``, numpy
  scalars in lists and pandas conversions work as after an eager import
  (tests/runtime/test_arrow_numpy.py runs them both ways and compares).

The one thing that differs before numpy is imported: ``Array.to_numpy()`` raises
ImportError ("Cannot return a numpy.ndarray if NumPy is not present"), so engine code
imports numpy before it calls ``to_numpy`` (tests/test_lazy_imports.py checks every such
call in the project), and the places that hand Arrow objects to an application's code call
:func:`give_numpy` first (``DataFrame.toArrow``, ``mapInArrow``, Arrow UDFs). An application
may also import pyarrow itself after the engine loaded it, and call ``to_numpy()`` on an array
of its own without ever importing numpy: so while numpy is deferred, the public pyarrow modules
(:data:`_WATCHED`) are instances of :class:`_WatchedModule`, whose attribute lookups check who
asks. The first lookup from code that is not the engine's, pyarrow's or the import machinery's
(``pa.array``, ``import pyarrow.compute as pc``, ``from pyarrow.parquet import read_table``)
imports numpy, which gives it to pyarrow, and the modules become plain modules again. The
engine's own lookups meanwhile cost a frame check each. Everything else numpy-related needs a
numpy object, hence numpy loaded.

These are pyarrow internals, so this is done only for the pyarrow versions in
:data:`TESTED_MAJORS`, read from ``pyarrow/_generated_version.py`` without importing
pyarrow, and only on POSIX (``RTLD_NOLOAD``); otherwise, or when pyarrow or numpy is
already loaded, :func:`install` does nothing and pyarrow loads numpy as usual.

State, guarded by ``_lock``: ``_importing`` (the threads running a pyarrow import with numpy
hidden), ``_hidden`` (some pyarrow module has been loaded that way), ``_given`` (numpy has
been given to pyarrow).

Installed by the processes that start the DataFrame engine, before their first pyarrow
import: the command line's launcher (the driver) and the executor zygote
(runtime/executor/zygote_process.py); not by library use (``import pyspark`` from a plain
Python program).
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import sys
import threading
import warnings
from types import ModuleType
from typing import Any, Callable, Sequence

__all__ = ["ArrowNumpyFinder", "TESTED_MAJORS", "give_numpy", "install", "numpy_deferred"]

#: pyarrow major versions whose numpy hand-over (the module globals and the exported C++
#: function below) tests/runtime/test_arrow_numpy.py has checked
TESTED_MAJORS = frozenset({26})

#: arrow::py::arrow_init_numpy(), libarrow_python's NumPy C-API initialization
_INIT_NUMPY = "_ZN5arrow2py16arrow_init_numpyEv"

#: top-level package names of the frames looked past when asking whose code runs: the import
#: machinery, pickling (which acts for whoever pickles) and pyarrow itself
_MACHINERY = frozenset({"importlib", "_frozen_importlib", "_frozen_importlib_external",
                        "pickle", "copyreg", "cloudpickle", "pyarrow"})
#: top-level packages of the engine's code: this one, and those :func:`install` is given
_engine: set[str] = {__name__.partition(".")[0]}
#: the pyarrow modules an application imports by name, watched while numpy is deferred
_WATCHED = ("pyarrow", "pyarrow.compute", "pyarrow.parquet", "pyarrow.ipc", "pyarrow.csv",
            "pyarrow.json", "pyarrow.dataset", "pyarrow.fs", "pyarrow.feather", "pyarrow.types")

_lock = threading.RLock()
_importing: set[int] = set()
_hidden = False
_given = False


def _pyarrow_major() -> int | None:
    """pyarrow's major version, from its ``_generated_version.py`` (pyarrow not imported)."""
    try:
        spec = importlib.machinery.PathFinder.find_spec("pyarrow")
        if spec is None or not spec.submodule_search_locations:
            return None
        folder = list(spec.submodule_search_locations)[0]
        with open(os.path.join(folder, "_generated_version.py"), encoding="utf-8") as f:
            m = re.search(r"version_tuple\s*=\s*\((\d+),", f.read())
        return int(m.group(1)) if m else None
    except (OSError, ImportError, ValueError):
        return None


def numpy_deferred() -> bool:
    """Whether pyarrow was loaded without numpy and has not been given it yet."""
    return _hidden and not _given


class _Hooked:
    """A loader that calls ``before()`` when the module is created and ``after(token)``
    once it has run (or failed); every other attribute is the wrapped loader's."""

    def __init__(self, loader: Any, before: Callable[[], Any], after: Callable[[Any], None]):
        self._loader, self._before, self._after = loader, before, after
        self._token: Any = None

    def create_module(self, spec: Any) -> ModuleType | None:
        self._token = self._before()  # an extension module may run its body here
        try:
            return self._loader.create_module(spec)
        except BaseException:
            self._after(self._token)
            raise

    def exec_module(self, module: ModuleType) -> None:
        try:
            self._loader.exec_module(module)
        finally:
            self._after(self._token)

    def __getattr__(self, name: str) -> Any:  # get_code, get_source, is_package, get_data...
        return getattr(self._loader, name)


class ArrowNumpyFinder:
    """The meta path finder of :func:`install` (see the module docstring)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> Any:
        top = fullname.partition(".")[0]
        if top == "numpy":
            if threading.get_ident() in _importing and "numpy" not in sys.modules:
                raise ModuleNotFoundError(
                    "numpy is imported on first use (runtime/arrow_numpy.py)", name=fullname)
            if fullname != "numpy" or not _hidden or _given:
                return None
            return self._hooked(fullname, path, target, _nothing, _numpy_loaded)
        if top != "pyarrow" or "numpy" in sys.modules:
            return None
        if not _hidden and not _imported_by_engine():  # once hidden, every pyarrow module is
            return None
        return self._hooked(fullname, path, target, _hide_numpy, _show_numpy)

    def _hooked(self, fullname: str, path: Any, target: Any, before: Callable[[], Any],
                after: Callable[[Any], None]) -> Any:
        """The spec the other finders give, its loader wrapped (None if they have none)."""
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Hooked(spec.loader, before, after)
                return spec
        return None


def _owner(frame: Any) -> str | None:
    """The top-level package of a frame's module, None for the import machinery, pyarrow
    and this module (frames to look past)."""
    name = frame.f_globals.get("__name__") or ""
    spec = frame.f_globals.get("__spec__")
    if name == "__main__" and spec is not None:  # a module run with -m: the zygote's
        name = spec.name or name
    top = name.partition(".")[0]
    return None if name == __name__ or top in _MACHINERY else top


def _imported_by_engine() -> bool:
    """Whether the pyarrow import under way was started by the project's own code: the
    first frame up the stack that is not the import machinery, pyarrow or this module
    belongs to one of the ``_engine`` packages. An application's own ``import pyarrow``
    loads numpy with it as usual, so its ``to_numpy()`` works as it would anywhere else."""
    frame = sys._getframe(1)
    while frame is not None:
        top = _owner(frame)
        if top is not None:
            return top in _engine
        frame = frame.f_back
    return False


class _WatchedModule(ModuleType):
    """A pyarrow module while numpy is deferred: a lookup by an application's code first
    gives numpy to pyarrow (see the module docstring)."""

    def __getattribute__(self, name: str) -> Any:
        if name[:1] != "_" and not _given:  # __spec__, __version__...: no array work
            owner = _owner(sys._getframe(1))
            if owner is not None and owner not in _engine:
                give_numpy()
                _unwatch()  # numpy missing or refused: stop checking, pyarrow works without it
        return ModuleType.__getattribute__(self, name)


def _watch() -> None:
    for name in _WATCHED:
        module = sys.modules.get(name)
        if module is not None and type(module) is ModuleType:
            module.__class__ = _WatchedModule


def _unwatch() -> None:
    for name in _WATCHED:
        module = sys.modules.get(name)
        if module is not None and type(module) is _WatchedModule:
            module.__class__ = ModuleType


def give_numpy() -> None:
    """Hand numpy to pyarrow now if it was deferred (numpy imported: see the module
    docstring): called before Arrow objects reach an application's code (``toArrow``,
    ``mapInArrow``, Arrow UDFs), whose ``to_numpy()`` must work as with an eager import."""
    if numpy_deferred():
        try:
            import numpy  # noqa: F401  (the finder gives it to pyarrow)
        except ImportError:
            pass


def _nothing() -> None:
    return None


def _hide_numpy() -> bool:
    ident = threading.get_ident()
    with _lock:
        if ident in _importing:
            return False  # a module imported by the pyarrow import this thread runs
        _importing.add(ident)
        return True


def _show_numpy(added: bool) -> None:
    global _hidden
    if not added:
        return
    with _lock:
        _importing.discard(threading.get_ident())
        _hidden = True
        if "numpy" in sys.modules and not _importing:  # another thread imported it meanwhile
            _give_numpy_to_pyarrow()
        elif not _given:
            _watch()


def _numpy_loaded(_: Any = None) -> None:
    with _lock:
        if not _importing:
            _give_numpy_to_pyarrow()


def _give_numpy_to_pyarrow() -> None:
    """What pyarrow's import does when numpy is present, done now (see the docstring)."""
    global _given
    with _lock:
        numpy, lib = sys.modules.get("numpy"), sys.modules.get("pyarrow.lib")
        if _given or not _hidden or numpy is None or lib is None or \
                getattr(numpy, "ndarray", None) is None:  # numpy's own import failed
            return
        _given = True
        _unwatch()
        try:
            _init_numpy_c_api(os.path.dirname(lib.__file__ or ""))
        except (OSError, AttributeError, ImportError) as e:
            warnings.warn(f"pyarrow could not be given numpy after its import ({e}); "
                          "Arrow <-> numpy conversions will fail", RuntimeWarning,
                          stacklevel=2)
            return
        lib.np = numpy  # type: ignore[attr-defined]
        compute = sys.modules.get("pyarrow._compute")
        if compute is not None:
            compute.np = numpy  # type: ignore[attr-defined]
            kinds = compute.SUPPORTED_INPUT_ARR_TYPES  # type: ignore[attr-defined]
            if numpy.ndarray not in kinds:
                compute.SUPPORTED_INPUT_ARR_TYPES = kinds + (numpy.ndarray,)  # type: ignore


def _init_numpy_c_api(folder: str) -> None:
    """Call arrow::py::arrow_init_numpy() in the libarrow_python that pyarrow.lib loaded
    (a wheel holds copies under several names: the loaded one answers RTLD_NOLOAD)."""
    import ctypes

    names = sorted((n for n in os.listdir(folder) if n.startswith("libarrow_python.")),
                   key=len, reverse=True)
    for name in names:
        try:
            so = ctypes.PyDLL(os.path.join(folder, name),
                              mode=os.RTLD_NOLOAD | os.RTLD_NOW)  # type: ignore[attr-defined]
        except OSError:
            continue
        init = getattr(so, _INIT_NUMPY)
        init.restype = ctypes.c_int
        if init() != 0:
            raise ImportError("arrow_init_numpy() failed")
        return
    raise OSError(f"no loaded libarrow_python in {folder}")


def install(packages: tuple[str, ...] = ()) -> bool:
    """Put an :class:`ArrowNumpyFinder` first on ``sys.meta_path`` (once), unless pyarrow
    or numpy is already loaded, pyarrow is not a version of :data:`TESTED_MAJORS`, or the
    platform has no ``RTLD_NOLOAD``; True when it is in place. ``packages``: the top-level
    packages, besides this one, whose pyarrow imports are the engine's (the API's)."""
    _engine.update(packages)
    if any(isinstance(f, ArrowNumpyFinder) for f in sys.meta_path):
        return True
    if "pyarrow" in sys.modules or "numpy" in sys.modules or not hasattr(os, "RTLD_NOLOAD"):
        return False
    if _pyarrow_major() not in TESTED_MAJORS:
        return False
    sys.meta_path.insert(0, ArrowNumpyFinder())
    return True
