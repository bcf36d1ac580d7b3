"""The API's entry points to heavy code, loaded on first use (the policy: runtime/lazy.py).

Each handle is a :class:`runtime.lazy.Deferred`: a module stand-in that imports its module on
the first attribute access. An RDD-only application loads none of them.

* ``SQL_ENGINE``: the DataFrame API and the SQL engine behind SparkSession (pyarrow, sqlglot);
  sparkcli/sql/session.py is the light half an RDD application may load for its context.
* ``SQL_IO``, ``SQL_TEXT``, ``SQL_STREAMING``, ``FUNCTIONS``: the parts of that API a first
  DataFrame does not need (``spark.range(10).show()`` runs without them, ~20 ms less): the
  readers and writers (``spark.read``, ``df.write``, ``df.writeTo``: file sources and sinks,
  table commands), ``spark.sql(text)`` with its commands, Structured Streaming
  (``readStream``, ``writeStream``, ``spark.streams``), and the ``pyspark.sql.functions``
  package (~560 functions in a dozen modules) for the API's own modules that are written
  with it (``na``, ``stat``, ``describe``/``summary``: ``F.col(...)`` works the same
  through the handle).
* ``INPROCESS_BACKEND``, ``STANDALONE_BACKEND``, ``RPC_AUTH``: SparkContext's backends other
  than local[N] (sparkcli/context.py's ``_BACKENDS`` table): tasks in the driver's process
  (brings the executor side into the driver, ~40 ms) and the standalone cluster's client with
  its authentication (~70 ms).
* ``HADOOP_FILES``, ``HADOOP_FORMATS``: SequenceFiles and Hadoop InputFormats/OutputFormats in
  pure Python (runtime/hadoop: ~900 lines), for ``sc.sequenceFile``/``hadoopFile``... and
  ``rdd.saveAsSequenceFile``/``saveAsHadoopFile``...; no other application loads them.
* ``DEPLOY_CLIENT``: the submission client of a standalone master (``submit --deploy-mode
  cluster``, ``--kill``, ``--status``; with RPC_AUTH ~0.1 s that a local submit never needs).
* ``SUBMISSION``, ``REPL``: the code behind ``submit`` and ``shell``, reached after they start
  the executor zygote, so its imports overlap the driver's (sparkcli/cli/executor_zygote.py).

``CLI`` is the ``sparkcli`` click group (sparkcli/cli/main.py, click itself ~15 ms): the
launcher reaches it after starting the executor zygote.

The click commands are listed once in sparkcli/cli/main.py's ``COMMANDS`` table (click's
LazyGroup pattern): ``sparkcli submit`` imports sparkcli.cli.submit only, ``sparkcli --help``
no command module; a command module imports the code behind it at its top. Package names
(``pyspark.SparkContext``, ``pyspark.sql.DataFrame``) resolve through the PEP 562
``__getattr__`` tables of sparkcli/__init__.py and sparkcli/sql/__init__.py.
"""

from __future__ import annotations

from runtime.lazy import Deferred

__all__ = ["CLI", "DEFERRED", "DEPLOY_CLIENT", "FUNCTIONS", "HADOOP_FILES", "HADOOP_FORMATS", "INPROCESS_BACKEND",
           "REPL", "RPC_AUTH", "SQL_ENGINE", "SQL_IO", "SQL_STREAMING", "SQL_TEXT", "STANDALONE_BACKEND",
           "SUBMISSION"]

SQL_ENGINE = Deferred("sparkcli.sql.session_engine")
SQL_IO = Deferred("sparkcli.sql.readwriter")
SQL_TEXT = Deferred("sparkcli.sql.sql_text")
SQL_STREAMING = Deferred("sparkcli.sql.streaming")
FUNCTIONS = Deferred("sparkcli.sql.functions")
INPROCESS_BACKEND = Deferred("runtime.inprocess")
STANDALONE_BACKEND = Deferred("runtime.scheduler.standalone")
RPC_AUTH = Deferred("runtime.rpc.auth")
DEPLOY_CLIENT = Deferred("runtime.deploy.client")
HADOOP_FILES = Deferred("runtime.lineage.hadoop_files")
HADOOP_FORMATS = Deferred("runtime.hadoop.formats")
SUBMISSION = Deferred("sparkcli.cli.submission")
CLI = Deferred("sparkcli.cli.main")
REPL = Deferred("sparkcli.cli.repl")

#: every handle of the API
DEFERRED: tuple[Deferred, ...] = (SQL_ENGINE, SQL_IO, SQL_TEXT, SQL_STREAMING, FUNCTIONS,
                                  INPROCESS_BACKEND, STANDALONE_BACKEND, RPC_AUTH, DEPLOY_CLIENT,
                                  HADOOP_FILES, HADOOP_FORMATS, SUBMISSION, REPL, CLI)
