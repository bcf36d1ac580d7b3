"""runtime.log: Spark's line pattern, log4j 1/2 properties, per-logger matching, levels."""

from __future__ import annotations

import logging
import re

import pytest

from runtime import log
from runtime.config import Config, ConfigError

LINE = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d (\w+) (\S+): (.*)$")


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    monkeypatch.setenv("SPARKCLI_CONF_DIR", str(tmp_path))
    log._reset_for_tests()
    yield
    log._reset_for_tests()


def lines(err: str) -> list[tuple[str, str, str]]:
    return [m.groups() for m in map(LINE.match, err.splitlines()) if m]


def test_default_profile_is_info_with_spark_hint_once(capsys):
    log.configure(None)
    log.configure(None)
    log.get_logger("SparkContext").info("Running Spark version 0.1.0")
    log.get_logger("SparkContext").debug("hidden")
    err = capsys.readouterr().err
    assert err.count(log.DEFAULT_PROFILE_HINT) == 1
    assert lines(err) == [("INFO", "SparkContext", "Running Spark version 0.1.0")]


def test_plain_getlogger_with_spark_short_name_is_managed(capsys):
    log.configure(None)
    logging.getLogger("DAGScheduler").info("Got job 0")
    assert lines(capsys.readouterr().err) == [("INFO", "DAGScheduler", "Got job 0")]


def test_log4j1_root_and_per_logger(tmp_path, capsys):
    (tmp_path / "log4j.properties").write_text(
        "log4j.rootCategory=WARN, console\n"
        "log4j.appender.console.layout.ConversionPattern=%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n\n"
        "log4j.logger.org.apache.spark.scheduler.DAGScheduler=DEBUG\n"
        "log4j.logger.Executor=ERROR\n"
    )
    log.configure(None)
    log.get_logger("SparkContext").info("quiet")
    log.get_logger("SparkContext").warning("loud")
    log.get_logger("DAGScheduler").debug("dag")
    log.get_logger("Executor").warning("hidden")
    err = capsys.readouterr().err
    assert log.DEFAULT_PROFILE_HINT not in err
    assert lines(err) == [("WARN", "SparkContext", "loud"), ("DEBUG", "DAGScheduler", "dag")]


def test_log4j2_syntax(tmp_path, capsys):
    (tmp_path / "log4j2.properties").write_text(
        "rootLogger.level = error\nrootLogger.appenderRef.stdout.ref = console\n"
        "logger.ts.name = org.apache.spark.scheduler.TaskSetManager\nlogger.ts.level = info\n"
    )
    log.configure(None)
    log.get_logger("TaskSetManager").info("Starting task 0.0")
    log.get_logger("SparkContext").warning("hidden")
    assert lines(capsys.readouterr().err) == [("INFO", "TaskSetManager", "Starting task 0.0")]


def test_package_prefix_matches_and_most_specific_wins(tmp_path, capsys):
    (tmp_path / "log4j.properties").write_text(
        "log4j.rootLogger=INFO\n"
        "log4j.logger.org.apache.spark=ERROR\n"
        "log4j.logger.org.apache.spark.scheduler=DEBUG\n"
        "log4j.logger.org.apache.spark.scheduler.TaskSetManager=WARN\n"
    )
    log.configure(None)
    log.get_logger("ExternalSorter").warning("spill (hidden)")
    log.get_logger("DAGScheduler").debug("dag")
    log.get_logger("TaskSetManager").info("hidden")
    log.get_logger("MyNewComponent").error("boom")
    err = capsys.readouterr().err
    assert lines(err) == [("DEBUG", "DAGScheduler", "dag"), ("ERROR", "MyNewComponent", "boom")]


def test_spark_log_level_overrides_file(tmp_path, capsys):
    (tmp_path / "log4j.properties").write_text("log4j.rootCategory=INFO, console\n")
    log.configure(Config({"code": {"spark.log.level": "warn"}}))
    log.get_logger("SparkContext").info("hidden")
    log.get_logger("SparkContext").warning("shown")
    assert lines(capsys.readouterr().err) == [("WARN", "SparkContext", "shown")]
    assert log.get_level() == "WARN"


def test_invalid_spark_log_level_is_config_error():
    with pytest.raises(ConfigError, match="did not match one of"):
        log.configure(Config({"code": {"spark.log.level": "LOUD"}}))


def test_set_level_and_invalid_level(capsys):
    log.configure(None)
    log.set_level("error")
    log.get_logger("SparkContext").warning("hidden")
    log.set_level("TRACE")
    log.get_logger("SparkContext").log(log.TRACE, "trace")
    assert lines(capsys.readouterr().err) == [("TRACE", "SparkContext", "trace")]
    with pytest.raises(ValueError) as e:
        log.set_level("verbose")
    assert str(e.value) == ("Supplied level verbose did not match one of: "
                            "ALL,DEBUG,ERROR,FATAL,INFO,OFF,TRACE,WARN")


def test_off_silences_and_fatal_prints_fatal(capsys):
    log.configure(None)
    log.set_level("OFF")
    log.get_logger("SparkContext").critical("hidden")
    log.set_level("FATAL")
    log.get_logger("SparkContext").critical("the end")
    assert lines(capsys.readouterr().err) == [("FATAL", "SparkContext", "the end")]


def test_user_logging_untouched(capsys):
    log.configure(None)
    root = logging.getLogger()
    assert not any(isinstance(h, log._StderrHandler) for h in root.handlers)
    assert logging.getLevelName(logging.WARNING) == "WARNING"


def test_exception_text_follows_line(capsys):
    log.configure(None)
    try:
        raise ValueError("bad")
    except ValueError:
        log.get_logger("Executor").error("Exception in task 0.0", exc_info=True)
    err = capsys.readouterr().err
    assert "ERROR Executor: Exception in task 0.0" in err and "ValueError: bad" in err


def test_configure_executor(capsys):
    log.configure_executor("WARN", {"org.apache.spark.executor.Executor": "DEBUG"})
    log.get_logger("Executor").debug("dbg")
    log.get_logger("TaskSetManager").info("hidden")
    assert lines(capsys.readouterr().err) == [("DEBUG", "Executor", "dbg")]
    assert log.logger_levels() == {"org.apache.spark.executor.Executor": "DEBUG"}


def test_file_handler(tmp_path, capsys):
    log.configure(None)
    path = tmp_path / "app" / "driver.log"
    log.add_file_handler(str(path))
    log.get_logger("SparkContext").info("to both")
    log.remove_file_handler(str(path))
    log.get_logger("SparkContext").info("stderr only")
    text = path.read_text()
    assert "INFO SparkContext: to both" in text and "stderr only" not in text
