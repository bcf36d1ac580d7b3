"""Executor process entry point: ``python -m runtime.executor --driver HOST:PORT ...``.

Started once per application (local mode: by the driver; cluster mode: by a worker), with
stdout/stderr redirected to work/<app-id>/<executor-id>/{stdout,stderr}. It connects to the
driver, registers, and then serves one message at a time:

    launch  {task fields}        run the task (its stage binary -- cloudpickled lineage +
                                 function -- comes with the first task of a stage and is
                                 cached), reply with a ``status`` message
    remove_rdd {rdd_id}          drop persisted partitions of an RDD
    forget_binaries {keys}       drop cached stage binaries no active job needs
    remove_shuffle {shuffle_id}  delete a collected shuffle's map output files
    kill_task / task_message     for a running task (handled at once, not queued):
                                 set ``tc.interrupted`` / append to ``tc.messages``
    stop                         exit cleanly

State: the stage-binary cache (bounded, oldest dropped first), the BlockStore of persisted
partitions, and the accumulator registry (runtime.task_env). One task runs at a time:
an executor is one task slot, and local[N] starts N executors for real CPU parallelism.
"""

from __future__ import annotations

import importlib
import os
import pickle
import socket
import sys
from collections import OrderedDict
from types import SimpleNamespace

from runtime.rpc import frames

MAX_BINARIES = 64


_REQUIRED = ("driver", "executor_id", "app_id", "local_dir")
_REPEATED = ("init", "path")


def parse_args(argv: list[str]) -> SimpleNamespace:
    """``--name value`` pairs (--init and --path repeat). The command line is written by a
    launcher, not a person, so a minimal parser keeps argparse out of executor start-up."""
    args = SimpleNamespace(log_level="WARN", cores=1, init=[], path=[])
    if len(argv) % 2:
        raise SystemExit(f"runtime.executor: expected --name value pairs, got {argv!r}")
    for flag, value in zip(argv[::2], argv[1::2]):
        if not flag.startswith("--"):
            raise SystemExit(f"runtime.executor: unexpected argument {flag!r}")
        name = flag[2:].replace("-", "_")
        if name in _REPEATED:
            getattr(args, name).append(value)
        else:
            setattr(args, name, int(value) if name == "cores" else value)
    missing = [n for n in _REQUIRED if not hasattr(args, n)]
    if missing:
        raise SystemExit("runtime.executor: missing " + ", ".join("--" + m.replace("_", "-")
                                                                  for m in missing))
    return args


def _configure_logging(level: str) -> None:
    try:
        from runtime import log

        log.configure_executor(level)
    except Exception:  # logging must never stop an executor
        pass


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    for p in reversed(args.path):
        if p not in sys.path:
            sys.path.insert(0, p)
    for hook in args.init:  # e.g. "sparkcli.compat:install" (the pyspark alias)
        mod, _, fn = hook.partition(":")
        getattr(importlib.import_module(mod), fn)()
    _configure_logging(args.log_level)
    host, port = args.driver.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    from runtime.rpc import auth

    secret = auth.env_secret()  # set by a worker when spark.authenticate is on
    if secret is not None:
        auth.client_handshake(sock, secret)
    frames.send(sock, {"op": "register", "executor_id": args.executor_id, "pid": os.getpid(),
                       "cores": args.cores})
    serve(sock, args)


def _cluster_fetch(secret: bytes | None):
    """Cluster mode (started by a worker): map outputs written on this worker -- or on this
    host, with spark.shuffle.readHostLocalDisk -- are read from disk; others are fetched
    from the shuffle service of the worker that holds them. None in local mode."""
    me = os.environ.get("SPARKCLI_SHUFFLE_SERVICE")
    if not me:
        return None
    from runtime.rpc.server import Client
    from runtime.shuffle.reader import fetch_local
    from runtime.shuffle.spec import FetchFailedError

    host_local = os.environ.get("SPARKCLI_SHUFFLE_READ_HOST_LOCAL", "1") != "0"
    my_host = me.rsplit(":", 1)[0]
    client = Client(secret)

    def fetch(status, reduce_id: int) -> bytes:
        addr = getattr(status, "address", None)
        if addr is None or addr == me or (host_local and addr.rsplit(":", 1)[0] == my_host
                                          and os.path.exists(status.path)):
            return fetch_local(status, reduce_id)
        start, end = status.offsets[reduce_id], status.offsets[reduce_id + 1]
        reply = client.call(addr, {"op": "fetch", "path": status.path, "start": start,
                                   "end": end})
        if reply.get("op") != "data":
            raise FetchFailedError(status.shuffle_id, status.map_id, reduce_id,
                                   status.executor_id, f"{addr}: {reply.get('message')}")
        return reply["data"]

    return fetch


