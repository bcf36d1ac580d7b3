"""A streaming query's checkpoint directory, in Spark's layout.

::

    <checkpoint>/metadata          {"id":"<query id>"}
    <checkpoint>/offsets/<N>       v1, then the batch's metadata JSON (batchWatermarkMs,
                                   batchTimestampMs, conf: the state-affecting settings such as
                                   spark.sql.shuffle.partitions), then one offset JSON per source
    <checkpoint>/commits/<N>       v1, then {"nextBatchWatermarkMs":...}
    <checkpoint>/sources/<i>/<N>   a source's own log (the file source's files of batch N)
    <checkpoint>/state/<op>/<p>/   the state store of stateful operator <op>, partition <p>

Every file is written whole to a temporary name and renamed into place, so a reader (a
restarted query) sees a batch's entry entirely or not at all. The protocol (micro-batch loop):
``offsets/N`` is written before batch N runs, ``commits/N`` after its sink has the output;
on restart a batch with an offset entry and no commit entry runs again with the same offsets
(the sinks are idempotent per batch id), and the next batch is the one after.
"""

from __future__ import annotations

import json
import os
import uuid


__all__ = ["Checkpoint", "atomic_write", "read_log", "write_log"]

VERSION = "v1"


def atomic_write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_log(path: str, entries: list[str]) -> None:
    atomic_write(path, "\n".join([VERSION] + entries))


def read_log(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or not lines[0].startswith("v"):
        raise ValueError(f"Log file was malformed: failed to read correct log version from "
                         f"{path}.")
    return lines[1:]


def _batches(directory: str) -> list[int]:
    if not os.path.isdir(directory):
        return []
    return sorted(int(n) for n in os.listdir(directory) if n.isdigit())


class Checkpoint:
    """Reads and writes one query's checkpoint directory (see the module doc)."""

    def __init__(self, root: str):
        self.root = root
        os.makedirs(root, exist_ok=True)

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def query_id(self) -> str:
        """The id recorded in ``metadata``; a new one is written on first use."""
        meta = self.path("metadata")
        if os.path.exists(meta):
            with open(meta, encoding="utf-8") as f:
                return json.loads(f.read().split("\n")[0])["id"]
        qid = str(uuid.uuid4())
        atomic_write(meta, json.dumps({"id": qid}, separators=(",", ":")))
        return qid

    def latest_offsets(self) -> tuple[int, dict, list] | None:
        """(batch id, metadata, [source offset JSON]) of the last offset entry, or None."""
        ids = _batches(self.path("offsets"))
        if not ids:
            return None
        return (ids[-1],) + self.offsets(ids[-1])  # type: ignore[return-value]

    def offsets(self, batch_id: int) -> tuple[dict, list]:
        lines = read_log(self.path("offsets", str(batch_id)))
        return json.loads(lines[0]), [None if x == "-" else json.loads(x) for x in lines[1:]]

    def write_offsets(self, batch_id: int, metadata: dict, offsets: list) -> None:
        write_log(self.path("offsets", str(batch_id)),
                  [json.dumps(metadata, separators=(",", ":"))] +
                  ["-" if o is None else json.dumps(o, separators=(",", ":")) for o in offsets])

    def latest_commit(self) -> tuple[int, dict] | None:
        ids = _batches(self.path("commits"))
        if not ids:
            return None
        return ids[-1], json.loads(read_log(self.path("commits", str(ids[-1])))[0])

    def write_commit(self, batch_id: int, next_watermark_ms: int) -> None:
        write_log(self.path("commits", str(batch_id)),
                  [json.dumps({"nextBatchWatermarkMs": next_watermark_ms},
                              separators=(",", ":"))])

    def source_dir(self, index: int) -> str:
        return self.path("sources", str(index))

    def state_dir(self, op: int) -> str:
        return self.path("state", str(op))

    def purge(self, keep_from: int) -> None:
        """Drop offset/commit entries older than ``keep_from`` (minBatchesToRetain)."""
        for sub in ("offsets", "commits"):
            for b in _batches(self.path(sub)):
                if b < keep_from:
                    try:
                        os.remove(self.path(sub, str(b)))
                    except OSError:
                        pass


