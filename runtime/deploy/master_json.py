"""The master's state as one JSON document: Spark's MasterStateResponse (field names included).

:func:`master_json` builds it from a :class:`~runtime.deploy.master_state.MasterState`
snapshot-style (plain dicts, lists, numbers and strings -- states as their names -- nothing
shared with the state). The
master serves it at ``/json`` and answers the ``state`` RPC with it; the web UI
(runtime.deploy.ui) renders its pages from it, so presentation depends on the state and never
the other way round.
"""

from __future__ import annotations

import time

from runtime.deploy.master_info import AppInfo, DriverInfo, ExecutorInfo, WorkerInfo
from runtime.deploy.master_state import FINISHED_STATES, MasterState


def master_json(state: MasterState, url: str) -> dict:
    """The master's /json document from its MasterState (Spark's MasterStateResponse
    field names); render_master draws it."""
    alive = [w for w in state.workers.values() if w.state == "ALIVE"]

    def worker_json(w: WorkerInfo) -> dict:
        return {"id": w.id, "host": w.host, "port": w.port, "webuiaddress": w.webui,
                "cores": w.cores, "coresused": w.cores_used, "coresfree": w.cores_free,
                "memory": w.memory, "memoryused": w.memory_used,
                "memoryfree": w.memory_free, "state": str(w.state),
                "lastheartbeat": int(w.last_heartbeat * 1000)}

    def exec_json(e: ExecutorInfo) -> dict:
        w = state.workers.get(e.worker_id)
        return {"id": e.id, "worker": e.worker_id, "host": w.host if w else "",
                "webuiaddress": w.webui if w else "", "cores": e.cores,
                "memory": e.memory, "state": str(e.state), "exitcode": e.exit_code,
                "message": e.message}

    def app_json(a: AppInfo) -> dict:
        return {"id": a.id, "starttime": int(a.submit_time * 1000), "name": a.name,
                "cores": a.cores_granted, "user": a.user,
                "memoryperexecutor": a.executor_memory // a.executor_cores,
                "memoryperslave": a.executor_memory // a.executor_cores,
                "submitdate": time.strftime("%Y/%m/%d %H:%M:%S",
                                            time.localtime(a.submit_time)),
                "state": str(a.state), "duration": int(((a.end_time or time.time())
                                                   - a.submit_time) * 1000),
                "coresmax": a.cores_max, "driver": a.driver_address,
                "appuiurl": a.ui_url,
                "executors": [exec_json(e) for e in a.executors.values()],
                "removedexecutors": [exec_json(e) for e in a.removed]}

    def driver_json(d: DriverInfo) -> dict:
        w = state.workers.get(d.worker_id or "")
        return {"id": d.id, "starttime": int(d.submit_time * 1000),
                "state": str(d.state), "cores": d.cores, "memory": d.memory,
                "worker": d.worker_id, "workerwebui": w.webui if w else "",
                "mainclass": d.app, "name": d.name, "supervise": d.supervise,
                "exitcode": d.exit_code, "message": d.message}

    apps = sorted(state.apps.values(), key=lambda a: a.submit_time, reverse=True)
    drivers = sorted(state.drivers.values(), key=lambda d: d.submit_time, reverse=True)
    return {
        "url": url,
        "workers": [worker_json(w) for w in sorted(state.workers.values(),
                                                   key=lambda w: w.id)],
        "aliveworkers": len(alive),
        "cores": sum(w.cores for w in alive),
        "coresused": sum(w.cores_used for w in alive),
        "memory": sum(w.memory for w in alive),
        "memoryused": sum(w.memory_used for w in alive),
        "resources": [], "resourcesused": [],
        "activeapps": [app_json(a) for a in apps if a.state not in FINISHED_STATES],
        "completedapps": [app_json(a) for a in apps if a.state in FINISHED_STATES],
        "activedrivers": [driver_json(d) for d in drivers
                          if d.state not in FINISHED_STATES],
        "completeddrivers": [driver_json(d) for d in drivers if d.state in FINISHED_STATES],
        "status": str(state.status),
    }
