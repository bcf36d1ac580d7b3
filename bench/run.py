"""sparkcli's benchmark suite: each workload as a whole process, against PySpark and plain Python.

    python bench/run.py [--quick] [--compare pyspark,plain] [--only NAME[,NAME]] [--runs N]
                        [--baseline REV]

For each workload: generate (or reuse) its seeded input under bench/data/, then run every system
once as a warm-up and --runs more times, interleaved (sparkcli, pyspark, plain, sparkcli, ...) so
that drifting background load hits all systems alike. Each run is measured by bench/measure.py
(wall time, peak RSS of the process tree). Systems:

- sparkcli: `sparkcli submit --master local[2] [--conf ...] bench/workloads/NAME.py ARGS`
- pyspark:  the same script run by a python that imports real PySpark (--pyspark-python, default
  bench/.venv-pyspark/bin/python, then this python), with PYSPARK_SUBMIT_ARGS giving the same
  master and --conf; skipped with a note when no such python is found.
- plain:    bench/workloads/plain_NAME.py ARGS, one process, no framework (not for streaming).
- baseline: with --baseline REV (a commit, tag or branch of this repository): the sparkcli of
  that revision on the same workloads (this checkout's bench/workloads scripts), for a
  before/after table. REV's `sparkcli/` and `runtime/` are exported (`git archive`) into a
  temporary directory that goes first on PYTHONPATH (driver and executors alike), and the
  command is `python -m sparkcli submit --master local[2] ...`; a "time vs baseline" column
  gives this checkout / REV.
- cluster:  only for workloads with a `cluster` shape (cluster_wordcount): bench/cluster.py starts
  a standalone master and workers on 127.0.0.1 (free ports, a temporary SPARKCLI_HOME) before the
  warm-up, then each run is `sparkcli submit --master spark://127.0.0.1:PORT ... SCRIPT ARGS`,
  interleaved with the same submit on local[2]. Start-up is not timed; peak RSS adds the
  executors the workers start. The cluster is stopped when the workload ends, also on an error
  or Ctrl-C. A line under the table gives cluster / local[2].

Every workload prints a `RESULT ...` line; the table's result column says whether each system's
result equals plain's (or sparkcli's when plain did not run). The markdown table is printed and
appended to bench/results/DATE.md (one section per invocation, with its command and machine).
A workload can leave out systems that make no sense for it (`without`), with a note saying why.
The streaming workload's numbers differ per system: it prints `METRIC name=value` lines, which a
"Streaming" table below the main one shows (medians over the counted runs).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datagen
from cluster import Cluster, ClusterError, standalone
from measure import HAVE_PROC, Run, compile_packages, measure

BENCH = Path(__file__).resolve().parent
WORKLOADS_DIR = BENCH / "workloads"
MASTER = "local[2]"
MB = 1_000_000
RSS_NOTE = (
    "Peak RSS: sum over the process tree, sampled every 20 ms from /proc"
    if HAVE_PROC
    else "Peak RSS: getrusage(RUSAGE_CHILDREN) maxrss, the largest single process"
)
LOG_LINE = re.compile(r"\d\d/\d\d/\d\d \d\d:\d\d:\d\d ")  # Spark's log pattern
EXCEPTION_LINE = re.compile(r"[\w.]*(Error|Exception|Interrupt)\b")
# Force spilling. Spark refuses an executor memory under 450m, and in PySpark the Python side
# (where sortByKey sorts) spills at spark.python.worker.memory instead.
SORT_CONF = {"spark.executor.memory": "64m"}
SORT_PYSPARK_CONF = {"spark.python.worker.memory": "64m"}


@dataclass
class Workload:
    name: str
    args: object  # quick: bool -> list[str] (generates the data it needs)
    conf: dict[str, str] = field(default_factory=dict)  # --conf for sparkcli
    pyspark_conf: dict[str, str] = field(default_factory=dict)  # --conf for PySpark
    plain_cmd: list[str] | None = None  # instead of plain_NAME.py
    skip: str = ""
    without: dict[str, str] = field(default_factory=dict)  # system -> why it is not run
    script: str = ""  # workloads/SCRIPT.py and plain_SCRIPT.py if not NAME's
    cluster: tuple[int, int] | None = None  # (workers, cores each): also run on a cluster


@dataclass
class Command:
    argv: list[str]
    env: dict[str, str]
    extra_parents: tuple[int, ...] = ()  # their children belong to the run (cluster workers)


WORKLOADS = [
    Workload(
        "startup",
        lambda q: [],
        plain_cmd=["-c", "print('RESULT', sum(x * 2 for x in range(1000)))"],
    ),
    Workload(
        "df_startup",  # spark.range(10).show(): issue 12's start-up target (<= 0.4 s)
        lambda q: [],
        plain_cmd=["-c", "print('RESULT id ' + ' '.join(map(str, range(10))))"],
    ),
    Workload("wordcount", lambda q: [str(datagen.text((10 if q else 100) * MB))]),
    Workload("df_wordcount", lambda q: [str(datagen.text((10 if q else 100) * MB))]),
    Workload(
        "cluster_wordcount",
        lambda q: [str(datagen.text((10 if q else 100) * MB))],
        script="wordcount",
        cluster=(2, 1),
        without={
            "pyspark": "this workload compares sparkcli's standalone cluster with sparkcli "
            "local[2]; PySpark's pip package ships no start-master.sh/start-worker.sh, and "
            "no PySpark cluster is set up here",
            "plain": "it compares the cluster with local[2]; the wordcount workload has plain",
        },
    ),
    Workload(
        "sort",
        lambda q: [str(datagen.kv((50 if q else 500) * MB))],
        conf=SORT_CONF,
        pyspark_conf=SORT_PYSPARK_CONF,
    ),
    Workload("join", lambda q: ["500000", "10000"] if q else ["5000000", "100000"]),
    Workload("pagerank", lambda q: [str(datagen.graph(20_000 if q else 200_000)), "10"]),
    Workload("cached", lambda q: ["500000" if q else "5000000", "20"]),
    Workload(
        "streaming",
        lambda q: ["5", "5"] if q else ["10", "10"],  # seconds of throughput, latency mode
        without={"plain": "a plain-Python socket word count would not measure a streaming engine"},
    ),
]


def find_pyspark_python(given: str | None) -> tuple[str | None, str]:
    """A python that imports real PySpark (not the sparkcli alias), and a note saying why not."""
    candidates = [given] if given else [str(BENCH / ".venv-pyspark/bin/python"), sys.executable]
    probe = "import pyspark; assert 'sparkcli' not in pyspark.__file__; print(pyspark.__version__)"
    for py in candidates:
        if not Path(py).exists():
            continue
        out = subprocess.run([py, "-c", probe], check=False, capture_output=True, text=True)
        if out.returncode == 0:
            return py, out.stdout.strip()
    return None, (
        "not installed (python -m venv bench/.venv-pyspark && "
        "bench/.venv-pyspark/bin/pip install pyspark), skipped"
    )


def export_tree(rev: str, into: Path) -> Path:
    """The sparkcli and runtime packages of git revision ``rev`` of this repository, under
    ``into`` (compiled, as ours are); raises ValueError with git's message if ``rev`` is not
    a revision."""
    repo = BENCH.parent
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", rev, "sparkcli", "runtime"],
        capture_output=True,
    )
    if archive.returncode != 0:
        raise ValueError(archive.stderr.decode(errors="replace").strip() or f"git archive {rev}")
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    compile_packages(into / "sparkcli", into / "runtime")
    return into


def commands(
    w: Workload,
    args: list[str],
    pyspark_py: str | None,
    home: str,
    cluster: Cluster | None,
    baseline: Path | None = None,
) -> dict[str, Command]:
    """system -> Command for one workload."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    script = str(WORKLOADS_DIR / f"{w.script or w.name}.py")

    def conf(d: dict[str, str]) -> list[str]:
        return [a for k, v in d.items() for a in ("--conf", f"{k}={v}")]

    sparkcli = Path(sys.executable).with_name("sparkcli")
    launcher = [str(sparkcli)] if sparkcli.exists() else [sys.executable, "-m", "sparkcli"]

    def submit(master: str) -> list[str]:
        return launcher + ["submit", "--master", master, *conf(w.conf), script, *args]

    cmds = {"sparkcli": Command(submit(MASTER), dict(env, SPARKCLI_HOME=home))}
    if baseline is not None:  # the old tree first on the path, for the driver and executors
        path = os.pathsep.join(p for p in (str(baseline), env.get("PYTHONPATH")) if p)
        old = [sys.executable, "-m", "sparkcli"] + submit(MASTER)[len(launcher):]
        # PYTHONSAFEPATH: ``python -m`` would put the working directory (this checkout, when
        # the bench runs from its root) ahead of PYTHONPATH, and run today's code as the
        # baseline (Python 3.11+; the driver's zygote and executors inherit it)
        cmds["baseline"] = Command(old, dict(env, SPARKCLI_HOME=home, PYTHONPATH=path,
                                             PYTHONSAFEPATH="1"))
    if cluster:
        cmds["cluster"] = Command(
            submit(cluster.url), dict(env, SPARKCLI_HOME=str(cluster.home)), cluster.worker_pids
        )
    if pyspark_py:
        submit_args = " ".join(["--master", MASTER, *conf(w.pyspark_conf), "pyspark-shell"])
        cmds["pyspark"] = Command(
            [pyspark_py, script, *args],
            dict(
                env,
                PYSPARK_PYTHON=pyspark_py,
                PYSPARK_DRIVER_PYTHON=pyspark_py,
                PYSPARK_SUBMIT_ARGS=submit_args,
                SPARK_LOCAL_IP="127.0.0.1",
            ),
        )
    plain = w.plain_cmd or [str(WORKLOADS_DIR / f"plain_{w.script or w.name}.py"), *args]
    cmds["plain"] = Command([sys.executable, *plain], env)
    return cmds


