"""Master URL parsing: ``spark.master`` -> :class:`MasterSpec`.

Spark accepts many master URLs; this engine runs two kinds of them:

    local            one task slot, no task retries (max_failures 1, as Spark)
    local[N]         N task slots
    local[*]         one slot per CPU (os.cpu_count())
    local[N,F]       N slots, a task may fail F times before the job fails
    local[*,F]
    spark://H:P[,H2:P2]   a standalone cluster (the ``master`` command); several hosts = HA masters

Cluster managers that need a JVM ecosystem (yarn, mesos, k8s) are rejected with a one-line
:class:`~runtime.config.ConfigError` that says what to use instead; anything else is an
invalid URL. :class:`MasterSpec` is frozen so schedulers can share it freely.
For ``spark://`` URLs ``threads`` is 0 (cores come from spark.cores.max / the workers)
and ``max_failures`` is 0, meaning "use spark.task.maxFailures".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from runtime.config import ConfigError

_LOCAL_RE = re.compile(r"^local\[\s*(\*|\d+)\s*(?:,\s*(\d+)\s*)?\]$")
_HOSTPORT_RE = re.compile(r"^([A-Za-z0-9_.\-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$")
_UNSUPPORTED = ("yarn", "mesos://", "k8s://")


@dataclass(frozen=True)
class MasterSpec:
    """A parsed master URL.

    kind:          "local" or "spark"
    threads:       task slots for local masters (0 for spark://)
    max_failures:  task attempts before failing the job (0 for spark://: use spark.task.maxFailures)
    hosts:         [(host, port), ...] for spark:// masters, empty for local
    url:           the URL as given
    """

    kind: str
    threads: int = 1
    max_failures: int = 1
    hosts: list[tuple[str, int]] = field(default_factory=list)
    url: str = ""

    @property
    def is_local(self) -> bool:
        return self.kind == "local"


def _invalid(url: str) -> ConfigError:
    return ConfigError(
        f"invalid master URL {url!r} "
        "(expected local, local[N], local[*], local[N,F] or spark://HOST:PORT)"
    )


def parse_master(url: str | None) -> MasterSpec:
    """Parse a master URL; raise ConfigError with a one-line, actionable message."""
    if url is None:
        url = "local[*]"
    raw = str(url)
    u = raw.strip()
    if u == "local":
        return MasterSpec("local", 1, 1, [], raw)
    m = _LOCAL_RE.match(u)
    if m:
        threads = (os.cpu_count() or 1) if m.group(1) == "*" else int(m.group(1))
        failures = int(m.group(2)) if m.group(2) is not None else 1
        if threads < 1 or failures < 1:
            raise _invalid(raw)
        return MasterSpec("local", threads, failures, [], raw)
    if u.startswith("spark://"):
        hosts: list[tuple[str, int]] = []
        for part in u[len("spark://"):].split(","):
            hm = _HOSTPORT_RE.match(part.strip())
            if not hm or not 0 < int(hm.group(2)) < 65536:
                raise _invalid(raw)
            hosts.append((hm.group(1).strip("[]"), int(hm.group(2))))
        return MasterSpec("spark", 0, 0, hosts, raw)
    if u == "yarn" or any(u.startswith(p) for p in _UNSUPPORTED[1:]):
        raise ConfigError(
            f"master {raw!r} is not supported (no JVM cluster managers); use local[N] or a "
            "standalone cluster spark://HOST:PORT (the `master` command starts one)"
        )
    raise _invalid(raw)
