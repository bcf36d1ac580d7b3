"""Function cases checked against real PySpark 4.3 (see generate_golden.py): Python
expressions over ``F`` selected from golden_input's table (columns i, j int; l bigint;
d, e double; s, t string; b binary; dec decimal(10,2); js JSON text; u a URL)."""

from __future__ import annotations

CASES: dict[str, list[str]] = {}

CASES["math"] = [
    # trigonometry and hyperbolic functions
    'F.sinh("d")', 'F.cosh("d")', 'F.tanh("d")', 'F.asinh("d")', 'F.acosh("i")',
    'F.atanh("e")', 'F.cot("d")', 'F.sec("d")', 'F.csc("d")', 'F.sin("i")', 'F.asin("e")',
    'F.acos("d")', 'F.atan2("d", "e")', 'F.hypot("i", "j")', 'F.hypot(col("d"), 4.0)',
    'F.degrees("d")', 'F.radians("i")', 'F.e()', 'F.pi()', 'F.expr("pi() * 2")',
    # logarithms and exponentials
    'F.log("d")', 'F.log(2.0, "i")', 'F.log(10.0, col("l"))', 'F.ln("e")', 'F.ln(lit(0))',
    'F.log10("i")', 'F.log2("j")', 'F.log1p("e")', 'F.log1p("d")', 'F.expm1("d")',
    'F.exp("i")', 'F.sqrt("e")', 'F.cbrt("i")', 'F.pow("i", "j")', 'F.power(2, "j")',
    'F.expr("log(2, 8)")', 'F.expr("ln(e)")', 'F.expr("power(i, 2)")',
    # rounding and sign
    'F.rint("d")', 'F.rint("e")', 'F.signum("i")', 'F.sign("d")', 'F.signum("dec")',
    'F.ceil("d")', 'F.floor("e")', 'F.ceil("d", 1)', 'F.floor("dec", 1)', 'F.ceil("dec")',
    'F.round("dec", 1)', 'F.bround("d")', 'F.round("i", -1)', 'F.negate("i")',
    'F.negative("dec")', 'F.positive("d")', 'F.abs("l")',
    # integers
    'F.factorial("j")', 'F.factorial("i")', 'F.factorial(lit(21))', 'F.pmod("i", "j")',
    'F.pmod("d", lit(2))', 'F.pmod(lit(-7), lit(0))', 'F.expr("pmod(i, 0)")',
    'F.expr("try_mod(i, 0)")',
    'F.bin("i")', 'F.bin("l")', 'F.hex("i")', 'F.hex("l")', 'F.hex("s")', 'F.hex("b")',
    'F.unhex(F.hex("s"))', 'F.unhex(lit("1F"))', 'F.unhex(lit("F"))', 'F.unhex(lit("xyz"))',
    'F.conv("s", 16, 10)', 'F.conv(lit("100"), 2, 10)', 'F.conv("i", 10, 16)',
    'F.conv("i", 10, -16)', 'F.conv(lit("ff"), 16, 2)', 'F.conv(lit("-10"), 10, 16)',
    'F.width_bucket("d", lit(0.0), lit(10.0), lit(5))',
    'F.width_bucket("i", lit(-10), lit(10), lit(4))',
    'F.greatest("i", "j", "d")', 'F.least("i", "j")',
    # try_ arithmetic
    'F.try_add("i", "j")', 'F.try_add("l", lit(9223372036854775807))',
    'F.try_subtract("i", "j")', 'F.try_subtract(lit(-2147483648), "j")',
    'F.try_multiply("l", "l")', 'F.try_multiply("i", "j")', 'F.try_divide("i", "j")',
    'F.try_divide("i", lit(0))', 'F.try_divide("dec", "j")', 'F.try_mod("i", "j")',
    'F.try_mod("i", lit(0))', 'F.try_add("dec", "dec")',
    # ANSI errors
    'F.expr("i div 0")', 'F.expr("l * l")',
    # bits
    'F.bit_count("i")', 'F.bit_count("l")', 'F.bit_get("i", lit(0))', 'F.getbit("l", lit(63))',
    'F.bitwise_not("i")', 'F.shiftleft("i", 2)', 'F.shiftright("i", 1)',
    'F.shiftrightunsigned("i", 1)', 'F.shiftrightunsigned("l", 4)', 'F.shiftleft("l", 65)',
    'F.expr("bit_get(i, 40)")',
    # by name in SQL text
    'F.expr("sign(i)")', 'F.expr("ceiling(d)")', 'F.expr("power(2, 3)")', 'F.expr("mod(i, j)")',
    'F.expr("i & j")', 'F.expr("i | j")', 'F.expr("i ^ j")', 'F.expr("~i")',
    'F.expr("try_divide(i, 0)")', 'F.expr("cot(0)")', 'F.expr("log(0, 1)")',
    'F.expr("typeof(uniform(1, 10, 0))")', 'F.expr("typeof(uniform(1.0, 10, 0))")',
    'F.expr("uniform(5, 5, 0)")',
]

