"""The event log writer (Spark's EventLoggingListener + SingleEventLogFileWriter).

With ``spark.eventLog.enabled`` the driver writes every listener event, as the JSON dict of
Spark's JsonProtocol, one per line, to ``<spark.eventLog.dir>/<app id>[_<attempt>][.zstd]``
(default directory: ``$SPARKCLI_HOME/spark-events``; ``file:`` URLs accepted). While the
application runs the file is named ``....inprogress``; :meth:`EventLogWriter.stop` renames
it, so a crashed application's log stays ``.inprogress`` and the history server lists it as
incomplete. The first line is SparkListenerLogStart with the version.

Secrets: the EnvironmentUpdate's Spark, Hadoop and System properties and the ``Properties`` of
JobStart/StageSubmitted are redacted with ``spark.redaction.regex`` before they reach the disk
(``*********(redacted)``), as Spark does. SparkListenerBlockUpdated is written only with
``spark.eventLog.logBlockUpdates.enabled`` (Spark's default leaves it out).

``spark.eventLog.compress=true`` compresses with ``spark.eventLog.compression.codec``; zstd
(Spark 4's default) needs the ``zstandard`` package (the ``eventlog`` extra); without it, or for
a codec Python cannot write (lz4, lzf, snappy), the log is written uncompressed with a warning.
Each line is flushed when written (a few microseconds; the history server and a crash see every
event that was posted). The writer is not thread-safe: one listener thread calls it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.parse
from typing import IO, Any

from runtime.status import redact

IN_PROGRESS = ".inprogress"
log = logging.getLogger("org.apache.spark.deploy.history.EventLogFileWriter")

UNLOGGED = {"SparkListenerExecutorMetricsUpdate"}


def default_dir(home: str) -> str:
    return os.path.join(home, "spark-events")


def local_path(uri: str) -> str:
    """``file:/x``, ``file:///x`` or a plain path -> a local path."""
    if uri.startswith("file:"):
        return urllib.parse.unquote(urllib.parse.urlsplit(uri).path) or "/"
    return uri


def _sanitize(name: str) -> str:
    """Spark's Utils.sanitizeDirName."""
    return re.sub(r"[.${}'\"]", "_", re.sub(r"[ :/]", "-", name)).lower()


def log_name(app_id: str, attempt_id: str | None = None, codec: str | None = None) -> str:
    base = _sanitize(app_id)
    if attempt_id:
        base += "_" + _sanitize(attempt_id)
    return base + (f".{codec}" if codec else "")


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() == "true"


def _open_zstd(path: str) -> IO[bytes]:
    import zstandard  # lazy: only for spark.eventLog.compress with zstd

    raw = open(path, "wb")  # noqa: SIM115 - closed through the stream writer
    return zstandard.ZstdCompressor().stream_writer(raw, closefd=True)


class EventLogWriter:
    """Writes one application's event log (see the module docstring)."""

    def __init__(self, app_id: str, conf: dict[str, str], home: str,
                 attempt_id: str | None = None, spark_version: str = "") -> None:
        self.log_dir = local_path(conf.get("spark.eventLog.dir") or default_dir(home))
        self.log_block_updates = _truthy(conf.get("spark.eventLog.logBlockUpdates.enabled"))
        self.overwrite = _truthy(conf.get("spark.eventLog.overwrite"))
        self._redact = redact.pattern(conf)
        codec = None
        if _truthy(conf.get("spark.eventLog.compress")):
            codec = (conf.get("spark.eventLog.compression.codec") or "zstd").lower()
        self._stream: IO[bytes]
        os.makedirs(self.log_dir, exist_ok=True)
        if codec == "zstd":
            try:
                self.final_path = os.path.join(self.log_dir, log_name(app_id, attempt_id, codec))
                self.path = self.final_path + IN_PROGRESS
                self._stream = _open_zstd(self.path)
            except ImportError:
                log.warning("spark.eventLog.compress: the zstd codec needs the zstandard "
                            "package (pip install zstandard); writing the event log "
                            "uncompressed")
                codec = None
        elif codec is not None:
            log.warning("spark.eventLog.compression.codec=%s cannot be written here (zstd "
                        "can); writing the event log uncompressed", codec)
            codec = None
        if codec is None:
            self.final_path = os.path.join(self.log_dir, log_name(app_id, attempt_id))
            self.path = self.final_path + IN_PROGRESS
            self._stream = open(self.path, "wb")  # noqa: SIM115 - closed by stop()
        self.codec = codec
        self.closed = False
        self.write({"Event": "SparkListenerLogStart", "Spark Version": spark_version})

    def redacted(self, event: dict) -> dict:
        name = event.get("Event")
        if name == "SparkListenerEnvironmentUpdate":
            event = dict(event)
            for key in ("Spark Properties", "Hadoop Properties", "System Properties"):
                if isinstance(event.get(key), dict):
                    event[key] = redact.redact_dict(event[key], self._redact)
        elif name in ("SparkListenerJobStart", "SparkListenerStageSubmitted") and \
                isinstance(event.get("Properties"), dict):
            event = dict(event)
            event["Properties"] = redact.redact_dict(event["Properties"], self._redact)
        return event

    def write(self, event: dict) -> None:
        if self.closed:
            return
        name = event.get("Event")
        if name in UNLOGGED or (name == "SparkListenerBlockUpdated"
                                and not self.log_block_updates):
            return
        line = json.dumps(self.redacted(event), separators=(",", ":"), default=str) + "\n"
        self._stream.write(line.encode("utf-8"))
        self._stream.flush()

    def stop(self) -> str:
        """Close the log and drop ``.inprogress`` from its name; returns the final path."""
        if self.closed:
            return self.final_path
        self.closed = True
        self._stream.close()
        if os.path.exists(self.final_path):
            log.warning("Event log %s already exists; %s", self.final_path,
                        "overwriting it" if self.overwrite else
                        "replacing it (set spark.eventLog.overwrite to silence this)")
        os.replace(self.path, self.final_path)
        return self.final_path
