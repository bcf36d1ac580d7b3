"""The standalone cluster: master and worker daemons, their web UIs, recovery, background
start/stop, and the submission client for cluster deploy mode.

    master_state.py     MasterState: pure scheduling state (events in, messages out)
    master.py           Master daemon: RPC handlers, connections, timer around MasterState
    worker.py           Worker daemon: master link and reconnect loop, runner tables, shuffle
                        service, UI data
    executor_runner.py  ExecutorRunner: one executor process (command, env, exit, kill)
    driver_runner.py    DriverRunner: a cluster-mode driver (files, command, --supervise)
    work_dir.py         a worker's dir layout, safe ids, log file lookup, old app dir cleanup
    recovery.py         spark.deploy.recoveryMode=FILESYSTEM snapshots
    ui.py               HTML pages rendered from the /json documents, web UI start/stop
                        (http.server, no external assets)
    daemon.py           background start/stop: pid files, logs/<program>-<user>-<role>-1-<host>.out
    client.py           cluster deploy mode: submit a driver, --kill, --status
    master_json.py      the master's state as Spark's MasterStateResponse JSON (/json, the UI)
    common.py           what the daemons share: Program (the command line's name, version and
                        argv, passed in), config, logging, ready line, stop_process

The driver side of a spark:// application is runtime/scheduler/standalone.py.
"""
