"""Driver-side scheduling: DAG of stages (dag.py), task sets (taskset.py), the event loop
(driver.py) and the executor backends (local.py; spark:// later)."""
