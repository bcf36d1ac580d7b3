"""Spark's text forms: cell values (values.py), show() tables (show.py), printSchema trees
(schema.py) and explain() plans (explain.py)."""
