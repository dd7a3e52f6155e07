"""Real Kafka, Elasticsearch and the streaming job on free ports, state in a temporary folder.

The jars and the trained model are the ones ``make setup`` put under the configured ``var_dir``.

The test session (``tests/conftest.py``) and the benchmarks (``bench/``) start their services with this
launcher; it runs them the way :mod:`infra.stack` does for ``make run``, with ``die_with_parent`` so a killed
run leaves nothing behind.
"""

from __future__ import annotations

import logging
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import cast

from core.config import REPO_ROOT, es_hosts, load_config
from core.contract import Indices, Topics, status_path
from infra import kafka_broker
from infra.errors import ServiceError
from infra.jars import fetch_jars
from infra.supervisor import Service, Supervisor, port_in_use

__all__ = ["free_port", "free_ports", "TestStack"]

logger = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that nothing listens on right now."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def _wait(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise ServiceError(f"{what} did not happen within {timeout_s:.0f} s; see the logs in var/log.")
        time.sleep(1)


@dataclass
class TestStack:
    """Services started for one test session or benchmark.

    :param var_dir: the stack's runtime folder (``LOGWATCH_VAR_DIR`` of the services it starts).
    :param topics: the topic names the broker gets and the streaming job uses (the configuration's defaults
        unless a test moves them).
    :param indices: the Elasticsearch names the streaming job writes to.
    """

    __test__ = False  # not a pytest test class, despite its name

    var_dir: Path
    topics: Topics = field(default_factory=Topics)
    indices: Indices = field(default_factory=Indices)

    def __post_init__(self) -> None:
        # Where `make setup` fetched the jars and `make train` wrote the model: reused, never fetched again.
        self.home = load_config()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        jars = self.home.var_dir / "jars"
        jars.mkdir(parents=True, exist_ok=True)
        link = self.var_dir / "jars"
        if not link.exists():
            link.symlink_to(jars)
        self.supervisor = Supervisor(self.var_dir)
        # The services of start_kafka_cluster and start_elasticsearch_cluster, for stop.
        self.cluster_nodes: list[str] = []

    def names_env(self) -> dict[str, str]:
        """The environment variables that give a child process this stack's topic and index names."""
        env = {f"TOPICS_{name.upper()}": value for name, value in self.topics.model_dump().items()}
        env.update({f"INDICES_{name.upper()}": value for name, value in self.indices.model_dump().items()})
        return env

    def start_kafka(self, port: int | None = None, controller_port: int | None = None) -> str:
        """Start a KRaft broker with this stack's topics; returns its bootstrap address.

        :param port: client port (a free one when None: pass a known one to start a broker at an address
            fixed before it runs, or to restart it).
        :param controller_port: KRaft controller port (a free one when None).
        """
        kafka_broker.prepare(self.var_dir)
        port, controller = port or free_port(), controller_port or free_port()
        bootstrap = f"127.0.0.1:{port}"
        argv = kafka_broker.command(self.var_dir, port, controller, heap_mb=512)
        self.supervisor.start(
            Service(
                "kafka",
                argv,
                lambda: kafka_broker.kafka_ready(bootstrap),
                ports=(port, controller),
                die_with_parent=True,
            )
        )
        kafka_broker.create_topics(bootstrap, self.topics)
        return bootstrap

    def start_elasticsearch(self, port: int | None = None) -> str:
        """Start Elasticsearch on ``port`` (a free one when None: pass the old port to restart it)."""
        # Imported here so Kafka-only runs never need the Elasticsearch jars.
        from infra import elasticsearch_node
        from infra.stack import es_ready

        elasticsearch_node.prepare(self.var_dir)
        port = port or free_port()
        url = f"http://127.0.0.1:{port}"
        argv = elasticsearch_node.command(self.var_dir, port, heap_mb=768)
        self.supervisor.start(
            Service(
                "elasticsearch", argv, lambda: es_ready(url), ready_timeout_s=180, ports=(port,), die_with_parent=True
            )
        )
        return url

    def start_kafka_cluster(self, brokers: int = 3) -> str:
        """Start ``brokers`` KRaft nodes as one cluster (services ``kafka-1`` ...) and create this stack's topics
        with a copy on each of up to three brokers; returns the bootstrap list of every broker."""
        kafka_broker.prepare(self.var_dir)
        ports = free_ports(2 * brokers)
        clients, quorum = ports[:brokers], kafka_broker.Quorum(tuple(ports[brokers:]))
        for node, (port, controller) in enumerate(zip(clients, quorum.controller_ports, strict=True), 1):
            argv = kafka_broker.command(self.var_dir, port, controller, heap_mb=384, node_id=node, quorum=quorum)
            # No broker serves clients before a majority of the controllers runs: a node is up once it listens.
            up = partial(port_in_use, controller)
            self.cluster_nodes.append(f"kafka-{node}")
            self.supervisor.start(Service(f"kafka-{node}", argv, up, ports=(port, controller), die_with_parent=True))
        bootstrap = ",".join(f"127.0.0.1:{port}" for port in clients)
        _wait(lambda: kafka_broker.broker_count(bootstrap) == brokers, 120, f"{brokers} Kafka brokers registering")
        kafka_broker.create_topics(bootstrap, self.topics, replicas=min(3, brokers))
        return bootstrap

    def start_elasticsearch_cluster(self, nodes: int = 2) -> str:
        """Start ``nodes`` Elasticsearch nodes as one cluster (services ``elasticsearch-1`` ...); returns their
        URLs separated by commas, as ``es.url`` takes them."""
        from elasticsearch import ApiError, Elasticsearch, TransportError

        from infra import elasticsearch_node

        elasticsearch_node.prepare(self.var_dir)
        ports = free_ports(2 * nodes)
        http, transport = ports[:nodes], tuple(ports[nodes:])
        for node, port in enumerate(http, 1):
            argv = elasticsearch_node.command(self.var_dir, port, 512, node=node, transport_ports=transport)
            # The cluster forms once every node runs: a node is up once its transport port listens.
            up = partial(port_in_use, transport[node - 1])
            self.cluster_nodes.append(f"elasticsearch-{node}")
            self.supervisor.start(
                Service(
                    f"elasticsearch-{node}",
                    argv,
                    up,
                    ready_timeout_s=180,
                    ports=(port, transport[node - 1]),
                    die_with_parent=True,
                )
            )
        urls = ",".join(f"http://127.0.0.1:{port}" for port in http)

        def formed() -> bool:
            if not all(port_in_use(port) for port in http):
                return False  # the client would log each refused connection
            es = Elasticsearch([f"http://127.0.0.1:{port}" for port in http], request_timeout=3, max_retries=0)
            try:
                health = es.cluster.health()
            except (TransportError, ApiError):
                return False
            finally:
                es.close()
            return health["number_of_nodes"] == nodes and health["status"] in ("yellow", "green")

        _wait(formed, 180, f"{nodes} Elasticsearch nodes forming a cluster")
        return urls

    @staticmethod
    def elasticsearch_non_master(es_url: str) -> str:
        """The service name (``elasticsearch-<n>``) of a node of :meth:`start_elasticsearch_cluster`'s cluster at
        ``es_url`` that is not the elected master: the one to kill, as a cluster of two cannot elect another."""
        from elasticsearch import Elasticsearch

        es = Elasticsearch(es_hosts(es_url), request_timeout=30, max_retries=1)
        try:
            master = cast(list[dict[str, str]], es.cat.master(format="json").body)[0]["node"]
            nodes = cast(list[dict[str, str]], es.cat.nodes(format="json", h="name").body)
        finally:
            es.close()
        other = next(node["name"] for node in nodes if node["name"] != master)
        return "elasticsearch-" + other.rsplit("-", 1)[1]

    def streaming_service(self, kafka_bootstrap: str, es_url: str, **env: str) -> Service:
        """The streaming job as a service of this stack (start it with ``self.supervisor.start``).

        :param kafka_bootstrap: the broker to read from and write to.
        :param es_url: the Elasticsearch node to index into.
        :param env: more environment variables for the job (they win over the stack's).
        """
        from infra import stack  # imported here so Kafka-only runs never need Spark

        fetch_jars(stack.SPARK_POM, self.var_dir / "jars" / "spark")
        env = {
            "LOGWATCH_VAR_DIR": str(self.var_dir),
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "ES_URL": es_url,
            "SPARK_MASTER": "local[2]",
            # The model `make test` trained, not one under this stack's empty var folder.
            "NLP_MODEL_PATH": str(self.home.model_path),
            **self.names_env(),
            **env,
        }
        return Service(
            "streaming",
            [sys.executable, "-m", "streaming"],
            stack.streaming_ready(status_path(self.var_dir, "streaming"), time.time()),
            ready_timeout_s=180,
            env=env,
            cwd=REPO_ROOT,
            die_with_parent=True,
        )

    def stop(self) -> None:
        """Stop every service this stack started, the streaming job first.

        Stopping the broker ends the run, so kafka-python's own log lines are silenced from then on in this
        process: a client that is still open (a producer cached for the process, a consumer a test left behind)
        logs a refused connection at ERROR on every reconnect once its broker is gone, pages of it at the end
        of a benchmark. Our own loggers keep reporting.
        """
        kafka = ["kafka", *(name for name in self.cluster_nodes if name.startswith("kafka"))]
        for name in ("streaming", "elasticsearch", *(name for name in self.cluster_nodes if name not in kafka)):
            self.supervisor.stop(name)
        if any(self.supervisor.pid(name) is not None for name in kafka):
            logging.getLogger("kafka").setLevel(logging.CRITICAL)
            for name in kafka:
                self.supervisor.stop(name)
