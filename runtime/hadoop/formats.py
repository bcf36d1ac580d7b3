"""Hadoop's InputFormats and OutputFormats by class name, for files on the local file system.

PySpark names formats by their Java class (``saveAsHadoopFile(path,
"org.apache.hadoop.mapred.TextOutputFormat")``); this module maps those names to what reads
or writes one file:

    input                                              records
    mapred/mapreduce SequenceFileInputFormat           the file's (key, value) Writables
    mapred/mapreduce SequenceFileAsTextInputFormat     both as their Java toString()
    mapred/mapreduce TextInputFormat                   (byte offset of the line, line)
    mapred/mapreduce KeyValueTextInputFormat           line split at the first separator
                                                       (mapreduce.input.keyvaluelinerecordreader
                                                       .key.value.separator, default tab)
    output
    mapred/mapreduce SequenceFileOutputFormat          a SequenceFile (runtime.hadoop.sequencefile)
    mapred/mapreduce TextOutputFormat                  key SEP value per line, toString()s
                                                       (mapreduce.output.textoutputformat.separator,
                                                       default tab; a None key or value is left out)

The job-level pieces (output directory, codec, compression type, key/value classes) come from
the Hadoop configuration keys PySpark users pass in ``conf`` dicts; :func:`output_settings`
reads them. ``toString()`` follows Java: ``true``/``false``, ``1.0E-5``, ``{a=1, b=2}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, Callable, Iterator

from runtime.hadoop import sequencefile as sf
from runtime.hadoop import writables as w

_MAPRED = "org.apache.hadoop.mapred."
_MAPREDUCE_IN = "org.apache.hadoop.mapreduce.lib.input."
_MAPREDUCE_OUT = "org.apache.hadoop.mapreduce.lib.output."


def _both(kind: str, mapreduce: str) -> set[str]:
    return {_MAPRED + kind, mapreduce + kind}


SEQUENCE_IN = _both("SequenceFileInputFormat", _MAPREDUCE_IN)
SEQUENCE_AS_TEXT_IN = _both("SequenceFileAsTextInputFormat", _MAPREDUCE_IN)
TEXT_IN = _both("TextInputFormat", _MAPREDUCE_IN)
KEY_VALUE_IN = _both("KeyValueTextInputFormat", _MAPREDUCE_IN)
SEQUENCE_OUT = _both("SequenceFileOutputFormat", _MAPREDUCE_OUT)
TEXT_OUT = _both("TextOutputFormat", _MAPREDUCE_OUT)


class HadoopFormatError(ValueError):
    """A format, class or setting this engine cannot honour; the message says what can be used."""


def _short(names: set[str]) -> str:
    return sorted(names)[0].rsplit(".", 1)[1]


def check_input_format(name: str) -> None:
    if name not in SEQUENCE_IN | SEQUENCE_AS_TEXT_IN | TEXT_IN | KEY_VALUE_IN:
        raise HadoopFormatError(
            f"input format {name} is not available (no JVM); use one of "
            + ", ".join(_short(s) for s in (SEQUENCE_IN, SEQUENCE_AS_TEXT_IN, TEXT_IN,
                                            KEY_VALUE_IN))
            + " (org.apache.hadoop.mapred.* or org.apache.hadoop.mapreduce.lib.input.*)")


def check_output_format(name: str) -> None:
    if name not in SEQUENCE_OUT | TEXT_OUT:
        raise HadoopFormatError(
            f"output format {name} is not available (no JVM); use "
            "SequenceFileOutputFormat or TextOutputFormat (org.apache.hadoop.mapred.* or "
            "org.apache.hadoop.mapreduce.lib.output.*)")


# -- reading ----------------------------------------------------------------------------------
def read_file(path: str, input_format: str, conf: dict | None = None) -> Iterator:
    """The records of one input file, as PySpark's hadoopFile/newAPIHadoopFile give them."""
    conf = conf or {}
    if input_format in SEQUENCE_IN:
        return sf.read_path(path)
    if input_format in SEQUENCE_AS_TEXT_IN:
        return ((java_string(k), java_string(v)) for k, v in sf.read_path(path))
    if input_format in TEXT_IN:
        return _text_lines(path)
    if input_format in KEY_VALUE_IN:
        sep = conf.get("mapreduce.input.keyvaluelinerecordreader.key.value.separator", "\t")
        return (_split_kv(line, sep) for _, line in _text_lines(path))
    check_input_format(input_format)
    raise AssertionError("unreachable")


def _text_lines(path: str) -> Iterator[tuple[int, str]]:
    offset = 0
    with open(path, "rb") as f:
        for raw in f:
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if line.endswith(b"\r"):
                line = line[:-1]
            yield offset, line.decode("utf-8", "replace")
            offset += len(raw)


def _split_kv(line: str, sep: str) -> tuple[str, str]:
    key, found, value = line.partition(sep)
    return (key, value) if found else (line, "")


