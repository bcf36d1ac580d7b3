"""The DataFrame engine: Spark's types, plans, analyzer, optimizer and Arrow kernels.

Layers, bottom up (each a subpackage or module named after what it is):

* ``types``/``ddl``/``arrow_types``/``row``: Spark's DataType classes (the one type system:
  ``pyspark.sql.types`` re-exports them), the DDL schema parser, the Arrow mapping and Row.
* ``expressions``: the expression tree. DataFrame calls and (next issue) sqlglot-parsed SQL
  build *unresolved* nodes (names, function calls by name, ``*``); the analyzer turns them into
  *bound* nodes with a Spark data type and nullability; kernels evaluate bound nodes on whole
  Arrow arrays (never a Python call per row).
* ``plan.logical``: immutable logical operators; ``analysis``: name and type resolution with
  Spark's rules; ``optimizer``: rule-based rewrites.
* ``execution``: the physical plan (narrow operators fused per partition as functions
  ``Iterator[pa.RecordBatch] -> Iterator[pa.RecordBatch]``, Exchanges as stage boundaries) and
  the runner that executes it.
* ``formatting``: show(), printSchema() and explain() text, byte for byte as Spark's.
* ``io``: the file sources and sinks (text, csv, json, parquet).

Nothing here imports the API package; pyarrow is imported lazily (only when a DataFrame is
built or run), so ``import pyspark.sql`` and RDD-only applications stay cheap.
"""
