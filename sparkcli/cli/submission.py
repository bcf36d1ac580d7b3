"""``sparkcli submit``: the logic behind the click command (spark-submit for Python apps).

:func:`prepare` turns :class:`SubmitArgs` into the launch configuration, validating as it
goes (every user mistake is a :class:`SubmitError` or ConfigError with a one-line message);
:func:`run` then installs it and runs the application in this process, as spark-submit runs
a Python app's driver in client mode:

1. properties file -> the 'file' layer: ``--properties-file``, else conf/spark-defaults.conf
   when it exists (only ``spark.*`` keys, as spark-submit);
2. ``--conf k=v`` then the flags (--master, --executor-memory, ...) -> the 'submit' layer
   (a flag beats a --conf of the same property, as in spark-submit);
3. spark.app.name defaults to the app file's name; validate master URL, memory sizes, core
   counts and deploy mode;
4. ``runtime.config.set_launch_layers``, so ``SparkConf()`` in the app starts from them;
   the ``pyspark`` alias is installed; ``sys.argv = [app, *args]``; ``sys.path[0]`` is the
   app's directory, followed by the --py-files;
5. ``runpy.run_path(app, run_name="__main__")``. The exit code is the app's (SystemExit is
   honoured); an exception prints its traceback once, without the launcher's frames, and
   exits 1. A SparkContext left running is stopped at the end (Spark's shutdown hook).

With ``--verbose`` the parsed arguments and every resolved property with its source are
printed to stderr before the app starts, and ``spark.submit.verbose=true`` asks the
SparkContext to print the final properties (code settings included) when it starts.
"""

from __future__ import annotations

import os
import runpy
import sys
from dataclasses import dataclass, field

from runtime import appdir
from runtime.config import (
    Config,
    ConfigError,
    check_typed_values,
    conf_dir,
    format_properties,
    load_properties_file,
    set_launch_layers,
)
from runtime.master_url import parse_master
from runtime.tracebacks import format_user_exception
from sparkcli import compat
from sparkcli.cli import exit_codes
from sparkcli.files import sys_path_entry
from sparkcli.lazy import DEPLOY_CLIENT as client
from sparkcli.lazy import RPC_AUTH as auth

__all__ = [
    "ConfigError",
    "LaunchArgs",
    "Prepared",
    "SubmitArgs",
    "SubmitError",
    "finish_apps",
    "format_verbose",
    "prepare",
    "print_app_traceback",
    "run",
    "run_app",
    "stop_active_context",
]


class SubmitError(ValueError):
    """A user mistake on the command line; the message is one line saying what to do."""


@dataclass
class LaunchArgs:
    """The options ``sparkcli submit`` and ``sparkcli shell`` share, as given (None = not
    given); spark-submit's names."""

    master: str | None = None
    name: str | None = None
    conf: list[str] = field(default_factory=list)
    properties_file: str | None = None
    py_files: str | None = None
    files: str | None = None
    archives: str | None = None
    driver_memory: str | None = None
    executor_memory: str | None = None
    verbose: bool = False


@dataclass
class SubmitArgs(LaunchArgs):
    """spark-submit's options, as given (None = not given)."""

    app: str = ""  # the application file (a default only because the fields above have one)
    app_args: list[str] = field(default_factory=list)
    deploy_mode: str | None = None
    driver_cores: str | None = None
    executor_cores: str | None = None
    total_executor_cores: str | None = None
    num_executors: str | None = None
    supervise: bool = False
    kill: str | None = None  # a cluster-mode submission id (spark:// masters)
    status: str | None = None


# flag attribute -> (property, flag name for messages)
FLAG_PROPERTIES: list[tuple[str, str, str]] = [
    ("master", "spark.master", "--master"),
    ("deploy_mode", "spark.submit.deployMode", "--deploy-mode"),
    ("name", "spark.app.name", "--name"),
    ("driver_memory", "spark.driver.memory", "--driver-memory"),
    ("driver_cores", "spark.driver.cores", "--driver-cores"),
    ("executor_memory", "spark.executor.memory", "--executor-memory"),
    ("executor_cores", "spark.executor.cores", "--executor-cores"),
    ("total_executor_cores", "spark.cores.max", "--total-executor-cores"),
    ("num_executors", "spark.executor.instances", "--num-executors"),
]
_COUNT_KEYS = ("spark.driver.cores", "spark.executor.cores", "spark.cores.max",
               "spark.executor.instances")


