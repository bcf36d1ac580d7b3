"""``sparkcli shell``: the pyspark shell, on ptpython.

Like ``bin/pyspark`` (which is ``spark-submit pyspark-shell-main --name PySparkShell``), the
shell resolves its configuration exactly as ``sparkcli submit`` does, by calling
:func:`sparkcli.cli.submission.prepare` (properties file, --conf, flags, validation). The primary
resource handed to it is this module's file, standing in for Spark's ``pyspark-shell-main``;
the application name defaults to ``PySparkShell`` (a flag, so a properties file's
spark.app.name does not win, as in Spark) and ``--name`` replaces it.

Then, in order:

1. the log level: unless spark.log.level was given (in any layer) or a conf/log4j*.properties
   file exists, the shell runs at WARN (spark.log.level=WARN in the submit layer) and says so
   with Spark's two lines ``Setting default log level to "WARN".`` / ``To adjust logging
   level use sc.setLogLevel(newLevel).`` on stderr;
2. the launch layers are installed, the ``pyspark`` alias too, ``sys.path[0]`` is the current
   directory (as in an interactive ``python``) followed by the --py-files;
3. ``spark = SparkSession.builder.getOrCreate()`` and ``sc = spark.sparkContext``; the
   namespace also holds SparkConf, SparkContext, SparkSession and StorageLevel;
4. stdin is a terminal: the banner (Spark's logo reading "sparkcli", versions, master, app id,
   work dir) and a ptpython REPL (completion, ``~/.sparkcli_history`` or
   ``$SPARKCLI_HOME/.sparkcli_history``, Ctrl-D/exit() leave without confirmation; the
   user's ~/.config/ptpython/config.py still applies);
   stdin is not a terminal: the text read from it runs in that namespace statement by
   statement, each compiled as an interactive console compiles it, so expression values are
   echoed (``echo 'sc.version' | sparkcli shell`` prints it), stopping at the first
   exception (traceback on stderr, exit 1);
5. Ctrl-C during a job cancels the running jobs (PySpark's SIGINT handler) and the prompt
   comes back;
6. the SparkContext is stopped on the way out (executors gone), whatever happened, and the
   exit code recorded: app state FINISHED for 0, else FAILED (KILLED for Ctrl-C); SIGTERM
   and SIGHUP become SystemExit so that stop still runs. The REPL's objects are frozen
   (``gc.freeze``) when it ends, so that leaving does not wait for the interpreter's final
   garbage collections to walk them (seconds on a busy machine).
"""

from __future__ import annotations

import ast
import builtins
import gc
import linecache
import os
import platform
import signal
import sys
import traceback
from dataclasses import asdict, dataclass
from typing import Any

from runtime import log as rlog
from runtime.config import ConfigError, set_launch_layers
from runtime.tracebacks import format_user_exception
from sparkcli import compat
from sparkcli.version import PYSPARK_API_VERSION, SPARKCLI_VERSION
from sparkcli.cli import exit_codes
from sparkcli.cli import submission as _submit
from sparkcli.conf import SparkConf
from sparkcli.context import SparkContext
from sparkcli.files import sys_path_entry
from sparkcli.sql import SparkSession
from sparkcli.storagelevel import StorageLevel

__all__ = ["ConfigError", "ShellArgs", "ShellError", "banner", "history_file", "run", "run_source"]

SHELL_APP_NAME = "PySparkShell"
STDIN_NAME = "<stdin>"

LOGO = r"""      ____              __         __ _
     / __/__  ___ _____/ /__ ____ / /(_)
    _\ \/ _ \/ _ `/ __/  '_// __// // /
   /__ / .__/\_,_/_/ /_/\_\ \__//_//_/   version {version}
      /_/
"""


class ShellError(ValueError):
    """The shell could not start (bad master, config...); the message is one line."""


@dataclass
class ShellArgs(_submit.LaunchArgs):
    """The shell's options, as given (None = not given): those it shares with submit."""


def history_file() -> str:
    home = os.environ.get("SPARKCLI_HOME")
    base = os.path.abspath(home) if home else os.path.expanduser("~")
    return os.path.join(base, ".sparkcli_history")


def banner(sc: Any) -> str:
    py = platform.python_version()
    build = platform.python_build()
    return (
        "Welcome to\n"
        + LOGO.format(version=f"{SPARKCLI_VERSION} (PySpark API {PYSPARK_API_VERSION})")
        + "\n"
        + f"Using Python version {py} ({build[0]}, {build[1]})\n"
        + (f"Spark context Web UI available at {url}\n"
           if (url := getattr(sc, "uiWebUrl", None)) else "")
        + f"Spark context available as 'sc' (master = {sc.master}, app id = "
        + f"{sc.applicationId}).\n"
        + "SparkSession available as 'spark'.\n"
        + f"Logs and executor output: {sc._app_dir}\n"
    )


def _prepare(args: ShellArgs) -> Any:
    given = asdict(args)  # copies conf
    given["name"] = args.name if args.name is not None else SHELL_APP_NAME
    sargs = _submit.SubmitArgs(
        app=os.path.abspath(__file__),  # stands in for Spark's pyspark-shell-main
        **given,
    )
    try:
        prep = _submit.prepare(sargs)
    except _submit.SubmitError as e:
        raise ShellError(str(e)) from None
    return sargs, prep


def _default_log_level(prep: Any) -> bool:
    """Set spark.log.level=WARN unless the user chose a level; True if it was set."""
    if prep.config.contains("spark.log.level") or rlog.find_properties_file() is not None:
        return False
    prep.submit_layer["spark.log.level"] = "WARN"
    prep.config.set("spark.log.level", "WARN", layer="submit")
    return True


