"""Hadoop's file formats without Hadoop: Writables, SequenceFiles, text input/output formats.

    writables.py      Writable classes <-> bytes <-> Python values (PySpark's conversions)
    sequencefile.py   SequenceFile writer and reader (uncompressed, RECORD, BLOCK)
"""
