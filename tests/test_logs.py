"""`sparkcli logs`: listing, printing, following, unknown ids (fake app dirs), and one real app."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from click.testing import CliRunner

from sparkcli.cli import app_logs as L
from waiting import wait_for as poll
from sparkcli.cli import exit_codes
from sparkcli.cli.main import cli

T0 = time.mktime((2026, 11, 22, 2, 4, 38, 0, 0, -1))


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SPARKCLI_HOME", str(tmp_path))
    for var in ("SPARKCLI_CONF_DIR", "SPARKCLI_LOG_DIR", "SPARKCLI_WORKER_DIR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "work").mkdir()
    return tmp_path


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def make_app(home, app_id, *, state="FINISHED", start=None, end=None, name="app.py",
             pid=None, executors=None, files=None, driver_log=None):
    d = home / "work" / app_id
    d.mkdir(parents=True)
    if start is None:  # a RUNNING app with our pid must not predate this process
        start = time.time() if state == "RUNNING" else T0
    info = {"id": app_id, "name": name, "master": "local[2]", "user": "me", "start": start,
            "end": end if end is not None else (None if state == "RUNNING" else start + 12.5),
            "state": state, "exit_code": 0, "driver_pid": pid if pid is not None
            else os.getpid(), "executors": list(executors or [])}
    (d / "app.json").write_text(json.dumps(info))
    for rel, text in (files or {}).items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    if driver_log is not None:
        (d / "driver.log").write_text(driver_log)
    return d


def write_state(app_dir, **fields):
    path = app_dir / "app.json"
    info = json.loads(path.read_text())
    info.update(fields)
    tmp = app_dir / "app.json.tmp"
    tmp.write_text(json.dumps(info))
    os.replace(tmp, path)


def invoke(*args):
    return CliRunner().invoke(cli, ["logs", *args])


# -- listing --------------------------------------------------------------------------------

def test_list_newest_first_with_states(home):
    now = time.time()  # a RUNNING app with our pid must not predate this process
    make_app(home, "app-20261122020438-0000", start=T0, name="first.py",
             executors=["0", "1"])
    make_app(home, "app-20261122030000-0000", start=now, state="RUNNING",
             name="running.py", files={"0/stdout": "", "1/stdout": "", "2/stdout": ""})
    make_app(home, "app-20261122040000-0000", start=now + 1, state="RUNNING",
             name="crashed.py", pid=dead_pid())
    make_app(home, "app-20261122050000-0000", start=now + 2, state="FAILED", name="bad.py")
    apps = L.list_apps()
    assert [a.name for a in apps] == ["bad.py", "crashed.py", "running.py", "first.py"]
    assert [a.state_label for a in apps] == ["FAILED", "FAILED (crashed)", "RUNNING",
                                             "FINISHED"]
    assert apps[2].executors == ["0", "1", "2"]

    result = invoke()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["App", "ID", "Name", "Started", "Duration", "State",
                                "Executors"]
    rows = [ln for ln in lines if ln.startswith("app-")]
    assert [r.split()[0] for r in rows] == ["app-20261122050000-0000", "app-20261122040000-0000",
                                            "app-20261122030000-0000", "app-20261122020438-0000"]
    assert "2026-11-22 02:04:38" in rows[3] and "12 s" in rows[3] and rows[3].endswith(" 2")
    assert "FAILED (crashed)" in rows[1]
    assert "\x1b[" not in result.output  # no colour when not a terminal


def test_list_empty_work_dir(home):
    result = invoke()
    assert result.exit_code == 0
    assert "No applications in" in result.output


def test_pid_reuse_counts_as_crashed(home):
    # RUNNING with our pid: alive, unless the app started long before this process did
    # (then the pid belongs to a younger process: the app's driver is gone)
    app_dir = make_app(home, "app-20261122020438-0000", state="RUNNING", start=time.time())
    assert L.load_app(str(app_dir)).state == "RUNNING"
    write_state(app_dir, start=time.time() - 10 ** 6)
    info = L.load_app(str(app_dir))
    assert info.state == "FAILED" and info.crashed
    assert L.pid_alive(os.getpid())
    assert not L.pid_alive(dead_pid())


def test_format_duration_like_spark_ui():
    assert [L.format_duration(s) for s in (0.05, 0.4, 12.2, 210, 2520, 5400, None)] == [
        "50 ms", "0.4 s", "12 s", "3.5 min", "42 min", "1.5 h", "-"]


# -- printing ---------------------------------------------------------------------------------

FILES = {"0/stdout": "out zero 1\nout zero 2\nout zero 3\n", "0/stderr": "err zero\n",
         "1/stdout": "out one\n", "1/stderr": "", "10/stdout": "out ten\n"}


def test_print_all_blocks_in_order(home):
    make_app(home, "app-20261122020438-0000", files=FILES, driver_log="26/11/22 WARN x\n")
    result = invoke("app-20261122020438-0000")
    assert result.exit_code == 0, result.output
    titles = [ln for ln in result.output.splitlines() if ln.startswith("==>")]
    assert titles == [f"==> app-20261122020438-0000/{f} <==" for f in
                      ["driver.log", "0/stdout", "0/stderr", "1/stdout", "1/stderr",
                       "10/stdout"]]
    assert "out zero 2\nout zero 3\n\n==> app-20261122020438-0000/0/stderr <==\nerr zero\n" \
        in result.output
    assert "\x1b[" not in result.output


def test_lines_executor_and_stream_filters(home):
    make_app(home, "app-20261122020438-0000", files=FILES, driver_log="driver line\n")
    out = invoke("app-20261122020438-0000", "-n", "2", "--executor", "0", "--stdout").output
    assert out == "==> app-20261122020438-0000/0/stdout <==\nout zero 2\nout zero 3\n"
    out = invoke("app-20261122020438-0000", "--stderr").output
    assert "driver line" in out and "err zero" in out and "out zero" not in out
    out = invoke("app-20261122020438-0000", "--driver").output
    assert out == "==> app-20261122020438-0000/driver.log <==\ndriver line\n"
    out = invoke("--latest", "-n", "0", "-e", "1").output
    assert out.splitlines() == ["==> app-20261122020438-0000/1/stdout <==", "",
                                "==> app-20261122020438-0000/1/stderr <=="]


def test_latest_picks_newest(home):
    make_app(home, "app-20261122020438-0000", files={"0/stdout": "old\n"})
    make_app(home, "app-20261122020439-0000", start=T0 + 1, files={"0/stdout": "new\n"})
    out = invoke("--latest").output
    assert "new" in out and "old" not in out


def test_read_tail(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"a\nb\nc\n")
    assert L.read_tail(str(p), 2) == (b"b\nc\n", 6)
    assert L.read_tail(str(p), 10) == (b"a\nb\nc\n", 6)
    p.write_bytes(b"a\nb\nc")
    assert L.read_tail(str(p), 1) == (b"c", 5)
    big = b"".join(b"line %d\n" % i for i in range(5000))
    p.write_bytes(big)
    assert L.read_tail(str(p), 3)[0] == b"line 4997\nline 4998\nline 4999\n"


# -- errors -------------------------------------------------------------------------------------

def test_unknown_id_names_closest(home):
    make_app(home, "app-20261122020438-0000")
    make_app(home, "app-20261122020438-0001")
    result = invoke("app-20261122020438-0002")
    assert result.exit_code == exit_codes.USAGE_ERROR
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: no application 'app-20261122020438-0002'")
    assert "did you mean app-20261122020438-000" in err[0]
    assert "app-20261122020438-0000" in err[0] and "app-20261122020438-0001" in err[0]
    assert "Traceback" not in result.output


def test_unknown_id_names_ids_containing_it(home):
    for app_id in ("app-20261122020438-0000", "app-20261122020439-0000",
                   "app-20261123010101-0000"):
        make_app(home, app_id)
    result = invoke("app-2026112202")  # a prefix: difflib finds nothing this short
    assert result.exit_code == exit_codes.USAGE_ERROR
    err = result.stderr.strip()
    assert "\n" not in err
    assert err.endswith("did you mean app-20261122020439-0000, app-20261122020438-0000?")
    result = invoke("20261123010101")  # the timestamp alone
    assert "did you mean app-20261123010101-0000?" in result.stderr


def test_failed_label_names_the_exit_code(home):
    make_app(home, "app-20261122020438-0000", state="FAILED")
    write_state(home / "work" / "app-20261122020438-0000", exit_code=3)
    make_app(home, "app-20261122020439-0000", state="FAILED")  # exit code 0 recorded
    labels = [a.state_label for a in L.list_apps()]
    assert labels == ["FAILED", "FAILED (exit 3)"]
    assert "FAILED (exit 3)" in invoke().output


def test_unknown_id_without_close_match_and_empty_latest(home):
    result = invoke("nonsense")
    assert result.exit_code == exit_codes.USAGE_ERROR
    assert "no application 'nonsense'" in result.stderr
    result = invoke("--latest")
    assert result.exit_code == exit_codes.USAGE_ERROR
    assert "no applications in" in result.stderr


def test_unknown_executor_and_bad_mix(home):
    make_app(home, "app-20261122020438-0000", files=FILES)
    result = invoke("app-20261122020438-0000", "--executor", "7")
    assert result.exit_code == exit_codes.USAGE_ERROR
    assert "has no executor 7 (executors: 0, 1, 10)" in result.stderr
    assert invoke("--follow").exit_code == exit_codes.USAGE_ERROR
    assert invoke("app-20261122020438-0000", "--latest").exit_code == exit_codes.USAGE_ERROR


# -- following ----------------------------------------------------------------------------------

class Buffer(io.StringIO):
    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()

    def write(self, s):
        with self._lock:
            return super().write(s)

    def getvalue(self):
        with self._lock:
            return super().getvalue()


def start_follow(args, out, stop=None):
    codes = []
    t = threading.Thread(target=lambda: codes.append(L.run(args, out=out, stop=stop,
                                                            poll=0.02)), daemon=True)
    t.start()
    return t, codes


def test_follow_tails_new_lines_and_new_executors_until_finished(home):
    d = make_app(home, "app-20261122020438-0000", state="RUNNING",
                 files={"0/stdout": "first\n", "0/stderr": ""})
    out = Buffer()
    t, codes = start_follow(L.LogsArgs(app_id="app-20261122020438-0000", follow=True), out)
    assert poll(lambda: "first\n" in out.getvalue())
    with open(d / "0" / "stdout", "a") as f:
        f.write("second\n")
    assert poll(lambda: "second\n" in out.getvalue())
    (d / "1").mkdir()
    (d / "1" / "stdout").write_text("late executor\n")
    assert poll(lambda: "late executor\n" in out.getvalue())
    with open(d / "0" / "stdout", "a") as f:
        f.write("third\n")
    assert poll(lambda: "third\n" in out.getvalue())
    with open(d / "0" / "stdout", "a") as f:
        f.write("last words\n")
    write_state(d, state="FINISHED", end=time.time())
    t.join(20)
    assert not t.is_alive() and codes == [0]
    text = out.getvalue()
    assert text.index("second") < text.index("late executor") < text.index("third")
    # titled again each time the output switches back to it (initial, second, third)
    assert text.count("==> app-20261122020438-0000/0/stdout <==") == 3
    assert "==> app-20261122020438-0000/1/stdout <==\nlate executor\n" in text
    assert text.endswith("last words\n")


def test_follow_partial_lines_and_multibyte(home):
    d = make_app(home, "app-20261122020438-0000", state="RUNNING", files={"0/stdout": ""})
    out = Buffer()
    t, codes = start_follow(L.LogsArgs(app_id="app-20261122020438-0000", follow=True,
                                       stdout=True), out)
    assert poll(lambda: "0/stdout" in out.getvalue())
    with open(d / "0" / "stdout", "ab") as f:
        f.write(b"caf" + "é".encode()[:1])
        f.flush()
        assert poll(lambda: "caf" in out.getvalue())
        f.write("é".encode()[1:] + b" ok\n")
    assert poll(lambda: "café ok\n" in out.getvalue())
    write_state(d, state="KILLED")
    t.join(20)
    assert codes == [0]


def test_follow_returns_when_driver_crashed(home):
    d = make_app(home, "app-20261122020438-0000", state="RUNNING", pid=dead_pid(),
                 files={"0/stdout": "x\n"})
    out = Buffer()
    t, codes = start_follow(L.LogsArgs(latest=True, follow=True), out)
    t.join(20)
    assert codes == [0] and "x\n" in out.getvalue()
    assert d.exists()


def test_follow_stop_event(home):
    make_app(home, "app-20261122020438-0000", state="RUNNING")
    stop = threading.Event()
    t, codes = start_follow(L.LogsArgs(latest=True, follow=True), Buffer(), stop)
    stop.set()
    t.join(20)
    assert codes == [0]


# -- a real application -------------------------------------------------------------------------

def test_real_app_logs(tmp_path):
    app = tmp_path / "tiny.py"
    app.write_text(textwrap.dedent("""
        from sparkcli.context import SparkContext

        sc = SparkContext("local[2]", "tiny")

        def shout(it):
            for x in it:
                print("hello from task", x)
            return [0]

        sc.runJob(sc.parallelize(range(4), 2), shout)
        sc.stop()
    """))
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path), PYTHONHASHSEED="0")
    env.pop("SPARKCLI_WORKER_DIR", None)
    subprocess.run([sys.executable, str(app)], env=env, cwd=str(tmp_path), check=True,
                   timeout=120, capture_output=True)
    listing = subprocess.run([sys.executable, "-m", "sparkcli", "logs"], env=env, check=False,
                             capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    row = [ln for ln in listing.stdout.splitlines() if ln.startswith("local-")]
    assert len(row) == 1 and " tiny " in row[0] and "FINISHED" in row[0]
    assert row[0].rstrip().endswith(" 2")
    shown = subprocess.run([sys.executable, "-m", "sparkcli", "logs", "--latest", "--stdout"],
                           env=env, capture_output=True, text=True, timeout=60, check=False)
    assert shown.returncode == 0, shown.stderr
    for x in range(4):
        assert f"hello from task {x}\n" in shown.stdout
    assert "/0/stdout <==" in shown.stdout and "/1/stdout <==" in shown.stdout


@pytest.mark.parametrize("code, state, exit_code", [
    # the exception escapes: the active SparkContext is stopped as FAILED
    ("sc.parallelize([1]).map(lambda x: 1 / x - 1 / (x - 1)).collect()", "FAILED", 1),
    # stopped cleanly first (finally: sc.stop()), then the driver fails: FAILED too
    ("try:\n    raise RuntimeError('after')\nfinally:\n    sc.stop()", "FAILED", 1),
    ("sc.stop()\nimport sys\nsys.exit(4)", "FAILED", 4),
    ("sc.stop()\nimport sys\nsys.exit(0)", "FINISHED", 0),
], ids=["raises", "stop-then-raise", "stop-then-exit-4", "exit-0"])
def test_driver_exit_code_decides_the_state(tmp_path, code, state, exit_code):
    app = tmp_path / "app.py"
    app.write_text("from pyspark import SparkContext\nsc = SparkContext('local[2]', 'x')\n"
                   + code + "\n")
    env = dict(os.environ, SPARKCLI_HOME=str(tmp_path), PYTHONHASHSEED="0")
    env.pop("SPARKCLI_WORKER_DIR", None)
    r = subprocess.run([sys.executable, "-m", "sparkcli", "submit", str(app)], env=env,
                       cwd=str(tmp_path), capture_output=True, text=True, timeout=120,
                       check=False)
    assert r.returncode == exit_code, r.stderr
    (app_dir,) = (tmp_path / "work").iterdir()
    info = json.loads((app_dir / "app.json").read_text())
    assert (info["state"], info["exit_code"]) == (state, exit_code)
    assert info["end"] is not None
    listing = subprocess.run([sys.executable, "-m", "sparkcli", "logs"], env=env, check=False,
                             capture_output=True, text=True, timeout=60)
    expected = state if exit_code == 0 else f"{state} (exit {exit_code})"
    assert f" {expected} " in listing.stdout


# -- cluster deploy mode: a submission id ----------------------------------------------------------

def test_driver_id_shows_its_application_and_the_driver_output(home):
    driver = home / "work" / "driver-20261122020438-0003"
    driver.mkdir()
    (driver / "stdout").write_text("counted 42 words\n")
    (driver / "stderr").write_text("driver stderr line\n")
    app = make_app(home, "app-20261122020440-0001", executors=["0"],
                   files={"0/stdout": "executor out\n"}, driver_log="INFO SparkContext\n")
    write_state(app, driver_id="driver-20261122020438-0003")
    r = invoke("driver-20261122020438-0003")
    assert r.exit_code == 0, r.output
    for text in ("counted 42 words", "driver stderr line", "executor out", "INFO SparkContext",
                 "driver-20261122020438-0003/stdout", "app-20261122020440-0001/0/stdout"):
        assert text in r.output, text
    r = invoke("driver-20261122020438-0003", "--stdout", "--driver")
    assert "counted 42 words" in r.output and "driver stderr line" not in r.output
    assert "executor out" not in r.output


def test_driver_without_an_application_yet_and_unknown_driver(home):
    driver = home / "work" / "driver-20261122020438-0004"
    driver.mkdir()
    (driver / "stderr").write_text("Traceback: app.py not found\n")
    r = invoke("driver-20261122020438-0004")
    assert r.exit_code == 0 and "Traceback: app.py not found" in r.output
    r = invoke("driver-20261122020438-0009")
    assert r.exit_code != 0 and "no driver 'driver-20261122020438-0009'" in r.output
