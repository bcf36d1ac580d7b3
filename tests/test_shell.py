"""`sparkcli shell`: code piped on stdin (subprocess `python -m sparkcli shell`), the banner,
config resolution shared with submit, clean shutdown with the exit code recorded, and the
interactive ptpython REPL on a pseudo-terminal (banner, a job, completion, Ctrl-D)."""

from __future__ import annotations

import glob
import json
import signal
import os
import subprocess
import sys
import textwrap
import threading
from types import SimpleNamespace

import pytest

from sparkcli.cli import repl as S
from sparkcli.cli import exit_codes
from waiting import wait_for


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    (tmp_path / "conf").mkdir()
    return tmp_path


def run_shell(home, code: str, *args: str, timeout: float = 120):
    env = dict(os.environ, SPARKCLI_HOME=str(home), PYTHONHASHSEED="0")
    for var in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR"):
        env.pop(var, None)
    return subprocess.run([sys.executable, "-m", "sparkcli", "shell", *args],
                          input=textwrap.dedent(code), env=env, cwd=str(home),
                          capture_output=True, text=True, timeout=timeout, check=False)


def only_app(home) -> dict:
    states = glob.glob(str(home / "work" / "local-*" / "app.json"))
    assert len(states) == 1, states
    with open(states[0]) as f:
        return json.load(f)


