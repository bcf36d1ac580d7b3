"""The SparkContext methods that deal with files: reading them as RDDs, shipping them to tasks.

``FilesMixin`` is part of :class:`sparkcli.context.SparkContext` (kept apart to keep that module
small). Reading: ``binaryFiles``, ``binaryRecords``, and the Hadoop family (``sequenceFile``,
``hadoopFile``, ``newAPIHadoopFile``, ``hadoopRDD``, ``newAPIHadoopRDD``: SequenceFiles and the
text InputFormats in pure Python, see runtime/hadoop). Shipping: ``addFile``, ``addPyFile``,
``addArchive`` copy (or unpack) into the application's files directory, which every executor
finds through ``SparkFiles.get(name)``; ``listFiles``/``listArchives`` give the added paths as
``file:`` URIs, as Spark does. As in Spark, adding the same path twice is ignored, and another
path with a name already taken is an error. ``getSystemProperty``/``setSystemProperty`` keep
"system properties" of this process: with no JVM, a ``spark.*`` one is what every later
``SparkConf()`` starts with (as --conf values are).

Uses from the context: ``_new_rdd_id()``, ``defaultMinPartitions``, ``_files_dir``,
``_py_files``, ``_added_file_paths``, ``_added_archive_paths``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tarfile
import zipfile

from runtime import config as rconfig
from runtime.lineage.binary_files import BinaryFiles, BinaryRecords
from sparkcli.lazy import HADOOP_FILES
from sparkcli.rdd import RDD, wrap
from sparkcli.rdd_io import reject_java_converters

#: Java-style system properties of this process (getSystemProperty/setSystemProperty)
_system_properties: dict[str, str] = {}

ARCHIVES = (".zip", ".jar", ".tar", ".tar.gz", ".tgz")


class FilesMixin:
    _files_dir: str
    _py_files: list[str]
    _added_file_paths: dict[str, str]  # name -> local path (addFile)
    _added_archive_paths: dict[str, str]  # name -> local path (addArchive)

    # -- reading files as RDDs -----------------------------------------------------------------
    def binaryFiles(self, path: str, minPartitions: int | None = None) -> RDD:
        """(``file:/path``, bytes) for every file under ``path`` (directories, globs, comma
        lists), packed into about ``minPartitions`` partitions.

        >>> import os, tempfile
        >>> d = tempfile.mkdtemp()
        >>> for name, data in (("1.bin", b"binary data I"), ("2.bin", b"binary data II")):
        ...     with open(os.path.join(d, name), "wb") as f:
        ...         _ = f.write(data)
        >>> sorted((os.path.basename(k), v) for k, v in sc.binaryFiles(d).collect())
        [('1.bin', b'binary data I'), ('2.bin', b'binary data II')]
        """
        return wrap(self, BinaryFiles(self._new_rdd_id(), path,
                                      minPartitions or self.defaultMinPartitions))

    def binaryRecords(self, path: str, recordLength: int) -> RDD:
        """The files under ``path`` cut into records of ``recordLength`` bytes.

        >>> import os, tempfile
        >>> d = tempfile.mkdtemp()
        >>> with open(os.path.join(d, "1.bin"), "w") as f:
        ...     _ = f.write("".join("%04d" % i for i in range(3)))
        >>> sorted(sc.binaryRecords(d, 4).collect())
        [b'0000', b'0001', b'0002']
        """
        return wrap(self, BinaryRecords(self._new_rdd_id(), path, recordLength))

    def sequenceFile(self, path: str, keyClass: str | None = None,
                     valueClass: str | None = None, keyConverter: str | None = None,
                     valueConverter: str | None = None, minSplits: int | None = None,
                     batchSize: int = 0) -> RDD:
        """Read a Hadoop SequenceFile (or a directory of them) as an RDD of (key, value),
        with the Writables converted to Python values as PySpark does (one partition per
        file). Files written by Hadoop, Spark or :meth:`RDD.saveAsSequenceFile` are read
        without a JVM."""
        return self.hadoopFile(path, "org.apache.hadoop.mapred.SequenceFileInputFormat",
                               keyClass, valueClass, keyConverter, valueConverter)

    def hadoopFile(self, path: str, inputFormatClass: str, keyClass: str | None = None,
                   valueClass: str | None = None, keyConverter: str | None = None,
                   valueConverter: str | None = None, conf: dict | None = None,
                   batchSize: int = 0) -> RDD:
        """Read files through an old-API (mapred) InputFormat: SequenceFileInputFormat,
        SequenceFileAsTextInputFormat, TextInputFormat ((offset, line) pairs) or
        KeyValueTextInputFormat."""
        reject_java_converters(keyConverter, valueConverter)
        return wrap(self, HADOOP_FILES.HadoopFiles(self._new_rdd_id(), path, inputFormatClass, conf))

    def newAPIHadoopFile(self, path: str, inputFormatClass: str, keyClass: str | None = None,
                         valueClass: str | None = None, keyConverter: str | None = None,
                         valueConverter: str | None = None, conf: dict | None = None,
                         batchSize: int = 0) -> RDD:
        """As :meth:`hadoopFile`, for new-API (mapreduce) InputFormats."""
        return self.hadoopFile(path, inputFormatClass, keyClass, valueClass, keyConverter,
                               valueConverter, conf)

    def hadoopRDD(self, inputFormatClass: str, keyClass: str | None = None,
                  valueClass: str | None = None, keyConverter: str | None = None,
                  valueConverter: str | None = None, conf: dict | None = None,
                  batchSize: int = 0) -> RDD:
        """As :meth:`hadoopFile`, with the input path in the Hadoop ``conf``
        (``mapreduce.input.fileinputformat.inputdir`` or ``mapred.input.dir``)."""
        conf = dict(conf or {})
        path = conf.get("mapreduce.input.fileinputformat.inputdir") or conf.get(
            "mapred.input.dir")
        if not path:
            raise ValueError("the Hadoop conf names no input path "
                             "(mapreduce.input.fileinputformat.inputdir)")
        return self.hadoopFile(path, inputFormatClass, keyClass, valueClass, keyConverter,
                               valueConverter, conf)

    def newAPIHadoopRDD(self, inputFormatClass: str, keyClass: str | None = None,
                        valueClass: str | None = None, keyConverter: str | None = None,
                        valueConverter: str | None = None, conf: dict | None = None,
                        batchSize: int = 0) -> RDD:
        """As :meth:`hadoopRDD`, for new-API (mapreduce) InputFormats."""
        return self.hadoopRDD(inputFormatClass, keyClass, valueClass, keyConverter,
                              valueConverter, conf)

    # -- shipping files to tasks ---------------------------------------------------------------
    def addFile(self, path: str, recursive: bool = False) -> None:
        """Make ``path`` (a file, or a directory with ``recursive=True``) readable in every
        task as ``SparkFiles.get(os.path.basename(path))``."""
        src = _local(path)
        if not os.path.exists(src):
            raise FileNotFoundError(f"File {path} does not exist")
        if os.path.isdir(src) and not recursive:
            raise ValueError(f"Added file {path} is a directory and recursive is not "
                             "turned on.")
        if self._register(self._added_file_paths, src, os.path.basename(src), "File"):
            dst = os.path.join(self._files_dir, os.path.basename(src))
            if os.path.isdir(src):
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)

    def addPyFile(self, path: str) -> None:
        """Add a .py, .zip or .egg file to the Python path of the driver and every task."""
        self.addFile(path)
        name = os.path.basename(path)
        target = os.path.join(self._files_dir, name)
        if target not in sys.path:
            sys.path.insert(0, target if name.endswith((".zip", ".egg")) else self._files_dir)
        if target not in self._py_files:
            self._py_files.append(target)

    def addArchive(self, path: str) -> None:
        """Unpack an archive (.zip, .jar, .tar, .tar.gz, .tgz) for every task: its contents are
        under ``SparkFiles.get(archive_name)`` (``path#name`` unpacks under ``name``)."""
        path, _, alias = path.partition("#")
        src = _local(path)
        if not os.path.isfile(src):
            raise FileNotFoundError(f"File {path} does not exist")
        if not src.lower().endswith(ARCHIVES):
            raise ValueError(f"{path} is not an archive Spark unpacks "
                             "(.zip, .jar, .tar, .tar.gz, .tgz)")
        name = alias or os.path.basename(src)
        if self._register(self._added_archive_paths, src, name, "Archive"):
            _unpack(src, os.path.join(self._files_dir, name))

    @property
    def listFiles(self) -> list[str]:
        """The paths added with addFile, as ``file:`` URIs."""
        return ["file:" + p for p in self._added_file_paths.values()]

    @property
    def listArchives(self) -> list[str]:
        """The paths added with addArchive, as ``file:`` URIs."""
        return ["file:" + p for p in self._added_archive_paths.values()]

    @staticmethod
    def _register(added: dict[str, str], src: str, name: str, kind: str) -> bool:
        """Record ``name`` -> ``src``; False when that very path was added before."""
        old = added.get(name)
        if old == src:
            return False
        if old is not None:
            raise ValueError(f"{kind} {name} was already registered with a different path "
                             f"(old path = file:{old}, new path = file:{src})")
        added[name] = src
        return True

    # -- system properties ---------------------------------------------------------------------
    @classmethod
    def setSystemProperty(cls, key: str, value: str) -> None:
        """Set a "system property"; a ``spark.*`` one is in every later ``SparkConf()``."""
        _system_properties[key] = str(value)
        if key.startswith("spark."):
            rconfig.set_launch_property(key, str(value))

    @classmethod
    def getSystemProperty(cls, key: str) -> str | None:
        """A property set with setSystemProperty, else None (as Java's for an unknown key)."""
        return _system_properties.get(key)


def _local(path: str) -> str:
    for prefix in ("file://", "file:"):
        if path.startswith(prefix):
            path = path[len(prefix):]
            break
    return os.path.abspath(os.path.expanduser(path))


def _unpack(archive: str, dest: str) -> None:
    os.makedirs(dest, exist_ok=True)
    if archive.lower().endswith((".zip", ".jar")):
        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
        return
    with tarfile.open(archive) as t:
        if hasattr(tarfile, "data_filter"):
            t.extractall(dest, filter="data")
        else:  # Python < 3.12 without the backported filter
            t.extractall(dest)