def result_line(run: Run) -> str:
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("RESULT")]
    return lines[-1] if lines else ""


def failure(run: Run) -> str:
    if run.timed_out:
        return "timed out"
    lines = [ln.strip() for ln in run.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if EXCEPTION_LINE.match(ln)]  # "ValueError: ..." lines
    other = [ln for ln in lines if not LOG_LINE.match(ln)]
    last = (errors or other or ["no stderr"])[-1]
    return f"exit {run.returncode}: {last[:120]}"


def bench_workload(
    w: Workload,
    systems: list[str],
    cmds: dict[str, Command],
    runs: int,
    timeout: float,
    log_dir: Path,
    settle: Callable[[], None] | None = None,
) -> dict[str, dict]:
    """system -> {"runs": [Run], "error": str}; warm-up first, then `runs` interleaved rounds.
    `settle` runs before each run (waits until the previous run's processes are gone)."""
    out = {s: {"runs": [], "error": ""} for s in systems}
    for i in range(runs + 1):
        for s in systems:
            if out[s]["error"]:
                continue
            c = cmds[s]
            if settle:
                settle()
            run = measure(c.argv, env=c.env, timeout=timeout, extra_parents=c.extra_parents)
            label = "warm-up" if i == 0 else f"run {i}"
            print(
                f"  {w.name:17} {s:9} {label:8} {run.wall:7.2f}s "
                f"{run.peak_rss / 2**20:7.0f} MiB  {result_line(run)[:70]}",
                flush=True,
            )
            if run.returncode != 0 or run.timed_out:
                out[s]["error"] = failure(run)
                log = log_dir / f"{w.name}-{s}.log"
                log.write_text(
                    f"$ {' '.join(c.argv)}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"
                )
                print(f"  {w.name:17} {s:9} FAILED {out[s]['error']} (full log: {log})")
            elif i > 0:
                out[s]["runs"].append(run)
    return out


