"""Every program in examples/*.py runs under ``sparkcli submit --master local[2]`` and prints
the right answer, checked against a plain-Python computation of the same input.

Each example is one subprocess (``python -m sparkcli submit``) with its own SPARKCLI_HOME, so
the developer's conf/ never leaks in; the conf demo points SPARKCLI_CONF_DIR at
examples/conf_demo. A new example without a check here fails ``test_every_example_is_checked``.
The streaming examples (examples/streaming/*.py) are checked in test_streaming_examples.py.
"""

from __future__ import annotations

import math
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CONF_DEMO = EXAMPLES / "conf_demo"
LOG_LINE = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d (\w+) \S+: ", re.MULTILINE)


def submit_command(
    home: Path, example: str, *args: str, conf_dir: Path | None = None, flags: tuple[str, ...] = ()
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``sparkcli submit --master local[2] example args``
    run in ``home``, its SPARKCLI_HOME and TMPDIR (so temporary files stay in the test's
    directory)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env["SPARKCLI_HOME"] = str(home)
    env["TMPDIR"] = str(home)
    env["PYTHONHASHSEED"] = "0"
    if conf_dir is not None:
        env["SPARKCLI_CONF_DIR"] = str(conf_dir)
    cmd = [
        sys.executable,
        "-m",
        "sparkcli",
        "submit",
        "--master",
        "local[2]",
        *flags,
        str(EXAMPLES / example),
        *args,
    ]
    return cmd, env


def submit(home: Path, example: str, *args: str, **options) -> subprocess.CompletedProcess:
    """Runs the example to its end (``submit_command``'s options); fails on an exit code or
    a traceback."""
    cmd, env = submit_command(home, example, *args, **options)
    proc = subprocess.run(
        cmd, check=False, cwd=home, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, f"{example} exited {proc.returncode}:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def log_levels(stderr: str) -> set[str]:
    return set(LOG_LINE.findall(stderr))


def printed_conf(stdout: str) -> dict[str, str]:
    """my_app's ``  key = value`` lines."""
    return dict(re.findall(r"^  (spark\.\S+) = (.*)$", stdout, re.MULTILINE))


# -- one check per example ---------------------------------------------------------------------


def check_hello(home: Path) -> None:
    out = submit(home, "hello.py").stdout
    assert out.strip() == f"sum = {sum(x * 2 for x in range(1000))}"


def check_pi(home: Path) -> None:
    out = submit(home, "pi.py", "2").stdout
    m = re.fullmatch(r"Pi is roughly (\d+\.\d+)", out.strip())
    assert m, out
    assert abs(float(m.group(1)) - math.pi) < 0.05


def check_wordcount(home: Path) -> None:
    rng = random.Random(1)
    words = ["spark", "python", "rdd", "shuffle", "executor", "driver", "stage", "task"]
    lines = [" ".join(rng.choices(words, k=rng.randint(1, 12))) for _ in range(300)]
    (home / "words.txt").write_text("\n".join(lines) + "\n")
    expected = Counter(w for line in lines for w in line.split(" "))

    out = submit(home, "wordcount.py", "words.txt").stdout
    got = Counter()
    for line in out.splitlines():
        word, _, count = line.rpartition(": ")
        assert word not in got, f"{word!r} printed twice"
        got[word] = int(count)
    assert got == expected


def check_sort(home: Path) -> None:
    rng = random.Random(2)
    numbers = [rng.randint(-1000, 1000) for _ in range(500)]
    text = "\n".join(" ".join(map(str, numbers[i : i + 10])) for i in range(0, 500, 10))
    (home / "numbers.txt").write_text(text + "\n")

    out = submit(home, "sort.py", "numbers.txt").stdout
    assert [int(x) for x in out.split()] == sorted(numbers)


def check_my_app(home: Path) -> None:
    proc = submit(home, "my_app.py")
    conf = printed_conf(proc.stdout)
    assert conf["spark.app.name"] == "MyApp"
    assert conf["spark.executor.memory"] == "1g"
    assert conf["spark.myapp.owner"] == "builder"
    assert conf["spark.master"] == "local[2]"  # left to --master by the app
    assert "spark.myapp.region" not in conf
    assert "spark.sql.shuffle.partitions = 4" in proc.stdout
    assert "sum of squares 1..100 = 338350" in proc.stdout
    assert "partitions = 2" in proc.stdout
    expected = sorted(Counter(x % 10 for x in range(1, 101)).items())
    assert f"count by last digit = {expected}" in proc.stdout
    assert "INFO" in log_levels(proc.stderr)  # Spark's default profile logs INFO


def check_access_log_analytics(home: Path) -> None:
    log = home / "access.log"
    proc = submit(
        home, "access_log_analytics.py", "--lines", "2000", "--seed", "7", "--output", str(log)
    )
    assert f"Generated 2000 log lines (seed 7) in {log}" in proc.stdout
    lines = log.read_text().splitlines()
    assert len(lines) == 2000
    check_access_totals(proc.stdout, lines, bad=0)


def check_access_totals(out: str, lines: list[str], bad: int) -> None:
    """The example's totals and top 10 against a plain-Python pass over the same lines."""
    requests: Counter = Counter()
    nbytes: Counter = Counter()
    for line in lines:
        fields = line.split(" ")
        if len(fields) < 10 or not fields[-2].isdigit():
            continue
        requests[fields[0]] += 1
        nbytes[fields[0]] += 0 if fields[-1] == "-" else int(fields[-1])
    assert (
        f"Parsed {sum(requests.values())} requests from {len(requests)} IPs, "
        f"{sum(nbytes.values())} bytes in all; {bad} unparsable lines skipped"
    ) in out
    top = sorted(requests, key=lambda ip: (-requests[ip], ip))[:10]
    rows = re.findall(r"^  (\d+\.\d+\.\d+\.\d+) +(\d+) +(\d+)$", out, re.MULTILINE)
    assert rows == [(ip, str(requests[ip]), str(nbytes[ip])) for ip in top]


CHECKS = {
    "hello.py": check_hello,
    "pi.py": check_pi,
    "wordcount.py": check_wordcount,
    "sort.py": check_sort,
    "my_app.py": check_my_app,
    "access_log_analytics.py": check_access_log_analytics,
}


def test_every_example_is_checked():
    found = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert found, EXAMPLES
    missing = [name for name in found if name not in CHECKS]
    assert not missing, f"add a check to tests/test_examples.py for {missing}"


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example(name, tmp_path):
    assert (EXAMPLES / name).exists()
    CHECKS[name](tmp_path)


# -- more than the happy path --------------------------------------------------------------------


def test_access_log_given_file_with_bad_lines(tmp_path):
    lines = [
        '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326',
        '10.0.0.2 - frank [10/Oct/2000:13:55:37 -0700] "GET / HTTP/1.0" 304 -',
        "not an access log line",
        '10.0.0.1 - - [10/Oct/2000:13:55:38 -0700] "POST /login HTTP/1.1" 302 120',
        '10.0.0.3 - - [10/Oct/2000:13:55:39 -0700] "GET /b HTTP/1.1" 404 0',
        '10.0.0.2 - - [10/Oct/2000:13:55:40 -0700] "GET /c HTTP/1.1" 200 10',
        '10.0.0.1 - - [10/Oct/2000:13:55:41 -0700] "GET /d HTTP/1.1" 200 1',
    ]
    (tmp_path / "given.log").write_text("\n".join(lines) + "\n")
    out = submit(tmp_path, "access_log_analytics.py", "given.log").stdout
    assert "Generated" not in out
    check_access_totals(out, lines, bad=1)
    assert re.findall(r"^  (\S+) +(\d+) +(\d+)$", out, re.MULTILINE) == [
        ("10.0.0.1", "3", "2447"),
        ("10.0.0.2", "2", "10"),
        ("10.0.0.3", "1", "0"),
    ]


def test_access_log_temp_file_is_removed(tmp_path):
    out = submit(tmp_path, "access_log_analytics.py", "--lines", "300").stdout
    m = re.search(r"^Generated 300 log lines \(seed 42\) in (\S+)$", out, re.MULTILINE)
    assert m, out
    assert not os.path.exists(m.group(1))
    assert "Parsed 300 requests" in out


@pytest.mark.parametrize(
    "flags, tier",
    [
        ((), "from-defaults-file"),
        (
            (
                "--conf",
                "spark.myapp.tier=command-line",
                "--conf",
                "spark.myapp.owner=cmdline",
                "--executor-memory",
                "2g",
            ),
            "command-line",
        ),
    ],
    ids=["defaults-file", "with-conf"],
)
def test_conf_demo(tmp_path, flags, tier):
    proc = submit(tmp_path, "my_app.py", conf_dir=CONF_DEMO, flags=flags)
    assert not log_levels(proc.stderr) & {"INFO", "DEBUG", "TRACE"}, proc.stderr
    conf = printed_conf(proc.stdout)
    assert conf["spark.myapp.region"] == "eu-west-1"  # only in spark-defaults.conf
    assert conf["spark.myapp.tier"] == tier  # --conf beats the file
    assert conf["spark.myapp.owner"] == "builder"  # code beats both
    assert conf["spark.executor.memory"] == "1g"  # code beats flag and file
    assert conf["spark.default.parallelism"] == "3"
    assert "partitions = 3" in proc.stdout
