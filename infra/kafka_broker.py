"""Apache Kafka 4.x in KRaft mode: one process that is both broker and controller, data under var/.

Several such processes on this host form one cluster when given a :class:`Quorum` (``bench.bench_replicated``).
"""

from __future__ import annotations

import logging
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from core.contract import Topics
from core.jvm import HEAP_RETURNED_WHEN_IDLE
from infra.errors import ServiceError, SetupError
from infra.jars import classpath, fetch_jars

__all__ = [
    "TopicSpec",
    "Quorum",
    "topic_specs",
    "prepare",
    "command",
    "create_topics",
    "kafka_ready",
    "broker_count",
    "min_insync",
]

logger = logging.getLogger(__name__)

POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int


def topic_specs(topics: Topics) -> tuple[TopicSpec, ...]:
    """The topics logwatch needs: names from the configuration, partitions and retention by role.

    Raw logs and both dead-letter queues are kept a week (time to replay or inspect them); the classified
    stream and the alerts are derived from them and kept a day. The two log streams have 3 partitions, the
    others one.

    :param topics: the configured topic names (``config.topics``).
    """
    return (
        TopicSpec(topics.logs, 3, 7 * DAY_MS),
        TopicSpec(topics.classified, 3, DAY_MS),
        TopicSpec(topics.dlq, 1, 7 * DAY_MS),
        TopicSpec(topics.alerts, 1, DAY_MS),
        TopicSpec(topics.alerts_dlq, 1, 7 * DAY_MS),
    )


@dataclass(frozen=True)
class Quorum:
    """A cluster of combined broker+controller nodes on this host: node ``n`` (1-based) has its KRaft controller
    listener on ``controller_ports[n - 1]``; every node's storage is formatted with the one ``cluster_id``.
    """

    controller_ports: tuple[int, ...]
    cluster_id: str = field(default_factory=lambda: uuid.uuid4().hex[:22])

    @property
    def voters(self) -> str:
        """``controller.quorum.voters``: a static quorum, so no node has to be added to it once running."""
        return ",".join(f"{node}@127.0.0.1:{port}" for node, port in enumerate(self.controller_ports, 1))


LOG4J = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
"""


def _jars(var_dir: Path) -> Path:
    return var_dir / "jars" / "kafka"


def prepare(var_dir: Path) -> None:
    """Resolve Kafka's jars into ``var/jars/kafka`` (once per pom)."""
    fetch_jars(POM, _jars(var_dir))


