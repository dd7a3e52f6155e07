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
from dataclasses import dataclass, field
from pathlib import Path

from core.config import REPO_ROOT, load_config
from core.contract import Indices, Topics, status_path
from infra import kafka_broker
from infra.jars import fetch_jars
from infra.supervisor import Service, Supervisor

__all__ = ["free_port", "TestStack"]

logger = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        for name in ("streaming", "elasticsearch"):
            self.supervisor.stop(name)
        if self.supervisor.pid("kafka") is not None:
            logging.getLogger("kafka").setLevel(logging.CRITICAL)
            self.supervisor.stop("kafka")