@dataclass
class Prepared:
    """The validated launch configuration."""

    app: str  # absolute path
    app_args: list[str]
    file_layer: dict[str, str]
    submit_layer: dict[str, str]
    file_path: str | None
    py_files: list[str]
    config: Config
    warnings: list[str] = field(default_factory=list)


def _spark_only(props: dict[str, str], warnings: list[str]) -> dict[str, str]:
    out = {}
    for k, v in props.items():
        if k.startswith("spark."):
            out[k] = v
        else:
            warnings.append(f"Warning: Ignoring non-Spark config property: {k}")
    return out


def _split_list(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _resolve_paths(value: str, flag: str) -> list[str]:
    paths = []
    for item in _split_list(value):
        p, hash_, alias = item.partition("#")  # archive.zip#alias
        local = p[len("file:"):] if p.startswith("file:") else p  # py39: no removeprefix
        if "://" in local:
            raise SubmitError(f"{flag}: only local files are supported, got {p!r}")
        if not os.path.exists(local):
            raise SubmitError(f"{flag}: {p!r} does not exist")
        paths.append(os.path.abspath(local) + hash_ + alias)
    return paths


def prepare(args: SubmitArgs) -> Prepared:
    """Validate the arguments and build the launch layers (no side effects but reading files)."""
    app = args.app
    if not app.endswith(".py"):
        raise SubmitError(
            f"sparkcli submit runs Python applications; {app!r} is not a .py file"
        )
    if not os.path.isfile(app):
        raise SubmitError(f"application file {app!r} does not exist (check the path)")
    warnings: list[str] = []

    # 1. the properties file -> 'file' layer
    file_path = args.properties_file
    if file_path is not None:
        if not os.path.isfile(file_path):
            raise SubmitError(f"--properties-file: {file_path!r} does not exist")
    else:
        default = os.path.join(conf_dir(), "spark-defaults.conf")
        file_path = default if os.path.isfile(default) else None
    file_layer: dict[str, str] = {}
    if file_path is not None:
        file_path = os.path.abspath(file_path)
        file_layer = _spark_only(load_properties_file(file_path), warnings)

    # 2. --conf, then flags -> 'submit' layer
    submit_layer: dict[str, str] = {}
    conf_pairs: dict[str, str] = {}
    for item in args.conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SubmitError(
                f"--conf expects PROP=VALUE, got {item!r} (e.g. --conf spark.executor.memory=2g)"
            )
        conf_pairs[key.strip()] = value
    submit_layer.update(_spark_only(conf_pairs, warnings))
    flag_for: dict[str, str] = {}
    for attr, key, flag in FLAG_PROPERTIES:
        value = getattr(args, attr)
        if value is not None:
            submit_layer[key] = str(value)
            flag_for[key] = flag
    py_files: list[str] = []
    if args.py_files is not None:
        py_files = _resolve_paths(args.py_files, "--py-files")
        submit_layer["spark.submit.pyFiles"] = ",".join(py_files)
    if args.files is not None:
        submit_layer["spark.files"] = ",".join(_resolve_paths(args.files, "--files"))
    if args.archives is not None:
        submit_layer["spark.archives"] = ",".join(_resolve_paths(args.archives, "--archives"))
    if args.verbose:
        submit_layer["spark.submit.verbose"] = "true"

    config = Config({"file": file_layer, "submit": submit_layer})
    # 3. defaults and validation
    if not config.contains("spark.app.name"):
        submit_layer["spark.app.name"] = os.path.basename(app)
        config.set("spark.app.name", os.path.basename(app), layer="submit")
    master = config.get("spark.master")
    spec = parse_master(master)
    # typed properties (memory sizes, durations, numbers, booleans) from the command line or
    # the properties file are checked here: one line now, not a traceback inside the app
    for layer in (file_layer, submit_layer):
        check_typed_values(layer, lambda key: flag_for.get(key, key))
    for key in _COUNT_KEYS:
        value = config.get(key)
        if value is not None and (not value.strip().isdigit() or int(value) < 1):
            raise SubmitError(
                f"invalid value for {flag_for.get(key, key)}: {value!r} (use a positive integer)"
            )
    deploy_mode = config.get("spark.submit.deployMode") or "client"
    if deploy_mode not in ("client", "cluster"):
        raise SubmitError(f"Deploy mode must be either client or cluster, got {deploy_mode!r}")
    if deploy_mode == "cluster":
        if spec.kind == "local":
            raise SubmitError(
                f'Cluster deploy mode is not compatible with master "{master}" '
                "(use --deploy-mode client, or a standalone cluster spark://HOST:PORT)"
            )
    if args.py_files is None and config.get("spark.submit.pyFiles"):
        py_files = _resolve_paths(config.get("spark.submit.pyFiles") or "", "spark.submit.pyFiles")

    return Prepared(
        app=os.path.abspath(app),
        app_args=list(args.app_args),
        file_layer=file_layer,
        submit_layer=submit_layer,
        file_path=file_path,
        py_files=py_files,
        config=config,
        warnings=warnings,
    )


def format_verbose(args: SubmitArgs, prep: Prepared) -> str:
    """spark-submit's ``--verbose`` report: parsed arguments, then properties with sources."""
    cfg = prep.config

    def val(key: str, keep_default: bool = False) -> str:
        source = cfg.source(key)
        if source is None or (source == "default" and not keep_default):
            return "null"
        return cfg.get(key) or "null"

    rows = [
        ("master", val("spark.master", True)),
        ("deployMode", val("spark.submit.deployMode", True)),
        ("executorMemory", val("spark.executor.memory")),
        ("executorCores", val("spark.executor.cores")),
        ("totalExecutorCores", val("spark.cores.max")),
        ("propertiesFile", prep.file_path or "null"),
        ("driverMemory", val("spark.driver.memory")),
        ("driverCores", val("spark.driver.cores")),
        ("numExecutors", val("spark.executor.instances")),
        ("files", val("spark.files")),
        ("archives", val("spark.archives")),
        ("pyFiles", val("spark.submit.pyFiles")),
        ("primaryResource", "file:" + prep.app),
        ("name", val("spark.app.name")),
        ("childArgs", "[" + " ".join(prep.app_args) + "]"),
        ("verbose", "true" if args.verbose else "false"),
    ]
    lines = []
    if prep.file_path:
        lines.append(f"Using properties file: {prep.file_path}")
    lines.append("Parsed arguments:")
    lines += [f"  {k:<24}{v}" for k, v in rows]
    lines.append("")
    where = f" {prep.file_path}" if prep.file_path else ""
    lines.append(
        "Spark properties used, including those specified through --conf and those from "
        f"the properties file{where}:"
    )
    lines.append(format_properties(cfg, prep.file_path))
    lines.append("")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------------
# running the application


def print_app_traceback(exc: BaseException) -> None:
    """The app's traceback, once, without sparkcli's own frames (launcher, runpy, engine)."""
    sys.stderr.write(format_user_exception(exc))
    sys.stderr.flush()


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def final_state(exit_code: int) -> str:
    """The state an application is left in when its driver exits with ``exit_code``."""
    if exit_code == exit_codes.SUCCESS:
        return "FINISHED"
    return "KILLED" if exit_code == exit_codes.INTERRUPTED else "FAILED"


def started_app_count() -> int:
    """How many applications this process has started so far (see :func:`finish_apps`)."""
    mod = sys.modules.get("sparkcli.context")
    return len(getattr(mod, "_started_app_dirs", ()))


def stop_active_context(exit_code: int = 0) -> None:
    """Stop a SparkContext the app left running (Spark's shutdown hook does the same),
    recording the driver's exit code: FINISHED for 0, else FAILED (KILLED for Ctrl-C)."""
    mod = sys.modules.get("sparkcli.context")
    sc = getattr(getattr(mod, "SparkContext", None), "_active_spark_context", None)
    if sc is None:
        return
    try:
        sc.stop(_state=final_state(exit_code), _exit_code=exit_code)
    except Exception as e:  # noqa: BLE001 - never mask the app's own exit code
        print(f"Warning: stopping the SparkContext failed: {e!r}", file=sys.stderr)


def finish_apps(exit_code: int, since: int = 0) -> None:
    """Stop the active SparkContext and record ``exit_code`` in every application started
    after the first ``since`` ones: an app stopped cleanly (``finally: spark.stop()``)
    whose driver then failed is FAILED, with the driver's exit code, as YARN reports it."""
    stop_active_context(exit_code)
    if exit_code == 0:
        return
    mod = sys.modules.get("sparkcli.context")
    for path in list(getattr(mod, "_started_app_dirs", ()))[since:]:
        state = appdir.read_state(path)
        if state is not None and state.get("state") == "FINISHED":
            appdir.write_state(path, state=final_state(exit_code), exit_code=exit_code)


def run_app(app: str, app_args: list[str], py_files: list[str] | None = None) -> int:
    """Run ``app`` as ``__main__`` in this process; return its exit code."""
    compat.install()
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [app, *app_args]
    app_dir = os.path.dirname(os.path.abspath(app))
    if sys.path:
        sys.path[0] = app_dir
    else:
        sys.path.append(app_dir)
    entries = [sys_path_entry(p) for p in py_files or []]
    sys.path[1:1] = [p for i, p in enumerate(entries) if p not in sys.path and p not in entries[:i]]
    code = exit_codes.SUCCESS
    since = started_app_count()
    try:
        runpy.run_path(app, run_name="__main__")
    except SystemExit as e:
        code = _exit_code(e.code)
    except KeyboardInterrupt:  # one line, not Python's traceback; executors stop at exit
        sys.stderr.write(f"Interrupted (Ctrl-C): {os.path.basename(app)} stopped\n")
        code = exit_codes.INTERRUPTED
    except BaseException as e:  # noqa: BLE001 - the app's failure becomes its exit code
        print_app_traceback(e)
        code = exit_codes.APP_FAILED
    finally:
        try:
            finish_apps(code, since)
        finally:
            sys.argv, sys.path[:] = saved_argv, saved_path
    return code


def run(args: SubmitArgs) -> int:
    """Validate, install the launch configuration, run the app; return the exit code.

    Raises SubmitError/ConfigError (one-line messages) before the app starts."""
    if args.kill or args.status:
        return run_request(args)
    prep = prepare(args)
    for w in prep.warnings:
        print(w, file=sys.stderr)
    if args.verbose:
        sys.stderr.write(format_verbose(args, prep) + "\n")
        sys.stderr.flush()
    if prep.config.get("spark.submit.deployMode") == "cluster":
        return run_cluster(args, prep)
    if args.supervise:
        print("Warning: --supervise only applies to --deploy-mode cluster; ignored",
              file=sys.stderr)
    set_launch_layers(file=prep.file_layer, submit=prep.submit_layer, file_path=prep.file_path)
    return run_app(prep.app, prep.app_args, prep.py_files)



# -------------------------------------------------------------------------------------------
# standalone cluster deploy mode (runtime.deploy.client, loaded on first use: sparkcli/lazy.py)


def _secret(config: Config) -> bytes | None:
    try:
        return auth.secret_from(config.get)
    except ValueError as e:
        raise SubmitError(str(e)) from None


def run_cluster(args: SubmitArgs, prep: Prepared) -> int:
    """``--deploy-mode cluster`` on spark://: ship the driver to a worker, print its id."""
    cfg = prep.config
    spec = parse_master(cfg.get("spark.master"))
    conf = {}
    for layer in ("file", "submit"):
        conf.update(cfg.layers[layer])
    files = _split_list(cfg.get("spark.files") or "")
    try:
        return client.submit_and_report(
            spec.hosts, print, app=prep.app, args=prep.app_args, conf=conf,
            py_files=prep.py_files, files=files, supervise=args.supervise,
            secret=_secret(cfg))
    except client.SubmissionError as e:
        raise SubmitError(str(e)) from None


def run_request(args: SubmitArgs) -> int:
    """``--kill ID`` / ``--status ID`` against the master of --master (spark:// only)."""
    if args.kill and args.status:
        raise SubmitError("use either --kill or --status, not both")
    warnings: list[str] = []
    path = args.properties_file
    if path is None:
        default = os.path.join(conf_dir(), "spark-defaults.conf")
        path = default if os.path.isfile(default) else None
    file_layer = _spark_only(load_properties_file(path), warnings) if path else {}
    submit_layer = {}
    for item in args.conf:
        key, sep, value = item.partition("=")
        if sep:
            submit_layer[key.strip()] = value
    if args.master:
        submit_layer["spark.master"] = args.master
    cfg = Config({"file": file_layer, "submit": submit_layer})
    spec = parse_master(cfg.get("spark.master"))
    flag = "--kill" if args.kill else "--status"
    if spec.kind != "spark":
        raise SubmitError(f"{flag} needs a standalone master: --master spark://HOST:PORT")
    driver_id = args.kill or args.status
    try:
        if args.kill:
            print(client.kill_driver(spec.hosts, driver_id, _secret(cfg)).message)
        else:
            print(client.format_status(driver_id, client.driver_status(spec.hosts, driver_id,
                                                                       _secret(cfg))))
    except client.SubmissionError as e:
        raise SubmitError(str(e)) from None
    return 0