def command(
    var_dir: Path, port: int, controller_port: int, heap_mb: int, node_id: int = 1, quorum: Quorum | None = None
) -> list[str]:
    """Write the broker's config, format its storage on first start, and return the argv that runs it.

    :param var_dir: runtime state folder; data goes to ``var/kafka/data`` (``var/kafka-<node_id>/data`` in a
        quorum).
    :param port: client listener port on 127.0.0.1.
    :param controller_port: KRaft controller listener port on 127.0.0.1 (``quorum.controller_ports[node_id - 1]``
        in a quorum).
    :param heap_mb: maximum JVM heap.
    :param node_id: this node's id in ``quorum``.
    :param quorum: the cluster this node is one of; None for the single node of ``make run``.
    """
    home = var_dir / ("kafka" if quorum is None else f"kafka-{node_id}")
    # The internal topics (consumer offsets, transactions) are replicated like the data: 3 copies when possible.
    replicas = 1 if quorum is None else min(3, len(quorum.controller_ports))
    data = home / "data"
    home.mkdir(parents=True, exist_ok=True)
    props = home / "server.properties"
    props.write_text(
        "\n".join(
            [
                "process.roles=broker,controller",
                f"node.id={node_id}",
                f"controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}"
                if quorum is None
                else f"controller.quorum.voters={quorum.voters}",
                f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
                f"advertised.listeners=PLAINTEXT://127.0.0.1:{port}",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                f"log.dirs={data}",
                f"offsets.topic.replication.factor={replicas}",
                f"transaction.state.log.replication.factor={replicas}",
                f"transaction.state.log.min.isr={min_insync(replicas)}",
                f"share.coordinator.state.topic.replication.factor={replicas}",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                # 1 MB raw lines plus the producer's envelope must fit.
                "message.max.bytes=4194304",
                "",
            ]
        )
    )
    log4j = home / "log4j2.properties"
    log4j.write_text(LOG4J)
    cp = classpath(_jars(var_dir))
    if not (data / "meta.properties").exists():
        fmt = [
            "java",
            "-cp",
            cp,
            f"-Dlog4j2.configurationFile={log4j}",
            "kafka.tools.StorageTool",
            "format",
            "-t",
            uuid.uuid4().hex[:22] if quorum is None else quorum.cluster_id,
            "-c",
            str(props),
            # A static quorum (controller.quorum.voters) is formatted without naming its controllers.
            *(["--standalone"] if quorum is None else []),
        ]
        done = subprocess.run(fmt, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SetupError(f"Formatting Kafka storage in {data} failed: {done.stderr.strip()[-500:]}")
    return [
        "java",
        f"-Xmx{heap_mb}m",
        # G1 shrinks an idle heap (core.jvm) no lower than the initial size.
        f"-Xms{min(heap_mb, 64)}m",
        "-XX:+UseG1GC",
        *HEAP_RETURNED_WHEN_IDLE,
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={log4j}",
        f"-Dkafka.logs.dir={home / 'logs'}",
        "-cp",
        cp,
        "kafka.Kafka",
        str(props),
    ]


def kafka_ready(bootstrap_servers: str) -> bool:
    """True when the broker answers a metadata request."""
    host, port = bootstrap_servers.split(",")[0].rsplit(":", 1)
    try:
        # A plain connect first keeps kafka-python from logging a refused connection every poll.
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return False
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=3000)
    except KafkaError:
        return False
    try:
        admin.list_topics()
        return True
    except KafkaError:
        return False
    finally:
        admin.close()


def min_insync(replicas: int) -> int:
    """``min.insync.replicas`` for a topic with ``replicas`` copies: from three copies on, an ``acks=all`` write
    is on two brokers before it is acknowledged and one broker may be down without refusing writes; with two
    copies, only the second holds (writes go on with one broker down)."""
    return max(1, min(2, replicas - 1))


def broker_count(bootstrap_servers: str) -> int:
    """How many brokers the cluster at ``bootstrap_servers`` has registered (0 when it does not answer)."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=3000)
    except KafkaError:
        return 0
    try:
        return len(admin.describe_cluster()["brokers"])
    except KafkaError:
        return 0
    finally:
        admin.close()


def create_topics(bootstrap_servers: str, topics: Topics, replicas: int = 1) -> list[str]:
    """Create the topics of :func:`topic_specs` that do not exist yet; returns the names created.

    :param bootstrap_servers: Kafka to talk to.
    :param topics: the configured topic names (``config.topics``).
    :param replicas: replication factor of every topic (at most the number of brokers); with more than one,
        ``min.insync.replicas`` is :func:`min_insync`'s.
    """
    replicated = {"min.insync.replicas": str(min_insync(replicas))} if replicas > 1 else {}
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10000)
    try:
        existing = set(admin.list_topics())
        created = []
        for spec in (t for t in topic_specs(topics) if t.name not in existing):
            try:
                admin.create_topics(
                    [
                        NewTopic(
                            spec.name,
                            spec.partitions,
                            replicas,
                            topic_configs={
                                "retention.ms": str(spec.retention_ms),
                                "max.message.bytes": "4194304",
                                **replicated,
                            },
                        )
                    ]
                )
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass  # created by a concurrent starter
            except KafkaError as exc:
                raise ServiceError(f"Creating Kafka topic {spec.name} failed: {exc}") from exc
        return created
    finally:
        admin.close()
