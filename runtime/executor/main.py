"""Executor process entry point: ``python -m runtime.executor --driver HOST:PORT ...``.

Started once per application (local mode: by the driver; cluster mode: by a worker), with
stdout/stderr redirected to work/<app-id>/<executor-id>/{stdout,stderr}. It connects to the
driver, registers, and then serves the messages of runtime.protocol.executor, one at a
time, through a handler table keyed by message class:

    LaunchTask         run the task (its stage binary -- cloudpickled lineage + function --
                       comes with the first task of a stage and is cached), reply with a
                       StatusUpdate
    RemoveRdd          drop persisted partitions of an RDD
    ForgetBinaries     drop cached stage binaries no active job needs
    RemoveShuffle      delete a collected shuffle's map output files
    KillTask / TaskMessage   for a running task (handled at once, not queued):
                       set ``tc.interrupted`` and interrupt or reap the task
                       (interrupt.py) / append to ``tc.messages``
    ThreadDumpRequest  answered at once with this process's threads (ThreadDumpReply)
    StopExecutor       exit cleanly (EOF too)

State: the stage-binary cache (runtime.protocol.executor.StageBinaryCache, the definition the
driver mirrors), the BlockStore of persisted partitions, and the accumulator registry
(runtime.task_env). One task runs at a time: an executor is one task slot, and local[N]
starts N executors for real CPU parallelism.
"""

from __future__ import annotations

import importlib
import os
import pickle
import socket
import sys
import time
from types import SimpleNamespace

from runtime import log, protocol, serde
from runtime.blockstore import BlockStore
from runtime.lazy import DEPLOY_MESSAGES
from runtime.protocol.executor import (
    ExecutorExiting, ForgetBinaries, KillTask, LaunchTask, RegisterExecutor, RemoveRdd,
    RemoveShuffle, StageBinaryCache, StatusUpdate, StopExecutor, TaskMessage, ThreadDumpReply,
    ThreadDumpRequest,
)
from runtime.errors import TaskKilledException
from runtime.executor.interrupt import TaskInterrupter
from runtime.executor.task import run_task
from runtime.memory import MIN_POOL, MemoryManager
from runtime.rpc import auth, frames
from runtime.rpc.server import Client
from runtime.shuffle.reader import fetch_local
from runtime.shuffle.spec import FetchFailedError
from runtime.threaddump import thread_dump


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
        log.configure_executor(level)
    except Exception:  # logging must never stop an executor
        pass


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    for p in reversed(args.path):
        if p not in sys.path:
            sys.path.insert(0, p)
    for hook in args.init:  # "module:function" hooks given by the API (e.g. its import alias)
        mod, _, fn = hook.partition(":")
        getattr(importlib.import_module(mod), fn)()
    _configure_logging(args.log_level)
    host, port = args.driver.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    secret = auth.env_secret()  # set by a worker when spark.authenticate is on
    if secret is not None:
        auth.client_handshake(sock, secret)
    frames.send(sock, protocol.encode(RegisterExecutor(args.executor_id, os.getpid(),
                                                       args.cores)))
    serve(sock, args)


def _cluster_fetch(secret: bytes | None):
    """Cluster mode (started by a worker): map outputs written on this worker -- or on this
    host, with spark.shuffle.readHostLocalDisk -- are read from disk; others are fetched
    from the shuffle service of the worker that holds them. None in local mode."""
    me = os.environ.get("SPARKCLI_SHUFFLE_SERVICE")
    if not me:
        return None
    host_local = os.environ.get("SPARKCLI_SHUFFLE_READ_HOST_LOCAL", "1") != "0"
    my_host = me.rsplit(":", 1)[0]
    client = Client(secret)

    def fetch(status, reduce_id: int) -> bytes:
        addr = getattr(status, "address", None)
        if addr is None or addr == me or (host_local and addr.rsplit(":", 1)[0] == my_host
                                          and os.path.exists(status.path)):
            return fetch_local(status, reduce_id)
        start, end = status.offsets[reduce_id], status.offsets[reduce_id + 1]
        reply = client.call(addr, DEPLOY_MESSAGES.FetchBlock(status.path, start, end))
        if not isinstance(reply, DEPLOY_MESSAGES.BlockData):
            raise FetchFailedError(status.shuffle_id, status.map_id, reduce_id,
                                   status.executor_id,
                                   f"{addr}: {getattr(reply, 'message', reply)}")
        return reply.data

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


