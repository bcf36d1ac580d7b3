"""Nodes that read files: ``sc.textFile``, ``sc.wholeTextFiles``, ``sc.pickleFile``.

Input paths follow Hadoop's FileInputFormat: a path may be a file, a directory (its
non-hidden files: names starting with ``.`` or ``_`` are skipped, so ``_SUCCESS`` is too),
a glob, or a comma-separated list of those; files are taken in sorted order; ``file:``
URIs are accepted. A missing path raises ``FileNotFoundError`` ("Input path does not
exist: file:/...") when the node is built (Spark raises it at the first action).

TextFile partitions are Hadoop's byte-range splits (old-API FileInputFormat.getSplits):

    goal_size  = total_size // minPartitions
    split_size = max(1, min(goal_size, 32 MB))       # 32 MB = the local FS block size
    each file gets as many splits as Hadoop cuts (split_size ranges while remaining /
    split_size > 1.1, SPLIT_SLOP) -- rounded up to a multiple of the default parallelism
    when there is more than one -- and of equal sizes, so no slot idles while another reads
    a remainder or a last extra split (a deliberate difference from Hadoop's counts);
    an empty file is one empty split; a compressed file (.gz, .bz2, .deflate) is one split.

Split ``[start, end)`` owns the lines that *start* inside it: unless ``start == 0`` the
reader skips through the first newline at or after ``start - 1``, and it reads on past
``end`` to finish a line that started before ``end``. So every line belongs to exactly one
split. Lines end at ``\\n`` (a preceding ``\\r`` is dropped) and are yielded without it.

Reading is done in binary, in blocks of CHUNK bytes cut at the last newline, each block
decoded once (UTF-8, invalid bytes replaced like Hadoop's Text) and split with
``str.split``: per-line work is a C-level split, not a Python readline loop.

Every node here adds what it reads to the task's input metrics (``tc.io``), block by block
as its records are consumed: the records it yields, and the bytes of the lines it owns with
their newlines (the bytes on disk for a compressed file, the file's size; Spark counts the
file system's bytes, which for a split adds a line's worth of read-ahead).
"""

from __future__ import annotations

import bz2
import glob
import gzip
import os
import zlib
from typing import Any, Iterator

from runtime import serde
from runtime.lineage.node import Node
from runtime.task_env import io_metrics

BLOCK_SIZE = 32 << 20  # fs.local.block.size
SPLIT_SLOP = 1.1
CHUNK = 128 << 10  # small blocks stay in CPU caches: faster than big ones
COMPRESSED = (".gz", ".bz2", ".deflate")


def local_path(path: str) -> str:
    """``file:/x``, ``file:///x`` or a plain path -> an absolute local path."""
    if path.startswith("file://"):
        path = path[len("file://"):]
    elif path.startswith("file:"):
        path = path[len("file:"):]
    elif "://" in path:
        raise ValueError(f"Unsupported file system in {path!r}: only local paths "
                         "(file:/...) can be read and written")
    return os.path.abspath(os.path.expanduser(path))


def list_input_files(path: str) -> list[tuple[str, int]]:
    """(absolute path, size) of the input files named by ``path`` (see module doc)."""
    out: list[tuple[str, int]] = []
    for part in str(path).split(","):
        part = part.strip()
        if not part:
            continue
        p = local_path(part)
        if glob.has_magic(p):
            matches = [m for m in sorted(glob.glob(p))
                       if not os.path.basename(m).startswith((".", "_"))]
            if not matches:
                raise FileNotFoundError(f"Input Pattern file:{p} matches 0 files")
        else:
            if not os.path.exists(p):
                raise FileNotFoundError(f"Input path does not exist: file:{p}")
            matches = [p]
        for m in matches:
            if os.path.isdir(m):
                for name in sorted(os.listdir(m)):
                    if name.startswith((".", "_")):
                        continue
                    fp = os.path.join(m, name)
                    if os.path.isfile(fp):
                        out.append((fp, os.path.getsize(fp)))
            else:
                out.append((m, os.path.getsize(m)))
    return out


