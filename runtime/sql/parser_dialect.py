"""sqlglot's Spark dialect with Spark's own function names kept as they are written.

sqlglot normalizes many functions into its own classes while parsing, and for date
functions it also rewrites the Java pattern argument into strftime (``from_unixtime(x,
'yyyy-MM-dd')`` becomes ``UnixToStr(x, '%Y-%m-%d')``), ``trunc`` becomes ``DateTrunc`` and
``transform``/``aggregate`` take their own argument names. The engine implements Spark's
functions itself (the registry), so the functions listed here are parsed as plain calls by
name (``exp.Anonymous``) with their arguments untouched; everything else is sqlglot's Spark.
A quote doubled inside a string literal is one quote (``'it''s'``), as in Spark 4.
UNPIVOT of several value columns is read here (sqlglot reads one).
A multi-unit interval literal (``INTERVAL 1 HOUR 30 MINUTES``), which sqlglot reads as a sum
of one-unit intervals, is marked (``meta["multi_unit_interval"]``) so the converter makes it
one literal as Spark does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["RAW_FUNCTIONS", "spark_dialect"]

RAW_FUNCTIONS = frozenset("""
add_months convert_timezone date_add date_diff date_format date_from_unix_date date_part
date_sub date_trunc dateadd datediff datepart day dayofmonth dayofweek dayofyear from_unixtime
from_utc_timestamp last_day make_date make_dt_interval make_timestamp make_timestamp_ltz
make_timestamp_ntz make_ym_interval months_between next_day timestamp_micros timestamp_millis
timestamp_seconds to_date to_timestamp to_timestamp_ltz to_timestamp_ntz to_unix_timestamp
to_utc_timestamp trunc try_to_timestamp try_to_date unix_date unix_micros unix_millis
unix_seconds unix_timestamp weekday weekofyear window window_time
aggregate array_append array_compact array_distinct array_except array_insert array_intersect
array_join array_max array_min array_position array_prepend array_remove array_repeat
array_size array_sort array_union arrays_overlap arrays_zip element_at exists filter flatten
forall map_concat map_contains_key map_entries map_filter map_from_arrays map_from_entries
map_keys map_values map_zip_with reduce sequence shuffle slice sort_array transform
transform_keys transform_values try_element_at zip_with named_struct cardinality get map struct
approx_percentile corr covar_pop covar_samp histogram_numeric kurtosis listagg max_by median
min_by mode percentile percentile_approx product regr_avgx regr_avgy regr_count
regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy skewness string_agg try_avg
try_sum bit_and bit_or bit_xor first_value last_value every some bool_and bool_or
ceiling mod pmod try_add try_subtract try_multiply try_divide try_mod ifnull nvl nvl2 nullif
nanvl equal_null lpad rpad substr left right locate instr hex unhex bin conv sha sha1 sha2
md5 crc32 hash xxhash64 initcap levenshtein soundex translate repeat replace split_part
substring_index format_number format_string printf to_number try_to_number to_char
to_varchar to_binary try_to_binary base64 unbase64 encode decode ascii chr char char_length
character_length length len bit_length octet_length btrim ltrim rtrim lcase ucase lower
upper regexp_extract regexp_replace regexp_like regexp_count regexp_extract_all regexp_instr
regexp_substr get_json_object json_array_length json_object_keys from_json to_json
schema_of_json json_tuple from_csv to_csv schema_of_csv parse_url try_parse_url url_encode
url_decode try_url_decode typeof sign signum power e pi sinh cosh tanh asinh acosh atanh cot
sec csc degrees radians expm1 log1p log2 log10 rint factorial width_bucket bit_count bit_get
getbit shiftleft shiftright shiftrightunsigned sqrt cbrt exp ln greatest least abs elt
find_in_set mask quote sentences jaro_winkler_similarity uniform randstr
""".split())

_dialect: Any = None


def _multi_value_unpivot(parser: Any) -> Any:
    """``UNPIVOT [INCLUDE|EXCLUDE NULLS] ((v1, v2) FOR name IN ((a1, a2) [AS x], ...))``, which
    sqlglot does not read: a Pivot whose value expression and IN items are Tuples (None,
    nothing consumed, for any other form)."""
    from sqlglot import exp
    from sqlglot.tokens import TokenType

    index = parser._index
    if not parser._match(TokenType.UNPIVOT):
        return None
    include = None
    if parser._match_text_seq("INCLUDE", "NULLS"):
        include = True
    elif parser._match_text_seq("EXCLUDE", "NULLS"):
        include = False
    if not (parser._match(TokenType.L_PAREN) and parser._curr is not None
            and parser._curr.token_type == TokenType.L_PAREN):
        parser._retreat(index)
        return None
    values = parser._parse_wrapped_csv(parser._parse_column)
    if not parser._match(TokenType.FOR):
        parser.raise_error("Expecting FOR")
    name = parser._parse_column()
    if not parser._match(TokenType.IN):
        parser.raise_error("Expecting IN")

    def item() -> Any:
        cols = exp.Tuple(expressions=parser._parse_wrapped_csv(parser._parse_column))
        if not all(isinstance(c, exp.Column) for c in cols.expressions):
            parser.raise_error("Expecting a column")  # Spark unpivots columns only
        alias = parser._parse_id_var() if parser._match(TokenType.ALIAS) else \
            parser._parse_id_var(any_token=False)
        return exp.PivotAlias(this=cols, alias=alias) if alias else cols

    items = parser._parse_wrapped_csv(item)
    parser._match_r_paren()
    pivot = exp.Pivot(expressions=[exp.Tuple(expressions=values)],
                      fields=[exp.In(this=name, expressions=items)], unpivot=True,
                      include_nulls=include)
    pivot.set("alias", parser._parse_table_alias())
    return pivot


def spark_dialect() -> Any:
    """The dialect class to give sqlglot's ``read=`` (built once, lazily)."""
    global _dialect
    if _dialect is None:
        from sqlglot.dialects.spark import Spark

        class SparkRaw(Spark):
            class Tokenizer(Spark.Tokenizer):
                STRING_ESCAPES = ["\\", "'"]  # 'it''s' is it's, as Spark 4's lexer reads it

            class Parser(Spark.Parser):
                FUNCTIONS = {k: v for k, v in Spark.Parser.FUNCTIONS.items()
                             if k.lower() not in RAW_FUNCTIONS}
                FUNCTION_PARSERS = {k: v for k, v in Spark.Parser.FUNCTION_PARSERS.items()
                                    if k.lower() not in RAW_FUNCTIONS}
                NO_PAREN_FUNCTION_PARSERS = {
                    k: v for k, v in Spark.Parser.NO_PAREN_FUNCTION_PARSERS.items()
                    if k.lower() not in RAW_FUNCTIONS}

                def _parse_pivot(self) -> Any:
                    multi = _multi_value_unpivot(self)
                    return multi if multi is not None else super()._parse_pivot()

                def _parse_interval(self, require_interval: bool = True, **kw: Any) -> Any:
                    # INTERVAL 1 HOUR 30 MINUTES comes back as a sum of intervals; mark it
                    # so it becomes one literal (Spark: INTERVAL '01:30' HOUR TO MINUTE)
                    out = super()._parse_interval(require_interval, **kw)
                    if require_interval and type(out).__name__ == "Add":
                        out.meta["multi_unit_interval"] = True
                    return out

        _dialect = SparkRaw
    return _dialect