CASES["conditional"] = [
    'F.nvl2("i", "j", lit(0))', 'F.nullif("i", lit(5))', 'F.nullif("s", "t")',
    'F.ifnull("i", "l")', 'F.nvl("s", lit("x"))', 'F.nanvl("d", "e")',
    'F.nanvl(lit(float("nan")), "e")', 'F.nullifzero(col("i") + 7)', 'F.zeroifnull("i")',
    'F.zeroifnull("d")', 'F.coalesce("i", "l")', 'F.equal_null("i", "j")',
    'F.equal_null(col("i"), col("i"))', 'F.expr("nvl2(s, 1, 2)")', 'F.expr("nullif(j, 2)")',
    'F.expr("ifnull(s, \'z\')")', 'F.expr("if(i > 0, \'pos\', \'neg\')")',
]

CASES["predicate"] = [
    'F.like("s", lit("%o%"))', 'F.ilike("s", lit("%SQL%"))', 'F.rlike("s", lit("^[a-z_]+ "))',
    'F.regexp("s", lit("W.r"))', 'F.regexp_like("s", lit("(?i)hello"))',
    'F.regexp_like("s", lit("o(?= W)"))', 'F.regexp_like("s", lit("(l)\\\\1"))',
    'F.like("s", lit("%!_%"), lit("!"))', 'F.isnan("d")', 'F.isnull("s")', 'F.isnotnull("s")',
]

