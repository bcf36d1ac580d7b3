"""``spark.read`` (DataFrameReader) and ``df.write`` (DataFrameWriter)."""

from __future__ import annotations

from typing import Any

__all__ = ["DataFrameReader", "DataFrameWriter"]


class DataFrameReader:
    def __init__(self, session: Any):
        self._session = session


class DataFrameWriter:
    def __init__(self, df: Any):
        self._df = df
