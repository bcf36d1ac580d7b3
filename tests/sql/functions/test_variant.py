"""VARIANT: parse_json, variant_get, schema_of_variant(_agg), to_variant_object, the
changing functions, casts, to_json and show(); every expected value and message is
PySpark 4.3's (run on the same queries)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from runtime.sql.errors import AnalysisException, SparkRuntimeException
from sparkcli.sql import Row
from sparkcli.sql import functions as F
from sparkcli.sql.types import VariantVal

J = ("""'{"a": 1, "b": [1, 2.5, "x", null, true], "c": {"d": -12345678901, "e": 1.5e300}, """
     """"f": "str", "g": null}'""")
J_TEXT = '{"a":1,"b":[1,2.5,"x",null,true],"c":{"d":-12345678901,"e":1.5E300},"f":"str","g":null}'


def one(spark, text):
    (row,) = spark.sql(f"select {text}").collect()
    return tuple(str(v) if isinstance(v, VariantVal) else v for v in row)


def test_parse_json_and_its_text(spark):
    df = spark.sql(f"select parse_json({J}) v")
    assert df.schema.simpleString() == "struct<v:variant>"
    v = df.collect()[0].v
    assert isinstance(v, VariantVal)
    assert v.toPython() == {"a": 1, "b": [1, Decimal("2.5"), "x", None, True],
                            "c": {"d": -12345678901, "e": 1.5e300}, "f": "str", "g": None}
    assert one(spark, f"to_json(parse_json({J})), cast(parse_json({J}) as string)") == \
        (J_TEXT, J_TEXT)
    assert one(spark, "to_json(parse_json('1')), to_json(parse_json('1.5')), "
                      "to_json(parse_json('\"s\"')), to_json(parse_json('null')), "
                      "to_json(parse_json('1e3')), to_json(parse_json('12345678901234567890'))"
               ) == ("1", "1.5", '"s"', "null", "1000.0", "12345678901234567890")
    assert one(spark, "cast(parse_json('\"s\"') as string), cast(parse_json('1.50') as string), "
                      "cast(parse_json('null') as string)") == ("s", "1.5", None)
    assert one(spark, "try_parse_json('{a: 1}'), parse_json(null)") == (None, None)


def test_encoding_is_sparks(spark):
    """The value and metadata bytes PySpark 4.3 returns for the same documents."""
    v = spark.sql("""select parse_json('{"a": 1}')""").collect()[0][0]
    assert (bytes(v.value), bytes(v.metadata)) == (b"\x02\x01\x00\x00\x02\x0c\x01",
                                                   b"\x01\x01\x00\x01a")
    v = spark.sql("select parse_json('1.5'), to_variant_object(array(1, 2))").collect()[0]
    assert bytes(v[0].value) == b" \x01\x0f\x00\x00\x00"
    assert bytes(v[1].value) == b"\x03\x02\x00\x02\x04\x0c\x01\x0c\x02"


@pytest.mark.parametrize("text", ["'{a: 1}'", "''"])
def test_parse_json_malformed(spark, text):
    shown = text[1:-1]
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
            f"record parsing: {shown}.\nParse Mode: FAILFAST.")):
        spark.sql(f"select parse_json({text})").collect()