def processes_of(app_id: str, home) -> list[str]:
    """Command lines of live processes of ``app_id`` run from ``home`` (executors carry
    --app-id and the driver's cwd; ids of apps in other work dirs may be equal)."""
    found = []
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(path, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(os.path.join(os.path.dirname(path), "cwd"))
        except OSError:
            continue
        if app_id in cmd and os.path.realpath(cwd) == os.path.realpath(str(home)):
            found.append(cmd)
    return found


def assert_stopped_cleanly(home, state: str = "FINISHED", exit_code: int = 0) -> dict:
    info = only_app(home)
    assert (info["state"], info["exit_code"]) == (state, exit_code), info
    assert processes_of(info["id"], home) == []
    return info


# -- piped stdin --------------------------------------------------------------------------------

def test_piped_code_runs_with_sc_and_spark(home):
    r = run_shell(home, """
        print(sum(sc.runJob(sc.parallelize(range(10)), lambda it: [sum(it)])))
        print(type(spark).__name__, spark.sparkContext is sc)
        for i in range(2):
            print("loop", i)

        def f(x):
            y = x + 1

            return y
        f(41)
        sc.master
    """, "--master", "local[2]")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "45\nSparkSession True\nloop 0\nloop 1\n42\n'local[2]'\n"
    assert "Welcome to" not in r.stdout  # no banner when stdin is not a terminal
    info = assert_stopped_cleanly(home)
    assert info["name"] == "PySparkShell" and info["master"] == "local[2]"
    assert info["executors"] == ["0", "1"]


def test_piped_rdd_sum(home):
    from sparkcli.rdd import RDD

    if not hasattr(RDD, "sum"):
        pytest.skip("RDD.sum() not there yet")
    r = run_shell(home, "print(sc.parallelize(range(10)).sum())\n", "--master", "local[2]")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "45\n"


def test_exception_stops_and_exits_1(home):
    r = run_shell(home, """
        x = 1

        def boom():
            return 1 / 0

        boom()
        print("not reached")
    """, "--master", "local[2]")
    assert r.returncode == exit_codes.APP_FAILED
    assert "not reached" not in r.stdout
    assert 'File "<stdin>", line 7, in <module>' in r.stderr
    assert "return 1 / 0" in r.stderr and "ZeroDivisionError: division by zero" in r.stderr
    assert "sparkcli/cli/repl.py" not in r.stderr
    assert_stopped_cleanly(home, "FAILED", exit_codes.APP_FAILED)  # `sparkcli logs` says so


def test_syntax_error_and_sys_exit(home, tmp_path_factory):
    r = run_shell(home, "print(1\n", "--master", "local[1]")
    assert r.returncode == exit_codes.APP_FAILED and "SyntaxError" in r.stderr
    home2 = tmp_path_factory.mktemp("home2")
    r = run_shell(home2, "import sys\nprint('bye')\nsys.exit(3)\nprint('no')\n",
                  "--master", "local[1]")
    assert r.returncode == 3 and r.stdout == "bye\n"
    assert_stopped_cleanly(home2, "FAILED", 3)


def test_default_log_level_warn_and_message(home):
    r = run_shell(home, "from runtime import log\nprint(log.get_level())\n",
                  "--master", "local[1]")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "WARN\n"
    assert 'Setting default log level to "WARN".\n' \
           "To adjust logging level use sc.setLogLevel(newLevel).\n" in r.stderr


def test_user_log_level_wins(home):
    r = run_shell(home, "from runtime import log\nprint(log.get_level())\n",
                  "--master", "local[1]", "--conf", "spark.log.level=ERROR")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ERROR\n" and "Setting default log level" not in r.stderr


def test_config_layers_like_submit(home):
    (home / "conf" / "spark-defaults.conf").write_text(
        "spark.master local[1]\nspark.app.name fromfile\nspark.executor.memory 300m\n")
    r = run_shell(home, """
        c = sc.getConf()
        print(sc.master, sc.appName, c.get("spark.executor.memory"), c.get("spark.foo"))
    """, "--conf", "spark.foo=bar")
    assert r.returncode == 0, r.stderr
    # as pyspark: the shell's --name PySparkShell beats the file's spark.app.name
    assert r.stdout == "local[1] PySparkShell 300m bar\n"


def test_name_py_files_and_pyspark_alias(home):
    (home / "mylib.py").write_text("def triple(x):\n    return 3 * x\n")
    libdir = home / "libs"
    libdir.mkdir()
    (libdir / "helper.py").write_text("VALUE = 7\n")
    r = run_shell(home, """
        import pyspark
        from pyspark import SparkContext
        import helper, mylib
        print(SparkContext is type(sc), helper.VALUE, mylib.triple(2))
        print(sc.runJob(sc.parallelize([1, 2], 2), lambda it: [helper.VALUE + x for x in it]))
    """, "--master", "local[2]", "--name", "myshell", "--py-files", str(libdir / "helper.py"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "True 7 6\n[8, 9]\n"
    assert assert_stopped_cleanly(home)["name"] == "myshell"


def test_bad_master_is_one_line(home):
    r = run_shell(home, "print('no')\n", "--master", "bogus")
    assert r.returncode == exit_codes.USAGE_ERROR
    assert r.stderr.strip().splitlines() == [
        ("Error: invalid master URL 'bogus' (expected local, local[N], local[*], local[N,F] "
         "or spark://HOST:PORT)")]
    assert r.stdout == ""


def test_bad_conf_is_one_line(home):
    r = run_shell(home, "print('no')\n", "--conf", "nonsense")
    assert r.returncode == exit_codes.USAGE_ERROR
    assert len(r.stderr.strip().splitlines()) == 1 and "--conf expects" in r.stderr


# -- pieces ---------------------------------------------------------------------------------------

def test_banner():
    from sparkcli.version import PYSPARK_API_VERSION, SPARKCLI_VERSION

    sc = SimpleNamespace(master="local[2]", applicationId="app-20261122020438-0000",
                         _app_dir="/x/work/app-20261122020438-0000")
    text = S.banner(sc)
    assert text.startswith("Welcome to\n      ____              __")
    assert f"version {SPARKCLI_VERSION} (PySpark API {PYSPARK_API_VERSION})\n" in text
    assert f"Using Python version {sys.version.split()[0]} (" in text
    assert "Spark context available as 'sc' (master = local[2], app id = " \
           "app-20261122020438-0000).\n" in text
    assert "SparkSession available as 'spark'.\n" in text
    assert "/x/work/app-20261122020438-0000" in text
    assert "Web UI" not in text
    sc.uiWebUrl = "http://127.0.0.1:4040"
    assert "Using Python version" in S.banner(sc) and \
        "\nSpark context Web UI available at http://127.0.0.1:4040\nSpark context available" \
        in S.banner(sc)


def test_history_file(monkeypatch, tmp_path):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    assert S.history_file() == str(tmp_path / ".sparkcli_history")
    monkeypatch.delenv("SPARKCLI_HOME")
    assert S.history_file() == os.path.expanduser("~/.sparkcli_history")


def test_run_source_echoes_expressions(capsys):
    ns: dict = {"__name__": "__main__"}
    assert S.run_source("a = 2\na * 21\nNone\nif a:\n    a + 1\n", ns) == 0
    assert capsys.readouterr().out == "42\n3\n"
    assert S.run_source("raise KeyError('k')\n", ns) == exit_codes.APP_FAILED
    assert "KeyError: 'k'" in capsys.readouterr().err


# -- a terminal -----------------------------------------------------------------------------------

class Terminal:
    """A command on a pseudo-terminal (200 x 50); a thread collects everything it draws."""

    def __init__(self, cmd: list[str], env: dict, cwd: str) -> None:
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     cwd=cwd, start_new_session=True)
        os.close(slave)
        self.fd = master
        self._out = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # EIO: the other side is closed
                return
            if not data:
                return
            with self._lock:
                self._out += data

    def text(self) -> str:
        """What was drawn so far, without the escape sequences (colours, cursor moves)."""
        import re

        with self._lock:
            raw = self._out.decode(errors="replace")
        return re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", raw)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self, timeout: float) -> int:
        """The command's exit code once it ends within ``timeout`` s; else a failure that
        shows the terminal's text and every thread's stack (PYTHONFAULTHANDLER: SIGABRT
        makes the process print them before it dies)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGABRT)
            self.proc.wait(30)
            self._reader.join(5)
            raise AssertionError(f"still running {timeout} s later; the terminal:\n"
                                 + self.text()) from None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        self._reader.join(10)
        os.close(self.fd)


def test_interactive_shell_on_a_terminal(home):
    env = dict(os.environ, SPARKCLI_HOME=str(home), PYTHONHASHSEED="0", TERM="xterm",
               HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               PROMPT_TOOLKIT_NO_CPR="1",  # no cursor-position queries to answer
               PYTHONFAULTHANDLER="1")  # a hang's stacks (Terminal.exit_code)
    for var in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR", "COLUMNS"):
        env.pop(var, None)
    term = Terminal([sys.executable, "-m", "sparkcli", "shell", "--master", "local[2]"],
                    env, str(home))
    try:
        wait_for(lambda: ">>>" in term.text(), 60, "the prompt")
        banner = term.text()
        assert 'Setting default log level to "WARN".' in banner
        assert "Welcome to" in banner and "Using Python version" in banner
        assert "Spark context available as 'sc' (master = local[2], app id = local-" in banner
        app_id = only_app(home)["id"]
        assert f"Logs and executor output: {home / 'work' / app_id}" in banner

        term.type("sc.parallelize(range(100)).map(lambda x: x * x).sum()\r")
        wait_for(lambda: "328350" in term.text(), 60, "the sum of squares")
        # completion: Tab finishes sc.paralleli -> sc.parallelize, the only candidate
        term.type("sc.paralleli")
        wait_for(lambda: "parallelize()" in term.text(), 30, "the completion menu")
        term.type("\t")
        term.type("(range(1234)).count()\r")
        wait_for(lambda: "\n1234\r" in term.text(), 60, "the count")
        assert "Error" not in term.text()

        # Ctrl-D only once the next prompt is drawn: between prompts the terminal is in
        # cooked mode, where the line discipline takes a Ctrl-D on an empty line as an
        # end-of-file for whoever reads then and no character is left for the prompt to see
        # (the shell then waited at its prompt forever; more likely the busier the machine)
        wait_for(lambda: ">>>" in term.text().split("\n1234\r", 1)[-1], 60, "the next prompt")
        term.type("\x04")  # Ctrl-D
        assert term.exit_code(60) == 0
    finally:
        term.close()
    info = assert_stopped_cleanly(home)
    assert info["name"] == "PySparkShell"
    assert (home / ".sparkcli_history").read_text().count("sc.parallelize") == 2


def test_completion_follows_rdds_made_by_the_context():
    """ptpython completes with jedi, which follows SparkContext's return annotations."""
    import jedi

    from sparkcli.context import SparkContext

    sc = SparkContext.__new__(SparkContext)  # completion only: no application is started
    for code in ("sc.parallelize([1, 2]).redu", 'sc.textFile("f").map(str).redu'):
        names = {c.name for c in jedi.Interpreter(code, [{"sc": sc}]).complete()}
        assert {"reduce", "reduceByKey"} <= names, code
