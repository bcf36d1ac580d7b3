"""SparkFiles: where files added with ``sc.addFile`` / ``--files`` can be read in tasks."""

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
