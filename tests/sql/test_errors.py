"""Errors under PySpark's class names (pyspark.errors): what a traceback shows, what
``except`` catches, what survives a pickle, and the same under ``sparkcli submit``."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import pytest

from runtime import errors as engine_errors
from runtime.sql import errors as sql_errors
from runtime.tracebacks import format_user_exception
from sparkcli import errors
from sparkcli.errors.exceptions import base, captured
from sparkcli.sql import functions as F
from sparkcli.sql import utils

CAPTURED = "pyspark.errors.exceptions.captured"
BASE = "pyspark.errors.exceptions.base"


def shown_name(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def last_line_of_traceback(exc: BaseException) -> str:
    lines = format_user_exception(exc).splitlines()
    return next(line for line in lines if line.startswith(shown_name(exc)))


def test_unresolved_column_is_pysparks_captured_analysis_exception(spark):
    df = spark.createDataFrame([(1, "a")], ["age", "name"])
    with pytest.raises(errors.AnalysisException) as info:
        df.select("agee")
    e = info.value
    assert shown_name(e) == f"{CAPTURED}.AnalysisException"
    for cls in (utils.AnalysisException, captured.AnalysisException, captured.CapturedException,
                base.AnalysisException, sql_errors.AnalysisException, errors.PySparkException):
        assert isinstance(e, cls), cls
    assert last_line_of_traceback(e) == (
        f"{CAPTURED}.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, "
        "variable, or function parameter with name `agee` cannot be resolved. Did you mean one "
        "of the following? [`age`, `name`]. SQLSTATE: 42703;")
    assert e.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert e.getSqlState() == "42703"
    assert e.getMessageParameters() == {"objectName": "`agee`", "proposal": "`age`, `name`"}
    assert e.getQueryContext() == []


@pytest.mark.parametrize("query, cls, condition, sqlstate", [
    ("selec 1", "ParseException", "PARSE_SYNTAX_ERROR", "42601"),
    ("select * from no_such_table", "AnalysisException", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
    ("select cast('x' as int)", "NumberFormatException", "CAST_INVALID_INPUT", "22018"),
    ("select 1/0", "ArithmeticException", "DIVIDE_BY_ZERO", "22012"),
])
def test_sql_errors_have_pysparks_classes_and_sqlstates(spark, query, cls, condition, sqlstate):
    # the classes and SQL states PySpark 4.3 gives for these statements
    with pytest.raises(errors.PySparkException) as info:
        spark.sql(query).collect()
    e = info.value
    assert shown_name(e) == f"{CAPTURED}.{cls}"
    assert isinstance(e, getattr(errors, cls)) and isinstance(e, getattr(captured, cls))
    assert (e.getCondition(), e.getSqlState()) == (condition, sqlstate)


def test_an_error_raised_in_a_task_comes_back_as_the_captured_class(spark):
    df = spark.range(4, numPartitions=2)
    with pytest.raises(errors.ArithmeticException) as info:
        df.select(F.col("id") / F.lit(0)).collect()
    assert shown_name(info.value) == f"{CAPTURED}.ArithmeticException"
    assert info.value.getCondition() == "DIVIDE_BY_ZERO"


def test_python_side_argument_errors_show_pysparks_base_classes(spark):
    with pytest.raises(errors.PySparkTypeError) as info:
        spark.range(1).select(1.5)
    assert shown_name(info.value) == f"{BASE}.PySparkTypeError"
    assert isinstance(info.value, TypeError)


def test_a_pickled_error_names_only_the_engines_class_and_is_presented_again():
    e = sql_errors.unresolved_column("agee", ["`age`"])
    payload = pickle.dumps(e)
    assert b"pyspark" not in payload and b"sparkcli" not in payload  # any process can read it
    back = pickle.loads(payload)
    assert type(back) is captured.AnalysisException
    assert (str(back), back.getCondition(), back.getMessageParameters()) == (
        str(e), e.getCondition(), e.getMessageParameters())


def test_user_code_subclasses_are_left_alone():
    class MyError(errors.AnalysisException):
        pass

    assert type(MyError("x")) is MyError
    assert type(errors.PySparkValueError("v")).__module__ == BASE
    assert str(errors.PySparkValueError("v")) == "v"


def test_presentations_subclass_their_engine_class():
    for engine_class, shown in engine_errors._PRESENTED.items():
        assert issubclass(shown, engine_class) and shown.__name__ == engine_class.__name__
        assert shown.__module__ in (BASE, CAPTURED)
    assert set(captured.__all__) <= {n for n in dir(captured)}
    assert all(hasattr(errors, name) for name in errors.__all__)


def test_submit_prints_pysparks_class_in_the_last_line(tmp_path):
    app = tmp_path / "bad_column.py"
    app.write_text(textwrap.dedent("""
        from pyspark.sql import SparkSession
        from pyspark.errors import AnalysisException
        import pyspark.sql.utils
        spark = SparkSession.builder.getOrCreate()
        df = spark.createDataFrame([(1, "a")], ["age", "name"])
        try:
            df.select("agee")
        except pyspark.sql.utils.AnalysisException as e:
            print("caught", type(e).__module__, e.getSqlState())
        df.select("agee").show()
    """))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env["SPARKCLI_HOME"] = str(tmp_path)
    r = subprocess.run([sys.executable, "-m", "sparkcli", "submit", str(app)], cwd=tmp_path,
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "caught pyspark.errors.exceptions.captured 42703" in r.stdout
    tb = r.stderr.split("Traceback (most recent call last)", 1)[1]
    assert 'bad_column.py", line 11, in <module>' in tb
    assert (f"\n{CAPTURED}.AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, "
            "variable, or function parameter with name `agee` cannot be resolved.") in tb