def _watch_worker() -> None:
    """Exit when the worker that started us dies (Spark's WorkerWatcher)."""
    pid = os.environ.get("SPARKCLI_WORKER_PID")
    if not pid:
        return
    import threading
    import time

    def watch() -> None:
        while os.getppid() == int(pid):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="worker-watcher", daemon=True).start()


def _remove_shuffle_files(shuffle_dir: str, shuffle_id: int) -> None:
    prefix = f"shuffle_{shuffle_id}_"
    try:
        names = os.listdir(shuffle_dir)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix):
            try:
                os.unlink(os.path.join(shuffle_dir, name))
            except OSError:  # another executor sharing the directory got there first
                pass


def serve(sock: socket.socket, args: SimpleNamespace) -> None:
    """Main thread: read frames. Task thread: run launches and block-store changes in order.

    Only ``kill_task`` and ``stop`` are handled on the main thread, so a long-running task
    (a streaming receiver) can be interrupted. Sends from both threads share one lock.
    """
    import queue
    import threading

    from runtime.blockstore import BlockStore
    from runtime.executor.task import run_task
    from runtime.memory import MIN_POOL, MemoryManager

    shuffle_dir = os.path.join(args.local_dir, "shuffle")
    os.makedirs(shuffle_dir, exist_ok=True)
    # the executor's one memory pool, sized by the first launch (see runtime/executor/task.py)
    blocks = BlockStore(os.path.join(args.local_dir, "blocks", args.executor_id),
                        MemoryManager(MIN_POOL))
    binaries: OrderedDict[str, tuple] = OrderedDict()
    send_lock = threading.Lock()
    inbox: queue.Queue = queue.Queue()
    running: dict[int, object] = {}
    _watch_worker()
    from runtime.rpc import auth

    fetch = _cluster_fetch(auth.env_secret())
    shuffle_address = os.environ.get("SPARKCLI_SHUFFLE_SERVICE")

    def send(msg: dict) -> None:
        with send_lock:
            frames.send(sock, msg)

    def worker() -> None:
        while True:
            msg = inbox.get()
            if msg is None:
                return
            op = msg["op"]
            if op == "launch":
                try:
                    if "binary" in msg:
                        binaries[msg["binary_key"]] = pickle.loads(msg["binary"])
                        while len(binaries) > MAX_BINARIES:
                            binaries.popitem(last=False)
                    binary = binaries[msg["binary_key"]]
                except Exception as e:  # e.g. a module the task's code needs is missing here
                    from runtime import serde

                    send({"op": "status", "task_id": msg["task_id"], "ok": False,
                          "error": serde.pack_exception(e), "metrics": {}, "blocks": []})
                    continue
                reply = run_task(msg, binary, args.executor_id, blocks,
                                 shuffle_dir, fetch=fetch, send=send, running=running)
                if shuffle_address and reply.get("status") is not None:
                    reply["status"].address = shuffle_address
                try:
                    send(reply)
                except OSError:
                    return
                except Exception as e:  # an unpicklable object in the reply
                    from runtime import serde

                    send({"op": "status", "task_id": msg["task_id"], "ok": False,
                          "error": serde.pack_exception(e), "metrics": {}, "blocks": []})
            elif op == "remove_rdd":
                blocks.remove_rdd(msg["rdd_id"])
            elif op == "forget_binaries":  # no active job needs these stages any more
                for key in msg["keys"]:
                    binaries.pop(key, None)
            elif op == "remove_shuffle":  # its ShuffledRDD is gone on the driver
                _remove_shuffle_files(shuffle_dir, msg["shuffle_id"])

    thread = threading.Thread(target=worker, name="task-runner", daemon=True)
    thread.start()
    while True:
        msg = frames.recv(sock)
        if msg is None or msg["op"] == "stop":
            break
        if msg["op"] in ("kill_task", "task_message"):  # for a running task: not queued
            tc = running.get(msg["task_id"])
            if tc is None:
                pass
            elif msg["op"] == "kill_task":
                tc.interrupted = True
            else:
                tc.messages.append(msg["payload"])
        else:
            inbox.put(msg)
    sys.stdout.flush()
    sys.stderr.flush()
    sock.close()
    os._exit(0)  # nothing left to finalize; exit at once so the driver's stop() is quick
