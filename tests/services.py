"""Real Kafka and Elasticsearch for a test session: free ports, state in a temporary folder, jars shared."""

from __future__ import annotations

import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from infra import kafka_broker
from core.config import REPO_ROOT
from infra.jars import fetch_jars
from infra.supervisor import Service, Supervisor

__all__ = ["free_port", "TestStack"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TestStack:
    """Services started for one test session; jars come from the repository's var/jars."""

    __test__ = False  # not a pytest test class, despite its name

    var_dir: Path

    def __post_init__(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        jars = REPO_ROOT / "var" / "jars"
        jars.mkdir(parents=True, exist_ok=True)
        link = self.var_dir / "jars"
        if not link.exists():
            link.symlink_to(jars)
        self.supervisor = Supervisor(self.var_dir)

    def start_kafka(self) -> str:
        kafka_broker.prepare(self.var_dir)
        port, controller = free_port(), free_port()
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
        kafka_broker.create_topics(bootstrap)
        return bootstrap

    def start_elasticsearch(self, port: int | None = None) -> str:
        """Start Elasticsearch on ``port`` (a free one when None: pass the old port to restart it)."""
        # Imported here so Kafka-only tests never need the Elasticsearch jars.
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
        """The streaming job as a service of this stack (start it with ``self.supervisor.start``)."""
        from infra import stack  # imported here so Kafka-only tests never need Spark

        fetch_jars(stack.SPARK_POM, self.var_dir / "jars" / "spark")
        env = {
            "LOGWATCH_VAR_DIR": str(self.var_dir),
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "ES_URL": es_url,
            "SPARK_MASTER": "local[2]",
            # The model `make test` trained, not one under this session's empty var folder.
            "NLP_MODEL_PATH": str(REPO_ROOT / "var" / "models" / "classifier.joblib"),
            **env,
        }
        status = self.var_dir / "streaming" / "status.json"
        return Service(
            "streaming",
            [sys.executable, "-m", "streaming"],
            stack.streaming_ready(status, time.time()),
            ready_timeout_s=180,
            env=env,
            cwd=REPO_ROOT,
            die_with_parent=True,
        )

    def stop(self) -> None:
        for name in ("streaming", "elasticsearch", "kafka"):
            self.supervisor.stop(name)
