"""Structured Streaming's engine: the micro-batch loop, sources, sinks, checkpoint logs and
the state store of streaming aggregations (the API package builds on it)."""
