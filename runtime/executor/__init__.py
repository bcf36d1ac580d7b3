"""Executor side: the long-lived process that runs tasks (see main.py and task.py)."""