def run_workload(
    w: Workload,
    systems: list[str],
    a: argparse.Namespace,
    pyspark_py: str | None,
    home: str,
    log_dir: Path,
    notes: list[str],
) -> dict[str, dict]:
    """bench_workload for `systems` minus w.without, plus a cluster started for the workload
    if it has a cluster shape (stopped when this returns or raises). Appends its notes."""
    run_systems = [s for s in systems if s not in w.without]
    for s in systems:
        if s in w.without:
            notes.append(f"{s}: not run for {w.name} ({w.without[s]})")
            print(f"  {w.name:17} {s:9} skipped: {w.without[s]}")
    args = w.args(a.quick)
    with contextlib.ExitStack() as stack:
        cluster = None
        if w.cluster:
            workers, cores = w.cluster
            print(f"  {w.name:17} starting a master and {workers} workers x {cores} core")
            try:
                cluster = stack.enter_context(standalone(Path(home) / w.name, workers, cores))
            except ClusterError as e:
                print(f"  {w.name:17} cluster   FAILED to start: {e}")
                error = f"the cluster did not start: {str(e).splitlines()[0]}"
                return {"cluster": {"runs": [], "error": error}}
            run_systems.insert(1, "cluster")
            notes.append(
                f"cluster: {w.name} submitted with --master {cluster.url.rsplit(':', 1)[0]}:PORT "
                f"to a standalone master + {workers} workers x {cores} core on this machine "
                f"(bench/cluster.py; start-up not timed); its sparkcli row is {MASTER}, run in "
                "the same interleaved rounds"
            )
        cmds = commands(w, args, pyspark_py, home, cluster, getattr(a, "baseline_tree", None))
        settle = cluster.wait_idle if cluster else None
        return bench_workload(w, run_systems, cmds, a.runs, a.timeout, log_dir, settle)


