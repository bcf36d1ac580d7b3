"""Saving, piping, checkpointing and describing RDDs (PySpark's pyspark.rdd, I/O part).

Output commit (Hadoop's FileOutputCommitter, v1, simplified). ``saveAsTextFile`` and
``saveAsPickleFile`` refuse an existing output path, then:

1. the driver creates ``<out>/_temporary/<job>`` (``<job>`` unique to this save);
2. each task writes ``part-NNNNN[.ext]`` into its own attempt dir
   ``_temporary/<job>/_temporary/attempt_NNNNN_<task attempt id>`` and, once the file is
   complete, *task-commits* it by renaming the attempt's file to
   ``_temporary/<job>/task_NNNNN/`` (a retried or failed attempt never leaves a partial file
   where the driver looks);
3. after the job succeeded the driver *job-commits*: renames every committed part file into
   ``<out>``, removes ``_temporary`` and writes an empty ``_SUCCESS``. When the job fails
   the whole output directory is removed, so the same call can simply be retried.

A failed job's other tasks may still run when the driver sees the failure (a straggler).
Tasks only ever create directories under their job's own ``_temporary/<job>`` and never
its parents, so a straggler cannot recreate the output directory nor write into the next
save's tree; the driver first renames the output directory aside (atomically) and removes
it there, so a straggler between two steps fails on a missing path instead of leaving a
half-removed tree behind at ``<out>``.

Reliable checkpoints (``checkpoint()``): the RDD's node is marked (``CheckpointState.
REQUESTED``) and pipelining stops at it. After the first job whose lineage reaches it, the
core's ``_after_job`` hook has runtime.lineage.checkpoint write every partition to
``<checkpointDir>/rdd-<id>/part-NNNNN`` (batched pickle) in one more job, then truncate the
lineage (the node reads the files from then on). Cache the RDD first to avoid computing it
twice, as Spark advises. ``localCheckpoint()`` persists with MEMORY_AND_DISK and keeps the
lineage (a lost block is recomputed rather than failing the job as Spark would).
"""

from __future__ import annotations

import bz2
import gzip
import os
import re
import shlex
import shutil
import subprocess
import threading
import uuid
import zlib
from itertools import chain, islice
from typing import Any, Callable, Iterable, Iterator

from runtime import serde, task_env
from runtime.errors import SparkException
from runtime.lineage.dependency import ShuffleDependency
from runtime.lineage.files import local_path
from runtime.lineage.node import CheckpointState, Node
from sparkcli.errors import PySparkNotImplementedError, PySparkRuntimeError
from sparkcli.lazy import HADOOP_FORMATS
from sparkcli.storagelevel import StorageLevel

#: Hadoop codec class -> (file extension, opener of a binary write stream)
CODECS: dict[str, str] = {
    "org.apache.hadoop.io.compress.GzipCodec": ".gz",
    "org.apache.hadoop.io.compress.BZip2Codec": ".bz2",
    "org.apache.hadoop.io.compress.DefaultCodec": ".deflate",
    "gzip": ".gz",
    "bzip2": ".bz2",
    "deflate": ".deflate",
}


class _DeflateWriter:
    """A write-only binary stream compressing with zlib (Hadoop's DefaultCodec)."""

    def __init__(self, path: str):
        self._f = open(path, "wb", buffering=1 << 20)
        self._z = zlib.compressobj()

    def write(self, data: bytes) -> None:
        self._f.write(self._z.compress(data))

    def __enter__(self) -> "_DeflateWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._f.write(self._z.flush())
        self._f.close()


def open_output(path: str, ext: str) -> Any:
    if ext == ".gz":
        return gzip.open(path, "wb", compresslevel=6)
    if ext == ".bz2":
        return bz2.open(path, "wb")
    if ext == ".deflate":
        return _DeflateWriter(path)
    return open(path, "wb", buffering=1 << 20)


