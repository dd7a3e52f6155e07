"""Silences and the alert history against a real Elasticsearch node."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from alerting.consumer import AlertConsumer
from alerting.errors import InvalidSilence
from alerting.history import ALERTS_INDEX
from alerting.silences import SILENCES_INDEX, Silence, create_silence, delete_silence, list_silences
from core.config import Config
from tests.alerting.chat_servers import SlackServer, TelegramServer
from tests.alerting.helpers import alert_bytes, chat_env, make_config, routes_doc, wait_until, write_routes
from tests.alerting.test_consumer import produce


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=10)
    yield client
    client.close()


@pytest.mark.integration
def test_silences_can_be_created_listed_expired_and_deleted(es: Elasticsearch) -> None:
    rule = f"rule-{uuid.uuid4().hex[:8]}"
    long = create_silence(es, rule=rule, duration_s=3600, comment="maintenance", created_by="ops")
    short = create_silence(es, rule=rule, service="web", duration_s=4)
    assert long.to_dict()["expires_at"].endswith("Z") and long.created_by == "ops"

    def mine(silences: list[Silence]) -> set[str]:
        return {s.id for s in silences if s.rule == rule}

    assert mine(list_silences(es)) == {long.id, short.id}
    wait_until(lambda: mine(list_silences(es)) == {long.id}, 15, "the short silence to expire", 0.3)
    assert mine(list_silences(es, include_expired=True)) == {long.id, short.id}
    assert list_silences(es)[0].created_at >= list_silences(es)[-1].created_at  # newest first
    assert delete_silence(es, short.id) is True
    assert delete_silence(es, short.id) is False
    assert mine(list_silences(es, include_expired=True)) == {long.id}


@pytest.mark.integration
@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"duration_s": 60}, "needs at least one of rule, service or category"),
        ({"rule": "  ", "duration_s": 60}, "needs at least one of rule, service or category"),
        ({"service": "x", "duration_s": 0}, "Duration must be between 0 and 366 days"),
        ({"category": "misc", "duration_s": 60}, "Category 'misc' is unknown"),
    ],
)
def test_bad_silences_are_refused_with_one_sentence(es: Elasticsearch, kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidSilence, match=words) as info:
        create_silence(es, **kwargs)
    assert isinstance(info.value, ValueError)


@pytest.mark.integration
def test_the_consumer_honours_silences_and_writes_the_alert_history(
    tmp_path: Path,
    es: Elasticsearch,
    es_url: str,
    kafka_bootstrap: str,
    topic_factory: Callable[..., str],
    consumer_group: str,
    slack_server: SlackServer,
    telegram_server: TelegramServer,
    run_consumer: Callable[[Config, dict[str, str]], AlertConsumer],
) -> None:
    muted = f"muted-{uuid.uuid4().hex[:6]}"
    silence = create_silence(es, service=muted, duration_s=600, comment="deploy in progress")
    routes = write_routes(tmp_path / "routes.yaml", routes_doc(slack_server, telegram_server))
    config, env = make_config(
        tmp_path / "var",
        routes,
        bootstrap=kafka_bootstrap,
        topic=topic_factory(),
        dlq_topic=topic_factory(),
        group=consumer_group,
        es_url=es_url,
    )
    run_consumer(config, {**env, **chat_env(slack_server, telegram_server)})
    loud_id, muted_id = f"loud-{uuid.uuid4().hex[:6]}", f"quiet-{uuid.uuid4().hex[:6]}"
    produce(
        kafka_bootstrap,
        config.topics.alerts,
        alert_bytes(alert_id=muted_id, service=muted),
        alert_bytes(alert_id=loud_id, severity="HIGH"),
    )
    slack_server.wait_accepted(1, 30, "chat.postMessage")

    def doc(doc_id: str, status: str) -> dict[str, Any] | None:
        es.indices.refresh(index=ALERTS_INDEX, ignore_unavailable=True)
        found = es.options(ignore_status=404).get(index=ALERTS_INDEX, id=doc_id)
        source = found.get("_source") if found.get("found") else None
        return source if source and source["delivery_status"] == status else None

    sent = wait_until(lambda: doc(f"{loud_id}:firing", "sent"), 20, "the sent alert's history", 0.3)
    assert sent["rule"] == "error-rate" and sent["severity"] == "HIGH" and sent["received_at"].endswith("Z")
    assert {(d["route"], d["sender"], d["status"]) for d in sent["deliveries"]} == {
        ("oncall", "telegram", "sent"),
        ("team", "slack", "sent"),
    }
    assert all(d["error"] is None and d["at"] for d in sent["deliveries"])
    silenced = wait_until(lambda: doc(f"{muted_id}:firing", "silenced"), 20, "the silenced alert's history", 0.3)
    assert {d["error"] for d in silenced["deliveries"]} == {f"silence {silence.id}: deploy in progress"}
    assert len(slack_server.received) == 1 and len(telegram_server.accepted("sendMessage")) == 1
    assert es.indices.get_mapping(index=ALERTS_INDEX)[ALERTS_INDEX]["mappings"]["properties"]["deliveries"]
    assert es.indices.exists(index=SILENCES_INDEX)
