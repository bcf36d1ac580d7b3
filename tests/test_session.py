"""sparkcli.sql: SparkSession.builder, the singleton, RuntimeConfig — on a real SparkContext."""

from __future__ import annotations

import pytest

from runtime import config as rc
from runtime import log as rlog
from sparkcli.errors import AnalysisException, SparkNoSuchElementException
from sparkcli.sql import SparkSession
from sparkcli.sql.conf import RuntimeConfig


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    rc._launch_layers.clear()
    yield
    session = SparkSession._instantiatedSession
    if session is not None:
        session.stop()
    from sparkcli.context import SparkContext

    if SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()
    rc._launch_layers.clear()
    rlog._reset_for_tests()


def make(**options) -> SparkSession:
    b = SparkSession.builder.master("local[1]").appName("test-session")
    for k, v in options.items():
        b = b.config(k.replace("_", "."), v)
    return b.getOrCreate()


def test_builder_is_fresh_per_access():
    assert SparkSession.builder is not SparkSession.builder
    SparkSession.builder.config("spark.a", 1)
    assert "spark.a" not in SparkSession.builder._options


def test_get_or_create_builds_context_from_options():
    spark = make(spark_myapp_key="builder", spark_flag=True, spark_ratio=0.5)
    sc = spark.sparkContext
    assert sc.master == "local[1]" and sc.appName == "test-session"
    assert spark.conf.get("spark.myapp.key") == "builder"
    assert spark.conf.get("spark.flag") == "true" and spark.conf.get("spark.ratio") == "0.5"
    assert sc.getConf().get("spark.myapp.key") == "builder"
    assert sc._config.source("spark.myapp.key") == "code"
    assert SparkSession.getActiveSession() is spark


def test_builder_value_beats_launch_layers():
    rc.set_launch_layers(file={"spark.myapp.key": "file"}, submit={"spark.myapp.key": "conf"})
    spark = make(spark_myapp_key="builder")
    assert spark.conf.get("spark.myapp.key") == "builder"
    text = rc.format_properties(spark.sparkContext._config)
    assert "overrides: conf  (from --conf/flags)" in text


def test_config_forms():
    from sparkcli.conf import SparkConf

    conf = SparkConf(loadDefaults=False).set("spark.c1", "x")
    b = SparkSession.builder.config(conf=conf).config(map={"spark.m": 2, "spark.b": False})
    assert b._options == {"spark.c1": "x", "spark.m": "2", "spark.b": "false"}
    with pytest.raises(ValueError):
        SparkSession.builder.config()


def test_singleton_applies_new_runtime_options(capsys):
    spark = make()
    again = SparkSession.builder.config("spark.sql.shuffle.partitions", 4).master(
        "local[2]").getOrCreate()
    assert again is spark
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
    assert spark.sparkContext.master == "local[1]"
    assert "Using an existing Spark session" in capsys.readouterr().err


def test_enable_hive_support_warns(capsys):
    SparkSession.builder.enableHiveSupport()
    assert ("WARN SparkSession: Hive support is not available in sparkcli; "
            "ignoring enableHiveSupport()") in capsys.readouterr().err


def test_runtime_config():
    spark = make()
    conf = spark.conf
    assert isinstance(conf, RuntimeConfig)
    conf.set("spark.sql.x", True)
    assert conf.get("spark.sql.x") == "true"
    assert conf.get("spark.nope", "dflt") == "dflt" and conf.get("spark.nope", None) is None
    with pytest.raises(SparkNoSuchElementException):
        conf.get("spark.nope")
    all_ = conf.getAll
    assert isinstance(all_, dict)
    assert all_["spark.sql.x"] == "true" and all_["spark.master"] == "local[1]"
    conf.unset("spark.sql.x")
    assert conf.get("spark.sql.x", None) is None
    for key in ("spark.master", "spark.app.name", "spark.executor.memory",
                "spark.driver.memory"):
        assert not conf.isModifiable(key)
        with pytest.raises(AnalysisException, match="CANNOT_MODIFY_CONFIG"):
            conf.set(key, "x")
    assert conf.isModifiable("spark.sql.shuffle.partitions")
    assert conf.isModifiable("spark.myapp.key")


def test_stop_clears_singleton_and_new_session_after_stop():
    spark = make()
    sc = spark.sparkContext
    spark.stop()
    assert SparkSession._instantiatedSession is None
    assert SparkSession.getActiveSession() is None
    spark2 = make()
    assert spark2 is not spark and spark2.sparkContext is not sc


def test_stopped_context_gives_new_session():
    spark = make()
    spark.sparkContext.stop()
    assert SparkSession.getActiveSession() is None
    assert make() is not spark


def test_context_manager_version_new_session():
    import sparkcli

    with make() as spark:
        # what PySpark scripts compare with Spark versions: the API level, not 0.1.0
        assert spark.version == spark.sparkContext.version == sparkcli.__version__ == "4.3.0"
        other = spark.newSession()
        assert other.sparkContext is spark.sparkContext
        other.conf.set("spark.sql.y", "1")
        assert spark.conf.get("spark.sql.y", None) is None
    assert SparkSession._instantiatedSession is None


def test_existing_context_is_reused():
    from sparkcli.conf import SparkConf
    from sparkcli.context import SparkContext

    sc = SparkContext(conf=SparkConf().setMaster("local[1]").setAppName("pre"))
    spark = SparkSession.builder.getOrCreate()
    assert spark.sparkContext is sc
    assert SparkSession.active() is spark
