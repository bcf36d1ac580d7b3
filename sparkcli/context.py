"""SparkContext: the driver's entry point (PySpark's pyspark.context.SparkContext).

Creating a context resolves the configuration (runtime.config layers with provenance),
configures logging, allocates the application id and its work directory
(work/local-<epoch millis> in local mode, work/app-YYYYMMDDHHMMSS-NNNN on a standalone
cluster, as Spark names applications), a private local dir under spark.local.dir for shuffle files,
broadcasts and added files, and starts the scheduler loop plus the executor processes
(local[N]: N executors, started once, in the background while user code builds RDDs).
``stop()`` stops executors, removes the local dir, and marks the application FINISHED.

Only one SparkContext may be active per process, as in Spark.
"""

from __future__ import annotations

import atexit
import getpass
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from typing import Any, Callable, Iterable

from runtime import appdir, serde
from runtime import config as rconfig
from runtime import log as rlog
from runtime.app import AppDirs, AppRuntime
from runtime.errors import SparkException
from runtime.lineage.files import PickleFile, TextFile, WholeTextFiles
from runtime.lineage.narrow import Union
from runtime.lineage.sources import ParallelCollection
from runtime.master_url import parse_master
from runtime.memory import DEFAULT_FRACTION, pool_size
from runtime.scheduler.bus import ListenerBus
from runtime.scheduler.driver import Driver
from runtime.scheduler.local import LocalLauncher
from runtime.status.live import LiveStatus
from runtime.ui.launch import start_driver_ui
from sparkcli import scope, shared
from sparkcli.conf import SparkConf
from sparkcli.files import SparkFiles, sys_path_entry
from sparkcli.lazy import INPROCESS_BACKEND, RPC_AUTH, STANDALONE_BACKEND
from sparkcli.listener import application_end, application_start, call_site
from sparkcli.context_files import FilesMixin
from sparkcli.context_jobs import JobsMixin
from sparkcli.progress import start_for
from sparkcli.rdd import RDD, wrap
from sparkcli.status import StatusTracker
from sparkcli.version import PYSPARK_API_VERSION, SPARKCLI_VERSION

# internal: tasks run in the driver's own process, one at a time, through the same scheduler
# (runtime/inprocess.py), so a test or doctest runs a job in one process and a debugger can
# step into a task; local masters only
IN_PROCESS = "spark.sparkcli.inProcess"

# SparkContext's backends: the method that starts the executors of each kind of master
# (local[N], spark.sparkcli.inProcess, spark://); the last two load their runtime modules on
# first use (sparkcli/lazy.py), so a local[N] application pays for neither
_BACKENDS = {"local": "_local_launcher", "inprocess": "_inprocess_launcher",
             "spark": "_standalone_launcher"}

_lock = threading.RLock()
# the work dirs of the applications started in this process, oldest first: submit and shell
# record the driver's exit code in them (a driver that fails after sc.stop() is FAILED)
_started_app_dirs: list[str] = []


