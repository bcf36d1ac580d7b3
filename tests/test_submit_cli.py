"""`sparkcli submit`: option parsing and one-line errors (CliRunner), end-to-end runs
(subprocess `python -m sparkcli submit`)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner
from gate import PASS_GATE, Gate
from waiting import wait_for

from runtime import config as rc
from sparkcli.cli import exit_codes
from sparkcli.cli.main import cli
from sparkcli.cli.submission import SubmitArgs, prepare


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    for var in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "conf").mkdir()
    monkeypatch.chdir(tmp_path)
    rc._launch_layers.clear()
    yield tmp_path
    rc._launch_layers.clear()


@pytest.fixture
def app(home):
    path = home / "app.py"
    path.write_text("print('ran')\n")
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["submit", *args])


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == exit_codes.USAGE_ERROR, result.output
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output and "ran" not in result.stdout
    for f in fragments:
        assert f in err[0]


# -- one-line errors -------------------------------------------------------------------------

def test_bad_master(app):
    assert_one_line_error(invoke("--master", "foo", str(app)), "invalid master URL 'foo'")


def test_bad_local_master(app):
    assert_one_line_error(invoke("--master", "local[x]", str(app)), "'local[x]'")


def test_yarn_master(app):
    assert_one_line_error(invoke("--master", "yarn", str(app)), "is not supported (no JVM cluster managers)")


def test_bad_executor_memory(app):
    assert_one_line_error(invoke("--executor-memory", "lots", str(app)),
                          "--executor-memory", "'lots'")


def test_bad_memory_from_conf(app):
    assert_one_line_error(invoke("--conf", "spark.driver.memory=big", str(app)),
                          "spark.driver.memory")


@pytest.mark.parametrize("prop, value, says", [
    ("spark.driver.maxResultSize", "12zz", "invalid memory size"),
    ("spark.task.maxFailures", "x", "invalid integer"),
    ("spark.ui.enabled", "maybe", "invalid boolean"),
    ("spark.network.timeout", "forever", "invalid duration"),
    ("spark.memory.fraction", "half", "invalid number"),
])
def test_typed_properties_are_checked_before_the_app_starts(app, prop, value, says):
    result = invoke("--conf", f"{prop}={value}", str(app))
    assert_one_line_error(result, prop, repr(value))
    assert says in result.stderr


def test_typed_property_from_the_properties_file(home, app):
    props = home / "bad.conf"
    props.write_text("spark.locality.wait  soon\n")
    assert_one_line_error(invoke("--properties-file", str(props), str(app)),
                          "spark.locality.wait", "'soon'")


def test_missing_app(home):
    assert_one_line_error(invoke("nope.py"), "'nope.py' does not exist")


def test_not_python_app(home):
    (home / "app.jar").write_text("")
    assert_one_line_error(invoke(str(home / "app.jar")), "not a .py file")


def test_malformed_spark_defaults_line(home, app):
    (home / "conf" / "spark-defaults.conf").write_text("spark.ok 1\nspark.broken\n")
    assert_one_line_error(invoke(str(app)), "spark-defaults.conf:2", "spark.broken")


def test_conf_without_equals(app):
    assert_one_line_error(invoke("--conf", "spark.x", str(app)), "PROP=VALUE")


def test_missing_properties_file(app):
    assert_one_line_error(invoke("--properties-file", "nope.conf", str(app)), "nope.conf")


def test_bad_cores(app):
    assert_one_line_error(invoke("--executor-cores", "two", str(app)), "--executor-cores")


def test_bad_deploy_mode(app):
    assert_one_line_error(invoke("--deploy-mode", "sideways", str(app)), "client or cluster")


def test_cluster_mode_with_local_master(app):
    assert_one_line_error(invoke("--deploy-mode", "cluster", "--master", "local[2]", str(app)),
                          'Cluster deploy mode is not compatible with master "local[2]"')


def test_missing_py_file(app):
    assert_one_line_error(invoke("--py-files", "dep.zip", str(app)), "--py-files", "dep.zip")


def test_version_and_help():
    r = CliRunner().invoke(cli, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == "sparkcli version 0.1.0"
    r = CliRunner().invoke(cli, ["submit", "--help"])
    assert r.exit_code == 0
    for flag in ("--master", "--deploy-mode", "--conf", "--properties-file", "--py-files",
                 "--files", "--driver-memory", "--executor-memory", "--total-executor-cores",
                 "--num-executors", "--verbose"):
        assert flag in r.output


# -- layer building (no app run) --------------------------------------------------------------

def test_flags_conf_and_file_layers(home, app):
    (home / "conf" / "spark-defaults.conf").write_text(
        "spark.executor.memory 512m\nspark.myapp.key file\nnot.spark ignored\n")
    prep = prepare(SubmitArgs(
        app=str(app), app_args=["a"], master="local[2]", conf=["spark.myapp.key=conf",
                                                                "spark.master=local[3]"],
        executor_cores="2", total_executor_cores="4", num_executors="2", driver_memory="2g",
        name="nm", deploy_mode="client"))
    c = prep.config
    assert c.get("spark.master") == "local[2]"  # the flag beats --conf, as spark-submit
    assert (c.get("spark.myapp.key"), c.source("spark.myapp.key")) == ("conf", "submit")
    assert (c.get("spark.executor.memory"), c.source("spark.executor.memory")) == ("512m", "file")
    assert c.get("spark.app.name") == "nm" and c.get("spark.cores.max") == "4"
    assert c.get("spark.executor.instances") == "2" and c.get("spark.driver.memory") == "2g"
    assert c.get("spark.submit.deployMode") == "client"
    assert "not.spark" not in prep.file_layer
    assert prep.warnings == ["Warning: Ignoring non-Spark config property: not.spark"]
    assert prep.file_path == str(home / "conf" / "spark-defaults.conf")


def test_app_name_defaults_to_file_name(app):
    assert prepare(SubmitArgs(app=str(app))).config.get("spark.app.name") == "app.py"


def test_properties_file_replaces_spark_defaults(home, app):
    (home / "conf" / "spark-defaults.conf").write_text("spark.a 1\n")
    other = home / "other.conf"
    other.write_text("spark.b=2\n")
    prep = prepare(SubmitArgs(app=str(app), properties_file=str(other)))
    assert prep.file_layer == {"spark.b": "2"} and prep.file_path == str(other)


def test_py_files_and_files(home, app):
    (home / "dep.py").write_text("X = 1\n")
    (home / "data.txt").write_text("x")
    prep = prepare(SubmitArgs(app=str(app), py_files="dep.py", files="data.txt", verbose=True))
    assert prep.config.get("spark.submit.pyFiles") == str(home / "dep.py")
    assert prep.config.get("spark.files") == str(home / "data.txt")
    assert prep.config.get("spark.submit.verbose") == "true"


# -- end to end (subprocess) -----------------------------------------------------------------

def submit(home, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env["SPARKCLI_HOME"] = str(home)
    env.pop("PYTHONHASHSEED", None)
    return subprocess.run([sys.executable, "-m", "sparkcli", "submit", *args], cwd=home,
                          env=env, capture_output=True, text=True, timeout=timeout)


def write(home, name: str, code: str):
    path = home / name
    path.write_text(textwrap.dedent(code))
    return path


def test_e2e_argv_path_hashseed_and_exit_code(home):
    (home / "lib").mkdir()
    (home / "lib" / "helper.py").write_text("VALUE = 'helped'\n")
    app = write(home, "main.py", """
        import os, sys
        import helper
        print("argv", sys.argv[1:])
        print("path0", sys.path[0])
        print("seed", os.environ.get("PYTHONHASHSEED"), helper.VALUE)
        sys.exit(3)
    """)
    r = submit(home, "--py-files", str(home / "lib" / "helper.py"), str(app), "a", "--flag")
    assert r.returncode == 3, r.stderr
    assert "argv ['a', '--flag']" in r.stdout
    assert f"path0 {home}" in r.stdout
    assert "seed 0 helped" in r.stdout


def test_e2e_exception_traceback_once_without_launcher_frames(home):
    app = write(home, "boom.py", """
        def f():
            raise ValueError("boom")
        f()
    """)
    r = submit(home, str(app))
    assert r.returncode == exit_codes.APP_FAILED
    assert r.stderr.count("Traceback (most recent call last)") == 1
    assert "ValueError: boom" in r.stderr and 'boom.py", line 4' in r.stderr
    assert "runpy" not in r.stderr and "sparkcli/cli/submission.py" not in r.stderr


def test_e2e_task_error_shows_user_frames_and_executor_traceback_once(home):
    app = write(home, "taskboom.py", """
        from pyspark import SparkContext
        sc = SparkContext("local[2]", "taskboom")
        def check(x):
            if x == 3:
                raise ValueError("bad record 3")
            return x
        sc.parallelize(range(8), 2).map(check).collect()
    """)
    r = submit(home, str(app))
    assert r.returncode == exit_codes.APP_FAILED
    err = r.stderr
    assert err.count("Executor traceback") == 1 and err.count("raise ValueError") == 1
    assert 'taskboom.py", line 8, in <module>' in err and 'taskboom.py", line 6, in check' in err
    for internal in ("sparkcli/", "runtime/", "runpy"):
        assert internal not in err.split("Traceback (most recent call last)", 1)[1], internal


def test_e2e_pyspark_alias_builder_beats_conf_beats_file_and_verbose(home):
    (home / "conf" / "spark-defaults.conf").write_text("spark.myapp.key file\n")
    app = write(home, "keys.py", """
        from pyspark.sql import SparkSession
        spark = (SparkSession.builder.master("local[1]").appName("keys")
                 .config("spark.myapp.key", "builder").getOrCreate())
        print("VALUE", spark.conf.get("spark.myapp.key"))
        print("CTX", spark.sparkContext.getConf().get("spark.myapp.key"))
        # left running on purpose: submit stops it, like Spark's shutdown hook
    """)
    r = submit(home, "--verbose", "--conf", "spark.myapp.key=conf", str(app))
    assert r.returncode == 0, r.stderr
    assert "VALUE builder" in r.stdout and "CTX builder" in r.stdout
    err = r.stderr
    defaults = str(home / "conf" / "spark-defaults.conf")
    assert "Parsed arguments:" in err and "Spark properties used" in err
    assert "spark.myapp.key = conf  (from --conf/flags)" in err
    assert f"overrides: file  (from {defaults})" in err
    assert "spark.myapp.key = builder  (from code (SparkConf/builder))" in err
    assert "Traceback" not in err
    assert "Successfully stopped SparkContext" in err


def test_e2e_rdd_job(home):
    app = write(home, "count.py", """
        from pyspark import SparkConf, SparkContext
        sc = SparkContext(conf=SparkConf().setAppName("count").setMaster("local[2]"))
        words = sc.parallelize(["a", "b", "a", "c", "a"], 2)
        print(sorted(words.map(lambda w: (w, 1)).reduceByKey(lambda x, y: x + y).collect()))
        sc.stop()
    """)
    r = submit(home, str(app))
    assert r.returncode == 0, r.stderr
    assert "[('a', 3), ('b', 1), ('c', 1)]" in r.stdout


def _default_sigint() -> None:
    """In the child before exec: SIGINT as a terminal user's shell leaves it (SIG_DFL, which
    Python turns into KeyboardInterrupt). An ignored SIGINT is inherited across exec, and an
    earlier test can leave this pytest process ignoring it (seen in CI: SIG_IGN here)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_e2e_ctrl_c_during_a_job_is_one_line_exit_130_and_no_process_left(home):
    with Gate() as gate:
        app = home / "long.py"
        app.write_text(PASS_GATE + textwrap.dedent(f"""
            from pyspark import SparkContext
            sc = SparkContext(appName="long")
            sc.parallelize(range(2), 2).foreach(lambda x: pass_gate({gate.port}))
        """))
        env = dict(os.environ, SPARKCLI_HOME=str(home), PYTHONFAULTHANDLER="1")
        proc = subprocess.Popen([sys.executable, "-m", "sparkcli", "submit", "--master",
                                 "local[2]", str(app)], cwd=str(home), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=_default_sigint)
        try:
            wait_for(lambda: gate.arrivals >= 2 or proc.poll() is not None, 120,
                     "both tasks at the gate")
            assert proc.poll() is None
            proc.send_signal(signal.SIGINT)
            try:
                _, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:  # the driver's thread stacks (faulthandler)
                proc.send_signal(signal.SIGABRT)
                pytest.fail("Ctrl-C not honoured within 60 s; driver stderr:\n"
                            + proc.communicate(timeout=30)[1])
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == exit_codes.INTERRUPTED
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert [ln for ln in err.splitlines() if "Interrupted" in ln] == \
        ["Interrupted (Ctrl-C): long.py stopped"]
    log = next((home / "work").glob("local-*/driver.log")).read_text()
    pids = [int(p) for p in re.findall(r"Registered executor \d+ \(pid (\d+)\)", log)]
    assert pids

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_for(lambda: all(gone(p) for p in pids), 30, "the executors to exit")