def test_schema_of_variant(spark):
    assert one(spark, """schema_of_variant(parse_json('{"a": 1, "b": "x", "c": [1, 2.5],
        "d": [1, "x"], "e": null, "f": 1.5e10, "g": [], "h": {}}'))""") == (
        "OBJECT<a: BIGINT, b: STRING, c: ARRAY<DECIMAL(21,1)>, d: ARRAY<VARIANT>, e: VOID, "
        "f: DOUBLE, g: ARRAY<VOID>, h: OBJECT<>>",)
    assert one(spark, "schema_of_variant(parse_json('1')), schema_of_variant(parse_json('1.50')),"
                      " schema_of_variant(parse_json('null')), schema_of_variant(parse_json("
                      "'[null, 1]')), schema_of_variant(parse_json('[1.5, 1]')), "
                      "schema_of_variant(parse_json('[1.5, 1e0]')), schema_of_variant(parse_json("
                      "'\"a\"')), schema_of_variant(parse_json('true'))") == (
        "BIGINT", "DECIMAL(2,1)", "VOID", "ARRAY<BIGINT>", "ARRAY<DECIMAL(21,1)>",
        "ARRAY<DOUBLE>", "STRING", "BOOLEAN")
    assert one(spark, """schema_of_variant(parse_json('{"B": 1, "a": 2}'))""") == \
        ("OBJECT<B: BIGINT, a: BIGINT>",)
    assert spark.sql("""select schema_of_variant_agg(parse_json(j)) from values ('{"a": 1}'),
        ('{"b": "x", "a": 2.5}'), ('{"a": "s"}') t(j)""").collect() == \
        [Row(**{"schema_of_variant_agg(parse_json(j))": "OBJECT<a: VARIANT, b: STRING>"})]
    assert spark.sql("select schema_of_variant_agg(parse_json(j)) from values ('1'), ('2.5') "
                     "t(j)").collect()[0][0] == "DECIMAL(21,1)"


def test_variant_get(spark):
    df = spark.sql(f"select variant_get(parse_json({J}), '$.a', 'int') a, "
                   f"variant_get(parse_json({J}), '$.b[1]', 'double') b, "
                   f"variant_get(parse_json({J}), '$.b[2]', 'string') c, "
                   f"variant_get(parse_json({J}), '$.c.d', 'bigint') d, "
                   f"variant_get(parse_json({J}), '$.nope', 'int') e")
    assert df.schema.simpleString() == "struct<a:int,b:double,c:string,d:bigint,e:int>"
    assert tuple(df.collect()[0]) == (1, 2.5, "x", -12345678901, None)
    assert one(spark, f"variant_get(parse_json({J}), '$.c')") == \
        ('{"d":-12345678901,"e":1.5E300}',)
    assert one(spark, f"variant_get(parse_json({J}), '$.b', 'array<string>')") == \
        (["1", "2.5", "x", None, "true"],)
    assert one(spark, f"variant_get(parse_json({J}), '$.c', 'struct<d: bigint, e: double, "
                      "z: int>')") == (Row(d=-12345678901, e=1.5e300, z=None),)
    assert one(spark, f"variant_get(parse_json({J}), '$.c', 'map<string, double>')") == \
        ({"d": -12345678901.0, "e": 1.5e300},)
    assert one(spark, f"try_variant_get(parse_json({J}), '$.f', 'int')") == (None,)
    assert one(spark, "variant_get(parse_json('\"12\"'), '$', 'int'), "
                      "variant_get(parse_json('12.7'), '$', 'int')") == (12, 12)
    assert one(spark, f"variant_get(parse_json({J}), '$.g', 'int'), variant_get(parse_json({J}),"
                      f" '$.a', 'string'), variant_get(parse_json({J}), '$.b[4]', 'boolean'), "
                      f"variant_get(parse_json({J}), '$.b[4]', 'int')") == (None, "1", True, 1)
    assert one(spark, "try_variant_get(parse_json('300'), '$', 'tinyint')") == (None,)
    assert one(spark, "variant_get(parse_json('\"2020-01-02\"'), '$', 'date'), "
                      "variant_get(parse_json('\"2020-01-02 10:00:00\"'), '$', 'timestamp'), "
                      "variant_get(parse_json('1.5'), '$', 'decimal(5,2)')") == (
        dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 10, 0), Decimal("1.50"))
    assert one(spark, f"""variant_get(parse_json({J}), '$["a"]', 'int'),
        variant_get(parse_json('[[1,2],[3]]'), '$[1][0]', 'int')""") == (1, 3)


