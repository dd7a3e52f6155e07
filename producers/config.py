"""The producer's options: one frozen, typed object, validated once in the constructor."""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from producers.errors import ProducerConfigError

if TYPE_CHECKING:
    from producers.transport import Transport

__all__ = [
    "ProducerConfig",
    "TransportName",
    "default_bootstrap_servers",
    "default_service_name",
    "default_topic",
    "default_transport",
    "resolve_compression",
]

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
# logwatch's default for its ``topics.logs`` (core.contract.Topics); tests/producers/test_core_agrees.py
# holds the two together, since this package installs alone.
DEFAULT_TOPIC = "logs"
_SECRET_HINTS = ("password", "secret", "token", "sasl_oauth", "ssl_keyfile", "key_password", "ssl.key")

Overflow = Literal["drop_new", "drop_old"]
TransportName = Literal["kafka-python", "confluent"]
_TRANSPORTS = ("kafka-python", "confluent")


def default_bootstrap_servers() -> str:
    """``KAFKA_BOOTSTRAP_SERVERS`` from the environment, else 127.0.0.1:9092."""
    return os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip() or DEFAULT_BOOTSTRAP


def default_topic() -> str:
    """``TOPICS_LOGS`` from the environment (the variable that moves logwatch's logs topic), else ``logs``."""
    return os.environ.get("TOPICS_LOGS", "").strip() or DEFAULT_TOPIC


def default_service_name() -> str:
    """``LOGWATCH_SERVICE`` from the environment, else the program's name, else ``unknown``."""
    env = os.environ.get("LOGWATCH_SERVICE", "").strip()
    if env:
        return env
    prog = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] not in ("", "-c", "-m") else ""
    return prog or "unknown"


def default_transport() -> TransportName:
    """``LOGWATCH_PRODUCER_TRANSPORT`` from the environment, else ``kafka-python``."""
    name = os.environ.get("LOGWATCH_PRODUCER_TRANSPORT", "").strip() or "kafka-python"
    return cast(TransportName, name)  # checked with the other options in ProducerConfig


def resolve_compression(name: str, transport: str = "kafka-python") -> str | None:
    """The codec for ``name``: ``auto`` is zstd for librdkafka (built in), and for kafka-python zstd, lz4 or
    gzip by which codec package is installed.

    zstd compresses our events smaller than gzip (4.0 % against 5.3 % of their size) at a third of the CPU:
    librdkafka's broker thread spends 1.2-2.0 µs per event on it against 4.9 µs with gzip (``bench.bench_producer``).

    :param name: auto, zstd, lz4, gzip or none.
    :param transport: the client that compresses.
    """
    if name == "none":
        return None
    if name != "auto":
        return name
    if transport == "confluent" or importlib.util.find_spec("zstandard") is not None:
        return "zstd"
    if importlib.util.find_spec("lz4") is not None:
        return "lz4"
    return "gzip"


