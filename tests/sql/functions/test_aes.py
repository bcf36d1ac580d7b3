"""aes_encrypt / aes_decrypt / try_aes_decrypt: byte-identical to PySpark 4.3 for a given key,
IV and AAD (GCM, CBC, ECB; 128/192/256-bit keys), decrypting Spark's own outputs, Spark's
column names and errors. The block cipher is plain Python (misc_aes.py): FIPS-197 and
NIST GCM vectors first."""

from __future__ import annotations

import pytest

from runtime.sql.expressions import misc_aes
from sparkcli.errors import SparkRuntimeException
from sparkcli.sql import functions as F


def test_fips_197_and_gcm_vectors():
    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    for key_len, expected in ((16, "69c4e0d86a7b0430d8cdb78070b4c55a"),
                              (24, "dda97ca4864cdfe06eaf70a0ec0d7191"),
                              (32, "8ea2b7ca516745bfeafc49904b496089")):
        keys = misc_aes._expand(bytes(range(key_len)))
        assert misc_aes._encrypt_block(keys, plain).hex() == expected
        assert misc_aes._decrypt_block(keys, bytes.fromhex(expected)) == plain
    out = misc_aes.encrypt(bytes(16), bytes(16), "GCM", bytes(12), None)  # SP 800-38D case 2
    assert out[12:].hex() == "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf"


# (query, value, column name), PySpark 4.3's answers
CASES = [
    ("SELECT hex(aes_encrypt('Apache Spark', '0000111122223333', 'CBC', 'PKCS', "
     "unhex('00000000000000000000000000000000')))",
     "00000000000000000000000000000000363DA9100FB185098EE6E4F960AEB8A4",
     "hex(aes_encrypt(Apache Spark, 0000111122223333, CBC, PKCS, "
     "unhex(00000000000000000000000000000000), ))"),
    ("SELECT hex(aes_encrypt('', '0000111122223333', 'GCM', 'DEFAULT', "
     "unhex('00112233445566778899aabb')))",
     "00112233445566778899AABB80A750CC8A4BD5545121B07C0F81C9A6",
     "hex(aes_encrypt(, 0000111122223333, GCM, DEFAULT, unhex(00112233445566778899aabb), ))"),
    ("SELECT hex(aes_encrypt('Spark SQL is really nice and long text', "
     "'abcdefghijklmnop12345678ABCDEFGH', 'GCM', 'DEFAULT', unhex('00112233445566778899aabb'), "
     "'aad'))", "00112233445566778899AABB87AD4EBBB4F1E8ACA1BEFB2A71E411A1F85DA9310471A56647D43D1"
     "0E2861B85197683D5D6F9B79374E34B9F48A69C8C06A2F1133B38",
     "hex(aes_encrypt(Spark SQL is really nice and long text, abcdefghijklmnop12345678ABCDEFGH, "
     "GCM, DEFAULT, unhex(00112233445566778899aabb), aad))"),
    ("SELECT CAST(aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E7"
     "09B28A94'), '0000111122223333') AS STRING)", "Spark",
     "CAST(aes_decrypt(unhex(83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94)"
     ", 0000111122223333, GCM, DEFAULT, ) AS STRING)"),
    ("SELECT CAST(aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '1234567890abcdef', 'ECB', "
     "'PKCS') AS STRING)", "Spark SQL", None),
    ("SELECT CAST(aes_decrypt(unbase64('2NYmDCjgXTbbxGA3/SnJEfFC/JQ7olk2VQWReIAAFKo='), "
     "'1234567890abcdef', 'CBC') AS STRING)", "Apache Spark", None),
    ("SELECT CAST(aes_decrypt(unbase64('AAAAAAAAAAAAAAAAAAAAAPSd4mWyMZ5mhvjiAPQJnfg='), "
     "'abcdefghijklmnop12345678ABCDEFGH', 'CBC', 'DEFAULT') AS STRING)", "Spark", None),
    ("SELECT CAST(aes_decrypt(unbase64('AAAAAAAAAAAAAAAAQiYi+sTLm7KD9UcZ2nlRdYDe/PX4'), "
     "'abcdefghijklmnop12345678ABCDEFGH', 'GCM', 'DEFAULT', 'This is an AAD mixed into the "
     "input') AS STRING)", "Spark", None),
    ("SELECT try_aes_decrypt(X'0102', '0000111122223333')", None,
     "try_aes_decrypt(X'0102', 0000111122223333, GCM, DEFAULT, )"),
    ("SELECT aes_encrypt(NULL, '0000111122223333')", None,
     "aes_encrypt(NULL, 0000111122223333, GCM, DEFAULT, , )"),
    ("SELECT aes_encrypt('Spark', '0000111122223333', 'GCM') != aes_encrypt('Spark', "
     "'0000111122223333', 'GCM')", True, None),  # a random IV each time
    ("SELECT CAST(aes_decrypt(aes_encrypt('Spark', 'abcdefghijklmnop12345678', 'ECB'), "
     "'abcdefghijklmnop12345678', 'ECB') AS STRING)", "Spark", None),
    ("SELECT typeof(aes_decrypt(aes_encrypt('a', '0000111122223333'), '0000111122223333'))",
     "binary", None),
]


