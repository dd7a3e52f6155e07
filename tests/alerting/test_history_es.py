"""Silences and the alert history against a real Elasticsearch node, in the indices the configuration names."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from alerting.consumer import AlertConsumer
from core.config import Config
from core.silences import SilenceStore, new_silence
from tests.alerting.chat_servers import SlackServer, TelegramServer
from tests.alerting.helpers import alert_bytes, chat_env, make_config, routes_doc, wait_until, write_routes
from tests.alerting.test_consumer import produce


@pytest.fixture
def es(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=10)
    yield client
    client.close()


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
    alerts_index, silences_index = f"alerts_{uuid.uuid4().hex[:8]}", f"silences_{uuid.uuid4().hex[:8]}"
    silence = SilenceStore(es, silences_index, 10.0).create(
        new_silence(service=muted, duration_s=600, comment="deploy in progress")
    )
    routes = write_routes(tmp_path / "routes.yaml", routes_doc(slack_server, telegram_server))
    config, env = make_config(
        tmp_path / "var",
        routes,
        bootstrap=kafka_bootstrap,
        topic=topic_factory(),
        dlq_topic=topic_factory(),
        group=consumer_group,
        es_url=es_url,
        alerts_index=alerts_index,
        silences_index=silences_index,
    )
    assert (config.indices.alerts, config.indices.silences) == (alerts_index, silences_index)
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
        es.indices.refresh(index=alerts_index, ignore_unavailable=True)
        found = es.options(ignore_status=404).get(index=alerts_index, id=doc_id)
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
    assert es.indices.get_mapping(index=alerts_index)[alerts_index]["mappings"]["properties"]["deliveries"]