def _install_path(py_files: list[str]) -> None:
    if sys.path:
        sys.path[0] = ""
    else:
        sys.path.append("")
    entries = [sys_path_entry(p) for p in py_files]
    fresh = [p for i, p in enumerate(entries) if p not in sys.path and p not in entries[:i]]
    sys.path[1:1] = fresh


def _namespace(spark: Any) -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": "__main__", "__doc__": None, "__builtins__": builtins,
                          "spark": spark, "sc": spark.sparkContext, "SparkConf": SparkConf,
                          "SparkContext": SparkContext, "SparkSession": SparkSession,
                          "StorageLevel": StorageLevel}
    if hasattr(spark, "sql"):
        ns["sql"] = spark.sql
    return ns


def _exit_signals() -> None:
    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError):  # not the main thread
                pass


def _cancel_jobs_on_interrupt(sc: Any) -> None:
    """Ctrl-C while a job runs cancels the running jobs, then raises KeyboardInterrupt
    (PySpark's SparkContext installs the same SIGINT handler); at the prompt, ptpython
    reads Ctrl-C as a key and clears the line."""

    def handler(signum: int, frame: Any) -> None:
        try:
            sc.cancelAllJobs()
        except Exception:  # noqa: BLE001, S110 - a stopped context has nothing to cancel
            pass
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGINT, handler)
    except (ValueError, OSError):  # not the main thread
        pass


def run(args: ShellArgs) -> int:
    """Start the shell; return its exit code. Raises ShellError/ConfigError before starting."""
    sargs, prep = _prepare(args)
    for w in prep.warnings:
        print(w, file=sys.stderr)
    if args.verbose:
        sys.stderr.write(_submit.format_verbose(sargs, prep) + "\n")
    said_level = _default_log_level(prep)
    set_launch_layers(file=prep.file_layer, submit=prep.submit_layer, file_path=prep.file_path)
    compat.install()
    _install_path(prep.py_files)
    _exit_signals()
    code = exit_codes.APP_FAILED
    since = _submit.started_app_count()
    try:
        try:
            spark = SparkSession.builder.getOrCreate()
        except Exception as e:  # noqa: BLE001 - a context that cannot start is one line
            raise ShellError(f"could not start the SparkContext: {e}") from None
        if said_level:
            sys.stderr.write('Setting default log level to "WARN".\n'
                             "To adjust logging level use sc.setLogLevel(newLevel).\n")
            sys.stderr.flush()
        ns = _namespace(spark)
        _cancel_jobs_on_interrupt(spark.sparkContext)
        if _isatty(sys.stdin):
            sys.stdout.write(banner(spark.sparkContext))
            sys.stdout.flush()
            code = interact(ns)
        else:
            code = run_source(sys.stdin.read(), ns)
    except KeyboardInterrupt:
        code = exit_codes.INTERRUPTED
    except SystemExit as e:
        code = _submit._exit_code(e.code)
    finally:
        _submit.finish_apps(code, since)  # FINISHED, or FAILED with the exit code
    return code


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def interact(ns: dict[str, Any]) -> int:
    """The ptpython REPL over ``ns`` until Ctrl-D or exit(); returns the exit code."""
    from ptpython.repl import embed, run_config

    def configure(repl: Any) -> None:
        repl.confirm_exit = False
        repl.title = "sparkcli "  # the status bar's first item, before "[F4] Emacs"
        run_config(repl)  # the user's ~/.config/ptpython/config.py, if any

    try:
        embed(globals=ns, locals=ns, configure=configure, history_filename=history_file())
    except SystemExit as e:
        return _submit._exit_code(e.code)
    finally:
        # The REPL leaves ~200,000 objects behind (completion's jedi caches, mostly), and
        # the interpreter's garbage collections at exit would walk them all: 3-4 s after
        # Ctrl-D on a loaded machine, the longer the busier (0.3 s without). Frozen, they are
        # skipped by those collections; the process ends right after.
        gc.freeze()
    return 0


def _print_exception(exc: BaseException) -> None:
    """The traceback of code read from stdin, without sparkcli's own frames."""
    sys.stderr.write(format_user_exception(exc))
    sys.stderr.flush()


def run_source(source: str, ns: dict[str, Any], filename: str = STDIN_NAME) -> int:
    """Run ``source`` in ``ns`` one top-level statement at a time, compiled as a console
    compiles it (expression values outside functions echo through sys.displayhook), so a
    block may contain blank lines, unlike ``code.InteractiveConsole``'s input. Stops at the
    first exception: its traceback goes to stderr and the result is 1; SystemExit's code is
    honoured; else 0."""
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    try:
        tree = ast.parse(source, filename, "exec")
    except SyntaxError as e:
        sys.stderr.write("".join(traceback.format_exception_only(type(e), e)))
        return exit_codes.APP_FAILED
    for stmt in tree.body:
        # 'single' = what a console compiles: expression statements outside functions echo
        code = compile(ast.Interactive(body=[stmt]), filename, "single")
        try:
            exec(code, ns)  # noqa: S102 - running the user's code is the point
        except SystemExit as e:
            return _submit._exit_code(e.code)
        except KeyboardInterrupt as e:
            _print_exception(e)
            return exit_codes.INTERRUPTED
        except BaseException as e:  # noqa: BLE001 - the user's error becomes the exit code
            _print_exception(e)
            return exit_codes.APP_FAILED
    sys.stdout.flush()
    return exit_codes.SUCCESS
