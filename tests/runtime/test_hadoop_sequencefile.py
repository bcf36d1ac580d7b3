"""SequenceFiles and Writables: bytes as Hadoop writes them, round trips, bad input."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from runtime.hadoop import sequencefile as sf
from runtime.hadoop import writables as w


@pytest.mark.parametrize("value, encoded", [
    (0, b"\x00"), (127, b"\x7f"), (-112, b"\x90"), (128, b"\x8f\x80"),
    (-113, b"\x87\x70"), (255, b"\x8f\xff"), (256, b"\x8e\x01\x00"),
    (1 << 40, b"\x8a\x01\x00\x00\x00\x00\x00"), (-(1 << 63), b"\x80" + b"\x7f" + b"\xff" * 7),
])
def test_vlong_bytes_are_hadoops(value, encoded):
    assert w.encode_vlong(value) == encoded
    assert w.decode_vlong(encoded, 0) == (value, len(encoded))


@pytest.mark.parametrize("cls, value, encoded", [
    (w.TEXT, "héllo", b"\x06h\xc3\xa9llo"),
    (w.INT, -2, b"\xff\xff\xff\xfe"),
    (w.LONG, 1 << 40, b"\x00\x00\x01\x00\x00\x00\x00\x00"),
    (w.DOUBLE, 1.5, struct.pack(">d", 1.5)),
    (w.FLOAT, 0.5, struct.pack(">f", 0.5)),
    (w.BOOLEAN, True, b"\x01"),
    (w.NULL, None, b""),
    (w.BYTES, b"\x01\x02", b"\x00\x00\x00\x02\x01\x02"),
    (w.VINT, 300, w.encode_vlong(300)),
    (w.BYTE, -1, b"\xff"),
])
def test_writable_bytes(cls, value, encoded):
    assert w.encode(cls, value) == encoded
    got, pos = w.decode(cls, encoded, 0)
    assert pos == len(encoded)
    assert got == value


def test_map_writable_bytes_and_new_class_table():
    # Text -> IntWritable: both predefined, no new classes
    data = w.encode(w.MAP, {"a": 1})
    assert data == b"\x00" + b"\x00\x00\x00\x01" + b"\x8c\x01a" + b"\x85\x00\x00\x00\x01"
    # DoubleWritable is not predefined: listed as class 1 with writeUTF(name)
    data = w.encode(w.MAP, {"x": 2.5, "y": {"z": None}})
    name = w.DOUBLE.encode()
    assert data.startswith(b"\x01\x01" + struct.pack(">H", len(name)) + name)
    assert w.decode(w.MAP, data, 0) == ({"x": 2.5, "y": {"z": None}}, len(data))


def test_python_values_become_pysparks_writables():
    assert [w.writable_class_of(v) for v in (1, 1 << 31, 1.0, "s", True, b"b", None, {}, (1,))] \
        == [w.INT, w.LONG, w.DOUBLE, w.TEXT, w.BOOLEAN, w.BYTES, w.NULL, w.MAP, w.ARRAY]
    with pytest.raises(w.WritableError, match="Data of type list cannot be used"):
        w.writable_class_of([1])


def _roundtrip(records, key_class, value_class, **kw):
    buf = io.BytesIO()
    out = sf.Writer(buf, key_class, value_class, **kw)
    for k, v in records:
        out.append(k, v)
    out.close()
    reader = sf.Reader(io.BytesIO(buf.getvalue()))
    return reader, list(reader), buf.getvalue()


def test_header_bytes():
    _, _, data = _roundtrip([], w.INT, w.TEXT, sync=b"S" * 16, metadata={"k": "v"})
    assert data == (b"SEQ\x06" + b"\x20" + w.INT.encode() + b"\x19" + w.TEXT.encode()
                    + b"\x00\x00" + b"\x00\x00\x00\x01\x01k\x01v" + b"S" * 16)


def test_record_bytes_uncompressed():
    reader, got, data = _roundtrip([(7, "ab")], w.INT, w.TEXT, sync=b"S" * 16)
    assert data.endswith(b"\x00\x00\x00\x07" + b"\x00\x00\x00\x04" + b"\x00\x00\x00\x07"
                         + b"\x02ab")
    assert got == [(7, "ab")]
    assert (reader.key_class, reader.value_class, reader.codec) == (w.INT, w.TEXT, None)


@pytest.mark.parametrize("codec", [None, sf.DEFAULT_CODEC, sf.GZIP_CODEC, sf.BZIP2_CODEC])
@pytest.mark.parametrize("compression", ["RECORD", "BLOCK"])
def test_roundtrip_many_records_with_syncs(codec, compression, monkeypatch):
    monkeypatch.setattr(sf, "BLOCK_SIZE", 5000)  # several blocks
    records = [(i, "x" * (i % 50)) for i in range(3000)]
    reader, got, data = _roundtrip(records, w.LONG, w.TEXT, codec=codec,
                                   compression=compression)
    assert got == records
    assert reader.block_compressed == (codec is not None and compression == "BLOCK")
    # sync markers separate records/blocks, so a split reader can find a boundary
    assert data.count(reader.sync) > 3


def test_every_type_roundtrips_as_pyspark_reads_it():
    values = [None, True, 3, 1 << 40, 2.5, "t", bytearray(b"\x00\xff"), {"a": 1, 2: "b"}]
    for v in values:
        cls = w.writable_class_of(v)
        _, got, _ = _roundtrip([("k", v)], w.TEXT, cls)
        assert got == [("k", v)]


def test_array_writable_writes_but_needs_its_element_class_to_read():
    buf = io.BytesIO()
    out = sf.Writer(buf, w.INT, w.ARRAY)
    out.append(1, (1, 2))
    out.close()
    assert buf.getvalue().endswith(b"\x00\x00\x00\x02" + b"\x00\x00\x00\x01\x00\x00\x00\x02")
    # as in Hadoop, a bare ArrayWritable cannot be instantiated by a reader
    with pytest.raises(sf.SequenceFileError, match="cannot read Writable class .*ArrayWritable"):
        sf.Reader(io.BytesIO(buf.getvalue()), "f.seq")
    assert w.decode_array(w.INT, b"\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x02", 0)[0] \
        == [1, 2]


def test_wrong_class_after_first_record_is_a_clear_error():
    out = sf.Writer(io.BytesIO(), w.INT, w.TEXT)
    out.append(1, "a")
    with pytest.raises(w.WritableError, match="wrong value class: .*IntWritable is not class"):
        out.append(2, 3)
    out = sf.Writer(io.BytesIO(), w.LONG, w.TEXT)
    out.append(1 << 40, "a")
    out.append(1, "b")  # a small int in a LongWritable file reads back the same


@pytest.mark.parametrize("data, message", [
    (b"PAR1xxxx", "not a SequenceFile"),
    (b"SEQ\x09", "version 9 SequenceFile"),
])
def test_bad_files(data, message):
    with pytest.raises(sf.SequenceFileError, match=message):
        sf.Reader(io.BytesIO(data), "f.seq")


def test_truncated_file_and_unknown_codec():
    _, _, data = _roundtrip([(1, "abc")] * 3, w.INT, w.TEXT)
    with pytest.raises(sf.SequenceFileError, match="truncated"):
        list(sf.Reader(io.BytesIO(data[:-2]), "f.seq"))
    with pytest.raises(sf.SequenceFileError, match="SnappyCodec is not supported"):
        sf.Writer(io.BytesIO(), w.INT, w.TEXT, codec="org.apache.hadoop.io.compress.SnappyCodec")


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "hadoop"


@pytest.mark.parametrize("name, expected", [
    ("spark_int_text.seq", [(1, ""), (1, "a"), (3, "x")]),
    ("spark_text_map.seq", [("k%d" % i, {"a": i, "b": i / 2, "c": None, "d": True})
                            for i in range(3)]),
    ("spark_long_double.seq", [(1 << 40, 2.5), (1 << 41, -1.0)]),
    ("spark_bytes.seq", [("b", bytearray(b"\x00\x01\xff"))]),
    ("spark_null.seq", [("x", None)]),
    ("spark_block_deflate.seq", [(i, "v%d" % i) for i in range(200)]),
    ("spark_newapi.seq", [(1, "a"), (2, "b")]),
])
def test_reads_files_written_by_spark(name, expected):
    """What PySpark 4.3's sc.sequenceFile gave for the same files (fixtures/hadoop/README.md)."""
    assert sorted(sf.read_path(str(FIXTURES / name)), key=repr) == sorted(expected, key=repr)


def test_spark_block_file_header():
    with open(FIXTURES / "spark_block_deflate.seq", "rb") as f:
        reader = sf.Reader(f)
    assert (reader.key_class, reader.value_class) == (w.INT, w.TEXT)
    assert (reader.codec, reader.block_compressed, reader.metadata) == \
        (sf.DEFAULT_CODEC, True, {})
