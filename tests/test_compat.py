"""sparkcli.compat: the `pyspark` import alias."""

from __future__ import annotations

import importlib
import sys

import pytest

from sparkcli import compat


@pytest.fixture(autouse=True)
def _alias():
    compat.install()
    yield
    compat.uninstall()


def test_top_level_and_classes_are_identical():
    import pyspark

    import sparkcli
    from sparkcli.conf import SparkConf

    assert pyspark is sparkcli
    from pyspark import SparkConf as PSConf

    assert PSConf is SparkConf


@pytest.mark.parametrize("name", ["conf", "sql", "errors", "context", "rdd", "storagelevel",
                                  "taskcontext", "files"])
def test_submodules_are_the_same_objects(name):
    alias = importlib.import_module(f"pyspark.{name}")
    assert alias is importlib.import_module(f"sparkcli.{name}")


def test_spec_of_real_module_is_preserved():
    import pyspark.conf  # noqa: F401

    assert sys.modules["sparkcli.conf"].__spec__.name == "sparkcli.conf"
    importlib.reload(sys.modules["sparkcli.conf"])


def test_from_import_session():
    from pyspark.sql import SparkSession

    from sparkcli.sql.session import SparkSession as Real

    assert SparkSession is Real


def test_missing_counterpart_says_so():
    with pytest.raises(ImportError) as e:
        import pyspark.mllib.nothing  # noqa: F401
    assert str(e.value) == ("pyspark.mllib is not available in sparkcli yet "
                            "(no module sparkcli.mllib)")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("pyspark.ml")


def test_install_is_idempotent_and_first():
    compat.install()
    finders = [f for f in sys.meta_path if isinstance(f, compat.PysparkAliasFinder)]
    assert len(finders) == 1 and sys.meta_path[0] is finders[0]


def test_uninstall_removes_alias():
    import pyspark  # noqa: F401

    compat.uninstall()
    assert not compat.is_installed() and "pyspark" not in sys.modules


def test_planned_sql_names_say_they_are_not_there_yet():
    with pytest.raises(ImportError,
                       match=r"pyspark.sql.HiveContext is not available in sparkcli yet"):
        exec("from pyspark.sql import HiveContext", {})
    ns: dict = {}
    exec("from pyspark.sql import Row, DataFrame, Window, Observation, functions as F", ns)
    assert ns["Observation"].__module__ == "sparkcli.sql.observation"  # provided now
    assert ns["Window"].currentRow == 0
    assert ns["Row"](a=1).a == 1 and ns["F"].col("x") is not None
    import pyspark.sql

    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        pyspark.sql.nope  # noqa: B018 - an unknown name stays a plain AttributeError


def test_session_dataframe_api_says_it_is_not_there_yet():
    from runtime.sql.errors import PySparkNotImplementedError, PySparkTypeError
    from sparkcli.sql.session import SparkSession

    session = SparkSession.__new__(SparkSession)
    # every PySpark name exists (sparkcli/sql/not_provided.py); the missing ones say so
    with pytest.raises(PySparkNotImplementedError,
                       match=r"\[NOT_IMPLEMENTED\] SparkSession.dataSource is not implemented"):
        session.dataSource.register(None)  # (spark.tvf, once listed here, now exists)
    assert hasattr(session, "udtf")  # as in PySpark
    with pytest.raises(PySparkTypeError, match=r"\[CANNOT_REGISTER_UDTF\]"):
        session.udtf.register("f", None)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        session.nope  # noqa: B018



@pytest.mark.parametrize("module, names", [
    ("pyspark.core.context", ["SparkContext"]),
    ("pyspark.core.rdd", ["RDD", "PipelinedRDD", "RDDBarrier", "Partitioner", "BoundedFloat",
                          "portable_hash"]),
    ("pyspark.core.broadcast", ["Broadcast"]),
    ("pyspark.core.files", ["SparkFiles"]),
    ("pyspark.core.status", ["StatusTracker", "SparkJobInfo", "SparkStageInfo"]),
    ("pyspark.accumulators", ["Accumulator", "AccumulatorParam", "AddingAccumulatorParam"]),
    ("pyspark.rddsampler", ["RDDSampler", "RDDRangeSampler", "RDDStratifiedSampler"]),
    ("pyspark.version", ["__version__"]),
])
def test_pyspark4_module_paths(module, names):
    """PySpark 4.3's layout: the same objects under its module paths."""
    mod = importlib.import_module(module)
    import pyspark

    for name in names:
        assert hasattr(mod, name), (module, name)
        if hasattr(pyspark, name) and name != "__version__":
            assert getattr(mod, name) is getattr(pyspark, name)


def test_reprs_name_pysparks_modules(sc):
    from pyspark.resultiterable import ResultIterable

    grouped = sc.parallelize([(1, "a")]).groupByKey().collect()[0][1]
    assert isinstance(grouped, ResultIterable)
    assert repr(grouped).startswith("<pyspark.resultiterable.ResultIterable object at 0x")
    assert repr(sc.parallelize([1]).barrier()).startswith(
        "<pyspark.core.rdd.RDDBarrier object at 0x")
    assert repr(sc.broadcast(1)).startswith("<pyspark.core.broadcast.Broadcast object at 0x")
    assert repr(sc.statusTracker()).startswith("<pyspark.core.status.StatusTracker object at")


def test_pyspark_version_is_the_api_level():
    import pyspark

    assert pyspark.__version__ == "4.3.0"
    assert pyspark.__version__ >= "3.4"  # the check PySpark scripts make