CASES["string"] = [
    'F.ascii("s")', 'F.ascii(lit(""))', 'F.base64("b")', 'F.base64("s")', 'F.unbase64(lit("U3Bhcms="))',
    'F.bit_length("s")', 'F.octet_length("s")', 'F.octet_length("b")',
    'F.btrim(lit("  xx  "))', 'F.btrim("s", lit("Hd"))', 'F.char(lit(65))', 'F.chr(col("i") + 60)',
    'F.char(lit(321))', 'F.char_length("s")', 'F.character_length("b")',
    'F.concat_ws("-", "s", "t")', 'F.contains("s", "t")', 'F.contains("b", "b")',
    'F.startswith("s", lit("He"))', 'F.endswith("s", "t")',
    'F.decode("b", "UTF-8")', 'F.encode("s", "UTF-8")', 'F.encode(lit("é"), "ISO-8859-1")',
    'F.decode(F.encode("s", "UTF-16"), "UTF-16")',
    'F.elt(lit(2), "s", "t")', 'F.elt(lit(3), "s", "t")', 'F.find_in_set("t", lit("a,o,sql"))',
    'F.format_number("d", 2)', 'F.format_number("l", 0)', 'F.format_number("dec", 3)',
    'F.format_number(lit(1234567.891), 1)',
    'F.format_string("%d-%s", "i", "s")', 'F.format_string("%5.2f|%-6s|%x", "d", "t", "i")',
    'F.printf(lit("%s=%03d"), "t", "j")', 'F.format_string("%e %b", "d", "i")',
    'F.initcap("s")', 'F.instr("s", "t")', 'F.instr("s", lit("zz"))',
    'F.lcase("s")', 'F.ucase("s")', 'F.left("s", lit(3))', 'F.right("s", lit(3))',
    'F.left("s", lit(-1))', 'F.length("s")', 'F.length("b")',
    'F.levenshtein("s", lit("Hallo World"))', 'F.levenshtein("s", "t", 3)',
    'F.locate("o", "s")', 'F.locate("o", "s", 6)', 'F.locate("o", "s", 0)',
    'F.position(lit("l"), "s")', 'F.position(lit("l"), "s", lit(5))',
    'F.lpad("s", 15, "ab")', 'F.rpad("s", 4, "x")', 'F.lpad("b", 7, b"0")',
    'F.ltrim(lit("xxaxx"), lit("x"))', 'F.rtrim(lit("xxaxx"), lit("x"))',
    'F.trim(lit("  a  "))', 'F.trim(lit("xxaxx"), lit("x"))',
    'F.mask("s")', 'F.mask("s", lit("Y"), lit("y"), lit("0"), lit("-"))',
    'F.overlay("s", lit("__"), 3)', 'F.overlay("s", lit("__"), 3, 0)',
    'F.overlay("b", lit(b"xx"), 2, 1)',
    'F.quote("s")', 'F.quote(lit("it\'s"))',
    'F.regexp_count("s", lit("[a-z]"))', 'F.regexp_extract("s", "(\\\\w+) (\\\\w+)", 2)',
    'F.regexp_extract_all("s", lit("(\\\\w)(\\\\w)"), 2)', 'F.regexp_extract_all("s", lit("[A-Z]\\\\w*"))',
    'F.regexp_instr("s", lit("o"))', 'F.regexp_instr("s", lit("z"))',
    'F.regexp_replace("s", "(\\\\w+) (\\\\w+)", "$2 $1")', 'F.regexp_replace("s", "l", "L", 4)',
    'F.regexp_substr("s", lit("[A-Z]+"))', 'F.regexp_substr("s", lit("zz"))',
    'F.regexp_replace("s", "(?<=l)o", "0")',
    'F.repeat("t", 3)', 'F.replace("s", lit("l"))', 'F.replace("s", lit("l"), lit("LL"))',
    'F.reverse("s")', 'F.sentences(lit("Hi there! How are you?"))',
    'F.soundex("s")', 'F.soundex(lit("Robert"))', 'F.soundex(lit("Tymczak"))',
    'F.split("s", "[ _]")', 'F.split("s", "o", 2)', 'F.split_part("s", lit(" "), lit(2))',
    'F.split_part("s", lit(" "), lit(-1))', 'F.split_part("s", lit(" "), lit(5))',
    'F.expr("split_part(s, \' \', 0)")',
    'F.substr("s", lit(2), lit(3))', 'F.substring("s", -3, 2)', 'F.substring("b", 2, 2)',
    'F.substring_index("s", "o", 1)', 'F.substring_index("s", "o", -1)',
    'F.substring_index(lit("a.b.c"), ".", -2)',
    'F.to_binary("s", lit("utf-8"))', 'F.to_binary(lit("abc"), lit("hex"))',
    'F.to_binary(lit("U3Bhcms="), lit("base64"))', 'F.try_to_binary(lit("xyz"), lit("hex"))',
    'F.to_number(lit("$1,234.50"), lit("$9,999.99"))', 'F.to_number(lit("-12"), lit("S99"))',
    'F.try_to_number(lit("abc"), lit("999"))', 'F.to_char("dec", lit("999.999"))',
    'F.to_char("dec", lit("$99.00"))', 'F.to_varchar("b", lit("hex"))',
    'F.translate("s", "lo", "01")', 'F.translate("s", "lod", "0")',
    'F.upper("s")', 'F.lower("s")',
    'F.is_valid_utf8("s")', 'F.validate_utf8("s")', 'F.make_valid_utf8("s")',
    'F.try_validate_utf8("s")', 'F.jaro_winkler_similarity("s", lit("Hello"))',
    'F.url_encode("s")', 'F.url_decode(lit("a%20b%2Bc"))', 'F.try_url_decode(lit("%zz"))',
    'F.url_decode(lit("%zz"))',
    'F.parse_url("u", lit("HOST"))', 'F.parse_url("u", lit("QUERY"))',
    'F.parse_url("u", lit("QUERY"), lit("k"))', 'F.parse_url("u", lit("PATH"))',
    'F.parse_url("u", lit("REF"))', 'F.parse_url("u", lit("PROTOCOL"))',
    'F.parse_url("u", lit("FILE"))', 'F.parse_url("u", lit("AUTHORITY"))',
    'F.parse_url("u", lit("USERINFO"))', 'F.try_parse_url(lit("inva lid://x"), lit("HOST"))',
    'F.expr("concat(s, t)")', 'F.expr("lpad(s, 3)")', 'F.expr("substr(s, 3)")',
]