def remove_shuffle_files(shuffle_dir: str, shuffle_id: int) -> None:
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
    """Reader thread: read frames. Main thread: run launches and block-store changes in order.

    Only KillTask, TaskMessage, ThreadDumpRequest and StopExecutor are handled on the
    reader thread, so a
    long-running task (a streaming receiver) can be interrupted. Tasks run on the main
    thread because only the main thread can be interrupted by a signal, which also breaks a
    task out of a blocking call (runtime/executor/interrupt.py). Sends from both threads
    share one lock.
    """
    import queue
    import threading

    shuffle_dir = os.path.join(args.local_dir, "shuffle")
    os.makedirs(shuffle_dir, exist_ok=True)
    # the executor's one memory pool, sized by the first launch (see runtime/executor/task.py)
    blocks = BlockStore(os.path.join(args.local_dir, "blocks", args.executor_id),
                        MemoryManager(MIN_POOL))
    binaries = StageBinaryCache()
    send_lock = threading.Lock()
    inbox: queue.Queue = queue.Queue()
    running: dict[int, object] = {}
    _watch_worker()
    fetch = _cluster_fetch(auth.env_secret())
    shuffle_address = os.environ.get("SPARKCLI_SHUFFLE_SERVICE")

    def send(msg: object) -> None:
        frame = protocol.encode(msg)
        with send_lock:
            frames.send(sock, frame)

    def reaping(reason: str) -> None:  # a killed task would not stop: say why, then exit
        try:
            send(ExecutorExiting(reason))
        except OSError:
            pass
        sys.stdout.flush()
        sys.stderr.flush()

    interrupter = TaskInterrupter(reaping)
    interrupter.install()

    def failed(task_id: int, e: BaseException) -> StatusUpdate:
        return StatusUpdate(task_id, False, error=serde.pack_exception(e))

    def launch(msg: LaunchTask) -> bool:
        start = time.perf_counter()
        try:
            if msg.binary is not None:
                binaries.put(msg.binary_key, pickle.loads(msg.binary))
            binary = binaries[msg.binary_key]
        except Exception as e:  # e.g. a module the task's code needs is missing here
            send(failed(msg.task_id, e))
            return True
        deserialize_ms = (time.perf_counter() - start) * 1000
        try:
            with interrupter.running(msg.task_id):
                reply = run_task(msg, binary, args.executor_id, blocks, shuffle_dir,
                                 fetch=fetch, send=send, running=running,
                                 deserialize_ms=deserialize_ms)
        except TaskKilledException as e:  # it arrived as the task was ending
            reply = failed(msg.task_id, e)
        if shuffle_address and reply.status is not None:
            reply.status.address = shuffle_address
        try:
            send(reply)
        except OSError:
            return False
        except Exception as e:  # an unpicklable object in the reply
            send(failed(msg.task_id, e))
        return True

    def forget(msg: ForgetBinaries) -> None:  # no active job needs these stages any more
        for key in msg.keys:
            binaries.discard(key)

    queued = protocol.HandlerTable({
        LaunchTask: launch,
        RemoveRdd: lambda msg: blocks.remove_rdd(msg.rdd_id),
        ForgetBinaries: forget,
        # its ShuffledRDD is gone on the driver
        RemoveShuffle: lambda msg: remove_shuffle_files(shuffle_dir, msg.shuffle_id),
    })

    def kill(msg: KillTask) -> None:
        tc = running.get(msg.task_id)
        if tc is not None:
            tc.interrupted = True  # type: ignore[attr-defined]
        interrupter.kill(msg.task_id, msg.interrupt, msg.timeout, msg.reason or "killed")

    def message(msg: TaskMessage) -> None:
        tc = running.get(msg.task_id)
        if tc is not None:
            tc.messages.append(msg.payload)  # type: ignore[attr-defined]

    def dump(msg: ThreadDumpRequest) -> None:
        try:
            send(ThreadDumpReply(msg.request_id, thread_dump()))
        except OSError:
            pass

    immediate = protocol.HandlerTable({KillTask: kill, TaskMessage: message,
                                       ThreadDumpRequest: dump})

    def read() -> None:
        while True:
            frame = frames.recv(sock)
            if frame is None:
                break
            try:
                msg = protocol.decode(frame)
            except protocol.ProtocolError:
                break
            if isinstance(msg, StopExecutor):
                break
            if immediate.dispatch(msg) is protocol.UNHANDLED:
                inbox.put(msg)
        sys.stdout.flush()
        sys.stderr.flush()
        sock.close()
        os._exit(0)  # nothing left to finalize; exit at once so the driver's stop() is quick

    threading.Thread(target=read, name="driver-reader", daemon=True).start()
    while True:
        try:
            msg = inbox.get()
            if queued.dispatch(msg) is False:
                break
        except TaskKilledException:  # a late interrupt between tasks: nothing to kill
            continue
    sock.close()
    os._exit(0)