def test_variant_get_errors(spark):
    with pytest.raises(SparkRuntimeException, match=re.escape(
            '[INVALID_VARIANT_CAST] The variant value `"str"` cannot be cast into `"INT"`. '
            "Please use `try_variant_get` instead. SQLSTATE: 22023")):
        spark.sql(f"select variant_get(parse_json({J}), '$.f', 'int')").collect()
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[INVALID_VARIANT_CAST] The variant value `300` cannot be cast into `\"TINYINT\"`.")):
        spark.sql("select variant_get(parse_json('300'), '$', 'tinyint')").collect()
    for path in ("a", "$.b[-1]"):
        with pytest.raises(SparkRuntimeException, match=re.escape(
                f"[INVALID_VARIANT_GET_PATH] The path `{path}` is not a valid variant extraction"
                " path in ``variant_get``.\nA valid path should start with `$`")):
            spark.sql(f"select variant_get(parse_json({J}), '{path}', 'int')").collect()
    with pytest.raises(SparkRuntimeException, match=re.escape(
            '[INVALID_VARIANT_CAST] The variant value `"x"` cannot be cast into `"INT"`.')):
        spark.sql("select cast(parse_json('\"x\"') as int)").collect()
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.INVALID_ORDERING_TYPE] Cannot resolve "(parse_json(1) = '
            'parse_json(1))" due to data type mismatch: The `=` does not support ordering on '
            'type "VARIANT". SQLSTATE: 42K09')):
        spark.sql("select parse_json('1') = parse_json('1')")


def test_predicates_and_objects(spark):
    assert one(spark, "is_variant_null(parse_json('null')), is_variant_null(parse_json('1')), "
                      "is_variant_null(null), is_variant_null(variant_get(parse_json("
                      "'{\"a\": null}'), '$.a')), is_variant_null(variant_get(parse_json("
                      "'{\"a\": null}'), '$.b')), is_valid_variant(parse_json('{\"a\": 1}'))"
               ) == (True, False, False, True, False, True)
    assert one(spark, "to_variant_object(named_struct('a', 1, 'b', 'x', 'c', array(1,2), 'd', "
                      "map('k', 2.5), 'e', date'2020-01-01', 'f', cast(null as int)))") == \
        ('{"a":1,"b":"x","c":[1,2],"d":{"k":2.5},"e":"2020-01-01","f":null}',)
    assert one(spark, "to_json(to_variant_object(named_struct('a', 1, 'b', 'x', 'e', "
                      "date'2020-01-01', 't', timestamp'2020-01-01 10:00:00', 'bin', "
                      "unhex('0102'), 'fl', cast(1.5 as float), 'db', 1.5D)))") == (
        '{"a":1,"b":"x","bin":"AQI=","db":1.5,"e":"2020-01-01","fl":1.5,'
        '"t":"2020-01-01 10:00:00+00:00"}',)
    assert one(spark, "schema_of_variant(to_variant_object(named_struct('a', 1, 'b', 'x', 'e', "
                      "date'2020-01-01', 't', timestamp'2020-01-01 10:00:00', 'bin', "
                      "unhex('0102'), 'fl', cast(1.5 as float), 'db', 1.5D, 'dec', 1.50, 'ntz', "
                      "timestamp_ntz'2020-01-01 00:00:00', 'tiny', 1Y)))") == (
        "OBJECT<a: BIGINT, b: STRING, bin: BINARY, db: DOUBLE, dec: DECIMAL(2,1), e: DATE, "
        "fl: FLOAT, ntz: TIMESTAMP_NTZ, t: TIMESTAMP, tiny: BIGINT>",)
    assert one(spark, "cast(1 as variant), cast('x' as variant), cast(array(1) as variant), "
                      "typeof(parse_json('1'))") == ("1", '"x"', "[1]", "variant")
    assert one(spark, "to_json(named_struct('v', parse_json('{\"a\":1}'), 'x', 2))") == \
        ('{"v":{"a":1},"x":2}',)
    for text, shown in (("1", '"INT"'), ("map(1, 2)", '"MAP<INT, INT>"')):
        with pytest.raises(AnalysisException, match=re.escape(
                f'[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "to_variant_object('
                f'{text})" due to data type mismatch: cannot cast {shown} to "VARIANT".')):
            spark.sql(f"select to_variant_object({text})")


