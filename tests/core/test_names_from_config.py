"""Every topic and index name comes from the configuration: a whole stack run under other names.

The job (with its rules) and the alert consumer run with non-default topics and indices (as a second
installation sharing one Kafka and one Elasticsearch would); a brute-force burst on the renamed `logs` topic
must reach the chat server, and nothing may touch the default names.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from core.config import load_config
from core.contract import Indices, Topics
from infra import kafka_broker
from infra.teststack import TestStack
from tests.alerting.chat_servers import SlackServer
from tests.alerting.helpers import ConsumerProcess, chat_env, wait_until, write_routes

pytestmark = pytest.mark.integration


def keys_on(bootstrap: str, topic: str) -> list[bytes | None]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, consumer_timeout_ms=2000)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        return [record.key for record in consumer]
    finally:
        consumer.close()


@pytest.fixture
def renamed(tmp_path: Path) -> Iterator[tuple[Topics, Indices]]:
    tag = uuid.uuid4().hex[:6]
    topics = Topics(
        logs=f"t{tag}.in",
        classified=f"t{tag}.labelled",
        dlq=f"t{tag}.bad",
        alerts=f"t{tag}.pages",
        alerts_dlq=f"t{tag}.pages.bad",
    )
    yield topics, Indices(logs=f"t{tag}_docs", alerts=f"t{tag}_history", silences=f"t{tag}_mutes")


def test_a_log_line_reaches_the_chat_server_under_other_names(
    stack: TestStack, kafka_bootstrap: str, es_url: str, renamed: tuple[Topics, Indices], tmp_path: Path
) -> None:
    topics, indices = renamed
    kafka_broker.create_topics(kafka_bootstrap, topics)
    slack = SlackServer()
    routes = {
        "receivers": {"team-slack": {"type": "slack", "channel": "#alerts", "base_url": f"{slack.url}/api/"}},
        "routes": [{"name": "team", "receiver": "team-slack", "group_wait_s": 0, "repeat_interval_s": 3600}],
    }
    var_dir = tmp_path / "var"
    # Its own checkpoints and status files; the session's Kafka and Elasticsearch.
    own = TestStack(var_dir, topics=topics, indices=indices)
    env = {
        **own.names_env(),
        "LOGWATCH_VAR_DIR": str(var_dir),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ES_URL": es_url,
        "ALERTING_ROUTES_FILE": str(write_routes(tmp_path / "routes.yaml", routes)),
        "ALERTING_CONSUMER_GROUP": f"renamed-{uuid.uuid4().hex[:6]}",
        "ALERTING_HISTORY_FLUSH_S": "0.3",
        "ALERTING_STATUS_INTERVAL_S": "0.3",
    }
    config = load_config(env=env)
    consumer = ConsumerProcess(config, {**env, **chat_env(slack, None)}, tmp_path / "alerting.log")
    try:
        own.supervisor.start(own.streaming_service(kafka_bootstrap, es_url))
        consumer.wait_status(lambda doc: True, 60, "the alert consumer's status")
        service = f"auth-{uuid.uuid4().hex[:6]}"
        now = datetime.now(UTC)
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        for i in range(30):
            line = {
                "timestamp": (now + timedelta(milliseconds=100 * i)).isoformat(),
                "level": "ERROR",
                "service": service,
                "message": f"Failed password for invalid user admin from 203.0.113.{i} port 22 ssh2",
            }
            producer.send(topics.logs, key=service.encode(), value=json.dumps(line).encode())
        producer.flush(30)
        producer.close()

        (message,) = slack.wait_accepted(1, timeout_s=300)
        assert service in json.dumps(message.body)

        es = Elasticsearch(es_url, request_timeout=30)
        es.indices.refresh(index=indices.logs)
        found = es.count(index=indices.logs, query={"term": {"service": service}})["count"]
        assert found == 30
        assert set(es.indices.get(index=f"{indices.logs}-*"))
        elsewhere = es.options(ignore_status=404).count(index="logs_classified", query={"term": {"service": service}})
        assert elsewhere.get("count", 0) == 0

        def history() -> list[dict[str, object]]:
            # 503: the history index was just created and its shard is not searchable yet; ask again.
            found = es.options(ignore_status=(404, 503)).search(
                index=indices.alerts, query={"term": {"service": service}}
            )
            return list(found.body.get("hits", {}).get("hits", []))

        wait_until(history, 30, "the alert in the renamed history index", interval_s=0.5)
        assert service.encode() in keys_on(kafka_bootstrap, topics.classified)
        default_history = es.options(ignore_status=404).count(index="alerts", query={"term": {"service": service}})
        assert default_history.get("count", 0) == 0
        for default in ("alerts", "logs.classified"):
            assert service.encode() not in keys_on(kafka_bootstrap, default)
    finally:
        consumer.close()
        own.supervisor.stop("streaming")
        slack.close()
