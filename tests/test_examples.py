"""Every program in examples/*.py runs under ``sparkcli submit --master local[2]`` and prints
the right answer, checked against a plain-Python computation of the same input.

Each example is one subprocess (``python -m sparkcli submit``) with its own SPARKCLI_HOME, so
the developer's conf/ never leaks in; the conf demo points SPARKCLI_CONF_DIR at
examples/conf_demo. A new example without a check here fails ``test_every_example_is_checked``.
``test_readme_block`` runs the commands of examples/README.md's ``console`` blocks as written
(from a directory where ``examples/`` is the repository's) and compares their stdout with the
lines the README shows. The streaming examples (examples/streaming/*.py) are checked in
test_streaming_examples.py.
"""

from __future__ import annotations

import json
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


def check_slow_job(home: Path) -> None:
    proc = submit(home, "slow_job.py", "--tasks", "4", "--records", "3", "--delay", "0.01")
    assert proc.stdout == f"4 tasks x 3 records: sum = {sum(range(12))}\n"
    (app_dir,) = (home / "work").iterdir()
    printed = [ln for p in app_dir.glob("*/stdout") for ln in p.read_text().splitlines()]
    assert sorted(printed) == sorted(f"task {t}: record {r} of 3" for t in range(4)
                                     for r in (1, 2, 3))
    done = [ln for p in app_dir.glob("*/stderr") for ln in p.read_text().splitlines()]
    assert sorted(done) == [f"task {t}: done" for t in range(4)]
    assert '"state": "FINISHED"' in (app_dir / "app.json").read_text()


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


def check_flights(home: Path) -> None:
    subprocess.run([sys.executable, str(EXAMPLES / "flights_data.py"), str(home / "flights"),
                    "--files", "3", "--rows", "400", "--seed", "5"], check=True)
    routes: Counter = Counter()
    for f in sorted((home / "flights").glob("*.csv")):
        for line in f.read_text().splitlines()[1:]:
            fields = line.split(",")
            routes[(fields[6], fields[7])] += 1
    out = submit(home, "flights.py", "flights").stdout
    assert f"{sum(routes.values())} flights on {len(routes)} routes" in out
    shown = re.findall(r"^\|\s*([A-Z]{3})\|\s*([A-Z]{3})\|\s*(\d+)\|$", out, re.MULTILINE)
    top = sorted(routes.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert [((o, d), int(c)) for o, d, c in shown] == top
    assert "only showing top 10 rows" in out


def check_flights_data(home: Path) -> None:
    subprocess.run([sys.executable, str(EXAMPLES / "flights_data.py"), str(home / "f"),
                    "--files", "2", "--rows", "5"], check=True)
    files = sorted((home / "f").glob("*.csv"))
    assert len(files) == 2 and all(len(f.read_text().splitlines()) == 6 for f in files)


CHECKS = {
    "flights.py": check_flights,
    "flights_data.py": check_flights_data,
    "hello.py": check_hello,
    "pi.py": check_pi,
    "wordcount.py": check_wordcount,
    "sort.py": check_sort,
    "my_app.py": check_my_app,
    "access_log_analytics.py": check_access_log_analytics,
    "slow_job.py": check_slow_job,
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


def test_slow_job_fail_is_a_failed_app(tmp_path):
    cmd, env = submit_command(tmp_path, "slow_job.py", "--tasks", "2", "--records", "2",
                              "--delay", "0", "--fail")
    proc = subprocess.run(cmd, check=False, cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "ValueError: task 1: record 2 is bad (--fail)" in proc.stderr
    assert "sum =" not in proc.stdout
    (app_dir,) = (tmp_path / "work").iterdir()
    info = json.loads((app_dir / "app.json").read_text())
    assert (info["state"], info["exit_code"]) == ("FAILED", 1)


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


# -- examples/README.md, as written ------------------------------------------------------------

README = EXAMPLES / "README.md"
# lines that differ from run to run: each pattern's match is replaced on both sides
VARIABLE = [
    (re.compile(r"^Pi is roughly \d\.\d{6}$"), "Pi is roughly <random>"),
    (re.compile(r" in \S*access-\S+\.log$"), " in <temporary file>"),
]


def readme_commands(text: str) -> list[list[tuple[str, list[str]]]]:
    """The ``console`` blocks of ``text``: each a list of (command, expected stdout lines);
    a command is a ``$ `` line with its ``\\`` continuations."""
    blocks = []
    for body in re.findall(r"^```console\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        commands: list[tuple[str, list[str]]] = []
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.startswith("$ "):
                commands[-1][1].append(line)
                continue
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1] + lines[i].strip()
                i += 1
            commands.append((command, []))
        blocks.append(commands)
    return blocks


def normalized(line: str) -> str:
    for pattern, replacement in VARIABLE:
        line = pattern.sub(replacement, line)
    return line.rstrip()


def matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` lines against ``actual``; a ``...`` line stands for any lines."""
    if not expected:
        return not actual
    if expected[0].strip() == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and normalized(expected[0]) == normalized(actual[0]) and matches(
        expected[1:], actual[1:])


def checked_blocks() -> list:
    """The blocks with a command whose output is shown (sparkcli logs lists and tails
    depend on timing and on what ran before: test_logs.py checks them)."""
    params = []
    for n, commands in enumerate(readme_commands(README.read_text())):
        if not any(out for _, out in commands):
            continue
        if any(cmd.startswith("sparkcli logs") for cmd, _ in commands):
            commands = [(cmd, out) for cmd, out in commands if not cmd.startswith("sparkcli logs")]
        if not any(out for _, out in commands):
            continue
        slow = any("slow_job.py" in cmd and "--delay" not in cmd for cmd, _ in commands)
        label = f"{n}-" + re.sub(r"\W+", "-", commands[-1][0].split("examples/")[-1])[:40]
        params.append(pytest.param(commands, id=label,
                                   marks=[pytest.mark.slow] if slow else []))
    return params


def test_readme_commands_are_found():
    blocks = readme_commands(README.read_text())
    commands = [cmd for block in blocks for cmd, _ in block]
    for name in CHECKS:
        assert any(f"examples/{name}" in cmd for cmd in commands), name
    assert any(cmd.startswith("SPARKCLI_CONF_DIR=examples/conf_demo ") for cmd in commands)


@pytest.mark.parametrize("commands", checked_blocks())
def test_readme_block(tmp_path, commands):
    (tmp_path / "examples").symlink_to(EXAMPLES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPARKCLI_")}
    env.update(SPARKCLI_HOME=str(tmp_path), TMPDIR=str(tmp_path), PYTHONHASHSEED="0")
    # `sparkcli` is this interpreter's, whether or not the script is on PATH
    prelude = f'sparkcli() {{ "{sys.executable}" -m sparkcli "$@"; }}\n'
    for command, expected in commands:
        proc = subprocess.run(["bash", "-c", prelude + command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        if expected and "echo \"exit $?\"" not in command:  # an example of a mistake: any code
            assert proc.returncode == 0, f"{command}\n{proc.stderr}"
        actual = proc.stdout.splitlines()
        assert matches(expected, actual), (
            f"$ {command}\nREADME shows:\n" + "\n".join(expected)
            + "\nprinted:\n" + "\n".join(actual))
