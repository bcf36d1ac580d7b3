"""A module-scoped SparkSession (local[2]) for the DataFrame tests."""

from __future__ import annotations

import pytest

from runtime.sql.errors import AnalysisException


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    from runtime import config as rc
    from sparkcli.sql import SparkSession

    home = tmp_path_factory.mktemp("sparkcli-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SPARKCLI_HOME", str(home))
    mp.setenv("TZ", "UTC")
    rc._launch_layers.clear()
    session = SparkSession.builder.master("local[2]").appName("sql-tests") \
        .config("spark.sql.warehouse.dir", str(home / "spark-warehouse")).getOrCreate()
    try:
        yield session
    finally:
        session.stop()
        mp.undo()


def show(df, *args, **kwargs) -> str:
    """The text df.show(...) prints (print() adds one more newline)."""
    return df._show_string(*args, **kwargs)


def rows(df) -> list[tuple]:
    """The DataFrame's rows as plain tuples."""
    return [tuple(r) for r in df.collect()]


def sql_error(spark, text) -> tuple[str, str]:
    """The error class and first message line that spark.sql(text) raises."""
    with pytest.raises(AnalysisException) as e:
        spark.sql(text)
    return e.value.getErrorClass(), str(e.value).split("\n")[0]
