"""StatusTracker: PySpark's low-level job/stage progress API (sc.statusTracker())."""

from __future__ import annotations

from collections import namedtuple

SparkJobInfo = namedtuple("SparkJobInfo", "jobId stageIds status")
SparkStageInfo = namedtuple(
    "SparkStageInfo",
    "stageId currentAttemptId name numTasks numActiveTasks numCompletedTasks numFailedTasks")


class StatusTracker:
    def __init__(self, driver):
        self._driver = driver

    def getJobIdsForGroup(self, jobGroup: str | None = None) -> list[int]:
        d = self._driver
        return sorted(j for j, p in d.job_props.items() if p.get("spark.jobGroup.id") == jobGroup)

    def getActiveStageIds(self) -> list[int]:
        d = self._driver
        with d.lock:
            return sorted(s for s, p in d.stage_progress.items()
                          if p.completed < p.num_tasks and any(
                              j in d.waiters for j in p.job_ids))

    def getActiveJobsIds(self) -> list[int]:
        return sorted(self._driver.waiters)

    def getJobInfo(self, jobId: int) -> SparkJobInfo | None:
        d = self._driver
        stages = d.job_stages.get(jobId)
        if stages is None:
            return None
        return SparkJobInfo(jobId, list(stages), "RUNNING" if jobId in d.waiters else "SUCCEEDED")

    def getStageInfo(self, stageId: int) -> SparkStageInfo | None:
        d = self._driver
        with d.lock:
            p = d.stage_progress.get(stageId)
            if p is None:
                return None
            return SparkStageInfo(p.stage_id, p.attempt, p.name, p.num_tasks, p.active,
                                  p.completed, p.failed)