def REFERENCE_ORDER(item: tuple[str, dict]) -> int:
    return ["plain", "sparkcli", "pyspark", "cluster", "baseline"].index(item[0])


def table(results: dict[str, dict[str, dict]], compare: list[str]) -> str:
    head = ["workload", "system", "median wall s (min-max)", "peak RSS MiB"]
    head += [f"time vs {c}" for c in compare] + ["result"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, by_system in results.items():
        if "skip" in by_system:
            rows.append(f"| {name} | - | skipped: {by_system['skip']} |" + " |" * (len(head) - 3))
            continue
        medians = {
            s: statistics.median(r.wall for r in d["runs"])
            for s, d in by_system.items()
            if d["runs"]
        }
        reference = next(
            (d["runs"] for s, d in sorted(by_system.items(), key=REFERENCE_ORDER) if d["runs"]),
            None,
        )  # plain's result if it ran, else sparkcli's
        expected = result_line(reference[0]) if reference else ""
        for s, d in by_system.items():
            if not d["runs"]:
                rows.append(f"| {name} | {s} | FAILED: {d['error']} | |" + " |" * (len(head) - 4))
                continue
            walls = [r.wall for r in d["runs"]]
            cells = [
                name,
                s,
                f"{medians[s]:.2f} ({min(walls):.2f}-{max(walls):.2f})",
                f"{max(r.peak_rss for r in d['runs']) / 2**20:.0f}",
            ]
            cells += [
                "" if c == s or c not in medians else f"{medians[s] / medians[c]:.3g}x"
                for c in compare
            ]
            got = {result_line(r) for r in d["runs"]}
            cells.append("same" if got == {expected} else "DIFFERS" if expected else "-")
            rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def cluster_lines(results: dict[str, dict[str, dict]]) -> str:
    """cluster / local[2] for each workload that ran on a cluster: the ratio of the medians,
    and the range of the ratios within a round (a cluster run and the local run just before it)."""
    lines = []
    for name, by_system in results.items():
        if "cluster" not in by_system:
            continue
        cl, lo = (by_system.get(s, {}).get("runs") for s in ("cluster", "sparkcli"))
        if not cl or not lo:
            lines.append(f"- {name}: no ratio, a system failed (see the table)")
            continue
        c, loc = [r.wall for r in cl], [r.wall for r in lo]
        per_round = sorted(x / y for x, y in zip(c, loc))
        mc, ml = statistics.median(c), statistics.median(loc)
        lines.append(
            f"- {name}: cluster / {MASTER} = **{mc / ml:.3g}x** (median {mc:.2f} s vs {ml:.2f} s; "
            f"per round {per_round[0]:.3g}-{per_round[-1]:.3g}x)"
        )
    return "\n".join(lines)


METRIC_LINE = re.compile(r"METRIC (\w+)=(\S+)$", re.MULTILINE)
STREAMING_COLUMNS = [  # (header, metric); see bench/workloads/streaming.py for their meaning
    ("lines/s (1 s batches)", "tput_lines_per_s"),
    ("steady lines/s", "tput_steady_lines_per_s"),
    ("sched. delay max ms (1 s)", "tput_sched_delay_max_ms"),
    ("bounded (1 s)", "tput_sched_bounded"),
    ("p50 ms (50 ms batches)", "lat_latency_p50_ms"),
    ("p99 ms (50 ms)", "lat_latency_p99_ms"),
    ("sched. delay max ms (50 ms)", "lat_sched_delay_max_ms"),
    ("lines processed (min-max) of sent (50 ms)", "lat_lines_processed"),
]


def streaming_table(by_system: dict[str, dict]) -> str:
    """The streaming workload's METRIC lines per system: medians over the counted runs
    (bounded: yes/no if all runs agree, else how many runs said yes)."""
    head = ["system"] + [h for h, _ in STREAMING_COLUMNS]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s, d in by_system.items():
        metrics = [dict(METRIC_LINE.findall(r.stdout)) for r in d["runs"]]
        if not metrics:
            continue
        cells = [s]
        for _, key in STREAMING_COLUMNS:
            values = [m.get(key, "-") for m in metrics]
            if key.endswith("bounded"):
                yes = values.count("yes")
                cells.append(values[0] if len(set(values)) == 1 else f"{yes}/{len(values)} runs")
            elif key == "lat_lines_processed":
                got = sorted(int(v) for v in values if v != "-")
                sent = "/".join(sorted({m.get("lat_lines_sent", "-") for m in metrics}))
                cells.append(f"{got[0]}-{got[-1]} of {sent}" if got else "-")
            else:
                nums = [float(v) for v in values if v not in ("-", "n/a")]
                med = statistics.median(nums) if nums else None
                cells.append(
                    "n/a" if med is None else f"{med:,.0f}" if med >= 100 else f"{med:.3g}"
                )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def rev_name(rev: str) -> str:
    """``<short hash> <subject>`` of a revision, for the notes."""
    out = subprocess.run(
        ["git", "-C", str(BENCH.parent), "log", "-1", "--format=%h %s", rev],
        capture_output=True, text=True,
    )
    return out.stdout.strip()[:80] or rev


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="~1/10 data sizes")
    p.add_argument(
        "--compare",
        default=None,
        help="comma-separated comparisons: pyspark, plain (default: both for a full run; "
        "plain for --quick, which must stay under 3 minutes and PySpark alone needs "
        "10-40 s per run to start its JVM)",
    )
    p.add_argument("--only", help="comma-separated workload names")
    p.add_argument("--runs", type=int, default=3, help="counted runs after one warm-up (>= 1)")
    p.add_argument("--pyspark-python", help="a python that can import pyspark")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    p.add_argument(
        "--baseline",
        metavar="REV",
        help="also run the sparkcli of this git revision (before/after; see the module doc)",
    )
    a = p.parse_args(argv)
    if a.compare is None:
        a.compare = "plain" if a.quick else "pyspark,plain"
    compare = [c.strip() for c in a.compare.split(",") if c.strip()]
    unknown = set(compare) - {"pyspark", "plain"}
    if unknown:
        p.error(f"unknown comparison(s): {', '.join(sorted(unknown))}; use pyspark, plain")
    names = [w.name for w in WORKLOADS]
    only = a.only.split(",") if a.only else names
    if set(only) - set(names):
        p.error(
            f"unknown workload(s): {', '.join(set(only) - set(names))}; "
            f"choose from {', '.join(names)}"
        )
    if a.runs < 1:
        p.error("--runs must be >= 1")

    compile_packages(BENCH.parent / "sparkcli", BENCH.parent / "runtime")
    notes = []
    pyspark_py = None
    if "pyspark" in compare:
        pyspark_py, note = find_pyspark_python(a.pyspark_python)
        notes.append(f"pyspark: {note}" + (f" ({pyspark_py})" if pyspark_py else ""))
        if not pyspark_py:
            compare.remove("pyspark")
    systems = ["sparkcli", *compare]
    baseline_dir = tempfile.TemporaryDirectory(prefix="sparkcli-baseline-")
    a.baseline_tree = None
    if a.baseline:
        try:
            a.baseline_tree = export_tree(a.baseline, Path(baseline_dir.name))
        except ValueError as e:
            p.error(f"--baseline {a.baseline}: {e}")
        systems.append("baseline")
        compare.append("baseline")
        notes.append(f"baseline: the sparkcli of {a.baseline} ({rev_name(a.baseline)})")
    mode = "quick" if a.quick else "full"
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    started = time.monotonic()
    print(f"# {mode} run, {a.runs} counted runs + 1 warm-up; {machine()}")
    for n in notes:
        print(f"# {n}")

    results: dict[str, dict] = {}
    log_dir = datagen.DATA_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sparkcli-bench-") as home:
        for w in WORKLOADS:
            if w.name not in only:
                continue
            if w.skip:
                print(f"  {w.name:17} skipped: {w.skip}")
                results[w.name] = {"skip": w.skip}
                continue
            results[w.name] = run_workload(w, systems, a, pyspark_py, home, log_dir, notes)

    text = table(results, compare)
    if any(d.get("cluster") for d in results.values()):
        text += f"\n\nCluster vs {MASTER} (same script and input, interleaved rounds):\n\n"
        text += cluster_lines(results)
    if results.get("streaming", {}).get("sparkcli"):
        text += "\n\nStreaming (medians; see bench/workloads/streaming.py):\n\n"
        text += streaming_table(results["streaming"])
    took = time.monotonic() - started
    notes.append(f"the whole run took {took / 60:.1f} min ({took:.0f} s), data generation included")
    note_lines = "".join(f"Note: {n}\n" for n in notes)
    section = (
        f"## {stamp}: {mode} run, {a.runs} counted runs + 1 warm-up\n\n"
        f"Command: `python bench/run.py {' '.join(sys.argv[1:] if argv is None else argv)}`. "
        f"Machine: {machine()}. {RSS_NOTE}. "
        f"Ratios: this row's median / that system's median.\n" + note_lines + f"\n{text}\n\n"
    )
    print(f"\n{note_lines}\n{text}")
    out = BENCH / "results" / f"{datetime.date.today().isoformat()}.md"
    out.parent.mkdir(exist_ok=True)
    new = not out.exists()
    with open(out, "a") as f:
        f.write(("# Benchmark results\n\n" if new else "") + section)
    print(f"\nappended to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