@pytest.mark.parametrize("query,value,name", CASES, ids=range(len(CASES)))
def test_aes_values(spark, query, value, name):
    df = spark.sql(query)
    assert df.collect()[0][0] == value
    if name is not None:
        assert df.columns == [name]


ERRORS = [
    ("SELECT aes_encrypt('Spark', '12345')",
     "[INVALID_PARAMETER_VALUE.AES_KEY_LENGTH] The value of parameter(s) `key` in "
     "`aes_encrypt`/`aes_decrypt` is invalid: expects a binary value with 16, 24 or 32 bytes, "
     "but got 5 bytes. SQLSTATE: 22023"),
    ("SELECT aes_encrypt('Spark', '0000111122223333', 'CTR')",
     "[UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-CTR with the padding "
     "DEFAULT by the `aes_encrypt`/`aes_decrypt` function. SQLSTATE: 0A000"),
    ("SELECT aes_encrypt('Spark', '0000111122223333', 'GCM', 'PKCS')",
     "[UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-GCM with the padding "
     "PKCS by the `aes_encrypt`/`aes_decrypt` function. SQLSTATE: 0A000"),
    ("SELECT aes_decrypt(X'0102', '0000111122223333')",
     "[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] The value of parameter(s) `expr`, `key` in "
     "`aes_encrypt`/`aes_decrypt` is invalid: detail message: Invalid buffer arguments "
     "SQLSTATE: 22023"),
    ("SELECT aes_decrypt(unhex('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28"
     "A94'), '0000111122223334')",
     "[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] The value of parameter(s) `expr`, `key` in "
     "`aes_encrypt`/`aes_decrypt` is invalid: detail message: Tag mismatch! SQLSTATE: 22023"),
    ("SELECT aes_encrypt('Spark', '0000111122223333', 'ECB', 'PKCS', unhex('00'))",
     "[UNSUPPORTED_FEATURE.AES_MODE_IV] The feature is not supported: `aes_encrypt` with "
     "AES-ECB does not support initialization vectors (IVs). SQLSTATE: 0A000"),
    ("SELECT aes_encrypt('Spark', '0000111122223333', 'CBC', 'PKCS', unhex('00'))",
     "[INVALID_PARAMETER_VALUE.AES_IV_LENGTH] The value of parameter(s) `iv` in "
     "`aes_encrypt`/`aes_decrypt` is invalid: supports 16-byte CBC IVs and 12-byte GCM IVs, but "
     "got 1 bytes for CBC. SQLSTATE: 22023"),
    ("SELECT aes_encrypt('Spark', '0000111122223333', 'CBC', 'PKCS', "
     "unhex('00000000000000000000000000000000'), 'aad')",
     "[UNSUPPORTED_FEATURE.AES_MODE_AAD] The feature is not supported: `aes_encrypt` with "
     "AES-CBC does not support additional authenticate data (AAD). SQLSTATE: 0A000"),
]


@pytest.mark.parametrize("query,message", ERRORS, ids=range(len(ERRORS)))
def test_aes_errors(spark, query, message):
    with pytest.raises(SparkRuntimeException) as e:
        spark.sql(query).collect()
    assert str(e.value).split("\n")[0] == message


def test_python_functions(spark):
    df = spark.createDataFrame([("Spark", "abcdefghijklmnop")], "s string, k string")
    enc = df.select(F.aes_encrypt("s", "k", F.lit("CBC"), iv=F.unhex(F.lit("00" * 16)))
                    .alias("e"), "k")
    assert enc.collect()[0][0][:16] == bytes(16)
    out = enc.select(F.aes_decrypt("e", "k", F.lit("CBC")).cast("string"),
                     F.try_aes_decrypt("e", "k").alias("bad")).collect()[0]
    assert tuple(out) == ("Spark", None)
