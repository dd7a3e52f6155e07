"""The boundary between the sender thread and Kafka: kafka-python by default, librdkafka on request,
a double in tests.

Only the sender thread calls a transport. kafka-python's ``send()`` blocks for up to its ``max_block_ms``
when metadata is missing (dpkp/kafka-python#994), so ours is set low and no host thread ever calls it.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import weakref
from collections.abc import Callable
from functools import partial
from typing import IO, TYPE_CHECKING, Any, Protocol

from producers.buffer import Flight
from producers.config import ProducerConfig

if TYPE_CHECKING:
    import confluent_kafka

__all__ = [
    "Transport",
    "KafkaTransport",
    "ConfluentTransport",
    "StreamTransport",
    "Unreachable",
    "LibrdkafkaError",
    "bootstrap_reachable",
    "transport_class",
]

logger = logging.getLogger(__name__)


class Unreachable(ConnectionError):
    """No bootstrap server accepted a TCP connection; retried after a back-off."""

    retriable = True


class Transport(Protocol):
    """What the sender thread needs from a Kafka client.

    Exceptions whose ``retriable`` attribute is true (kafka-python's timeouts, lost connections) mean
    "Kafka is away, try again later"; any other exception from ``send`` fails the record it was raised for.
    Outcomes land in the flight (:class:`producers.buffer.Flight`: a count of acknowledgements, failures by
    index); the sender reads them after ``poll()``, and no client thread ever touches the buffer.
    """

    def send(self, flight: Flight) -> None:
        """Queue the flight's records in order, setting ``flight.sent`` to how many were queued. If the client
        refuses one, raise: ``flight.sent`` is then its index (the ones before it are queued)."""

    def probe(self) -> None:
        """Return if Kafka can take records for our topic now; raise otherwise."""

    def poll(self) -> None:
        """Run the client's delivery reports that are ready, without waiting."""

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
            # A retry after a broker fail-over must not write the record twice: ids come from offsets, so a
            # duplicate on logs would be indexed twice.
            "enable_idempotence": True,
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

    def send(self, flight: Flight) -> None:
        send, topic, ack, fail = self._producer.send, self._topic, flight.ack, flight.fail
        for i, rec in enumerate(flight.records):
            flight.sent = i
            future = send(topic, value=rec[1], key=rec[0])
            # Reported on kafka-python's network thread (or at once, for a record it failed already).
            future.add_callback(ack)
            future.add_errback(fail, i)
        flight.sent = len(flight.records)

    def probe(self) -> None:
        if not bootstrap_reachable(self._config.bootstrap_servers, self._config.connect_timeout_s):
            raise Unreachable(f"no Kafka bootstrap server reachable at {self._config.bootstrap_servers}")
        if not self._producer.partitions_for(self._topic):
            raise Unreachable(f"topic {self._topic} has no partitions")

    def poll(self) -> None:
        return None  # kafka-python reports on its own thread

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


class LibrdkafkaError(Exception):
    """A librdkafka error, with kafka-python's meaning of ``retriable``: Kafka is away, try again.

    :param error: the ``confluent_kafka.KafkaError``.
    :param retriable: whether retrying can help.
    """

    def __init__(self, error: confluent_kafka.KafkaError, retriable: bool) -> None:
        super().__init__(f"{error.name()}: {error.str()}")
        self.code = error.code()
        self.retriable = retriable


# librdkafka marks few errors retriable itself (a message that timed out is not, for instance); these are
# the ones kafka-python's errors call retriable, plus librdkafka's own for an absent cluster.
_RETRIABLE_NAMES = (
    "_MSG_TIMED_OUT",
    "_TIMED_OUT",
    "_TIMED_OUT_QUEUE",
    "_TRANSPORT",
    "_ALL_BROKERS_DOWN",
    "_RESOLVE",
    "_UNKNOWN_TOPIC",
    "_UNKNOWN_PARTITION",
    "_QUEUE_FULL",
    "_NODE_UPDATE",
    "_PURGE_QUEUE",
    "_PURGE_INFLIGHT",
    "_DESTROY",
    "_FATAL",
    "UNKNOWN_TOPIC_OR_PART",
    "REQUEST_TIMED_OUT",
    "LEADER_NOT_AVAILABLE",
    "NOT_LEADER_FOR_PARTITION",
    "NOT_ENOUGH_REPLICAS",
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
    "NETWORK_EXCEPTION",
    "BROKER_NOT_AVAILABLE",
    "KAFKA_STORAGE_ERROR",
)
_retriable_codes: frozenset[int] = frozenset()
_ANY_PARTITION = -1  # librdkafka's RD_KAFKA_PARTITION_UA


def _librdkafka_error(error: confluent_kafka.KafkaError) -> LibrdkafkaError:
    retriable = error.code() in _retriable_codes or error.retriable() or error.fatal()
    return LibrdkafkaError(error, retriable)


def _delivered(flight: Flight, error: confluent_kafka.KafkaError | None, message: confluent_kafka.Message) -> None:
    """librdkafka's delivery report of one of ``flight``'s records."""
    if error is None:
        flight.acks.append(None)
    else:
        flight.fail(flight.index_of(message.key(), message.value()), _librdkafka_error(error))


# librdkafka's threads do not survive fork(); a child that freed its parent's client would wait on them
# forever, so the child keeps those clients referenced (and never uses them).
_live_clients: weakref.WeakSet[ConfluentTransport] = weakref.WeakSet()
_parents_clients: list[object] = []


def _keep_parents_clients() -> None:
    _parents_clients.extend(t._producer for t in list(_live_clients))
    _live_clients.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_keep_parents_clients)


