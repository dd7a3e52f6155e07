"""Real-Kafka helpers: a broker on a port chosen before it starts, and a bounded consumer."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kafka import KafkaConsumer
from kafka.consumer.fetcher import ConsumerRecord

from infra.teststack import TestStack, free_port

__all__ = ["ManualBroker", "TRANSPORTS", "consume"]

# Both clients run every real-broker test that takes a transport (confluent-kafka is in the dev extras).
TRANSPORTS = ("kafka-python", "confluent")


class ManualBroker:
    """A KRaft broker whose address is known while it is down ("broker down at start, then started").

    :param var_dir: its own state folder.
    """

    def __init__(self, var_dir: Path) -> None:
        self.stack = TestStack(var_dir)
        self.port = free_port()
        self.controller_port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.starts = 0

    @property
    def running(self) -> bool:
        return self.stack.supervisor.pid("kafka") is not None

    def start(self) -> None:
        self.stack.start_kafka(self.port, self.controller_port)
        self.starts += 1

    def stop(self) -> None:
        self.stack.supervisor.stop("kafka")


def consume(
    bootstrap: str,
    topic: str,
    expected: int,
    timeout_s: float = 30.0,
    done: Callable[[list[ConsumerRecord]], bool] | None = None,
) -> list[ConsumerRecord]:
    """Read ``topic`` from the beginning until ``expected`` records (or ``done(records)``) or the timeout."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
        consumer_timeout_ms=500,
    )
    out: list[ConsumerRecord] = []
    finished = done or (lambda records: len(records) >= expected)
    deadline = time.monotonic() + timeout_s
    try:
        while not finished(out) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                out.extend(batch)
    finally:
        consumer.close()
    return out
