"""sparkcli.conf.SparkConf: PySpark's API over the layered Config."""

from __future__ import annotations

import pytest

from runtime import config as rc
from sparkcli.conf import SparkConf


@pytest.fixture(autouse=True)
def _launch(monkeypatch, tmp_path):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    rc._launch_layers.clear()
    yield
    rc._launch_layers.clear()


def test_chaining_and_getters():
    conf = SparkConf().setMaster("local[2]").setAppName("app").set("spark.x", 3)
    assert conf.get("spark.master") == "local[2]"
    assert conf.get("spark.app.name") == "app"
    assert conf.get("spark.x") == "3"
    assert conf.contains("spark.x") and not conf.contains("spark.y")
    assert conf.get("spark.y") is None and conf.get("spark.y", "d") == "d"


def test_bools_lowercased():
    conf = SparkConf(loadDefaults=False).set("a", True).set("b", False)
    assert (conf.get("a"), conf.get("b")) == ("true", "false")


def test_builtin_defaults_hidden():
    conf = SparkConf(loadDefaults=False)
    assert conf.getAll() == []
    assert conf.get("spark.master") is None and not conf.contains("spark.master")
    assert conf._config.get("spark.master") == "local[*]"  # the context still falls back


def test_set_if_missing_all_env_home():
    conf = SparkConf(loadDefaults=False).set("k", "1")
    conf.setIfMissing("k", "2").setIfMissing("m", "3")
    conf.setAll([("p", 1), ("q", "2")]).setSparkHome("/opt/spark")
    conf.setExecutorEnv("A", "1").setExecutorEnv(pairs=[("B", "2")])
    assert conf.getAll() == [("k", "1"), ("m", "3"), ("p", "1"), ("q", "2"),
                             ("spark.executorEnv.A", "1"), ("spark.executorEnv.B", "2"),
                             ("spark.home", "/opt/spark")]
    with pytest.raises(ValueError):
        conf.setExecutorEnv()


def test_to_debug_string_sorted():
    conf = SparkConf(loadDefaults=False).set("b", "2").set("a", "1")
    assert conf.toDebugString() == "a=1\nb=2"


def test_load_defaults_reads_launch_layers():
    rc.set_launch_layers(file={"spark.f": "1"}, submit={"spark.s": "2"})
    conf = SparkConf()
    assert conf.get("spark.f") == "1" and conf.get("spark.s") == "2"
    conf.set("spark.s", "code")
    assert conf._config.source("spark.s") == "code"
    assert SparkConf(loadDefaults=False).get("spark.f") is None


def test_load_defaults_reads_spark_defaults_conf(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "spark-defaults.conf").write_text("spark.from.file yes\n")
    assert SparkConf().get("spark.from.file") == "yes"


def test_from_config_copies():
    conf = SparkConf(loadDefaults=False).set("a", "1")
    other = SparkConf._from_config(conf._config)
    other.set("a", "2")
    assert conf.get("a") == "1" and other.get("a") == "2"
