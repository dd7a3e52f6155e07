"""Fixtures for the producer tests: swallowed-exception checking, fake and real brokers, consumers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from producers import LogProducer, _internal
from tests.producers.doubles import FakeBroker
from tests.producers.kafka_helpers import ManualBroker


@pytest.fixture(autouse=True)
def internal_exceptions() -> Iterator[list[BaseException]]:
    """Re-raise any exception the library swallowed to protect its host (like sentry's fixture).

    A test that provokes one on purpose clears the list it receives.
    """
    seen: list[BaseException] = []
    _internal.set_internal_exception_hook(seen.append)
    try:
        yield seen
    finally:
        _internal.set_internal_exception_hook(None)
    if seen:
        raise seen[0]


@pytest.fixture
def fake_broker() -> FakeBroker:
    return FakeBroker()


@pytest.fixture
def producer_factory(fake_broker: FakeBroker) -> Iterator[Callable[..., LogProducer]]:
    """Builds producers wired to the fake broker (override with ``transport_factory=``); closes them all."""
    made: list[LogProducer] = []

    def make(**options: Any) -> LogProducer:
        options.setdefault("service", "test-svc")
        options.setdefault("transport_factory", fake_broker.factory)
        options.setdefault("host", "test-host")
        producer = LogProducer(**options)
        made.append(producer)
        return producer

    yield make
    for producer in made:
        producer.close(0.2)


@pytest.fixture(scope="session")
def manual_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManualBroker]:
    """A broker on a port known before it starts, for outage tests; stopped at the end of the session."""
    broker = ManualBroker(tmp_path_factory.mktemp("manual-kafka"))
    yield broker
    broker.stop()
