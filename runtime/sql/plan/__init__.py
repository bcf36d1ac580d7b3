"""Logical plans: immutable operator trees built by the DataFrame API and SQL text."""