class ConfluentTransport:
    """librdkafka through confluent-kafka (``transport="confluent"``): the same guarantees, far less
    Python per record.

    acks=all with idempotence (librdkafka's own retries neither duplicate nor reorder), the key hashed
    with murmur2 like kafka-python and the Java client (a service lands on the same partition whichever
    client sent it), the same timeouts. librdkafka runs the network on its own threads but delivery
    callbacks only inside ``poll()`` and ``flush()``, which only the sender thread calls.

    :param config: the producer's options (``kafka_options`` are librdkafka properties here).
    :raises Unreachable: no bootstrap server answers (nothing was built).
    """

    def __init__(self, config: ProducerConfig) -> None:
        if not bootstrap_reachable(config.bootstrap_servers, config.connect_timeout_s):
            raise Unreachable(f"no Kafka bootstrap server reachable at {config.bootstrap_servers}")
        import confluent_kafka

        global _retriable_codes
        if not _retriable_codes:
            error = confluent_kafka.KafkaError
            _retriable_codes = frozenset(getattr(error, n) for n in _RETRIABLE_NAMES if hasattr(error, n))
        self._config = config
        self._topic = config.topic
        self._fatal: confluent_kafka.KafkaError | None = None
        self._options: dict[str, Any] = {
            "bootstrap.servers": config.bootstrap_servers,
            "client.id": f"logwatch-{config.service}",
            "acks": "all",
            "enable.idempotence": True,
            "partitioner": "murmur2_random",
            "allow.auto.create.topics": False,  # as kafka-python: a missing topic is an outage, not a new topic
            "compression.type": config.compression_type or "none",
            "linger.ms": config.linger_ms,
            "batch.size": config.batch_bytes,
            "request.timeout.ms": config.request_timeout_ms,
            "message.timeout.ms": config.delivery_timeout_ms,
            "retry.backoff.ms": 200,
            "reconnect.backoff.ms": 100,
            "reconnect.backoff.max.ms": config.reconnect_backoff_max_ms,
            "socket.connection.setup.timeout.ms": max(1000, int(config.connect_timeout_s * 1000)),
            "message.max.bytes": max(1024 * 1024, config.max_event_bytes + 64 * 1024),
            # Our buffer bounds what is in flight; librdkafka's queue must never be the tighter bound.
            "queue.buffering.max.messages": min(2**31 - 1, config.max_queue_events + 1024),
            "queue.buffering.max.kbytes": min(2**31 - 1, config.max_queue_bytes // 1024 + 1024),
            "error_cb": self._on_error,
            "logger": logger,  # librdkafka's log lines go to our (silent unless debug) logger, not stderr
        }
        self._options.update(config.kafka_options)
        self._kafka_exception = confluent_kafka.KafkaException
        self._kafka_error = confluent_kafka.KafkaError
        self._client_class = confluent_kafka.Producer
        self._producer = self._client_class(self._options)
        self._produce = self._producer.produce
        _live_clients.add(self)

    def _on_error(self, error: confluent_kafka.KafkaError) -> None:
        # Broker-down errors are noticed by the sender (timeouts, stalls); only a fatal one needs us.
        if error.fatal():
            self._fatal = error
        logger.debug('librdkafka error="%s"', error)

    def send(self, flight: Flight) -> None:
        if self._fatal is not None:
            raise _librdkafka_error(self._fatal)
        # One callback for the whole flight; librdkafka runs it only inside poll()/flush(), on our thread.
        on_delivery = partial(_delivered, flight)
        produce, topic, i = self._produce, self._topic, 0
        try:
            for i, rec in enumerate(flight.records):  # noqa: B007 (i is read by the except clauses)
                try:
                    # Positional (partition -1: librdkafka's partitioner decides): a keyword argument costs
                    # produce() a dict per record, ~0.45 µs of its ~1.7 µs.
                    produce(topic, rec[1], rec[0], _ANY_PARTITION, on_delivery)
                except BufferError:
                    self._producer.poll(0.05)  # serve acknowledgements, which frees room, then try once more
                    produce(topic, rec[1], rec[0], _ANY_PARTITION, on_delivery)
        except BufferError as exc:
            flight.sent = i
            raise _librdkafka_error(self._kafka_error(self._kafka_error._QUEUE_FULL)) from exc
        except self._kafka_exception as exc:
            flight.sent = i
            raise _librdkafka_error(exc.args[0]) from exc
        flight.sent = len(flight.records)

    def probe(self) -> None:
        if not bootstrap_reachable(self._config.bootstrap_servers, self._config.connect_timeout_s):
            raise Unreachable(f"no Kafka bootstrap server reachable at {self._config.bootstrap_servers}")
        topic = self._producer.list_topics(self._topic, timeout=self._config.connect_timeout_s).topics.get(self._topic)
        if topic is None or topic.error is not None or not topic.partitions:
            raise Unreachable(f"topic {self._topic} has no partitions")

    def poll(self) -> None:
        self._producer.poll(0)
        if self._fatal is not None:
            self._replace_client()

    def _replace_client(self) -> None:
        """After a fatal error (the idempotent producer lost its sequence) the client is unusable: its
        records are handed back (purged) and a new client is built."""
        old = self._producer
        logger.warning('kafka client failed, replacing it topic="%s" error="%s"', self._topic, self._fatal)
        old.purge()
        old.poll(0)
        self._producer = self._client_class(self._options)
        self._produce = self._producer.produce
        self._fatal = None

    def close(self, timeout_s: float) -> None:
        producer = self._producer
        if producer.flush(max(0.0, timeout_s)):
            # Hand back what is still unacknowledged now, rather than when message.timeout.ms expires.
            producer.purge()
            producer.poll(0)
        _live_clients.discard(self)


class StreamTransport:
    """Writes each record's value as one line to a text stream instead of Kafka (``--dry-run``).

    :param stream: where to write; default stdout.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream

    def send(self, flight: Flight) -> None:
        stream = self._stream or sys.stdout
        for rec in flight.records:
            stream.write(rec[1].decode("utf-8", "replace") + "\n")
        flight.ack_all()

    def probe(self) -> None:
        return None

    def poll(self) -> None:
        return None

    def close(self, timeout_s: float) -> None:
        (self._stream or sys.stdout).flush()


def transport_class(config: ProducerConfig) -> Callable[[ProducerConfig], Transport]:
    """The client ``config.transport`` names."""
    return ConfluentTransport if config.transport == "confluent" else KafkaTransport
