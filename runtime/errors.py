"""Exceptions the engine raises on the driver (the API re-exports them)."""

from __future__ import annotations


class SparkException(Exception):
    """A job failed for a reason that is not the user's own exception (lost executors, ...)."""


class JobCancelled(SparkException):
    """The job was cancelled (cancelAllJobs / cancelJobGroup / cancelJobsWithTag / stop).

    The message is Spark's: ``[SPARK_JOB_CANCELLED] Job 3 cancelled part of cancelled job
    group g1 SQLSTATE: XXKDA`` (see :func:`job_cancelled`)."""


def job_cancelled(job_id: int, reason: str) -> JobCancelled:
    """Spark's SPARK_JOB_CANCELLED error for job ``job_id`` (``reason`` as Spark words it:
    ``part of cancelled job group G``, ``part of cancelled job tags T``, ``as part of
    cancellation of all jobs``)."""
    return JobCancelled(f"[SPARK_JOB_CANCELLED] Job {job_id} cancelled {reason} "
                        "SQLSTATE: XXKDA")


class ResultTooLarge(SparkException):
    """Results sent to the driver passed spark.driver.maxResultSize."""


class TaskKilledException(BaseException):
    """Raised inside a task the driver killed (Spark's TaskKilledException). A
    BaseException, so a task's ``except Exception`` does not swallow it."""

    def __init__(self, reason: str = "killed") -> None:
        super().__init__(reason)
        self.reason = reason
