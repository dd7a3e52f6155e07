"""The boundary between the sender thread and Kafka: kafka-python by default, a double in tests.

Only the sender thread calls a transport. kafka-python's ``send()`` blocks for up to its ``max_block_ms``
when metadata is missing (dpkp/kafka-python#994), so ours is set low and no host thread ever calls it.
"""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Callable
from typing import IO, Any, Protocol

from producers.config import ProducerConfig

__all__ = ["Transport", "KafkaTransport", "StreamTransport", "Unreachable", "bootstrap_reachable"]

logger = logging.getLogger(__name__)

Callback = Callable[[BaseException | None], None]


class Unreachable(ConnectionError):
    """No bootstrap server accepted a TCP connection; retried after a back-off."""

    retriable = True


class Transport(Protocol):
    """What the sender thread needs from a Kafka client.

    Exceptions whose ``retriable`` attribute is true (kafka-python's timeouts, lost connections) mean
    "Kafka is away, try again later"; any other exception from ``send`` fails that one record.
    """

    def send(self, key: bytes, value: bytes, callback: Callback) -> None:
        """Queue one record; ``callback(None)`` on acknowledgement, ``callback(exc)`` on failure."""

    def probe(self) -> None:
        """Return if Kafka can take records for our topic now; raise otherwise."""

    def close(self, timeout_s: float) -> None:
        """Deliver what is in flight within ``timeout_s``, then release connections."""


def bootstrap_reachable(bootstrap_servers: str, timeout_s: float) -> bool:
    """True if any bootstrap server accepts a TCP connection.

    A plain connect first keeps kafka-python from logging a refused connection on every retry.
    """
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit():
            continue
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
            return True
        except OSError:
            continue
    return False


def _succeeded(callback: Callback, _metadata: object) -> None:
    callback(None)


class KafkaTransport:
    """kafka-python's ``KafkaProducer`` with acks=all, retries, compression and a low ``max_block_ms``.

    :param config: the producer's options.
    :raises Unreachable: no bootstrap server answers (nothing was built).
    """

    def __init__(self, config: ProducerConfig) -> None:
        if not bootstrap_reachable(config.bootstrap_servers, config.connect_timeout_s):
            raise Unreachable(f"no Kafka bootstrap server reachable at {config.bootstrap_servers}")
        from kafka import KafkaProducer

        self._config = config
        self._topic = config.topic
        options: dict[str, Any] = {
            "bootstrap_servers": [s.strip() for s in config.bootstrap_servers.split(",")],
            "client_id": f"logwatch-{config.service}",
            "acks": "all",
            "compression_type": config.compression_type,
            "linger_ms": config.linger_ms,
            "batch_size": config.batch_bytes,
            "max_block_ms": config.send_max_block_ms,
            "request_timeout_ms": config.request_timeout_ms,
            "delivery_timeout_ms": config.delivery_timeout_ms,
            "retry_backoff_ms": 200,
            "reconnect_backoff_ms": 100,
            "reconnect_backoff_max_ms": config.reconnect_backoff_max_ms,
            "max_request_size": max(1024 * 1024, config.max_event_bytes + 64 * 1024),
            "allow_auto_create_topics": False,
            "api_version_auto_timeout_ms": max(2000, config.request_timeout_ms // 2),
        }
        options.update(config.kafka_options)
        self._producer = KafkaProducer(**options)

    def send(self, key: bytes, value: bytes, callback: Callback) -> None:
        future = self._producer.send(self._topic, value=value, key=key)
        future.add_callback(_succeeded, callback)
        future.add_errback(callback)

    def probe(self) -> None:
        if not bootstrap_reachable(self._config.bootstrap_servers, self._config.connect_timeout_s):
            raise Unreachable(f"no Kafka bootstrap server reachable at {self._config.bootstrap_servers}")
        if not self._producer.partitions_for(self._topic):
            raise Unreachable(f"topic {self._topic} has no partitions")

    def close(self, timeout_s: float) -> None:
        try:
            self._producer.close(timeout=max(0.0, timeout_s))
        except Exception:
            # kafka-python 2.x raises from close() while records are still incomplete, before it
            # force-closes its network thread; finish the job so no thread keeps reconnecting.
            sender = getattr(self._producer, "_sender", None)
            if sender is not None:
                sender.force_close()
                sender.join(1.0)
            try:
                # Marks the producer closed, so its __del__ does not try (and fail) again later.
                self._producer.close(timeout=0)
            except Exception:
                pass


class StreamTransport:
    """Writes each record's value as one line to a text stream instead of Kafka (``--dry-run``).

    :param stream: where to write; default stdout.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    def send(self, key: bytes, value: bytes, callback: Callback) -> None:
        stream = self._stream or sys.stdout
        stream.write(value.decode("utf-8", "replace") + "\n")
        callback(None)

    def probe(self) -> None:
        return None

    def close(self, timeout_s: float) -> None:
        (self._stream or sys.stdout).flush()
