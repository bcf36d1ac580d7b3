"""``pyspark.errors.exceptions``: the ``base`` and ``captured`` exception modules."""