def test_changing_functions(spark):
    assert one(spark, "to_json(variant_delete(parse_json('{\"a\":1,\"b\":2}'), '$.a')), "
                      "to_json(try_variant_set(parse_json('{\"a\":1}'), '$.a.b', 2)), "
                      "to_json(try_variant_insert(parse_json('{\"a\":1}'), '$.a', 2)), "
                      "to_json(try_variant_array_append(parse_json('{\"a\":1}'), '$.a', 2)), "
                      "to_json(variant_strip_nulls(parse_json('[null, {\"a\": null}]'))), "
                      "to_json(variant_strip_nulls(parse_json('[null, {\"a\": null}]'), false))"
               ) == ('{"b":2}', None, None, None, "[{}]", "[null,{}]")
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[VARIANT_PATH_TYPE_MISMATCH] The path '$.a.b' is incompatible with the variant "
            "value at '$.a' in `variant_set`. SQLSTATE: 22023")):
        spark.sql("select variant_set(parse_json('{\"a\":1}'), '$.a.b', 2)").collect()
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[VARIANT_PATH_TYPE_MISMATCH] The path '$.a' is incompatible with the variant value "
            "at '$.a' in `variant_array_append`.")):
        spark.sql("select variant_array_append(parse_json('{\"a\":1}'), '$.a', 2)").collect()
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[VARIANT_DUPLICATE_KEY] Failed to build variant because of a duplicate object key "
            "`a`. SQLSTATE: 22023")):
        spark.sql("select variant_insert(parse_json('{\"a\":1}'), '$.a', 2)").collect()
    with pytest.raises(SparkRuntimeException, match=re.escape(
            "[INVALID_VARIANT_PATH] The path '$[-1]' is not a valid `variant_set` target.\n")):
        spark.sql("select variant_set(parse_json('[1,2]'), '$[-1]', 9)").collect()
    with pytest.raises(AnalysisException, match=re.escape(
            '[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve "variant_set(parse_json('
            '{}), $.x, named_struct(q, 1))" due to data type mismatch: cannot cast "STRUCT<q: '
            'INT NOT NULL>" to "VARIANT". SQLSTATE: 42K09')):
        spark.sql("select variant_set(parse_json('{}'), '$.x', named_struct('q', 1))")


def test_changing_functions_python_api(spark):
    """The examples of PySpark 4.3's docstrings."""
    df = spark.createDataFrame([{"json": '{ "a": 1, "arr": ["x", "y"] }', "path": "$.d"}])
    v = F.parse_json(df.json)

    def r(c):
        return df.select(F.to_json(c).alias("r")).collect()[0].r
    assert r(F.variant_insert(v, "$.b", F.lit(2))) == '{"a":1,"arr":["x","y"],"b":2}'
    assert r(F.variant_insert(v, "$.c.d", F.lit(3))) == '{"a":1,"arr":["x","y"],"c":{"d":3}}'
    assert r(F.variant_insert(v, "$.arr[1]", F.lit("z"))) == '{"a":1,"arr":["x","z","y"]}'
    assert r(F.variant_insert(v, "$.arr[5]", F.lit("z"))) == \
        '{"a":1,"arr":["x","y",null,null,null,"z"]}'
    assert r(F.variant_insert(v, df.path, F.lit(9))) == '{"a":1,"arr":["x","y"],"d":9}'
    assert r(F.variant_insert(v, "$.b", F.parse_json(F.lit("null")))) == \
        '{"a":1,"arr":["x","y"],"b":null}'
    assert df.select(F.variant_insert(v, "$.b", F.lit(None)).alias("r")).collect() == \
        [Row(r=None)]
    df = spark.createDataFrame([{"json": '{"a": 1, "arr": [1, 2, 3]}'}])
    v = F.parse_json(df.json)
    assert r(F.variant_set(v, "$.a", F.lit(9))) == '{"a":9,"arr":[1,2,3]}'
    assert r(F.variant_set(v, "$.arr[1]", F.lit(9))) == '{"a":1,"arr":[1,9,3]}'
    assert r(F.variant_set(v, "$.b", F.lit(2), False)) == '{"a":1,"arr":[1,2,3]}'
    df = spark.createDataFrame([{"json": "[[1, 2], 5]", "path": "$[0]"}])
    v = F.parse_json(df.json)
    assert r(F.variant_array_append(v, "$", F.lit(3))) == "[[1,2],5,3]"
    assert r(F.variant_array_append(v, "$[5]", F.lit(3))) == "[[1,2],5]"
    assert r(F.variant_array_append(v, df.path, F.lit(9))) == "[[1,2,9],5]"
    assert r(F.variant_array_append(v, "$", F.parse_json(F.lit("[4, 5]")))) == "[[1,2],5,[4,5]]"
    df = spark.createDataFrame([{"json": '{ "a" : 1, "b" : 2, "c" : 3, "items" : [1, 2, 3] }',
                                 "path": "$.a"}])
    v = F.parse_json(df.json)
    assert r(F.variant_delete(v, F.lit(None), "$.a", "$.c")) == '{"b":2,"items":[1,2,3]}'
    assert r(F.variant_delete(v, "$.missing")) == '{"a":1,"b":2,"c":3,"items":[1,2,3]}'
    assert r(F.variant_delete(v, df.path)) == '{"b":2,"c":3,"items":[1,2,3]}'
    assert r(F.variant_delete(v, "$.items[0]", "$.items[0]")) == '{"a":1,"b":2,"c":3,"items":[3]}'
    df = spark.createDataFrame([{"json": '{ "a" : 1, "b" : null, "c" : [1, null], "d" : '
                                         '{ "e" : null, "f" : 4 } }'}])
    v = F.parse_json(df.json)
    assert r(F.variant_strip_nulls(v)) == '{"a":1,"c":[1],"d":{"f":4}}'
    assert r(F.variant_strip_nulls(v, False)) == '{"a":1,"c":[1,null],"d":{"f":4}}'


