"""Kafka with three brokers and Elasticsearch with two nodes on this host, each losing one member to SIGKILL.

The whole pipeline on them (the streaming job and the API given every broker and both nodes) is proven by
``bench/bench_replicated.py``; here the two clusters themselves, without Spark.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, helpers
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from core.config import load_config
from infra.teststack import TestStack

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestStack]:
    stack = TestStack(tmp_path_factory.mktemp("replicated") / "var")
    yield stack
    stack.stop()


def topic_layout(bootstrap: str, topic: str) -> tuple[dict[int, tuple[int, list[int]]], str]:
    """Partition -> (leader, replicas) of ``topic``, and its ``min.insync.replicas``."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        (described,) = admin.describe_topics([topic])
        (response,) = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        admin.close()
    entries = {entry[0]: entry[1] for entry in response.resources[0][4]}
    layout = {p["partition"]: (p["leader"], sorted(p["replicas"])) for p in described["partitions"]}
    return layout, entries["min.insync.replicas"]


def read_values(bootstrap: str, topic: str) -> list[bytes]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000)
    parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    values = [record.value for record in consumer]
    consumer.close()
    return values


def test_three_brokers_keep_every_acknowledged_record_when_a_leader_is_killed(clusters: TestStack) -> None:
    bootstrap = clusters.start_kafka_cluster(3)
    layout, min_isr = topic_layout(bootstrap, clusters.topics.logs)
    assert [replicas for _, replicas in layout.values()] == [[1, 2, 3]] * 3 and min_isr == "2"

    errors: list[Exception] = []
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)

    def send(numbers: range) -> None:
        for i in numbers:
            producer.send(clusters.topics.logs, key=str(i % 5).encode(), value=str(i).encode()).add_errback(
                errors.append
            )

    send(range(1000))
    producer.flush(timeout=60)
    clusters.supervisor.signal(f"kafka-{layout[0][0]}", signal.SIGKILL)
    send(range(1000, 2000))
    producer.flush(timeout=120)
    producer.close()

    assert errors == []
    values = read_values(bootstrap, clusters.topics.logs)
    # Each record once: the idempotent producer's retries through the fail-over wrote no copy.
    assert sorted(values, key=int) == [str(i).encode() for i in range(2000)]
    layout_after, _ = topic_layout(bootstrap, clusters.topics.logs)
    assert layout[0][0] not in {leader for leader, _ in layout_after.values()}


def test_a_client_of_both_elasticsearch_nodes_carries_on_when_one_is_killed(
    clusters: TestStack, tmp_path: Path
) -> None:
    url = clusters.start_elasticsearch_cluster(2)
    hosts = load_config(env={"ES_URL": url, "LOGWATCH_VAR_DIR": str(tmp_path)}).es.hosts
    assert len(hosts) == 2
    es = Elasticsearch(hosts, request_timeout=30, max_retries=2)
    assert es.cluster.health()["number_of_nodes"] == 2
    es.indices.create(index="replicated", settings={"number_of_shards": 1, "number_of_replicas": 1})
    helpers.bulk(es, ({"_index": "replicated", "_id": str(i), "n": i} for i in range(500)), refresh=True)
    assert es.cluster.health(index="replicated", wait_for_status="green", timeout="60s")["status"] == "green"

    clusters.supervisor.signal(clusters.elasticsearch_non_master(url), signal.SIGKILL)

    # The node is gone for the cluster too (not just slow), and the writes and reads went to the other one.
    assert es.cluster.health(wait_for_nodes="1", timeout="60s")["number_of_nodes"] == 1
    helpers.bulk(es, ({"_index": "replicated", "_id": str(i), "n": i} for i in range(500, 600)), refresh=True)
    assert es.count(index="replicated")["count"] == 600
