"""A Spark standalone cluster on this machine, from pyspark's own distribution: a master and its workers.

Each daemon runs through the installed pyspark's ``bin/spark-class`` (what ``sbin/start-master.sh`` and
``start-worker.sh`` run in a Spark download, which pip's pyspark does not ship) as a :class:`Service` of the
:class:`Supervisor`: pid file, log in ``var/log``, and health read from the master's JSON status page. The streaming
job then runs on it with ``SPARK_MASTER`` set to :attr:`SparkCluster.master_url` (tests/streaming/test_cluster.py).

A worker can be started with folders hidden from it and from everything it launches (its executors and their
Python workers): on one machine, that stands in for a worker on another host, which has no copy of the driver's
files.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyspark

from infra.supervisor import Service, Supervisor

__all__ = ["SPARK_HOME", "SparkCluster", "alive_workers", "start", "stop"]

SPARK_HOME = Path(pyspark.__file__).resolve().parent
# The daemons only keep the cluster's bookkeeping; the executors they launch get their own memory.
_DAEMON_MEMORY = "256m"


@dataclass(frozen=True)
class SparkCluster:
    """A running standalone cluster.

    :param master_url: what ``SPARK_MASTER`` is set to (``spark://127.0.0.1:<port>``).
    :param status_url: the master's JSON status page.
    :param workers: the workers' service names, in start order.
    """

    master_url: str
    status_url: str
    workers: tuple[str, ...]


def alive_workers(status_url: str) -> list[str]:
    """The web UI addresses of the workers the master counts as alive; empty when the master does not answer."""
    try:
        with urllib.request.urlopen(status_url, timeout=2) as response:
            status = json.load(response)
    except (OSError, ValueError):
        return []
    return [w["webuiaddress"] for w in status.get("workers", []) if w.get("state") == "ALIVE"]


def _registered(status_url: str, address: str) -> bool:
    return address in alive_workers(status_url)


def _spark_class(main: str, *args: str) -> list[str]:
    return [str(SPARK_HOME / "bin" / "spark-class"), main, *args]


def _hiding(folders: tuple[Path, ...], argv: list[str]) -> list[str]:
    """``argv`` run in a mount namespace of its own, with an empty tmpfs over each of ``folders``."""
    mounts = "".join(f"mount -t tmpfs -o size=1m hidden {shlex.quote(str(f))} && " for f in folders)
    # Root can make the namespace; anyone else makes it inside a user namespace of their own.
    unshare = ["unshare"] + ([] if os.geteuid() == 0 else ["--user", "--map-root-user"])
    return [*unshare, "--mount", "--propagation", "private", "sh", "-c", mounts + 'exec "$@"', "sh", *argv]


def start(
    supervisor: Supervisor,
    var_dir: Path,
    ports: tuple[int, int],
    worker_ports: list[int],
    cores: int = 1,
    memory_mb: int = 1024,
    hidden: tuple[Path, ...] = (),
    die_with_parent: bool = True,
) -> SparkCluster:
    """Start a master, then one worker per web UI port in ``worker_ports``, each healthy before the next.

    :param supervisor: runs the daemons (services ``spark-master``, ``spark-worker-1``, ...).
    :param var_dir: the workers' folders go to ``<var_dir>/spark/worker-N`` (work dir and local dirs).
    :param ports: the master's RPC and web UI ports.
    :param worker_ports: one web UI port per worker (their RPC ports are picked by Spark).
    :param cores: cores each worker offers.
    :param memory_mb: memory each worker offers its executors (at least ``spark.executor.memory``, 1 GB).
    :param hidden: existing folders the workers and all they launch must not see (see the module docstring).
    :param die_with_parent: the daemons die with the process that started them (tests and benchmarks).
    :raises ServiceError: a port is taken, or a daemon did not become healthy.
    """
    rpc, webui = ports
    master_url = f"spark://127.0.0.1:{rpc}"
    status_url = f"http://127.0.0.1:{webui}/json/"
    env = {"SPARK_LOCAL_IP": "127.0.0.1", "SPARK_DAEMON_MEMORY": _DAEMON_MEMORY, "SPARK_NO_DAEMONIZE": "1"}
    master = _spark_class(
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(rpc), "--webui-port", str(webui)
    )

    def master_ready() -> bool:
        try:
            with urllib.request.urlopen(status_url, timeout=2) as response:
                return bool(json.load(response).get("status") == "ALIVE")
        except (OSError, ValueError):
            return False

    supervisor.start(
        Service("spark-master", master, master_ready, ports=ports, env=env, die_with_parent=die_with_parent)
    )
    names = []
    for n, port in enumerate(worker_ports, start=1):
        name = f"spark-worker-{n}"
        home = var_dir / "spark" / f"worker-{n}"
        (home / "local").mkdir(parents=True, exist_ok=True)
        argv = _spark_class(
            "org.apache.spark.deploy.worker.Worker",
            *("--host", "127.0.0.1", "--webui-port", str(port), "--cores", str(cores), "--memory", f"{memory_mb}m"),
            *("--work-dir", str(home / "work"), master_url),
        )
        address = f"http://127.0.0.1:{port}"
        supervisor.start(
            Service(
                name,
                _hiding(hidden, argv) if hidden else argv,
                functools.partial(_registered, status_url, address),
                ports=(port,),
                env={**env, "SPARK_LOCAL_DIRS": str(home / "local")},
                die_with_parent=die_with_parent,
            )
        )
        names.append(name)
    return SparkCluster(master_url, status_url, tuple(names))


def stop(supervisor: Supervisor, cluster: SparkCluster) -> None:
    """Stop the workers, then the master (each with the executors it launched: they are in its process group)."""
    for name in (*cluster.workers, "spark-master"):
        supervisor.stop(name)
