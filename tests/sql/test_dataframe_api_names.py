"""Every public name of PySpark 4.3's DataFrame, Column, DataFrameReader/Writer,
GroupedData and SparkSession exists in sparkcli; the ones not provided raise one clear
[NOT_IMPLEMENTED] error naming them (the lists are PySpark 4.3's dir(), minus _names)."""

from __future__ import annotations

import pytest

from runtime.sql.errors import PySparkNotImplementedError, PySparkTypeError
from sparkcli.sql.column import Column
from sparkcli.sql.dataframe import DataFrame
from sparkcli.sql.group import GroupedData
from sparkcli.sql.readwriter import DataFrameReader, DataFrameWriter
from sparkcli.sql.session import SparkSession

PYSPARK_43 = {
    DataFrame: "agg alias approxQuantile asTable cache checkpoint coalesce colRegex collect "
    "columns corr count cov createGlobalTempView createOrReplaceGlobalTempView "
    "createOrReplaceTempView createTempView crossJoin crosstab cube describe distinct drop "
    "dropDuplicates dropDuplicatesWithinWatermark drop_duplicates dropna dtypes exceptAll "
    "executionInfo exists explain fillna filter first foreach foreachPartition freqItems "
    "groupBy groupby groupingSets head hint inputFiles intersect intersectAll isEmpty isLocal "
    "isStreaming join lateralJoin limit localCheckpoint mapInArrow mapInPandas melt mergeInto "
    "metadataColumn na nearestByJoin observe offset orderBy pandas_api persist plot "
    "printSchema randomSplit rdd registerTempTable repartition repartitionById "
    "repartitionByRange replace rollup sameSemantics sample sampleBy scalar schema select "
    "selectExpr semanticHash show sort sortWithinPartitions sparkSession stat storageLevel "
    "subtract summary tail take to toArrow toDF toJSON toLocalIterator toPandas transform "
    "transpose union unionAll unionByName unpersist unpivot where withColumn "
    "withColumnRenamed withColumns withColumnsRenamed withMetadata withWatermark write "
    "writeStream writeTo zip",
    Column: "alias asc asc_nulls_first asc_nulls_last astype between bitwiseAND bitwiseOR "
    "bitwiseXOR cast contains desc desc_nulls_first desc_nulls_last dropFields endswith "
    "eqNullSafe getField getItem ilike isNaN isNotNull isNull isin like name otherwise outer "
    "over rlike startswith substr transform try_cast when withField",
    DataFrameReader: "changes csv format jdbc json load option options orc parquet schema "
    "table text xml",
    DataFrameWriter: "bucketBy clusterBy csv format insertInto jdbc json mode option options "
    "orc parquet partitionBy save saveAsTable sortBy text xml",
    GroupedData: "agg apply applyInArrow applyInPandas applyInPandasWithState avg cogroup "
    "count max mean min pivot sum transformWithState transformWithStateInPandas",
}


@pytest.mark.parametrize("cls", list(PYSPARK_43), ids=lambda c: c.__name__)
def test_every_pyspark_name_exists(cls):
    missing = [n for n in PYSPARK_43[cls].split() if not hasattr(cls, n)]
    assert missing == []


def test_session_names_exist():
    names = ("addArtifact addArtifacts addTag builder catalog clearProgressHandlers clearTags "
             "client conf copyFromLocalToFs createDataFrame dataSource emptyDataFrame "
             "getActiveSession getTags interruptAll interruptOperation interruptTag newSession "
             "profile range read readStream registerProgressHandler removeProgressHandler "
             "removeTag sparkContext sql stop streams table tvf udf udtf version")
    assert [n for n in names.split() if n not in dir(SparkSession)] == []


def test_not_provided_raises_one_clear_error(spark):
    df = spark.range(1)
    with pytest.raises(PySparkNotImplementedError,
                       match=r"^\[NOT_IMPLEMENTED\] DataFrame.mergeInto is not implemented in "
                             r"sparkcli: the warehouse tables are not Delta/V2\.$"):
        df.mergeInto("t", df.id == 1)
    with pytest.raises(PySparkNotImplementedError, match=r"DataFrameReader.jdbc"):
        spark.read.jdbc("url", "t")
    with pytest.raises(PySparkTypeError, match=r"^\[CANNOT_REGISTER_UDTF\] Cannot register "
                                               r"the UDTF 'f': expected a"):
        spark.udtf.register("f", None)  # spark.udtf exists now (tests/sql/functions/test_udtf.py)
    assert hasattr(df, "plot") and hasattr(spark, "tvf")
    with pytest.raises(PySparkNotImplementedError, match=r"DataFrame.plot"):
        df.plot.bar()
