"""SparkFiles: where files added with ``sc.addFile`` / ``--files`` can be read in tasks; and
:func:`sys_path_entry`, how a ``--py-files`` item becomes importable (driver and executors)."""

from __future__ import annotations

import os


class SparkFiles:
    _root_directory: str | None = None

    def __init__(self) -> None:
        raise NotImplementedError("Do not construct SparkFiles objects")

    @classmethod
    def get(cls, filename: str) -> str:
        return os.path.abspath(os.path.join(cls.getRootDirectory(), filename))

    @classmethod
    def getRootDirectory(cls) -> str:
        root = cls._root_directory or os.environ.get("SPARKCLI_FILES_DIR")
        if root is None:
            raise RuntimeError("SparkFiles.getRootDirectory() needs an active SparkContext")
        return root


def sys_path_entry(path: str) -> str:
    """The sys.path entry that makes a --py-files item importable: an archive (.zip, .egg,
    .whl) itself, a .py file's directory, a directory itself."""
    if os.path.isfile(path) and path.lower().endswith(".py"):
        return os.path.dirname(os.path.abspath(path))
    return os.path.abspath(path)
