"""pyspark.TaskContext: information about the running task, available inside tasks."""

from __future__ import annotations

from runtime import task_env as _rt


class TaskContext:
    def __init__(self, tc: _rt.TaskContext):
        self._tc = tc

    @classmethod
    def get(cls) -> "TaskContext | None":
        tc = _rt.current()
        return None if tc is None else cls(tc)

    def stageId(self) -> int:
        return self._tc.stage_id

    def partitionId(self) -> int:
        return self._tc.partition_id

    def attemptNumber(self) -> int:
        return self._tc.attempt_number

    def taskAttemptId(self) -> int:
        return self._tc.task_attempt_id

    def getLocalProperty(self, key: str) -> str | None:
        return self._tc.local_properties.get(key)

    def cpus(self) -> int:
        return 1

    def resources(self) -> dict:
        return {}