def _write_text(iterator: Iterable, stream: Any) -> int:
    it = iter(iterator)
    n = 0
    while True:
        batch = list(islice(it, 8192))
        if not batch:
            return n
        n += len(batch)
        try:
            data = ("\n".join(batch) + "\n").encode("utf-8")
        except TypeError:
            data = b"".join(
                (x if isinstance(x, bytes) else
                 (x if isinstance(x, str) else str(x)).encode("utf-8")) + b"\n"
                for x in batch)
        stream.write(data)


def _pickle_writer(batch_size: int) -> Callable[[Iterable, Any], int]:
    def write(iterator: Iterable, stream: Any) -> int:
        return serde.dump_batches(iterator, stream, max(1, int(batch_size)))

    return write


def _debug_lines(rdd: Node) -> list[str]:
    """Spark's RDD.toDebugString layout: ``(n)`` partition counts, ``+-`` at shuffles."""

    def describe(r: Node) -> str:
        level = r.storage_level
        persistence = "" if level is None or level == StorageLevel.NONE else str(level)
        name = f"{r.name} " if r.name else ""
        site = r.creation_site or "RDD"
        return f"{name}{r.rdd_class}[{r.id}] at {site} [{persistence}]"

    def children(r: Any, prefix: str) -> list[str]:
        deps = [d for d in r.dependencies if d.rdd is not None]
        out: list[str] = []
        for i, d in enumerate(deps):
            out += debug_string(d.rdd, prefix, isinstance(d, ShuffleDependency),
                                i == len(deps) - 1)
        return out

    def first(r: Any) -> list[str]:
        part = f"({r.num_partitions})"
        left = (len(part) - 1) // 2
        next_prefix = " " * left + "|" + " " * (len(part) - left)
        return [f"{part} {describe(r)}"] + children(r, next_prefix)

    def shuffle_string(r: Any, prefix: str, last: bool) -> list[str]:
        part = f"({r.num_partitions})"
        left = (len(part) - 1) // 2
        this_prefix = re.sub(r"\|\s+$", "", prefix)
        next_prefix = (this_prefix + ("  " if last else "| ") + " " * left + "|"
                       + " " * (len(part) - left))
        return [f"{this_prefix}+-{part} {describe(r)}"] + children(r, next_prefix)

    def debug_string(r: Any, prefix: str, shuffle: bool, last: bool) -> list[str]:
        if shuffle:
            return shuffle_string(r, prefix, last)
        return [prefix + describe(r)] + children(r, prefix)

    return first(rdd)


