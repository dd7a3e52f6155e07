"""Session fixtures: the real services, started once per test session and stopped at its end."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from kafka.admin import KafkaAdminClient, NewTopic

from infra.teststack import TestStack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestStack]:
    test_stack = TestStack(tmp_path_factory.mktemp("var"))
    yield test_stack
    test_stack.stop()


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: TestStack) -> str:
    """Bootstrap servers of a real Kafka broker (KRaft) with the configuration's default topics created."""
    return stack.start_kafka()


@pytest.fixture(scope="session")
def es_url(stack: TestStack) -> str:
    """URL of a real Elasticsearch node."""
    return stack.start_elasticsearch()


@pytest.fixture
def topic_factory(kafka_bootstrap: str) -> Callable[..., str]:
    """Creates a uniquely named topic for one test: ``topic_factory(partitions=1)``."""

    def create(partitions: int = 1) -> str:
        name = f"test-{uuid.uuid4().hex[:12]}"
        admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        try:
            admin.create_topics([NewTopic(name, partitions, 1)])
        finally:
            admin.close()
        return name

    return create


@pytest.fixture
def consumer_group() -> str:
    return f"test-group-{uuid.uuid4().hex[:12]}"
