"""The ``pyspark`` import alias: ``import pyspark.X`` gives the module ``sparkcli.X``.

``install()`` puts :class:`PysparkAliasFinder` first on ``sys.meta_path`` (so under
``sparkcli submit``/``shell`` and in executors the alias wins over an installed PySpark: the
user asked for sparkcli). For ``pyspark[.X]`` the finder imports ``sparkcli[.X]`` and hands
back that very module object, so ``pyspark.SparkContext is sparkcli.SparkContext`` and
isinstance checks and pickles agree. A name without a sparkcli counterpart fails with
``ModuleNotFoundError`` (an ImportError) saying so.

The import system stamps the alias spec onto the module it loads (``module.__spec__``); the
loader restores the original spec right after, so ``sparkcli.X.__spec__.name`` stays
``sparkcli.X`` (reload, pickling by reference and ``python -m`` keep working).

Modules already imported as ``pyspark*`` before ``install()`` are left alone.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType

__all__ = ["PysparkAliasFinder", "install", "is_installed", "uninstall"]

ALIAS = "pyspark"
TARGET = "sparkcli"


def _target_name(fullname: str) -> str:
    return TARGET + fullname[len(ALIAS):]


# The import protocol needs only these methods; not subclassing importlib.abc keeps
# importlib.resources & co. (~7 ms) out of every driver's and executor's start-up.
class _AliasLoader:
    def __init__(self, module: ModuleType):
        self._module = module
        self._spec = module.__spec__

    def create_module(self, spec: object) -> ModuleType:
        return self._module

    def exec_module(self, module: ModuleType) -> None:
        if self._spec is not None:
            module.__spec__ = self._spec  # undo the import system's stamp (see docstring)


class PysparkAliasFinder:
    """Resolves ``pyspark`` and ``pyspark.*`` to the matching ``sparkcli`` modules."""

    def find_spec(self, fullname: str, path: object = None, target: object = None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        target_name = _target_name(fullname)
        try:
            module = importlib.import_module(target_name)
        except ModuleNotFoundError as e:
            if e.name and (target_name == e.name or target_name.startswith(e.name + ".")):
                raise ModuleNotFoundError(
                    f"{fullname} is not available in sparkcli yet (no module {target_name})",
                    name=fullname,
                ) from None
            raise
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def is_installed() -> bool:
    return any(isinstance(f, PysparkAliasFinder) for f in sys.meta_path)


def install() -> None:
    """Make ``import pyspark...`` resolve to sparkcli (idempotent)."""
    if not is_installed():
        sys.meta_path.insert(0, PysparkAliasFinder())


def uninstall() -> None:
    """Remove the alias and forget ``pyspark*`` entries it created (for tests)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, PysparkAliasFinder)]
    for name in [n for n in sys.modules if n == ALIAS or n.startswith(ALIAS + ".")]:
        mod = sys.modules[name]
        if getattr(mod, "__name__", "").startswith(TARGET):
            del sys.modules[name]
