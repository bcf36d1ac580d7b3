"""DataFrame.observe / Observation and withMetadata, as real PySpark 4.3 gives them."""

from __future__ import annotations

import pytest

from sparkcli.errors import (AnalysisException, PySparkAssertionError, PySparkTypeError,
                             PySparkValueError)
from sparkcli.sql import Observation
from sparkcli.sql import functions as F
from tests.sql.conftest import rows


@pytest.fixture(scope="module")
def people(spark):
    return spark.createDataFrame([["Alice", 2], ["Bob", 5]], ["name", "age"])


def test_observation_after_an_action(people):
    o = Observation("my metrics")
    observed = people.observe(o, F.count(F.lit(1)).alias("count"), F.max(F.col("age")))
    assert observed.count() == 2
    assert o.get == {"count": 2, "max(age)": 5}
    o2 = Observation()
    observed = people.filter("age > 3").observe(
        o2, F.sum("age").alias("s"), F.avg("age"), (F.sum("age") + 1).alias("s1"))
    assert rows(observed.select("name")) == [("Bob",)]  # through a later projection too
    assert o2.get == {"s": 5, "avg(age)": 5.0, "s1": 6}
    observed.filter("age > 100").collect()
    assert o2.get == {"s": 5, "avg(age)": 5.0, "s1": 6}  # the first action's metrics stay


def test_named_observation_and_errors(spark, people):
    people.observe("named", F.count("*").alias("c")).collect()
    assert spark._state().observed_metrics["named"] == {"c": 2}
    o = Observation("x")
    people.observe(o, F.count("*"))
    cases = [(lambda: people.observe(o, F.count("*")), PySparkAssertionError,
              "[REUSE_OBSERVATION] An Observation can be used with a DataFrame only once."),
             (lambda: Observation().get, PySparkAssertionError,
              "[NO_OBSERVE_BEFORE_GET] Should observe by calling `DataFrame.observe` before "
              "`get`."),
             (lambda: people.observe(Observation()), PySparkValueError,
              "[CANNOT_BE_EMPTY] At least one exprs must be specified."),
             (lambda: people.observe(1, F.count("*")), PySparkTypeError,
              "[NOT_EXPECTED_TYPE] Argument `observation` should be Observation or str, got "
              "int."),
             (lambda: Observation(""), PySparkValueError,
              "[VALUE_NOT_NON_EMPTY_STR] Value for `name` must be a non-empty string, got ''."),
             (lambda: Observation(3), PySparkTypeError,
              "[NOT_EXPECTED_TYPE] Argument `name` should be str, got int.")]
    for call, cls, text in cases:
        with pytest.raises(cls) as e:
            call()
        assert str(e.value) == text
    with pytest.raises(PySparkAssertionError, match="run an action"):
        o.get  # observed, but no action yet: an error, not a wait forever


def test_with_metadata(people):
    m = people.withMetadata("age", {"comment": "years"})
    assert m.schema["age"].metadata == {"comment": "years"}
    assert rows(m) == [("Alice", 2), ("Bob", 5)]
    assert m.select(F.col("age").alias("a")).schema["a"].metadata == {"comment": "years"}
    assert people.select(people.age.alias("x", metadata={"k": 1})).schema["x"].metadata == \
        {"k": 1}
    with pytest.raises(AnalysisException, match=r"^\[UNRESOLVED_COLUMN.WITH_SUGGESTION\]"):
        people.withMetadata("nope", {"a": 1})