def compute_splits(files: list[tuple[str, int]], min_partitions: int,
                   parallelism: int = 1) -> list[tuple]:
    """Hadoop's splits: (path, start, end) per partition (see module doc)."""
    total = sum(size for _, size in files)
    goal = total // max(min_partitions, 1)
    split_size = max(1, min(goal, BLOCK_SIZE))
    splits: list[tuple] = []
    for path, size in files:
        if size == 0 or path.endswith(COMPRESSED):
            splits.append((path, 0, size))
            continue
        # as many splits as Hadoop makes, but of equal size: Hadoop's last split is a
        # remainder, which leaves one task slot idle while another reads a whole block
        count, remaining = 0, size
        while remaining / split_size > SPLIT_SLOP:
            remaining -= split_size
            count += 1
        count += 1 if remaining else 0
        if count > 1 and parallelism > 1:  # whole rounds of tasks: no slot idles at the end
            count = -(-count // parallelism) * parallelism
        bounds = [size * i // count for i in range(count + 1)]
        splits += [(path, bounds[i], bounds[i + 1]) for i in range(count)]
    return splits


def open_input(path: str) -> Any:
    """A binary read stream, decompressing by file extension."""
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    if path.endswith(".deflate"):
        return _InflateReader(path)
    return open(path, "rb", buffering=0)


class _InflateReader:
    def __init__(self, path: str):
        self._f = open(path, "rb")
        self._z = zlib.decompressobj()
        self._buf = b""

    def read(self, n: int = -1) -> bytes:
        while (n < 0 or len(self._buf) < n) and not self._z.eof:
            raw = self._f.read(CHUNK)
            if not raw:
                self._buf += self._z.flush()
                break
            self._buf += self._z.decompress(raw)
        if n < 0:
            data, self._buf = self._buf, b""
        else:
            data, self._buf = self._buf[:n], self._buf[n:]
        return data

    def __enter__(self) -> "_InflateReader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._f.close()


def read_blocks(path: str, start: int, end: int | None) -> Iterator[bytes]:
    """Blocks of whole lines (joined by ``\\n``, no trailing newline) of split [start, end).

    ``end=None`` reads to the end of the stream (compressed files).
    """
    with open_input(path) as f:
        pos = 0
        if start > 0:
            f.seek(start - 1)
            pos = start - 1
            while True:  # skip the line that started before this split
                buf = f.read(1 << 16)
                if not buf:
                    return
                i = buf.find(b"\n")
                if i >= 0:
                    pos += i + 1
                    break
                pos += len(buf)
            if end is not None and pos >= end:
                return
            f.seek(pos)
        remaining = (end - pos) if end is not None else -1
        pending: list[bytes] = []  # the start of a line whose newline is not read yet
        while remaining != 0:
            buf = f.read(CHUNK if remaining < 0 else min(CHUNK, remaining))
            if not buf:
                break
            if remaining > 0:
                remaining -= len(buf)
            i = buf.rfind(b"\n")
            if i < 0:
                pending.append(buf)
                continue
            if pending:
                pending.append(buf[:i])
                yield b"".join(pending)
            else:
                yield buf[:i]
            pending = [buf[i + 1:]] if i + 1 < len(buf) else []
        if pending:  # a line that started inside the split: finish it
            if end is not None:
                while True:
                    buf = f.read(1 << 16)
                    if not buf:
                        break
                    i = buf.find(b"\n")
                    if i >= 0:
                        pending.append(buf[:i])
                        break
                    pending.append(buf)
            yield b"".join(pending)


def block_lines(block: bytes, use_unicode: bool) -> list:
    if use_unicode:
        text = block.decode("utf-8", "replace")
        lines = text.split("\n")
        if "\r" in text:
            lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
        return lines
    lines = block.split(b"\n")
    if b"\r" in block:
        lines = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
    return lines


class TextFile(Node):
    """Lines of the files named by ``path``, one partition per split (see module doc);
    ``parallelism`` is the default parallelism the split count is rounded to."""

    rdd_class = "TextFileRDD"

    def __init__(self, id: int, path: str, min_partitions: int, parallelism: int = 1,
                 use_unicode: bool = True):
        self.path = path
        self.use_unicode = use_unicode
        self.splits = compute_splits(list_input_files(path), min_partitions, parallelism)
        super().__init__(id, [], len(self.splits))
        self.name = path

    def compute(self, split: int, tc: Any) -> Iterator:
        path, start, end = self.splits[split]
        io = io_metrics(tc)
        compressed = path.endswith(COMPRESSED)
        if compressed:
            blocks = read_blocks(path, 0, None)
        elif end <= start:
            return
        else:
            blocks = read_blocks(path, start, end)
        use_unicode = self.use_unicode
        for block in blocks:
            lines = block_lines(block, use_unicode)
            io.records_read += len(lines)
            if not compressed:
                io.bytes_read += len(block) + 1
            yield from lines
        if compressed:
            io.bytes_read += end


class WholeTextFiles(Node):
    """(``file:/abs/path``, content) per file; files packed into about min_partitions
    partitions of at most ceil(total / min_partitions) bytes (CombineFileInputFormat)."""

    rdd_class = "WholeTextFilesRDD"

    def __init__(self, id: int, path: str, min_partitions: int, use_unicode: bool = True):
        self.path = path
        self.use_unicode = use_unicode
        files = list_input_files(path)
        total = sum(size for _, size in files)
        max_size = -(-total // max(min_partitions, 1))
        groups: list[list[str]] = []
        current: list[str] = []
        current_size = 0
        for fp, size in files:
            if current and current_size + size > max_size:
                groups.append(current)
                current, current_size = [], 0
            current.append(fp)
            current_size += size
        if current:
            groups.append(current)
        self.groups = groups
        super().__init__(id, [], len(groups))
        self.name = path

    def compute(self, split: int, tc: Any) -> Iterator:
        io = io_metrics(tc)
        for fp in self.groups[split]:
            with open_input(fp) as f:
                data = f.read()
            io.bytes_read += os.path.getsize(fp)
            io.records_read += 1
            key = "file:" + fp
            if self.use_unicode:
                yield key, data.decode("utf-8", "replace")
            else:
                yield key.encode("utf-8"), data


class PickleFile(Node):
    """What saveAsPickleFile wrote: one partition per part file (batched pickle)."""

    rdd_class = "PickleFileRDD"

    def __init__(self, id: int, path: str):
        self.path = path
        self.files = [fp for fp, _ in list_input_files(path)]
        super().__init__(id, [], len(self.files))
        self.name = path

    def compute(self, split: int, tc: Any) -> Iterator:
        io = io_metrics(tc)
        with open(self.files[split], "rb", buffering=1 << 20) as f:
            for record in serde.load_batches(f):
                io.records_read += 1
                yield record
            io.bytes_read += f.tell()
