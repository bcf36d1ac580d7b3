"""The analyzer: names, functions and types resolved with Spark's rules."""