class SparkContext(FilesMixin, JobsMixin):
    _active_spark_context: "SparkContext | None" = None

    def __init__(self, master: str | None = None, appName: str | None = None,
                 sparkHome: str | None = None, pyFiles: list[str] | None = None,
                 environment: dict | None = None, batchSize: int = 0, serializer: Any = None,
                 conf: Any = None, gateway: Any = None, jsc: Any = None,
                 profiler_cls: Any = None, udf_profiler_cls: Any = None,
                 memory_profiler_cls: Any = None):
        with _lock:
            active = SparkContext._active_spark_context
            if active is not None:
                raise ValueError(
                    "Cannot run multiple SparkContexts at once; existing "
                    f"SparkContext(app={active.appName}, master={active.master}); "
                    "use SparkContext.getOrCreate() or stop() the existing one first")
            config = (conf if conf is not None else SparkConf())._config.copy()
            if master:
                config.set("spark.master", master)
            if appName:
                config.set("spark.app.name", appName)
            if sparkHome:
                config.set("spark.home", sparkHome)
            for k, v in (environment or {}).items():
                config.set(f"spark.executorEnv.{k}", v)
            if not config.get("spark.app.name"):
                raise SparkException("An application name must be set in your configuration "
                                     "(SparkConf.setAppName or builder.appName)")
            self._config = config
            self._spec = parse_master(config.get("spark.master"))
            rlog.configure(config)
            self._log = rlog.get_logger("SparkContext")
            self._started = time.time()
            app_id, app_dir = appdir.new_app_id(rconfig.work_dir(),
                                                local=self._spec.kind == "local")
            local_dir = tempfile.mkdtemp(prefix=f"spark-{app_id}-",
                                         dir=_first_local_dir(config.get("spark.local.dir")))
            files_dir = os.path.join(local_dir, "files")
            os.makedirs(files_dir)
            #: the engine's state of this application (ids, dirs, driver, launcher, bus, UI),
            #: passed to what needs it; not a PySpark API
            self.runtime = AppRuntime(config, app_id, AppDirs(app_dir, local_dir, files_dir))
            SparkFiles._root_directory = self._files_dir
            self._attach_driver_log(rlog)
            self._log.info("Running Spark version %s (sparkcli %s)", PYSPARK_API_VERSION,
                           SPARKCLI_VERSION)
            self._log.info("Submitted application: %s", self.appName)
            if config.get_bool("spark.submit.verbose"):
                fmt = getattr(rconfig, "format_properties", None)
                if fmt is not None:
                    sys.stderr.write("Spark properties resolved by the SparkContext (code > "
                                     "submit flags/--conf > properties file > defaults):\n"
                                     + fmt(config) + "\n")
            self._stopped = False
            self._py_files: list[str] = []
            self._added_file_paths: dict[str, str] = {}  # name -> path (addFile)
            self._added_archive_paths: dict[str, str] = {}  # name -> path (addArchive)
            self._local_properties = threading.local()
            self._checkpoint_dir: str | None = None
            appdir.start_state(self._app_dir, self._app_id, self.appName, self.master)
            _started_app_dirs.append(self._app_dir)
            self._progress_bar = None
            self._start_runtime()
            self._status_store = LiveStatus()
            self.runtime.bus.add_listener(self._status_store)
            # status store, event log and web UI on :4040 (started on a background thread)
            self.runtime.ui = start_driver_ui(self._app_id, self.appName, config,
                                              rconfig.home_dir(), self.version, self.startTime,
                                              self._app_dir, self._driver.thread_dump,
                                              self._driver.launcher.ui_bound)
            self.runtime.bus.add_listener(self.runtime.ui)
            application_start(self.runtime.bus, self)
            self._progress_bar = start_for(self)
            SparkContext._active_spark_context = self
            atexit.register(self._atexit)
        for path in pyFiles or ():
            self.addPyFile(path)
        # --files / --archives (spark.files, spark.archives): in every task's SparkFiles
        for path in _split(self._config.get("spark.files")):
            self.addFile(path)
        for path in _split(self._config.get("spark.archives")):
            self.addArchive(path)

    # -- runtime ---------------------------------------------------------------------------
    def _start_runtime(self) -> None:
        c = self._config
        mem = c.get_memory("spark.executor.memory")
        fraction = c.get_float("spark.memory.fraction", DEFAULT_FRACTION)
        max_result = c.get_memory("spark.driver.maxResultSize") or 0
        c.get_memory("spark.driver.memory")  # validated like Spark does at launch
        app = self.runtime
        app.bus = ListenerBus()
        app.driver = Driver(
            app_id=self._app_id, app_dir=self._app_dir, local_dir=self._local_dir,
            launcher=None, max_failures=self._spec.max_failures  # 0 for spark://
            or c.get_int("spark.task.maxFailures", 4),
            max_result_size=max_result, memory_limit=pool_size(mem, fraction),
            locality_wait=c.get_duration("spark.locality.wait", "3s"),
            accumulator_sink=shared._apply_updates,
            # spark.driver.bindAddress / spark.driver.host: where executors reach the driver
            # (loopback by default; a cluster across machines sets them, with authentication)
            bind_host=c.get("spark.driver.bindAddress") or c.get("spark.driver.host")
            or "127.0.0.1", advertise_host=c.get("spark.driver.host"), bus=app.bus,
            task_kill_timeout=c.get_duration("spark.python.task.killTimeout", "2s"))
        paths = [p for p in [os.getcwd()] + sys.path[:1] if p]
        py_files = [sys_path_entry(p) for p in (c.get("spark.submit.pyFiles") or "").split(",")
                    if p]
        env = {k[len("spark.executorEnv."):]: v for k, v in c.items()
               if k.startswith("spark.executorEnv.")}
        env["SPARKCLI_FILES_DIR"] = self._files_dir
        level = c.get("spark.log.level") or _current_level()
        kind = self._spec.kind
        if kind == "local" and c.get_bool(IN_PROCESS, False):
            kind = "inprocess"
        app.launcher = getattr(self, _BACKENDS[kind])(py_files + paths, env, level)

    def _local_launcher(self, python_paths: list[str], env: dict, level: str) -> Any:
        """local[N]: N executor processes forked from the zygote (runtime.scheduler.local)."""
        launcher = LocalLauncher(
            app_id=self._app_id, app_dir=self._app_dir, local_dir=self._local_dir,
            driver_address=self._driver.address, num_executors=self._spec.threads,
            log_level=level, python_paths=python_paths,
            init_hooks=["sparkcli.compat:install"], env=env)
        self.runtime.launcher = self._driver.launcher = launcher
        self._driver.start()
        launcher.start()
        return launcher

    def _inprocess_launcher(self, python_paths: list[str], env: dict, level: str) -> Any:
        """spark.sparkcli.inProcess: tasks run in this process, one at a time."""
        launcher = INPROCESS_BACKEND.InProcessLauncher(
            local_dir=self._local_dir, app_dir=self._app_dir, driver=self._driver)
        self.runtime.launcher = self._driver.launcher = launcher
        self._driver.start()
        launcher.start()
        return launcher

    def _standalone_launcher(self, python_paths: list[str], env: dict, level: str) -> Any:
        """spark://: register with the master, which has workers start the executors."""
        c = self._config
        try:
            secret = RPC_AUTH.secret_from(c.get)
        except ValueError as e:
            raise SparkException(str(e)) from None
        self._driver.auth_secret = secret
        if not c.get_bool("spark.shuffle.readHostLocalDisk", True):
            env["SPARKCLI_SHUFFLE_READ_HOST_LOCAL"] = "0"
        launcher = STANDALONE_BACKEND.StandaloneLauncher(
            master_hosts=self._spec.hosts, app_id=self._app_id, app_name=self.appName,
            driver_address=self._driver.address, cores_max=c.get_int("spark.cores.max"),
            executor_cores=c.get_int("spark.executor.cores", 1) or 1,
            executor_memory_mb=max(1, c.get_memory("spark.executor.memory") >> 20),
            log_level=level, python_paths=python_paths,
            init_hooks=["sparkcli.compat:install"], env=env, secret=secret,
            starvation_timeout=c.get_duration("spark.starvation.timeout", "15s"),
            driver_id=os.environ.get("SPARKCLI_DRIVER_ID"))
        launcher.driver = self._driver
        self._driver.launcher = launcher
        self._driver.start()
        try:
            launcher.start()
        except BaseException:
            self._driver.stop()
            self._driver.close_sockets()
            raise
        self.runtime.app_id = launcher.app_id
        return launcher

    def _attach_driver_log(self, rlog: Any) -> None:
        attach = getattr(rlog, "add_file_handler", None)
        if attach is not None:
            attach(os.path.join(self._app_dir, "driver.log"))

    def runJob(self, rdd: Any, partitionFunc: Callable, partitions: Iterable[int] | None = None,
               allowLocal: bool = False) -> list:
        parts = list(range(rdd.getNumPartitions())) if partitions is None else list(partitions)
        out: list = []
        for chunk in self._run_job(rdd, lambda it: list(partitionFunc(it)), parts):
            out.extend(chunk)
        return out

    def _run_job(self, rdd: Any, func: Callable, partitions: list[int] | None = None) -> list:
        """Run ``func(iterator)`` on each partition of ``rdd``; returns one result per
        partition, then writes the checkpoints the job made due."""
        results = self._run_node_job(rdd._node, func, partitions)
        rdd._after_job()
        return results

    def _run_node_job(self, node: Any, func: Callable,
                      partitions: list[int] | None = None) -> list:
        """Run ``func(iterator)`` on each partition of the lineage node ``node``."""
        self._check_alive()
        if partitions is None:
            partitions = list(range(node.num_partitions))
        props = dict(getattr(self._local_properties, "props", {}) or {})
        if "callSite.short" not in props:
            props["callSite.short"], props["callSite.long"] = call_site(2)
        if "spark.rdd.scope" not in props and scope.current() is not None:
            props["spark.rdd.scope"] = scope.current()  # the action's, as Spark's jobs carry
        try:
            return self._driver.run_job(node, func, partitions, props)
        finally:
            if self._progress_bar is not None:
                self._progress_bar.finish_all()

    def _check_alive(self) -> None:
        if self._stopped:
            raise SparkException("Cannot call methods on a stopped SparkContext. "
                                 "Create a new one (SparkContext.getOrCreate()).")

    # -- properties ------------------------------------------------------------------------
    @property
    def master(self) -> str:
        return self._config.get("spark.master")

    @property
    def appName(self) -> str:
        return self._config.get("spark.app.name")

    @property
    def applicationId(self) -> str:
        return self._app_id

    @property
    def version(self) -> str:
        return PYSPARK_API_VERSION

    @property
    def startTime(self) -> int:
        return int(self._started * 1000)

    @property
    def sparkUser(self) -> Callable[[], str]:
        return lambda: os.environ.get("SPARK_USER") or _user()

    @property
    def defaultParallelism(self) -> int:
        return self._config.get_int("spark.default.parallelism") or self._spec.threads or \
            max(2, len(self._launcher.alive()))  # spark://: cores granted so far, at least 2

    @property
    def defaultMinPartitions(self) -> int:
        return min(self.defaultParallelism, 2)

    @property
    def uiWebUrl(self) -> str | None:
        return self.runtime.ui.url

    @property
    def resources(self) -> dict:
        return {}

    def getConf(self) -> Any:
        return SparkConf._from_config(self._config.copy())

    def setLogLevel(self, logLevel: str) -> None:
        rlog.set_level(logLevel)

    def statusTracker(self) -> Any:
        return StatusTracker(self._status_store)

    def addSparkListener(self, listener: Any) -> None:
        """Register ``listener`` (a :class:`sparkcli.listener.SparkListener`) for the
        scheduler's events; its callbacks run on the listener bus thread.

        >>> from sparkcli.listener import SparkListener
        >>> class Jobs(SparkListener):
        ...     def __init__(self):
        ...         self.ended = []
        ...     def onJobEnd(self, jobEnd):
        ...         self.ended.append(jobEnd.jobId)
        >>> jobs = Jobs()
        >>> sc.addSparkListener(jobs)  # doctest: +SKIP
        >>> sc.parallelize([1, 2]).count()  # doctest: +SKIP
        2
        """
        self.runtime.bus.add_listener(listener)

    def removeSparkListener(self, listener: Any) -> None:
        """Stop sending events to ``listener``."""
        self.runtime.bus.remove_listener(listener)

    # -- app state (runtime.app.AppRuntime) -------------------------------------------------
    @property
    def _app_id(self) -> str:
        return self.runtime.app_id

    @property
    def _app_dir(self) -> str:
        return self.runtime.dirs.work

    @property
    def _local_dir(self) -> str:
        return self.runtime.dirs.local

    @property
    def _files_dir(self) -> str:
        return self.runtime.dirs.files

    @property
    def _driver(self) -> Any:
        return self.runtime.driver

    @property
    def _launcher(self) -> Any:
        return self.runtime.launcher

    # -- RDD creation ------------------------------------------------------------------------
    def _new_rdd_id(self) -> int:
        return self.runtime.ids.rdd()

    def _new_shuffle_id(self) -> int:
        return self.runtime.ids.shuffle()

    def parallelize(self, c: Iterable, numSlices: int | None = None) -> RDD:
        n = numSlices if numSlices is not None else self.defaultParallelism
        if n < 1:
            raise ValueError(f"Number of slices must be positive, got {n}")
        return wrap(self, ParallelCollection(self.runtime.ids.rdd(), c, n))

    def range(self, start: int, end: int | None = None, step: int = 1,
              numSlices: int | None = None) -> RDD:
        if end is None:
            start, end = 0, start
        return self.parallelize(range(start, end, step), numSlices)

    def emptyRDD(self) -> RDD:
        """An RDD with no partitions (Spark's EmptyRDD).

        >>> sc.emptyRDD()
        EmptyRDD[...] at RDD
        >>> sc.emptyRDD().isEmpty()
        True
        """
        node = ParallelCollection(self.runtime.ids.rdd(), [], 0)
        node.rdd_class = "EmptyRDD"
        return wrap(self, node)

    def textFile(self, name: str, minPartitions: int | None = None,
                 use_unicode: bool = True) -> RDD:
        return wrap(self, TextFile(self.runtime.ids.rdd(), name,
                                   minPartitions or self.defaultMinPartitions,
                                   self.defaultParallelism, use_unicode))

    def wholeTextFiles(self, path: str, minPartitions: int | None = None,
                       use_unicode: bool = True) -> RDD:
        return wrap(self, WholeTextFiles(self.runtime.ids.rdd(), path,
                                         minPartitions or self.defaultMinPartitions,
                                         use_unicode))

    def pickleFile(self, name: str, minPartitions: int | None = None) -> RDD:
        return wrap(self, PickleFile(self.runtime.ids.rdd(), name))

    def union(self, rdds: list) -> RDD:
        return wrap(self, Union(self.runtime.ids.rdd(), [r._node for r in rdds]))

    # -- shared variables -------------------------------------------------------------------
    def broadcast(self, value: Any) -> Any:
        self._check_alive()
        bid = self.runtime.ids.broadcast()
        d = os.path.join(self._local_dir, "broadcast")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, f"broadcast_{bid}")
        with open(path, "wb") as f:
            f.write(serde.dumps_closure(value))
        return shared.Broadcast(bid, path, value, on_driver=True)

    def accumulator(self, value: Any, accum_param: Any = None) -> Any:
        if accum_param is None:
            if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
                raise TypeError(f"No default accumulator param for type {type(value)}")
            accum_param = {int: shared.INT_ACCUMULATOR_PARAM,
                           float: shared.FLOAT_ACCUMULATOR_PARAM,
                           complex: shared.COMPLEX_ACCUMULATOR_PARAM}[type(value)]
        return shared.Accumulator(self.runtime.ids.accumulator(), value, accum_param)

    # -- files -------------------------------------------------------------------------------
    def setCheckpointDir(self, dirName: str) -> None:
        path = os.path.join(os.path.abspath(dirName), _uuid())
        os.makedirs(path, exist_ok=True)
        self._checkpoint_dir = path

    def getCheckpointDir(self) -> str | None:
        return self._checkpoint_dir

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def getOrCreate(cls, conf: Any = None) -> "SparkContext":
        with _lock:
            if cls._active_spark_context is None:
                SparkContext(conf=conf)
            return cls._active_spark_context  # type: ignore[return-value]

    def stop(self, _state: str = "FINISHED", _exit_code: int | None = 0) -> None:
        with _lock:
            if self._stopped:
                return
            self._stopped = True
            if self._progress_bar is not None:
                self._progress_bar.stop()
            self._driver.stop()
            self._driver.close_sockets()
            application_end(self.runtime.bus)
            self.runtime.bus.stop()  # delivers what is queued first
            self.runtime.ui.stop(_exit_code)
            self._launcher.stop()
            shutil.rmtree(self._local_dir, ignore_errors=True)
            appdir.write_state(self._app_dir, state=_state, exit_code=_exit_code,
                               end=time.time(),
                               executors=sorted(self._launcher.procs, key=int))
            self._log.info("Successfully stopped SparkContext")
            rlog.remove_file_handler(os.path.join(self._app_dir, "driver.log"))
            if SparkContext._active_spark_context is self:
                SparkContext._active_spark_context = None

    def _atexit(self) -> None:
        if not self._stopped:
            self.stop()

    def __enter__(self) -> "SparkContext":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __getstate__(self):
        raise RuntimeError(
            "It appears that you are attempting to reference SparkContext from a broadcast "
            "variable, action, or transformation. SparkContext can only be used on the "
            "driver, not in code that it run on workers.")

    def __repr__(self) -> str:
        return f"<SparkContext master={self.master} appName={self.appName}>"


# the RDDs these make carry their operation's scope (sparkcli/scope.py), as Spark's withScope
scope.scope_all(SparkContext, (
    "parallelize", "range", "emptyRDD", "textFile", "wholeTextFiles", "pickleFile", "union",
    "binaryFiles", "binaryRecords", "sequenceFile", "hadoopFile", "newAPIHadoopFile",
    "hadoopRDD", "newAPIHadoopRDD"))


def _split(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def _first_local_dir(value: str | None) -> str:
    d = (value or "").split(",")[0].strip() or tempfile.gettempdir()
    os.makedirs(d, exist_ok=True)
    return d


def _user() -> str:
    return getpass.getuser()


def _uuid() -> str:
    return str(uuid.uuid4())


def _current_level() -> str:
    getter = getattr(rlog, "current_level", None)
    return getter() if getter else "WARN"

