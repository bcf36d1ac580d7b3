"""Application status: a store of jobs, stages, tasks, executors, storage and environment fed
by Spark's listener events as event-log JSON dicts (see store.py); read by the web UI, the
REST API and the history server."""