@dataclass(frozen=True)
class ProducerConfig:
    """Everything a ``LogProducer`` can be told; every duration carries its unit in its name.

    :param service: the ``service`` field of every event and the Kafka key.
    :param bootstrap_servers: Kafka to send to; default ``$KAFKA_BOOTSTRAP_SERVERS`` or 127.0.0.1:9092.
    :param topic: the topic events go to; default ``$TOPICS_LOGS`` or ``logs``.
    :param host: the ``host`` field; default this machine's hostname.
    :param env: optional ``env`` field (prod, staging...).
    :param version: optional ``version`` field (the service's release).
    :param max_queue_events: most events held in memory (queued plus in flight).
    :param max_queue_bytes: most serialized bytes held in memory.
    :param max_event_bytes: larger events are truncated with a visible marker to fit.
    :param overflow: when memory is full, ``drop_new`` refuses the new event, ``drop_old`` evicts the oldest.
    :param emit_block_ms: longest an ``emit()`` may wait for room when memory is full (0: never waits).
    :param transport: the Kafka client: ``kafka-python`` (the default, the only required dependency) or
        ``confluent`` (librdkafka through confluent-kafka, several times faster; ``pip install
        'logwatch-producers[fast]'``); default ``$LOGWATCH_PRODUCER_TRANSPORT`` or ``kafka-python``.
    :param compression: auto (zstd with the confluent transport; with kafka-python zstd, else lz4, else gzip, by
        what is installed), zstd, lz4, gzip or none. Consumers of the topic must read the codec: Kafka's Java
        client (Spark) reads them all, kafka-python needs the ``zstandard`` or ``lz4`` package.
    :param linger_ms: how long the client waits to fill a batch.
    :param batch_bytes: the client's batch size per partition.
    :param send_max_block_ms: kafka-python's ``max_block_ms``; only the sender thread ever waits on it
        (librdkafka never blocks a send).
    :param request_timeout_ms: one request to the broker.
    :param delivery_timeout_ms: how long the client retries a record before handing it back to us.
    :param connect_timeout_s: TCP reachability check before building a Kafka client.
    :param reconnect_backoff_max_ms: ceiling of the exponential back-off between reconnects.
    :param give_up_after_s: drop an undelivered event (reason ``broker_timeout``) this long after it was
        emitted; None keeps it as long as memory (or the spool) allows.
    :param spool_dir: if set, events that cannot be delivered (outage, exit) are written here and replayed
        when Kafka is back or the next process starts.
    :param spool_max_bytes: bound of the spool folder; beyond it events are dropped (``spool_full``).
    :param spool_segment_bytes: size of one spool file.
    :param spool_fsync: fsync each spool write (survives power loss, costs throughput).
    :param close_timeout_s: what the exit hook gives ``close()``.
    :param debug: print the library's own diagnostics on stderr.
    :param kafka_options: extra options of the selected client (TLS, SASL...), in its own spelling:
        kafka-python ``KafkaProducer`` keywords (``security_protocol``) or librdkafka properties
        (``security.protocol``); secrets are masked in ``repr``.
    :param transport_factory: builds the client the sender thread talks to; default the one ``transport``
        names. Tests inject a double here.
    """

    service: str = field(default_factory=default_service_name)
    bootstrap_servers: str = field(default_factory=default_bootstrap_servers)
    topic: str = field(default_factory=default_topic)
    host: str = field(default_factory=socket.gethostname)
    env: str | None = None
    version: str | None = None
    max_queue_events: int = 20_000
    max_queue_bytes: int = 16 * 1024 * 1024
    max_event_bytes: int = 32 * 1024
    overflow: Overflow = "drop_new"
    emit_block_ms: int = 0
    transport: TransportName = field(default_factory=default_transport)
    compression: str = "auto"
    linger_ms: int = 20
    batch_bytes: int = 256 * 1024
    send_max_block_ms: int = 500
    request_timeout_ms: int = 10_000
    delivery_timeout_ms: int = 30_000
    connect_timeout_s: float = 1.0
    reconnect_backoff_max_ms: int = 10_000
    give_up_after_s: float | None = None
    spool_dir: str | None = None
    spool_max_bytes: int = 256 * 1024 * 1024
    spool_segment_bytes: int = 4 * 1024 * 1024
    spool_fsync: bool = False
    close_timeout_s: float = 2.0
    debug: bool = False
    kafka_options: Mapping[str, Any] = field(default_factory=dict)
    transport_factory: Callable[[ProducerConfig], Transport] | None = None

    def __post_init__(self) -> None:
        def bad(option: str, why: str) -> ProducerConfigError:
            return ProducerConfigError(f"Producer option {option} {why}.")

        if not isinstance(self.service, str) or not self.service.strip():
            raise bad("service", "must be a non-empty name (it becomes the Kafka key)")
        if not self.bootstrap_servers.strip():
            raise bad("bootstrap_servers", "is empty: pass HOST:PORT or set KAFKA_BOOTSTRAP_SERVERS")
        if not self.topic.strip():
            raise bad("topic", "is empty: pass a topic name such as 'logs'")
        for name in (
            "max_queue_events",
            "max_queue_bytes",
            "batch_bytes",
            "send_max_block_ms",
            "request_timeout_ms",
            "spool_max_bytes",
            "spool_segment_bytes",
        ):
            if getattr(self, name) <= 0:
                raise bad(name, f"must be positive, got {getattr(self, name)}")
        if self.max_event_bytes < 1024:
            raise bad("max_event_bytes", f"must be at least 1024, got {self.max_event_bytes}")
        if self.max_event_bytes * 2 > self.max_queue_bytes:
            raise bad("max_event_bytes", "must be at most half of max_queue_bytes")
        if self.overflow not in ("drop_new", "drop_old"):
            raise bad("overflow", f"must be 'drop_new' or 'drop_old', got {self.overflow!r}")
        if self.emit_block_ms < 0 or self.linger_ms < 0:
            raise bad("emit_block_ms/linger_ms", "must not be negative")
        if self.transport not in _TRANSPORTS:
            raise bad("transport", f"must be 'kafka-python' or 'confluent', got {self.transport!r}")
        if self.transport == "confluent":
            try:
                import confluent_kafka  # noqa: F401
            except ImportError as exc:
                raise ProducerConfigError(
                    "Producer option transport='confluent' needs the confluent-kafka package: "
                    "install it with pip install 'logwatch-producers[fast]'."
                ) from exc
        if self.compression not in ("auto", "zstd", "lz4", "gzip", "none"):
            raise bad("compression", f"must be auto, zstd, lz4, gzip or none, got {self.compression!r}")
        if self.delivery_timeout_ms < self.linger_ms + self.request_timeout_ms:
            raise bad("delivery_timeout_ms", "must be at least linger_ms + request_timeout_ms")
        if self.close_timeout_s < 0 or self.connect_timeout_s <= 0:
            raise bad("close_timeout_s/connect_timeout_s", "must not be negative")
        if self.give_up_after_s is not None and self.give_up_after_s <= 0:
            raise bad("give_up_after_s", "must be positive or None")
        if self.spool_segment_bytes > self.spool_max_bytes:
            raise bad("spool_segment_bytes", "must not exceed spool_max_bytes")

    @property
    def compression_type(self) -> str | None:
        """The codec actually used (``auto`` resolved against the transport and what is installed)."""
        return resolve_compression(self.compression, self.transport)

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "kafka_options":
                value = {k: "***" if any(h in k.lower() for h in _SECRET_HINTS) else v for k, v in value.items()}
            parts.append(f"{f.name}={value!r}")
        return f"ProducerConfig({', '.join(parts)})"

    __str__ = __repr__