CASES["hash"] = [
    'F.md5("s")', 'F.md5("b")', 'F.sha1("s")', 'F.sha("b")', 'F.sha2("s", 256)',
    'F.sha2("s", 224)', 'F.sha2("b", 384)', 'F.sha2("s", 512)', 'F.sha2("s", 0)',
    'F.sha2("s", 100)', 'F.crc32("s")', 'F.crc32("b")',
    'F.hash("i")', 'F.hash("l")', 'F.hash("d")', 'F.hash("s")', 'F.hash("b")', 'F.hash("dec")',
    'F.hash("i", "s")', 'F.hash("e")', 'F.hash(lit(True))', 'F.hash(lit(None))',
    'F.hash(col("i").cast("short"))', 'F.hash(col("d").cast("float"))',
    'F.hash(lit(0.0))', 'F.hash(lit(-0.0))',
    'F.xxhash64("i")', 'F.xxhash64("l")', 'F.xxhash64("d")', 'F.xxhash64("s")',
    'F.xxhash64("b")', 'F.xxhash64("dec")', 'F.xxhash64("i", "s")', 'F.xxhash64(lit(True))',
    'F.expr("hash(s, i, d)")',
]

CASES["json"] = [
    'F.get_json_object("js", "$.a")', 'F.get_json_object("js", "$.b")',
    'F.get_json_object("js", "$.b[2].c")', 'F.get_json_object("js", "$.d")',
    'F.get_json_object("js", "$[1]")', 'F.get_json_object("js", "$.zz")',
    'F.get_json_object("js", "$.b[*]")', 'F.get_json_object("js", "$.d.e")',
    'F.json_array_length("js")', 'F.json_object_keys("js")',
    'F.schema_of_json(lit(\'{"a": 1, "b": [1.5], "c": {"d": "x"}}\'))',
    'F.schema_of_json(lit("[1, 2]"))',
    'F.from_json("js", "a INT, d STRUCT<e: BOOLEAN>")',
    'F.from_json("js", "a STRING, b ARRAY<STRING>")', 'F.from_json("js", "array<string>")',
    'F.from_json("js", "map<string, string>")',
    'F.to_json(F.struct("i", "s"))', 'F.to_json(F.struct("d", "dec", "b"))',
    'F.to_json(F.array("i", "j"))', 'F.to_json(F.create_map("t", "i"))',
    'F.to_json(F.struct(F.struct("i").alias("x"), F.array("s").alias("y")))',
    'F.to_csv(F.struct("i", "s", "d"))', 'F.from_csv(lit("1,a,2.5"), "x INT, y STRING, z DOUBLE")',
    'F.schema_of_csv(lit("1,abc,2.5,true"))',
]

CASES["misc"] = [
    'F.typeof("i")', 'F.typeof("dec")', 'F.typeof(F.array("s"))', 'F.typeof(lit(None))',
    'F.typeof(F.struct("i", "d"))', 'F.typeof(F.create_map("s", "i"))',
    'F.assert_true(col("j") > 0)', 'F.assert_true(col("i") > 0)',
    'F.assert_true(col("i") > 0, "i must be positive")', 'F.raise_error(lit("boom"))',
    'F.current_database()', 'F.current_schema()', 'F.current_catalog()',
    'F.input_file_name()', 'F.input_file_block_start()', 'F.input_file_block_length()',
    'F.spark_partition_id()', 'F.expr("version() is not null")', 'F.expr("length(uuid())")',
    'F.expr("current_user() = user()")',
    'F.bitmap_bit_position(lit(1))', 'F.bitmap_bit_position("l")', 'F.bitmap_bucket_number("i")',
    'F.bitmap_bucket_number("l")', 'F.bitmap_count(lit(b"\\x0f\\x01"))', 'F.bitmap_count("b")',
    'F.expr("current_path()")', 'F.collation("s")', 'F.collate("s", "UTF8_BINARY")',
    'F.expr("typeof(randstr(5, 0))")', 'F.expr("length(randstr(5, 0))")',
    'F.json_tuple("js", "a", "zz")',
]

# with spark.sql.ansi.enabled=false
CASES["ansi_off"] = [
    'F.elt(lit(3), "s", "t")', 'F.pmod("i", lit(0))', 'F.expr("i div 0")', 'F.expr("l * l")',
    'F.parse_url(lit("inva lid://x"), lit("HOST"))', 'F.try_add("i", "j")',
    'F.expr("i % 0")', 'F.expr("cast(s as int)")', 'F.conv(lit("ffffffffffffffffff"), 16, 10)',
    'F.expr("bit_get(i, 40)")', 'F.to_number(lit("abc"), lit("999"))',
    'F.get_json_object(lit("{bad"), "$.a")', 'F.from_json(lit("{bad"), "a INT")',
]
