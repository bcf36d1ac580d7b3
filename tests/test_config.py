"""runtime.config: layers, provenance, parsers, properties files, launch layers, rendering."""

from __future__ import annotations

import pytest

from runtime import config as rc
from runtime.config import Config, ConfigError


@pytest.fixture(autouse=True)
def _clean_launch_layers(monkeypatch, tmp_path):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    for var in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR"):
        monkeypatch.delenv(var, raising=False)
    rc._launch_layers.clear()
    rc._launch_file_path[0] = None
    yield
    rc._launch_layers.clear()
    rc._launch_file_path[0] = None


def test_highest_layer_wins_and_remembers_source():
    c = Config({"file": {"k": "f"}, "submit": {"k": "s"}})
    assert (c.get("k"), c.source("k")) == ("s", "submit")
    c.set("k", "c")
    assert (c.get("k"), c.source("k")) == ("c", "code")
    c.unset("k", "code")
    assert c.get("k") == "s"
    assert c.source("spark.master") == "default"
    assert c.get("missing", "d") == "d" and c.source("missing") is None


def test_copy_is_independent():
    c = Config({"code": {"a": "1"}})
    d = c.copy()
    d.set("a", "2")
    assert c.get("a") == "1"


def test_items_can_hide_defaults():
    c = Config({"file": {"spark.x": "1"}})
    assert c.items(include_defaults=False) == [("spark.x", "1")]
    assert ("spark.master", "local[*]") in c.items()


@pytest.mark.parametrize("value,expected", [
    ("512m", 512 << 20), ("2g", 2 << 30), ("1024", 1024 << 20), ("1.5g", int(1.5 * (1 << 30))),
    ("100k", 100 << 10), (3, 3 << 20),
])
def test_parse_memory(value, expected):
    assert rc.parse_memory(value) == expected


def test_parse_memory_error_is_one_line():
    with pytest.raises(ConfigError) as e:
        rc.parse_memory("lots", "--executor-memory")
    assert "\n" not in str(e.value) and "--executor-memory" in str(e.value)


def test_parse_duration_and_bool():
    assert rc.parse_duration("500ms") == pytest.approx(0.5)
    assert rc.parse_duration("2min") == 120
    assert rc.parse_duration("3") == 3
    assert rc.parse_bool("TRUE") is True and rc.parse_bool("off") is False
    with pytest.raises(ConfigError):
        rc.parse_bool("maybe")
    with pytest.raises(ConfigError):
        rc.parse_duration("soon")


def test_typed_getters():
    c = Config({"code": {"i": "3", "f": "0.5", "b": "true", "m": "1g", "bad": "x"}})
    assert c.get_int("i") == 3 and c.get_float("f") == 0.5 and c.get_bool("b")
    assert c.get_memory("m") == 1 << 30
    with pytest.raises(ConfigError, match="bad"):
        c.get_int("bad")


def test_load_properties_file(tmp_path):
    p = tmp_path / "spark-defaults.conf"
    p.write_text("# comment\n! also\n\nspark.a  1\nspark.b=2\nspark.c: three words\n")
    assert rc.load_properties_file(str(p)) == {"spark.a": "1", "spark.b": "2",
                                               "spark.c": "three words"}


def test_malformed_properties_line_names_file_and_line(tmp_path):
    p = tmp_path / "spark-defaults.conf"
    p.write_text("spark.a 1\nspark.lonely\n")
    with pytest.raises(ConfigError) as e:
        rc.load_properties_file(str(p))
    msg = str(e.value)
    assert f"{p}:2" in msg and "\n" not in msg


def test_dirs_follow_home_and_overrides(monkeypatch, tmp_path):
    assert rc.conf_dir() == str(tmp_path / "conf")
    assert rc.log_dir() == str(tmp_path / "logs")
    assert rc.work_dir() == str(tmp_path / "work")
    monkeypatch.setenv("SPARKCLI_CONF_DIR", str(tmp_path / "elsewhere"))
    assert rc.conf_dir() == str(tmp_path / "elsewhere")


def test_launch_config_reads_spark_defaults_without_submit(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "spark-defaults.conf").write_text("spark.x 1\n")
    c = rc.launch_config()
    assert (c.get("spark.x"), c.source("spark.x")) == ("1", "file")
    assert "spark-defaults.conf" in rc.source_label("file")


def test_set_launch_layers_and_provenance_labels():
    rc.set_launch_layers(file={"spark.k": "f"}, submit={"spark.k": "s"}, file_path="/x/d.conf")
    c = rc.launch_config()
    c.set("spark.k", "code")
    text = rc.format_properties(c)
    assert "  spark.k = code  (from code (SparkConf/builder))" in text
    assert "      overrides: s  (from --conf/flags)" in text
    assert "      overrides: f  (from /x/d.conf)" in text
    assert "  spark.master = local[*]  (default)" in text
    keys = [line.split()[0] for line in text.splitlines() if not line.startswith("      ")]
    assert keys == sorted(keys)


def test_format_properties_redacts_secrets():
    c = Config({"code": {"spark.authenticate.secret": "hunter2"}})
    text = rc.format_properties(c, show_overridden=False)
    assert "hunter2" not in text and rc.REDACTED in text
