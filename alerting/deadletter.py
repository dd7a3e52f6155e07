"""The alerts dead-letter topic (``config.topics.alerts_dlq``): the original bytes and key of an alert that was
invalid or could not be delivered.

Like the logs dead-letter topic (streaming/sink.py), the record value is untouched and the reason travels in
headers: ``reason``, ``stage`` (validate | delivery | internal), ``source`` (topic/partition/offset),
``alert_id`` and ``route``. Replaying is producing the value back to the alerts topic.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from kafka import KafkaProducer
from kafka.errors import KafkaError

from core.retry import Backoff

__all__ = ["SourceRecord", "DeadLetter"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceRecord:
    """Where an alert came from, and its original bytes."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


class DeadLetter:
    """Writes to the DLQ topic and waits for the broker's acknowledgement; thread-safe.

    :param producer: a KafkaProducer (``acks="all"``).
    :param topic: the DLQ topic.
    :param timeout_s: how long one send waits for the acknowledgement.
    :param stop: set at shutdown; a send still retrying then gives up and returns False.
    """

    def __init__(self, producer: KafkaProducer, topic: str, timeout_s: float, stop: threading.Event) -> None:
        self._producer = producer
        self.topic = topic
        self._timeout_s = timeout_s
        self._stop = stop
        self._lock = threading.Lock()
        self._failing = False

    def send(
        self,
        source: SourceRecord,
        *,
        stage: str,
        reason: str,
        alert_id: str | None = None,
        route: str | None = None,
    ) -> bool:
        """Write one record, retrying until the broker takes it; False only when stopped first."""
        headers = [
            ("reason", reason[:2000].encode()),
            ("stage", stage.encode()),
            ("source", f"{source.topic}/{source.partition}/{source.offset}".encode()),
            ("alert_id", (alert_id or "").encode()),
            ("route", (route or "").encode()),
        ]
        backoff = Backoff(initial_s=0.5, max_s=10.0)
        while True:
            try:
                self._producer.send(self.topic, key=source.key, value=source.value, headers=headers).get(
                    timeout=self._timeout_s
                )
                with self._lock:
                    if self._failing:
                        logger.info('dead-letter topic writable again topic="%s"', self.topic)
                    self._failing = False
                logger.info(
                    'dead-lettered topic="%s" source="%s/%d/%d" stage="%s" reason="%s"',
                    self.topic,
                    source.topic,
                    source.partition,
                    source.offset,
                    stage,
                    reason[:300],
                )
                return True
            except KafkaError as exc:
                with self._lock:
                    if not self._failing:
                        logger.warning(
                            'dead-letter write failed, retrying topic="%s" error="%s"',
                            self.topic,
                            type(exc).__name__,
                        )
                    self._failing = True
            if self._stop.wait(backoff.next_s()):
                return False