def test_python_api_names_show_and_values(spark):
    df = spark.createDataFrame([('{"a": 1}',)], "j string").select(F.parse_json("j").alias("v"))
    assert df.select(F.variant_get("v", "$.a", "int")).columns == ["variant_get(v, $.a)"]
    assert df.select(F.try_variant_get("v", "$.a", "int")).columns == ["try_variant_get(v, $.a)"]
    assert df.select(F.is_variant_null("v"), F.schema_of_variant("v"), F.to_json("v")).columns \
        == ["is_variant_null(v)", "schema_of_variant(v)", "to_json(v)"]
    assert df.select(F.variant_get("v", "$.a", "int")).schema.simpleString() == \
        "struct<variant_get(v, $.a):int>"
    v = df.collect()[0].v
    assert (str(v), v.toPython(), v.toJson()) == ('{"a":1}', {"a": 1}, '{"a":1}')
    back = spark.createDataFrame([(v,)], "v variant")
    assert back.select(F.to_json("v")).collect()[0][0] == '{"a":1}'
    out = spark.sql(f"select parse_json({J}) v, parse_json('\"s\"') s, parse_json('null') n, "
                    "to_variant_object(named_struct('e', date'2020-01-01', 't', "
                    "timestamp'2020-01-01 10:00:00', 'bin', unhex('0102'))) o")
    text = out._show_string(20, 0) if hasattr(out, "_show_string") else None
    if text is None:
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            out.show(truncate=False)
        text = buf.getvalue()
    assert f"|{J_TEXT}|\"s\"|null|" \
           '{"bin":"AQI=","e":"2020-01-01","t":"2020-01-01 10:00:00+00:00"}|' in text


def test_parquet_round_trip(spark, tmp_path):
    """A VARIANT column is written as Spark writes it (the value/metadata pair, the type in
    Spark's schema JSON) and read back as VARIANT."""
    import pyarrow.parquet as pq

    df = spark.createDataFrame([(1, '{"a": [1, "x"]}'), (2, "null")], "i int, j string") \
        .select("i", F.parse_json("j").alias("v"))
    path = str(tmp_path / "v.parquet")
    df.write.parquet(path)
    back = spark.read.parquet(path)
    assert back.schema.simpleString() == "struct<i:int,v:variant>"
    assert [tuple(r) for r in back.orderBy("i").select("i", F.to_json("v")).collect()] == \
        [(1, '{"a":[1,"x"]}'), (2, "null")]
    import glob

    (part, *_) = sorted(glob.glob(path + "/part-*.parquet"))
    assert pq.read_schema(part).field("v").type.names == ["value", "metadata"]
