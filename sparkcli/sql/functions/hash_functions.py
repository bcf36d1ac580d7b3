"""``pyspark.sql.functions``, hashes: md5, sha1, sha2, crc32, hash (Murmur3), xxhash64."""

from __future__ import annotations

__all__: list[str] = []
