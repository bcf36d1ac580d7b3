"""The PySpark 4.3 DataFrame methods sparkcli does not provide (see not_provided.py): each
exists and raises one clear [NOT_IMPLEMENTED] error naming it and why."""

from __future__ import annotations

from sparkcli.sql.not_provided import not_provided, not_provided_property

__all__ = ["DataFrameNotProvided"]


class DataFrameNotProvided:
    asTable = not_provided("DataFrame.asTable", "table-valued functions")
    exists = not_provided("DataFrame.exists", "use a join or an EXISTS subquery in spark.sql")
    scalar = not_provided("DataFrame.scalar", "use a scalar subquery in spark.sql")
    mergeInto = not_provided("DataFrame.mergeInto", "the warehouse tables are not Delta/V2")
    nearestByJoin = not_provided("DataFrame.nearestByJoin")
    pandas_api = not_provided("DataFrame.pandas_api", "pyspark.pandas is not provided")
    plot = not_provided_property("DataFrame.plot")
    repartitionById = not_provided("DataFrame.repartitionById")
    zip = not_provided("DataFrame.zip")
