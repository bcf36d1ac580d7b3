"""Exceptions the engine raises on the driver (the API re-exports them)."""

from __future__ import annotations


class SparkException(Exception):
    """A job failed for a reason that is not the user's own exception (lost executors, ...)."""


class JobCancelled(SparkException):
    """The job was cancelled (cancelAllJobs / cancelJobGroup / stop)."""


class ResultTooLarge(SparkException):
    """Results sent to the driver passed spark.driver.maxResultSize."""
