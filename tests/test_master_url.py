"""runtime.master_url.parse_master: every accepted form and the one-line errors."""

from __future__ import annotations

import os

import pytest

from runtime.config import ConfigError
from runtime.master_url import MasterSpec, parse_master


@pytest.mark.parametrize("url,threads,failures", [
    ("local", 1, 1),
    ("local[1]", 1, 1),
    ("local[4]", 4, 1),
    ("local[4,3]", 4, 3),
    ("local[ 2 , 5 ]", 2, 5),
])
def test_local(url, threads, failures):
    spec = parse_master(url)
    assert (spec.kind, spec.threads, spec.max_failures, spec.hosts) == ("local", threads,
                                                                       failures, [])
    assert spec.is_local


def test_local_star_uses_cpu_count():
    assert parse_master("local[*]").threads == (os.cpu_count() or 1)
    spec = parse_master("local[*,2]")
    assert spec.threads == (os.cpu_count() or 1) and spec.max_failures == 2


def test_spark_standalone_single_and_ha():
    assert parse_master("spark://h:7077").hosts == [("h", 7077)]
    spec = parse_master("spark://a.example.com:7077,b:7078")
    assert spec.kind == "spark" and not spec.is_local
    assert spec.hosts == [("a.example.com", 7077), ("b", 7078)]


def test_spec_is_frozen():
    with pytest.raises(AttributeError):  # FrozenInstanceError
        parse_master("local").threads = 3  # type: ignore[misc]
    assert isinstance(parse_master("local"), MasterSpec)


@pytest.mark.parametrize("url", ["yarn", "mesos://h:5050", "k8s://https://h:443"])
def test_unsupported_cluster_managers(url):
    with pytest.raises(ConfigError) as e:
        parse_master(url)
    msg = str(e.value)
    assert msg == (f"master {url!r} is not supported (no JVM cluster managers); use local[N] "
                   "or a standalone cluster spark://HOST:PORT (the `master` command starts one)")


@pytest.mark.parametrize("url", ["foo", "local[x]", "local[0]", "local[2,0]", "local[]",
                                 "spark://", "spark://host", "spark://h:notaport", "spark://h:0",
                                 "", "LOCAL"])
def test_invalid(url):
    with pytest.raises(ConfigError) as e:
        parse_master(url)
    assert str(e.value) == (f"invalid master URL {url!r} (expected local, local[N], local[*], "
                            "local[N,F] or spark://HOST:PORT)")