# -- writing ----------------------------------------------------------------------------------
@dataclass
class OutputSettings:
    """How one save writes its part files."""

    output_format: str
    key_class: str | None = None
    value_class: str | None = None
    codec: str | None = None
    compression: str = "BLOCK"  # what Spark 4 writes for SequenceFiles given a codec
    separator: str = "\t"

    @property
    def part_prefix(self) -> str:
        """``part-`` for the old (mapred) API, ``part-r-`` for the new (mapreduce) one."""
        return "part-r-" if self.output_format.startswith(_MAPREDUCE_OUT) else "part-"

    @property
    def is_sequence_file(self) -> bool:
        return self.output_format in SEQUENCE_OUT


def output_settings(output_format: str, key_class: str | None = None,
                    value_class: str | None = None, conf: dict | None = None,
                    codec: str | None = None) -> OutputSettings:
    """Settings from the call's arguments, then the Hadoop configuration keys in ``conf``."""
    conf = {k: str(v) for k, v in (conf or {}).items()}
    check_output_format(output_format)
    compress = conf.get("mapreduce.output.fileoutputformat.compress",
                        conf.get("mapred.output.compress", "false")).lower() == "true"
    codec = codec or (conf.get("mapreduce.output.fileoutputformat.compress.codec",
                               conf.get("mapred.output.compression.codec"))
                      if compress else None)
    if compress and codec is None:
        codec = sf.DEFAULT_CODEC
    settings = OutputSettings(
        output_format,
        key_class or conf.get("mapreduce.job.output.key.class",
                              conf.get("mapred.output.key.class")),
        value_class or conf.get("mapreduce.job.output.value.class",
                                conf.get("mapred.output.value.class")),
        codec,
        conf.get("mapreduce.output.fileoutputformat.compress.type",
                 conf.get("mapred.output.compression.type", "BLOCK")).upper(),
        conf.get("mapreduce.output.textoutputformat.separator",
                 conf.get("mapred.textoutputformat.separator", "\t")))
    for cls in (settings.key_class, settings.value_class):
        if settings.is_sequence_file and cls is not None and not w.supported(cls):
            raise HadoopFormatError(f"Writable class {cls} is not available; use "
                                    + ", ".join(sorted(c.rsplit(".", 1)[1] for c in w.CODECS)))
    if codec is not None and codec not in sf.CODECS:
        raise HadoopFormatError(f"compression codec {codec} is not available; "
                                "use " + ", ".join(c.rsplit(".", 1)[1] for c in sf.CODECS))
    return settings


def with_classes_of(settings: OutputSettings, first: Any) -> OutputSettings:
    """Key/value classes not given are inferred from the first record, as PySpark does."""
    if first is None:
        return settings
    key, value = first
    return OutputSettings(settings.output_format,
                          settings.key_class or w.writable_class_of(key),
                          settings.value_class or w.writable_class_of(value),
                          settings.codec, settings.compression, settings.separator)


def partition_writer(settings: OutputSettings) -> Callable[[Any, BinaryIO], int]:
    """``write(records, binary_stream) -> records written`` for one part file."""
    if settings.is_sequence_file:
        def write_sequence(records: Any, stream: BinaryIO) -> int:
            out = sf.Writer(stream, settings.key_class or w.NULL,
                            settings.value_class or w.NULL, settings.codec,
                            settings.compression)
            n = 0
            for record in records:
                key, value = _pair(record)
                out.append(key, value)
                n += 1
            out.close()
            return n

        return write_sequence

    sep = settings.separator

    def write_text(records: Any, stream: BinaryIO) -> int:
        lines = []
        n = 0
        for record in records:
            n += 1
            key, value = _pair(record)
            if key is None and value is None:
                continue
            if key is None or value is None:
                lines.append(java_string(value if key is None else key))
            else:
                lines.append(java_string(key) + sep + java_string(value))
            if len(lines) >= 4096:
                stream.write(("\n".join(lines) + "\n").encode("utf-8"))
                lines = []
        if lines:
            stream.write(("\n".join(lines) + "\n").encode("utf-8"))
        return n

    return write_text


def _pair(record: Any) -> tuple[Any, Any]:
    try:
        key, value = record
    except (TypeError, ValueError):
        raise HadoopFormatError(f"Hadoop output needs (key, value) pairs, got {record!r}") \
            from None
    return key, value


def java_string(value: Any) -> str:
    """``value.toString()`` of the Java object PySpark would have made of ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_string(k)}={java_string(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, (bytes, bytearray)):
        return " ".join("%02x" % b for b in value)  # BytesWritable.toString
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    return str(value)


def java_double(x: float) -> str:
    """Java's Double.toString: ``1.0``, ``1.0E-5``, ``1.2345678E7``, ``NaN``, ``Infinity``."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        return repr(x)
    sign, digits, exp = Decimal(repr(x)).normalize().as_tuple()
    text = "".join(map(str, digits))
    return ("-" if sign else "") + text[0] + "." + (text[1:] or "0") + "E" + str(
        exp + len(digits) - 1)
