"""The whole system on one machine, in dependency order: what `make run`, `make stop` and `make setup` do."""

from __future__ import annotations

import json
import logging
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from elasticsearch import ApiError, Elasticsearch, TransportError

from core.config import REPO_ROOT, Config, es_hosts
from core.contract import status_path
from infra import elasticsearch_node, kafka_broker
from infra.jars import fetch_jars
from infra.supervisor import Service, Supervisor, port_in_use

__all__ = [
    "SERVICES",
    "WATCHDOG",
    "setup",
    "private_state_dir",
    "service_for",
    "start",
    "stop",
    "status",
    "is_local",
    "streaming_ready",
    "es_ready",
]

logger = logging.getLogger(__name__)

SPARK_POM = Path(__file__).resolve().parent / "spark" / "pom.xml"
# Start order; stop runs in reverse.
SERVICES = ("kafka", "elasticsearch", "streaming", "alerting", "api", "demo")
# Restarts the services that exit unexpectedly (infra.watchdog); started after them, stopped before them.
WATCHDOG = "watchdog"


def is_local(address: str) -> bool:
    """True when ``address`` (host:port or URL) is on this machine, so we start the service ourselves."""
    return any(host in address for host in ("127.0.0.1", "localhost", "[::1]"))


def es_ready(url: str) -> bool:
    """True when Elasticsearch at ``url`` (one node URL or several, see ``core.config.es_hosts``) answers
    (product check included) with cluster health yellow or green."""
    address = urlsplit(es_hosts(url)[0])
    # Until its port is open, each probe would log the client's connection warnings and retries.
    if not port_in_use(address.port or 9200, address.hostname or "127.0.0.1"):
        return False
    try:
        es = Elasticsearch(es_hosts(url), request_timeout=3, max_retries=0)
        health = es.cluster.health(wait_for_status="yellow", timeout="1s")
    except (TransportError, ApiError):
        return False
    return health["status"] in ("yellow", "green")


def private_state_dir(var_dir: Path) -> None:
    """Create ``var_dir`` readable by its owner only: it holds raw logs (Kafka's data), alert samples, tokens
    and logs with search strings, which other local users must not read."""
    var_dir.mkdir(parents=True, exist_ok=True)
    var_dir.chmod(0o700)


def setup(config: Config) -> None:
    """Fetch jars and prepare every service's files; fast when nothing changed."""
    private_state_dir(config.var_dir)
    kafka_broker.prepare(config.var_dir)
    elasticsearch_node.prepare(config.var_dir)
    fetch_jars(SPARK_POM, config.var_dir / "jars" / "spark")


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _fresh_file(path: Path, since: float) -> Callable[[], bool]:
    return lambda: path.exists() and path.stat().st_mtime >= since


def _http_ok(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status < 500)
        except (OSError, ValueError):
            return False

    return ready


def streaming_ready(path: Path, since: float) -> Callable[[], bool]:
    """Health of the streaming job: its status file, written after ``since``, says the query is active."""

    def ready() -> bool:
        try:
            status = json.loads(path.read_text())
        except (OSError, ValueError):
            return False
        return bool(status.get("query_active")) and path.stat().st_mtime >= since

    return ready


def service_for(name: str, config: Config) -> Service | None:
    """How to run service ``name`` here, or None when it is an external one (a Kafka or ES not on this host)."""
    env = config.as_env()
    if name == "kafka":
        if not is_local(config.kafka.bootstrap_servers):
            return None
        argv = kafka_broker.command(
            config.var_dir, config.kafka.port, config.kafka.controller_port, config.kafka.heap_mb
        )
        bootstrap = config.kafka.bootstrap_servers
        return Service(
            name,
            argv,
            lambda: kafka_broker.kafka_ready(bootstrap),
            ports=(config.kafka.port, config.kafka.controller_port),
        )
    if name == "elasticsearch":
        if not is_local(config.es.url):
            return None
        argv = elasticsearch_node.command(config.var_dir, config.es.port, config.es.heap_mb)
        url = config.es.url
        return Service(name, argv, lambda: es_ready(url), ready_timeout_s=180, ports=(config.es.port,))
    if name == "streaming":
        status = status_path(config.var_dir, "streaming")
        return Service(
            name,
            _python("-m", "streaming"),
            streaming_ready(status, time.time()),
            ready_timeout_s=180,
            env=env,
            cwd=REPO_ROOT,
        )
    if name == "alerting":
        status = status_path(config.var_dir, "alerting")
        ready = _fresh_file(status, time.time())
        argv = _python("-m", "alerting", "run")
        return Service(name, argv, ready, env=env, cwd=REPO_ROOT, inherit_secrets=True)  # the chat tokens
    if name == "api":
        url = f"http://{config.api.host}:{config.api.port}/health"
        return Service(name, _python("-m", "api"), _http_ok(url), ports=(config.api.port,), env=env, cwd=REPO_ROOT)
    if name == "demo":
        argv = _python(
            "-m",
            "producers.demo",
            "--bootstrap",
            config.kafka.bootstrap_servers,
            "--topic",
            config.topics.logs,
            "--rate",
            "5",
            "--quiet",
            "--spool",
            str(config.var_dir / "spool" / "demo"),
        )
        return Service(name, argv, lambda: True, env=env, cwd=REPO_ROOT)
    if name == WATCHDOG:
        # It starts the alert consumer again, with the chat tokens.
        argv = _python("-m", "infra", "watch")
        return Service(name, argv, lambda: True, env=env, cwd=REPO_ROOT, inherit_secrets=True)
    raise ValueError(name)


def start(config: Config, supervisor: Supervisor, names: tuple[str, ...] = (*SERVICES, WATCHDOG)) -> list[str]:
    """Start those of ``names`` that are not running, in order, each once the previous is healthy; on failure
    stop what this call started. Running ones are left as they are.

    :returns: the names started.
    :raises ServiceError: a port is taken, or a service fails its health check.
    """
    started: list[str] = []
    try:
        for name in names:
            if (pid := supervisor.pid(name)) is not None:
                print(f"  {name:<14} already running (pid {pid})")
                continue
            service = service_for(name, config)
            if service is None:
                logger.info('using external service name="%s"', name)
                continue
            t0 = time.monotonic()
            supervisor.reset_restarts(name)
            supervisor.start(service)
            started.append(name)
            print(f"  {name:<14} ready in {time.monotonic() - t0:5.1f} s   log: {supervisor.log_path(name)}")
            if name == "kafka":
                kafka_broker.create_topics(config.kafka.bootstrap_servers, config.topics)
    except BaseException:
        for name in reversed(started):
            supervisor.stop(name)
        raise
    return started


def stop(supervisor: Supervisor) -> list[str]:
    """Stop the watchdog, then every service we started in reverse order; returns the names that were running.
    Their restart counts start again at the next `make run`."""
    stopped = []
    for name in (WATCHDOG, *reversed(SERVICES)):
        if supervisor.stop(name):
            stopped.append(name)
        supervisor.reset_restarts(name)
    return stopped


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    pid: int | None
    up_s: float | None
    restarts: int


def status(supervisor: Supervisor) -> list[ServiceStatus]:
    """Per service (and the watchdog): its pid when running, for how long, and how often it was restarted."""
    now = time.time()
    result = []
    for name in (*SERVICES, WATCHDOG):
        started = supervisor.started_at(name)
        up_s = None if started is None else max(0.0, now - started)
        result.append(ServiceStatus(name, supervisor.pid(name), up_s, supervisor.restarts(name)))
    return result