class IOMixin:
    # -- saving ------------------------------------------------------------------------------
    def saveAsTextFile(self, path: str, compressionCodecClass: str | None = None) -> None:
        """Save as text files (``str(element)`` per line), one ``part-NNNNN`` per partition.

        >>> import tempfile, os, glob
        >>> d = os.path.join(tempfile.mkdtemp(), "out")
        >>> sc.parallelize(range(3), 2).saveAsTextFile(d)
        >>> sorted(os.listdir(d))
        ['_SUCCESS', 'part-00000', 'part-00001']
        """
        ext = ""
        if compressionCodecClass:
            ext = CODECS.get(compressionCodecClass)
            if ext is None:
                raise ValueError(
                    f"Compression codec {compressionCodecClass} is not available in sparkcli; "
                    "use org.apache.hadoop.io.compress.GzipCodec, BZip2Codec or DefaultCodec")
        self._save_files(path, ext, _write_text)

    def saveAsPickleFile(self, path: str, batchSize: int = 10) -> None:
        """Save as pickled batches of ``batchSize`` elements (read back with sc.pickleFile).

        >>> import tempfile, os
        >>> d = os.path.join(tempfile.mkdtemp(), "pickled")
        >>> sc.parallelize([1, 2, "spark", "rdd"]).saveAsPickleFile(d, 3)
        >>> sorted(sc.pickleFile(d, 3).collect(), key=str)
        [1, 2, 'rdd', 'spark']
        """
        self._save_files(path, "", _pickle_writer(batchSize))

    def _save_files(self, path: str, ext: str, writer: Callable[[Iterable, Any], int],
                    prefix: str = "part-") -> None:
        """Write each partition with ``writer(records, stream) -> records written``; each
        task adds its part file's size and record count to its output metrics."""
        out = local_path(path)
        if os.path.exists(out):
            raise FileExistsError(f"Output directory file:{out} already exists")
        tmp_root = os.path.join(out, "_temporary", uuid.uuid4().hex)
        os.makedirs(tmp_root)

        def write_partition(iterator: Iterable) -> str:
            tc = task_env.current()
            split = tc.partition_id if tc is not None else 0
            attempt = tc.task_attempt_id if tc is not None else 0
            name = "%s%05d%s" % (prefix, split, ext)
            # mkdir, never makedirs: if the job was aborted and the driver removed the
            # output directory, a straggling task must fail, not recreate it
            attempt_dir = _mkdir(_mkdir(tmp_root, "_temporary"),
                                 "attempt_%05d_%d" % (split, attempt))
            attempt_file = os.path.join(attempt_dir, name)
            with open_output(attempt_file, ext) as stream:
                records = writer(iterator, stream)
            if tc is not None:
                tc.io.records_written += records
                tc.io.bytes_written += os.path.getsize(attempt_file)
            task_dir = _mkdir(tmp_root, "task_%05d" % split)
            os.replace(attempt_file, os.path.join(task_dir, name))
            shutil.rmtree(attempt_dir, ignore_errors=True)
            return name

        try:
            names = self.ctx._run_job(self, write_partition)
            for split, name in enumerate(names):
                os.replace(os.path.join(tmp_root, "task_%05d" % split, name),
                           os.path.join(out, name))
        except BaseException:
            _remove_aborted(out)
            raise
        shutil.rmtree(os.path.join(out, "_temporary"), ignore_errors=True)
        open(os.path.join(out, "_SUCCESS"), "wb").close()

    def saveAsSequenceFile(self, path: str, compressionCodecClass: str | None = None) -> None:
        """Save (key, value) pairs as a Hadoop SequenceFile; classes are inferred from the
        first record as PySpark does (int -> IntWritable or LongWritable, float ->
        DoubleWritable, str -> Text, bool, bytes, None, dict -> MapWritable). Written in pure
        Python, readable by Hadoop and Spark (and ``sc.sequenceFile``).

        >>> import os, tempfile
        >>> d = os.path.join(tempfile.mkdtemp(), "seq")
        >>> sc.parallelize([(1, ""), (1, "a"), (3, "x")]).saveAsSequenceFile(d)
        >>> sorted(sc.sequenceFile(d).collect())
        [(1, ''), (1, 'a'), (3, 'x')]
        """
        self._save_hadoop(path, HADOOP_FORMATS.output_settings(
            "org.apache.hadoop.mapred.SequenceFileOutputFormat", codec=compressionCodecClass))

    def saveAsHadoopFile(self, path: str, outputFormatClass: str, keyClass: str | None = None,
                         valueClass: str | None = None, keyConverter: str | None = None,
                         valueConverter: str | None = None, conf: dict | None = None,
                         compressionCodecClass: str | None = None) -> None:
        """Save (key, value) pairs through a Hadoop OutputFormat of the old (mapred) API:
        SequenceFileOutputFormat or TextOutputFormat (``key<TAB>value`` lines)."""
        reject_java_converters(keyConverter, valueConverter)
        self._save_hadoop(path, HADOOP_FORMATS.output_settings(
            outputFormatClass, keyClass, valueClass, conf, compressionCodecClass))

    def saveAsNewAPIHadoopFile(self, path: str, outputFormatClass: str,
                               keyClass: str | None = None, valueClass: str | None = None,
                               keyConverter: str | None = None,
                               valueConverter: str | None = None,
                               conf: dict | None = None) -> None:
        """As :meth:`saveAsHadoopFile`, for the new (mapreduce) API: part files are named
        ``part-r-NNNNN``."""
        reject_java_converters(keyConverter, valueConverter)
        self._save_hadoop(path, HADOOP_FORMATS.output_settings(outputFormatClass, keyClass,
                                                        valueClass, conf))

    def saveAsHadoopDataset(self, conf: dict, keyConverter: str | None = None,
                            valueConverter: str | None = None) -> None:
        """Save through the OutputFormat and output directory named in the Hadoop ``conf``
        (``mapred.output.format.class``, ``mapreduce.output.fileoutputformat.outputdir``...)."""
        self._save_dataset(conf, keyConverter, valueConverter,
                           ("mapred.output.format.class", "mapreduce.job.outputformat.class"),
                           "org.apache.hadoop.mapred.TextOutputFormat")

    def saveAsNewAPIHadoopDataset(self, conf: dict, keyConverter: str | None = None,
                                  valueConverter: str | None = None) -> None:
        """As :meth:`saveAsHadoopDataset`, for the new (mapreduce) API."""
        self._save_dataset(conf, keyConverter, valueConverter,
                           ("mapreduce.job.outputformat.class", "mapred.output.format.class"),
                           "org.apache.hadoop.mapreduce.lib.output.TextOutputFormat")

    def _save_dataset(self, conf: dict, key_converter: str | None,
                      value_converter: str | None, format_keys: tuple[str, str],
                      default_format: str) -> None:
        reject_java_converters(key_converter, value_converter)
        out = conf.get("mapreduce.output.fileoutputformat.outputdir") \
            or conf.get("mapred.output.dir")
        if not out:
            raise ValueError("the Hadoop conf names no output directory "
                             "(mapreduce.output.fileoutputformat.outputdir)")
        fmt = conf.get(format_keys[0]) or conf.get(format_keys[1]) or default_format
        self._save_hadoop(out, HADOOP_FORMATS.output_settings(fmt, conf=conf))

    def _save_hadoop(self, path: str, settings: HADOOP_FORMATS.OutputSettings) -> None:
        first = self.take(1)  # PySpark infers the classes from the first record
        settings = HADOOP_FORMATS.with_classes_of(settings, first[0] if first else None)
        self._save_files(path, "", HADOOP_FORMATS.partition_writer(settings), settings.part_prefix)

    # -- pipe --------------------------------------------------------------------------------
    def pipe(self, command: str, env: dict | None = None, checkCode: bool = False):
        """Pipe each partition through an external command: ``str(element)`` lines in,
        output lines out (without their newline). ``env`` adds to the executor's environment
        (Scala's RDD.pipe; PySpark replaces the environment entirely).

        >>> sc.parallelize(["1", "2", "", "3"]).pipe("cat").collect()
        ['1', '2', '', '3']
        """
        full_env = None
        if env:
            full_env = dict(os.environ)
            full_env.update({str(k): str(v) for k, v in env.items()})

        def func(iterator: Iterable) -> Iterator:
            proc = subprocess.Popen(shlex.split(command), env=full_env, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE)
            errors: list[BaseException] = []

            def feed(out: Any) -> None:
                try:
                    for obj in iterator:
                        s = str(obj).rstrip("\n") + "\n"
                        out.write(s.encode("utf-8"))
                except BrokenPipeError:
                    pass
                except BaseException as e:  # noqa: BLE001 - re-raised in the task thread
                    errors.append(e)
                finally:
                    try:
                        out.close()
                    except OSError:
                        pass

            writer = threading.Thread(target=feed, args=(proc.stdin,), daemon=True)
            writer.start()

            def check_return_code() -> Iterator:
                proc.wait()
                writer.join()
                if errors:
                    raise errors[0]
                if checkCode and proc.returncode:
                    raise PySparkRuntimeError(
                        f"Pipe function `{command}` exited with error code "
                        f"{proc.returncode}.", errorClass="PIPE_FUNCTION_EXITED",
                        messageParameters={"func_name": command,
                                           "error_code": str(proc.returncode)})
                return iter(())

            lines = (x.rstrip(b"\n").decode("utf-8")
                     for x in iter(proc.stdout.readline, b""))
            return chain(lines, _lazy(check_return_code))

        return self.mapPartitions(func)

    # -- checkpointing -----------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Mark for reliable checkpointing: after the next job that computes this RDD its
        partitions are saved under the checkpoint directory and its lineage is dropped.

        >>> import tempfile
        >>> sc.setCheckpointDir(tempfile.mkdtemp())
        >>> rdd = sc.parallelize(range(4)).map(lambda x: x + 1)
        >>> rdd.checkpoint()
        >>> rdd.count(), rdd.isCheckpointed()
        (4, True)
        """
        node = self._node
        if node.checkpointed:
            return
        if self.ctx._checkpoint_dir is None:
            raise SparkException("Checkpoint directory has not been set in the SparkContext")
        node.checkpoint = CheckpointState.REQUESTED

    def localCheckpoint(self) -> None:
        """Checkpoint into the executors' block stores (MEMORY_AND_DISK) instead of files.

        >>> rdd = sc.parallelize(range(4))
        >>> rdd.localCheckpoint()
        >>> rdd.isLocallyCheckpointed()
        True
        """
        node = self._node
        level = node.storage_level
        if level is None:
            self.persist(StorageLevel.MEMORY_AND_DISK)
        elif not level.useDisk:
            node.storage_level = StorageLevel(True, level.useMemory, level.useOffHeap,
                                              level.deserialized, level.replication)
        node.checkpoint = CheckpointState.LOCAL

    def isLocallyCheckpointed(self) -> bool:
        return self._node.checkpoint is CheckpointState.LOCAL

    def isCheckpointed(self) -> bool:
        """True once the RDD was checkpointed (reliably, or locally and materialized)."""
        if self.checkpointed:
            return True
        if self.isLocallyCheckpointed() and self.storage_level is not None:
            held = self.ctx.runtime.driver.block_locations
            return self.num_partitions > 0 and all(
                held.get((self.id, i)) for i in range(self.num_partitions))
        return False

    def getCheckpointFile(self) -> str | None:
        """The checkpoint directory of this RDD (``file:/...``), once written.

        >>> rdd = sc.parallelize([1])
        >>> rdd.getCheckpointFile() is None
        True
        """
        path = self._node.checkpoint_dir
        return f"file:{path}" if path else None

    # -- describing --------------------------------------------------------------------------
    def toDebugString(self) -> bytes:
        """The lineage, one RDD a line, indented at shuffle boundaries (bytes, like PySpark).

        >>> print(sc.parallelize([1, 2], 2).toDebugString().decode())
        (2) ParallelCollectionRDD[...] at parallelize at ...:1 []
        """
        return "\n".join(_debug_lines(self._node)).encode("utf-8")


def reject_java_converters(*converters: str | None) -> None:
    given = [c for c in converters if c]
    if given:
        raise PySparkNotImplementedError(
            f"key/value converters are Java classes ({', '.join(given)}), which sparkcli (no "
            "JVM) cannot run; convert the records with map() before saving",
            errorClass="NOT_IMPLEMENTED", messageParameters={"feature": "converters"})


def _lazy(make: Callable[[], Iterator]) -> Iterator:
    yield from make()


def _remove_aborted(out: str) -> None:
    """The output directory of a failed save removed: renamed aside first (its tasks' paths
    are gone at once), then deleted; a straggler still writing there may leave that hidden
    sibling, never ``out`` itself."""
    aside = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.aborted-"
                                               f"{uuid.uuid4().hex}")
    try:
        os.rename(out, aside)
    except OSError:
        aside = out
    for _ in range(2):  # a straggler may add an entry while the first pass deletes
        shutil.rmtree(aside, ignore_errors=True)
        if not os.path.exists(aside):
            return


def _mkdir(parent: str, name: str) -> str:
    """``parent/name`` created if missing; FileNotFoundError when ``parent`` is gone."""
    path = os.path.join(parent, name)
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    return path
