"""Structured Streaming's API (``pyspark.sql.streaming``): DataStreamReader/Writer,
StreamingQuery, StreamingQueryManager, StreamingQueryListener. The engine is in
runtime/sql/streaming."""

from __future__ import annotations

from sparkcli.sql.streaming.listener import StreamingQueryListener, StreamingQueryProgress
from sparkcli.sql.streaming.query import StreamingQuery, StreamingQueryManager
from sparkcli.sql.streaming.readwriter import DataStreamReader, DataStreamWriter

__all__ = ["DataStreamReader", "DataStreamWriter", "StreamingQuery", "StreamingQueryListener",
           "StreamingQueryManager", "StreamingQueryProgress"]
