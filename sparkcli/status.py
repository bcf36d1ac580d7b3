"""StatusTracker: PySpark's low-level job/stage progress API (sc.statusTracker()).

It reads the application's status store (runtime/status/live.py), which follows the
driver's listener events; like Spark's, its answers may lag the scheduler by the few
milliseconds the listener bus takes to deliver an event.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

SparkJobInfo = namedtuple("SparkJobInfo", "jobId stageIds status")
SparkStageInfo = namedtuple(
    "SparkStageInfo",
    "stageId currentAttemptId name numTasks numActiveTasks numCompletedTasks numFailedTasks")


class StatusTracker:
    """Low-level status reporting APIs for monitoring job and stage progress.

    >>> tracker = sc.statusTracker()  # doctest: +SKIP
    >>> tracker.getActiveJobsIds()  # doctest: +SKIP
    []
    """

    def __init__(self, store: Any):
        self._store = store

    def __repr__(self) -> str:
        return f"<pyspark.core.status.StatusTracker object at {id(self):#x}>"

    def getJobIdsForGroup(self, jobGroup: str | None = None) -> list[int]:
        """The ids of the known jobs (running or finished) of ``jobGroup``; None: the jobs
        without a group."""
        return self._store.job_ids_for_group(jobGroup)

    def getActiveStageIds(self) -> list[int]:
        """The ids of the stages running now."""
        return [s.stageId for s in self._store.active_stages()]

    def getActiveJobsIds(self) -> list[int]:
        """The ids of the jobs running now."""
        return self._store.active_job_ids()

    def getJobInfo(self, jobId: int) -> SparkJobInfo | None:
        """A job's stage ids and status (RUNNING, SUCCEEDED or FAILED); None if unknown."""
        job = self._store.job(jobId)
        if job is None:
            return None
        return SparkJobInfo(jobId, list(job.stageIds), job.status)

    def getStageInfo(self, stageId: int) -> SparkStageInfo | None:
        """A stage's latest attempt and its task counts; None if unknown."""
        st = self._store.stage(stageId)
        if st is None:
            return None
        return SparkStageInfo(st.stageId, st.attemptId, st.name, st.numTasks,
                              st.numActiveTasks, st.numCompleteTasks, st.numFailedTasks)
