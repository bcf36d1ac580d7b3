"""The SparkContext methods about jobs: local properties, job groups, job tags, cancellation.

``JobsMixin`` is part of :class:`sparkcli.context.SparkContext` (kept apart to keep that module
small). Local properties are per thread, as PySpark's are (pinned thread mode): a new
``threading.Thread`` starts with none; :class:`sparkcli.util.InheritableThread` and
``inheritable_thread_target`` copy them into the thread. Every job carries the submitting
thread's properties. Job groups, ``interruptOnCancel`` and job tags are local properties with
Spark's keys (``spark.jobGroup.id``, ``spark.job.description``,
``spark.job.interruptOnCancel``, ``spark.job.tags``: tags comma-separated), so a thread that
inherits the properties inherits the tags too.

Cancelling fails the matching active jobs at once with Spark's SPARK_JOB_CANCELLED error and
stops their running tasks so their slots are free for the next job: interrupted at once for
a job with ``interruptOnCancel``, otherwise after ``spark.python.task.killTimeout``; a task
that still does not stop gets its executor process replaced (runtime/executor/interrupt.py).

Uses from the context: ``_local_properties`` (a threading.local), ``_driver``.
"""

from __future__ import annotations

from runtime.scheduler.commands import INTERRUPT_ON_CANCEL, JOB_TAGS

JOB_GROUP_ID = "spark.jobGroup.id"
JOB_DESCRIPTION = "spark.job.description"


class JobsMixin:
    # -- local properties --------------------------------------------------------------------
    def _props(self) -> dict:
        props = getattr(self._local_properties, "props", None)
        if props is None:
            props = self._local_properties.props = {}
        return props

    def _set_props(self, props: dict) -> None:
        """Replace this thread's local properties with a copy of ``props`` (InheritableThread)."""
        self._local_properties.props = dict(props)

    def setLocalProperty(self, key: str, value: str | None) -> None:
        """Set a local property that affects jobs submitted from this thread (the job group,
        the scheduler pool...); ``None`` removes it."""
        if value is None:
            self._props().pop(key, None)
        else:
            self._props()[key] = value

    def getLocalProperty(self, key: str) -> str | None:
        """This thread's local property ``key``, or None."""
        return self._props().get(key)

    # -- job groups --------------------------------------------------------------------------
    def setJobGroup(self, groupId: str, description: str,
                    interruptOnCancel: bool = False) -> None:
        """Assign the jobs this thread starts to group ``groupId`` (see cancelJobGroup). With
        ``interruptOnCancel`` their running tasks are interrupted at once when the group is
        cancelled."""
        self.setLocalProperty(JOB_GROUP_ID, groupId)
        self.setLocalProperty(JOB_DESCRIPTION, description)
        self.setLocalProperty(INTERRUPT_ON_CANCEL, str(interruptOnCancel).lower())

    def setJobDescription(self, value: str) -> None:
        """A human-readable description of the jobs this thread starts next."""
        self.setLocalProperty(JOB_DESCRIPTION, value)

    def setInterruptOnCancel(self, interruptOnCancel: bool) -> None:
        """Whether the running tasks of the jobs this thread starts are interrupted at once
        when the jobs are cancelled."""
        self.setLocalProperty(INTERRUPT_ON_CANCEL, str(interruptOnCancel).lower())

    def cancelJobGroup(self, groupId: str) -> None:
        """Cancel the active jobs of group ``groupId`` (see setJobGroup)."""
        self._driver.cancel_jobs(groupId, f"part of cancelled job group {groupId}")

    def cancelAllJobs(self) -> None:
        """Cancel every job that is scheduled or running."""
        self._driver.cancel_jobs(None, "as part of cancellation of all jobs")

    # -- job tags ----------------------------------------------------------------------------
    def addJobTag(self, tag: str) -> None:
        """Add ``tag`` to the jobs this thread starts (see cancelJobsWithTag).

        >>> sc.addJobTag("etl")  # doctest: +SKIP
        >>> sorted(sc.getJobTags())  # doctest: +SKIP
        ['etl']
        """
        _check_tag(tag)
        self.setLocalProperty(JOB_TAGS, ",".join(sorted(self.getJobTags() | {tag})))

    def removeJobTag(self, tag: str) -> None:
        """Stop adding ``tag`` to the jobs this thread starts."""
        _check_tag(tag)
        tags = self.getJobTags() - {tag}
        self.setLocalProperty(JOB_TAGS, ",".join(sorted(tags)) if tags else None)

    def getJobTags(self) -> set[str]:
        """The tags this thread adds to the jobs it starts."""
        return {t for t in (self.getLocalProperty(JOB_TAGS) or "").split(",") if t}

    def clearJobTags(self) -> None:
        """Stop adding any tag to the jobs this thread starts."""
        self.setLocalProperty(JOB_TAGS, None)

    def cancelJobsWithTag(self, tag: str) -> None:
        """Cancel the active jobs that carry ``tag`` (see addJobTag)."""
        _check_tag(tag)
        self._driver.cancel_jobs_with_tag(tag, f"part of cancelled job tags {tag}")


def _check_tag(tag: str) -> None:
    if "," in tag:
        raise ValueError("Spark job tag cannot contain ','.")
    if not tag:
        raise ValueError("Spark job tag cannot be an empty string.")
